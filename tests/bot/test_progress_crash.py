"""The monthly update survives the bot dying at its worst moments: just before the next question went out, and
just after it reached the group but before the bot knew. The answer is kept, taken once, and a reply to the
question the cadre can see is taken."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import pytest

from bot.flows.progress_talk import UpdateTalk
from bot.polling import Poller
from domain.lifecycle import Stage
from tests.bot.conftest import World
from tests.bot.moves_support import cast_of, project_in
from tests.bot.test_progress import START, at, prompt_in, supervise_at
from tests.sandbox.support import FAST_BACKOFF, wait_until

Send = Callable[..., Any]


@asynccontextmanager
async def crashing_bot(world: World) -> AsyncIterator[Callable[[], Any]]:
    """The world's bot polling as its own poller, and a function that kills it (nothing confirmed, nothing
    finished); afterwards the bot polls again as a restarted process would."""
    world.poller.stop()
    await wait_until(lambda: world.poller.in_flight == 0 and world.telegram.core.updates.active_polls == 0)
    poller = Poller(world.app.dispatcher, world.app.bot, polling_timeout=10, backoff=FAST_BACKOFF)
    task = asyncio.create_task(poller.run())

    async def kill() -> None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    try:
        yield kill
    finally:
        await kill()


async def _restart(world: World) -> asyncio.Task[None]:
    poller = Poller(world.app.dispatcher, world.app.bot, polling_timeout=10, backoff=FAST_BACKOFF)
    task = asyncio.create_task(poller.run())
    await world.telegram.settle(timeout=10)
    poller.stop()
    return task


@pytest.mark.parametrize("dies", ["before the question went", "after the question reached the group"])
async def test_the_bot_dying_around_the_next_question_loses_no_answer(
    world: World, monkeypatch: pytest.MonkeyPatch, dies: str
) -> None:
    people, cast = await cast_of(world)
    _project, group = await project_in(world, people, cast, until=Stage.SUBMITTED, title="药谷群")
    await supervise_at(world, at(date(2026, 12, 1)))
    await people.cadre.taps(prompt_in(group), START)
    await people.cadre.taps(group.bot_messages()[-1], "没有变化")
    funds_question = group.bot_messages()[-1]
    assert "到位资金" in (funds_question.text or "")

    real: Send = UpdateTalk._send
    stuck = asyncio.Event()

    async def dying(self: UpdateTalk, *args: Any, **kwargs: Any) -> Any:
        if dies != "before the question went":
            await real(self, *args, **kwargs)
        stuck.set()
        await asyncio.Event().wait()  # the process is gone: nothing after this runs

    async with crashing_bot(world) as kill:
        monkeypatch.setattr(UpdateTalk, "_send", dying)
        await people.cadre.replies(group, to=funds_question, text="三千万元", settle=False)
        await asyncio.wait_for(stuck.wait(), 10)
        await kill()
    monkeypatch.setattr(UpdateTalk, "_send", real)
    seen = [m for m in group.bot_messages() if "本月进展" in (m.text or "")]
    assert len(seen) == (0 if dies == "before the question went" else 1)
    if seen:  # the cadre answers the question in front of them while the bot is down
        await people.cadre.replies(group, to=seen[0], text="完成土地预审", settle=False)

    stopped = await _restart(world)
    asked = [m for m in group.bot_messages() if "本月进展" in (m.text or "")]
    assert asked, "the question goes out when the answer comes again"
    if not seen:
        await people.cadre.replies(group, to=asked[-1], text="完成土地预审", settle=False)
        stopped = await _restart(world)
    problems = group.bot_messages()[-1]
    assert "协调" in (problems.text or ""), f"the answer to the question was taken: {problems.text!r}"
    await stopped
