"""The monthly 通报 and the quarterly 赛拼 of the landing units (一(四), 四(三)), as figures.

The 通报 counts, per 区块 / 乡镇(街道) and for the county: projects by stage at the month's end, and what
happened in the month (new, signed, landed, started, overdue progress updates), with the year's 7亿元以上
制造业 and 3亿元以上产业项目 landed so far against the plan to date. The 赛拼 ranks the units by the
quarter's 加扣分 (domain.scoring). 招引单位 and 落地单位 get equal credit (三(一)): a project counts for
both. Everything is computed from plain facts passed in; nothing here reads a clock or a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.lifecycle import Stage
from domain.project import Project
from domain.quantities import to_cny
from domain.scoring import (
    LandedProject,
    ProjectClass,
    ScoreLine,
    ScoreReason,
    ScoringRules,
    UnitQuarter,
    classify_project,
    quarter_score,
)
from domain.targets import Indicator, landed_on

COUNTY = "county"  # the unit code of the county's totals row
# Marks of the monthly progress update that count as overdue (storage.supervision.AssessmentMarks kinds).
OVERDUE_MARK_KINDS = frozenset({"late_update", "missing_update"})
# Stages of a project that is no longer pursued: shown, but not counted among the projects in the 库.
ENDED_STAGES = frozenset({Stage.REJECTED, Stage.TERMINATED})
_ZERO = Decimal(0)


class BulletinKind(StrEnum):
    MONTHLY = "monthly"  # 通报
    QUARTERLY = "quarterly"  # 赛拼


# ---- periods and when they are due ---------------------------------------------------------------------


def month_period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def quarter_period(year: int, quarter: int) -> str:
    return f"{year:04d}-Q{quarter}"


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and the last day of the month."""
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, following - timedelta(days=1)


def quarter_months(quarter: int) -> tuple[int, int, int]:
    first = 3 * (quarter - 1) + 1
    return first, first + 1, first + 2


def latest_due_month(today: date, bulletin_day: int) -> tuple[int, int]:
    """The month whose 通报 is the latest one due by `today`: it is published on `bulletin_day` of the next
    month. A bot down over that day catches up with this one only, never with older ones."""
    year, month = previous_month(today.year, today.month)
    return (year, month) if today.day >= bulletin_day else previous_month(year, month)


def latest_due_quarter(today: date, contest_day: int) -> tuple[int, int]:
    """The quarter whose 赛拼 is the latest one due by `today`: published on `contest_day` of January, April,
    July and October for the quarter just ended."""
    quarter_now = (today.month - 1) // 3 + 1
    opened = date(today.year, quarter_months(quarter_now)[0], contest_day)
    year, quarter = (today.year, quarter_now - 1) if today >= opened else (today.year, quarter_now - 2)
    if quarter < 1:
        year, quarter = year - 1, quarter + 4
    return year, quarter


# ---- the facts of one project --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFacts:
    """What the 通报 and the 赛拼 need of one project; `stage_at_end` is its stage at the period's end
    (None if it did not exist yet)."""

    project_id: int
    name: str
    landing_unit: str
    attracting_unit: str | None
    created_on: date
    stage_at_end: Stage | None
    signed_on: date | None
    landed_on: date | None
    started_on: date | None
    total_investment_cny: Decimal | None
    is_manufacturing: bool

    def credited_units(self) -> frozenset[str]:
        """The units that get credit for it: its 落地单位 and its 招引单位 alike (三(一))."""
        return frozenset(u for u in (self.landing_unit, self.attracting_unit) if u)

    def project_class(self, rules: ScoringRules) -> ProjectClass:
        if self.total_investment_cny is None:
            return ProjectClass.NONE
        return classify_project(self.total_investment_cny, self.is_manufacturing, rules)

    def as_landed(self) -> LandedProject:
        return LandedProject(
            str(self.project_id),
            self.total_investment_cny or _ZERO,
            self.is_manufacturing,
            self.attracting_unit or self.landing_unit,
            self.landing_unit,
        )


