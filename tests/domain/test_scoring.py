from __future__ import annotations

import random
import tomllib
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.scoring import (
    AnnualVerdict,
    LandedProject,
    ProjectClass,
    ScoreLine,
    ScoreReason,
    ScoreSheet,
    ScoringConfigError,
    ScoringRules,
    UnitQuarter,
    UnitYear,
    VerdictOutcome,
    VerdictReason,
    annual_verdict,
    classify_project,
    late_update_deduction,
    load_default_scoring_rules,
    load_scoring_rules,
    project_points,
    quarter_score,
)

RULES = ScoringRules()
YI = Decimal(100_000_000)
FEN = Decimal("0.01")


def project(
    pid: str = "p1",
    yi: Decimal | int = 8,
    *,
    manufacturing: bool = True,
    attracting: str = "dept_econ",
    landing: str = "town_jianshan",
) -> LandedProject:
    return LandedProject(pid, Decimal(yi) * YI, manufacturing, attracting, landing)


# --- configuration ------------------------------------------------------------------------------------


def test_the_packaged_file_states_exactly_the_defaults() -> None:
    assert load_default_scoring_rules() == ScoringRules()


def test_the_packaged_file_sets_every_rule_explicitly() -> None:
    text = resources.files("zhikong.data").joinpath("scoring.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text, parse_float=Decimal)
    assert set(data) == set(ScoringRules.__dataclass_fields__)


def test_the_defaults_read_the_policy_thresholds_inclusively_with_equal_credit() -> None:
    assert RULES.major_manufacturing_cny == Decimal(700_000_000)
    assert RULES.major_industry_cny == Decimal(300_000_000)
    assert RULES.thresholds_inclusive is True
    assert RULES.attracting_unit_share == RULES.landing_unit_share == Decimal(1)


def test_missing_keys_take_the_defaults() -> None:
    rules = load_scoring_rules({"major_manufacturing_points": 8})
    assert rules.major_manufacturing_points == Decimal(8)
    assert rules.major_industry_points == RULES.major_industry_points


def test_integers_become_decimals_and_decimals_stay_exact() -> None:
    rules = load_scoring_rules({"late_update_deduction": Decimal("0.25"), "missed_target_deduction": 4})
    assert rules.late_update_deduction == Decimal("0.25")
    assert type(rules.missed_target_deduction) is Decimal


def test_an_unknown_key_is_named_in_the_error() -> None:
    with pytest.raises(ScoringConfigError, match="major_manufacturing_point'") as info:
        load_scoring_rules({"major_manufacturing_point": 5})
    assert info.value.code == "scoring_config"
    assert info.value.params["key"] == "major_manufacturing_point"
    assert isinstance(info.value, DomainError)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("thresholds_inclusive", "yes"),
        ("thresholds_inclusive", 1),
        ("major_industry_points", "2"),
        ("major_industry_points", True),
        ("veto_for_criticism", Decimal(1)),
    ],
)
def test_a_value_of_the_wrong_type_is_named_in_the_error(key: str, value: Any) -> None:
    with pytest.raises(ScoringConfigError, match=key) as info:
        load_scoring_rules({key: value})
    assert info.value.params["key"] == key


def test_a_float_is_refused_as_inexact() -> None:
    with pytest.raises(ScoringConfigError, match="parse_float=Decimal") as info:
        load_scoring_rules(tomllib.loads("late_update_deduction = 0.5"))
    assert info.value.params["key"] == "late_update_deduction"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("major_manufacturing_cny", 0),
        ("major_industry_cny", -1),
        ("major_industry_points", -2),
        ("missed_target_deduction", Decimal(-3)),
        ("landing_unit_share", Decimal("1.5")),
        ("attracting_unit_share", Decimal(-1)),
        ("late_update_deduction", Decimal("NaN")),
    ],
)
def test_a_value_out_of_range_is_named_in_the_error(key: str, value: Any) -> None:
    with pytest.raises(ScoringConfigError, match=key) as info:
        load_scoring_rules({key: value})
    assert info.value.params["key"] == key


def test_rules_built_directly_are_checked_too() -> None:
    with pytest.raises(ScoringConfigError, match="landing_unit_share"):
        ScoringRules(landing_unit_share=Decimal(2))


# --- classification -----------------------------------------------------------------------------------


def test_exactly_seven_yi_of_manufacturing_is_a_major_manufacturing_project() -> None:
    assert classify_project(7 * YI, True, RULES) is ProjectClass.MAJOR_MANUFACTURING


def test_a_fen_under_seven_yi_of_manufacturing_is_only_a_major_industry_project() -> None:
    assert classify_project(7 * YI - FEN, True, RULES) is ProjectClass.MAJOR_INDUSTRY


def test_seven_yi_outside_manufacturing_is_a_major_industry_project() -> None:
    assert classify_project(9 * YI, False, RULES) is ProjectClass.MAJOR_INDUSTRY


