"""The scheduler: a few fixed jobs, each an idempotent reconciler over the database that also runs at start-up.

A missed tick is caught up by the next one and a doubled tick finds nothing left to do, so the bot may be
down over a due date and still do the right thing when it starts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from storage.uow import Database
from zhikong.clock import Clock

DELIVERY_INTERVAL_SECONDS = 1
# Prompts and warnings are due by the day and hour: a pass a minute is prompt enough and cheap.
SUPERVISION_INTERVAL_SECONDS = 60
# Telegram keeps undelivered updates for 24 hours; remembering handled ones for a week is ample.
UPDATE_MEMORY = timedelta(days=7)


class Jobs(Protocol):
    """What the scheduler runs: the application (bot.app.Application) offers it."""

    db: Database
    clock: Clock

    async def deliver(self) -> int: ...

    async def supervise(self) -> dict[str, int]: ...


def build_scheduler(app: Jobs) -> AsyncIOScheduler:
    """An in-memory scheduler with the fixed jobs; call `.start()` inside the running event loop."""
    scheduler = AsyncIOScheduler(timezone="Asia/Shanghai")
    scheduler.add_job(
        app.deliver,
        "interval",
        seconds=DELIVERY_INTERVAL_SECONDS,
        id="deliver",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),  # the scheduler keeps wall time; the jobs read the app clock
    )
    scheduler.add_job(
        app.supervise,
        "interval",
        seconds=SUPERVISION_INTERVAL_SECONDS,
        id="supervise",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),  # at start-up too: a bot that was down over a due date catches up
    )
    scheduler.add_job(
        forget_old_updates,
        "interval",
        hours=6,
        args=[app],
        id="forget_old_updates",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    return scheduler


async def forget_old_updates(app: Jobs) -> int:
    """Prune the once-per-update records past the window in which Telegram could deliver an update again."""
    async with app.db.uow() as uow:
        dropped = await uow.processed_updates.forget_before(app.clock.now() - UPDATE_MEMORY)
        await uow.commit()
    return dropped
