"""Pytest fixtures: a FakeTelegram that fails the test at teardown if the bot's requests strayed from the spec,
and the same fake served over HTTP on 127.0.0.1. Import them into a conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from sandbox.fake import FakeTelegram
from sandbox.server import SandboxServer


@pytest_asyncio.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """A fresh fake; at teardown, any conformance violation fails the test naming method and field."""
    telegram = FakeTelegram()
    yield telegram
    await telegram.close()
    telegram.assert_conformant()


@pytest_asyncio.fixture
async def sandbox_server(fake_telegram: FakeTelegram) -> AsyncIterator[SandboxServer]:
    """The fake served over HTTP on 127.0.0.1 at an OS-chosen port."""
    server = SandboxServer(fake_telegram)
    await server.start()
    yield server
    await server.stop()
