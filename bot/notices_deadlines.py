"""Notices of the approval route's and the 研判 cycle's deadlines: reminders, warnings, escalations, the office's
催办, and the word that a due date was counted on an unpublished year.

Reminders, warnings and 催办 on a step carry its decision buttons, so the holder can act from the message
itself; whoever taps, the decision is checked against the database when the tap arrives.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.keyboards.moves import decision_keyboard
from bot.notices import Notice, NoticeContext, notice
from bot.step_texts import step_label
from bot.texts import role_label, unit_name
from domain.approval import Actor, StepAction
from domain.directory import Directory, Role
from domain.step_deadlines import Duty

# The notices addressed to whoever holds the work: they get the step's buttons.
_TO_HOLDER = frozenset({"deadline.reminder", "deadline.warning", "deadline.urged"})


def what_is_due(params: Mapping[str, Any], directory: Directory) -> str:
    """The work a deadline is for, as people name it: 分管工业副县长审核, 研判小组会议研判."""
    if params.get("duty") == Duty.SCREENING.value:
        return _("deadlines.what.screening")
    return step_label(
        Actor[str(params["step_actor"])],
        StepAction[str(params["step_action"])],
        Role.parse(str(params["holder"])),
        directory,
    )


def due_label(params: Mapping[str, Any]) -> str:
    """The due date, marked 暂定 when a year it counts over has no published 放假调休 arrangement."""
    due = str(params.get("due", ""))
    return due + _("deadlines.provisional_mark") if params.get("provisional") else due


def deadline_notice(context: NoticeContext) -> Notice | None:
    params = context.params
    kind = context.message_key.removeprefix("deadline.")
    text_key = "deadlines.notice." + kind
    if kind == "reminder" and not params.get("workdays_left"):
        text_key = "deadlines.notice.reminder_today"
    text = _(text_key).format(
        project=html.escape(str(params.get("project_name", ""))),
        unit=html.escape(unit_name(context.directory, str(params.get("landing_unit", "")))),
        what=html.escape(what_is_due(params, context.directory)),
        holder=html.escape(role_label(Role.parse(str(params["holder"])), context.directory)),
        due=html.escape(due_label(params)),
        left=params.get("workdays_left", 0),
        late=params.get("late_days", 0),
        year=params.get("year", ""),
    )
    step_id = params.get("step_id")
    if context.message_key in _TO_HOLDER and step_id is not None:
        meeting = Actor[str(params["step_actor"])].is_meeting
        return Notice(text, decision_keyboard(int(step_id), project_id=int(params["project_id"]), meeting=meeting))
    return Notice(text)


for _key in ("reminder", "warning", "escalation", "urged", "provisional"):
    notice("deadline." + _key)(deadline_notice)
