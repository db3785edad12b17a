"""Benchmark: one 通报 to 1,000 groups through the fake Telegram over HTTP, under Telegram's real limits.

Run by hand, not in the test suite:  .venv/bin/python bench/broadcast_1000.py [--groups N]
It prints the elapsed time, messages per second against the 30/s ceiling, the 429s the fake answered, the
duplicates (a chat with more than one message) and the losses (a chat with none, a row not sent), and exits
non-zero unless it meets issue 5's target: at least 27 messages/s, no 429, no duplicate, no loss.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bot.app import make_bot
from bot.i18n import make_i18n
from bot.notices import Notice, NoticeContext, notice
from bot.sender import Sender
from sandbox.fake import FakeTelegram
from sandbox.limits import Limits
from sandbox.server import SandboxServer
from services.setup import open_database, read_directory
from storage.repositories import OutboxStatus
from storage.uow import Database
from zhikong.clock import SystemClock

TELEGRAM_CEILING = 30.0  # messages a second, Telegram's overall limit for a bot
TARGET_RATE = 27.0
BENCH_KEY = "bench.tongbao"


@notice(BENCH_KEY)
def tongbao(context: NoticeContext) -> Notice:
    """The benchmark's 通报: its text travels in the row's params (it is test data, not a catalog text)."""
    return Notice(html.escape(str(context.params["text"])))


@dataclass(frozen=True)
class Result:
    groups: int
    elapsed: float
    sent: int
    answered_429: int
    duplicates: int
    chats_without: int
    rows_not_sent: int

    @property
    def rate(self) -> float:
        return self.sent / self.elapsed if self.elapsed else 0.0

    @property
    def met(self) -> bool:
        clean = self.answered_429 == self.duplicates == self.chats_without == self.rows_not_sent == 0
        return clean and self.rate >= TARGET_RATE


async def queue_tongbao(db: Database, chat_ids: list[int]) -> None:
    """One audit event and one outbox row per group, as the office's 通报 use case will write them."""
    clock = SystemClock()
    text = (
        "关于2026年10月全县招商引资工作情况的通报（测试）\n"
        "各乡镇（街道）、区块：10月全县新签约项目12个，总投资38.6亿元，其中制造业项目7个。"
        "请各单位对照年度目标，抓好在谈项目推进和已签约项目落地。"
    )
    async with db.uow() as uow:
        event_id = await uow.audit.append_system(
            "report", 1, "tongbao_published", at=clock.now(), before={}, after={"groups": len(chat_ids)}
        )
        await uow.outbox.add(event_id, chat_ids, BENCH_KEY, {"text": text}, clock.now())
        await uow.commit()


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
        await queue_tongbao(db, chat_ids)
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
    received = [
        sum(1 for m in telegram.core.world.chats[c].messages.values() if m.sender_id == bot_id and not m.is_service)
        for c in chat_ids
    ]
    return Result(
        groups=groups,
        elapsed=elapsed,
        sent=sum(received),
        answered_429=sum(1 for r in telegram.calls("sendMessage") if r.status == 429),
        duplicates=sum(1 for n in received if n > 1),
        chats_without=sum(1 for n in received if n == 0),
        rows_not_sent=groups - counts.get(OutboxStatus.SENT, 0),
    )


def report(result: Result) -> str:
    return "\n".join(
        [
            f"通报 to {result.groups} groups through the fake Telegram over HTTP (Telegram's real limits)",
            f"  elapsed            {result.elapsed:8.2f} s",
            f"  messages delivered {result.sent:8d}",
            f"  messages/s         {result.rate:8.2f}   (ceiling {TELEGRAM_CEILING:.0f}/s, "
            f"{100 * result.rate / TELEGRAM_CEILING:.1f}% of it; target ≥ {TARGET_RATE:.0f})",
            f"  429 answers        {result.answered_429:8d}",
            f"  duplicates         {result.duplicates:8d}   (chats with more than one message)",
            f"  losses             {result.chats_without + result.rows_not_sent:8d}   "
            f"({result.chats_without} chats with no message, {result.rows_not_sent} rows not sent)",
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
