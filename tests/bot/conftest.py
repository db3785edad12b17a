"""The real bot, assembled as in production, polling a fake Telegram in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from aiogram import Bot

from bot.app import Application, build, make_bot
from bot.limited import limit_requests
from bot.polling import Poller
from bot.ratelimit import RateLimiter, SendingLimits
from domain.directory import Role
from sandbox.fake import FakeTelegram
from sandbox.limits import Limits
from sandbox.scenario import Person
from sandbox.server import SandboxServer
from services.people import grant_role, register_person
from tests.sandbox.support import polling
from zhikong.clock import MovableClock
from zhikong.settings import Settings


@dataclass
class World:
    telegram: FakeTelegram
    app: Application
    clock: MovableClock
    poller: Poller

    async def person(self, name: str, *roles: Role, user_id: int | None = None, language: str = "zh-hans") -> Person:
        """Someone on Telegram; with roles, also bound in the database as an admin would have done."""
        someone = self.telegram.user(name, id=user_id, language_code=language)
        if roles:
            person = await register_person(
                self.app.db,
                display_name=name,
                telegram_user_id=someone.id,
                language=language[:2],
                now=self.app.clock.now(),
            )
            for role in roles:
                await grant_role(
                    self.app.db,
                    self.app.directory,
                    admin_id=None,
                    person_id=person.id or 0,
                    role=role,
                    now=self.app.clock.now(),
                )
        return someone

    async def deliver(self) -> int:
        """What the scheduler does every second: send the outbox and refresh the cards."""
        return await self.app.deliver()

    async def supervise(self) -> dict[str, int]:
        """What the scheduler does every minute: prompts, reminders, warnings and 通报 due at the clock's time."""
        return await self.app.supervise()

    async def at(self, instant: datetime) -> None:
        """Move the clock to `instant` (aware), run the supervision pass there, and deliver what it queued."""
        self.clock.move_to(instant)
        await self.supervise()
        await self.deliver()


def share_limiter(app: Application, limiter: RateLimiter) -> None:
    """Use `limiter` for every request of the app: its handlers' (the session's middleware) and its sender's."""
    limit_requests(app.bot, limiter)
    app.sender.limiter = limiter


@asynccontextmanager
async def running(
    telegram: FakeTelegram, tmp_path: Path, *, bot: Bot | None = None, limiter: RateLimiter | None = None
) -> AsyncIterator[World]:
    """The bot as built for production, polling `telegram` (in-process unless `bot` reaches it otherwise); with
    `limiter`, that one for all its requests. The fake itself is the caller's to close."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", bot_token=None, redis_url=None)
    clock = MovableClock()
    app = await build(settings, clock, bot=bot or make_bot(telegram.token, session=telegram.session()))
    if limiter is not None:
        share_limiter(app, limiter)
    try:
        async with polling(telegram, app.dispatcher, app.bot) as poller:
            yield World(telegram, app, clock, poller)
    finally:
        await app.bot.session.close()
        await app.db.dispose()


@pytest.fixture(params=["in-process", "http"])
async def world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    """Each story runs twice: through the in-process session, and over HTTP as aiogram reaches Telegram."""
    telegram = FakeTelegram(limits=Limits.unlimited())
    server = SandboxServer(telegram)
    bot = make_bot(telegram.token, await server.start()) if request.param == "http" else None
    # This fake has no flood control, so pacing would only make the stories wait; test_limited covers it.
    try:
        async with running(telegram, tmp_path, bot=bot, limiter=RateLimiter(SendingLimits.unlimited())) as world:
            yield world
    finally:
        if request.param == "http":
            await server.stop()
        else:
            await telegram.close()
    telegram.assert_conformant()
