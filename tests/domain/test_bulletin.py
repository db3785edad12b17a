"""The 通报 and 赛拼 figures against ones worked out by hand, and when each is due."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.bulletin import (
    COUNTY,
    OverdueMark,
    ProjectFacts,
    contest_from_json,
    contest_to_json,
    latest_due_month,
    latest_due_quarter,
    monthly_bulletin,
    monthly_from_json,
    monthly_to_json,
    quarterly_contest,
)
from domain.lifecycle import Stage
from domain.scoring import ScoreReason, ScoringRules

RULES = ScoringRules()
YI = Decimal(100_000_000)
UNITS = ["jinpan", "jianshan", "anwen"]


def fact(
    pid: int,
    landing: str,
    stage: Stage | None,
    *,
    attracting: str | None = None,
    created: date = date(2026, 3, 3),
    signed: date | None = None,
    landed: date | None = None,
    started: date | None = None,
    yi: int | None = None,
    manufacturing: bool = True,
) -> ProjectFacts:
    return ProjectFacts(
        project_id=pid,
        name=f"项目{pid}",
        landing_unit=landing,
        attracting_unit=attracting,
        created_on=created,
        stage_at_end=stage,
        signed_on=signed,
        landed_on=landed,
        started_on=started,
        total_investment_cny=None if yi is None else Decimal(yi) * YI,
        is_manufacturing=manufacturing,
    )


# October 2026, by hand:
#  1 jinpan    started in Oct (landed in Aug), 8亿 manufacturing, attracted by jianshan → 7亿 for jinpan and jianshan
#  2 jinpan    signed in Oct, landed (no land: signing) in Oct, 4亿 文旅 → 3亿 for jinpan
#  3 jianshan  created in Oct, planning
#  4 jianshan  terminated (not in the 库), created in Oct
#  5 anwen     signed in September, 9亿 manufacturing landed in Sept of LAST year: not this year's
#  6 anwen     created in November: does not exist at October's end
PROJECTS = [
    fact(1, "jinpan", Stage.STARTED, attracting="jianshan", landed=date(2026, 8, 9), started=date(2026, 10, 2), yi=8),
    fact(2, "jinpan", Stage.SIGNED, signed=date(2026, 10, 31), landed=date(2026, 10, 31), yi=4, manufacturing=False),
    fact(3, "jianshan", Stage.PLANNING, created=date(2026, 10, 1)),
    fact(4, "jianshan", Stage.TERMINATED, created=date(2026, 10, 15)),
    fact(5, "anwen", Stage.DELISTED, signed=date(2026, 9, 30), landed=date(2025, 9, 1), yi=9),
    fact(6, "anwen", None, created=date(2026, 11, 1)),
]
MARKS = [
    OverdueMark("jianshan", "late_update", date(2026, 10, 9)),
    OverdueMark("jianshan", "missing_update", date(2026, 10, 31)),
    OverdueMark("jianshan", "late_update", date(2026, 9, 30)),  # September's
    OverdueMark("anwen", "criticism", date(2026, 10, 9)),  # not an update
]
PLANS = {"jinpan": {"major_manufacturing": Decimal(2), "major_industry": Decimal(3)}, "jianshan": {}}


def test_the_monthly_figures_match_the_ones_worked_out_by_hand() -> None:
    bulletin = monthly_bulletin(2026, 10, UNITS, PROJECTS, MARKS, PLANS, RULES)
    jinpan, jianshan, anwen = bulletin.units
    assert [u.unit for u in bulletin.units] == UNITS

    assert jinpan.stages == {"signed": 1, "started": 1} and jinpan.in_pipeline == 2
    assert (jinpan.new, jinpan.signed, jinpan.landed, jinpan.started) == (0, 1, 1, 1)
    assert (jinpan.major_manufacturing, jinpan.major_manufacturing_plan) == (1, Decimal(2))
    assert (jinpan.major_industry, jinpan.major_industry_plan) == (2, Decimal(3))  # the 8亿 counts as 3亿+ too

    assert jianshan.stages == {"planning": 1, "terminated": 1} and jianshan.in_pipeline == 1
    assert (jianshan.new, jianshan.signed, jianshan.landed, jianshan.started) == (2, 0, 0, 0)
    assert jianshan.overdue_updates == 2
    # Equal credit (三(一)): 尖山 attracted project 1, so it counts the 8亿 manufacturing project too.
    assert (jianshan.major_manufacturing, jianshan.major_industry) == (1, 1)
    assert jianshan.major_manufacturing_plan is None

    assert anwen.stages == {"delisted": 1} and anwen.new == 0 and anwen.signed == 0
    assert (anwen.major_manufacturing, anwen.major_industry, anwen.overdue_updates) == (0, 0, 0)

    county = bulletin.county
    assert county.unit == COUNTY
    assert county.stages == {"planning": 1, "signed": 1, "delisted": 1, "started": 1, "terminated": 1}
    assert county.in_pipeline == 4
    assert (county.new, county.signed, county.landed, county.started, county.overdue_updates) == (2, 1, 1, 1, 2)
    # Each project once for the county, though two units share project 1's credit.
    assert (county.major_manufacturing, county.major_industry) == (1, 2)
    assert (county.major_manufacturing_plan, county.major_industry_plan) == (Decimal(2), Decimal(3))


def test_the_monthly_figures_survive_json() -> None:
    bulletin = monthly_bulletin(2026, 10, UNITS, PROJECTS, MARKS, PLANS, RULES)
    assert monthly_from_json(monthly_to_json(bulletin)) == bulletin


def test_the_contest_ranks_by_points_with_equal_totals_sharing_a_rank() -> None:
    # Q3 2026 (July-September), by hand, with the default points (7亿 +5, 3亿 +2, missed plan -3):
    #  project 1 (8亿 manufacturing, landed 8-09 in jinpan, attracted by jianshan): +5 each
    #  project 7 (4亿 文旅 landed 9-30 in anwen): +2 anwen
    #  jinpan's plan to September: 2 of 7亿 — it has 1 this year: -3  → jinpan 5 - 3 = 2
    #  jianshan: +5 and no plan → 5; anwen: +2 → 2 (ties with jinpan); yushan: nothing → 0
    projects = [*PROJECTS, fact(7, "anwen", Stage.STARTED, landed=date(2026, 9, 30), yi=4, manufacturing=False)]
    plans = {"jinpan": {"major_manufacturing": Decimal(2)}}
    contest = quarterly_contest(2026, 3, ["yushan", "jinpan", "jianshan", "anwen"], projects, plans, RULES)

    ranking = [(e.rank, e.unit, e.added, e.deducted, e.total) for e in contest.entries]
    assert ranking == [
        (1, "jianshan", Decimal(5), Decimal(0), Decimal(5)),
        (2, "jinpan", Decimal(5), Decimal(-3), Decimal(2)),
        (2, "anwen", Decimal(2), Decimal(0), Decimal(2)),
        (4, "yushan", Decimal(0), Decimal(0), Decimal(0)),
    ]
    jinpan = contest.entries[1]
    assert [(line.reason, line.project_id) for line in jinpan.lines] == [
        (ScoreReason.MAJOR_MANUFACTURING_LANDED, "1"),
        (ScoreReason.MISSED_QUARTERLY_TARGET, None),
    ]
    assert contest.project_names == {"1": "项目1", "7": "项目7"}
    assert contest_from_json(contest_to_json(contest)) == contest


def test_a_unit_that_meets_its_plan_loses_nothing() -> None:
    plans = {"jinpan": {"major_manufacturing": Decimal(1), "major_industry": Decimal(1)}}
    contest = quarterly_contest(2026, 3, ["jinpan"], PROJECTS, plans, RULES)
    assert contest.entries[0].deducted == 0 and contest.entries[0].added == 5


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2026, 11, 5), (2026, 10)),  # the day itself
        (date(2026, 11, 4), (2026, 9)),  # the day before: September's is still the latest
        (date(2026, 11, 30), (2026, 10)),  # a bot down over the 5th catches up later in the month
        (date(2027, 1, 5), (2026, 12)),
        (date(2027, 1, 4), (2026, 11)),
    ],
)
def test_the_latest_monthly_bulletin_due(today: date, due: tuple[int, int]) -> None:
    assert latest_due_month(today, 5) == due


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2026, 10, 10), (2026, 3)),
        (date(2026, 10, 9), (2026, 2)),
        (date(2026, 12, 31), (2026, 3)),
        (date(2027, 1, 10), (2026, 4)),
        (date(2027, 1, 9), (2026, 3)),
        (date(2027, 3, 1), (2026, 4)),
        (date(2027, 4, 10), (2027, 1)),
    ],
)
def test_the_latest_contest_due(today: date, due: tuple[int, int]) -> None:
    assert latest_due_quarter(today, 10) == due
