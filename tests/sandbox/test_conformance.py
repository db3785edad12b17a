"""Every request is checked against the spec; violations name the method and the field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from sandbox import ConformanceError, FakeTelegram, SandboxServer


class SendMessageWithColour(SendMessage):
    """A request aiogram would send if someone added a field Telegram does not have."""

    colour: str | None = None


def colourful(chat_id: int) -> SendMessageWithColour:
    """A sendMessage carrying the unknown field `colour`."""
    return SendMessageWithColour.model_validate({"chat_id": chat_id, "text": "你好", "colour": "red"})


@pytest_asyncio.fixture
async def loose_tg() -> AsyncIterator[FakeTelegram]:
    """A fake whose violations these tests inspect instead of failing at teardown."""
    telegram = FakeTelegram()
    yield telegram
    await telegram.close()


@pytest_asyncio.fixture
async def loose_url(loose_tg: FakeTelegram) -> AsyncIterator[str]:
    """The loose fake's Bot API base URL on 127.0.0.1, token included."""
    async with SandboxServer(loose_tg) as server:
        yield f"{server.url}/bot{loose_tg.token}"


async def post(url: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """A raw HTTP call, as a bot not using aiogram would make it."""
    async with aiohttp.ClientSession() as session, session.post(url, **kwargs) as resp:
        return resp.status, await resp.json()


def shown(tg: FakeTelegram) -> list[str]:
    """The violations as they are printed."""
    return [str(v) for v in tg.violations]


async def test_an_unknown_field_is_reported_naming_method_and_field(loose_tg: FakeTelegram) -> None:
    li = loose_tg.user("李")
    li.opens_private_chat()
    async with loose_tg.bot() as bot:
        await bot(colourful(li.id))
    assert shown(loose_tg) == ["sendMessage.colour: unknown field"]
    with pytest.raises(ConformanceError, match=r"sendMessage\.colour: unknown field"):
        loose_tg.assert_conformant()


async def test_in_strict_mode_the_call_itself_fails_the_test() -> None:
    telegram = FakeTelegram(strict=True)
    li = telegram.user("李")
    li.opens_private_chat()
    async with telegram.bot() as bot:
        with pytest.raises(ConformanceError, match=r"sendMessage\.colour"):
            await bot(colourful(li.id))


async def test_a_missing_required_field_is_reported_and_answered_with_telegrams_400(
    loose_tg: FakeTelegram, loose_url: str
) -> None:
    li = loose_tg.user("李")
    li.opens_private_chat()
    status, body = await post(f"{loose_url}/sendMessage", data={"chat_id": str(li.id)})
    assert (status, body) == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"},
    )
    status, body = await post(f"{loose_url}/answerCallbackQuery", json={})
    assert body["description"] == 'Bad Request: parameter "callback_query_id" is required'
    assert shown(loose_tg) == [
        "sendMessage.text: required field is missing",
        "answerCallbackQuery.callback_query_id: required field is missing",
    ]


async def test_a_value_of_the_wrong_type_is_reported(loose_tg: FakeTelegram, loose_url: str) -> None:
    li = loose_tg.user("李")
    li.opens_private_chat()
    await post(f"{loose_url}/sendMessage", json={"chat_id": li.id, "text": "嗨", "disable_notification": "maybe"})
    await post(f"{loose_url}/sendMessage", json={"chat_id": [li.id], "text": 5})
    assert shown(loose_tg) == [
        "sendMessage.disable_notification: expected Boolean, got 'maybe'",
        f"sendMessage.chat_id: expected Integer or String, got [{li.id}]",
        "sendMessage.text: expected String, got 5",
    ]


async def test_nested_objects_are_checked_against_their_types(loose_tg: FakeTelegram, loose_url: str) -> None:
    li = loose_tg.user("李")
    li.opens_private_chat()
    markup = {"inline_keyboard": [[{"text": "同意", "callback_data": "ok", "colour": "red"}]]}
    await post(f"{loose_url}/sendMessage", json={"chat_id": li.id, "text": "嗨", "reply_markup": markup})
    assert shown(loose_tg) == [
        "sendMessage.reply_markup.inline_keyboard[0][0].colour: unknown field of InlineKeyboardButton"
    ]


async def test_an_unknown_method_answers_404_and_is_reported(loose_tg: FakeTelegram, loose_url: str) -> None:
    status, body = await post(f"{loose_url}/sendTelepathy", data={"chat_id": "1"})
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert shown(loose_tg) == ["sendTelepathy: no such method in the Bot API spec"]


async def test_a_spec_method_the_sandbox_does_not_model_answers_404_without_a_violation(tg: FakeTelegram) -> None:
    reply = await tg.core.api.call(tg.token, "sendDice", {"chat_id": "1"}, {}, transport="test")
    assert (reply.status, reply.body["description"]) == (404, "Not Found")
    assert tg.violations == []


async def test_requests_arrive_form_encoded_json_or_multipart_and_method_names_ignore_case(
    tg: FakeTelegram, server: SandboxServer
) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    url = f"{server.url}/bot{tg.token}"
    assert (await post(f"{url}/sendmessage", data={"chat_id": str(li.id), "text": "表单"}))[0] == 200
    assert (await post(f"{url}/SENDMESSAGE", json={"chat_id": li.id, "text": "JSON"}))[0] == 200
    form = aiohttp.FormData(quote_fields=False)
    form.add_field("chat_id", str(li.id))
    form.add_field("document", b"%PDF-1.4", filename="报告.pdf", content_type="application/pdf")
    status, body = await post(f"{url}/sendDocument", data=form)
    assert (status, body["result"]["document"]["file_name"]) == (200, "报告.pdf")
    async with aiohttp.ClientSession() as session, session.get(f"{url}/getMe") as resp:
        assert (await resp.json())["result"]["username"] == "zhikong_bot"
    assert [m.text or (m.document and m.document.file_name) for m in li.private_chat.messages()] == [
        "表单",
        "JSON",
        "报告.pdf",
    ]


async def test_legacy_reply_to_message_id_is_honoured_without_a_violation(loose_tg: FakeTelegram) -> None:
    li = loose_tg.user("李")
    asked = await li.says(li.private_chat, "进度？")
    async with loose_tg.bot() as bot:
        reply = await bot.send_message(li.id, "正常", reply_to_message_id=asked.message_id)
        parameters = ReplyParameters(message_id=asked.message_id)
        reply_by_parameters = await bot.send_message(li.id, "正常", reply_parameters=parameters)
    assert reply.reply_to_message and reply.reply_to_message.text == "进度？"
    assert reply_by_parameters.reply_to_message is not None
    assert loose_tg.violations == []


async def test_without_legacy_fields_a_deprecated_field_is_reported() -> None:
    telegram = FakeTelegram(allow_legacy=False)
    li = telegram.user("李")
    asked = await li.says(li.private_chat, "进度？")
    async with telegram.bot() as bot:
        await bot.send_message(li.id, "正常", reply_to_message_id=asked.message_id)
    assert shown(telegram) == ["sendMessage.reply_to_message_id: unknown field"]


async def test_inline_keyboards_built_with_aiogram_conform(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="同意", callback_data="yes"),
                InlineKeyboardButton(text="文件", url="https://a.b"),
            ]
        ]
    )
    await bot.send_message(li.id, "审批", reply_markup=markup)
    assert li.private_chat.last_message().buttons == [["同意", "文件"]]
