"""/targets (the office sets annual targets, fixes month plans, enters 利用外资 / 省外内资, sees any unit's plan),
/plan (a unit's 负责人 or 工作人员 sees its own plan against actual) and /assessment [year] (the office, the county's
leaders and the 督考办 see the annual assessment). In private only: these are figures of whole units.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.render import render
from bot.targets_input import BadInput, TargetRequest, read_request
from bot.texts import quote, unit_name
from domain.assessment import UnitAssessment
from domain.directory import Directory
from domain.project import Principal
from domain.quantities import Money, format_money
from domain.scoring import ScoringRules, VerdictOutcome
from domain.targets import AnnualTarget, Indicator, IndicatorProgress
from services import assessment as assessment_uc
from services import targets as uc
from storage.uow import Database
from zhikong.clock import Clock

ASSESSED_YEAR = re.compile(r"^([0-9]{4})(?:年度?)?$")  # "/assessment 2026" or "/assessment 2026年"
ASSESSED_YEARS = range(2000, 2100)  # wide, and every day of each is a date the calendar can hold


def shown(indicator: Indicator, amount: Decimal) -> str:
    """An amount as people read it: 2个 for projects, 3亿元 or 500万美元 for money."""
    if indicator.currency is None:
        return _("targets.count").format(count=int(amount))
    return format_money(Money(amount, indicator.currency))


def indicator_label(indicator: Indicator) -> str:
    return _("indicator." + indicator.value)


def _signed(points: Decimal) -> str:
    text = format(points.normalize(), "f") if points else "0"
    return text if points <= 0 else "+" + text


async def _in_private(message: Message, principal: Principal | None) -> Principal | None:
    """The person, if this is a private chat and they hold a role; else the answer saying why not."""
    if message.chat.type != "private":
        await message.reply(_("targets.private_only"))
        return None
    if principal is None or not principal.roles:
        await message.answer(_("moves.unbound"))
        return None
    return principal


# ---- plans ------------------------------------------------------------------------------------------------------
def plan_text(plan: uc.UnitPlan, directory: Directory) -> str:
    rows = [_plan_row(row) for row in plan.rows]
    return render("targets_plan.j2", unit=unit_name(directory, plan.unit), year=plan.year, month=plan.month, rows=rows)


def _plan_row(row: IndicatorProgress) -> dict[str, object]:
    months = [
        _("targets.plan.month").format(month=month, amount=shown(row.indicator, amount))
        for month, amount in sorted(row.plan.items())
        if amount
    ]
    return {
        "label": indicator_label(row.indicator),
        "target": shown(row.indicator, row.target),
        "this_month": shown(row.indicator, row.plan_this_month),
        "to_date": shown(row.indicator, row.plan_to_date),
        "achieved": shown(row.indicator, row.achieved),
        "on_track": row.on_track,
        "shortfall": shown(row.indicator, row.shortfall),
        "months": months,
    }


def year_text(targets: list[AnnualTarget], directory: Directory, year: int) -> str:
    units: dict[str, list[str]] = {}
    for target in targets:
        entry = f"{indicator_label(target.indicator)} {shown(target.indicator, target.amount)}"
        units.setdefault(unit_name(directory, target.unit), []).append(entry)
    return render("targets_year.j2", year=year, units=units)


# ---- /targets ---------------------------------------------------------------------------------------------------
async def targets_command(
    message: Message,
    command: CommandObject,
    db: Database,
    directory: Directory,
    clock: Clock,
    scoring: ScoringRules,
    principal: Principal | None,
) -> None:
    person = await _in_private(message, principal)
    if person is None:
        return
    if not uc.oversees(person):
        await message.answer(_("targets.not_allowed"))
        return
    now = clock.now()
    today = uc.today_of(now)
    if not command.args or not command.args.strip():
        targets = await uc.year_targets(db, directory, person_id=person.person_id, year=today.year)
        await message.answer(year_text(targets, directory, today.year) + "\n\n" + _("targets.usage"))
        return
    try:
        request = read_request(command.args, directory, today)
    except BadInput as bad:
        params: dict[str, object] = {key: quote(value) for key, value in bad.params.items()}
        if "indicator" in bad.params:
            params["indicator"] = quote(indicator_label(Indicator(bad.params["indicator"])))
        await message.answer(_(bad.key).format(**params) + "\n" + _("targets.usage_short"))
        return
    done = await _change(request, db, directory, person, now) if request.indicator is not None else ""
    plan = await uc.plan_for(
        db, directory, scoring, person_id=person.person_id, unit=request.unit, now=now, year=request.year
    )
    await message.answer((done + "\n\n" if done else "") + plan_text(plan, directory))


async def _change(request: TargetRequest, db: Database, directory: Directory, person: Principal, now: datetime) -> str:
    """Make the change the office asked for (the service checks it may) and say what was done."""
    indicator, amount, month = request.indicator, request.amount, request.month
    assert indicator is not None and amount is not None
    words = {
        "unit": unit_name(directory, request.unit),
        "indicator": indicator_label(indicator),
        "year": request.year,
        "amount": shown(indicator, amount),
    }
    who, unit, year = person.person_id, request.unit, request.year
    if month is not None and request.actual:
        await uc.enter_figure(
            db, directory, person_id=who, unit=unit, indicator=indicator, year=year, month=month, amount=amount, now=now
        )
        return _("targets.figure_entered").format(month=month, **words)
    if month is not None:
        await uc.fix_month(
            db, directory, person_id=who, unit=unit, indicator=indicator, year=year, month=month, amount=amount, now=now
        )
        return _("targets.month_fixed").format(month=month, **words)
    result = await uc.set_target(
        db, directory, person_id=who, unit=unit, indicator=indicator, year=year, amount=amount, now=now
    )
    if result.before is not None:
        return _("targets.changed").format(before=shown(indicator, result.before), **words)
    return _("targets.set").format(start=result.target.starts_month, **words)


# ---- /plan ------------------------------------------------------------------------------------------------------
async def plan_command(
    message: Message,
    db: Database,
    directory: Directory,
    clock: Clock,
    scoring: ScoringRules,
    principal: Principal | None,
) -> None:
    person = await _in_private(message, principal)
    if person is None:
        return
    plans = await uc.own_plans(db, directory, scoring, person_id=person.person_id, now=clock.now())
    if not plans:
        await message.answer(_("plan.not_unit"))
        return
    for plan in plans:
        await message.answer(plan_text(plan, directory))


# ---- /assessment ------------------------------------------------------------------------------------------------
async def assessment_command(
    message: Message,
    command: CommandObject,
    db: Database,
    directory: Directory,
    clock: Clock,
    scoring: ScoringRules,
    principal: Principal | None,
) -> None:
    person = await _in_private(message, principal)
    if person is None:
        return
    if not any(person.holds_any(kind) for kind in assessment_uc.ASSESSORS):
        await message.answer(_("assessment.not_allowed"))
        return
    now = clock.now()
    year = uc.today_of(now).year
    if command.args and command.args.strip():
        found = ASSESSED_YEAR.match(command.args.strip())
        if found is None or int(found[1]) not in ASSESSED_YEARS:
            await message.answer(_("assessment.bad_year").format(text=quote(command.args.strip())))
            return
        year = int(found[1])
    rows = await assessment_uc.assessment(db, directory, scoring, person_id=person.person_id, year=year, now=now)
    day = min(uc.today_of(now).isoformat(), f"{year}-12-31")
    await message.answer(
        render("assessment_table.j2", year=year, day=day, rows=[_assessment_row(row, directory) for row in rows])
    )


def _assessment_row(row: UnitAssessment, directory: Directory) -> dict[str, object]:
    verdict = row.verdict
    reason = ""
    if verdict.outcome is VerdictOutcome.EXCELLENT and verdict.reason is not None:
        reason = _("assessment.excellent." + verdict.reason.value).format(
            landed=row.major_manufacturing_landed, target=row.major_manufacturing_target or 0
        )
    elif verdict.outcome is VerdictOutcome.VETOED and verdict.reason is not None:
        reason = _("assessment.vetoed." + verdict.reason.value).format(notes="；".join(n for n in row.criticisms if n))
        if verdict.overridden is not None:
            reason += _("assessment.overridden")
    return {
        "name": unit_name(directory, row.unit),
        "outcome": verdict.outcome.value,
        "reason": reason,
        "points": _signed(row.points),
        "deductions": _signed(row.deductions.total),
        "total": _signed(row.total),
        # Only a unit that scored in some quarter gets the quarter-by-quarter line, so the table stays short.
        "quarters": " / ".join(_signed(s.total) for s in row.quarters) if any(s.lines for s in row.quarters) else "",
    }


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    person = F.from_user
    router.message.register(targets_command, Command("targets"), person)
    router.message.register(plan_command, Command("plan"), person)
    router.message.register(assessment_command, Command("assessment"), person)
    return router
