"""Benchmark: the real monthly 通报 — its text, chart (a photo) and table (an .xlsx) — to 1,000 project groups
through the fake Telegram over HTTP, under Telegram's real limits.

Run by hand, not in the test suite:  .venv/bin/python bench/broadcast_1000.py [--groups N]
It publishes October's 通报 with services.bulletins (one project per group, so every group is a reader) and lets
the sending worker drain the outbox. It prints the elapsed time, messages per second against the 30/s ceiling,
the 429s the fake answered, the duplicates (a chat that got one part twice) and the losses (a chat missing a
part, a row not sent), how often each file was uploaded, and exits non-zero unless it meets issue 5's target:
at least 27 messages/s, no 429, no duplicate, no loss.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.app import make_bot
from bot.i18n import make_i18n
from bot.sender import Sender
from domain.approval import Category
from domain.directory import Directory
from domain.project import Project
from domain.scoring import ScoringRules
from sandbox.fake import FakeTelegram
from sandbox.limits import Limits
from sandbox.server import SandboxServer
from services.bulletins import PARTS, publish_monthly
from services.people import register_person
from services.setup import open_database, read_directory
from storage.repositories import OutboxStatus
from storage.uow import Database
from zhikong.clock import SystemClock

TELEGRAM_CEILING = 30.0  # messages a second, Telegram's overall limit for a bot
TARGET_RATE = 27.0
SEND_METHODS = ("sendMessage", "sendPhoto", "sendDocument")


@dataclass(frozen=True)
class Result:
    groups: int
    elapsed: float
    sent: int
    answered_429: int
    duplicates: int
    chats_without: int
    rows_not_sent: int
    uploads: int

    @property
    def rate(self) -> float:
        return self.sent / self.elapsed if self.elapsed else 0.0

    @property
    def met(self) -> bool:
        clean = self.answered_429 == self.duplicates == self.chats_without == self.rows_not_sent == 0
        return clean and self.rate >= TARGET_RATE


async def publish_tongbao(db: Database, directory: Directory, chat_ids: list[int]) -> int:
    """One project per group (spread over the landing units), then October's 通报 as the office publishes it;
    returns how many outbox rows it queued."""
    now = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)
    clerk = await register_person(db, display_name="通报员", telegram_user_id=None, language="zh", now=now)
    units = [u.code for u in directory.landing_units()]
    async with db.uow() as uow:
        for n, chat_id in enumerate(chat_ids):
            uow.projects.add(
                Project(
                    name=f"项目{n:04d}",
                    landing_unit=units[n % len(units)],
                    deputy=directory.deputy_for(Category.INDUSTRY),
                    joint_reviewer=directory.joint_reviewer_for(Category.INDUSTRY).code,
                    declared_by_jinpan=False,
                    created_by=clerk.id or 0,
                    created_at=datetime(2026, 10, 1 + n % 28, 2, 0, tzinfo=UTC),
                    group_chat_id=chat_id,
                )
            )
        await uow.commit()
    published = await publish_monthly(db, directory, ScoringRules(), 2026, 10, now)
    assert published is not None
    return published.readers * len(PARTS)


async def drained(db: Database) -> bool:
    async with db.uow(read_only=True) as uow:
        counts = await uow.outbox.count_by_status()
    return not counts.get(OutboxStatus.PENDING, 0) and not counts.get(OutboxStatus.SENDING, 0)


async def broadcast(groups: int, workdir: Path) -> Result:
    directory = read_directory()
    db = await open_database(f"sqlite:///{workdir / 'bench.db'}", directory)
    telegram = FakeTelegram(limits=Limits())
    server = SandboxServer(telegram)
    bot = make_bot(telegram.token, await server.start())
    try:
        clerk = telegram.user("通报员")
        chat_ids = [telegram.group(f"联络群{n:04d}", members=[clerk]).id for n in range(groups)]
        await publish_tongbao(db, directory, chat_ids)
        sender = Sender(bot, db, directory, SystemClock(), make_i18n())
        stop = asyncio.Event()
        started = time.perf_counter()
        worker = asyncio.create_task(sender.run(stop))
        while not await drained(db):  # noqa: ASYNC110 - the database has no event to wait on
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        stop.set()
        await worker
        async with db.uow(read_only=True) as uow:
            counts = await uow.outbox.count_by_status()
    finally:
        await bot.session.close()
        await server.stop()
        await db.dispose()
    bot_id = telegram.core.bot.id
    parts = [
        [_part(m) for m in telegram.core.world.chats[c].messages.values() if m.sender_id == bot_id and not m.is_service]
        for c in chat_ids
    ]
    calls = [r for method in SEND_METHODS for r in telegram.calls(method)]
    return Result(
        groups=groups,
        elapsed=elapsed,
        sent=sum(len(received) for received in parts),
        answered_429=sum(1 for r in calls if r.status == 429),
        duplicates=sum(1 for received in parts if len(received) != len(set(received))),
        chats_without=sum(1 for received in parts if set(received) != {"text", "photo", "document"}),
        rows_not_sent=groups * len(PARTS) - counts.get(OutboxStatus.SENT, 0),
        uploads=sum(1 for r in calls if r.ok and isinstance(r.params.get("photo", r.params.get("document")), dict)),
    )


def _part(message: object) -> str:
    if getattr(message, "photo", None):
        return "photo"
    if getattr(message, "document", None):
        return "document"
    return "text"


def report(result: Result) -> str:
    return "\n".join(
        [
            f"通报 (text, chart, table) to {result.groups} groups through the fake Telegram over HTTP "
            "(Telegram's real limits)",
            f"  elapsed            {result.elapsed:8.2f} s",
            f"  messages delivered {result.sent:8d}",
            f"  messages/s         {result.rate:8.2f}   (ceiling {TELEGRAM_CEILING:.0f}/s, "
            f"{100 * result.rate / TELEGRAM_CEILING:.1f}% of it; target ≥ {TARGET_RATE:.0f})",
            f"  429 answers        {result.answered_429:8d}",
            f"  duplicates         {result.duplicates:8d}   (chats that got a part twice)",
            f"  losses             {result.chats_without + result.rows_not_sent:8d}   "
            f"({result.chats_without} chats missing a part, {result.rows_not_sent} rows not sent)",
            f"  file uploads       {result.uploads:8d}   (the chart and the table once each; file_id after)",
            f"  target met         {'yes' if result.met else 'NO'}",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--groups", type=int, default=1000, help="how many groups get the 通报 (default 1000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhikong-bench-") as workdir:
        result = asyncio.run(broadcast(args.groups, Path(workdir)))
    print(report(result))
    return 0 if result.met else 1


if __name__ == "__main__":
    sys.exit(main())
