"""Targets, month plans and figures on a real database: who may set them, what is kept, and plan against actual."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.directory import Directory, Role, RoleKind
from domain.lifecycle import NotAllowed, Stage
from domain.quantities import Currency, Money
from domain.scoring import ScoringRules
from domain.targets import BadMonth, Indicator, NotEnteredByOffice, NotTargetUnit, PlanOverflow
from services import targets as uc
from services.projects import create_project
from storage.uow import Database
from tests.factories import NOW, OFFICE, PersonFactory, head, staff

RULES = ScoringRules()
MM, FUNDS, FOREIGN = Indicator.MAJOR_MANUFACTURING, Indicator.MANUFACTURING_FUNDS, Indicator.FOREIGN_CAPITAL
JUNE = datetime(2026, 6, 10, 2, tzinfo=UTC)


async def landed_factory(
    db: Database, directory: Directory, cadre: int, *, total: str, on: date, attracting: str = "yushan"
) -> int:
    """A manufacturing land project of 尖山镇 whose land went to the investor (摘牌) on `on`, as the database
    holds it by then."""
    made = await create_project(db, directory, person_id=cadre, name=f"厂{total}", landing_unit="jianshan", now=NOW)
    async with db.uow() as uow:
        project = await uow.projects.get(made.id or 0)
        project.form = project.form.with_values(
            total_investment=Money(Decimal(total), Currency.CNY),
            is_manufacturing=True,
            attracting_unit=attracting,
            needs_land=True,
        )
        project.stage, project.delisted_on = Stage.DELISTED, on
        await uow.commit()
    return made.id or 0


async def test_the_office_sets_a_target_and_it_is_planned_from_this_month(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    office = await person(OFFICE)
    result = await uc.set_target(
        db, directory, person_id=office, unit="jianshan", indicator=MM, year=2026, amount=Decimal(2), now=JUNE
    )
    assert result.before is None and result.target.starts_month == 6
    assert sum(result.plan.values()) == 2 and all(result.plan[m] == 0 for m in range(1, 6))
    async with db.uow(read_only=True) as uow:
        assert await uow.targets.annual(2026) == {"jianshan": {"major_manufacturing": Decimal(2)}}
        assert (await uow.targets.plan_to_date(2026, 12))["jianshan"]["major_manufacturing"] == 2
        audit = await uow.audit.for_subject("annual_target", 1)
    assert [row.name for row in audit] == ["target_set"] and audit[0].actor_person_id == office

    # Raised in September, the plan still runs from June; the audit keeps the amount it replaced.
    later = datetime(2026, 9, 1, 2, tzinfo=UTC)
    again = await uc.set_target(
        db, directory, person_id=office, unit="jianshan", indicator=MM, year=2026, amount=Decimal(3), now=later
    )
    assert again.before == 2 and again.target.starts_month == 6 and sum(again.plan.values()) == 3


async def test_only_the_office_sets_targets_and_only_for_units_that_land_projects(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    cadre = await person(staff("jianshan"))
    with pytest.raises(NotAllowed):
        await uc.set_target(
            db, directory, person_id=cadre, unit="jianshan", indicator=MM, year=2026, amount=Decimal(9), now=JUNE
        )
    office = await person(OFFICE)
    with pytest.raises(NotTargetUnit):
        await uc.set_target(
            db, directory, person_id=office, unit="finance", indicator=MM, year=2026, amount=Decimal(1), now=JUNE
        )
    async with db.uow(read_only=True) as uow:
        assert await uow.targets.annual(2026) == {}


async def test_a_month_fixed_by_hand_moves_the_rest_and_an_overflow_changes_nothing(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    office = await person(OFFICE)

    async def fix(month: int, amount: str) -> uc.TargetSet:
        return await uc.fix_month(
            db, directory, person_id=office, unit="jianshan", indicator=FUNDS, year=2026, month=month,
            amount=Decimal(amount), now=JUNE,
        )  # fmt: skip

    async def set_to(amount: str) -> uc.TargetSet:
        return await uc.set_target(
            db, directory, person_id=office, unit="jianshan", indicator=FUNDS, year=2026, amount=Decimal(amount),
            now=JUNE,
        )  # fmt: skip

    await set_to("70000000.00")
    fixed = await fix(12, "49000000.00")
    assert fixed.plan[12] == Decimal("49000000.00")
    assert sum(fixed.plan[m] for m in range(6, 12)) == Decimal("21000000.00")
    with pytest.raises(PlanOverflow):
        await fix(7, "30000000.00")
    with pytest.raises(PlanOverflow):
        await set_to("40000000.00")
    async with db.uow(read_only=True) as uow:
        assert (await uow.targets.plan_to_date(2026, 11))["jianshan"]["manufacturing_funds"] == Decimal("21000000.00")
        assert (await uow.targets.annual(2026))["jianshan"]["manufacturing_funds"] == Decimal("70000000.00")


async def test_plan_against_actual_credits_the_attracting_unit_too(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    office = await person(OFFICE)
    cadre = await person(staff("jianshan"))
    yushan = await person(head("yushan"))
    for unit in ("jianshan", "yushan"):
        await uc.set_target(
            db, directory, person_id=office, unit=unit, indicator=MM, year=2026, amount=Decimal(1), now=JUNE
        )
    await uc.set_target(
        db, directory, person_id=office, unit="yushan", indicator=FOREIGN, year=2026, amount=Decimal("7000000.00"),
        now=JUNE,
    )  # fmt: skip
    await uc.enter_figure(
        db, directory, person_id=office, unit="yushan", indicator=FOREIGN, year=2026, month=6,
        amount=Decimal("3000000.00"), now=JUNE,
    )  # fmt: skip
    await landed_factory(db, directory, cadre, total="800000000", on=date(2026, 6, 5))

    own = await uc.own_plans(db, directory, RULES, person_id=yushan, now=JUNE)
    assert [plan.unit for plan in own] == ["yushan"]
    mm, foreign = own[0].rows
    assert (mm.indicator, mm.target, mm.achieved, mm.on_track) == (
        MM,
        Decimal(1),
        Decimal(1),
        True,
    )  # attracted, not landed
    assert (foreign.plan_to_date, foreign.achieved, foreign.on_track) == (Decimal("1000000.00"), Decimal(3000000), True)
    with pytest.raises(NotAllowed):
        await uc.plan_for(db, directory, RULES, person_id=yushan, unit="jianshan", now=JUNE)
    seen = await uc.plan_for(db, directory, RULES, person_id=office, unit="jianshan", now=JUNE)
    assert seen.rows[0].achieved == 1


async def test_figures_are_only_for_the_indicators_no_record_holds_and_for_begun_months(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    office = await person(OFFICE)

    async def enter(indicator: Indicator, month: int, amount: str) -> Decimal | None:
        return await uc.enter_figure(
            db, directory, person_id=office, unit="jianshan", indicator=indicator, year=2026, month=month,
            amount=Decimal(amount), now=JUNE,
        )  # fmt: skip

    with pytest.raises(NotEnteredByOffice):
        await enter(FUNDS, 5, "1.00")
    assert await enter(FOREIGN, 5, "1.00") is None
    assert await enter(FOREIGN, 5, "2.00") == Decimal("1.00")
    async with db.uow(read_only=True) as uow:
        assert await uow.targets.figures_to_date(2026, 6) == {"jianshan": {FOREIGN: Decimal("2.00")}}
    with pytest.raises(BadMonth):
        await enter(FOREIGN, 7, "1.00")
    async with db.uow(read_only=True) as uow:
        assert await uow.targets.figures_to_date(2026, 12) == {"jianshan": {FOREIGN: Decimal("2.00")}}


async def test_a_unit_person_without_a_role_in_landing_units_has_no_plan(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    someone = await person(Role(RoleKind.STAFF, "finance"))
    assert await uc.own_plans(db, directory, RULES, person_id=someone, now=JUNE) == []
