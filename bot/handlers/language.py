"""/language: each person picks the language the bot speaks to them; the choice is remembered."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.i18n import LANGUAGES
from bot.keyboards import LanguageChoice, language_keyboard
from bot.taps import refused_off_message
from bot.texts import NAME_SHOWN, quote
from services.people import register_person
from storage.uow import Database
from zhikong.clock import Clock


async def offer_languages(message: Message) -> None:
    await message.answer(_("language.choose"), reply_markup=language_keyboard())


async def choose_language(query: CallbackQuery, callback_data: LanguageChoice, db: Database, clock: Clock) -> None:
    # The choice belongs to whoever tapped, even on a button someone else asked for in a group.
    user = query.from_user
    if await refused_off_message(query):
        return
    await register_person(
        db, display_name=user.full_name, telegram_user_id=user.id, language=callback_data.language, now=clock.now()
    )
    confirmation = _("language.chosen", locale=callback_data.language).format(name=quote(user.full_name, NAME_SHOWN))
    await query.answer(confirmation)
    if isinstance(query.message, Message) and query.message.chat.type == "private":
        await query.message.edit_text(confirmation)


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.message.register(offer_languages, Command("language"))
    router.callback_query.register(choose_language, LanguageChoice.filter(F.language.in_(LANGUAGES)), F.from_user)
    return router
