"""Use cases of the project lifecycle: each runs one unit of work and commits once.

Every change is the domain's decision; these functions fetch, ask the domain, record the events (audit and
outbox rows in the same transaction) and commit. Time always comes in as `now`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from domain.approval import Category
from domain.directory import Directory, Role, RoleKind
from domain.lifecycle import TRANSITIONS, Move, NotAllowed, Stage
from domain.project import Principal, Project, StepNotFound, oversees_all_projects
from domain.records import ApprovalStep, Decision, MeetingKind, Opinion, OpinionKind, Outcome
from services.case import REQUEST_EVENTS
from services.events import record_project_events
from storage.uow import Database, UnitOfWork

T = TypeVar("T")


async def create_project(
    db: Database,
    directory: Directory,
    *,
    person_id: int,
    name: str,
    landing_unit: str,
    now: datetime,
    category: Category | None = None,
) -> Project:
    """Open a project at 谋划 for a landing unit (区块 or 乡镇/街道)."""
    async with db.uow() as uow:
        principal = await uow.people.principal(person_id)
        project = Project.create(principal, directory, name=name, landing_unit=landing_unit, now=now, category=category)
        uow.projects.add(project)
        await record_project_events(uow, project, now)
        await uow.commit()
        return project


async def _change(
    db: Database, person_id: int, project_id: int, now: datetime, action: Callable[[Project, Principal], T]
) -> T:
    """Load the project and the person's roles, let the domain act, record its events, commit once."""
    async with db.uow() as uow:
        principal = await uow.people.principal(person_id)
        project = await uow.projects.get(project_id)
        result = action(project, principal)
        await record_project_events(uow, project, now)
        await uow.commit()
        return result


async def _move(
    db: Database, person_id: int, project_id: int, now: datetime, action: Callable[[Project, Principal], None]
) -> Project:
    """Like `_change`, for domain moves that return nothing: gives back the project as saved."""

    def act(project: Project, principal: Principal) -> Project:
        action(project, principal)
        return project

    return await _change(db, person_id, project_id, now, act)


async def get_project(db: Database, project_id: int) -> Project:
    async with db.uow(read_only=True) as uow:
        return await uow.projects.get(project_id)


async def edit_form(
    db: Database, directory: Directory, *, person_id: int, project_id: int, now: datetime, **values: Any
) -> Project:
    """Save answers to the 审批表 draft."""

    return await _move(
        db,
        person_id,
        project_id,
        now,
        lambda project, principal: project.edit_form(principal, directory, now, **values),
    )


async def record_argumentation(
    db: Database, *, person_id: int, project_id: int, held_on: date, now: datetime
) -> Project:
    return await _move(
        db, person_id, project_id, now, lambda project, principal: project.record_argumentation(principal, held_on, now)
    )


async def submit_form(db: Database, *, person_id: int, project_id: int, now: datetime) -> Project:
    return await _move(db, person_id, project_id, now, lambda project, principal: project.submit_form(principal, now))


async def record_meeting(
    db: Database,
    *,
    person_id: int,
    project_id: int,
    kind: MeetingKind,
    outcome: Outcome,
    held_on: date,
    minutes_no: str,
    now: datetime,
    note: str = "",
) -> Project:
    """The office records a 研判小组会议 or 领导小组会议 outcome: passed, not passed or deferred."""
    return await _move(
        db,
        person_id,
        project_id,
        now,
        lambda project, principal: project.record_meeting(principal, kind, outcome, held_on, minutes_no, now, note),
    )


async def form_task_force(
    db: Database,
    directory: Directory,
    *,
    person_id: int,
    project_id: int,
    member_units: list[str],
    formed_on: date,
    now: datetime,
) -> Project:
    members = [directory.unit(code).code for code in member_units]

    return await _move(
        db,
        person_id,
        project_id,
        now,
        lambda project, principal: project.form_task_force(principal, members, formed_on, now),
    )


