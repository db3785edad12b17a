"""The working-day calendar in force: the national arrangements plus the days the office adds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.calendar import Deadline, WorkCalendar, deadline_after, load_default_calendar
from domain.directory import Role, RoleKind
from domain.lifecycle import NotAllowed
from domain.project import Event
from storage.uow import Database


async def work_calendar(db: Database) -> WorkCalendar:
    """National holidays and 调休 days, overlaid with the office's own entries."""
    async with db.uow(read_only=True) as uow:
        days_off, workdays = await uow.calendar.office_days()
    return load_default_calendar(office_days_off=days_off, office_workdays=workdays)


@dataclass(frozen=True)
class YearStatus:
    """What the office needs to know of a year: whether the State Council's arrangement is in, and its own days."""

    year: int
    published: bool
    office_days_off: list[date]
    office_workdays: list[date]


async def year_status(db: Database, year: int) -> YearStatus:
    calendar = await work_calendar(db)
    return YearStatus(
        year,
        calendar.is_published(year),
        sorted(d for d in calendar.office_days_off if d.year == year),
        sorted(d for d in calendar.office_workdays if d.year == year),
    )


async def deadline(db: Database, start: datetime, workdays: int) -> Deadline:
    """The due date `workdays` 法定工作日 after `start`; provisional where a year's calendar is unpublished."""
    return deadline_after(start, workdays, await work_calendar(db))


async def set_office_day(
    db: Database, *, person_id: int, day: date, is_workday: bool, note: str, now: datetime
) -> None:
    """The office declares a day off or a working day, e.g. once a new year's arrangement is announced."""
    async with db.uow() as uow:
        if not (await uow.people.principal(person_id)).holds(Role(RoleKind.OFFICE)):
            raise NotAllowed(
                "Only the 领导小组办公室 maintains the calendar.",
                move="set_office_day",
                expected=[str(Role(RoleKind.OFFICE))],
            )
        await uow.calendar.set_day(day, is_workday=is_workday, note=note.strip()[:100], person_id=person_id, now=now)
        await uow.flush()
        event = Event("calendar_day_set", person_id, now, {}, {"day": day, "is_workday": is_workday, "note": note})
        await uow.audit.append("calendar", day.year, event)
        await uow.commit()
