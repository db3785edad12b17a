"""Buttons of the monthly progress update. The start button carries the project id (who may start is the
database's answer on the tap); the others carry an index or an action, checked against the tapper's own draft."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.ids import Id, Index


class ProgressStart(CallbackData, prefix="pg"):
    p: Id  # project id


class ProgressPick(CallbackData, prefix="pp"):
    """The i-th project of the list offered to this person."""

    i: Index


class ProgressStage(CallbackData, prefix="ps"):
    changed: bool


class ProgressAction(StrEnum):
    SUBMIT = "s"
    REDO = "r"
    CANCEL = "c"


class ProgressAct(CallbackData, prefix="pa"):
    a: ProgressAction


def start_keyboard(project_id: int) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text=_("progress.button.start"), callback_data=ProgressStart(p=project_id).pack())
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def projects_keyboard(names: Sequence[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index, name in enumerate(names):
        builder.button(text=name, callback_data=ProgressPick(i=index))
    builder.adjust(1)
    return builder.as_markup()


def stage_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("progress.button.unchanged"), callback_data=ProgressStage(changed=False).pack()
                ),
                InlineKeyboardButton(
                    text=_("progress.button.changed"), callback_data=ProgressStage(changed=True).pack()
                ),
            ],
            [
                InlineKeyboardButton(
                    text=_("progress.button.cancel"), callback_data=ProgressAct(a=ProgressAction.CANCEL).pack()
                )
            ],
        ]
    )


def review_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("progress.button.submit"), callback_data=ProgressAct(a=ProgressAction.SUBMIT))
    builder.button(text=_("progress.button.redo"), callback_data=ProgressAct(a=ProgressAction.REDO))
    builder.button(text=_("progress.button.cancel"), callback_data=ProgressAct(a=ProgressAction.CANCEL))
    builder.adjust(1, 2)
    return builder.as_markup()
