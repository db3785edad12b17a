"""Fixtures for the sandbox's own tests: the plugin's fake (conformance checked at teardown), bots both ways."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from sandbox import FakeTelegram, SandboxServer
from sandbox.pytest_plugin import fake_telegram, sandbox_server

__all__ = ["bot", "fake_telegram", "http_bot", "sandbox_server", "server", "tg"]


@pytest_asyncio.fixture
async def tg(fake_telegram: FakeTelegram) -> FakeTelegram:
    """The fake under test."""
    return fake_telegram


@pytest_asyncio.fixture
async def server(sandbox_server: SandboxServer) -> SandboxServer:
    """The fake served on 127.0.0.1."""
    return sandbox_server


@pytest_asyncio.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    """An aiogram Bot reaching the fake in-process."""
    async with tg.bot() as in_process:
        yield in_process


@pytest_asyncio.fixture
async def http_bot(tg: FakeTelegram, server: SandboxServer) -> AsyncIterator[Bot]:
    """An aiogram Bot reaching the fake over HTTP, as a deployed bot would reach Telegram."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
    async with Bot(token=tg.token, session=session) as over_http:
        yield over_http