def test_exactly_three_yi_is_a_major_industry_project_and_a_fen_less_is_not() -> None:
    assert classify_project(3 * YI, False, RULES) is ProjectClass.MAJOR_INDUSTRY
    assert classify_project(3 * YI - FEN, True, RULES) is ProjectClass.NONE


def test_exclusive_thresholds_leave_out_the_boundary_itself() -> None:
    rules = ScoringRules(thresholds_inclusive=False)
    assert classify_project(7 * YI, True, rules) is ProjectClass.MAJOR_INDUSTRY
    assert classify_project(7 * YI + FEN, True, rules) is ProjectClass.MAJOR_MANUFACTURING
    assert classify_project(3 * YI, True, rules) is ProjectClass.NONE


# --- project points -----------------------------------------------------------------------------------


def test_attracting_and_landing_units_both_get_the_full_points() -> None:
    assert project_points(project(yi=7), RULES) == {"dept_econ": Decimal(5), "town_jianshan": Decimal(5)}


def test_a_unit_that_attracted_and_landed_a_project_is_credited_once() -> None:
    assert project_points(project(attracting="town_jianshan"), RULES) == {"town_jianshan": Decimal(5)}


def test_a_project_that_is_both_classes_scores_only_the_higher() -> None:
    assert project_points(project(yi=8), RULES)["dept_econ"] == RULES.major_manufacturing_points


def test_the_higher_class_wins_even_when_configured_the_other_way_round() -> None:
    rules = ScoringRules(major_manufacturing_points=Decimal(1), major_industry_points=Decimal(4))
    assert project_points(project(yi=8), rules)["dept_econ"] == Decimal(4)
    line = quarter_score(UnitQuarter("dept_econ", (project(yi=8),)), rules).lines[0]
    assert line.reason is ScoreReason.MAJOR_INDUSTRY_LANDED


def test_a_major_industry_project_earns_its_points() -> None:
    assert project_points(project(yi=3, manufacturing=False), RULES)["town_jianshan"] == Decimal(2)


def test_a_project_under_both_thresholds_earns_nothing() -> None:
    assert project_points(project(yi=Decimal("2.99")), RULES) == {}


def test_configured_shares_split_the_credit() -> None:
    rules = ScoringRules(attracting_unit_share=Decimal("0.5"), landing_unit_share=Decimal("0.5"))
    assert project_points(project(), rules) == {"dept_econ": Decimal("2.5"), "town_jianshan": Decimal("2.5")}


def test_a_unit_on_both_sides_takes_the_larger_share_once() -> None:
    rules = ScoringRules(attracting_unit_share=Decimal("0.5"))
    assert project_points(project(attracting="town_jianshan"), rules) == {"town_jianshan": Decimal(5)}


# --- quarter score ------------------------------------------------------------------------------------


def test_a_quarter_lists_each_credited_project_and_totals_them() -> None:
    landed = (project("p1", 8), project("p2", 4, manufacturing=False), project("p3", 1))
    sheet = quarter_score(UnitQuarter("town_jianshan", landed, target_met=True), RULES)
    assert sheet.lines == (
        ScoreLine(ScoreReason.MAJOR_MANUFACTURING_LANDED, Decimal(5), "p1"),
        ScoreLine(ScoreReason.MAJOR_INDUSTRY_LANDED, Decimal(2), "p2"),
    )
    assert sheet.total == Decimal(7)


def test_projects_of_other_units_are_ignored() -> None:
    other = project(attracting="town_other", landing="zone_jinpan")
    assert quarter_score(UnitQuarter("town_jianshan", (other,)), RULES) == ScoreSheet()


def test_a_missed_quarterly_target_is_deducted() -> None:
    sheet = quarter_score(UnitQuarter("town_jianshan", (), target_met=False), RULES)
    assert sheet.lines == (ScoreLine(ScoreReason.MISSED_QUARTERLY_TARGET, Decimal(-3)),)
    assert sheet.total == Decimal(-3)


def test_a_unit_without_a_quarterly_target_loses_nothing() -> None:
    assert quarter_score(UnitQuarter("dept_econ", (), target_met=None), RULES).total == 0


def test_a_project_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="p1"):
        quarter_score(UnitQuarter("dept_econ", (project(), project())), RULES)


def test_score_sheets_add_up_in_a_fixed_order() -> None:
    a = quarter_score(UnitQuarter("dept_econ", (project("p2"),), target_met=False), RULES)
    b = quarter_score(UnitQuarter("dept_econ", (project("p1"),)), RULES)
    assert a + b == b + a
    assert (a + b).total == Decimal(7)


units = st.sampled_from(["dept_econ", "town_jianshan", "zone_jinpan"])
landed_projects = st.lists(
    st.builds(
        LandedProject,
        project_id=st.text(min_size=1, max_size=4),
        total_investment_cny=st.decimals(min_value=0, max_value=20 * YI, places=2),
        is_manufacturing=st.booleans(),
        attracting_unit=units,
        landing_unit=units,
    ),
    max_size=8,
    unique_by=lambda p: p.project_id,
)


