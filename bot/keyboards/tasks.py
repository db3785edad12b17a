"""Buttons of the 交办单: each step's buttons for whose turn it is, and those of a conversation in progress.

A step's button carries only what it does and an opaque id (of the 交办单, or of one item); who may tap it is
decided from the database when the tap arrives, never from the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.keyboards.ids import Id
from domain.tasks import TaskMove


class TaskTap(CallbackData, prefix="tk"):
    m: TaskMove
    i: Id  # the 交办单's id; an item's id for complete_item and criticize


class TalkAction(StrEnum):
    CONFIRM = "c"  # 确认上报 / 确认提交
    FINISH = "f"  # the items are all sent
    UNDO = "u"  # drop the last item
    CANCEL = "x"


class TaskTalkTap(CallbackData, prefix="tkt"):
    a: TalkAction


# The words on each step's button; the item moves name the item when a message holds several.
_LABELS = {
    TaskMove.PREPARE: "tasks.button.prepare",
    TaskMove.RETURN_REPORT: "tasks.button.return",
    TaskMove.APPROVE: "tasks.button.approve",
    TaskMove.SEND_BACK: "tasks.button.return",
    TaskMove.ISSUE: "tasks.button.issue",
    TaskMove.REFER_BACK: "tasks.button.return",
    TaskMove.COMPLETE_ITEM: "tasks.button.done",
    TaskMove.CRITICIZE: "tasks.button.criticize",
}


def move_button(move: TaskMove, ident: int, *, seq: int | None = None) -> InlineKeyboardButton:
    text = _(_LABELS[move])
    if seq is not None:
        text = _("tasks.button.of_item").format(seq=seq, action=text)
    return InlineKeyboardButton(text=text, callback_data=TaskTap(m=move, i=ident).pack())


def task_keyboard(
    request_id: int, moves: Iterable[TaskMove], item_moves: Iterable[tuple[int, int, TaskMove]] = ()
) -> InlineKeyboardMarkup | None:
    """The 交办单's step buttons in one row, then a row per item move as (item id, seq, move); None if none."""
    rows: list[list[InlineKeyboardButton]] = []
    step_row = [move_button(move, request_id) for move in moves]
    if step_row:
        rows.append(step_row)
    item_list = list(item_moves)
    several = len({item_id for item_id, _seq, _move in item_list}) > 1
    for item_id, seq, move in item_list:
        rows.append([move_button(move, item_id, seq=seq if several else None)])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def talk_keyboard(*actions: TalkAction) -> InlineKeyboardMarkup:
    """The buttons of a conversation in progress: `actions` in one row, 取消 on its own below."""
    labels = {
        TalkAction.CONFIRM: "tasks.button.confirm",
        TalkAction.FINISH: "tasks.button.finish",
        TalkAction.UNDO: "tasks.button.undo",
        TalkAction.CANCEL: "tasks.button.cancel",
    }

    def button(action: TalkAction) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=_(labels[action]), callback_data=TaskTalkTap(a=action).pack())

    first = [button(a) for a in actions if a is not TalkAction.CANCEL]
    rows = [first] if first else []
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [button(TalkAction.CANCEL)]])
