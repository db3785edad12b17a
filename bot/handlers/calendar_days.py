"""/calendar: the office sees whether this year's and next year's 放假调休 arrangements are in, and adds days.

Deadlines count 法定工作日; for a year the State Council has not yet published, weekends alone count until the
office adds the holidays and make-up working days here (e.g. "/calendar 2027-02-07 班 春节调休").
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.render import render
from bot.texts import quote
from domain.answers import read_full_date
from domain.calendar import SHANGHAI
from domain.project import Principal
from services.calendar import set_office_day, year_status
from storage.uow import Database
from zhikong.clock import Clock

# The words that say which kind of day the office is declaring.
DAY_OFF_WORDS = frozenset({"休", "放假", "休息", "off"})
WORKDAY_WORDS = frozenset({"班", "上班", "调休上班", "work", "workday"})


async def calendar_command(
    message: Message, command: CommandObject, db: Database, clock: Clock, principal: Principal | None
) -> None:
    if message.chat.type != "private":
        await message.reply(_("calendar.private_only"))
        return
    if principal is None:
        await message.answer(_("moves.unbound"))
        return
    if not command.args:
        this_year = clock.now().astimezone(SHANGHAI).year
        years = [await year_status(db, year) for year in (this_year, this_year + 1)]
        await message.answer(render("calendar_status.j2", years=years))
        return
    day_text, _sep, rest = command.args.strip().partition(" ")
    kind_text, _sep, note = rest.strip().partition(" ")
    try:
        day = read_full_date(day_text)
    except ValueError:
        day = None
    if day is None:
        await message.answer(_("calendar.bad_date").format(text=quote(day_text)))
        return
    if kind_text.lower() not in DAY_OFF_WORDS | WORKDAY_WORDS:
        await message.answer(_("calendar.bad_kind").format(text=quote(kind_text or "—")))
        return
    is_workday = kind_text.lower() in WORKDAY_WORDS
    # Whether this person may is decided by the service, from their roles in the database.
    await set_office_day(
        db, person_id=principal.person_id, day=day, is_workday=is_workday, note=note.strip(), now=clock.now()
    )
    key = "calendar.set_workday" if is_workday else "calendar.set_day_off"
    await message.answer(_(key).format(day=day.isoformat()))


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(calendar_command, Command("calendar"))
    return router
