"""The annual assessment of a unit: quarterly points, 扣分, and 一票评优 / 一票否优 (四(二))."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.assessment import MarkFact, assess_unit, landings
from domain.scoring import ScoreReason, ScoringRules, VerdictOutcome, VerdictReason
from domain.targets import AnnualTarget, Indicator, monthly_plan
from tests.domain.test_targets import RATE, project

RULES = ScoringRules()
MM = Indicator.MAJOR_MANUFACTURING
YEAR_END = date(2026, 12, 31)


def plans_for(amount: int, starts: int = 1) -> dict[Indicator, dict[int, Decimal]]:
    return {MM: monthly_plan(AnnualTarget("jianshan", MM, 2026, Decimal(amount), starts), {})}


def test_exceeding_the_7_yi_target_is_yi_piao_ping_you_and_both_units_score_the_points() -> None:
    factories = [
        project(1, "800000000", delisted=date(2026, 2, 1)),
        project(2, "750000000", delisted=date(2026, 8, 1)),
    ]
    landed = landings(factories, 2026, YEAR_END, RATE)
    jianshan = assess_unit("jianshan", 2026, landed, plans_for(1), {MM: Decimal(1)}, [], RULES, YEAR_END)
    assert jianshan.verdict.outcome is VerdictOutcome.EXCELLENT
    assert jianshan.verdict.reason is VerdictReason.EXCEEDED_TARGET
    assert (jianshan.major_manufacturing_landed, jianshan.major_manufacturing_target) == (2, 1)
    assert [sheet.total for sheet in jianshan.quarters] == [5, 0, 5, 0]
    # 玉山镇 attracted both and has no target: 一票评优 for an untargeted landing, the same points.
    yushan = assess_unit("yushan", 2026, landed, {}, {}, [], RULES, YEAR_END)
    assert yushan.verdict.reason is VerdictReason.UNTARGETED_LANDING
    assert yushan.points == jianshan.points == 10


def test_meeting_the_target_exactly_is_no_ping_you() -> None:
    landed = landings([project(1, "800000000", delisted=date(2026, 2, 1))], 2026, YEAR_END, RATE)
    result = assess_unit("jianshan", 2026, landed, plans_for(1), {MM: Decimal(1)}, [], RULES, YEAR_END)
    assert result.verdict.outcome is VerdictOutcome.NEITHER


def test_a_criticism_beats_ping_you_and_keeps_the_reason_it_overrode() -> None:
    landed = landings([project(1, "800000000", delisted=date(2026, 2, 1))], 2026, YEAR_END, RATE)
    marks = [MarkFact("criticism", Decimal(0), "交办单第3项逾期未办结")]
    result = assess_unit("yushan", 2026, landed, {}, {}, marks, RULES, YEAR_END)
    assert result.verdict.outcome is VerdictOutcome.VETOED
    assert result.verdict.reason is VerdictReason.CRITICIZED
    assert result.verdict.overridden is VerdictReason.UNTARGETED_LANDING
    assert result.criticisms == ("交办单第3项逾期未办结",)


def test_late_and_missing_updates_are_deducted_as_recorded() -> None:
    marks = [
        MarkFact("late_update", Decimal("-0.5")),
        MarkFact("late_update", Decimal("-0.5")),
        MarkFact("missing_update", Decimal("-1")),
        MarkFact("something_else", Decimal("-9")),
    ]
    result = assess_unit("jianshan", 2026, [], {}, {}, marks, RULES, YEAR_END)
    lines = {(line.reason, line.points, line.count) for line in result.deductions.lines}
    assert lines == {(ScoreReason.LATE_UPDATES, Decimal(-1), 2), (ScoreReason.MISSING_UPDATES, Decimal(-1), 1)}
    assert result.total == -2


def test_a_quarter_behind_plan_loses_points_once_it_has_ended_not_before() -> None:
    plans = plans_for(4)  # due in March, June, September and December
    during = assess_unit("jianshan", 2026, [], plans, {MM: Decimal(4)}, [], RULES, date(2026, 3, 31))
    assert during.targets_met == (None, None, None, None) and during.points == 0
    after = assess_unit("jianshan", 2026, [], plans, {MM: Decimal(4)}, [], RULES, date(2026, 4, 1))
    assert after.targets_met == (False, None, None, None)
    assert after.points == -RULES.missed_target_deduction


def test_a_quarter_on_plan_keeps_its_points() -> None:
    landed = landings([project(1, "700000000", delisted=date(2026, 3, 3))], 2026, YEAR_END, RATE)
    result = assess_unit("jianshan", 2026, landed, plans_for(4), {MM: Decimal(4)}, [], RULES, date(2026, 7, 1))
    assert result.targets_met == (True, False, None, None)
    assert result.points == RULES.major_manufacturing_points - RULES.missed_target_deduction


def test_landings_of_another_year_or_still_to_come_are_not_counted() -> None:
    projects = [
        project(1, "800000000", delisted=date(2025, 12, 30)),
        project(2, "800000000", delisted=date(2026, 12, 1)),
    ]
    assert landings(projects, 2026, date(2026, 11, 30), RATE) == []
