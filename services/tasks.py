"""Use cases of the 交办单 (三(三), 四(二)): each runs one unit of work and commits once.

Every step is the domain's decision; these functions fetch, ask the domain, save with a version check, write
the audit event and the messages it causes (outbox rows) in the same transaction, and commit. Those whose turn
comes next get a private notice with their buttons; the others concerned are told what happened.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from domain.calendar import SHANGHAI
from domain.deadlines import Alarm, alarms_due, supervision_day
from domain.directory import Directory, Role, RoleKind
from domain.project import Event, Principal
from domain.supervision import SupervisionRules
from domain.tasks import ItemDraft, TaskItem, TaskRequest, TaskStatus, unit_roles, units_of
from services.calendar import work_calendar
from services.supervise import Supervision
from storage.supervision import AssessmentMark
from storage.uow import Database, UnitOfWork

T = TypeVar("T")
SUBJECT = "task"  # the audit trail's subject type of a 交办单
CRITICISM = "criticism"  # the assessment mark a 通报批评 leaves: 一票否优 (四(二))
OPEN_STATUSES = (TaskStatus.REPORTED, TaskStatus.PREPARED, TaskStatus.APPROVED, TaskStatus.ISSUED)

OFFICE = Role(RoleKind.OFFICE)
COUNTY_HEAD = Role(RoleKind.COUNTY_HEAD)
SUPERVISION = Role(RoleKind.SUPERVISION)


# ---- the steps ----------------------------------------------------------------------------------------------------
async def report_problem(
    db: Database, directory: Directory, *, person_id: int, material: str, now: datetime, project_id: int | None = None
) -> TaskRequest:
    """A landing unit's cadre reports a problem needing county coordination (tied to a project, or not)."""
    async with db.uow() as uow:
        principal = await uow.people.principal(person_id)
        project_unit = (await uow.projects.get(project_id)).landing_unit if project_id is not None else None
        request = TaskRequest.report(
            principal, directory, material, now, project_id=project_id, project_unit=project_unit
        )
        await uow.tasks.add(request)
        await _record(uow, request, now)
        await uow.commit()
        return request


async def prepare_task(
    db: Database, *, person_id: int, request_id: int, summary: str, items: Sequence[ItemDraft], now: datetime
) -> TaskRequest:
    """The office writes the 交办单 (summary and items) for the county head to approve."""
    return await _change(db, person_id, request_id, now, lambda r, p: r.prepare(p, summary, items, now))


async def return_report(db: Database, *, person_id: int, request_id: int, reason: str, now: datetime) -> TaskRequest:
    """The office sends the report back to its unit with a reason."""
    return await _change(db, person_id, request_id, now, lambda r, p: r.return_report(p, reason, now))


async def approve_task(db: Database, *, person_id: int, request_id: int, now: datetime) -> TaskRequest:
    """The county head approves the 交办单 as prepared; the 督考办 may issue it."""
    return await _change(db, person_id, request_id, now, lambda r, p: r.approve(p, now))


async def send_back_task(db: Database, *, person_id: int, request_id: int, reason: str, now: datetime) -> TaskRequest:
    """The county head sends the preparation back to the office."""
    return await _change(db, person_id, request_id, now, lambda r, p: r.send_back(p, reason, now))


async def refer_back_task(db: Database, *, person_id: int, request_id: int, reason: str, now: datetime) -> TaskRequest:
    """The 督考办 sends an approved 交办单 back to the office instead of issuing it."""
    return await _change(db, person_id, request_id, now, lambda r, p: r.refer_back(p, reason, now))


async def issue_task(
    db: Database, rules: SupervisionRules, *, person_id: int, request_id: int, now: datetime
) -> TaskRequest:
    """The 督考办 issues the 交办单: each item is due on its deadline or after the rules' working days."""
    calendar = await work_calendar(db)
    return await _change(
        db, person_id, request_id, now, lambda r, p: r.issue(p, calendar, rules.task_item_due_workdays, now)
    )


async def complete_item(db: Database, *, person_id: int, item_id: int, explanation: str, now: datetime) -> TaskItem:
    """The item's unit reports it done, with what was done; the last item done closes the 交办单."""
    return await _act(
        db,
        person_id,
        now,
        lambda uow: uow.tasks.by_item(item_id),
        lambda r, p: r.complete_item(p, item_id, explanation, now),
    )


