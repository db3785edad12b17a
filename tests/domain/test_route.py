"""route_for: the tiered approval table of DESIGN.md, at every boundary."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.approval import Actor, Category, LandAreaRequired, RouteQuestion, StepAction, route_for

A, IND = Category.CULTURE_TOURISM, Category.INDUSTRY
LOW = [("县长", "同意"), ("分管副县长", "审批")]
MIDDLE = [("分管副县长", "审核"), ("县长办公会议", "审议"), ("县长", "审批")]
HIGH = [("分管副县长", "审核"), ("县长办公会议", "审议"), ("县委常委会", "审议"), ("县长", "审批")]
JINPAN_OWN = [("金磐开发区", "审批")]
JINPAN_COUNTY = [("县委常委会", "审议"), ("县长", "审批")]


def route(
    category: Category, land: str | None, *, jinpan: bool = False, special: bool = False
) -> list[tuple[str, str]]:
    question = RouteQuestion(category, land is not None, Decimal(land) if land else None, jinpan, special)
    return [(step.actor.value, step.action.value) for step in route_for(question)]


@pytest.mark.parametrize(
    ("category", "land", "expected"),
    [
        (A, None, LOW),
        (IND, None, LOW),
        (A, "0.5", LOW),
        (A, "20", LOW),
        (A, "20.0001", MIDDLE),
        (A, "50", MIDDLE),
        (A, "50.01", HIGH),
        (IND, "20.5", LOW),
        (IND, "30", LOW),
        (IND, "30.01", MIDDLE),
        (IND, "50", MIDDLE),
        (IND, "51", HIGH),
        (IND, "300", HIGH),
    ],
)
def test_the_county_route_follows_category_and_land(
    category: Category, land: str | None, expected: list[tuple[str, str]]
) -> None:
    assert route(category, land) == expected


@pytest.mark.parametrize("category", [c for c in Category if c is not Category.INDUSTRY])
def test_every_non_industrial_category_is_group_a(category: Category) -> None:
    assert route(category, "21") == MIDDLE
    assert route(category, "20") == LOW


@pytest.mark.parametrize(
    ("category", "land", "expected"),
    [
        (A, None, MIDDLE),
        (A, "20", MIDDLE),
        (IND, "30", MIDDLE),
        (A, "21", HIGH),
        (IND, "50", HIGH),
        (IND, "80", HIGH),
    ],
)
def test_special_fiscal_support_lifts_the_route_one_tier(
    category: Category, land: str | None, expected: list[tuple[str, str]]
) -> None:
    assert route(category, land, special=True) == expected


@pytest.mark.parametrize(
    ("land", "special", "expected"),
    [
        (None, False, JINPAN_OWN),
        ("40", False, JINPAN_OWN),
        ("50", False, JINPAN_OWN),
        ("50.01", False, JINPAN_COUNTY),
        ("120", False, JINPAN_COUNTY),
        ("40", True, JINPAN_COUNTY),
        ("120", True, JINPAN_COUNTY),
    ],
)
def test_jinpan_approves_its_own_up_to_50_mu_and_sends_the_rest_to_the_standing_committee(
    land: str | None, special: bool, expected: list[tuple[str, str]]
) -> None:
    assert route(IND, land, jinpan=True, special=special) == expected
    assert route(A, land, jinpan=True, special=special) == expected


def test_a_land_project_without_an_area_is_refused_with_a_reason() -> None:
    with pytest.raises(LandAreaRequired, match="亩"):
        route_for(RouteQuestion(IND, needs_land=True, land_mu=None))
    with pytest.raises(LandAreaRequired):
        route_for(RouteQuestion(IND, needs_land=True, land_mu=Decimal(0)))


def test_meetings_are_marked_as_such_and_people_are_not() -> None:
    assert {a for a in Actor if a.is_meeting} == {Actor.COUNTY_EXECUTIVE_MEETING, Actor.STANDING_COMMITTEE}


areas = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10_000), places=4)


@given(category=st.sampled_from(Category), area=areas, bigger=areas)
def test_more_land_never_means_a_shorter_route(category: Category, area: Decimal, bigger: Decimal) -> None:
    small, large = sorted((area, bigger))
    assert len(route_for(RouteQuestion(category, True, small))) <= len(route_for(RouteQuestion(category, True, large)))


@given(category=st.sampled_from(Category), area=areas, jinpan=st.booleans(), special=st.booleans())
def test_every_route_ends_in_an_approval(category: Category, area: Decimal, jinpan: bool, special: bool) -> None:
    steps = route_for(RouteQuestion(category, True, area, jinpan, special))
    assert steps[-1].action is StepAction.APPROVE
