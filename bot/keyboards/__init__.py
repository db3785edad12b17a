"""Keyboard builders: pure functions from what to offer to inline keyboards; callback data stays under 64 bytes.

Each feature keeps its builders and CallbackData classes in a module of this package.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import LANGUAGES
from bot.keyboards.ids import Code


class LanguageChoice(CallbackData, prefix="lang"):
    language: Code


def language_keyboard() -> InlineKeyboardMarkup:
    """One button per catalog, each labelled in its own language."""
    builder = InlineKeyboardBuilder()
    for language in LANGUAGES:
        builder.button(text=_("language.name", locale=language), callback_data=LanguageChoice(language=language))
    return builder.as_markup()
