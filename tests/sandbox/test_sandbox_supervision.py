"""The sandbox keeps time like the bot does: moving its clock to the prompt day shows the monthly prompt in the
demo group, and moving it past the deadline shows the overdue warning — through the control API, over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from domain.calendar import SHANGHAI, load_default_calendar
from domain.progress import period_of, progress_cycle
from sandbox.limits import Limits
from zhikong.sandbox import RunningSandbox, start_sandbox


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[RunningSandbox]:
    running = await start_sandbox(data_dir=tmp_path / "sandbox", port=0)
    running.telegram.core.flood.limits = Limits.unlimited()
    try:
        yield running
    finally:
        await running.stop()


async def _move_clock(session: aiohttp.ClientSession, sandbox: RunningSandbox, moment: datetime) -> None:
    async with session.post(f"{sandbox.url}/sandbox/api/clock", json={"now": moment.isoformat()}) as response:
        assert response.status == 200


async def _group_texts(session: aiohttp.ClientSession, sandbox: RunningSandbox) -> list[str]:
    url = f"{sandbox.url}/sandbox/api/chats/{sandbox.group.model.id}/messages"
    async with session.get(url) as response:
        messages: list[dict[str, Any]] = await response.json()
    return [m.get("text") or "" for m in messages]


async def _wait_for(session: aiohttp.ClientSession, sandbox: RunningSandbox, words: str) -> str:
    """The group's message containing `words`, once the sending worker has delivered it (a few seconds)."""
    for _ in range(100):
        found = [text for text in await _group_texts(session, sandbox) if words in text]
        if found:
            return found[-1]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no message with {words!r} in the demo group: {await _group_texts(session, sandbox)}")


async def test_moving_the_clock_shows_the_prompt_and_then_the_warning(sandbox: RunningSandbox) -> None:
    # The demo project is created at start-up, so the first month it owes is the current one, asked next month.
    rules, calendar = sandbox.app.rules, load_default_calendar()
    cycle = progress_cycle(period_of(sandbox.clock.now().astimezone(SHANGHAI).date()), rules, calendar)
    label = cycle.period.strftime("%Y-%m")
    async with aiohttp.ClientSession() as session:
        assert not any("月度进展" in text for text in await _group_texts(session, sandbox))

        await _move_clock(session, sandbox, datetime.combine(cycle.prompt_on, time(10), tzinfo=SHANGHAI))
        prompt = await _wait_for(session, sandbox, f"{label} 月度进展")
        assert cycle.due.isoformat() in prompt

        after_due = calendar.add_workdays(cycle.due, 1)
        await _move_clock(session, sandbox, datetime.combine(after_due, time(10), tzinfo=SHANGHAI))
        warning = await _wait_for(session, sandbox, "逾期")
        assert label in warning
