"""The office's one-tap 催办 on a pending approval step (offered in /projects).

The tap is checked against the database: only the office may 催办, a step decided meanwhile is answered as such,
and a second tap the same day sends nothing more. The answer is a short toast; the holder gets the message.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from bot.keyboards.deadlines import Urge
from bot.taps import in_own_private_chat, refused_off_message
from bot.texts import ALERT_MAX, role_label, shorten
from domain.directory import Directory
from domain.project import Principal
from domain.step_deadlines import UrgeNotAllowed, check_may_urge
from domain.supervision import SupervisionRules
from services.deadlines import Urging, urge_step
from storage.uow import Database
from zhikong.clock import Clock


async def urge_tapped(
    query: CallbackQuery,
    callback_data: Urge,
    principal: Principal | None,
    db: Database,
    directory: Directory,
    clock: Clock,
    rules: SupervisionRules,
) -> None:
    if principal is None:
        raise UrgeNotAllowed("An unregistered person may not 催办.", move="urge")
    if not in_own_private_chat(query):  # /projects, which offers 催办, lists in private only
        await query.answer(_("taps.private_only"), show_alert=True)
        return
    check_may_urge(principal)
    if await refused_off_message(query):
        return
    urged = await urge_step(db, rules, person_id=principal.person_id, step_id=callback_data.step, now=clock.now())
    holder = role_label(urged.holder, directory)
    if urged.outcome is Urging.ALREADY_TODAY:
        text = _("deadlines.urge.already_today").format(holder=holder, project=urged.project_name)
    elif urged.holder_reached:
        text = _("deadlines.urge.sent").format(holder=holder, project=urged.project_name)
    else:
        text = _("deadlines.urge.nobody").format(holder=holder, project=urged.project_name)
    await query.answer(shorten(text, ALERT_MAX), show_alert=True)  # a plain-text alert: the name needs no escape


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.callback_query.register(urge_tapped, Urge.filter(), F.from_user)
    return router
