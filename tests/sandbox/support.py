"""Helpers for the sandbox tests: running a Dispatcher against the fake, and a webhook receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.utils.backoff import BackoffConfig
from aiohttp import web

from bot.polling import Poller
from sandbox import FakeTelegram

FAST_BACKOFF = BackoffConfig(min_delay=0.05, max_delay=0.2, factor=1.5, jitter=0.0)


async def wait_until(condition: Callable[[], bool], *, within: float = 5.0) -> None:
    """Polls `condition` until it holds; fails the test after `within` seconds."""
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - the condition is plain state, with no event to wait on
            await asyncio.sleep(0.005)


@contextlib.asynccontextmanager
async def polling(tg: FakeTelegram, dp: Dispatcher, bot: Bot) -> AsyncIterator[Poller]:
    """Runs `dp` polling the fake through `bot` as the bot does, until the block ends; settle() tracks its
    handlers."""
    tg.watch(dp)
    poller = Poller(dp, bot, polling_timeout=10, backoff=FAST_BACKOFF)
    task = asyncio.create_task(poller.run())
    await wait_until(lambda: tg.core.updates.active_polls > 0 or task.done())
    try:
        yield poller
    finally:
        poller.stop()
        await task


@dataclass
class Receiver:
    """A webhook endpoint that records what Telegram posts and answers with a status the test chooses."""

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = json.loads(await request.text())
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.received.append((dict(request.headers), body))
        return web.json_response({}, status=status)


@contextlib.asynccontextmanager
async def webhook_receiver(statuses: list[int] | None = None) -> AsyncIterator[Receiver]:
    """A Receiver served on 127.0.0.1 at /hook."""
    receiver = Receiver(statuses=list(statuses or []))
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    receiver.url = f"http://{host}:{port}/hook"
    try:
        yield receiver
    finally:
        await runner.cleanup()
