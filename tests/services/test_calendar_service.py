"""The office maintains the working-day calendar; deadlines read it together with the national one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.lifecycle import NotAllowed
from services.calendar import deadline, set_office_day
from storage.uow import Database
from tests.factories import NOW, OFFICE, PersonFactory, staff


async def test_a_deadline_into_an_unpublished_year_is_provisional_until_the_office_adds_its_holidays(
    db: Database, person: PersonFactory
) -> None:
    office = await person(OFFICE)
    start = datetime(2027, 2, 3, 2, tzinfo=UTC)  # a Wednesday; 2027's calendar is not published here
    before = await deadline(db, start, 3)
    assert before.due_date == date(2027, 2, 8)
    assert before.provisional_years == (2027,)
    for day in (date(2027, 2, 5), date(2027, 2, 8)):
        await set_office_day(db, person_id=office, day=day, is_workday=False, note="春节", now=NOW)
    after = await deadline(db, start, 3)
    assert after.due_date == date(2027, 2, 10)


async def test_only_the_office_keeps_the_calendar(db: Database, person: PersonFactory) -> None:
    cadre = await person(staff("jianshan"))
    with pytest.raises(NotAllowed):
        await set_office_day(db, person_id=cadre, day=date(2027, 1, 1), is_workday=False, note="元旦", now=NOW)


async def test_a_day_set_twice_keeps_the_last_word(db: Database, person: PersonFactory) -> None:
    office = await person(OFFICE)
    saturday = date(2027, 2, 20)
    await set_office_day(db, person_id=office, day=saturday, is_workday=False, note="误", now=NOW)
    await set_office_day(db, person_id=office, day=saturday, is_workday=True, note="调休上班", now=NOW)
    start = datetime(2027, 2, 19, 2, tzinfo=UTC)  # Friday
    assert (await deadline(db, start, 1)).due_date == saturday
