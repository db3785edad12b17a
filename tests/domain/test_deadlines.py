"""The alarm schedule around a due date, counted in 法定工作日 (2026's 国庆 with its 调休 Saturday)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.calendar import load_default_calendar
from domain.deadlines import (
    Alarm,
    AlarmDue,
    DeadlineSchedule,
    ScheduleError,
    Signal,
    alarms_due,
    signal_for,
    supervision_day,
    worst_signal,
)

CALENDAR = load_default_calendar()
SCHEDULE = DeadlineSchedule(remind_before=(2, 1), warn_every=2, escalate_after=3, yellow_within=2)
DUE = date(2026, 9, 30)  # the Wednesday before 国庆 (10-01..10-07 off, Saturday 10-10 a make-up working day)


def test_nothing_is_due_long_before_the_date() -> None:
    assert alarms_due(DUE, date(2026, 9, 21), CALENDAR, SCHEDULE) == []


def test_reminders_go_on_the_working_days_before_the_due_date() -> None:
    # 09-26 and 09-27 are 中秋 days off, so two working days before Wednesday 09-30 is Monday 09-28.
    assert alarms_due(DUE, date(2026, 9, 28), CALENDAR, SCHEDULE) == [AlarmDue(date(2026, 9, 28), Alarm.REMINDER, 2)]
    assert alarms_due(DUE, date(2026, 9, 30), CALENDAR, SCHEDULE) == [AlarmDue(date(2026, 9, 29), Alarm.REMINDER, 1)]


def test_a_reminder_missed_while_down_is_overtaken_by_the_nearer_one() -> None:
    due_today = alarms_due(DUE, DUE, CALENDAR, SCHEDULE)
    assert [a.key for a in due_today] == ["reminder:1"]


def test_no_warning_over_the_holiday_the_first_comes_on_the_first_working_day_after() -> None:
    for holiday in (date(2026, 10, 1), date(2026, 10, 4), date(2026, 10, 7)):
        assert alarms_due(DUE, holiday, CALENDAR, SCHEDULE) == []
    assert alarms_due(DUE, date(2026, 10, 8), CALENDAR, SCHEDULE) == [AlarmDue(date(2026, 10, 8), Alarm.WARNING, 1)]


def test_the_make_up_saturday_counts_for_the_second_warning_and_the_escalation() -> None:
    assert alarms_due(DUE, date(2026, 10, 10), CALENDAR, SCHEDULE) == [
        AlarmDue(date(2026, 10, 10), Alarm.ESCALATION, 1),
        AlarmDue(date(2026, 10, 10), Alarm.WARNING, 2),
    ]


def test_an_ordinary_sunday_adds_nothing_and_the_keys_stay_stable() -> None:
    on_saturday = alarms_due(DUE, date(2026, 10, 10), CALENDAR, SCHEDULE)
    on_sunday = alarms_due(DUE, date(2026, 10, 11), CALENDAR, SCHEDULE)
    assert on_sunday == on_saturday
    assert {a.key for a in on_sunday} == {"warning:2", "escalation:1"}


def test_warnings_repeat_on_the_cadence() -> None:
    # Working days after 09-30: 10-08, 10-09, 10-10 (Sat), 10-12, 10-13, 10-14 ...
    keys = [a.key for a in alarms_due(DUE, date(2026, 10, 13), CALENDAR, SCHEDULE) if a.alarm is Alarm.WARNING]
    assert keys == ["warning:3"]


def test_the_card_colour_follows_the_nearest_deadline() -> None:
    assert signal_for(None, DUE, CALENDAR, SCHEDULE) is Signal.GREEN
    assert signal_for(DUE, date(2026, 9, 24), CALENDAR, SCHEDULE) is Signal.GREEN  # 3 working days before
    assert signal_for(DUE, date(2026, 9, 28), CALENDAR, SCHEDULE) is Signal.YELLOW
    assert signal_for(DUE, DUE, CALENDAR, SCHEDULE) is Signal.YELLOW
    assert signal_for(DUE, date(2026, 10, 1), CALENDAR, SCHEDULE) is Signal.RED
    assert worst_signal([Signal.GREEN, Signal.RED, Signal.YELLOW]) is Signal.RED
    assert worst_signal([]) is Signal.GREEN


def test_nobody_is_alarmed_before_the_sending_hour_in_shanghai() -> None:
    # 00:30 UTC is 08:30 in Shanghai: the day whose hour has come is still yesterday.
    assert supervision_day(datetime(2026, 10, 8, 0, 30, tzinfo=UTC), send_hour=9) == date(2026, 10, 7)
    assert supervision_day(datetime(2026, 10, 8, 1, 0, tzinfo=UTC), send_hour=9) == date(2026, 10, 8)


@pytest.mark.parametrize(
    "values",
    [{"remind_before": (-1,)}, {"warn_every": 0}, {"escalate_after": 0}, {"yellow_within": -1}],
)
def test_a_schedule_that_cannot_work_is_refused(values: dict[str, object]) -> None:
    with pytest.raises(ScheduleError):
        DeadlineSchedule(**values)  # type: ignore[arg-type]
