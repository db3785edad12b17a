"""The 通报 and 赛拼 as Telegram messages, in the reader's language, from the templates bulletin_*.j2.

A message holds at most 4096 characters: the 通报 lists every landing unit on one compact line; should a
directory ever hold too many units for that, the message keeps the county's figures and points to the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aiogram.utils.i18n import gettext as _

from bot.render import render
from domain.bulletin import COUNTY, ContestEntry, MonthlyBulletin, QuarterlyContest, UnitMonth
from domain.directory import Directory, UnknownUnit
from domain.lifecycle import Stage

TELEGRAM_TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def unit_name(directory: Directory, code: str) -> str:
    if code == COUNTY:
        return _("bulletin.county")
    try:
        return directory.unit(code).name
    except UnknownUnit:
        return code


def monthly_title(year: int, month: int) -> str:
    return _("bulletin.title.monthly").format(year=year, month=month)


def contest_title(year: int, quarter: int) -> str:
    return _("bulletin.title.quarterly").format(year=year, quarter=quarter)


def points(value: Decimal) -> str:
    """Points as people write them: 5, 2.5, -3 (no trailing zeros)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def actual_and_plan(actual: int, plan: Decimal | None) -> str:
    return f"{actual}/{'—' if plan is None else points(plan)}"


@dataclass(frozen=True)
class UnitLine:
    name: str
    pipeline: int
    new: int
    signed: int
    landed: int
    started: int
    overdue: int
    mm: str
    mi: str


def unit_line(row: UnitMonth, directory: Directory) -> UnitLine:
    return UnitLine(
        name=unit_name(directory, row.unit),
        pipeline=row.in_pipeline,
        new=row.new,
        signed=row.signed,
        landed=row.landed,
        started=row.started,
        overdue=row.overdue_updates,
        mm=actual_and_plan(row.major_manufacturing, row.major_manufacturing_plan),
        mi=actual_and_plan(row.major_industry, row.major_industry_plan),
    )


def monthly_text(bulletin: MonthlyBulletin, directory: Directory) -> str:
    """The 通报 as one message: the county, its stages, then every landing unit on a line (if they fit)."""
    stages = [
        (_("stage." + s.value), bulletin.county.stages[s.value]) for s in Stage if s.value in bulletin.county.stages
    ]
    context = {
        "title": monthly_title(bulletin.year, bulletin.month),
        "county": unit_line(bulletin.county, directory),
        "stages": stages,
    }
    text = render("bulletin_monthly.j2", units=[unit_line(r, directory) for r in bulletin.units], **context)
    if len(text) > TELEGRAM_TEXT_LIMIT:
        text = render("bulletin_monthly.j2", units=None, **context)
    return text


@dataclass(frozen=True)
class ContestLine:
    rank: int
    name: str
    total: str
    added: str
    deducted: str


def contest_line(entry: ContestEntry, directory: Directory) -> ContestLine:
    return ContestLine(
        rank=entry.rank,
        name=unit_name(directory, entry.unit),
        total=points(entry.total),
        added=points(entry.added),
        deducted=points(entry.deducted),
    )


def contest_text(contest: QuarterlyContest, directory: Directory) -> str:
    """The 赛拼 as one message: the ranking with each unit's 加分 and 扣分 (or that nobody scored)."""
    scored = any(entry.lines for entry in contest.entries)
    entries = [contest_line(e, directory) for e in contest.entries] if scored else []
    title = contest_title(contest.year, contest.quarter)
    text = render("bulletin_quarterly.j2", title=title, entries=entries)
    if len(text) > TELEGRAM_TEXT_LIMIT:  # only the units that scored or lost points
        shown = [contest_line(e, directory) for e in contest.entries if e.lines]
        text = render("bulletin_quarterly.j2", title=title, entries=shown)
    return text