async def record_opinion(
    db: Database,
    *,
    person_id: int,
    project_id: int,
    kind: OpinionKind,
    unit: str,
    text: str,
    inspector: str,
    given_on: date,
    now: datetime,
) -> Opinion:
    """A department's 考察意见 or the 行业主管部门's 联审意见."""

    def act(project: Project, principal: Principal) -> Opinion:
        return project.record_opinion(principal, kind, unit, text, inspector, given_on, now)

    return await _change(db, person_id, project_id, now, act)


async def open_approval(db: Database, *, person_id: int, project_id: int, now: datetime) -> Project:
    return await _move(db, person_id, project_id, now, lambda project, principal: project.open_approval(principal, now))


async def decide_step(
    db: Database,
    *,
    person_id: int,
    project_id: int,
    step_id: int,
    decision: Decision,
    now: datetime,
    comment: str = "",
    meeting_held_on: date | None = None,
    minutes_no: str = "",
) -> ApprovalStep:
    """The holder of the open step decides it; a second decision on the same step is refused."""

    def act(project: Project, principal: Principal) -> ApprovalStep:
        return project.decide_step(
            principal,
            step_id,
            decision,
            now,
            comment=comment,
            meeting_held_on=meeting_held_on,
            minutes_no=minutes_no,
        )

    return await _change(db, person_id, project_id, now, act)


async def resubmit(db: Database, *, person_id: int, project_id: int, now: datetime) -> Project:
    return await _move(db, person_id, project_id, now, lambda project, principal: project.resubmit(principal, now))


async def sign_agreement(
    db: Database, *, person_id: int, project_id: int, signed_on: date, agreement_no: str, now: datetime
) -> Project:
    return await _move(
        db,
        person_id,
        project_id,
        now,
        lambda project, principal: project.sign_agreement(principal, signed_on, agreement_no, now),
    )


async def list_land(db: Database, *, person_id: int, project_id: int, listed_on: date, now: datetime) -> Project:
    return await _move(
        db, person_id, project_id, now, lambda project, principal: project.list_land(principal, listed_on, now)
    )


async def delist_land(db: Database, *, person_id: int, project_id: int, delisted_on: date, now: datetime) -> Project:
    return await _move(
        db, person_id, project_id, now, lambda project, principal: project.delist_land(principal, delisted_on, now)
    )


async def start_construction(
    db: Database, *, person_id: int, project_id: int, started_on: date, now: datetime
) -> Project:
    return await _move(
        db,
        person_id,
        project_id,
        now,
        lambda project, principal: project.start_construction(principal, started_on, now),
    )


async def terminate(db: Database, *, person_id: int, project_id: int, reason: str, now: datetime) -> Project:
    return await _move(
        db, person_id, project_id, now, lambda project, principal: project.terminate(principal, reason, now)
    )


def landing_units_of(directory: Directory, principal: Principal) -> list[str]:
    """The landing units (区块, 乡镇/街道) a person may open projects for: all of them for the office."""
    if principal.holds(Role(RoleKind.OFFICE)):
        return [u.code for u in directory.landing_units()]
    own = {r.scope for r in principal.roles if r.kind in (RoleKind.STAFF, RoleKind.HEAD)}
    return [u.code for u in directory.landing_units() if u.code in own]


async def project_of_group(db: Database, *, chat_id: int) -> Project | None:
    """The project whose 联络群 this chat is, if any."""
    async with db.uow(read_only=True) as uow:
        return await uow.projects.by_group_chat(chat_id)


async def editable_projects(db: Database, *, person_id: int) -> list[Project]:
    """Projects whose 审批表 this person may fill in now: their units' projects in a stage where it is editable."""
    editing = TRANSITIONS[Move.EDIT_FORM]
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        candidates = await uow.projects.find(stages=editing.sources)
    return [p for p in candidates if p.parties_of(principal) & editing.parties]


