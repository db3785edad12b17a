"""A crash mid-broadcast leaves at most the sends that were in flight uncertain, never a batch; a restart resends
none of them on its own, and the office is told of them once, in one notice. Time is virtual (see test_sender):
the crash is a pass cancelled while some sends hang, as a SIGKILL would leave them, without killing anything."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from bot.sender import Sender
from domain.directory import Directory
from sandbox.fake import FakeTelegram
from sandbox.limits import Limits
from storage.uow import Database
from tests.bot.test_sender import Rig, TrippingSession, VirtualTime

GROUPS = 60
HANG_FROM = 20  # the send at which Telegram stops answering


@pytest.fixture
async def rig(db: Database, directory: Directory) -> AsyncIterator[Rig]:
    """A fake Telegram with its real limits and the database, on one virtual clock."""
    time = VirtualTime()
    telegram = FakeTelegram(limits=Limits(), clock=time.monotonic)
    yield Rig(telegram, db, directory, time)
    await telegram.close()
    telegram.assert_conformant()


async def crash_mid_pass(rig: Rig, in_flight: int, *, reached: bool) -> TrippingSession:
    """Start a pass over the queue, let the sends from the HANG_FROM-th on hang (before Telegram sees them, or
    after it took them), and once every slot holds a hung send, kill the pass as a crash would."""
    hung = 0
    full = asyncio.Event()

    async def hang(n: int) -> None:
        nonlocal hung
        if n >= HANG_FROM:
            hung += 1
            if hung == in_flight:
                full.set()
            await asyncio.Event().wait()

    session = TrippingSession(rig.telegram, **{"after" if reached else "before": hang})
    sender = rig.sender(session=session, max_in_flight=in_flight)
    worker = asyncio.create_task(sender.run(asyncio.Event()))
    await asyncio.wait_for(full.wait(), timeout=5)
    worker.cancel()
    with pytest.raises(asyncio.CancelledError):
        await worker
    return session


async def drain(sender: Sender, rig: Rig) -> None:
    """Run a sender as `zhikong run` would after a restart, until nothing is pending or mid-send."""
    stop = asyncio.Event()
    worker = asyncio.create_task(sender.run(stop))
    async with asyncio.timeout(10):
        while {"pending", "sending"} & {r["status"] for r in await rig.rows()}:  # noqa: ASYNC110 - no event
            await asyncio.sleep(0.005)
    stop.set()
    await worker


@pytest.mark.parametrize("reached", [False, True], ids=["before-telegram-saw-them", "after-telegram-took-them"])
@pytest.mark.parametrize("in_flight", [1, 8])
async def test_a_crash_leaves_at_most_the_sends_in_flight_uncertain_and_a_restart_resends_none(
    rig: Rig, in_flight: int, reached: bool
) -> None:
    office = await rig.office()
    groups = rig.groups(GROUPS)
    await rig.queue([g.id for g in groups], "中药饮片项目")

    await crash_mid_pass(rig, in_flight, reached=reached)
    statuses = Counter(await rig.statuses())
    # The whole batch was handed to one pass; only the sends in flight at the crash are left mid-send.
    assert statuses == {"sent": HANG_FROM - 1, "sending": in_flight, "pending": GROUPS - HANG_FROM + 1 - in_flight}

    rig.time.advance(5)
    await drain(rig.sender(max_in_flight=in_flight), rig)
    rows = {r["chat_id"]: r for r in await rig.rows() if r["message_key"] == "project.create"}
    uncertain = {chat for chat, row in rows.items() if row["status"] == "unknown"}
    assert len(uncertain) == in_flight and {r["status"] for r in rows.values()} == {"sent", "unknown"}
    received = {g.id: len(g.bot_messages()) for g in groups}
    for chat_id, count in received.items():
        # Each sent row reached its chat once; each uncertain one as often as Telegram had it before the crash.
        assert count == (int(reached) if chat_id in uncertain else 1)

    # The office hears of them once, in one notice that says how many and where to look.
    (told,) = rig.bot_texts(office)
    assert f"有 {in_flight} 条消息未能确认送达" in told and "/outbox" in told

    # Another restart (and another) resends nothing and tells nothing again.
    for _ in range(2):
        rig.time.advance(5)
        await drain(rig.sender(max_in_flight=in_flight), rig)
    assert {g.id: len(g.bot_messages()) for g in groups} == received
    assert len(rig.bot_texts(office)) == 1
    assert sorted(r["chat_id"] for r in await rig.rows() if r["status"] == "unknown") == sorted(uncertain)


async def test_uncertain_rows_of_later_passes_are_told_in_one_notice_each_time_not_one_per_row(rig: Rig) -> None:
    office = await rig.office()
    groups = rig.groups(6)
    await rig.queue([g.id for g in groups[:3]])

    async def time_out(n: int) -> None:
        raise TimeoutError  # every send of this pass: Telegram may or may not have it

    session = TrippingSession(rig.telegram, before=time_out)
    assert await rig.sender(session=session).deliver_due() == 0
    assert await rig.statuses() == ["unknown"] * 3
    assert await rig.statuses("outbox.attention") == ["pending"]

    later = rig.sender()
    await later.deliver_due()  # sends the office's notice
    (first,) = rig.bot_texts(office)
    assert "有 3 条消息未能确认送达" in first and "共有 3 条待处理" in first

    await rig.queue([g.id for g in groups[3:]])
    assert await rig.sender(session=TrippingSession(rig.telegram, before=time_out)).deliver_due() == 0
    await later.deliver_due()
    await later.deliver_due()
    texts = rig.bot_texts(office)
    assert len(texts) == 2 and "有 3 条消息未能确认送达" in texts[1] and "共有 6 条待处理" in texts[1]
    assert [len(g.bot_messages()) for g in groups] == [0] * 6
