"""Publishing the monthly 通报 and the quarterly 赛拼 (一(四)) to every project group and the leaders.

A bulletin is published once per kind and period (the table's unique key), with three audit events in the
same transaction — its text, its chart and its table — each queued to every reader, so the sender delivers
each (event, chat) at most once and a chat gets them in that order. The chart and the table are made in each
reader's language when first sent (bot side) from the figures stored here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from domain.bulletin import (
    BulletinKind,
    MonthlyBulletin,
    OverdueMark,
    ProjectFacts,
    QuarterlyContest,
    contest_to_json,
    latest_due_month,
    latest_due_quarter,
    month_bounds,
    month_period,
    monthly_bulletin,
    monthly_to_json,
    project_facts,
    quarter_months,
    quarter_period,
    quarterly_contest,
)
from domain.calendar import SHANGHAI
from domain.deadlines import supervision_day
from domain.directory import Directory, Role, RoleKind
from domain.errors import DomainError
from domain.project import Event
from domain.scoring import ScoringRules
from services.setup import usd_rate
from services.supervise import Supervision
from storage.uow import Database, UnitOfWork

# The three messages of a bulletin, in the order each reader gets them.
PARTS = ("text", "chart", "table")


class BulletinPeriodInvalid(DomainError):
    """The period asked for is not a finished month or quarter."""

    code = "bulletin_period"


@dataclass(frozen=True)
class Published:
    bulletin_id: int
    kind: BulletinKind
    period: str
    readers: int


def message_key(part: str) -> str:
    return f"bulletin.{part}"


# ---- figures --------------------------------------------------------------------------------------------


async def monthly_figures(
    uow: UnitOfWork, directory: Directory, scoring: ScoringRules, year: int, month: int, usd_rate: Decimal
) -> MonthlyBulletin:
    """The 通报 of the month from the database as it is now (stages as they were at the month's end)."""
    _, last = month_bounds(year, month)
    facts = await _facts(uow, usd_rate, _end_of(last))
    marks = [OverdueMark(m.unit, m.kind, m.occurred_on) for m in await uow.marks.for_year(year)]
    plans = await uow.targets.plan_to_date(year, month)
    units = [u.code for u in directory.landing_units()]
    return monthly_bulletin(year, month, units, facts, marks, _plain(plans), scoring)


async def contest_figures(
    uow: UnitOfWork, directory: Directory, scoring: ScoringRules, year: int, quarter: int, usd_rate: Decimal
) -> QuarterlyContest:
    """The 赛拼 of the quarter from the database as it is now."""
    last_month = quarter_months(quarter)[2]
    _, last = month_bounds(year, last_month)
    facts = await _facts(uow, usd_rate, _end_of(last))
    plans = await uow.targets.plan_to_date(year, last_month)
    units = [u.code for u in directory.landing_units()]
    return quarterly_contest(year, quarter, units, facts, _plain(plans), scoring)


async def _facts(uow: UnitOfWork, usd_rate: Decimal, cutoff: datetime) -> list[ProjectFacts]:
    stages = await uow.bulletins.stages_at(cutoff)
    return [
        project_facts(p, stages.get(p.id or 0), p.created_at.astimezone(SHANGHAI).date(), usd_rate)
        for p in await uow.projects.find()
    ]


def _end_of(day: date) -> datetime:
    """The first instant after `day` in 磐安."""
    return datetime.combine(day + timedelta(days=1), time(0), SHANGHAI)


def _plain(plans: Mapping[str, Mapping[str, Decimal]]) -> dict[str, dict[str, Decimal]]:
    return {unit: {str(k): Decimal(v) for k, v in values.items()} for unit, values in plans.items()}


# ---- publishing -----------------------------------------------------------------------------------------


async def publish_monthly(
    db: Database,
    directory: Directory,
    scoring: ScoringRules,
    year: int,
    month: int,
    now: datetime,
    *,
    actor: int | None = None,
    rate: Decimal | None = None,
) -> Published | None:
    """Publish the 通报 of the month to every reader, once; None if it was published already."""
    _check_finished(date(year, month, 1), month_bounds(year, month)[1], now)
    period = month_period(year, month)
    async with db.uow() as uow:
        if await uow.bulletins.find(BulletinKind.MONTHLY, period) is not None:
            return None
        figures = await monthly_figures(uow, directory, scoring, year, month, rate or usd_rate())
        published = await _publish(uow, directory, BulletinKind.MONTHLY, period, monthly_to_json(figures), now, actor)
        if published is not None:
            await uow.commit()
        return published


async def publish_quarterly(
    db: Database,
    directory: Directory,
    scoring: ScoringRules,
    year: int,
    quarter: int,
    now: datetime,
    *,
    actor: int | None = None,
    rate: Decimal | None = None,
) -> Published | None:
    """Publish the 赛拼 of the quarter to every reader, once; None if it was published already."""
    months = quarter_months(quarter) if 1 <= quarter <= 4 else (0, 0, 0)
    if not months[0]:
        raise BulletinPeriodInvalid(f"There is no quarter {quarter}.", period=f"{year}-Q{quarter}")
    _check_finished(date(year, months[0], 1), month_bounds(year, months[2])[1], now)
    period = quarter_period(year, quarter)
    async with db.uow() as uow:
        if await uow.bulletins.find(BulletinKind.QUARTERLY, period) is not None:
            return None
        figures = await contest_figures(uow, directory, scoring, year, quarter, rate or usd_rate())
        published = await _publish(uow, directory, BulletinKind.QUARTERLY, period, contest_to_json(figures), now, actor)
        if published is not None:
            await uow.commit()
        return published


def _check_finished(first: date, last: date, now: datetime) -> None:
    if now.astimezone(SHANGHAI).date() <= last:
        raise BulletinPeriodInvalid(
            f"The period {first.isoformat()}..{last.isoformat()} has not ended yet.", period=first.isoformat()[:7]
        )


async def _publish(
    uow: UnitOfWork,
    directory: Directory,
    kind: BulletinKind,
    period: str,
    figures: dict[str, Any],
    now: datetime,
    actor: int | None,
) -> Published | None:
    bulletin_id = await uow.bulletins.add(kind, period, figures, now)
    if bulletin_id is None:
        return None  # another process published it a moment ago
    chats = await readers(uow, directory)
    facts = {"bulletin_id": bulletin_id, "kind": kind.value, "period": period}
    for part in PARTS:
        name = f"bulletin_{part}"
        if actor is None:
            event_id = await uow.audit.append_system("bulletin", bulletin_id, name, at=now, before={}, after=facts)
        else:
            event_id = await uow.audit.append("bulletin", bulletin_id, Event(name, actor, now, {}, facts))
        params = facts | {"figures": figures} if part == "text" else facts
        await uow.outbox.add(event_id, chats, message_key(part), params, now)
    return Published(bulletin_id, kind, period, len(chats))


async def readers(uow: UnitOfWork, directory: Directory) -> list[int]:
    """Who gets a bulletin: every project's group, then in private the 县长, the 分管副县长, the 联系县领导,
    the office and the head of each landing unit."""
    heads = [str(Role(RoleKind.HEAD, unit.code)) for unit in directory.landing_units()]
    exact = [str(Role(RoleKind.COUNTY_HEAD)), str(Role(RoleKind.OFFICE)), *heads]
    private = await uow.bulletins.private_chats(exact, [RoleKind.DEPUTY_HEAD.value, RoleKind.CONTACT_LEADER.value])
    return list(dict.fromkeys([*await uow.bulletins.group_chats(), *private]))


# ---- the reconciler -------------------------------------------------------------------------------------


async def reconcile_bulletins(supervision: Supervision, now: datetime) -> int:
    """Publish the latest 通报 and 赛拼 due by today (from their day of the month, at the sending hour) unless
    published already; a bot down over the day publishes on its first pass after, and only the latest due.
    Returns how many bulletins it published."""
    rules = supervision.rules
    today = supervision_day(now, rules.send_hour)
    db, directory, scoring = supervision.db, supervision.directory, supervision.scoring
    async with db.uow(read_only=True) as uow:
        first = await uow.bulletins.first_project_created_at()
    if first is None:
        return 0  # no project yet: nothing to report
    # A period that ended before the first project was recorded would publish only zeros: a new deployment (or
    # the sandbox) starts with the first period it has seen, instead of broadcasting the one before it existed.
    since = first.astimezone(SHANGHAI).date()
    done = 0
    year, month = latest_due_month(today, rules.monthly_bulletin_day)
    if month_bounds(year, month)[1] >= since:
        done += await publish_monthly(db, directory, scoring, year, month, now) is not None
    year, quarter = latest_due_quarter(today, rules.quarterly_contest_day)
    last_month = quarter_months(quarter)[2]
    if month_bounds(year, last_month)[1] >= since:
        done += await publish_quarterly(db, directory, scoring, year, quarter, now) is not None
    return done


async def preview_monthly(
    db: Database, directory: Directory, scoring: ScoringRules, year: int, month: int, now: datetime
) -> tuple[MonthlyBulletin, bool]:
    """The 通报 of a finished month as it would be published now, and whether it has been published."""
    _check_finished(date(year, month, 1), month_bounds(year, month)[1], now)
    async with db.uow(read_only=True) as uow:
        figures = await monthly_figures(uow, directory, scoring, year, month, usd_rate())
        published = await uow.bulletins.find(BulletinKind.MONTHLY, month_period(year, month)) is not None
    return figures, published


async def preview_quarterly(
    db: Database, directory: Directory, scoring: ScoringRules, year: int, quarter: int, now: datetime
) -> tuple[QuarterlyContest, bool]:
    """The 赛拼 of a finished quarter as it would be published now, and whether it has been published."""
    if not 1 <= quarter <= 4:
        raise BulletinPeriodInvalid(f"There is no quarter {quarter}.", period=f"{year}-Q{quarter}")
    months = quarter_months(quarter)
    _check_finished(date(year, months[0], 1), month_bounds(year, months[2])[1], now)
    async with db.uow(read_only=True) as uow:
        figures = await contest_figures(uow, directory, scoring, year, quarter, usd_rate())
        published = await uow.bulletins.find(BulletinKind.QUARTERLY, quarter_period(year, quarter)) is not None
    return figures, published