async def _project_of_step(uow: UnitOfWork, step_id: int) -> Project:
    project = await uow.projects.by_step(step_id)
    if project is None:
        raise StepNotFound(f"No project has approval step {step_id}.", step=step_id)
    return project


async def step_to_decide(db: Database, *, person_id: int, step_id: int) -> tuple[Project, ApprovalStep]:
    """The open step `step_id` and its project, if this person may decide it now; changes nothing.

    StepNotFound for an id no project has (forged or stale), StepClosed once decided, NotAllowed for anyone but
    the holder.
    """
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        project = await _project_of_step(uow, step_id)
        return project, project.step_to_decide(principal, step_id)


@dataclass(frozen=True)
class StepView:
    """An approval step as people read it, with the name of whoever decided it (if anyone has)."""

    project: Project
    step: ApprovalStep
    decided_by_name: str


async def view_step(db: Database, *, step_id: int) -> StepView:
    """The step `step_id` as it stands now; StepNotFound if no project has it."""
    async with db.uow(read_only=True) as uow:
        project = await _project_of_step(uow, step_id)
        step = next(s for s in project.steps if s.id == step_id)
        name = (await uow.people.get(step.decided_by)).display_name if step.decided_by is not None else ""
        return StepView(project, step, name)


_EPOCH = datetime.min.replace(tzinfo=UTC)


async def waiting_for(db: Database, *, person_id: int) -> list[Project]:
    """Every project waiting on this person, the longest-waiting first: open approval steps held by their
    roles, and stage moves that are theirs or their unit's (Project.waits_for)."""
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        holding = await uow.projects.waiting_on(principal.roles)
        active = await uow.projects.find(stages=[s for s in Stage if s.is_active()])
    waiting = {p.id: p for p in holding}
    waiting |= {p.id: p for p in active if p.id not in waiting and p.open_step() is None and p.waits_for(principal)}
    return sorted(waiting.values(), key=lambda p: (p.waiting_since() or _EPOCH, p.id or 0))


@dataclass(frozen=True)
class ProjectPage:
    projects: list[Project]
    total: int
    page: int  # 0-based
    pages: int


async def overview(
    db: Database,
    *,
    person_id: int,
    landing_unit: str | None = None,
    stage: Stage | None = None,
    page: int = 0,
    per_page: int = 10,
) -> ProjectPage:
    """A page of every project (newest first), filtered by landing unit and stage, for the office and the
    leaders (NotAllowed for anyone else); a page past the end gives the last one."""
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        if not oversees_all_projects(principal):
            raise NotAllowed(f"Person {person_id} may not list every project.", move="overview")
        stages = [stage] if stage is not None else None

        async def fetch(number: int) -> tuple[list[Project], int]:
            return await uow.projects.page(
                landing_unit=landing_unit, stages=stages, offset=number * per_page, limit=per_page
            )

        page = max(page, 0)
        projects, total = await fetch(page)
        pages = max(1, -(-total // per_page))
        if page >= pages:  # the list shrank since the page was offered
            page = pages - 1
            projects, total = await fetch(page)
    return ProjectPage(projects, total, page, pages)


# The events whose notice asks the holder of the step then open to decide it (see bot/notices_approval.py).
STEP_REQUEST_KEYS = tuple(f"project.{name}" for name in REQUEST_EVENTS)


async def step_request_copies(db: Database, *, step_id: int) -> list[tuple[int, int]]:
    """Every (chat, message) where the request to decide this step was delivered, to update once it is decided."""
    async with db.uow(read_only=True) as uow:
        project = await uow.projects.by_step(step_id)
        if project is None or project.id is None:
            return []
        rows = await uow.outbox.sent_copies(project.id, STEP_REQUEST_KEYS)
    return [(int(r["chat_id"]), int(r["sent_message_id"])) for r in rows if r["params"].get("open_step_id") == step_id]
