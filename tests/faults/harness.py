"""The bot as its own process (`python -m zhikong run`) against the fake Telegram over HTTP, and a switch that
SIGKILLs it at a chosen request, as a power cut or the OOM killer would."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.fake import FakeTelegram
from sandbox.models import Upload
from tests.sandbox.support import wait_until

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0  # a cold start imports aiogram, SQLAlchemy and Alembic and checks the schema

# A kill point: given the method, the parameters and the answer of a request the fake has just carried out,
# whether to kill the bot now.
KillPoint = Callable[[str, Mapping[str, Any], Mapping[str, Any]], bool]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class BotProcess:
    """`python -m zhikong run` with the environment given; started, killed and started again by the test."""

    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "the bot is already running"
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "WEBHOOK_", "TELEGRAM_"))}
        environment |= {"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"} | self.env
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "zhikong", "run"], cwd=ROOT, env=environment, stdout=log, stderr=log
            )
        self.starts += 1

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: nothing in the process gets to run again."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)

    async def stop(self) -> None:
        """SIGTERM, as an operator stops it, then wait (SIGKILL if it does not end)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(asyncio.to_thread(self.process.wait), 15)
        except TimeoutError:
            self.process.kill()
            await asyncio.to_thread(self.process.wait)

    async def reaped(self) -> None:
        if self.process is not None:
            await asyncio.to_thread(self.process.wait)

    def output(self) -> str:
        return self.log.read_text("utf-8", errors="replace") if self.log.exists() else ""


@dataclass
class KillSwitch:
    """Wraps the fake's Bot API: when the armed kill point matches a request the fake has just carried out, the
    bot is SIGKILLed before it can read the answer."""

    telegram: FakeTelegram
    bot: BotProcess
    armed: KillPoint | None = None
    kills: int = 0
    killed_at: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        api = self.telegram.core.api
        original = api.call

        async def call(
            token: str, method: str, raw: Mapping[str, Any], uploads: Mapping[str, Upload], *, transport: str
        ) -> Any:
            reply = await original(token, method, raw, uploads, transport=transport)
            point = self.armed
            if point is not None and self.bot.alive and point(method, raw, reply.body):
                self.armed = None
                self.bot.kill()
                self.kills += 1
                self.killed_at.append(method)
            return reply

        api.call = call  # type: ignore[method-assign]

    def arm(self, point: KillPoint) -> None:
        self.armed = point

    async def kill_after(self, seconds: float, *, running: Callable[[], bool]) -> None:
        """Kill at a moment rather than at a request (mid-handling, between two database writes): `seconds` after
        `running()` holds (the bot is up and listening)."""
        await wait_until(running, within=START_TIMEOUT * 2)
        await asyncio.sleep(seconds)
        if self.bot.alive:
            self.bot.kill()
            self.kills += 1
            self.killed_at.append(f"after {seconds:.3f}s")


def method_is(name: str, *, nth: int = 1) -> KillPoint:
    """The `nth` request of this method from now on."""
    seen = 0

    def point(method: str, _params: Mapping[str, Any], _answer: Mapping[str, Any]) -> bool:
        nonlocal seen
        if method.lower() == name.lower():
            seen += 1
        return seen >= nth

    return point


def delivers_message(message_id: int) -> KillPoint:
    """The getUpdates that hands the bot the update of this message: killed before it could handle it."""

    def point(method: str, _params: Mapping[str, Any], answer: Mapping[str, Any]) -> bool:
        if method.lower() != "getupdates":
            return False
        updates = answer.get("result") or []
        return any((u.get("message") or {}).get("message_id") == message_id for u in updates)

    return point


def any_request_but_polling() -> KillPoint:
    """The next request that is not a poll: the first thing the bot does about what it was handed."""
    return lambda method, _params, _answer: method.lower() != "getupdates"


async def wait_for_bot(
    telegram: FakeTelegram, bot: BotProcess, *, listening: Callable[[], bool], killed: Callable[[], bool]
) -> bool:
    """Until the bot process listens (polls or has set its webhook): True then, False if `killed()` says the test
    killed it meanwhile; fails with its output if it died on its own."""
    try:
        await wait_until(lambda: listening() or not bot.alive, within=START_TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"the bot did not start within {START_TIMEOUT}s:\n{bot.output()[-3000:]}") from None
    if bot.alive:
        return True
    if killed():
        return False
    raise AssertionError(f"the bot exited at start-up:\n{bot.output()[-3000:]}")
