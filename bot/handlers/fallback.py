"""The last router: private messages no feature took. Unknown accounts are told how to get an invite."""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.project import Principal


async def not_understood(message: Message, principal: Principal | None) -> None:
    if principal is None or not principal.roles:
        assert message.from_user is not None
        await message.answer(
            _("start.unbound").format(name=html.escape(message.from_user.full_name), telegram_id=message.from_user.id)
        )
    else:
        await message.answer(_("fallback.not_understood"))


async def stale_button(query: CallbackQuery) -> None:
    """Every tap gets an answer: a button no feature recognises (old, or forged) changes nothing and says so."""
    await query.answer(_("fallback.stale_button"), show_alert=True)


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(not_understood, F.chat.type == "private", F.from_user)
    router.callback_query.register(stale_button)
    return router
