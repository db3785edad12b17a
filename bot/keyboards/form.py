"""Buttons of the 审批表 conversation. Callback data are short indexes; who may tap is decided from the state."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.ids import Index

# Telegram shows at most 64 characters of placeholder.
PLACEHOLDER_MAX = 64
# Long labels wrap badly on phones: such buttons get a row of their own.
WIDE_LABEL = 8


class FormAction(StrEnum):
    SKIP = "s"  # leave the optional field asked empty
    SUBMIT = "u"  # from the review card: show the route (or the missing 论证)
    CONFIRM = "c"  # submit the form along the route shown
    ARGUED = "a"  # the 分管县领导论证 is held: ask its date
    REVIEW = "r"  # back to the review card
    PAUSE = "p"  # like /cancel


class FormPick(CallbackData, prefix="fp"):
    """The i-th option of the question (or project list) the button is under."""

    i: Index


class FormEdit(CallbackData, prefix="fe"):
    """Edit the field with this index in FORM_FIELDS."""

    f: Index


class FormAct(CallbackData, prefix="fa"):
    a: FormAction


def answer_field(placeholder: str) -> ForceReply:
    """Opens the reply field of the person mentioned (or replied to) and no one else's."""
    return ForceReply(force_reply=True, selective=True, input_field_placeholder=placeholder[:PLACEHOLDER_MAX])


def options_keyboard(labels: Sequence[str], *, skippable: bool) -> InlineKeyboardMarkup:
    """One button per option, two or three a row as they fit; a skip button for optional fields."""
    builder = InlineKeyboardBuilder()
    for index, label in enumerate(labels):
        builder.button(text=label, callback_data=FormPick(i=index))
    width = 2 if any(len(label) > WIDE_LABEL // 2 for label in labels) else 3
    builder.adjust(1 if any(len(label) > WIDE_LABEL for label in labels) else width)
    if skippable:
        builder.row(*_buttons((_("form.button.skip"), FormAction.SKIP)))
    return builder.as_markup()


def projects_keyboard(names: Sequence[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index, name in enumerate(names):
        builder.button(text=name, callback_data=FormPick(i=index))
    builder.adjust(1)
    return builder.as_markup()


def review_keyboard(fields: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A button per field (its label) to edit it, then 提交 and 暂停."""
    builder = InlineKeyboardBuilder()
    for index, label in fields:
        builder.button(text=label, callback_data=FormEdit(f=index))
    builder.adjust(2)
    builder.row(*_buttons((_("form.button.submit"), FormAction.SUBMIT), (_("form.button.pause"), FormAction.PAUSE)))
    return builder.as_markup()


def confirm_keyboard() -> InlineKeyboardMarkup:
    return _row((_("form.button.confirm"), FormAction.CONFIRM), (_("form.button.back_to_form"), FormAction.REVIEW))


def argument_keyboard() -> InlineKeyboardMarkup:
    return _row((_("form.button.argued"), FormAction.ARGUED), (_("form.button.back_to_form"), FormAction.REVIEW))


def _buttons(*items: tuple[str, FormAction]) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=text, callback_data=FormAct(a=action).pack()) for text, action in items]


def _row(*items: tuple[str, FormAction]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[_buttons(*items)])
