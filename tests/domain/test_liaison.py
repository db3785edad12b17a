"""The 联络处 cycle: when a monthly report is asked for and due (across 国庆 and its 调休 Saturday), who may
report or record a visit, and when a 联系县领导 is reminded to visit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.calendar import load_default_calendar
from domain.directory import Role, RoleKind
from domain.liaison import (
    InvalidLiaisonText,
    NotContactLeader,
    NotOfficeStaff,
    ReportNotOpen,
    VisitInFuture,
    open_cycle,
    previous_month,
    report_cycle,
    visit_gap,
    write_report,
    write_visit,
)
from domain.supervision import SupervisionRules

CALENDAR = load_default_calendar()
RULES = SupervisionRules()
NOW = datetime(2026, 10, 9, 2, tzinfo=UTC)
STAFF = frozenset({Role(RoleKind.STAFF, "liaison_beijing")})
LEADER = frozenset({Role(RoleKind.CONTACT_LEADER, "liaison_beijing")})
ANSWERS = {"leads": "某生物医药企业拟在浙中布局", "activities": "", "next_plan": "陪同考察", "coordination": ""}


def test_the_september_report_is_asked_after_guoqing_and_due_counting_the_makeup_saturday() -> None:
    cycle = report_cycle(date(2026, 9, 1), RULES, CALENDAR)
    assert cycle.prompt_on == date(2026, 10, 8)  # 1–7 October are 国庆
    # Five working days: 9 (Fri), 10 (the 调休 Saturday), 12, 13, 14.
    assert cycle.due == date(2026, 10, 14)


def test_until_its_prompt_day_the_month_before_is_still_the_open_report() -> None:
    assert open_cycle(date(2026, 10, 7), RULES, CALENDAR).month == date(2026, 8, 1)
    assert open_cycle(date(2026, 10, 8), RULES, CALENDAR).month == date(2026, 9, 1)
    assert previous_month(date(2027, 1, 1)) == date(2026, 12, 1)
    assert report_cycle(date(2026, 12, 1), SupervisionRules(progress_prompt_day=3), CALENDAR).prompt_on.month == 1


def test_only_the_office_reports_once_asked_and_a_plan_is_required() -> None:
    september = report_cycle(date(2026, 9, 1), RULES, CALENDAR)
    report = write_report(
        office="liaison_beijing",
        cycle=september,
        answers=ANSWERS,
        roles=STAFF,
        person_id=1,
        today=date(2026, 10, 9),
        now=NOW,
    )
    assert report.month == date(2026, 9, 1) and report.next_plan == "陪同考察" and report.activities == ""
    with pytest.raises(NotOfficeStaff):
        write_report(
            office="liaison_beijing",
            cycle=september,
            answers=ANSWERS,
            roles=LEADER,
            person_id=2,
            today=date(2026, 10, 9),
            now=NOW,
        )
    with pytest.raises(ReportNotOpen):
        write_report(
            office="liaison_beijing",
            cycle=september,
            answers=ANSWERS,
            roles=STAFF,
            person_id=1,
            today=date(2026, 10, 7),
            now=NOW,
        )
    with pytest.raises(InvalidLiaisonText):
        write_report(
            office="liaison_beijing",
            cycle=september,
            answers=ANSWERS | {"next_plan": "  "},
            roles=STAFF,
            person_id=1,
            today=date(2026, 10, 9),
            now=NOW,
        )


def test_only_the_contact_leader_records_a_visit_that_has_happened() -> None:
    visit = write_visit(
        office="liaison_beijing",
        visited_on=date(2026, 10, 9),
        whom=" 北京某医药集团 ",
        outcome="达成初步意向",
        roles=LEADER,
        person_id=2,
        today=date(2026, 10, 9),
        now=NOW,
    )
    assert visit.whom == "北京某医药集团"
    kwargs = {"office": "liaison_beijing", "whom": "某企业", "outcome": "洽谈", "person_id": 1, "now": NOW}
    with pytest.raises(NotContactLeader):
        write_visit(visited_on=date(2026, 10, 9), roles=STAFF, today=date(2026, 10, 9), **kwargs)  # type: ignore[arg-type]
    with pytest.raises(VisitInFuture):
        write_visit(visited_on=date(2026, 10, 10), roles=LEADER, today=date(2026, 10, 9), **kwargs)  # type: ignore[arg-type]


def test_a_leader_is_reminded_each_time_the_gap_passes_counting_from_the_last_visit() -> None:
    assert visit_gap(None, None, date(2026, 12, 31), 30) is None  # nothing reported yet: nothing to follow up
    assert visit_gap(None, date(2026, 10, 9), date(2026, 11, 7), 30) is None  # 29 days
    first = visit_gap(None, date(2026, 10, 9), date(2026, 11, 8), 30)
    assert first is not None and (first.nth, first.since, first.after_visit) == (1, date(2026, 10, 9), False)
    # A visit starts the count again.
    assert visit_gap(date(2026, 11, 10), date(2026, 10, 9), date(2026, 12, 9), 30) is None
    again = visit_gap(date(2026, 11, 10), date(2026, 10, 9), date(2027, 1, 9), 30)
    assert again is not None and (again.nth, again.days, again.after_visit) == (2, 60, True)
