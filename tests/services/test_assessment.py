"""The annual assessment read from a real database: targets, landed projects and assessment marks together."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.directory import Directory, Role, RoleKind
from domain.lifecycle import NotAllowed
from domain.scoring import ScoringRules, VerdictOutcome, VerdictReason
from domain.targets import Indicator
from services import targets as targets_uc
from services.assessment import assessment
from storage.supervision import AssessmentMark
from storage.uow import Database
from tests.factories import NOW, OFFICE, PersonFactory, staff
from tests.services.test_targets import landed_factory

RULES = ScoringRules()
JANUARY = datetime(2026, 1, 5, 2, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 20, 2, tzinfo=UTC)


async def test_the_year_shows_points_deductions_and_the_verdict_of_each_unit(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    office = await person(OFFICE)
    cadre = await person(staff("jianshan"))
    await targets_uc.set_target(
        db, directory, person_id=office, unit="jianshan", indicator=Indicator.MAJOR_MANUFACTURING, year=2026,
        amount=Decimal(1), now=JANUARY,
    )  # fmt: skip
    await landed_factory(db, directory, cadre, total="800000000", on=date(2026, 5, 6), attracting="economy_commerce")
    await landed_factory(db, directory, cadre, total="700000000", on=date(2026, 10, 8), attracting="economy_commerce")
    async with db.uow() as uow:
        for kind, points, source in (("late_update", "-0.5", "p1-2026-03"), ("criticism", "0", "task-7")):
            mark = AssessmentMark("economy_commerce" if kind == "criticism" else "jianshan", 2026, kind,
                                  Decimal(points), source, date(2026, 4, 1), note="交办单逾期")  # fmt: skip
            await uow.marks.add(mark, NOW)
        await uow.commit()

    rows = {row.unit: row for row in await assessment(db, directory, RULES, person_id=office, year=2026, now=DECEMBER)}
    jianshan = rows["jianshan"]
    assert jianshan.verdict.outcome is VerdictOutcome.EXCELLENT  # 2 landed against a target of 1
    assert jianshan.points == 10 and jianshan.deductions.total == Decimal("-0.5") and jianshan.total == Decimal("9.5")
    # 县经商局 attracted both with equal credit, but was 通报批评: 一票否优 beats its 一票评优.
    commerce = rows["economy_commerce"]
    assert commerce.points == 10
    assert commerce.verdict.outcome is VerdictOutcome.VETOED
    assert commerce.verdict.overridden is VerdictReason.UNTARGETED_LANDING
    # Every 区块 and 乡镇（街道） is listed, in the directory's order; departments only once they appear.
    assert list(rows)[:2] == ["jinpan", "xincheng"] and "finance" not in rows
    assert rows["yushan"].verdict.outcome is VerdictOutcome.NEITHER


async def test_a_unit_cadre_may_not_see_the_county_assessment(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    cadre = await person(staff("jianshan"))
    with pytest.raises(NotAllowed):
        await assessment(db, directory, RULES, person_id=cadre, year=2026, now=DECEMBER)
    supervisor = await person(Role(RoleKind.SUPERVISION))
    assert await assessment(db, directory, RULES, person_id=supervisor, year=2026, now=DECEMBER)