def project_facts(project: Project, stage_at_end: Stage | None, created_on: date, usd_rate: Decimal) -> ProjectFacts:
    """The facts of a stored project; `created_on` is its local creation day."""
    money = project.form.total_investment
    return ProjectFacts(
        project_id=project.id or 0,
        name=project.name,
        landing_unit=project.landing_unit,
        attracting_unit=project.form.attracting_unit,
        created_on=created_on,
        stage_at_end=stage_at_end,
        signed_on=project.agreement_signed_on,
        landed_on=landed_on(project),
        started_on=project.construction_started_on,
        total_investment_cny=None if money is None else to_cny(money, usd_rate),
        is_manufacturing=bool(project.form.is_manufacturing),
    )


@dataclass(frozen=True)
class OverdueMark:
    """An assessment mark as the 通报 counts it."""

    unit: str
    kind: str
    occurred_on: date


# ---- the monthly 通报 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitMonth:
    """One row of the 通报: a landing unit's figures, or the county's (unit == COUNTY)."""

    unit: str
    stages: Mapping[str, int]  # Stage value → projects at the month's end (only stages with projects)
    new: int = 0
    signed: int = 0
    landed: int = 0
    started: int = 0
    overdue_updates: int = 0
    major_manufacturing: int = 0  # landed this year so far
    major_manufacturing_plan: Decimal | None = None  # the plan to date, None without one
    major_industry: int = 0
    major_industry_plan: Decimal | None = None

    @property
    def in_pipeline(self) -> int:
        """Projects in the 库 at the month's end: every stage but 不同意 and 终止."""
        return sum(n for stage, n in self.stages.items() if Stage(stage) not in ENDED_STAGES)


@dataclass(frozen=True)
class MonthlyBulletin:
    year: int
    month: int
    units: tuple[UnitMonth, ...]
    county: UnitMonth

    @property
    def period(self) -> str:
        return month_period(self.year, self.month)


def monthly_bulletin(
    year: int,
    month: int,
    units: Iterable[str],
    projects: Iterable[ProjectFacts],
    marks: Iterable[OverdueMark],
    plans: Mapping[str, Mapping[str, Decimal]],
    rules: ScoringRules,
) -> MonthlyBulletin:
    """The 通报 of `month` for the landing `units` (in the order given); `projects` are all projects with
    their stage at the month's end, `plans` the plan to date per unit (domain.targets.Indicator values)."""
    first, last = month_bounds(year, month)
    start_of_year = date(year, 1, 1)
    unit_codes = list(units)
    everything = list(projects)
    overdue = [m for m in marks if m.kind in OVERDUE_MARK_KINDS and first <= m.occurred_on <= last]

    def in_month(day: date | None) -> bool:
        return day is not None and first <= day <= last

    def landed_this_year(fact: ProjectFacts, wanted: ProjectClass | None) -> bool:
        if fact.landed_on is None or not start_of_year <= fact.landed_on <= last:
            return False
        found = fact.project_class(rules)
        return found is ProjectClass.MAJOR_MANUFACTURING if wanted else found is not ProjectClass.NONE

    def row(unit: str, own: list[ProjectFacts], credited: list[ProjectFacts], plan: Mapping[str, Decimal]) -> UnitMonth:
        stages: dict[str, int] = {}
        for fact in own:
            if fact.stage_at_end is not None:
                stages[fact.stage_at_end.value] = stages.get(fact.stage_at_end.value, 0) + 1
        return UnitMonth(
            unit=unit,
            stages={s.value: stages[s.value] for s in Stage if s.value in stages},
            new=sum(1 for f in own if in_month(f.created_on)),
            signed=sum(1 for f in own if in_month(f.signed_on)),
            landed=sum(1 for f in own if in_month(f.landed_on)),
            started=sum(1 for f in own if in_month(f.started_on)),
            overdue_updates=sum(1 for m in overdue if m.unit == unit or (unit == COUNTY and m.unit in unit_codes)),
            major_manufacturing=sum(1 for f in credited if landed_this_year(f, ProjectClass.MAJOR_MANUFACTURING)),
            major_manufacturing_plan=plan.get(Indicator.MAJOR_MANUFACTURING.value),
            major_industry=sum(1 for f in credited if landed_this_year(f, None)),
            major_industry_plan=plan.get(Indicator.MAJOR_INDUSTRY.value),
        )

    rows = tuple(
        row(
            unit,
            [f for f in everything if f.landing_unit == unit],
            [f for f in everything if unit in f.credited_units()],
            plans.get(unit, {}),
        )
        for unit in unit_codes
    )
    county_plan = _summed_plans(plans, unit_codes)
    # The county counts each project once, whichever units share its credit.
    county = row(COUNTY, [f for f in everything if f.landing_unit in unit_codes], everything, county_plan)
    return MonthlyBulletin(year, month, rows, county)


