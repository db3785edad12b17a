"""Scores of the quarterly 比拼 (一(四)), late-update 扣分 (四(一)) and annual 一票评优/否优 (四(二)).

Point values are not in the policy: they live in zhikong/data/scoring.toml, with defaults written once in
`ScoringRules`. Everything is exact `Decimal`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from typing import Any

from domain.errors import DomainError

_ZERO = Decimal(0)
_ONE = Decimal(1)


class ScoringConfigError(DomainError):
    """The scoring configuration is malformed; no rules were built."""

    code = "scoring_config"


@dataclass(frozen=True)
class ScoringRules:
    """Point values and switches; the defaults here are the documented ones of scoring.toml."""

    major_manufacturing_cny: Decimal = Decimal(700_000_000)
    major_industry_cny: Decimal = Decimal(300_000_000)
    thresholds_inclusive: bool = True
    major_manufacturing_points: Decimal = Decimal(5)
    major_industry_points: Decimal = Decimal(2)
    missed_target_deduction: Decimal = Decimal(3)
    attracting_unit_share: Decimal = _ONE
    landing_unit_share: Decimal = _ONE
    late_update_deduction: Decimal = Decimal("0.5")
    missing_update_deduction: Decimal = _ONE
    excellent_for_exceeding_target: bool = True
    excellent_for_untargeted_landing: bool = True
    veto_for_criticism: bool = True

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            expected_type = type(spec.default)
            if type(value) is not expected_type:
                raise ScoringConfigError(
                    f"Scoring rule {spec.name!r} must be a {expected_type.__name__}, got {value!r}.",
                    key=spec.name,
                    value=repr(value),
                    expected=_EXPECTED[expected_type],
                )
            if isinstance(value, Decimal):
                _check_range(spec.name, value)


_EXPECTED: dict[type, str] = {bool: "true or false", Decimal: "a number such as 5 or 0.5"}
_RULE_FIELDS = {spec.name: spec for spec in fields(ScoringRules)}
_THRESHOLDS = frozenset({"major_manufacturing_cny", "major_industry_cny"})
_SHARES = frozenset({"attracting_unit_share", "landing_unit_share"})


def _check_range(key: str, value: Decimal) -> None:
    if not value.is_finite():
        bad, expected = True, "a finite number"
    elif key in _THRESHOLDS:
        bad, expected = value <= 0, "a positive amount in 元"
    elif key in _SHARES:
        bad, expected = not _ZERO <= value <= _ONE, "a share from 0 to 1"
    else:
        bad, expected = value < 0, "a non-negative number of points (扣分 are written as magnitudes)"
    if bad:
        raise ScoringConfigError(
            f"Scoring rule {key!r} is {value}; expected {expected}.", key=key, value=str(value), expected=expected
        )


def load_scoring_rules(data: Mapping[str, Any]) -> ScoringRules:
    """Rules from a mapping such as a parsed scoring.toml; missing keys keep their defaults."""
    values: dict[str, Any] = {}
    for key, value in data.items():
        spec = _RULE_FIELDS.get(key)
        if spec is None:
            known = ", ".join(sorted(_RULE_FIELDS))
            raise ScoringConfigError(
                f"Unknown scoring rule {key!r}; expected one of {known}.", key=key, value=repr(value), expected=known
            )
        values[key] = _coerce(key, value, type(spec.default))
    return ScoringRules(**values)


def _coerce(key: str, value: Any, expected_type: type) -> Any:
    """`value` as `expected_type`; integers become Decimal, but floats are refused as inexact."""
    if expected_type is Decimal and type(value) is int:
        return Decimal(value)
    if type(value) is float:
        raise ScoringConfigError(
            f"Scoring rule {key!r} is the float {value!r}; parse the TOML with parse_float=Decimal so it stays exact.",
            key=key,
            value=repr(value),
            expected=_EXPECTED[expected_type],
        )
    return value  # ScoringRules rejects any other wrong type, naming the key


def load_default_scoring_rules() -> ScoringRules:
    """Rules from the packaged zhikong/data/scoring.toml."""
    return parse_scoring_rules(resources.files("zhikong.data").joinpath("scoring.toml").read_text(encoding="utf-8"))


def parse_scoring_rules(text: str) -> ScoringRules:
    """Rules from the text of a scoring.toml."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ScoringConfigError(
            f"scoring.toml is not valid TOML: {exc}", key=None, value=str(exc), expected="valid TOML"
        ) from exc
    return load_scoring_rules(data)


# --- Projects -------------------------------------------------------------------------------------------