@given(landed_projects, units, st.sampled_from([True, False, None]), st.randoms())
def test_scores_never_depend_on_the_order_of_projects(
    landed: list[LandedProject], unit: str, target_met: bool | None, rnd: random.Random
) -> None:
    shuffled = list(landed)
    rnd.shuffle(shuffled)
    assert quarter_score(UnitQuarter(unit, tuple(landed), target_met), RULES) == quarter_score(
        UnitQuarter(unit, tuple(shuffled), target_met), RULES
    )
    assert annual_verdict(UnitYear(unit, tuple(landed), 1), RULES) == annual_verdict(
        UnitYear(unit, tuple(shuffled), 1), RULES
    )


@given(landed_projects)
def test_every_unit_gets_the_same_points_for_a_project_under_equal_credit(landed: list[LandedProject]) -> None:
    for landed_project in landed:
        assert len(set(project_points(landed_project, RULES).values())) <= 1


# --- late updates -------------------------------------------------------------------------------------


def test_late_and_missing_updates_are_deducted_per_update() -> None:
    sheet = late_update_deduction(3, 2, RULES)
    assert sheet.lines == (
        ScoreLine(ScoreReason.LATE_UPDATES, Decimal("-1.5"), count=3),
        ScoreLine(ScoreReason.MISSING_UPDATES, Decimal(-2), count=2),
    )
    assert sheet.total == Decimal("-3.5")


def test_a_unit_that_updated_on_time_loses_nothing() -> None:
    assert late_update_deduction(0, 0, RULES) == ScoreSheet()


def test_a_negative_update_count_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="late=-1"):
        late_update_deduction(-1, 0, RULES)


# --- annual verdict -----------------------------------------------------------------------------------


def test_exceeding_the_annual_target_earns_one_vote_excellence() -> None:
    landed = (project("p1"), project("p2"), project("p3"))
    verdict = annual_verdict(UnitYear("town_jianshan", landed, major_manufacturing_target=2), RULES)
    assert verdict == AnnualVerdict(VerdictOutcome.EXCELLENT, VerdictReason.EXCEEDED_TARGET)


def test_merely_meeting_the_annual_target_is_not_exceeding_it() -> None:
    landed = (project("p1"), project("p2"))
    verdict = annual_verdict(UnitYear("town_jianshan", landed, major_manufacturing_target=2), RULES)
    assert verdict.outcome is VerdictOutcome.NEITHER


def test_a_project_a_fen_under_seven_yi_does_not_count_towards_the_target() -> None:
    just_under = LandedProject("p2", 7 * YI - FEN, True, "dept_econ", "town_jianshan")
    landed = (project("p1"), just_under)
    verdict = annual_verdict(UnitYear("town_jianshan", landed, major_manufacturing_target=1), RULES)
    assert verdict.outcome is VerdictOutcome.NEITHER


def test_a_unit_without_a_target_that_lands_one_earns_one_vote_excellence() -> None:
    for target in (None, 0):
        verdict = annual_verdict(UnitYear("dept_econ", (project(),), major_manufacturing_target=target), RULES)
        assert verdict == AnnualVerdict(VerdictOutcome.EXCELLENT, VerdictReason.UNTARGETED_LANDING)


def test_a_unit_without_a_target_or_a_project_gets_no_verdict() -> None:
    assert annual_verdict(UnitYear("dept_econ"), RULES) == AnnualVerdict(VerdictOutcome.NEITHER)


def test_a_criticism_vetoes_excellence_and_beats_one_vote_excellence() -> None:
    verdict = annual_verdict(UnitYear("dept_econ", (project(),), criticized=True), RULES)
    assert verdict == AnnualVerdict(
        VerdictOutcome.VETOED, VerdictReason.CRITICIZED, overridden=VerdictReason.UNTARGETED_LANDING
    )


def test_another_one_vote_veto_also_beats_one_vote_excellence() -> None:
    verdict = annual_verdict(UnitYear("dept_econ", (project(),), other_veto=True), RULES)
    assert verdict.outcome is VerdictOutcome.VETOED
    assert verdict.reason is VerdictReason.OTHER_VETO


def test_switched_off_rules_give_no_verdict() -> None:
    rules = ScoringRules(
        excellent_for_exceeding_target=False, excellent_for_untargeted_landing=False, veto_for_criticism=False
    )
    assert annual_verdict(UnitYear("dept_econ", (project(),), criticized=True), rules).outcome is VerdictOutcome.NEITHER
    exceeded = UnitYear("town_jianshan", (project("p1"), project("p2")), major_manufacturing_target=1)
    assert annual_verdict(exceeded, rules).outcome is VerdictOutcome.NEITHER
