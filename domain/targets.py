"""Annual targets per unit and their reverse-scheduled monthly plans (四(三)), and what units achieved against them.

四(三): "各区块、重点乡镇（街道）要根据年度7亿元以上制造业项目及3亿元以上产业项目目标任务，倒排时间，制定月度目标计划".
A target is set for (unit, indicator, year). Its monthly plan spreads the amount over the months from the month
the target was first set to December ("倒排时间": what is left of the year carries the whole year's task); the
office may fix any month's plan by hand, and the months left free share what the fixed ones leave.

How a share is rounded: the cumulative plan through the k-th of n free months is floor(T·k/n) in whole projects
(or in fen for amounts), so the plans sum exactly to T and each project falls due at the END of its equal slice
of the remaining months. We back-load within the slice on purpose: a project counts only once it lands, and a
plan that asked for one in the very first month would show every unit behind from the day its target is set;
nor do we leave everything to December, which would hide a unit falling behind until it is too late.

What counts as achieved (三(一): 招引单位 and 落地单位 get equal credit, each once):
- 7亿元以上制造业 / 3亿元以上产业 / 亿元以上 projects: counted in the month they land (see `landed_on`), for the
  landing unit and the form's 招引单位. A 7亿 manufacturing project is also a 3亿 and an 亿元 project.
- 制造业项目到位资金: the 到位资金 that manufacturing projects reported in their monthly progress updates, credited
  to the landing unit and the 招引单位.
- 利用外资 and 省外内资: the 审批表 holds no such figure (its 总投资 is an investment plan, not capital actually
  used, and it does not say where a domestic investor is from), so the office enters each unit's monthly figure.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.errors import DomainError
from domain.project import Project
from domain.quantities import Currency, Money, to_cny
from domain.scoring import ProjectClass, ScoringRules, classify_project

MONTHS = tuple(range(1, 13))
_ZERO = Decimal(0)
_FEN = Decimal("0.01")
_WHOLE = Decimal(1)
# "招引亿元以上项目" (四(三)): the policy's own figure, 1亿元 of total investment; "以上" is read as scoring.toml
# reads it (thresholds_inclusive).
BILLION_CNY = Decimal(100_000_000)


class Indicator(StrEnum):
    """The indicators of 四(三) a unit is given annual targets for."""

    MAJOR_MANUFACTURING = "major_manufacturing"  # 7亿元以上制造业项目 招引落地 (projects)
    MAJOR_INDUSTRY = "major_industry"  # 3亿元以上产业项目 (projects)
    FOREIGN_CAPITAL = "foreign_capital"  # 利用外资 (美元)
    DOMESTIC_CAPITAL = "domestic_capital"  # 省外内资 (元)
    MANUFACTURING_FUNDS = "manufacturing_funds"  # 制造业项目到位资金 (元)
    BILLION_PROJECTS = "billion_projects"  # 招引亿元以上项目 (projects)

    @property
    def counts_projects(self) -> bool:
        return self in _PROJECT_COUNTS

    @property
    def currency(self) -> Currency | None:
        """The currency an amount indicator is kept in; None for counts of projects."""
        if self.counts_projects:
            return None
        return Currency.USD if self is Indicator.FOREIGN_CAPITAL else Currency.CNY

    @property
    def entered_by_office(self) -> bool:
        """Achieved figures the office types in each month, as no project record holds them."""
        return self in (Indicator.FOREIGN_CAPITAL, Indicator.DOMESTIC_CAPITAL)

    @property
    def quantum(self) -> Decimal:
        """The smallest step of a plan: one project, or one fen."""
        return _WHOLE if self.counts_projects else _FEN


_PROJECT_COUNTS = frozenset({Indicator.MAJOR_MANUFACTURING, Indicator.MAJOR_INDUSTRY, Indicator.BILLION_PROJECTS})

# How people name the indicators, after `_indicator_key` folds them ("7亿元以上制造业项目" → "7亿制造业").
_INDICATOR_WORDS: dict[str, Indicator] = {
    **dict.fromkeys(("7亿制造业", "七亿制造业"), Indicator.MAJOR_MANUFACTURING),
    **dict.fromkeys(("3亿产业", "三亿产业", "3亿重大产业", "三亿重大产业"), Indicator.MAJOR_INDUSTRY),
    **dict.fromkeys(("利用外资", "外资"), Indicator.FOREIGN_CAPITAL),
    **dict.fromkeys(("省外内资", "内资"), Indicator.DOMESTIC_CAPITAL),
    **dict.fromkeys(("制造业到位资金", "到位资金"), Indicator.MANUFACTURING_FUNDS),
    **dict.fromkeys(("亿", "招引亿", "1亿", "一亿"), Indicator.BILLION_PROJECTS),
    **{indicator.value: indicator for indicator in Indicator},
}
_FILLER_WORDS = ("元", "以上", "项目", "招引落地", "落地")


class UnknownIndicator(DomainError):
    code = "unknown_indicator"


class BadTargetValue(DomainError):
    """A plan or target amount that is not a whole number of projects, or not an amount in the right currency."""

    code = "target_value"


class WrongCurrency(DomainError):
    """利用外资 is kept in 美元, the other amounts in 元."""

    code = "target_currency"


class NotTargetUnit(DomainError):
    """Targets are set for 区块 and 乡镇（街道）, the units that land projects."""

    code = "target_unit"


class NotEnteredByOffice(DomainError):
    """Only 利用外资 and 省外内资 are entered by hand; the others are counted from the projects' records."""

    code = "figure_not_entered"


