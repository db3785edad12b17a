"""Buttons of the 联络处 feature: start the monthly report, record a visit, and the conversation's own buttons.

A button carries only an office code or a report id; whether the tapper may use it is the database's answer
when the tap arrives (the office's staff for a report, its 联系县领导 for a visit).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.ids import Code, OptionalId


class ReportTap(CallbackData, prefix="lr"):
    o: Code  # the office whose report to write


class VisitTap(CallbackData, prefix="lv"):
    o: Code = ""  # the office whose lead was followed (from a gap reminder or the office picker)
    r: OptionalId = 0  # the report whose lead was followed (from the report itself)


class TalkAction(StrEnum):
    SKIP = "k"
    CANCEL = "c"
    SUBMIT = "s"
    RESTART = "r"


class TalkAct(CallbackData, prefix="la"):
    a: TalkAction


def report_button(office: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("liaison.button.report"), callback_data=ReportTap(o=office))
    return builder.as_markup()


def visit_button(*, office: str = "", report_id: int = 0) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("liaison.button.visit"), callback_data=VisitTap(o=office, r=report_id))
    return builder.as_markup()


def offices_keyboard(offices: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per office, (code, name) each: which office's lead a visit followed."""
    builder = InlineKeyboardBuilder()
    for code, name in offices:
        builder.button(text=name, callback_data=VisitTap(o=code))
    builder.adjust(2)
    return builder.as_markup()


def question_keyboard(*, optional: bool) -> InlineKeyboardMarkup:
    """While a question is out: 跳过 when it may be left empty, and 取消."""
    builder = InlineKeyboardBuilder()
    if optional:
        builder.button(text=_("liaison.button.skip"), callback_data=TalkAct(a=TalkAction.SKIP))
    builder.button(text=_("liaison.button.cancel"), callback_data=TalkAct(a=TalkAction.CANCEL))
    return builder.as_markup()


def review_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("liaison.button.submit"), callback_data=TalkAct(a=TalkAction.SUBMIT))
    builder.button(text=_("liaison.button.restart"), callback_data=TalkAct(a=TalkAction.RESTART))
    builder.button(text=_("liaison.button.cancel"), callback_data=TalkAct(a=TalkAction.CANCEL))
    builder.adjust(1, 2)
    return builder.as_markup()
