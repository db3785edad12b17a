"""What the bot does to messages and chats shows up in the state as people would see it."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from sandbox import FakeTelegram
from sandbox.limits import Limits

APPROVE = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="同意", callback_data="ok")]])


async def test_message_ids_are_counted_per_chat(tg: FakeTelegram, bot: Bot) -> None:
    li, wang = tg.user("李"), tg.user("王")
    li.opens_private_chat()
    wang.opens_private_chat()
    ids = [(await bot.send_message(chat, "嗨")).message_id for chat in (li.id, wang.id, li.id)]
    assert ids == [1, 1, 2]


async def test_editing_text_keeps_the_keyboard_only_when_it_is_sent_again(tg: FakeTelegram, bot: Bot) -> None:
    tg.core.flood.limits = Limits(count_edits=False)  # four edits in a row: what they do, not how fast
    li = tg.user("李")
    li.opens_private_chat()
    sent = await bot.send_message(li.id, "待审批", reply_markup=APPROVE)
    await bot.edit_message_text("审批中", chat_id=li.id, message_id=sent.message_id, reply_markup=APPROVE)
    view = li.private_chat.message(sent.message_id)
    assert (view.text, view.buttons, view.edited) == ("审批中", [["同意"]], True)
    await bot.edit_message_reply_markup(chat_id=li.id, message_id=sent.message_id)
    assert view.buttons == []
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=li.id, message_id=sent.message_id)


async def test_the_bot_can_edit_only_its_own_messages(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    said = await li.says(li.private_chat, "我的消息")
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("改", chat_id=li.id, message_id=said.message_id)


async def test_replies_work_by_reply_parameters(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    asked = await li.says(li.private_chat, "进度？")
    await bot.send_message(li.id, "80%", reply_parameters=ReplyParameters(message_id=asked.message_id))
    assert li.private_chat.last_message().reply_to_message_id == asked.message_id
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(li.id, "?", reply_parameters=ReplyParameters(message_id=99))
    await bot.send_message(
        li.id, "!", reply_parameters=ReplyParameters(message_id=99, allow_sending_without_reply=True)
    )


async def test_deleted_messages_are_gone_for_people(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li])
    sent = await bot.send_message(group.id, "临时")
    chatter = await li.says(group, "闲聊")
    assert await bot.delete_message(group.id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message can't be deleted"):
        await bot.delete_message(group.id, chatter.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(group.id, sent.message_id)
    assert [m.text for m in group.messages()] == [None, "闲聊"]


async def test_pinning_needs_admin_rights_in_a_group(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li])
    sent = await bot.send_message(group.id, "本周重点")
    with pytest.raises(TelegramBadRequest, match="not enough rights to manage pinned messages"):
        await bot.pin_chat_message(group.id, sent.message_id)
    await li.makes_bot_admin(group)
    assert await bot.pin_chat_message(group.id, sent.message_id)
    pinned = group.pinned()
    assert pinned is not None and pinned.text == "本周重点"
    assert (await bot.get_chat(group.id)).pinned_message is not None
    assert await bot.unpin_chat_message(group.id)
    assert group.pinned() is None


async def test_a_chat_action_shows_until_the_next_message(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    assert await bot.send_chat_action(li.id, "typing")
    assert li.private_chat.action == "typing"
    await bot.send_message(li.id, "好了")
    assert li.private_chat.action is None
    with pytest.raises(TelegramBadRequest, match="wrong parameter action"):
        await bot.send_chat_action(li.id, "dancing")


async def test_reply_keyboards_and_force_reply_reach_people(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="工业"), KeyboardButton(text="文旅")]])
    await bot.send_message(li.id, "选择类别", reply_markup=keyboard)
    assert li.private_chat.reply_keyboard == [["工业", "文旅"]]
    await bot.send_message(li.id, "好的", reply_markup=ReplyKeyboardRemove())
    assert li.private_chat.reply_keyboard == []
    await bot.send_message(li.id, "请输入投资额", reply_markup=ForceReply(input_field_placeholder="万元"))
    assert li.private_chat.last_message().forces_reply


async def test_commands_are_kept_per_scope_and_language(tg: FakeTelegram, bot: Bot) -> None:
    commands = [BotCommand(command="start", description="开始"), BotCommand(command="report", description="上报")]
    assert await bot.set_my_commands(commands)
    assert await bot.set_my_commands(commands[:1], scope=BotCommandScopeAllGroupChats())
    assert [c.command for c in await bot.get_my_commands()] == ["start", "report"]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())] == ["start"]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])


async def test_chat_members_and_administrators_are_reported(tg: FakeTelegram, bot: Bot) -> None:
    li, wang = tg.user("李"), tg.user("王")
    group = tg.group("项目联络群", members=[li, wang], bot_is_admin=True)
    assert (await bot.get_chat_member(group.id, wang.id)).status == "member"
    admins = await bot.get_chat_administrators(group.id)
    assert sorted(a.user.id for a in admins) == sorted([li.id, bot.id])
    assert await bot.get_chat_member_count(group.id) == 3
    await wang.leaves(group)
    assert (await bot.get_chat_member(group.id, wang.id)).status == "left"
