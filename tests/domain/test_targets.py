"""The reverse schedule of 四(三) and what units achieved against it, with 招引单位 and 落地单位 credited alike."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.directory import Role, RoleKind
from domain.form import ApprovalForm
from domain.lifecycle import Stage
from domain.project import Project
from domain.quantities import Currency, Money
from domain.scoring import ScoringRules
from domain.targets import (
    AnnualTarget,
    BadTargetValue,
    Indicator,
    PlanOverflow,
    TargetYearPast,
    UnknownIndicator,
    achieved_to_date,
    check_amount,
    first_planned_month,
    indicator_named,
    landed_on,
    monthly_plan,
    plan_through,
    progress_of,
)

RULES = ScoringRules()
RATE = Decimal("7.1")  # 元 per 美元
MM, MI, FUNDS, BILLION = (
    Indicator.MAJOR_MANUFACTURING,
    Indicator.MAJOR_INDUSTRY,
    Indicator.MANUFACTURING_FUNDS,
    Indicator.BILLION_PROJECTS,
)


def target(indicator: Indicator, amount: str, starts: int = 1) -> AnnualTarget:
    return AnnualTarget("jianshan", indicator, 2026, Decimal(amount), starts)


def project(
    pid: int,
    total: str,
    *,
    manufacturing: bool = True,
    landing: str = "jianshan",
    attracting: str | None = "yushan",
    delisted: date | None = None,
    signed: date | None = None,
    stage: Stage = Stage.DELISTED,
    currency: Currency = Currency.CNY,
) -> Project:
    """A project of `total` 元; with `delisted` a land project whose land went to the investor that day, with
    `signed` one without land whose agreement was signed that day."""
    return Project(
        name=f"项目{pid}",
        landing_unit=landing,
        deputy=Role(RoleKind.DEPUTY_HEAD, "deputy_industry"),
        joint_reviewer="economy_commerce",
        declared_by_jinpan=False,
        created_by=1,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        stage=stage,
        form=ApprovalForm(
            total_investment=Money(Decimal(total), currency),
            is_manufacturing=manufacturing,
            attracting_unit=attracting,
            needs_land=signed is None,
        ),
        delisted_on=delisted,
        agreement_signed_on=signed,
        id=pid,
    )


# ---- the schedule --------------------------------------------------------------------------------------------


def test_a_count_set_in_january_falls_due_at_the_end_of_each_equal_slice_of_the_year() -> None:
    plan = monthly_plan(target(MM, "2"), {})
    assert [plan[m] for m in range(1, 13)] == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]
    assert sum(plan.values()) == 2


def test_a_target_set_in_november_is_spread_over_november_and_december_only() -> None:
    plan = monthly_plan(target(MI, "3", starts=11), {})
    assert plan[11] == 1 and plan[12] == 2
    assert all(plan[m] == 0 for m in range(1, 11))
    assert plan_through(plan, 10) == 0 and plan_through(plan, 11) == 1 and plan_through(plan, 12) == 3


def test_an_amount_spreads_to_the_fen_and_sums_exactly_to_the_target() -> None:
    plan = monthly_plan(target(FUNDS, "100000000.00", starts=6), {})  # 1亿 over 7 months
    shares = [plan[m] for m in range(6, 13)]
    assert sum(shares) == Decimal("100000000.00")
    assert max(shares) - min(shares) == Decimal("0.01")  # as even as fen allow
    assert all(share.as_tuple().exponent == -2 for share in shares)


def test_a_month_fixed_by_hand_keeps_its_plan_and_the_free_months_share_the_rest() -> None:
    plan = monthly_plan(target(MM, "4", starts=7), {9: Decimal(2)})
    assert plan[9] == 2
    assert sum(plan[m] for m in (7, 8, 10, 11, 12)) == 2
    assert sum(plan.values()) == 4


def test_fixed_months_that_exceed_the_target_or_leave_no_room_are_refused() -> None:
    with pytest.raises(PlanOverflow):
        monthly_plan(target(MM, "1", starts=11), {11: Decimal(2)})
    with pytest.raises(PlanOverflow):
        monthly_plan(target(MM, "3", starts=11), {11: Decimal(1), 12: Decimal(1)})
    assert sum(monthly_plan(target(MM, "2", starts=11), {11: Decimal(1), 12: Decimal(1)}).values()) == 2


def test_a_plan_starts_this_month_or_in_january_of_a_coming_year_never_in_a_past_one() -> None:
    today = date(2026, 11, 28)
    assert first_planned_month(2026, today) == 11
    assert first_planned_month(2027, today) == 1
    with pytest.raises(TargetYearPast):
        first_planned_month(2025, today)


def test_counts_must_be_whole_and_amounts_to_the_fen() -> None:
    assert check_amount(MM, Decimal("2")) == 2
    with pytest.raises(BadTargetValue):
        check_amount(MM, Decimal("1.5"))
    with pytest.raises(BadTargetValue):
        check_amount(FUNDS, Decimal("0.001"))
    with pytest.raises(BadTargetValue):
        check_amount(FUNDS, Decimal("-1"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7亿制造业", MM),
        ("7亿元以上制造业项目", MM),
        ("3亿产业", MI),
        ("3亿元以上重大产业项目", MI),
        ("利用外资", Indicator.FOREIGN_CAPITAL),
        ("省外内资", Indicator.DOMESTIC_CAPITAL),
        ("制造业项目到位资金", FUNDS),
        ("到位资金", FUNDS),
        ("亿元以上项目", BILLION),
        ("招引亿元以上项目", BILLION),
    ],
)
def test_indicators_are_read_as_people_name_them(text: str, expected: Indicator) -> None:
    assert indicator_named(text) is expected


def test_an_unknown_indicator_is_named_back() -> None:
    with pytest.raises(UnknownIndicator) as raised:
        indicator_named("税收")
    assert raised.value.params["text"] == "税收"


# ---- achieved ------------------------------------------------------------------------------------------------


def test_a_landed_8_yi_factory_counts_once_for_each_of_its_two_units_in_three_indicators() -> None:
    factory = project(1, "800000000", delisted=date(2026, 3, 10))
    achieved = achieved_to_date([factory], 2026, 3, RULES, usd_rate=RATE, funds={}, entered={})
    for unit in ("jianshan", "yushan"):
        assert achieved[unit] == {MM: 1, MI: 1, BILLION: 1}


def test_a_unit_that_both_attracted_and_landed_is_credited_once() -> None:
    factory = project(1, "800000000", attracting="jianshan", delisted=date(2026, 3, 10))
    achieved = achieved_to_date([factory], 2026, 12, RULES, usd_rate=RATE, funds={}, entered={})
    assert achieved == {"jianshan": {MM: 1, MI: 1, BILLION: 1}}


def test_a_project_without_land_counts_from_the_month_its_agreement_is_signed_and_not_before() -> None:
    factory = project(1, "700000000", signed=date(2026, 5, 2), stage=Stage.SIGNED)
    assert achieved_to_date([factory], 2026, 4, RULES, usd_rate=RATE, funds={}, entered={}) == {}
    assert achieved_to_date([factory], 2026, 5, RULES, usd_rate=RATE, funds={}, entered={})["jianshan"][MM] == 1


def test_a_land_project_signed_but_not_yet_delisted_has_not_landed() -> None:
    signed = project(1, "900000000", stage=Stage.LISTED)
    assert landed_on(signed) is None
    assert achieved_to_date([signed], 2026, 12, RULES, usd_rate=RATE, funds={}, entered={}) == {}


def test_a_total_in_dollars_is_counted_at_the_county_rate() -> None:
    factory = project(1, "100000000", currency=Currency.USD, delisted=date(2026, 2, 1))  # 1亿美元 ≈ 7.1亿元
    achieved = achieved_to_date([factory], 2026, 2, RULES, usd_rate=RATE, funds={}, entered={})
    assert achieved["jianshan"][MM] == 1


def test_a_6_yi_factory_is_no_7_yi_project_and_a_2_yi_hotel_only_an_yi_yuan_one() -> None:
    factory = project(1, "600000000", delisted=date(2026, 1, 5), attracting=None)
    hotel = project(2, "200000000", manufacturing=False, delisted=date(2026, 1, 5), attracting=None)
    achieved = achieved_to_date([factory, hotel], 2026, 1, RULES, usd_rate=RATE, funds={}, entered={})
    assert achieved == {"jianshan": {MI: 1, BILLION: 2}}


def test_funds_count_for_manufacturing_projects_only_and_for_both_units() -> None:
    factory = project(1, "50000000")
    hotel = project(2, "50000000", manufacturing=False)
    funds = {1: Decimal("1500000.00"), 2: Decimal("9000000.00")}
    achieved = achieved_to_date([factory, hotel], 2026, 6, RULES, usd_rate=RATE, funds=funds, entered={})
    assert achieved["jianshan"][FUNDS] == Decimal("1500000.00") == achieved["yushan"][FUNDS]


def test_plan_against_achieved_shows_the_shortfall() -> None:
    rows = progress_of(
        [target(MM, "2"), target(FUNDS, "1200.00")],
        {(FUNDS, 1): Decimal("1200.00")},
        {FUNDS: Decimal("1000.00")},
        month=6,
    )
    assert [row.indicator for row in rows] == [MM, FUNDS]
    mm, funds = rows
    assert (mm.plan_to_date, mm.achieved, mm.on_track, mm.shortfall) == (Decimal(1), Decimal(0), False, Decimal(1))
    assert (funds.plan_this_month, funds.plan_to_date, funds.shortfall) == (
        Decimal(0),
        Decimal("1200.00"),
        Decimal("200.00"),
    )
