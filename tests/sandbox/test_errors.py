"""Telegram's refusals, with its exact descriptions, as aiogram's real exceptions."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramUnauthorizedError
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import FakeTelegram, SandboxServer


def keyboard(data: str) -> InlineKeyboardMarkup:
    """One button carrying `data`."""
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="同意", callback_data=data)]])


async def test_4096_characters_are_sent_and_4097_are_too_long(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    assert (await bot.send_message(li.id, "字" * 4096)).text == "字" * 4096
    with pytest.raises(TelegramBadRequest) as raised:
        await bot.send_message(li.id, "字" * 4097)
    assert raised.value.message == "Bad Request: message is too long"


async def test_length_counts_the_text_after_html_parsing(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    sent = await bot.send_message(li.id, f"<b>{'字' * 4000}</b>&amp;{'字' * 95}", parse_mode="HTML")
    assert sent.text is not None and len(sent.text) == 4096
    assert sent.entities is not None and sent.entities[0].type == "bold"


async def test_unbalanced_html_answers_cant_parse_entities(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    with pytest.raises(TelegramBadRequest, match="can't parse entities: Can't find end tag"):
        await bot.send_message(li.id, "<b>项目", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match='Unmatched end tag at byte offset 12, expected "</i>"'):
        await bot.send_message(li.id, "<b><i>项目</b></i>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "br"'):
        await bot.send_message(li.id, "一<br>二", parse_mode="HTML")


async def test_an_empty_text_answers_message_text_is_empty(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(li.id, "<b> </b>", parse_mode="HTML")


async def test_a_caption_over_1024_characters_is_too_long(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    document = BufferedInputFile(b"data", "a.txt")
    with pytest.raises(TelegramBadRequest, match=r"^Telegram server says - Bad Request: message caption is too long$"):
        await bot.send_document(li.id, document, caption="字" * 1025)


async def test_callback_data_of_64_bytes_is_accepted_and_65_is_button_data_invalid(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    await bot.send_message(li.id, "审批", reply_markup=keyboard("x" * 64))
    with pytest.raises(TelegramBadRequest) as raised:
        await bot.send_message(li.id, "审批", reply_markup=keyboard("x" * 65))
    assert raised.value.message == "Bad Request: BUTTON_DATA_INVALID"
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(li.id, "审批", reply_markup=keyboard("审" * 22))


async def test_editing_to_identical_content_is_not_modified(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    sent = await bot.send_message(li.id, "待审批", reply_markup=keyboard("ok"))
    with pytest.raises(TelegramBadRequest) as raised:
        await bot.edit_message_text("待审批", chat_id=li.id, message_id=sent.message_id, reply_markup=keyboard("ok"))
    assert raised.value.message == (
        "Bad Request: message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )
    await bot.edit_message_text("待审批", chat_id=li.id, message_id=sent.message_id)
    assert li.private_chat.last_message().buttons == []


async def test_editing_a_missing_message_is_message_to_edit_not_found(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    with pytest.raises(TelegramBadRequest, match=r"^Telegram server says - Bad Request: message to edit not found$"):
        await bot.edit_message_text("新", chat_id=li.id, message_id=42)


async def test_a_kicked_bot_is_forbidden_to_write_to_the_group(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li])
    await li.removes_bot(group)
    with pytest.raises(TelegramForbiddenError) as raised:
        await bot.send_message(group.id, "还在吗")
    assert raised.value.message == "Forbidden: bot was kicked from the group chat"


async def test_a_bot_that_left_is_not_a_member(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li], supergroup=True)
    assert await bot.leave_chat(group.id)
    with pytest.raises(TelegramForbiddenError, match="bot is not a member of the supergroup chat"):
        await bot.send_message(group.id, "还在吗")


async def test_a_bot_blocked_by_the_person_is_forbidden_to_write_to_them(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    await li.starts()
    await li.blocks_bot()
    with pytest.raises(
        TelegramForbiddenError, match=r"^Telegram server says - Forbidden: bot was blocked by the user$"
    ):
        await bot.send_message(li.id, "提醒")


async def test_an_unknown_chat_is_chat_not_found(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="Bad Request: chat not found"):
        await bot.send_message(-123, "提醒")


async def test_a_person_who_never_started_the_bot_cannot_be_written_to(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation with a user"):
        await bot.send_message(li.id, "提醒")


async def test_a_wrong_token_is_unauthorized_over_http_and_in_process(tg: FakeTelegram, server: SandboxServer) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
    async with Bot("1:wrong", session=session) as stranger:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await stranger.get_me()
    async with Bot("1:wrong", session=tg.session()) as stranger:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
    assert {r.status for r in tg.requests} == {401}


async def test_answering_a_callback_query_twice_is_refused(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    sent = await bot.send_message(li.id, "审批", reply_markup=keyboard("ok"))
    callback_id = await li.taps(li.private_chat.message(sent.message_id), "同意")
    assert await bot.answer_callback_query(callback_id)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(callback_id)
