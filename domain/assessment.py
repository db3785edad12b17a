"""The annual assessment of a unit's 招商引资 work (一(四), 四(一), 四(二), 四(三)).

It adds up what domain.scoring already decides, and nothing of its own: the quarterly 比拼 加扣分
(`quarter_score`, with a quarter's target judged against the reverse-scheduled monthly plan once the quarter has
ended), the 扣分 recorded as assessment marks for late and missing monthly updates, and the verdict
(`annual_verdict`): 一票评优 for exceeding the annual 7亿元以上制造业 target or for landing one without a target,
一票否优 for a 通报批评, which always wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.project import Project
from domain.scoring import (
    AnnualVerdict,
    LandedProject,
    ScoreLine,
    ScoreReason,
    ScoreSheet,
    ScoringRules,
    UnitQuarter,
    UnitYear,
    annual_verdict,
    quarter_score,
)
from domain.targets import Indicator, credited_units, indicators_for, landed_on, plan_through, total_investment_cny

_ZERO = Decimal(0)
QUARTERS = (1, 2, 3, 4)
# The project-count targets a quarter is judged on (scoring.toml: missed_target_deduction).
QUARTER_INDICATORS = (Indicator.MAJOR_MANUFACTURING, Indicator.MAJOR_INDUSTRY)

# Kinds of storage.supervision's assessment marks this view counts.
LATE_UPDATE = "late_update"
MISSING_UPDATE = "missing_update"
CRITICISM = "criticism"
_DEDUCTION_REASONS = {LATE_UPDATE: ScoreReason.LATE_UPDATES, MISSING_UPDATE: ScoreReason.MISSING_UPDATES}


@dataclass(frozen=True)
class MarkFact:
    """An assessment mark as this view needs it: its kind, its signed points, and what it was for."""

    kind: str
    points: Decimal
    note: str = ""


@dataclass(frozen=True)
class Landing:
    """A project that landed, on the day it did."""

    project: LandedProject
    on: date


def landings(projects: Iterable[Project], year: int, today: date, usd_rate: Decimal) -> list[Landing]:
    """The projects that landed in `year` up to `today` whose total investment is known (美元 at `usd_rate`)."""
    found = []
    for project in projects:
        day = landed_on(project)
        total = total_investment_cny(project, usd_rate)
        if day is None or day.year != year or day > today or total is None:
            continue
        attracting = credited_units(project)[-1]
        landed = LandedProject(
            str(project.id), total, bool(project.form.is_manufacturing), attracting, project.landing_unit
        )
        found.append(Landing(landed, day))
    return found


def quarter_end_month(quarter: int) -> int:
    return quarter * 3


def quarter_ended(year: int, quarter: int, today: date) -> bool:
    return (today.year, today.month) > (year, quarter_end_month(quarter))


def _credited(landing: Landing, unit: str) -> bool:
    return unit in (landing.project.attracting_unit, landing.project.landing_unit)


def count_through(landed: Sequence[Landing], unit: str, indicator: Indicator, month: int, rules: ScoringRules) -> int:
    """How many of the landed projects credited to `unit` count for `indicator` from January through `month`."""
    return sum(
        1
        for landing in landed
        if landing.on.month <= month
        and _credited(landing, unit)
        and indicator in indicators_for(landing.project.total_investment_cny, landing.project.is_manufacturing, rules)
    )


def quarter_target_met(
    unit: str,
    year: int,
    quarter: int,
    landed: Sequence[Landing],
    plans: Mapping[Indicator, Mapping[int, Decimal]],
    rules: ScoringRules,
    today: date,
) -> bool | None:
    """Whether the unit landed, by the end of the quarter, at least its cumulative plan of 7亿 and 3亿 projects;
    None while the quarter runs or when it has neither target."""
    judged = [indicator for indicator in QUARTER_INDICATORS if indicator in plans]
    if not judged or not quarter_ended(year, quarter, today):
        return None
    end = quarter_end_month(quarter)
    return all(count_through(landed, unit, i, end, rules) >= plan_through(plans[i], end) for i in judged)


@dataclass(frozen=True)
class UnitAssessment:
    unit: str
    quarters: tuple[ScoreSheet, ...]  # Q1..Q4
    targets_met: tuple[bool | None, ...]  # Q1..Q4
    deductions: ScoreSheet
    criticisms: tuple[str, ...]
    verdict: AnnualVerdict
    major_manufacturing_target: int | None
    major_manufacturing_landed: int

    @property
    def points(self) -> Decimal:
        """The quarterly 比拼 加扣分 of the year."""
        return sum((sheet.total for sheet in self.quarters), _ZERO)

    @property
    def total(self) -> Decimal:
        return self.points + self.deductions.total


def deductions_from(marks: Iterable[MarkFact]) -> ScoreSheet:
    """The late- and missing-update 扣分 as recorded, one line per kind with how many updates it covers."""
    counts: dict[str, int] = {}
    points: dict[str, Decimal] = {}
    for mark in marks:
        if mark.kind in _DEDUCTION_REASONS:
            counts[mark.kind] = counts.get(mark.kind, 0) + 1
            points[mark.kind] = points.get(mark.kind, _ZERO) + mark.points
    lines = [
        ScoreLine(_DEDUCTION_REASONS[kind], points[kind], count=counts[kind])
        for kind in _DEDUCTION_REASONS
        if kind in counts
    ]
    return ScoreSheet() + ScoreSheet(tuple(lines))


def assess_unit(
    unit: str,
    year: int,
    landed: Sequence[Landing],
    plans: Mapping[Indicator, Mapping[int, Decimal]],
    targets: Mapping[Indicator, Decimal],
    marks: Iterable[MarkFact],
    rules: ScoringRules,
    today: date,
) -> UnitAssessment:
    """One unit's year: `landed` is every unit's landings of the year, `plans` and `targets` this unit's own."""
    marks = list(marks)
    sheets, met = [], []
    for quarter in QUARTERS:
        months = range(quarter_end_month(quarter) - 2, quarter_end_month(quarter) + 1)
        in_quarter = tuple(landing.project for landing in landed if landing.on.month in months)
        target_met = quarter_target_met(unit, year, quarter, landed, plans, rules, today)
        sheets.append(quarter_score(UnitQuarter(unit, in_quarter, target_met), rules))
        met.append(target_met)
    target = targets.get(Indicator.MAJOR_MANUFACTURING)
    target_count = int(target) if target is not None else None
    criticisms = tuple(mark.note for mark in marks if mark.kind == CRITICISM)
    facts = UnitYear(
        unit,
        tuple(landing.project for landing in landed),
        major_manufacturing_target=target_count,
        criticized=bool(criticisms),
    )
    return UnitAssessment(
        unit=unit,
        quarters=tuple(sheets),
        targets_met=tuple(met),
        deductions=deductions_from(marks),
        criticisms=criticisms,
        verdict=annual_verdict(facts, rules),
        major_manufacturing_target=target_count,
        major_manufacturing_landed=count_through(landed, unit, Indicator.MAJOR_MANUFACTURING, 12, rules),
    )