class ProjectClass(StrEnum):
    MAJOR_MANUFACTURING = "major_manufacturing"  # 7亿元以上制造业项目
    MAJOR_INDUSTRY = "major_industry"  # 3亿元以上重大产业项目
    NONE = "none"


@dataclass(frozen=True)
class LandedProject:
    """A project that landed in the period, with its total investment already in 元."""

    project_id: str
    total_investment_cny: Decimal
    is_manufacturing: bool
    attracting_unit: str
    landing_unit: str


def _reaches(amount: Decimal, threshold: Decimal, rules: ScoringRules) -> bool:
    return amount >= threshold if rules.thresholds_inclusive else amount > threshold


def _classes(total_investment_cny: Decimal, is_manufacturing: bool, rules: ScoringRules) -> list[ProjectClass]:
    """Every class the project qualifies for, highest first."""
    classes = []
    if is_manufacturing and _reaches(total_investment_cny, rules.major_manufacturing_cny, rules):
        classes.append(ProjectClass.MAJOR_MANUFACTURING)
    # "重大产业项目" is read broadly: any industry (文旅, 康养 ...), not only manufacturing, counts.
    if _reaches(total_investment_cny, rules.major_industry_cny, rules):
        classes.append(ProjectClass.MAJOR_INDUSTRY)
    return classes


def _class_points(project_class: ProjectClass, rules: ScoringRules) -> Decimal:
    if project_class is ProjectClass.MAJOR_MANUFACTURING:
        return rules.major_manufacturing_points
    if project_class is ProjectClass.MAJOR_INDUSTRY:
        return rules.major_industry_points
    return _ZERO


def classify_project(total_investment_cny: Decimal, is_manufacturing: bool, rules: ScoringRules) -> ProjectClass:
    """The highest class a project reaches: 7亿+ manufacturing, else 3亿+ major industry, else none."""
    classes = _classes(total_investment_cny, is_manufacturing, rules)
    return classes[0] if classes else ProjectClass.NONE


def _scoring_class(project: LandedProject, rules: ScoringRules) -> ProjectClass:
    """The class that scores: of those the project qualifies for, the one worth the most points."""
    classes = _classes(project.total_investment_cny, project.is_manufacturing, rules)
    return max(classes, key=lambda c: _class_points(c, rules), default=ProjectClass.NONE)


def project_points(project: LandedProject, rules: ScoringRules) -> dict[str, Decimal]:
    """Points per credited unit: 招引单位 and 落地单位 each at their share, a unit that is both only once."""
    points = _class_points(_scoring_class(project, rules), rules)
    if not points:
        return {}
    credits: dict[str, Decimal] = {}
    for unit, share in (
        (project.attracting_unit, rules.attracting_unit_share),
        (project.landing_unit, rules.landing_unit_share),
    ):
        credits[unit] = max(credits.get(unit, _ZERO), points * share)
    return credits


# --- Score sheets -------------------------------------------------------------------------------------------


class ScoreReason(StrEnum):
    MAJOR_MANUFACTURING_LANDED = "major_manufacturing_landed"
    MAJOR_INDUSTRY_LANDED = "major_industry_landed"
    MISSED_QUARTERLY_TARGET = "missed_quarterly_target"
    LATE_UPDATES = "late_updates"
    MISSING_UPDATES = "missing_updates"


_REASON_OF_CLASS = {
    ProjectClass.MAJOR_MANUFACTURING: ScoreReason.MAJOR_MANUFACTURING_LANDED,
    ProjectClass.MAJOR_INDUSTRY: ScoreReason.MAJOR_INDUSTRY_LANDED,
}
_REASON_ORDER = {reason: index for index, reason in enumerate(ScoreReason)}


@dataclass(frozen=True)
class ScoreLine:
    """One 加分 (positive) or 扣分 (negative) with its reason, and the project or count behind it."""

    reason: ScoreReason
    points: Decimal
    project_id: str | None = None
    count: int = 1


@dataclass(frozen=True)
class ScoreSheet:
    """Score lines in a fixed order (reason, then project) and their total."""

    lines: tuple[ScoreLine, ...] = ()

    @property
    def total(self) -> Decimal:
        return sum((line.points for line in self.lines), _ZERO)

    def __add__(self, other: ScoreSheet) -> ScoreSheet:
        return _sheet([*self.lines, *other.lines])


def _line_order(line: ScoreLine) -> tuple[int, str, Decimal, int]:
    return _REASON_ORDER[line.reason], line.project_id or "", line.points, line.count


def _sheet(lines: Iterable[ScoreLine]) -> ScoreSheet:
    return ScoreSheet(tuple(sorted(lines, key=_line_order)))


