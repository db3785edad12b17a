"""The statutory working-day calendar: national 放假调休 arrangements plus the office's own days."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any, Final
from zoneinfo import ZoneInfo

from domain.errors import DomainError

SHANGHAI: Final = ZoneInfo("Asia/Shanghai")

_ONE_DAY: Final = timedelta(days=1)
_YEAR_KEYS: Final = frozenset({"notice", "days_off", "makeup_workdays"})
_SATURDAY: Final = 5
_WEEKDAY_NAMES: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarDataError(DomainError):
    """The holiday data is malformed; the calendar was not built."""

    code = "calendar_data"


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: national arrangements for published years, office days on top."""

    days_off: frozenset[date]
    makeup_workdays: frozenset[date]
    published_years: frozenset[int]
    office_days_off: frozenset[date] = frozenset()
    office_workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        for first, second, a, b in (
            ("days_off", "makeup_workdays", self.days_off, self.makeup_workdays),
            ("office_days_off", "office_workdays", self.office_days_off, self.office_workdays),
        ):
            if clash := a & b:
                day = min(clash)
                raise CalendarDataError(
                    f"year {day.year}: {day.isoformat()} is listed in both {first} and {second}",
                    year=day.year,
                    entry=day.isoformat(),
                )

    def is_published(self, year: int) -> bool:
        """Return whether the national arrangement for `year` is known."""
        return year in self.published_years

    def is_workday(self, day: date) -> bool:
        """Return whether `day` is a working day; office days win, unpublished years count Mon–Fri."""
        if day in self.office_workdays:
            return True
        if day in self.office_days_off:
            return False
        if self.is_published(day.year):
            if day in self.makeup_workdays:
                return True
            if day in self.days_off:
                return False
        return day.weekday() < _SATURDAY

    def add_workdays(self, start: date, n: int) -> date:
        """Return the n-th working day strictly after `start` (n ≥ 1)."""
        if n < 1:
            raise ValueError(f"n must be at least 1 working day, got n={n}")
        day = start
        while n:
            day += _ONE_DAY
            if self.is_workday(day):
                n -= 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Return the number of working days in (start, end]; 0 when end is not after start."""
        return sum(self.is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


@dataclass(frozen=True)
class Deadline:
    """A due date counted in working days, and the unpublished years it had to guess for."""

    due_date: date
    provisional_years: tuple[int, ...] = ()

    @property
    def is_provisional(self) -> bool:
        """Return whether any counted year lacked a published national arrangement."""
        return bool(self.provisional_years)


def deadline_after(start: datetime, workdays: int, cal: WorkCalendar) -> Deadline:
    """Return the deadline `workdays` working days after the Shanghai date of aware `start`."""
    first_day = _shanghai_date(start, "start")
    due = cal.add_workdays(first_day, workdays)
    counted_years = range((first_day + _ONE_DAY).year, due.year + 1)
    return Deadline(due, tuple(y for y in counted_years if not cal.is_published(y)))


def is_overdue(due_date: date, now: datetime) -> bool:
    """Return whether the Shanghai date of aware `now` is after `due_date`."""
    return _shanghai_date(now, "now") > due_date


def working_days_overdue(due_date: date, now: datetime, cal: WorkCalendar) -> int:
    """Return the working days after `due_date` up to and including the Shanghai date of `now` (0 if none)."""
    return cal.workdays_between(due_date, _shanghai_date(now, "now"))


def load_calendar(
    data: Mapping[str, Any],
    *,
    office_days_off: Iterable[date] = (),
    office_workdays: Iterable[date] = (),
) -> WorkCalendar:
    """Build a calendar from parsed holidays TOML plus office days, or raise CalendarDataError."""
    years: set[int] = set()
    days_off: set[date] = set()
    makeup_workdays: set[date] = set()
    for key, table in data.items():
        year = _year_of(key)
        years.add(year)
        if not isinstance(table, Mapping):
            raise CalendarDataError(f"year {year}: expected a table, got {table!r}", year=year, entry=key)
        if unknown := set(table) - _YEAR_KEYS:
            entry = sorted(unknown)[0]
            raise CalendarDataError(
                f"year {year}: unknown key {entry!r}; expected {sorted(_YEAR_KEYS)}", year=year, entry=entry
            )
        if "notice" in table and not isinstance(table["notice"], str):
            raise CalendarDataError(f"year {year}: notice must be a string", year=year, entry="notice")
        days_off |= _dates(year, table, "days_off")
        makeup = _dates(year, table, "makeup_workdays")
        for day in makeup:
            if day.weekday() < _SATURDAY:
                raise CalendarDataError(
                    f"year {year}: makeup workday {day.isoformat()} is a {_WEEKDAY_NAMES[day.weekday()]},"
                    " not a Saturday or Sunday",
                    year=year,
                    entry=day.isoformat(),
                )
        makeup_workdays |= makeup
    return WorkCalendar(
        days_off=frozenset(days_off),
        makeup_workdays=frozenset(makeup_workdays),
        published_years=frozenset(years),
        office_days_off=frozenset(office_days_off),
        office_workdays=frozenset(office_workdays),
    )


def load_default_calendar(
    *,
    office_days_off: Iterable[date] = (),
    office_workdays: Iterable[date] = (),
) -> WorkCalendar:
    """Build a calendar from the packaged zhikong/data/holidays.toml plus office days."""
    text = resources.files("zhikong.data").joinpath("holidays.toml").read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarDataError(f"holidays.toml is not valid TOML: {exc}", year=None, entry=str(exc)) from exc
    return load_calendar(data, office_days_off=office_days_off, office_workdays=office_workdays)


def _shanghai_date(moment: datetime, name: str) -> date:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(SHANGHAI).date()


def _year_of(key: str) -> int:
    if not (len(key) == 4 and key.isascii() and key.isdigit()):
        raise CalendarDataError(f"top-level key {key!r} is not a four-digit year", year=key, entry=key)
    return int(key)


def _dates(year: int, table: Mapping[str, Any], key: str) -> set[date]:
    if key not in table:
        raise CalendarDataError(f"year {year}: missing {key} (write {key} = [] if none)", year=year, entry=key)
    entries = table[key]
    if not isinstance(entries, list):
        raise CalendarDataError(f"year {year}: {key} must be a list of dates", year=year, entry=key)
    for entry in entries:
        # tomllib yields datetime (a date subclass) for values with a time; those are mistakes here.
        if type(entry) is not date:
            raise CalendarDataError(
                f"year {year}: {key} entry {entry} ({type(entry).__name__}) is not a bare date",
                year=year,
                entry=str(entry),
            )
        if entry.year != year:
            raise CalendarDataError(
                f"year {year}: {key} entry {entry.isoformat()} belongs to year {entry.year}",
                year=year,
                entry=entry.isoformat(),
            )
    return set(entries)
