"""Documents and photos are kept in memory and download byte for byte, both ways in."""

from __future__ import annotations

import io
import os

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramEntityTooLarge
from aiogram.types import BufferedInputFile

from sandbox import FakeTelegram, SandboxServer

PAYLOAD = os.urandom(200_000)


async def test_a_document_sent_in_process_downloads_with_identical_bytes(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    sent = await bot.send_document(li.id, BufferedInputFile(PAYLOAD, "项目台账.xlsx"), caption="台账")
    assert sent.document is not None and sent.document.file_name == "项目台账.xlsx"
    file = await bot.get_file(sent.document.file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert isinstance(downloaded, io.BytesIO) and downloaded.getvalue() == PAYLOAD
    assert tg.requests[0].params["document"] == {"file_name": "项目台账.xlsx", "size": len(PAYLOAD)}


async def test_a_document_sent_over_http_downloads_with_identical_bytes(
    tg: FakeTelegram, server: SandboxServer, http_bot: Bot
) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    sent = await http_bot.send_document(li.id, BufferedInputFile(PAYLOAD, "项目台账.xlsx"))
    assert sent.document is not None and sent.document.file_name == "项目台账.xlsx"
    destination = io.BytesIO()
    await http_bot.download(sent.document.file_id, destination=destination)
    assert destination.getvalue() == PAYLOAD
    stored = li.private_chat.last_message().document
    assert stored is not None and stored.data == PAYLOAD


async def test_the_control_api_links_to_the_same_bytes_without_the_token(
    tg: FakeTelegram, server: SandboxServer, bot: Bot
) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    await bot.send_document(li.id, BufferedInputFile(PAYLOAD, "台账.bin"))
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server.url}/sandbox/api/chats/{li.id}/messages") as resp:
            (message,) = await resp.json()
        link = message["document"]["url"]
        assert tg.token not in link
        async with session.get(server.url + link) as resp:
            assert await resp.read() == PAYLOAD


async def test_a_file_sent_again_by_file_id_is_the_same_file(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    first = await bot.send_document(li.id, BufferedInputFile(b"abc", "a.txt"))
    assert first.document is not None
    again = await bot.send_document(li.id, first.document.file_id)
    assert again.document is not None and again.document.file_unique_id == first.document.file_unique_id


async def test_a_document_a_person_sends_reaches_the_bot_and_downloads(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    await li.sends_document(li.private_chat, "可研报告.pdf", b"%PDF-1.7 report", caption="可研")
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.document is not None
    assert update.message.caption == "可研"
    file = await bot.get_file(update.message.document.file_id)
    downloaded = await bot.download_file(file.file_path or "")
    assert isinstance(downloaded, io.BytesIO) and downloaded.getvalue() == b"%PDF-1.7 report"


async def test_an_upload_over_the_size_limit_is_refused_with_413(tg: FakeTelegram) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    async with SandboxServer(tg, max_body=10_000) as server:
        session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
        async with Bot(tg.token, session=session) as bot:
            with pytest.raises(TelegramEntityTooLarge):
                await bot.send_document(li.id, BufferedInputFile(PAYLOAD, "大文件.bin"))
