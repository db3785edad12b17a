"""What the fake answers and sends is itself valid per the spec (and parses in aiogram)."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)

from sandbox import FakeTelegram
from sandbox.spec import load_spec

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201e221bc330000000049454e44ae426082"
)
# aiogram 3.31 speaks Bot API 10.3 and requires this field, which 10.1 does not list yet.
AHEAD_OF_SPEC = ".can_send_welcome_messages: unknown field of ChatMemberAdministrator"


def problems(tg: FakeTelegram, value: Any, type_name: str) -> list[str]:
    """Spec problems with one object, except the one field aiogram needs ahead of the spec."""
    return [p for p in tg.core.checker.check_object(value, type_name) if not p.endswith(AHEAD_OF_SPEC)]


async def test_the_spec_is_package_data_and_finds_methods_in_any_letter_case() -> None:
    spec = load_spec()
    assert spec.version == "Bot API 10.1"
    method = spec.method("SENDMESSAGE")
    assert method is not None and method.name == "sendMessage"
    assert method.required() == ["chat_id", "text"]


async def test_every_update_the_fake_sends_matches_the_spec_and_parses_in_aiogram(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李", username="li", last_name="四")
    wang = tg.user("王")
    group = tg.group("项目联络群", members=[li], bot_is_admin=True)
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="同意", callback_data="y")]])
    asked = await bot.send_message(group.id, "<b>审批</b>", parse_mode="HTML", reply_markup=keyboard)
    await li.replies(group, to=asked.message_id, text="/start@zhikong_bot")
    await li.taps(group.message(asked.message_id), "同意")
    await li.sends_document(group, "计划.pdf", b"%PDF", caption="计划")
    await wang.joins(group)
    await wang.leaves(group)
    await li.blocks_bot()
    await li.removes_bot(group)
    for raw in tg.pending_updates():
        assert problems(tg, raw, "Update") == []
        Update.model_validate(raw, context={"bot": bot})


async def test_every_result_matches_the_spec(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li], bot_is_admin=True)
    photo = await bot.send_photo(group.id, BufferedInputFile(PNG_1x1, "dot.png"), caption="图")
    assert photo.photo is not None and (photo.photo[0].width, photo.photo[0].height) == (1, 1)
    await bot.pin_chat_message(group.id, photo.message_id)
    await bot.set_my_commands([BotCommand(command="start", description="开始")])
    await bot.get_me()
    await bot.get_chat(group.id)
    await bot.get_chat_member(group.id, li.id)
    await bot.get_chat_member(group.id, bot.id)
    await bot.get_chat_administrators(group.id)
    await bot.get_my_commands()
    await bot.get_webhook_info()
    await bot.get_file(photo.photo[0].file_id)
    expected = {
        "sendPhoto": "Message",
        "getMe": "User",
        "getChat": "ChatFullInfo",
        "getChatMember": "ChatMember",
        "getWebhookInfo": "WebhookInfo",
        "getFile": "File",
    }
    for record in tg.requests:
        if record.method in expected:
            assert problems(tg, record.result, expected[record.method]) == [], record.method
    for admin in tg.calls("getChatAdministrators")[0].result:
        assert problems(tg, admin, "ChatMember") == []


async def test_the_bot_joining_as_admin_parses_as_chat_member_updated(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    tg.group("项目联络群", members=[li], bot_is_admin=True)
    raw = tg.pending_updates()[0]["my_chat_member"]
    change = ChatMemberUpdated.model_validate(raw, context={"bot": bot})
    assert change.new_chat_member.status == "administrator"
