"""Use cases of annual targets and monthly plans (四(三)): the office sets a unit's target, fixes a month's plan
or enters a month's figure; anyone entitled sees a unit's plan against what it achieved.

Each change runs one unit of work, is checked against the domain's schedule before it is written, and is
audited with who, when, before and after (subjects "annual_target", "plan_override", "indicator_figure").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.calendar import SHANGHAI
from domain.directory import Directory, Role, RoleKind
from domain.lifecycle import NotAllowed
from domain.project import Event, Principal
from domain.scoring import ScoringRules
from domain.targets import (
    AnnualTarget,
    BadMonth,
    Indicator,
    IndicatorProgress,
    NoTarget,
    NotEnteredByOffice,
    NotTargetUnit,
    achieved_to_date,
    check_amount,
    check_month,
    first_planned_month,
    monthly_plan,
    progress_of,
)
from services.setup import usd_rate
from storage.uow import Database, UnitOfWork

OFFICE = Role(RoleKind.OFFICE)
# Who may see any unit's plan: those who run or oversee the 招商 effort.
OVERSEERS = frozenset({RoleKind.OFFICE, RoleKind.SUPERVISION, RoleKind.COUNTY_HEAD, RoleKind.DEPUTY_HEAD})


def today_of(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()


def _check_office(principal: Principal, move: str) -> None:
    if not principal.holds(OFFICE):
        raise NotAllowed(f"Only the 领导小组办公室 may {move}.", move=move, expected=[str(OFFICE)])


def _check_unit(directory: Directory, unit: str) -> str:
    found = directory.unit(unit)
    if not found.kind.can_land_projects:
        raise NotTargetUnit(f"{found.name} is no 区块 or 乡镇（街道）.", unit=found.name)
    return found.code


def oversees(principal: Principal) -> bool:
    return any(principal.holds_any(kind) for kind in OVERSEERS)


def own_units(principal: Principal, directory: Directory) -> list[str]:
    """The 区块 / 乡镇（街道） this person is 负责人 or 工作人员 of, in the directory's order."""
    return [
        unit.code
        for unit in directory.landing_units()
        if {Role(RoleKind.HEAD, unit.code), Role(RoleKind.STAFF, unit.code)} & principal.roles
    ]


# ---- changes --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetSet:
    target: AnnualTarget
    before: Decimal | None
    plan: dict[int, Decimal]


async def set_target(
    db: Database,
    directory: Directory,
    *,
    person_id: int,
    unit: str,
    indicator: Indicator,
    year: int,
    amount: Decimal,
    now: datetime,
) -> TargetSet:
    """The office sets (or changes) a unit's annual target; its plan runs from the month it was first set."""
    unit = _check_unit(directory, unit)
    amount = check_amount(indicator, amount)
    async with db.uow() as uow:
        _check_office(await uow.people.principal(person_id), "set_target")
        existing = await uow.targets.target(unit, indicator, year)
        starts = existing.starts_month if existing else first_planned_month(year, today_of(now))
        target = AnnualTarget(unit, indicator, year, amount, starts)
        plan = monthly_plan(target, await _fixed(uow, target))  # refuses a target the fixed months overflow
        written = await uow.targets.set_target(target, person_id=person_id, now=now)
        after = {"unit": unit, "indicator": indicator, "year": year, "amount": amount, "starts_month": starts}
        before = {} if written.before is None else {"amount": written.before}
        await uow.audit.append("annual_target", written.id, Event("target_set", person_id, now, before, after))
        await uow.commit()
    return TargetSet(target, written.before, plan)


async def _fixed(uow: UnitOfWork, target: AnnualTarget) -> dict[int, Decimal]:
    overrides = (await uow.targets.overrides(target.year, unit=target.unit)).get(target.unit, {})
    return {month: amount for (indicator, month), amount in overrides.items() if indicator is target.indicator}


async def fix_month(
    db: Database,
    directory: Directory,
    *,
    person_id: int,
    unit: str,
    indicator: Indicator,
    year: int,
    month: int,
    amount: Decimal,
    now: datetime,
) -> TargetSet:
    """The office fixes one month's plan by hand; the months still free share what is left of the target."""
    unit = _check_unit(directory, unit)
    month = check_month(month)
    amount = check_amount(indicator, amount)
    async with db.uow() as uow:
        _check_office(await uow.people.principal(person_id), "fix_month_plan")
        target = await uow.targets.target(unit, indicator, year)
        if target is None:
            raise NoTarget(f"{unit} has no {indicator.value} target for {year}.", unit=unit, year=year)
        plan = monthly_plan(target, await _fixed(uow, target) | {month: amount})
        written = await uow.targets.set_override(unit, indicator, year, month, amount, person_id=person_id, now=now)
        after = {"unit": unit, "indicator": indicator, "year": year, "month": month, "amount": amount}
        before = {} if written.before is None else {"amount": written.before}
        await uow.audit.append("plan_override", written.id, Event("plan_month_fixed", person_id, now, before, after))
        await uow.commit()
    return TargetSet(target, written.before, plan)


