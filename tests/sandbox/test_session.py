"""Both ways in reach one model, and the in-process session serializes requests as aiogram's HTTP session does."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from sandbox import FakeTelegram, SandboxServer


async def test_a_bot_sends_a_message_through_each_way_in_and_the_state_shows_both(
    tg: FakeTelegram, server: SandboxServer, bot: Bot, http_bot: Bot
) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li])
    await bot.send_message(group.id, "进程内")
    await http_bot.send_message(group.id, "经由 HTTP")
    assert [m.text for m in group.bot_messages()] == ["进程内", "经由 HTTP"]
    assert [r.transport for r in tg.calls("sendMessage")] == ["in-process", "http"]


async def test_the_same_call_arrives_identically_in_process_and_over_http(
    tg: FakeTelegram, server: SandboxServer, bot: Bot, http_bot: Bot
) -> None:
    li = tg.user("李")
    asked = await li.says(li.private_chat, "请发台账")
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="收到", callback_data="ack")]])
    for sender in (bot, http_bot):
        await sender.send_document(
            li.id,
            BufferedInputFile(b"ledger", "台账.csv"),
            caption="<b>台账</b>",
            parse_mode="HTML",
            disable_notification=False,
            reply_markup=keyboard,
            reply_parameters=ReplyParameters(message_id=asked.message_id),
        )
    in_process, over_http = tg.calls("sendDocument")
    assert in_process.params == over_http.params
    assert in_process.params["disable_notification"] is False
    assert in_process.params["document"] == {"file_name": "台账.csv", "size": 6}
