"""Buttons that move a project: decisions on approval steps, the moves a person may make, and their drafts.

A decision carries only the step id and the decision; a move carries the project id, the move and (for a
meeting) its outcome. Who may tap is decided from the database when the tap arrives, never from the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.flows.moves import NOT_BUTTONS
from bot.keyboards.case import case_buttons
from bot.keyboards.ids import Code, Id
from domain.lifecycle import Move
from domain.records import ApprovalStep, Decision, Outcome

MEETING_MOVES = (Move.RECORD_SCREENING, Move.RECORD_LEADING_GROUP_REVIEW)


class StepDecision(CallbackData, prefix="sd"):
    step: Id
    d: Decision


class MoveTap(CallbackData, prefix="mv"):
    p: Id  # project id
    m: Move
    v: Code = ""  # the outcome of a meeting move


class DraftAction(StrEnum):
    SUBMIT = "s"  # 直接提交: leave the optional question unanswered and make the move
    CANCEL = "c"
    DONE = "d"  # the 专班 is picked


class DraftAct(CallbackData, prefix="da"):
    a: DraftAction


class MemberToggle(CallbackData, prefix="tf"):
    u: Code  # a department's unit code


def decision_label(decision: Decision, *, meeting: bool) -> str:
    """同意 / 不同意 / 退回修改, or 通过 / 不通过 for a meeting."""
    if meeting and decision is not Decision.RETURN:
        return _("moves.decide.meeting_" + decision.value)
    return _("moves.decide." + decision.value)


def decision_buttons(step_id: int, *, meeting: bool) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            text=decision_label(d, meeting=meeting), callback_data=StepDecision(step=step_id, d=d).pack()
        )
        for d in Decision
    ]


def decision_keyboard(step_id: int, *, project_id: int, meeting: bool) -> InlineKeyboardMarkup:
    """The three answers to an approval request, and under them the case to decide on (查看审批表 …)."""
    return InlineKeyboardMarkup(inline_keyboard=[decision_buttons(step_id, meeting=meeting), case_buttons(project_id)])


def moves_keyboard(project_id: int, moves: Iterable[Move], step: ApprovalStep | None) -> InlineKeyboardMarkup | None:
    """A button (or a row of outcomes) for each move offered; None when there is nothing to tap."""
    rows: list[list[InlineKeyboardButton]] = []
    singles: list[InlineKeyboardButton] = []
    for move in moves:
        if move in NOT_BUTTONS:
            continue
        if move is Move.DECIDE_STEP:
            if step is not None and step.id is not None:
                rows.append(decision_buttons(step.id, meeting=step.actor.is_meeting))
                rows.append(case_buttons(project_id))  # the case to decide on, wherever the decision is offered
        elif move in MEETING_MOVES:
            rows.append(
                [
                    InlineKeyboardButton(
                        text=_(f"moves.button.{move.value}.{outcome.value}"),
                        callback_data=MoveTap(p=project_id, m=move, v=outcome.value).pack(),
                    )
                    for outcome in Outcome
                ]
            )
        else:
            singles.append(
                InlineKeyboardButton(
                    text=_("moves.button." + move.value), callback_data=MoveTap(p=project_id, m=move).pack()
                )
            )
    rows += [singles[i : i + 2] for i in range(0, len(singles), 2)]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def draft_keyboard(*, optional: bool) -> InlineKeyboardMarkup:
    """While a question is out: 直接提交 when it may be left unanswered, and 取消."""
    builder = InlineKeyboardBuilder()
    if optional:
        builder.button(text=_("moves.submit_now"), callback_data=DraftAct(a=DraftAction.SUBMIT))
    builder.button(text=_("moves.cancel"), callback_data=DraftAct(a=DraftAction.CANCEL))
    return builder.as_markup()


def members_keyboard(departments: Sequence[tuple[str, str]], chosen: Iterable[str]) -> InlineKeyboardMarkup:
    """Toggle buttons for the 专班's departments, (code, name) each, then 确定 and 取消."""
    picked = set(chosen)
    builder = InlineKeyboardBuilder()
    for code, name in departments:
        key = "moves.members.on" if code in picked else "moves.members.off"
        builder.button(text=_(key).format(unit=name), callback_data=MemberToggle(u=code))
    builder.adjust(2)
    builder.row(
        InlineKeyboardButton(text=_("moves.members.done"), callback_data=DraftAct(a=DraftAction.DONE).pack()),
        InlineKeyboardButton(text=_("moves.cancel"), callback_data=DraftAct(a=DraftAction.CANCEL).pack()),
    )
    return builder.as_markup()