async def enter_figure(
    db: Database,
    directory: Directory,
    *,
    person_id: int,
    unit: str,
    indicator: Indicator,
    year: int,
    month: int,
    amount: Decimal,
    now: datetime,
) -> Decimal | None:
    """The office enters a unit's 利用外资 or 省外内资 of a month that has begun; returns the figure it replaced."""
    unit = _check_unit(directory, unit)
    if not indicator.entered_by_office:
        raise NotEnteredByOffice(f"{indicator.value} is counted from the records.", indicator=indicator.value)
    month = check_month(month)
    today = today_of(now)
    if (year, month) > (today.year, today.month):
        raise BadMonth(f"{year}-{month:02} has not begun.", month=month)
    amount = check_amount(indicator, amount)
    async with db.uow() as uow:
        _check_office(await uow.people.principal(person_id), "enter_figure")
        written = await uow.targets.set_figure(unit, indicator, year, month, amount, person_id=person_id, now=now)
        after = {"unit": unit, "indicator": indicator, "year": year, "month": month, "amount": amount}
        before = {} if written.before is None else {"amount": written.before}
        event = Event("figure_entered", person_id, now, before, after)
        await uow.audit.append("indicator_figure", written.id, event)
        await uow.commit()
    return written.before


# ---- views ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitPlan:
    """A unit's plan against what it achieved, for `year` from January through `month`."""

    unit: str
    year: int
    month: int
    rows: list[IndicatorProgress]


async def unit_plan(db: Database, rules: ScoringRules, *, unit: str, year: int, month: int) -> UnitPlan:
    async with db.uow(read_only=True) as uow:
        targets = await uow.targets.targets(year, unit=unit)
        overrides = (await uow.targets.overrides(year, unit=unit)).get(unit, {})
        achieved = await _achieved(uow, rules, year, month) if targets else {}
    return UnitPlan(unit, year, month, progress_of(targets, overrides, achieved.get(unit, {}), month))


async def _achieved(
    uow: UnitOfWork, rules: ScoringRules, year: int, month: int
) -> Mapping[str, Mapping[Indicator, Decimal]]:
    projects = await uow.projects.find()
    funds = await uow.progress.funds_by_project(year, month)
    entered = await uow.targets.figures_to_date(year, month)
    return achieved_to_date(projects, year, month, rules, usd_rate=usd_rate(), funds=funds, entered=entered)


async def plan_for(
    db: Database,
    directory: Directory,
    rules: ScoringRules,
    *,
    person_id: int,
    unit: str,
    now: datetime,
    year: int | None = None,
) -> UnitPlan:
    """The plan of `unit` to date (this year's unless `year` is given: a past one to December, a coming one in
    January), for someone who oversees every unit or belongs to this one."""
    unit = _check_unit(directory, unit)
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
    if not oversees(principal) and unit not in own_units(principal, directory):
        raise NotAllowed("Only the unit itself and those overseeing it see its plan.", move="see_plan", expected=[])
    today = today_of(now)
    year = today.year if year is None else year
    month = today.month if year == today.year else 12 if year < today.year else 1
    return await unit_plan(db, rules, unit=unit, year=year, month=month)


async def own_plans(
    db: Database, directory: Directory, rules: ScoringRules, *, person_id: int, now: datetime
) -> list[UnitPlan]:
    """This year's plans of the units this person is 负责人 or 工作人员 of (empty if none)."""
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
    today = today_of(now)
    return [
        await unit_plan(db, rules, unit=unit, year=today.year, month=today.month)
        for unit in own_units(principal, directory)
    ]


async def year_targets(db: Database, directory: Directory, *, person_id: int, year: int) -> list[AnnualTarget]:
    """Every target of `year`, units in the directory's order, for the office and those overseeing it."""
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        if not oversees(principal):
            raise NotAllowed("Only the office and the leaders see every target.", move="see_targets", expected=[])
        targets = await uow.targets.targets(year)
    order = {unit.code: index for index, unit in enumerate(directory.units.values())}
    indicators = list(Indicator)
    return sorted(targets, key=lambda t: (order.get(t.unit, len(order)), indicators.index(t.indicator)))