@dataclass(frozen=True)
class UnitQuarter:
    """What a unit did in one quarter: the projects that landed (any unit's) and whether it met its target."""

    unit: str
    landed: tuple[LandedProject, ...] = ()
    target_met: bool | None = None  # None: the unit had no quarterly target


def quarter_score(facts: UnitQuarter, rules: ScoringRules) -> ScoreSheet:
    """The unit's 比拼 加扣分 for the quarter; projects it neither attracted nor landed are ignored."""
    seen: set[str] = set()
    lines = []
    for project in facts.landed:
        if project.project_id in seen:
            raise ValueError(f"Project {project.project_id!r} is listed twice among the landed projects.")
        seen.add(project.project_id)
        credit = project_points(project, rules).get(facts.unit)
        if credit:
            reason = _REASON_OF_CLASS[_scoring_class(project, rules)]
            lines.append(ScoreLine(reason, credit, project.project_id))
    if facts.target_met is False and rules.missed_target_deduction:
        lines.append(ScoreLine(ScoreReason.MISSED_QUARTERLY_TARGET, -rules.missed_target_deduction))
    return _sheet(lines)


def late_update_deduction(late: int, missing: int, rules: ScoringRules) -> ScoreSheet:
    """The annual-assessment 扣分 lines for monthly updates submitted late and never submitted (total <= 0)."""
    if late < 0 or missing < 0:
        raise ValueError(f"Update counts must be non-negative, got late={late}, missing={missing}.")
    lines = [
        ScoreLine(reason, -per_update * count, count=count)
        for reason, count, per_update in (
            (ScoreReason.LATE_UPDATES, late, rules.late_update_deduction),
            (ScoreReason.MISSING_UPDATES, missing, rules.missing_update_deduction),
        )
        if count and per_update
    ]
    return _sheet(lines)


# --- Annual verdict -------------------------------------------------------------------------------------


class VerdictOutcome(StrEnum):
    EXCELLENT = "excellent"  # 一票评优
    VETOED = "vetoed"  # 一票否优 (or another 一票否决): no 优秀 this year
    NEITHER = "neither"


class VerdictReason(StrEnum):
    EXCEEDED_TARGET = "exceeded_target"
    UNTARGETED_LANDING = "untargeted_landing"
    CRITICIZED = "criticized"
    OTHER_VETO = "other_veto"


@dataclass(frozen=True)
class AnnualVerdict:
    """The outcome, why, and the 评优 reason a veto overrode, if any."""

    outcome: VerdictOutcome
    reason: VerdictReason | None = None
    overridden: VerdictReason | None = None


@dataclass(frozen=True)
class UnitYear:
    """What decides a unit's annual verdict; the projects are the year's landed ones, any unit's."""

    unit: str
    landed: tuple[LandedProject, ...] = ()
    # Annual target of 7亿元以上制造业项目; None or 0 means the unit has no such 招引任务.
    major_manufacturing_target: int | None = None
    # 通报批评 for not finishing in time a task from 领导小组 or its office.
    criticized: bool = False
    # Any other 一票否决 matter from outside this policy.
    other_veto: bool = False


def annual_verdict(facts: UnitYear, rules: ScoringRules) -> AnnualVerdict:
    """一票评优, 一票否优, or neither; a veto always beats 评优 ("有其他一票否决事项除外")."""
    project_ids = {project.project_id for project in facts.landed}
    if len(project_ids) != len(facts.landed):
        raise ValueError(f"Some project is listed twice among the landed projects of {facts.unit!r}.")
    # Counted on both sides, as 三(一) gives 招引单位 and 落地单位 equal credit.
    count = sum(
        1
        for project in facts.landed
        if facts.unit in (project.attracting_unit, project.landing_unit)
        and classify_project(project.total_investment_cny, project.is_manufacturing, rules)
        is ProjectClass.MAJOR_MANUFACTURING
    )
    target = facts.major_manufacturing_target or 0
    excellent: VerdictReason | None = None
    if target > 0 and count > target and rules.excellent_for_exceeding_target:
        excellent = VerdictReason.EXCEEDED_TARGET
    elif target <= 0 and count > 0 and rules.excellent_for_untargeted_landing:
        excellent = VerdictReason.UNTARGETED_LANDING
    veto: VerdictReason | None = None
    if facts.criticized and rules.veto_for_criticism:
        veto = VerdictReason.CRITICIZED
    elif facts.other_veto:
        veto = VerdictReason.OTHER_VETO
    if veto is not None:
        return AnnualVerdict(VerdictOutcome.VETOED, veto, overridden=excellent)
    if excellent is not None:
        return AnnualVerdict(VerdictOutcome.EXCELLENT, excellent)
    return AnnualVerdict(VerdictOutcome.NEITHER)