async def criticize_item(db: Database, *, person_id: int, item_id: int, now: datetime) -> TaskItem:
    """The 督考办 records a 通报批评 against an overdue item's unit, once; the assessment counts it (一票否优)."""
    async with db.uow() as uow:
        principal = await uow.people.principal(person_id)
        request = await uow.tasks.by_item(item_id)
        item = request.criticize_item(principal, item_id, now)
        day = now.astimezone(SHANGHAI).date()
        mark = AssessmentMark(item.unit, day.year, CRITICISM, Decimal(0), f"task-item:{item_id}", day, item.what)
        await uow.marks.add(mark, now)
        await uow.tasks.save(request)
        await _record(uow, request, now)
        await uow.commit()
        return item


async def _change(
    db: Database, person_id: int, request_id: int, now: datetime, action: Callable[[TaskRequest, Principal], None]
) -> TaskRequest:
    """Load the 交办单 and the person's roles, let the domain act, save, record its events, commit once."""

    def act(request: TaskRequest, principal: Principal) -> TaskRequest:
        action(request, principal)
        return request

    return await _act(db, person_id, now, lambda uow: uow.tasks.get(request_id), act)


async def _act(
    db: Database,
    person_id: int,
    now: datetime,
    load: Callable[[UnitOfWork], Awaitable[TaskRequest]],
    action: Callable[[TaskRequest, Principal], T],
) -> T:
    async with db.uow() as uow:
        principal = await uow.people.principal(person_id)
        request = await load(uow)
        result = action(request, principal)
        await uow.tasks.save(request)
        await _record(uow, request, now)
        await uow.commit()
        return result


# ---- reading --------------------------------------------------------------------------------------------------
async def get_task(db: Database, request_id: int) -> TaskRequest:
    async with db.uow(read_only=True) as uow:
        return await uow.tasks.get(request_id)


async def task_of_item(db: Database, item_id: int) -> TaskRequest:
    async with db.uow(read_only=True) as uow:
        return await uow.tasks.by_item(item_id)


@dataclass(frozen=True)
class TaskView:
    """A 交办单 with what a reader needs besides it: the name of its project, if any."""

    request: TaskRequest
    project_name: str = ""


async def view_task(db: Database, request_id: int) -> TaskView:
    async with db.uow(read_only=True) as uow:
        request = await uow.tasks.get(request_id)
        return TaskView(request, await _project_name(uow, request))


async def tasks_for(db: Database, person_id: int) -> list[TaskView]:
    """The 交办单 that concern this person: every open one for the office, the 督考办 and the county head; for a
    unit's people, those with an open item of their unit and those they reported that are not finished."""
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        if any(principal.holds(role) for role in (OFFICE, COUNTY_HEAD, SUPERVISION)):
            found = await uow.tasks.find(statuses=OPEN_STATUSES)
        else:
            found = await uow.tasks.find(
                statuses=OPEN_STATUSES, open_item_units=units_of(principal), reporter_id=person_id
            )
        return [TaskView(r, await _project_name(uow, r)) for r in found]


async def principal_of(db: Database, person_id: int) -> Principal:
    async with db.uow(read_only=True) as uow:
        return await uow.people.principal(person_id)


# ---- the reconciler -------------------------------------------------------------------------------------------
async def reconcile_task_items(supervision: Supervision, now: datetime) -> int:
    """Reminders before an open item's due date, warnings after it, then escalation: each once (AlarmLedger)."""
    today = supervision_day(now, supervision.rules.send_hour)
    calendar = await work_calendar(supervision.db)
    sent = 0
    async with supervision.db.uow() as uow:
        for request in await uow.tasks.issued_with_open_items():
            for item in request.open_items():
                assert item.due_on is not None and item.id is not None
                for alarm in alarms_due(item.due_on, today, calendar, supervision.rules.schedule):
                    if not await uow.alarms.first_time(f"task-item:{item.id}:{alarm.key}", now):
                        continue
                    await _alarm(uow, request, item, alarm.alarm, alarm.nth, now)
                    sent += 1
        await uow.commit()
    return sent


async def _alarm(uow: UnitOfWork, request: TaskRequest, item: TaskItem, alarm: Alarm, nth: int, now: datetime) -> None:
    assert request.id is not None
    event_id = await uow.audit.append_system(
        SUBJECT, request.id, f"task_item_{alarm.value}", at=now, before={}, after={"item_id": item.id, "nth": nth}
    )
    params = task_params(request, await _project_name(uow, request)) | {"item": _item_params(item), "nth": nth}
    unit = await _chats(uow, unit_roles(item.unit))
    plan: Plan
    if alarm is Alarm.REMINDER:
        plan = [("task.item_reminder", unit, {})]
    elif alarm is Alarm.WARNING:
        plan = [("task.item_overdue", await _chats(uow, [SUPERVISION]), {}), ("task.item_warning", unit, {})]
    else:
        leaders = await _chats(uow, [Role(RoleKind.CONTACT_LEADER, item.unit), OFFICE])
        plan = [("task.item_escalation", leaders, {})]
    await _send(uow, event_id, plan, params, now)


