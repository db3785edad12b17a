"""The bot token and the webhook secret appear in no log line, at DEBUG, under every fault this suite provokes.

The bot runs as its own process (`python -m zhikong run`) against the fake Telegram over HTTP, and everything it
writes to stdout and stderr is read: not caplog, which would miss what bypasses the logging module."""

from __future__ import annotations

import asyncio
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest_asyncio

from sandbox import FakeTelegram, SandboxServer
from tests.faults.processes import environment, zhikong

WITHIN = 40.0


def new_token() -> str:
    return f"7{secrets.randbelow(10**9):09d}:{secrets.token_urlsafe(27)}"


def leaking_lines(output: str, *values: str) -> list[str]:
    """The lines that show any of the values, whole, URL-quoted, or (for a token) the part after the colon."""
    spellings = set()
    for value in values:
        for text in (value, value.partition(":")[2]):
            if text:
                spellings |= {text, quote(text, safe="")}
    return [line for line in output.splitlines() if any(s in line for s in spellings)]


@pytest_asyncio.fixture
async def telegram() -> AsyncIterator[SandboxServer]:
    """A fake Telegram with a token of its own, served on 127.0.0.1."""
    server = SandboxServer(FakeTelegram(token=new_token()))
    await server.start()
    yield server
    await server.stop()


def bot_env(server: SandboxServer, tmp_path: Path, **more: str) -> dict[str, str]:
    return environment(
        BOT_TOKEN=server.telegram.token,
        TELEGRAM_API_URL=server.url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'zhikong.db'}",
        LOG_LEVEL="DEBUG",
        **more,
    )


def bot_replies(tg: FakeTelegram, chat_id: int) -> list[str]:
    chat = tg.core.world.chat(chat_id)
    return [m.text or "" for m in chat.visible_messages() if m.sender_id == tg.core.bot.id]


async def until(condition: Callable[[], bool], *, within: float = WITHIN) -> None:
    """Waits until `condition` holds; fails the test after `within` seconds."""
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - the state is in the fake and another process, with no event
            await asyncio.sleep(0.05)


async def test_polling_through_outages_and_proxy_pages_logs_no_token(telegram: SandboxServer, tmp_path: Path) -> None:
    tg = telegram.telegram
    # A proxy in front of Telegram answers with its own page, repeating the path (which holds the token).
    tg.faults.add("getUpdates", "proxy_error", times=2)
    tg.faults.add("getUpdates", "server_error")
    tg.faults.add("getUpdates", "drop")
    # The reply to the first /whoami fails too: an exception whose text holds the URL, inside a handler.
    tg.faults.add("sendMessage", "proxy_error")
    li = tg.user("李", id=4242)
    chat = li.opens_private_chat()
    async with zhikong("run", env=bot_env(telegram, tmp_path)) as bot:
        await until(lambda: not any(f.method == "getUpdates" for f in tg.faults.waiting))
        await until(lambda: "Failed to fetch updates" in bot.output)
        await li.says(chat, "/whoami", settle=False)
        await until(lambda: not tg.faults.waiting)
        # Telegram unreachable: nothing listens for a moment, then it is back on the same port.
        await telegram.stop()
        await asyncio.sleep(1.5)
        await telegram.start()
        await li.says(chat, "/whoami", settle=False)
        await until(lambda: any("4242" in text for text in bot_replies(tg, 4242)))
    output = bot.output
    assert "Failed to fetch updates" in output and "Bad Gateway" in output
    assert leaking_lines(output, tg.token) == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_webhook_bot_logs_neither_token_nor_secret(telegram: SandboxServer, tmp_path: Path) -> None:
    tg = telegram.telegram
    secret = secrets.token_urlsafe(24)
    port = free_port()
    env = bot_env(
        telegram,
        tmp_path,
        WEBHOOK_URL=f"http://127.0.0.1:{port}",
        WEBHOOK_SECRET=secret,
        WEBHOOK_PORT=str(port),
    )
    # Registering the webhook meets the proxy's page: the bot stops with an uncaught exception.
    tg.faults.add("setWebhook", "proxy_error")
    async with zhikong("run", env=env) as failed:
        await asyncio.wait_for(failed.proc.wait(), WITHIN)
    assert failed.proc.returncode != 0 and "Bad Gateway" in failed.output
    li = tg.user("李", id=4242)
    chat = li.opens_private_chat()
    async with zhikong("run", env=env) as bot:
        await until(lambda: tg.core.webhook.config is not None)
        await until(lambda: _listening(port))
        update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}
        async with aiohttp.ClientSession() as session:
            for wrong in (secret[::-1], secret + "x", ""):
                headers = {"X-Telegram-Bot-Api-Secret-Token": wrong} if wrong else {}
                url = f"http://127.0.0.1:{port}/telegram/webhook"
                async with session.post(url, json=update, headers=headers) as refused:
                    assert refused.status == 401
        await li.says(chat, "/whoami", settle=False)
        await until(lambda: any("4242" in text for text in bot_replies(tg, 4242)))
    assert leaking_lines(failed.output + bot.output, tg.token, secret) == []


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