class TargetYearPast(DomainError):
    code = "target_year_past"


class NoTarget(DomainError):
    code = "no_target"


class PlanOverflow(DomainError):
    """Month plans fixed by hand that no longer add up to the annual target."""

    code = "plan_overflow"


class BadMonth(DomainError):
    code = "bad_month"


def _indicator_key(text: str) -> str:
    key = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
    for word in _FILLER_WORDS:
        key = key.replace(word, "")
    return key


def indicator_named(text: str) -> Indicator:
    """The indicator a person typed, e.g. "7亿制造业", "3亿元以上产业项目", "利用外资", "制造业到位资金", "亿元以上"."""
    indicator = _INDICATOR_WORDS.get(_indicator_key(text))
    if indicator is None:
        raise UnknownIndicator(f"{text!r} names no indicator.", text=text)
    return indicator


def check_amount(indicator: Indicator, amount: Decimal) -> Decimal:
    """`amount` as a target or plan of `indicator`: a whole number of projects or an amount to the fen, >= 0."""
    quantum = indicator.quantum
    if not amount.is_finite() or amount < 0 or amount % quantum != 0:
        raise BadTargetValue(f"{amount} is no {indicator.value} amount.", indicator=indicator.value, value=str(amount))
    return amount.quantize(quantum)


def check_currency(indicator: Indicator, money: Money) -> Decimal:
    """The amount of `money` if it is in the indicator's currency (利用外资 in 美元, the others in 元)."""
    if indicator.currency is not money.currency:
        raise WrongCurrency(
            f"{indicator.value} is kept in {indicator.currency}, got {money.currency}.",
            indicator=indicator.value,
            value=f"{money.amount} {money.currency}",
        )
    return check_amount(indicator, money.amount)


def check_month(month: int) -> int:
    if month not in MONTHS:
        raise BadMonth(f"{month} is no month.", month=month)
    return month


# ---- targets and their monthly plans -------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnualTarget:
    unit: str
    indicator: Indicator
    year: int
    amount: Decimal
    starts_month: int  # the plan spreads the target over starts_month..12


def first_planned_month(year: int, today: date) -> int:
    """The month a target set `today` for `year` starts its plan: this month, or January of a coming year."""
    if year < today.year:
        raise TargetYearPast(f"{year} is over; targets are set for this year or a coming one.", year=year)
    return 1 if year > today.year else today.month


