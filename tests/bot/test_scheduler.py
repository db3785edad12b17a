"""The scheduler runs the supervision pass as soon as it starts, so a bot that was down catches up at once."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from services import supervise as pass_module
from services.supervise import Supervision
from tests.bot.conftest import World
from zhikong.scheduler import build_scheduler


async def test_the_supervision_pass_runs_at_start_up(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    ran = asyncio.Event()
    seen: list[datetime] = []

    async def catching_up(supervision: Supervision, now: datetime) -> int:
        seen.append(now)
        ran.set()
        return 1

    monkeypatch.setattr(pass_module, "reconcilers", lambda: [("catching_up", catching_up)])
    scheduler = build_scheduler(world.app)
    # Only the supervision job: the others would still be mid-run against the fake when the test ends.
    for job in scheduler.get_jobs():
        if job.id != "supervise":
            job.remove()
    scheduler.start()
    try:
        await asyncio.wait_for(ran.wait(), timeout=5)
    finally:
        scheduler.shutdown(wait=False)
    # The pass reads the application's clock (the sandbox and the tests move it), not the scheduler's.
    assert abs((seen[0] - world.clock.now()).total_seconds()) < 5
