"""The case a leader decides on: what an approval request carries, and the whole form opened from it.

The request is a message in the outbox, rendered later from its params; `case_summary` takes the few facts a
leader needs to decide (amount, land, the route so far, the meetings, the opinions) when the step opens, so the
message says what stood on record when it was asked. `read_case` is the whole form, as it stands now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from domain.access import may_read_case
from domain.lifecycle import NotAllowed
from domain.project import Project
from domain.records import ApprovalStep, MeetingKind, MeetingRecord, StepStatus
from storage.uow import Database, UnitOfWork

# The events after which a step stands open and its holder is asked to decide it (bot/notices_approval.py).
REQUEST_EVENTS = ("open_approval", "resubmit", "decide_step")
# An opinion or a comment is carried up to this length: the request shows one line of it, the form all of it.
CARRIED_TEXT_MAX = 200
# The meetings whose outcome the request names: the 研判 and the 领导小组 of 二(三)/二(四).
SUMMARY_MEETINGS = (MeetingKind.SCREENING, MeetingKind.LEADING_GROUP)


def _clip(text: str) -> str:
    return text if len(text) <= CARRIED_TEXT_MAX else text[: CARRIED_TEXT_MAX - 1] + "…"


def latest_meetings(project: Project) -> list[MeetingRecord]:
    """The last record of each of the 研判 and the 领导小组 (a deferred meeting may be held again)."""
    latest: dict[MeetingKind, MeetingRecord] = {}
    for record in project.meetings:
        if record.kind in SUMMARY_MEETINGS:
            latest[record.kind] = record
    return [latest[kind] for kind in SUMMARY_MEETINGS if kind in latest]


async def decider_names(uow: UnitOfWork, steps: Iterable[ApprovalStep]) -> dict[int, str]:
    """Person id → name of everyone who decided one of `steps`."""
    ids = {s.decided_by for s in steps if s.decided_by is not None}
    return {person_id: (await uow.people.get(person_id)).display_name for person_id in sorted(ids)}


async def case_summary(uow: UnitOfWork, project: Project) -> dict[str, Any]:
    """The facts of the case as JSON-ready values, for the request to decide the step open now."""
    form = project.form
    open_step = project.open_step()
    steps = project.current_steps()
    decided = [s for s in steps if s.status not in (StepStatus.WAITING, StepStatus.PENDING, StepStatus.CANCELLED)]
    names = await decider_names(uow, decided)
    money = form.total_investment
    return {
        "landing_unit": project.landing_unit,
        "category": form.category.value if form.category else None,
        "total_investment": {"amount": str(money.amount), "currency": money.currency.value} if money else None,
        "needs_land": form.needs_land,
        "land_mu": str(form.land_mu) if form.land_mu is not None else None,
        "special_fiscal_support": form.special_fiscal_support,
        "step_seq": open_step.seq if open_step else None,
        "step_count": len(steps),
        "decided": [
            {
                "actor": s.actor.name,
                "action": s.action.name,
                "holder": str(s.holder),
                "status": s.status.value,
                "by": names.get(s.decided_by, "") if s.decided_by is not None else "",
                "on": s.decided_at.date().isoformat() if s.decided_at else None,
                "comment": _clip(s.comment),
                "meeting_held_on": s.meeting_held_on.isoformat() if s.meeting_held_on else None,
                "minutes_no": s.minutes_no,
            }
            for s in decided
        ],
        "meetings": [
            {
                "kind": m.kind.name,
                "outcome": m.outcome.value,
                "held_on": m.held_on.isoformat(),
                "minutes_no": m.minutes_no,
                "note": _clip(m.note),
            }
            for m in latest_meetings(project)
        ],
        "opinions": [
            {
                "kind": o.kind.value,
                "unit": o.unit,
                "inspector": o.inspector,
                "given_on": o.given_on.isoformat(),
                "text": _clip(o.text),
            }
            for o in project.opinions
        ],
    }


@dataclass(frozen=True)
class CaseFile:
    """A project's whole record as it stands, with the names of those who decided its steps."""

    project: Project
    decided_by: dict[int, str]


async def read_case(db: Database, *, person_id: int, project_id: int) -> CaseFile:
    """The whole case of a project for someone who may read it (domain.access); NotAllowed for anyone else."""
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        project = await uow.projects.get(project_id)
        if not may_read_case(project, principal):
            raise NotAllowed(f"Person {person_id} may not read project {project_id}.", move="read_case")
        return CaseFile(project, await decider_names(uow, project.steps))
