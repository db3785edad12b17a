from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import (
    SHANGHAI,
    CalendarDataError,
    Deadline,
    WorkCalendar,
    deadline_after,
    is_overdue,
    load_calendar,
    load_default_calendar,
    working_days_overdue,
)
from domain.errors import DomainError

CAL = load_default_calendar()


def shanghai(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def raw_holidays() -> dict[str, Any]:
    text = resources.files("zhikong.data").joinpath("holidays.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


# --- national arrangements ---------------------------------------------------------------


def test_a_deadline_skips_the_national_day_week() -> None:
    deadline = deadline_after(shanghai(2026, 9, 30, 10, 0), 2, CAL)
    assert deadline == Deadline(date(2026, 10, 9))
    assert not deadline.is_provisional


def test_the_make_up_saturday_after_national_day_counts_as_a_working_day() -> None:
    assert deadline_after(shanghai(2026, 9, 30, 10, 0), 3, CAL).due_date == date(2026, 10, 10)


def test_a_deadline_across_spring_festival_counts_both_make_up_saturdays() -> None:
    start = shanghai(2026, 2, 12, 9, 0)  # Thursday
    assert deadline_after(start, 2, CAL).due_date == date(2026, 2, 14)  # make-up Saturday
    assert deadline_after(start, 3, CAL).due_date == date(2026, 2, 24)  # 2-15..2-23 off
    assert deadline_after(start, 7, CAL).due_date == date(2026, 2, 28)  # make-up Saturday
    assert deadline_after(start, 8, CAL).due_date == date(2026, 3, 2)


def test_a_deadline_from_a_friday_skips_the_weekend() -> None:
    friday = shanghai(2026, 3, 13, 17, 30)
    assert deadline_after(friday, 1, CAL).due_date == date(2026, 3, 16)
    assert deadline_after(friday, 3, CAL).due_date == date(2026, 3, 18)


def test_a_deadline_counts_from_the_shanghai_date_not_the_utc_date() -> None:
    thursday_evening_utc = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)  # Friday 01:00 in Shanghai
    assert deadline_after(thursday_evening_utc, 1, CAL).due_date == date(2026, 3, 16)


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="start must be timezone-aware"):
        deadline_after(datetime(2026, 3, 13, 9, 0), 1, CAL)


def test_zero_working_days_is_refused_naming_n() -> None:
    with pytest.raises(ValueError, match="n=0"):
        CAL.add_workdays(date(2026, 3, 13), 0)


def test_workdays_between_counts_the_half_open_interval() -> None:
    assert CAL.workdays_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert CAL.workdays_between(date(2026, 10, 10), date(2026, 10, 10)) == 0
    assert CAL.workdays_between(date(2026, 10, 12), date(2026, 10, 10)) == 0


# --- unpublished years and the office's own days -------------------------------------------


def test_an_unpublished_year_falls_back_to_monday_to_friday() -> None:
    assert not CAL.is_published(2027)
    assert CAL.is_workday(date(2027, 1, 1))  # a Friday; 元旦 is not known yet
    assert not CAL.is_workday(date(2027, 1, 2))


def test_a_count_into_2027_falls_back_and_reports_2027_as_provisional() -> None:
    deadline = deadline_after(shanghai(2026, 12, 30, 9, 0), 5, CAL)
    assert deadline.due_date == date(2027, 1, 6)
    assert deadline.provisional_years == (2027,)
    assert deadline.is_provisional


def test_a_count_that_stays_in_a_published_year_is_not_provisional() -> None:
    assert deadline_after(shanghai(2026, 12, 29, 9, 0), 2, CAL).provisional_years == ()


def test_office_days_off_in_2027_are_skipped() -> None:
    cal = load_default_calendar(office_days_off=[date(2027, 1, 1)])
    deadline = deadline_after(shanghai(2026, 12, 30, 9, 0), 5, cal)
    assert deadline.due_date == date(2027, 1, 7)
    assert deadline.provisional_years == (2027,)


def test_an_office_workday_overrides_the_national_arrangement_and_the_weekend() -> None:
    cal = load_default_calendar(office_workdays=[date(2026, 10, 5), date(2026, 3, 14)])
    assert cal.is_workday(date(2026, 10, 5))  # inside 国庆节
    assert cal.is_workday(date(2026, 3, 14))  # an ordinary Saturday
    assert deadline_after(shanghai(2026, 9, 30, 10, 0), 1, cal).due_date == date(2026, 10, 5)


def test_an_office_day_off_overrides_a_national_make_up_workday() -> None:
    cal = load_default_calendar(office_days_off=[date(2026, 10, 10)])
    assert not cal.is_workday(date(2026, 10, 10))


def test_a_day_both_off_and_worked_by_the_office_is_refused() -> None:
    with pytest.raises(CalendarDataError, match="2027-01-01"):
        load_default_calendar(office_days_off=[date(2027, 1, 1)], office_workdays=[date(2027, 1, 1)])


# --- overdue -------------------------------------------------------------------------------


def test_work_due_on_a_day_is_not_overdue_until_the_shanghai_day_ends() -> None:
    due = date(2026, 10, 8)
    assert not is_overdue(due, datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC))
    assert is_overdue(due, datetime(2026, 10, 8, 16, 0, 0, tzinfo=UTC))


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        is_overdue(date(2026, 10, 8), datetime(2026, 10, 9, 9, 0))


