"""/start, /whoami and /help: who am I to the bot, and what can I do."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.help import help_keys
from bot.i18n import language_of
from bot.texts import NAME_SHOWN, quote, roles_list
from domain.directory import Directory
from domain.people import Person
from domain.project import Principal
from services.people import register_person
from storage.uow import Database
from zhikong.clock import Clock


async def start(
    message: Message,
    db: Database,
    clock: Clock,
    person: Person | None,
    principal: Principal | None,
    directory: Directory,
) -> None:
    user = message.from_user
    assert user is not None  # guaranteed by the F.from_user filter
    language = person.language if person else language_of(user.language_code)
    await register_person(db, display_name=user.full_name, telegram_user_id=user.id, language=language, now=clock.now())
    if principal is None or not principal.roles:
        await message.answer(_("start.unbound").format(name=quote(user.full_name, NAME_SHOWN), telegram_id=user.id))
        return
    roles = roles_list(principal.roles, directory)
    await message.answer(_("start.welcome").format(name=quote(user.full_name, NAME_SHOWN), roles=roles))


async def whoami(message: Message, principal: Principal | None, directory: Directory) -> None:
    user = message.from_user
    assert user is not None
    if principal is None or not principal.roles:
        await message.answer(_("whoami.nobody").format(telegram_id=user.id))
        return
    roles = roles_list(principal.roles, directory)
    await message.answer(_("whoami.roles").format(telegram_id=user.id, roles=roles))


async def help_(message: Message, principal: Principal | None) -> None:
    """The commands that fit this person's roles (bot.help lists them), or how to get bound."""
    if principal is None or not principal.roles:
        await message.answer(_("help.unbound"))
        return
    lines = [_(key) for key in help_keys(principal.roles)]
    await message.answer("\n".join([_("help.bound"), *lines]))


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(start, CommandStart(), F.chat.type == "private", F.from_user)
    router.message.register(whoami, Command("whoami"), F.from_user)
    router.message.register(help_, Command("help"))
    return router