def _summed_plans(plans: Mapping[str, Mapping[str, Decimal]], units: list[str]) -> dict[str, Decimal]:
    """The county's plan: the landing units' plans added up, per indicator any of them has."""
    total: dict[str, Decimal] = {}
    for unit in units:
        for indicator, value in plans.get(unit, {}).items():
            total[indicator] = total.get(indicator, _ZERO) + value
    return total


# ---- the quarterly 赛拼 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContestEntry:
    """A unit's place in the 赛拼: its 加分, its 扣分 (negative) and the lines behind them."""

    unit: str
    rank: int
    added: Decimal
    deducted: Decimal
    lines: tuple[ScoreLine, ...] = ()

    @property
    def total(self) -> Decimal:
        return self.added + self.deducted


@dataclass(frozen=True)
class QuarterlyContest:
    year: int
    quarter: int
    entries: tuple[ContestEntry, ...]
    project_names: Mapping[str, str] = field(default_factory=dict)  # project id (as in ScoreLine) → name

    @property
    def period(self) -> str:
        return quarter_period(self.year, self.quarter)


def target_met(
    unit: str, credited: Iterable[ProjectFacts], plan: Mapping[str, Decimal], year: int, last: date, rules: ScoringRules
) -> bool | None:
    """Whether the unit landed, from January to `last`, at least its plan to date of 7亿元以上制造业 and of
    3亿元以上产业项目; None when it has no plan for either (no target, no 扣分)."""
    wanted = {
        indicator: plan[indicator.value]
        for indicator in (Indicator.MAJOR_MANUFACTURING, Indicator.MAJOR_INDUSTRY)
        if plan.get(indicator.value)
    }
    if not wanted:
        return None
    landed = [f for f in credited if f.landed_on is not None and date(year, 1, 1) <= f.landed_on <= last]
    classes = [f.project_class(rules) for f in landed]
    done = {
        Indicator.MAJOR_MANUFACTURING: sum(1 for c in classes if c is ProjectClass.MAJOR_MANUFACTURING),
        Indicator.MAJOR_INDUSTRY: sum(1 for c in classes if c is not ProjectClass.NONE),
    }
    return all(done[indicator] >= amount for indicator, amount in wanted.items())