def spread(total: Decimal, parts: int, quantum: Decimal) -> list[Decimal]:
    """`total` in `parts` shares of whole quanta summing exactly to it; share k ends at floor(total·k/parts)."""
    if parts <= 0:
        return []
    units = int(total / quantum)
    if units * quantum != total:
        raise ValueError(f"{total} is not a whole number of {quantum}.")
    cumulative = [units * k // parts for k in range(parts + 1)]
    return [(cumulative[k + 1] - cumulative[k]) * quantum for k in range(parts)]


def monthly_plan(target: AnnualTarget, overrides: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """Month → plan: the months fixed by hand keep their plan, the other months from `starts_month` on share
    what is left of the target; PlanOverflow when the fixed months leave a negative or unplaceable rest."""
    fixed = {check_month(month): amount for month, amount in overrides.items()}
    free = [month for month in range(target.starts_month, 13) if month not in fixed]
    rest = target.amount - sum(fixed.values(), _ZERO)
    if rest < 0 or (rest and not free):
        raise PlanOverflow(
            f"Month plans fixed at {sum(fixed.values(), _ZERO)} do not fit the target {target.amount}.",
            indicator=target.indicator.value,
            target=str(target.amount),
            fixed=str(sum(fixed.values(), _ZERO)),
        )
    plan = dict.fromkeys(MONTHS, _ZERO) | fixed
    plan.update(zip(free, spread(rest, len(free), target.indicator.quantum), strict=True))
    return plan


def plan_through(plan: Mapping[int, Decimal], month: int) -> Decimal:
    """The cumulative plan from January through `month`."""
    return sum((amount for m, amount in plan.items() if m <= month), _ZERO)


# ---- what units achieved -------------------------------------------------------------------------------------


def landed_on(project: Project) -> date | None:
    """The day a project landed (落地): for a land project the day its land went to the investor (摘牌), for
    one without land the day its investment agreement was signed (四(二) "签约落地").

    The 通报, the 赛拼 and the assessment all count by this one reading."""
    if project.form.needs_land:
        return project.delisted_on
    return project.agreement_signed_on


def credited_units(project: Project) -> tuple[str, ...]:
    """The units a project counts for: its 落地单位 and its 招引单位, each once (三(一))."""
    attracting = project.form.attracting_unit or project.landing_unit
    return (project.landing_unit,) if attracting == project.landing_unit else (project.landing_unit, attracting)


def _reaches(amount: Decimal, threshold: Decimal, rules: ScoringRules) -> bool:
    return amount >= threshold if rules.thresholds_inclusive else amount > threshold


def indicators_for(total_cny: Decimal, is_manufacturing: bool, rules: ScoringRules) -> tuple[Indicator, ...]:
    """The project-count indicators a landed project of this total investment (元) adds one to."""
    found = []
    if classify_project(total_cny, is_manufacturing, rules) is ProjectClass.MAJOR_MANUFACTURING:
        found.append(Indicator.MAJOR_MANUFACTURING)
    # Tested as a non-manufacturing project so a 7亿 manufacturing one is also counted as a 3亿 产业项目.
    if classify_project(total_cny, False, rules) is ProjectClass.MAJOR_INDUSTRY:
        found.append(Indicator.MAJOR_INDUSTRY)
    if _reaches(total_cny, BILLION_CNY, rules):
        found.append(Indicator.BILLION_PROJECTS)
    return tuple(found)


def total_investment_cny(project: Project, usd_rate: Decimal) -> Decimal | None:
    """The form's 总投资 in 元 (美元 converted at `usd_rate`), None when not given."""
    total = project.form.total_investment
    return None if total is None else to_cny(total, usd_rate)


def project_indicators(project: Project, rules: ScoringRules, usd_rate: Decimal) -> tuple[Indicator, ...]:
    total = total_investment_cny(project, usd_rate)
    return () if total is None else indicators_for(total, bool(project.form.is_manufacturing), rules)


Achieved = dict[str, dict[Indicator, Decimal]]  # unit → indicator → achieved to date


def _add(achieved: Achieved, unit: str, indicator: Indicator, amount: Decimal) -> None:
    per_unit = achieved.setdefault(unit, {})
    per_unit[indicator] = per_unit.get(indicator, _ZERO) + amount


def achieved_to_date(
    projects: Iterable[Project],
    year: int,
    month: int,
    rules: ScoringRules,
    *,
    usd_rate: Decimal,
    funds: Mapping[int, Decimal],
    entered: Mapping[str, Mapping[Indicator, Decimal]],
) -> Achieved:
    """Unit → indicator → achieved in `year` from January through `month`.

    `funds` is 到位资金 per project id over the same months (from the progress updates); `entered` the figures
    the office typed for the indicators no record holds, summed over the same months."""
    achieved: Achieved = {}
    for project in projects:
        units = credited_units(project)
        day = landed_on(project)
        if day is not None and day.year == year and day.month <= month:
            for indicator in project_indicators(project, rules, usd_rate):
                for unit in units:
                    _add(achieved, unit, indicator, _WHOLE)
        reported = funds.get(project.id or 0)
        if reported and project.form.is_manufacturing:
            for unit in units:
                _add(achieved, unit, Indicator.MANUFACTURING_FUNDS, reported)
    for unit, figures in entered.items():
        for indicator, amount in figures.items():
            _add(achieved, unit, indicator, amount)
    return achieved


@dataclass(frozen=True)
class IndicatorProgress:
    """One indicator of one unit in one month: the annual target, the plan and what was achieved."""

    indicator: Indicator
    target: Decimal
    plan: dict[int, Decimal]  # month → plan
    month: int
    achieved: Decimal  # January through `month`

    @property
    def plan_this_month(self) -> Decimal:
        return self.plan[self.month]

    @property
    def plan_to_date(self) -> Decimal:
        return plan_through(self.plan, self.month)

    @property
    def on_track(self) -> bool:
        return self.achieved >= self.plan_to_date

    @property
    def shortfall(self) -> Decimal:
        return max(self.plan_to_date - self.achieved, _ZERO)


def progress_of(
    targets: Iterable[AnnualTarget],
    overrides: Mapping[tuple[Indicator, int], Decimal],
    achieved: Mapping[Indicator, Decimal],
    month: int,
) -> list[IndicatorProgress]:
    """Plan against achievement for each indicator a unit has a target for, in the indicators' order."""
    order = list(Indicator)
    rows = []
    for target in sorted(targets, key=lambda t: order.index(t.indicator)):
        fixed = {m: amount for (indicator, m), amount in overrides.items() if indicator is target.indicator}
        rows.append(
            IndicatorProgress(
                target.indicator,
                target.amount,
                monthly_plan(target, fixed),
                month,
                achieved.get(target.indicator, _ZERO),
            )
        )
    return rows
