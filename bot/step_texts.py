"""How approval steps read: the step's name, the request to its holder, and what became of it."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from aiogram.utils.i18n import gettext as _
from markupsafe import Markup

from bot.render import render
from bot.texts import role_label
from domain.approval import Actor, StepAction
from domain.directory import Directory, Role
from domain.records import Decision, StepStatus
from services.projects import StepView

# What each decided status says: the decision that closed the step.
DECISION_OF = {
    StepStatus.APPROVED: Decision.APPROVE,
    StepStatus.REFUSED: Decision.REFUSE,
    StepStatus.RETURNED: Decision.RETURN,
}


def step_label(actor: Actor, action: StepAction, holder: Role | None, directory: Directory) -> str:
    """E.g. 分管工业副县长审核, 县长办公会议审议: a meeting by its name, anyone else by their post (or, when the
    holder is not known, as the route names them: 分管副县长审核)."""
    if actor.is_meeting or holder is None:
        who = _("moves.actor." + actor.name.lower())
    else:
        who = role_label(holder, directory)
    return _("moves.step").format(who=who, action=_("moves.action." + action.name.lower()))


def result_label(decision: Decision, *, meeting: bool) -> str:
    """同意 / 不同意 / 退回修改, or 通过 / 不通过 for a meeting."""
    if meeting and decision is not Decision.RETURN:
        return _("moves.result.meeting_" + decision.value)
    return _("moves.result." + decision.value)


def decided_headline(params: Mapping[str, Any], directory: Directory) -> str:
    """What a decide_step event says, as HTML: the step, its result (通过 for a meeting), the meeting's date and
    纪要, the comment, and the stage the project is at now."""
    actor, action, decision = Actor(params["actor"]), StepAction(params["action"]), Decision(params["decision"])
    meeting = ""
    if params.get("meeting_held_on"):
        meeting = _("moves.notice.meeting").format(date=params["meeting_held_on"], minutes=params.get("minutes_no", ""))
    comment = _("moves.notice.comment").format(comment=params["comment"]) if params.get("comment") else ""
    return html.escape(
        _("moves.notice.decided").format(
            project=params.get("project_name", ""),
            step=step_label(actor, action, None, directory),
            result=result_label(decision, meeting=actor.is_meeting),
            meeting=meeting,
            comment=comment,
            stage=_("stage." + str(params.get("stage", ""))),
        )
    )


def request_text(
    *,
    headline: str,
    project_name: str,
    actor: Actor,
    action: StepAction,
    holder: Role,
    directory: Directory,
    case: Markup | None = None,
) -> str:
    """The message with the decision buttons: what happened (`headline`, already HTML), the case to decide on
    (`case`, rendered HTML; requests queued before it was carried have none), then who acts now."""
    return render(
        "moves_request.j2",
        headline=Markup(headline),  # the notice text is built from escaped facts
        case=case,
        project_name=project_name,
        step=step_label(actor, action, holder, directory),
        holder=role_label(holder, directory),
        meeting=actor.is_meeting,
    )


def decided_text(view: StepView, directory: Directory) -> str:
    """The step as it ended: who decided what and when, with the meeting's facts and the comment."""
    step = view.step
    decision = DECISION_OF.get(step.status)
    return render(
        "moves_decided.j2",
        project_name=view.project.name,
        step=step,
        label=step_label(step.actor, step.action, step.holder, directory),
        decision=decision.value if decision else "",
        result=result_label(decision, meeting=step.actor.is_meeting) if decision else "",
        name=view.decided_by_name,
        role=role_label(step.holder, directory),
    )