def test_working_days_overdue_counts_make_up_days_and_skips_weekends() -> None:
    due = date(2026, 10, 9)  # Friday before the make-up Saturday
    assert working_days_overdue(due, shanghai(2026, 10, 9, 23, 0), CAL) == 0
    assert working_days_overdue(due, shanghai(2026, 10, 10, 9, 0), CAL) == 1
    assert working_days_overdue(due, shanghai(2026, 10, 11, 9, 0), CAL) == 1
    assert working_days_overdue(due, shanghai(2026, 10, 12, 9, 0), CAL) == 2


def test_work_late_only_over_a_weekend_is_overdue_by_zero_working_days() -> None:
    due, sunday = date(2026, 3, 13), shanghai(2026, 3, 15, 9, 0)
    assert is_overdue(due, sunday)
    assert working_days_overdue(due, sunday, CAL) == 0


# --- properties ----------------------------------------------------------------------------

starts = st.dates(min_value=date(2023, 1, 1), max_value=date(2028, 12, 31))
counts = st.integers(min_value=1, max_value=80)


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    office_dates = st.frozensets(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)), max_size=20)
    days_off = draw(office_dates)
    workdays = draw(office_dates) - days_off
    return load_default_calendar(office_days_off=days_off, office_workdays=workdays)


@given(cal=calendars(), start=starts, n=counts)
def test_add_workdays_lands_on_a_workday_strictly_after_start(cal: WorkCalendar, start: date, n: int) -> None:
    due = cal.add_workdays(start, n)
    assert due > start
    assert cal.is_workday(due)


@given(cal=calendars(), start=starts, n=counts)
def test_workdays_between_undoes_add_workdays(cal: WorkCalendar, start: date, n: int) -> None:
    assert cal.workdays_between(start, cal.add_workdays(start, n)) == n


@given(start=starts, n=counts)
def test_a_deadline_is_provisional_exactly_when_it_counts_an_unpublished_year(start: date, n: int) -> None:
    deadline = deadline_after(datetime.combine(start, datetime.min.time(), SHANGHAI), n, CAL)
    counted = {start + timedelta(days=i) for i in range(1, (deadline.due_date - start).days + 1)}
    assert set(deadline.provisional_years) == {d.year for d in counted if not CAL.is_published(d.year)}


# --- the data file -------------------------------------------------------------------------


def test_the_data_file_publishes_2024_to_2026() -> None:
    assert {2024, 2025, 2026} <= CAL.published_years


def test_every_make_up_workday_in_the_data_file_is_a_saturday_or_sunday() -> None:
    for year, table in raw_holidays().items():
        for day in table["makeup_workdays"]:
            assert day.weekday() >= 5, f"{year}: {day} is a weekday"


def test_every_date_in_the_data_file_falls_in_its_year_and_in_one_list_only() -> None:
    for year, table in raw_holidays().items():
        days_off, makeup = set(table["days_off"]), set(table["makeup_workdays"])
        assert {d.year for d in days_off | makeup} <= {int(year)}
        assert not days_off & makeup


@pytest.mark.parametrize(("year", "statutory_days"), [(2024, 11), (2025, 13), (2026, 13)])
def test_each_year_gives_up_exactly_its_statutory_holidays(year: int, statutory_days: int) -> None:
    # 调休 moves days around but the net weekdays lost must equal the 全国年节及纪念日放假办法 count
    # (11 days until 2024, 13 from 2025 after 春节 and 劳动节 gained a day each).
    table = raw_holidays()[str(year)]
    weekdays_off = sum(d.weekday() < 5 for d in table["days_off"])
    assert weekdays_off - len(table["makeup_workdays"]) == statutory_days


def test_the_2026_national_day_holiday_is_in_the_data_file() -> None:
    assert all(not CAL.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert CAL.is_workday(date(2026, 9, 20)) and CAL.is_workday(date(2026, 10, 10))


# --- malformed data ------------------------------------------------------------------------


def year_2026(**table: Any) -> dict[str, Any]:
    return {"2026": {"days_off": [], "makeup_workdays": [], **table}}


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (year_2026(makeup_workdays=[date(2026, 3, 2)]), "2026-03-02"),
        (year_2026(days_off=[date(2025, 10, 1)]), "2025-10-01"),
        (year_2026(days_off=["2026-10-01"]), "2026-10-01 (str)"),
        (year_2026(days_off=[datetime(2026, 10, 1, 9, 0)]), "2026-10-01 09:00:00 (datetime)"),
        (year_2026(days_off="2026-10-01"), "days_off"),
        (year_2026(makeup_workday=[]), "makeup_workday"),
        (year_2026(notice=7), "notice"),
        ({"2026": {"days_off": []}}, "makeup_workdays"),
        ({"2026": [date(2026, 10, 1)]}, "table"),
        (year_2026(days_off=[date(2026, 10, 10)], makeup_workdays=[date(2026, 10, 10)]), "2026-10-10"),
    ],
)
def test_malformed_data_is_refused_naming_the_year_and_entry(data: dict[str, Any], named: str) -> None:
    with pytest.raises(CalendarDataError, match="year 2026") as caught:
        load_calendar(data)
    assert named in str(caught.value)
    assert caught.value.code == "calendar_data"
    assert isinstance(caught.value, DomainError)


def test_a_top_level_key_that_is_not_a_year_is_refused() -> None:
    with pytest.raises(CalendarDataError, match="'holidays'"):
        load_calendar({"holidays": {"days_off": [], "makeup_workdays": []}})
