"""Notices that ask the holder of a newly opened approval step to decide it, with the decision buttons.

Registered for the events that open a step: the route opened (open_approval), reopened (resubmit), and a
decision that passed the project to the next step (decide_step). The holder gets it in private (the event
notifies their role) and the group gets the same message; only the holder's tap counts (decided on tap).
"""

from __future__ import annotations

from bot.case_texts import case_lines
from bot.keyboards.moves import decision_keyboard
from bot.notices import Notice, NoticeContext, default_notice, notice
from bot.step_texts import decided_headline, request_text
from domain.approval import Actor, StepAction
from domain.directory import Role
from domain.lifecycle import Stage
from services.projects import STEP_REQUEST_KEYS

OPENING_EVENTS = STEP_REQUEST_KEYS


def approval_request(context: NoticeContext) -> Notice | None:
    """The event's own notice, then the request to the step now open and its buttons (if a step is open)."""
    params = context.params
    if context.message_key == "project.decide_step":
        plain: Notice | None = Notice(decided_headline(params, context.directory))
    else:
        plain = default_notice(context)
    step_id = params.get("open_step_id")
    if step_id is None or params.get("stage") != Stage.APPROVING.value:
        return plain
    actor = Actor[str(params["open_step_actor"])]
    text = request_text(
        headline=plain.text if plain else "",
        project_name=str(params.get("project_name", "")),
        actor=actor,
        action=StepAction[str(params["open_step_action"])],
        holder=Role.parse(str(params["open_step_holder"])),
        directory=context.directory,
        case=case_lines(params["case"], context.directory) if "case" in params else None,
    )
    project_id = int(str(params["project_id"]))
    return Notice(text, decision_keyboard(int(step_id), project_id=project_id, meeting=actor.is_meeting))


for _key in OPENING_EVENTS:
    notice(_key)(approval_request)
