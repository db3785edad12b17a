"""The case a leader decides on: what an approval request carries, and the whole form opened from it.

The request is a message in the outbox, rendered later from its params; `case_summary` takes the few facts a
leader needs to decide (amount, land, the route so far, the meetings, the opinions) when the step opens, so the
message says what stood on record when it was asked. `read_case` is the whole form, as it stands now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.access import may_read_case
from domain.lifecycle import NotAllowed
from domain.project import Project
from domain.records import ApprovalStep, MeetingKind, MeetingRecord, Opinion, StepStatus
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


def _whole(text: str) -> str:
    return text


def step_facts(step: ApprovalStep, names: Mapping[int, str], cut: Callable[[str], str] = _whole) -> dict[str, Any]:
    """A decided step as JSON-ready values: who, what, when, with the comment (`cut` to length)."""
    return {
        "actor": step.actor.name,
        "action": step.action.name,
        "holder": str(step.holder),
        "status": step.status.value,
        "by": names.get(step.decided_by, "") if step.decided_by is not None else "",
        "on": step.decided_at.date().isoformat() if step.decided_at else None,
        "comment": cut(step.comment),
        "meeting_held_on": step.meeting_held_on.isoformat() if step.meeting_held_on else None,
        "minutes_no": step.minutes_no,
    }


def meeting_facts(record: MeetingRecord, cut: Callable[[str], str] = _whole) -> dict[str, Any]:
    return {
        "kind": record.kind.name,
        "outcome": record.outcome.value,
        "held_on": record.held_on.isoformat(),
        "minutes_no": record.minutes_no,
        "note": cut(record.note),
    }


def opinion_facts(opinion: Opinion, cut: Callable[[str], str] = _whole) -> dict[str, Any]:
    return {
        "kind": opinion.kind.value,
        "unit": opinion.unit,
        "inspector": opinion.inspector,
        "given_on": opinion.given_on.isoformat(),
        "text": cut(opinion.text),
    }


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
        "decided": [step_facts(s, names, _clip) for s in decided],
        "meetings": [meeting_facts(m, _clip) for m in latest_meetings(project)],
        "opinions": [opinion_facts(o, _clip) for o in project.opinions],
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
