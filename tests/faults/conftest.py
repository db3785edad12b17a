"""The bot assembled as in production against the fake Telegram in-process, watched for what a person would
notice when input is hostile: a message left without an answer, a request Telegram refuses, an exception that
escaped a handler (whether aiogram logged it or the bot's last-resort error handler did)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.ratelimit import RateLimiter, SendingLimits
from sandbox.fake import FakeTelegram
from sandbox.limits import Limits
from sandbox.scenario import Conversation, MessageView, Person
from tests.bot.conftest import World, running

# Telegram's limits on what a message shows, counted as Telegram counts: in UTF-16 code units, after parsing.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ALERT_LIMIT = 200


class Failures(logging.Handler):
    """Every ERROR (or worse) logged by aiogram, the bot or asyncio: an exception nobody handled."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def described(self) -> str:
        return "\n".join(f"{r.name}: {r.getMessage()} {r.exc_info[1] if r.exc_info else ''!r}" for r in self.records)


@pytest.fixture
def failures() -> Iterator[Failures]:
    caught = Failures()
    loggers = [logging.getLogger(name) for name in ("aiogram", "bot", "asyncio", "services", "storage")]
    for logger in loggers:
        logger.addHandler(caught)
    try:
        yield caught
    finally:
        for logger in loggers:
            logger.removeHandler(caught)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    """The bot polling a fake Telegram through the in-process session (no HTTP: the fault suite is about input)."""
    telegram = FakeTelegram(limits=Limits.unlimited(), settle_quiet=0.01)
    try:
        async with running(telegram, tmp_path, limiter=RateLimiter(SendingLimits.unlimited())) as world:
            yield world
    finally:
        await telegram.close()


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class Watch:
    """Checks one person's message: answered in its chat, nothing refused by Telegram, nothing unhandled."""

    def __init__(self, world: World, failures: Failures) -> None:
        self.world = world
        self.failures = failures

    async def sends(
        self, person: Person, chat: Conversation, text: str, *, reply_to: MessageView | None = None
    ) -> MessageView:
        """`person` posts `text` (replying to `reply_to`); the bot's answer to it, after every check held."""
        telegram = self.world.telegram
        before = len(telegram.requests)
        logged = len(self.failures.records)
        posted = await person.says(chat, text, reply_to=reply_to)
        new = telegram.requests[before:]
        refused = [f"{r.method} {r.status} {r.description}" for r in new if r.status >= 400]
        assert not refused, f"Telegram refused the bot's requests after {text[:80]!r}: {refused}"
        assert len(self.failures.records) == logged, f"unhandled after {text[:80]!r}:\n{self.failures.described()}"
        for request in new:
            check_limits(request.method, request.params, request.result)
        answers = [m for m in chat.bot_messages() if m.message_id > posted.message_id]
        assert answers, f"no answer to {text[:80]!r} in {chat.type} chat {chat.id}"
        return answers[-1]


def check_limits(method: str, params: dict[str, object], result: object) -> None:
    """What the bot sent fits Telegram's limits, counted in UTF-16 as Telegram does."""
    if method.lower() == "answercallbackquery":
        text = params.get("text")
        assert text is None or utf16(str(text)) <= ALERT_LIMIT, f"an alert of {utf16(str(text))} characters"
        return
    if not isinstance(result, dict):
        return
    if isinstance(result.get("text"), str):
        assert utf16(result["text"]) <= TEXT_LIMIT, f"{method}: a text of {utf16(result['text'])} characters"
    if isinstance(result.get("caption"), str):
        assert utf16(result["caption"]) <= CAPTION_LIMIT, f"{method}: a caption of {utf16(result['caption'])}"


@pytest.fixture
def watch(world: World, failures: Failures) -> Watch:
    return Watch(world, failures)
