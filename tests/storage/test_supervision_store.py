"""The alarm ledger and the assessment marks: what makes every reconciler send once and count once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from storage.supervision import AssessmentMark
from storage.uow import Database
from tests.factories import NOW


async def test_an_alarm_is_recorded_once_and_a_rolled_back_one_is_not(db: Database) -> None:
    async with db.uow() as uow:
        assert await uow.alarms.first_time("progress:1:2026-10:warning:1", NOW)
        assert not await uow.alarms.first_time("progress:1:2026-10:warning:1", NOW)
        await uow.commit()
    async with db.uow() as uow:
        assert not await uow.alarms.first_time("progress:1:2026-10:warning:1", NOW)
        assert await uow.alarms.first_time("progress:1:2026-10:warning:2", NOW)
        # not committed: a pass that broke off before its outbox rows were saved must try again
    async with db.uow(read_only=True) as uow:
        assert await uow.alarms.sent("progress:1:2026-10:warning:1")
        assert not await uow.alarms.sent("progress:1:2026-10:warning:2")


async def test_a_mark_counts_once_per_source_and_keeps_exact_points(db: Database) -> None:
    late = AssessmentMark("jianshan", 2026, "late_update", Decimal("-0.5"), "progress:7:2026-10", date(2026, 11, 9))
    async with db.uow() as uow:
        assert await uow.marks.add(late, NOW)
        assert not await uow.marks.add(late, NOW)
        other_unit = AssessmentMark("yushan", 2026, "criticism", Decimal(0), "task-item:3", date(2026, 11, 20))
        assert await uow.marks.add(other_unit, NOW)
        await uow.commit()
    async with db.uow(read_only=True) as uow:
        assert await uow.marks.for_year(2026, unit="jianshan") == [late]
        assert [m.kind for m in await uow.marks.for_year(2026)] == ["late_update", "criticism"]
        assert await uow.marks.for_year(2025) == []
