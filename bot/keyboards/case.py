"""The button that opens a project's whole 审批表 from wherever its case is shown (the approval request).

It carries only the project id; who may read the form, and in which chat, is the database's answer on the tap.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

from bot.keyboards.ids import Id


class CaseTap(CallbackData, prefix="cf"):
    p: Id  # project id


def case_buttons(project_id: int) -> list[InlineKeyboardButton]:
    """The row under a request: 查看审批表 (and, beside it, what else the case holds)."""
    return [InlineKeyboardButton(text=_("case.button.form"), callback_data=CaseTap(p=project_id).pack())]
