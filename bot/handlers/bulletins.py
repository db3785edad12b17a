"""/bulletin: the office previews a 通报 (a month) or a 赛拼 (a quarter) in private — text, chart and table,
exactly as readers will get them — and publishes it with one tap. Publishing goes through the outbox like the
scheduled one, once per period: a second tap, or the scheduler on the day, sends nothing again.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import StringConstraints

from bot.notices_bulletin import bulletin_text, make_file, title_of
from bot.taps import carries, in_own_private_chat
from domain.bulletin import (
    BulletinKind,
    contest_to_json,
    month_period,
    monthly_to_json,
    previous_month,
    quarter_period,
)
from domain.calendar import SHANGHAI
from domain.directory import Directory, Role, RoleKind
from domain.project import Principal
from domain.scoring import ScoringRules
from services import bulletins as uc
from storage.uow import Database
from zhikong.clock import Clock

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
_QUARTER = re.compile(r"^([0-9]{4})-?[Qq]([1-4])$")
# The years a 通报 can be asked for: wide, but with room on both sides for the months before and after.
_YEARS = range(2000, 2100)


class PublishTap(CallbackData, prefix="bp"):
    k: Literal["m", "q"]  # a month's 通报 or a quarter's 赛拼
    # The period as packed, "2026-10" or "2026-Q3": a forged year beyond 9999 or a month 13 fails the unpack.
    p: Annotated[str, StringConstraints(pattern=r"^[12][0-9]{3}-(Q[1-4]|[1-9]|0[1-9]|1[0-2])$")]


def _is_office(principal: Principal | None) -> bool:
    return principal is not None and principal.holds(Role(RoleKind.OFFICE))


def _period(argument: str | None, today: date) -> tuple[BulletinKind, int, int] | None:
    """What /bulletin asks for: nothing → last month's 通报; "2026-10" → that month; "2026-Q3" → that 赛拼."""
    text = (argument or "").strip()
    if not text:
        year, month = previous_month(today.year, today.month)
        return BulletinKind.MONTHLY, year, month
    if (found := _MONTH.match(text)) and int(found[1]) in _YEARS:
        month = int(found[2])
        return (BulletinKind.MONTHLY, int(found[1]), month) if 1 <= month <= 12 else None
    if (found := _QUARTER.match(text)) and int(found[1]) in _YEARS:
        return BulletinKind.QUARTERLY, int(found[1]), int(found[2])
    return None


async def bulletin(
    message: Message,
    command: CommandObject,
    db: Database,
    directory: Directory,
    clock: Clock,
    scoring: ScoringRules,
    principal: Principal | None,
) -> None:
    """/bulletin [period] in private: the preview of the 通报 or 赛拼 with a button to publish it."""
    if message.chat.type != "private":
        await message.reply(_("bulletin.private_only"))
        return
    if not _is_office(principal):
        await message.answer(_("bulletin.office_only"))
        return
    now = clock.now()
    wanted = _period(command.args, now.astimezone(SHANGHAI).date())
    if wanted is None:
        await message.answer(_("bulletin.usage"))
        return
    kind, year, number = wanted
    if kind is BulletinKind.MONTHLY:
        monthly, published = await uc.preview_monthly(db, directory, scoring, year, number, now)
        figures, period = monthly_to_json(monthly), month_period(year, number)
    else:
        contest, published = await uc.preview_quarterly(db, directory, scoring, year, number, now)
        figures, period = contest_to_json(contest), quarter_period(year, number)
    await message.answer(_("bulletin.preview_published" if published else "bulletin.preview_head"))
    await message.answer(bulletin_text(kind, figures, directory))
    title = title_of(kind, period)
    chart = await make_file(kind, "chart", figures, period, directory)
    await message.answer_photo(
        BufferedInputFile(chart.data, chart.name), caption=_("bulletin.chart_caption").format(title=title)
    )
    table = await make_file(kind, "table", figures, period, directory)
    markup = None
    if not published:
        builder = InlineKeyboardBuilder()
        tap = PublishTap(k="q" if kind is BulletinKind.QUARTERLY else "m", p=period)
        builder.button(text=_("bulletin.button.publish"), callback_data=tap)
        markup = builder.as_markup()
    await message.answer_document(
        BufferedInputFile(table.data, table.name),
        caption=_("bulletin.table_caption").format(title=title),
        reply_markup=markup,
    )


async def publish_tapped(
    query: CallbackQuery,
    callback_data: PublishTap,
    db: Database,
    directory: Directory,
    clock: Clock,
    scoring: ScoringRules,
    principal: Principal | None,
) -> None:
    """The office's 发布: publish once; anyone else, or a forged period, changes nothing."""
    if not _is_office(principal) or principal is None:
        await query.answer(_("bulletin.office_only"), show_alert=True)
        return
    # The preview, and its button, are shown in private only; the bot keeps no record of the preview, so the
    # button must be on the message pressed.
    if not in_own_private_chat(query) or not carries(query):
        await query.answer(_("bulletin.expired"), show_alert=True)
        return
    year_text, _sep, rest = callback_data.p.partition("-")
    try:
        year, number = int(year_text), int(rest.removeprefix("Q"))
    except ValueError:
        await query.answer(_("bulletin.expired"), show_alert=True)
        return
    now = clock.now()
    if callback_data.k == "q":
        done = await uc.publish_quarterly(db, directory, scoring, year, number, now, actor=principal.person_id)
    elif callback_data.k == "m" and 1 <= number <= 12:
        done = await uc.publish_monthly(db, directory, scoring, year, number, now, actor=principal.person_id)
    else:
        await query.answer(_("bulletin.expired"), show_alert=True)
        return
    answer = _("bulletin.already") if done is None else _("bulletin.published").format(readers=done.readers)
    await query.answer(answer)
    if query.message is not None:
        await query.message.answer(answer)


def router() -> Router:
    router = Router(name="bulletins")
    router.message.register(bulletin, Command("bulletin"), F.from_user)
    router.callback_query.register(publish_tapped, PublishTap.filter(), F.from_user)
    return router