def quarterly_contest(
    year: int,
    quarter: int,
    units: Iterable[str],
    projects: Iterable[ProjectFacts],
    plans: Mapping[str, Mapping[str, Decimal]],
    rules: ScoringRules,
) -> QuarterlyContest:
    """The 赛拼 of the quarter: each landing unit's 加分 for the 7亿/3亿 projects landed in it (as 招引单位
    or 落地单位) and 扣分 for missing its plan to the quarter's end; ranked by total, equal totals sharing a
    rank (1, 1, 3), in the units' given order among equals."""
    months = quarter_months(quarter)
    first, last = month_bounds(year, months[0])[0], month_bounds(year, months[2])[1]
    everything = list(projects)
    landed = [f for f in everything if f.landed_on is not None and first <= f.landed_on <= last]
    scored: list[tuple[str, tuple[ScoreLine, ...]]] = []
    for unit in units:
        credited = [f for f in everything if unit in f.credited_units()]
        met = target_met(unit, credited, plans.get(unit, {}), year, last, rules)
        sheet = quarter_score(UnitQuarter(unit, tuple(f.as_landed() for f in landed), met), rules)
        scored.append((unit, sheet.lines))
    order = sorted(range(len(scored)), key=lambda i: (-_total(scored[i][1]), i))
    entries: list[ContestEntry] = []
    for position, index in enumerate(order, start=1):
        unit, lines = scored[index]
        tied = entries and entries[-1].total == _total(lines)
        entries.append(
            ContestEntry(
                unit=unit,
                rank=entries[-1].rank if tied else position,
                added=sum((line.points for line in lines if line.points > 0), _ZERO),
                deducted=sum((line.points for line in lines if line.points < 0), _ZERO),
                lines=lines,
            )
        )
    names = {str(f.project_id): f.name for f in landed}
    return QuarterlyContest(year, quarter, tuple(entries), names)


def _total(lines: Iterable[ScoreLine]) -> Decimal:
    return sum((line.points for line in lines), _ZERO)


# ---- as JSON, to store and to carry in outbox rows --------------------------------------------------------


def monthly_to_json(bulletin: MonthlyBulletin) -> dict[str, Any]:
    return {
        "year": bulletin.year,
        "month": bulletin.month,
        "units": [_unit_month_json(row) for row in bulletin.units],
        "county": _unit_month_json(bulletin.county),
    }


def monthly_from_json(data: Mapping[str, Any]) -> MonthlyBulletin:
    return MonthlyBulletin(
        int(data["year"]),
        int(data["month"]),
        tuple(_unit_month(row) for row in data["units"]),
        _unit_month(data["county"]),
    )


def _unit_month_json(row: UnitMonth) -> dict[str, Any]:
    return {
        "unit": row.unit,
        "stages": dict(row.stages),
        **{key: getattr(row, key) for key in ("new", "signed", "landed", "started", "overdue_updates")},
        "major_manufacturing": row.major_manufacturing,
        "major_manufacturing_plan": _decimal_text(row.major_manufacturing_plan),
        "major_industry": row.major_industry,
        "major_industry_plan": _decimal_text(row.major_industry_plan),
    }


def _unit_month(data: Mapping[str, Any]) -> UnitMonth:
    return UnitMonth(
        unit=str(data["unit"]),
        stages={str(k): int(v) for k, v in data["stages"].items()},
        **{key: int(data[key]) for key in ("new", "signed", "landed", "started", "overdue_updates")},
        major_manufacturing=int(data["major_manufacturing"]),
        major_manufacturing_plan=_decimal(data["major_manufacturing_plan"]),
        major_industry=int(data["major_industry"]),
        major_industry_plan=_decimal(data["major_industry_plan"]),
    )


def contest_to_json(contest: QuarterlyContest) -> dict[str, Any]:
    return {
        "year": contest.year,
        "quarter": contest.quarter,
        "entries": [
            {
                "unit": e.unit,
                "rank": e.rank,
                "added": str(e.added),
                "deducted": str(e.deducted),
                "lines": [
                    {"reason": line.reason.value, "points": str(line.points), "project_id": line.project_id}
                    for line in e.lines
                ],
            }
            for e in contest.entries
        ],
        "project_names": dict(contest.project_names),
    }


def contest_from_json(data: Mapping[str, Any]) -> QuarterlyContest:
    entries = tuple(
        ContestEntry(
            unit=str(e["unit"]),
            rank=int(e["rank"]),
            added=Decimal(e["added"]),
            deducted=Decimal(e["deducted"]),
            lines=tuple(
                ScoreLine(ScoreReason(line["reason"]), Decimal(line["points"]), line["project_id"])
                for line in e["lines"]
            ),
        )
        for e in data["entries"]
    )
    names = {str(k): str(v) for k, v in data.get("project_names", {}).items()}
    return QuarterlyContest(int(data["year"]), int(data["quarter"]), entries, names)


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
