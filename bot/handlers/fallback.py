"""The last router: messages no feature took. Unknown accounts are told how to get an invite.

In a group the bot sees commands and replies to its own messages (privacy mode), and everything when it is an
administrator. A reply to the bot or a command for it that no feature took gets a short hint; a command meant
for another bot (/x@otherbot) and plain talk between members get nothing.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.texts import NAME_SHOWN, quote
from domain.project import Principal

GROUPS = F.chat.type.in_({"group", "supergroup"})


async def not_understood(message: Message, principal: Principal | None) -> None:
    if principal is None or not principal.roles:
        assert message.from_user is not None
        await message.answer(
            _("start.unbound").format(
                name=quote(message.from_user.full_name, NAME_SHOWN), telegram_id=message.from_user.id
            )
        )
    else:
        await message.answer(_("fallback.not_understood"))


async def not_understood_in_group(message: Message, bot: Bot) -> None:
    """A reply to the bot, or a command for it, that no feature took: say what the bot can do."""
    if not await _addressed_to_me(message, bot):
        return
    await message.reply(_("fallback.group_hint"))


async def _addressed_to_me(message: Message, bot: Bot) -> bool:
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    text = message.text or message.caption or ""
    if not text.startswith("/"):
        return False
    command = text.split(maxsplit=1)[0]
    _name, at, mention = command.partition("@")
    if not at:
        return True  # a bare command reaches every bot in the group: this one answers what it was sent
    me = await bot.me()
    return mention.lower() == (me.username or "").lower()


async def stale_button(query: CallbackQuery) -> None:
    """Every tap gets an answer: a button no feature recognises (old, or forged) changes nothing and says so."""
    await query.answer(_("fallback.stale_button"), show_alert=True)


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(not_understood, F.chat.type == "private", F.from_user)
    router.message.register(not_understood_in_group, GROUPS, F.from_user)
    router.callback_query.register(stale_button)
    return router
