"""Buttons of /outbox: per listed row 查看 / 补发 / 不需补发, and the pages. The data names a row and the page it
was listed on, nothing more: who may tap, and whether the row is still open, are read from the database."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

FROM_PREVIEW = -1  # the page of a button under a 查看 preview rather than in the list


class Act(StrEnum):
    VIEW = "v"
    RESEND = "r"
    NOT_NEEDED = "n"


class OutboxTap(CallbackData, prefix="ob"):
    a: Act
    r: int  # the outbox row
    p: int = FROM_PREVIEW  # the list page it was shown on


class OutboxPage(CallbackData, prefix="obp"):
    p: int


def list_keyboard(rows: Sequence[tuple[int, int]], page: int, pages: int) -> InlineKeyboardMarkup:
    """For each (number, row id) listed: its three buttons in one line; then 上一页 / 下一页."""
    lines = [
        [
            InlineKeyboardButton(
                text=_("outbox.button.view").format(number=number),
                callback_data=OutboxTap(a=Act.VIEW, r=row_id, p=page).pack(),
            ),
            InlineKeyboardButton(
                text=_("outbox.button.resend").format(number=number),
                callback_data=OutboxTap(a=Act.RESEND, r=row_id, p=page).pack(),
            ),
            InlineKeyboardButton(
                text=_("outbox.button.not_needed").format(number=number),
                callback_data=OutboxTap(a=Act.NOT_NEEDED, r=row_id, p=page).pack(),
            ),
        ]
        for number, row_id in rows
    ]
    paging = []
    if page > 0:
        paging.append(InlineKeyboardButton(text=_("outbox.previous"), callback_data=OutboxPage(p=page - 1).pack()))
    if page + 1 < pages:
        paging.append(InlineKeyboardButton(text=_("outbox.next"), callback_data=OutboxPage(p=page + 1).pack()))
    if paging:
        lines.append(paging)
    return InlineKeyboardMarkup(inline_keyboard=lines)


def preview_keyboard(row_id: int) -> InlineKeyboardMarkup:
    """Under a preview: 补发 or 不需补发 for that row."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("outbox.button.resend_this"), callback_data=OutboxTap(a=Act.RESEND, r=row_id).pack()
                ),
                InlineKeyboardButton(
                    text=_("outbox.button.not_needed_this"),
                    callback_data=OutboxTap(a=Act.NOT_NEEDED, r=row_id).pack(),
                ),
            ]
        ]
    )
