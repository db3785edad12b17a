"""Deadlines of the approval route and the 研判 cycle: reminders, warnings and escalation as time passes, the
office's one-tap 催办, and the colour of each project card.

The due dates are derived from the projects (domain.step_deadlines); what went out is in the alarm ledger, each
key naming the step (or the 研判 cycle) and the alarm, so a doubled pass sends nothing twice and a reopened round
is chased afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.calendar import WorkCalendar
from domain.deadlines import Alarm, AlarmDue, alarms_due, supervision_day
from domain.directory import Role
from domain.lifecycle import Stage
from domain.project import Event, Project, StepClosed, StepNotFound
from domain.records import ApprovalStep, StepStatus
from domain.step_deadlines import (
    OFFICE,
    CardSignal,
    OpenDeadline,
    alarm_readers,
    card_signal,
    check_may_urge,
    local_day,
    open_deadlines,
    step_deadline,
)
from domain.supervision import SupervisionRules
from services.calendar import work_calendar
from services.supervise import Supervision
from storage.uow import Database, UnitOfWork

# The stages in which a project can have a deadline of this module: waiting for the 研判, or in approval.
CHASED_STAGES = (Stage.SUBMITTED, Stage.APPROVING)


# ---- the reconciler ---------------------------------------------------------------------------------------------
async def reconcile_step_deadlines(supervision: Supervision, now: datetime) -> int:
    """Send the reminders, warnings and escalations due today on open steps and 研判 cycles, each once; tell the
    office once a year when a deadline had to be counted on an unpublished calendar; and ask for a redraw of
    every card whose colour changed. Returns how many messages it queued and cards it marked."""
    rules, db = supervision.rules, supervision.db
    calendar = await work_calendar(db)
    today = supervision_day(now, rules.send_hour)
    async with db.uow(read_only=True) as uow:
        chased = [p.id for p in await uow.projects.find(stages=CHASED_STAGES) if p.id is not None]
    done = 0
    for project_id in chased:
        async with db.uow() as uow:
            project = await uow.projects.get(project_id)  # afresh: a step decided meanwhile is not chased
            for deadline in open_deadlines(project, rules, calendar):
                for alarm in sorted(alarms_due(deadline.due, today, calendar, rules.schedule), key=_in_course):
                    done += await _alarm(uow, project, deadline, alarm, calendar, now)
                done += await _provisional(uow, project, deadline, now)
            await uow.commit()
    return done + await mark_changed_cards(db, rules, calendar, now)


def _in_course(alarm: AlarmDue) -> tuple[object, int]:
    """A warning and the escalation due the same day go out in that order: the holder hears first."""
    return alarm.day, list(Alarm).index(alarm.alarm)


async def _alarm(
    uow: UnitOfWork,
    project: Project,
    deadline: OpenDeadline,
    alarm: AlarmDue,
    calendar: WorkCalendar,
    now: datetime,
) -> int:
    assert project.id is not None
    chats = await _private_chats(uow, alarm_readers(deadline, alarm.alarm, project.landing_unit))
    if alarm.alarm is Alarm.WARNING and project.group_chat_id is not None:
        chats.insert(0, project.group_chat_id)
    # Nobody to tell yet (no one holds the role): leave it unrecorded, so the latest alarm goes once someone does.
    if not chats or not await uow.alarms.first_time(f"deadline:{deadline.key}:{alarm.key}", now):
        return 0
    day = local_day(now)
    facts = deadline_facts(project, deadline) | {
        "nth": alarm.nth,
        "late_days": calendar.workdays_between(deadline.due, day),
        "workdays_left": calendar.workdays_between(day, deadline.due),
    }
    name = f"deadline_{alarm.alarm.value}"
    event_id = await uow.audit.append_system("project", project.id, name, at=now, before={}, after=facts)
    await uow.outbox.add(event_id, chats, f"deadline.{alarm.alarm.value}", facts, now)
    return 1


async def _provisional(uow: UnitOfWork, project: Project, deadline: OpenDeadline, now: datetime) -> int:
    """Once a year: the office learns that due dates are being counted on a year whose 放假调休 arrangement is
    not published, so it enters the arrangement (/calendar) when it comes out."""
    told = 0
    for year in deadline.deadline.provisional_years:
        chats = await _private_chats(uow, (OFFICE,))
        if not chats or not await uow.alarms.first_time(f"deadline:provisional:{year}", now):
            continue
        facts = deadline_facts(project, deadline) | {"year": year}
        event_id = await uow.audit.append_system(
            "calendar", year, "deadline_provisional", at=now, before={}, after=facts
        )
        await uow.outbox.add(event_id, chats, "deadline.provisional", facts, now)
        told += 1
    return told


def deadline_facts(project: Project, deadline: OpenDeadline) -> dict[str, object]:
    """What a deadline's notices say, as plain values (the notice renders them in the reader's language)."""
    facts: dict[str, object] = {
        "project_id": project.id,
        "project_name": project.name,
        "landing_unit": project.landing_unit,
        "duty": deadline.duty.value,
        "holder": str(deadline.holder),
        "due": deadline.due,
        "provisional": deadline.deadline.is_provisional,
    }
    if deadline.step is not None:
        facts |= {
            "step_id": deadline.step.id,
            "step_actor": deadline.step.actor.name,
            "step_action": deadline.step.action.name,
        }
    return facts


async def _private_chats(uow: UnitOfWork, roles: Iterable[Role]) -> list[int]:
    chats: list[int] = []
    for role in roles:
        chats += [p.telegram_user_id for p in await uow.people.holders(role) if p.telegram_user_id is not None]
    return list(dict.fromkeys(chats))


# ---- card colours -----------------------------------------------------------------------------------------------
async def card_signals(
    uow: UnitOfWork, projects: Sequence[Project], rules: SupervisionRules, calendar: WorkCalendar, now: datetime
) -> dict[int, CardSignal]:
    """Each project's colour and nearest due date now: its steps, its 研判 cycle and its monthly update."""
    ids = [p.id for p in projects if p.id is not None]
    progress = await uow.progress.open_deadlines(ids)
    today = local_day(now)
    return {
        p.id: card_signal(open_deadlines(p, rules, calendar), progress.get(p.id), today, calendar, rules.schedule)
        for p in projects
        if p.id is not None
    }


