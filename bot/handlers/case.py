"""查看审批表: the whole form of the project an approval request is about, opened with one tap.

The button carries only the project id. Who may read the form is the database's answer (domain.access); the tap
counts only in the presser's private chat or the project's own 联络群, and only on a message that carries it.
The form holds the investor's personal details, so it is always sent to the presser in private, never posted
to the group.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from bot.case_texts import whole_case
from bot.keyboards.case import CaseTap
from bot.taps import in_chat_of, in_own_private_chat, refused_off_message
from domain.directory import Directory
from domain.lifecycle import NotAllowed
from domain.project import Principal
from services.case import read_case
from storage.repositories import NotFound
from storage.uow import Database


async def case_tapped(query: CallbackQuery, callback_data: CaseTap, principal: Principal | None, **data: Any) -> None:
    db: Database = data["db"]
    directory: Directory = data["directory"]
    bot: Bot = data["bot"]
    if principal is None or not principal.roles:
        await query.answer(_("moves.unbound"), show_alert=True)
        return
    try:
        case = await read_case(db, person_id=principal.person_id, project_id=callback_data.p)
    except NotFound:
        await query.answer(_("case.project_not_found"), show_alert=True)
        return
    except NotAllowed:
        await query.answer(_("case.not_allowed"), show_alert=True)
        return
    if not in_chat_of(query, case.project.group_chat_id):
        await query.answer(_("taps.wrong_chat"), show_alert=True)
        return
    if await refused_off_message(query):
        return
    try:
        for text in whole_case(case, directory):
            await bot.send_message(chat_id=query.from_user.id, text=text)
    except (TelegramForbiddenError, TelegramBadRequest):  # no private chat with the bot yet, or it is blocked
        await query.answer(_("case.start_private"), show_alert=True)
        return
    await query.answer(None if in_own_private_chat(query) else _("case.sent_private"))


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.callback_query.register(case_tapped, CaseTap.filter(), F.from_user)
    return router