# ---- events and who hears of them -------------------------------------------------------------------------------
async def _record(uow: UnitOfWork, request: TaskRequest, now: datetime) -> None:
    """Audit each event of the 交办单 and queue its messages."""
    assert request.id is not None
    project_name = await _project_name(uow, request)
    for event in request.collect_events():
        event_id = await uow.audit.append(SUBJECT, request.id, event)
        params = task_params(request, project_name) | {"event": event.name, "after": dict(event.after)}
        await _send(uow, event_id, await _plan(uow, request, event), params, now)


Plan = list[tuple[str, list[int], dict[str, Any]]]  # (notice key, chats, what this audience's notice adds)


async def _plan(uow: UnitOfWork, request: TaskRequest, event: Event) -> Plan:
    """Who hears of `event`, and by which notice: the ones whose turn it is first (they get the buttons)."""
    reporter = await _person_chat(uow, request.reporter_id)
    office, head, supervision = (
        await _chats(uow, [OFFICE]),
        await _chats(uow, [COUNTY_HEAD]),
        await _chats(uow, [SUPERVISION]),
    )
    group = await _group_chat(uow, request)
    name = event.name
    if name in ("task_reported", "task_sent_back"):
        return [("task.prepare_request", office, {})]
    if name == "task_prepared":
        return [("task.approve_request", head, {}), ("task.update", reporter, {})]
    if name == "task_returned":
        return [("task.update", reporter, {})]
    if name == "task_approved":
        return [("task.issue_request", supervision, {}), ("task.update", [*office, *reporter], {})]
    if name == "task_issued":
        plan: Plan = [
            ("task.assigned", await _chats(uow, unit_roles(unit)), {"for_unit": unit}) for unit in _units(request.items)
        ]
        return [*plan, ("task.update", [*reporter, *office, *head, *group], {})]
    if name == "task_item_done":
        return [("task.update", [*supervision, *office, *reporter], {})]
    if name == "task_closed":
        return [("task.update", [*supervision, *office, *head, *reporter, *group], {})]
    if name == "task_item_criticized":
        unit_head = await _chats(uow, [Role(RoleKind.HEAD, str(event.after["unit"]))])
        return [("task.update", [*unit_head, *office, *head], {})]
    return []


async def _send(uow: UnitOfWork, event_id: int, plan: Plan, params: dict[str, Any], now: datetime) -> None:
    """One row per chat: a chat in several audiences gets the first (its buttons) only."""
    taken: set[int] = set()
    for key, chats, extra in plan:
        fresh = [c for c in dict.fromkeys(chats) if c not in taken]
        taken.update(fresh)
        await uow.outbox.add(event_id, fresh, key, params | extra, now)


async def _chats(uow: UnitOfWork, roles: Iterable[Role]) -> list[int]:
    chats: list[int] = []
    for role in roles:
        chats += [p.telegram_user_id for p in await uow.people.holders(role) if p.telegram_user_id is not None]
    return chats


async def _person_chat(uow: UnitOfWork, person_id: int) -> list[int]:
    person = await uow.people.get(person_id)
    return [person.telegram_user_id] if person.telegram_user_id is not None else []


async def _group_chat(uow: UnitOfWork, request: TaskRequest) -> list[int]:
    if request.project_id is None:
        return []
    project = await uow.projects.get(request.project_id)
    return [project.group_chat_id] if project.group_chat_id is not None else []


async def _project_name(uow: UnitOfWork, request: TaskRequest) -> str:
    if request.project_id is None:
        return ""
    return (await uow.projects.get(request.project_id)).name


def _units(items: Iterable[TaskItem]) -> list[str]:
    return list(dict.fromkeys(item.unit for item in items))


def task_params(request: TaskRequest, project_name: str) -> dict[str, Any]:
    """What every notice of a 交办单 may show; rendered at send time in the reader's language."""
    return {
        "request_id": request.id,
        "status": request.status.value,
        "unit": request.unit,
        "project_id": request.project_id,
        "project_name": project_name,
        "material": request.material,
        "summary": request.summary,
        "note": request.note,
        "items": [_item_params(i) for i in request.items],
    }


def _item_params(item: TaskItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "seq": item.seq,
        "unit": item.unit,
        "what": item.what,
        "deadline": item.deadline,
        "due_on": item.due_on,
        "status": item.status.value,
        "explanation": item.explanation,
        "criticized_on": item.criticized_on,
    }