async def mark_changed_cards(db: Database, rules: SupervisionRules, calendar: WorkCalendar, now: datetime) -> int:
    """Ask for a redraw of each posted card whose colour or nearest due date is no longer what it shows: time
    alone turns a card yellow then red, without the project changing."""
    async with db.uow() as uow:
        shown = await uow.cards.signals()
        posted = [p for p in await uow.projects.find() if p.id in shown and shown[p.id] is not None]
        now_signals = await card_signals(uow, posted, rules, calendar, now)
        stale = [pid for pid, signal in now_signals.items() if signal.stamp != shown[pid]]
        await uow.cards.redraw(stale)
        await uow.commit()
    return len(stale)


async def signals_for(
    db: Database, rules: SupervisionRules, projects: Sequence[Project], now: datetime
) -> dict[int, CardSignal]:
    """The card colour of each of these projects now (for views that list them)."""
    if not projects:
        return {}
    calendar = await work_calendar(db)
    async with db.uow(read_only=True) as uow:
        return await card_signals(uow, projects, rules, calendar, now)


# ---- 催办 --------------------------------------------------------------------------------------------------------
class Urging(StrEnum):
    SENT = "sent"
    ALREADY_TODAY = "already_today"  # pressed again the same day: nothing more is sent


@dataclass(frozen=True)
class Urged:
    """What became of a 催办, in plain values (the unit of work is over when the caller reads it)."""

    outcome: Urging
    project_name: str
    holder: Role
    holder_reached: bool  # someone holds the step's role and was told in private


async def urge_step(db: Database, rules: SupervisionRules, *, person_id: int, step_id: int, now: datetime) -> Urged:
    """The office's one-tap 催办 of a pending step: its holder is reminded in private and in the project's group,
    at most once a day. UrgeNotAllowed for anyone but the office, StepNotFound / StepClosed for a step no
    project has or one decided meanwhile."""
    calendar = await work_calendar(db)
    async with db.uow() as uow:
        check_may_urge(await uow.people.principal(person_id))
        project = await uow.projects.by_step(step_id)
        if project is None or project.id is None:
            raise StepNotFound(f"No project has approval step {step_id}.", step=step_id)
        step = next(s for s in project.steps if s.id == step_id)
        deadline = step_deadline(step, rules, calendar)
        if step.status is not StepStatus.PENDING or deadline is None:
            raise StepClosed(
                f"Step {step_id} is {step.status.value}, not pending.",
                status=step.status.value,
                decided_by=step.decided_by,
            )
        holders = await _private_chats(uow, (step.holder,))
        if not await uow.alarms.first_time(f"urge:{step_id}:{local_day(now).isoformat()}", now):
            return Urged(Urging.ALREADY_TODAY, project.name, step.holder, bool(holders))
        facts = deadline_facts(project, deadline) | {"urged_by": person_id}
        event_id = await uow.audit.append("project", project.id, Event("step_urged", person_id, now, {}, facts))
        group = [project.group_chat_id] if project.group_chat_id is not None else []
        await uow.outbox.add(event_id, holders + group, "deadline.urged", facts, now)
        urged = Urged(Urging.SENT, project.name, step.holder, bool(holders))
        await uow.commit()
    return urged


def urgeable(project: Project) -> ApprovalStep | None:
    """The step the office may 催办 on this project: its pending step, unless the office holds it itself (a
    meeting's step, whose outcome the office records)."""
    step = project.open_step()
    if step is None or step.id is None or step.holder == OFFICE:
        return None
    return step
