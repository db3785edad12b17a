"""The webhook takes only Updates with the right secret, and answers Telegram once the update was handled."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiogram import Dispatcher, F
from aiogram.types import Message
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.webhook import SECRET_HEADER, WEBHOOK_PATH, webhook_app
from sandbox.fake import FakeTelegram
from sandbox.limits import Limits

SECRET = "webhook-secret-for-tests"


@dataclass
class Rig:
    client: TestClient[web.Request, web.Application]
    telegram: FakeTelegram
    handled: list[str] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def post(self, body: bytes | str, *, secret: str | None = SECRET) -> tuple[int, dict[str, object]]:
        headers = {"Content-Type": "application/json"} | ({SECRET_HEADER: secret} if secret else {})
        response = await self.client.post(WEBHOOK_PATH, data=body, headers=headers)
        return response.status, await response.json()


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    telegram = FakeTelegram(limits=Limits.unlimited())
    bot = telegram.bot()
    dispatcher = Dispatcher()
    handled: list[str] = []
    release = asyncio.Event()
    release.set()

    @dispatcher.message(F.text)
    async def echo(message: Message) -> None:
        await release.wait()
        handled.append(message.text or "")

    server = TestServer(webhook_app(dispatcher, bot, secret=SECRET))
    client: TestClient[web.Request, web.Application] = TestClient(server)
    await client.start_server()
    try:
        yield Rig(client, telegram, handled, release)
    finally:
        await client.close()
        await bot.session.close()


def update(update_id: int = 7, text: str = "你好") -> str:
    chat = {"id": 1001, "type": "private", "first_name": "李"}
    message = {"message_id": 1, "date": 1764547200, "chat": chat, "from": {**chat, "is_bot": False}, "text": text}
    return json.dumps({"update_id": update_id, "message": message}, ensure_ascii=False)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe",
        b"",
        b"[1, 2, 3]",
        b'"an update"',
        b'{"hello": "world"}',
        b'{"update_id": "seven"}',
        b'{"update_id": true}',
        b'{"update_id": -1}',
        b'{"update_id": 99999999999999999999999}',
        b'{"update_id": 8, "message": "not a message"}',
        b'{"update_id": 9, "callback_query": {"id": 5}}',
    ],
)
async def test_what_is_not_an_update_gets_400_and_one_log_line(
    rig: Rig, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        status, answer = await rig.post(body)
        await asyncio.sleep(0.05)  # anything left running would log by now
    assert status == 400 and answer["ok"] is False
    refusals = [r for r in caplog.records if r.name == "bot.webhook"]
    assert len(refusals) == 1 and refusals[0].levelno == logging.WARNING
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert rig.handled == []


async def test_a_delivery_without_the_right_secret_is_refused(rig: Rig) -> None:
    assert (await rig.post(update(), secret=None))[0] == 401
    assert (await rig.post(update(), secret="guess"))[0] == 401
    assert rig.handled == []


async def test_telegram_is_answered_only_after_the_update_was_handled(rig: Rig) -> None:
    rig.release.clear()
    delivery = asyncio.create_task(rig.post(update()))
    await asyncio.sleep(0.1)
    assert not delivery.done(), "the answer waits for the handler"
    rig.release.set()
    assert (await delivery)[0] == 200
    assert rig.handled == ["你好"]


async def test_a_delivery_repeated_while_the_first_is_handled_is_handled_once(rig: Rig) -> None:
    rig.release.clear()
    first = asyncio.create_task(rig.post(update(11)))
    await asyncio.sleep(0.05)
    again = asyncio.create_task(rig.post(update(11)))
    await asyncio.sleep(0.05)
    rig.release.set()
    assert [(await first)[0], (await again)[0]] == [200, 200]
    assert rig.handled == ["你好"]
