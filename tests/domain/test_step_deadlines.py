"""Due dates of approval steps and of the 研判 cycle, counted in 法定工作日 across 2026's 国庆 and its 调休 Saturday."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.calendar import SHANGHAI, load_default_calendar
from domain.deadlines import Alarm, Signal
from domain.directory import Directory, Role, RoleKind
from domain.project import Principal, Project
from domain.records import Decision, MeetingKind, Outcome
from domain.step_deadlines import (
    CardSignal,
    Duty,
    UrgeNotAllowed,
    alarm_readers,
    card_signal,
    check_may_urge,
    open_deadlines,
)
from domain.supervision import SupervisionRules
from tests.domain.test_lifecycle import CADRE, DEPUTY, OFFICE, approving, new_project

CALENDAR = load_default_calendar()
RULES = SupervisionRules()  # 5 working days a leader's step, 15 a meeting's, 22 the 研判
# Tuesday before 中秋's end and 国庆 (10-01..10-07 off); Saturday 10-10 is a make-up working day.
OPENED = datetime(2026, 9, 29, 10, tzinfo=SHANGHAI)


def at(moment: datetime, project: Project) -> Project:
    """The project as if its open step (or its submission) happened at `moment`."""
    for step in project.steps:
        if step.opened_at is not None:
            step.opened_at = moment
    project.submitted_at = moment
    return project


def test_a_leaders_step_is_due_five_working_days_on_across_the_holiday_and_the_make_up_saturday(
    directory: Directory,
) -> None:
    project = at(OPENED, approving(directory))
    [deadline] = open_deadlines(project, RULES, CALENDAR)
    # 09-30, then 10-08, 10-09, Saturday 10-10 (worked), Monday 10-12: the week of 国庆 counts for nothing.
    assert deadline.duty is Duty.STEP and deadline.due == date(2026, 10, 12)
    assert deadline.holder == Role(RoleKind.DEPUTY_HEAD, "deputy_industry") and deadline.key == "step:1"
    assert not deadline.deadline.is_provisional


def test_a_meetings_step_has_the_longer_count(directory: Directory) -> None:
    project = approving(directory)  # 35 亩 工业: 副县长审核 → 县长办公会议审议 → 县长审批
    project.decide_step(DEPUTY, 1, Decision.APPROVE, OPENED)
    [deadline] = open_deadlines(project, RULES, CALENDAR)
    assert deadline.step is not None and deadline.step.actor.is_meeting
    assert deadline.due == date(2026, 10, 26)  # 15 working days, 10-10 counted, 10-01..10-07 not
    assert deadline.holder == Role(RoleKind.OFFICE) and deadline.key == "step:2"


def test_a_decided_route_has_no_deadline_and_a_resubmitted_one_starts_afresh(directory: Directory) -> None:
    project = approving(directory)
    project.decide_step(DEPUTY, 1, Decision.RETURN, OPENED)
    assert open_deadlines(project, RULES, CALENDAR) == []
    project.resubmit(CADRE, OPENED + timedelta(days=1))
    for number, step in enumerate(project.steps, start=1):
        step.id = number
    [deadline] = open_deadlines(project, RULES, CALENDAR)
    assert deadline.key == "step:4" and deadline.due == date(2026, 10, 13)  # opened 09-30, so one day later


def submitted(directory: Directory, moment: datetime) -> Project:
    project = new_project(directory)
    project.id = 7
    project.record_argumentation(CADRE, date(2026, 9, 1), moment)
    project.submit_form(CADRE, moment)
    return project


def test_a_submitted_form_is_due_for_the_screening_22_working_days_on(directory: Directory) -> None:
    [deadline] = open_deadlines(submitted(directory, OPENED), RULES, CALENDAR)
    assert deadline.duty is Duty.SCREENING and deadline.holder == Role(RoleKind.OFFICE)
    assert deadline.due == date(2026, 11, 4) and deadline.step is None


def test_a_deferred_screening_restarts_the_count_and_a_passed_one_ends_it(directory: Directory) -> None:
    project = submitted(directory, OPENED)
    [first] = open_deadlines(project, RULES, CALENDAR)
    deferred_at = datetime(2026, 11, 2, 10, tzinfo=SHANGHAI)
    project.record_meeting(OFFICE, MeetingKind.SCREENING, Outcome.DEFERRED, date(2026, 11, 2), "研判3号", deferred_at)
    [second] = open_deadlines(project, RULES, CALENDAR)
    assert second.key != first.key and second.opened_at == deferred_at
    assert second.due == date(2026, 12, 2)  # 22 working days from Monday 11-02
    project.record_meeting(OFFICE, MeetingKind.SCREENING, Outcome.PASSED, date(2026, 11, 20), "研判4号", deferred_at)
    assert open_deadlines(project, RULES, CALENDAR) == []


def test_a_deadline_in_a_year_without_a_published_calendar_is_provisional(directory: Directory) -> None:
    project = at(datetime(2026, 12, 29, 10, tzinfo=SHANGHAI), approving(directory))
    [deadline] = open_deadlines(project, RULES, CALENDAR)
    assert deadline.deadline.provisional_years == (2027,) and deadline.due == date(2027, 1, 5)


def test_reminders_and_warnings_go_to_the_holder_escalation_to_the_office_and_the_leaders(
    directory: Directory,
) -> None:
    project = approving(directory)
    [deputy_step] = open_deadlines(project, RULES, CALENDAR)
    deputy = Role(RoleKind.DEPUTY_HEAD, "deputy_industry")
    assert alarm_readers(deputy_step, Alarm.REMINDER, "jianshan") == (deputy,)
    assert alarm_readers(deputy_step, Alarm.WARNING, "jianshan") == (deputy,)
    assert alarm_readers(deputy_step, Alarm.ESCALATION, "jianshan") == (
        Role(RoleKind.OFFICE),
        Role(RoleKind.CONTACT_LEADER, "jianshan"),
        Role(RoleKind.COUNTY_HEAD),  # the one above a 分管副县长
    )
    project.decide_step(DEPUTY, 1, Decision.APPROVE, OPENED)
    [meeting] = open_deadlines(project, RULES, CALENDAR)
    assert Role(RoleKind.COUNTY_HEAD) not in alarm_readers(meeting, Alarm.ESCALATION, "jianshan")


def test_the_card_shows_the_worst_colour_and_the_nearest_due_date(directory: Directory) -> None:
    deadlines = open_deadlines(at(OPENED, approving(directory)), RULES, CALENDAR)  # due 10-12
    schedule = RULES.schedule

    def on(day: date, progress_due: date | None = None) -> CardSignal:
        return card_signal(deadlines, progress_due, day, CALENDAR, schedule)

    assert on(date(2026, 9, 30)) == CardSignal(Signal.GREEN, date(2026, 10, 12))
    assert on(date(2026, 10, 9)).signal is Signal.YELLOW  # 10-10 and 10-12 left: two working days
    assert on(date(2026, 10, 12)).signal is Signal.YELLOW  # due today is not late
    assert on(date(2026, 10, 13)).signal is Signal.RED
    # The monthly update due sooner shows its date; past due it turns the card red though the step is not late.
    assert on(date(2026, 9, 30), date(2026, 10, 10)) == CardSignal(Signal.GREEN, date(2026, 10, 10))
    assert on(date(2026, 10, 12), date(2026, 10, 10)) == CardSignal(Signal.RED, date(2026, 10, 10))
    assert card_signal([], None, date(2026, 10, 13), CALENDAR, schedule) == CardSignal(Signal.GREEN)


def test_only_the_office_may_urge() -> None:
    check_may_urge(Principal(2, frozenset({Role(RoleKind.OFFICE)})))
    for roles in ({Role(RoleKind.COUNTY_HEAD)}, {Role(RoleKind.STAFF, "jianshan")}, set()):
        with pytest.raises(UrgeNotAllowed):
            check_may_urge(Principal(9, frozenset(roles)))


def test_a_step_opened_late_in_the_evening_counts_from_its_local_day(directory: Directory) -> None:
    # 23:30 in 磐安 is still 09-29 there though it is 15:30 UTC: the count starts from the local date.
    project = at(datetime(2026, 9, 29, 15, 30, tzinfo=UTC), approving(directory))
    [deadline] = open_deadlines(project, RULES, CALENDAR)
    assert deadline.due == date(2026, 10, 12)


def test_land_free_projects_and_terminated_ones(directory: Directory) -> None:
    project = at(OPENED, approving(directory, land=None))  # ≤ 30 亩 tier: 县长同意 → 副县长审批
    [deadline] = open_deadlines(project, RULES, CALENDAR)
    assert deadline.holder == Role(RoleKind.COUNTY_HEAD)
    assert Role(RoleKind.COUNTY_HEAD) not in alarm_readers(deadline, Alarm.ESCALATION, "jianshan")
    project.terminate(OFFICE, "投资方撤回", OPENED)
    assert open_deadlines(project, RULES, CALENDAR) == []
