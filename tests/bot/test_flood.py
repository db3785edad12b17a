"""A person who writes faster than Telegram lets the bot answer still gets every answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import Application, build, make_bot
from sandbox.fake import FakeTelegram
from sandbox.limits import Limits
from tests.sandbox.support import polling
from zhikong.clock import MovableClock
from zhikong.settings import Settings


@pytest.fixture
async def tight(tmp_path: Path) -> AsyncIterator[tuple[FakeTelegram, Application]]:
    telegram = FakeTelegram(limits=Limits(chat_burst=1, chat_messages_per_second=4.0))
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", bot_token=None, redis_url=None)
    app = await build(settings, MovableClock(), bot=make_bot(telegram.token, session=telegram.session()))
    try:
        async with polling(telegram, app.dispatcher, app.bot):
            yield telegram, app
    finally:
        await app.bot.session.close()
        await app.db.dispose()
        await telegram.close()


async def test_replies_wait_out_flood_control_instead_of_being_lost(tight: tuple[FakeTelegram, Application]) -> None:
    telegram, _app = tight
    person = telegram.user("急性子")
    chat = person.opens_private_chat()
    for _ in range(4):
        await person.says(chat, "/whoami", settle=False)
    await telegram.settle(timeout=10)
    assert len(chat.bot_messages()) == 4
    assert any(r.status == 429 for r in telegram.requests)
