"""The 催办 button: it carries only the step's id; who may press it is decided from the database on the tap."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

from bot.keyboards.ids import Id

# Long project names would crowd the button; the list above it names the project in full.
_NAME_SHOWN = 12


class Urge(CallbackData, prefix="urge"):
    step: Id


def urge_button(step_id: int, number: int, project_name: str) -> InlineKeyboardButton:
    """催办 for the pending step of the project listed as `number`."""
    name = project_name if len(project_name) <= _NAME_SHOWN else project_name[: _NAME_SHOWN - 1] + "…"
    return InlineKeyboardButton(
        text=_("deadlines.urge_button").format(number=number, project=name), callback_data=Urge(step=step_id).pack()
    )
