"""Use cases of the monthly progress update (四(一)) and the landing units' monthly report (一(四)).

`submit_update` is the cadre's update; `reconcile_progress` keeps time: the prompt on its day, reminders before
the due date, warnings and escalation after it, a missing update marked at the next prompt day, and each
unit's monthly report once the due date has passed. Each message goes out once (the alarm ledger), recorded in
the same transaction as its audit event; a bot that was down catches up on its first pass.

Audit subjects: an update and whatever the reconciler sends about one project are ("project", id); a unit's
report is ("progress_report", yyyymm).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from domain.calendar import SHANGHAI, WorkCalendar
from domain.deadlines import Alarm, AlarmDue, alarms_due, supervision_day
from domain.directory import Role, RoleKind
from domain.lifecycle import Stage
from domain.progress import (
    ProgressCycle,
    ProgressUpdate,
    ReportedProject,
    UnitReport,
    UpdateNotOpen,
    check_updater,
    open_cycle,
    owes_update,
    period_label,
    progress_cycle,
    unit_report,
    updaters,
    write_update,
)
from domain.project import Event, Project
from domain.scoring import ScoringRules
from domain.supervision import SupervisionRules
from services.calendar import work_calendar
from services.supervise import Supervision
from storage.progress import Closed, UpdateRequest
from storage.supervision import AssessmentMark
from storage.uow import Database, UnitOfWork

ACTIVE_STAGES = frozenset(s for s in Stage if s.is_active())
# Who reads each unit's monthly report (一(四): "向县主要领导汇报"), besides the unit's 联系县领导.
REPORT_READERS = (Role(RoleKind.COUNTY_HEAD), Role(RoleKind.OFFICE))


def _today(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()


def _created_on(project: Project) -> date:
    return _today(project.created_at)


# ---- the update ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateSlot:
    """The update a project owes now (the latest one asked for, still open), and the one given, if any."""

    project: Project
    cycle: ProgressCycle
    given: ProgressUpdate | None


async def _open_cycle_of(
    uow: UnitOfWork, project_id: int, rules: SupervisionRules, calendar: WorkCalendar, today: date
) -> ProgressCycle:
    request = await uow.progress.latest_request(project_id)
    if request is None or request.closed is not None:
        raise UpdateNotOpen(f"No update of project {project_id} is asked for now.", project_id=project_id)
    cycle = progress_cycle(request.period, rules, calendar)
    if not cycle.is_open(today):
        raise UpdateNotOpen(f"The update on {period_label(cycle.period)} is closed.", project_id=project_id)
    # The due date was fixed when it was asked (the calendar may have changed since): that one counts.
    return replace(cycle, due=request.due_on)


async def update_slot(
    db: Database, rules: SupervisionRules, *, person_id: int, project_id: int, now: datetime
) -> UpdateSlot:
    """What this person may update about the project now; refused unless they are its landing unit's staff or
    head and an update is asked for."""
    calendar = await work_calendar(db)
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        project = await uow.projects.get(project_id)
        check_updater(principal.roles, project.landing_unit)
        cycle = await _open_cycle_of(uow, project_id, rules, calendar, _today(now))
        return UpdateSlot(project, cycle, await uow.progress.update_for(project_id, cycle.period))


async def projects_to_update(db: Database, rules: SupervisionRules, *, person_id: int, now: datetime) -> list[Project]:
    """The projects of this person's landing units with an update asked for and still open, oldest first."""
    calendar = await work_calendar(db)
    today = _today(now)
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        units = sorted({r.scope for r in principal.roles if r.kind in (RoleKind.STAFF, RoleKind.HEAD)})
        found: list[Project] = []
        for unit in units:
            for project in await uow.projects.find(landing_unit=unit):
                if project.id is None:
                    continue
                try:
                    await _open_cycle_of(uow, project.id, rules, calendar, today)
                except UpdateNotOpen:
                    continue
                found.append(project)
        return found


async def submit_update(
    db: Database,
    rules: SupervisionRules,
    scoring: ScoringRules,
    *,
    person_id: int,
    project_id: int,
    funds: Decimal,
    progress: str,
    problems: str,
    stage_changed: bool,
    now: datetime,
) -> ProgressUpdate:
    """The landing unit's update on the month asked for. The group sees a summary. Given after the due date, it
    records a late-update 扣分 for the unit (四(一)); a second one for the month replaces the first's content
    and keeps its time (and lateness), so a correction is never a second 扣分."""
    calendar = await work_calendar(db)
    today = _today(now)
    async with db.uow() as uow:
        principal = await uow.people.principal(person_id)
        project = await uow.projects.get(project_id)
        check_updater(principal.roles, project.landing_unit)
        cycle = await _open_cycle_of(uow, project_id, rules, calendar, today)
        previous = await uow.progress.update_for(project_id, cycle.period)
        given = write_update(
            project_id=project_id,
            landing_unit=project.landing_unit,
            stage=project.stage,
            cycle=cycle,
            roles=principal.roles,
            person_id=person_id,
            funds=funds,
            progress=progress,
            problems=problems,
            stage_changed=stage_changed,
            today=today,
            now=now,
            previous=previous,
        )
        update_id = await uow.progress.save(given)
        period = period_label(cycle.period)
        facts: dict[str, object] = {
            "project_id": project_id,
            "project_name": project.name,
            "landing_unit": project.landing_unit,
            "period": period,
            "due": cycle.due,
            "funds": given.funds,
            "progress": given.progress,
            "problems": given.problems,
            "stage": given.stage,
            "stage_changed": given.stage_changed,
            "late": given.late,
            "revision": given.revision,
        }
        before = _update_facts(previous) if previous else {}
        event_id = await uow.audit.append(
            "project", project_id, Event("progress_update_submitted", person_id, now, before, facts)
        )
        if given.late and previous is None:
            await uow.marks.add(
                AssessmentMark(
                    unit=project.landing_unit,
                    year=cycle.period.year,
                    kind="late_update",
                    points=-scoring.late_update_deduction,
                    source=f"progress:{project_id}:{period}",
                    occurred_on=today,
                    note=project.name,
                ),
                now,
            )
        reporter = await uow.people.get(person_id)
        chats = [project.group_chat_id] if project.group_chat_id is not None else []
        await uow.outbox.add(event_id, chats, "progress.update", facts | {"reporter": reporter.display_name}, now)
        await uow.commit()
    return replace(given, id=update_id)


def _update_facts(update: ProgressUpdate) -> dict[str, object]:
    return {
        "funds": update.funds,
        "progress": update.progress,
        "problems": update.problems,
        "stage_changed": update.stage_changed,
        "revision": update.revision,
    }


# ---- the reconciler -----------------------------------------------------------------------------------------


async def reconcile_progress(supervision: Supervision, now: datetime) -> int:
    """On the prompt day (from the sending hour) each active project is asked for last month's update; then its
    reminders, warnings and escalation while it is outstanding; at the next prompt day an update never given is
    marked missing; once the due date has passed, each landing unit's monthly report goes to the main leaders.
    Each once; what a bot that was down missed goes out (only the latest reminder or warning) on its first pass
    after. Returns how many messages it queued."""
    rules = supervision.rules
    today = supervision_day(now, rules.send_hour)
    calendar = await work_calendar(supervision.db)
    cycle = open_cycle(today, rules, calendar)
    due_if_asked_today = calendar.add_workdays(today, rules.progress_due_workdays)
    done = await _close_missing(supervision, cycle, now)
    async with supervision.db.uow(read_only=True) as uow:
        projects = [p for p in await uow.projects.find(stages=ACTIVE_STAGES) if p.id is not None]
    for project in projects:
        async with supervision.db.uow() as uow:
            done += await _prompt(uow, project, cycle, now, due_if_asked_today)
            done += await _chase(uow, project, cycle, today, calendar, rules, now)
            await uow.commit()
    if today > cycle.due:
        done += await _unit_reports(supervision, cycle, now)
    return done


async def _close_missing(supervision: Supervision, cycle: ProgressCycle, now: datetime) -> int:
    """Updates of earlier months never given: missing (a 扣分) if the project is still active, moot if not."""
    done = 0
    async with supervision.db.uow() as uow:
        for request in await uow.progress.unanswered(before=cycle.period):
            assert request.id is not None
            project = await uow.projects.get(request.project_id)
            closed = Closed.MISSING if project.stage.is_active() else Closed.MOOT
            if not await uow.progress.close(request.id, closed, now):
                continue
            period = period_label(request.period)
            facts = {"project_id": project.id, "project_name": project.name, "period": period, "due": request.due_on}
            name = f"progress_update_{closed.value}"
            event_id = await uow.audit.append_system(
                "project", request.project_id, name, at=now, before={}, after=facts
            )
            if closed is Closed.MOOT:
                continue
            await uow.marks.add(
                AssessmentMark(
                    unit=request.landing_unit,
                    year=request.period.year,
                    kind="missing_update",
                    points=-supervision.scoring.missing_update_deduction,
                    source=f"progress:{request.project_id}:{period}",
                    occurred_on=_today(now),
                    note=project.name,
                ),
                now,
            )
            chats = await _project_chats(uow, project, updaters(request.landing_unit))
            await uow.outbox.add(event_id, chats, "progress.missing", facts, now)
            done += 1
        await uow.commit()
    return done


async def _prompt(
    uow: UnitOfWork, project: Project, cycle: ProgressCycle, now: datetime, due_if_asked_today: date
) -> int:
    """Ask for the month's update, once: in the group, or without one privately to the unit's staff. With nobody
    to ask (no group, nobody bound) nothing is recorded, so nothing is late and it is asked once someone is.
    Asked after its prompt day (the bot down over it, or the group bound since), the update is due no sooner
    than the usual number of working days after it was asked, so it never arrives already late."""
    assert project.id is not None
    if not owes_update(project.stage, _created_on(project), cycle.period):
        return 0
    if await uow.progress.request_for(project.id, cycle.period) is not None:
        return 0
    if project.group_chat_id is not None:
        chats = [project.group_chat_id]
    else:
        staff, head = updaters(project.landing_unit)
        chats = await _chats(uow, [staff]) or await _chats(uow, [head])
    period = period_label(cycle.period)
    if not chats or not await uow.alarms.first_time(f"progress:prompt:{project.id}:{period}", now):
        return 0
    due = max(cycle.due, due_if_asked_today)
    request = UpdateRequest(project.id, cycle.period, project.landing_unit, now, due)
    await uow.progress.add_request(request)
    facts = _facts(project, period, due)
    event_id = await uow.audit.append_system("project", project.id, "progress_prompt", at=now, before={}, after=facts)
    await uow.outbox.add(event_id, chats, "progress.prompt", facts, now)
    return 1


async def _chase(
    uow: UnitOfWork,
    project: Project,
    cycle: ProgressCycle,
    today: date,
    calendar: WorkCalendar,
    rules: SupervisionRules,
    now: datetime,
) -> int:
    """The reminders, warnings and escalation the month's outstanding update has due today."""
    assert project.id is not None
    request = await uow.progress.request_for(project.id, cycle.period)
    if request is None or request.closed is not None:
        return 0
    if await uow.progress.update_for(project.id, cycle.period) is not None:
        return 0
    period = period_label(cycle.period)
    sent = 0
    for alarm in alarms_due(request.due_on, today, calendar, rules.schedule):
        if not await uow.alarms.first_time(f"progress:{project.id}:{period}:{alarm.key}", now):
            continue
        facts = _facts(project, period, request.due_on) | {
            "late_days": calendar.workdays_between(request.due_on, today),
            "nth": alarm.nth,
            "workdays_left": calendar.workdays_between(today, request.due_on),
        }
        name = f"progress_{alarm.alarm.value}"
        event_id = await uow.audit.append_system("project", project.id, name, at=now, before={}, after=facts)
        await uow.outbox.add(
            event_id, await _alarm_chats(uow, project, alarm), f"progress.{alarm.alarm.value}", facts, now
        )
        sent += 1
    return sent


async def _alarm_chats(uow: UnitOfWork, project: Project, alarm: AlarmDue) -> list[int]:
    """Reminders: the group and the unit's staff in private; a warning: the group (the staff without one);
    the escalation: the unit's 联系县领导 and the office, in private."""
    staff = Role(RoleKind.STAFF, project.landing_unit)
    if alarm.alarm is Alarm.ESCALATION:
        return await _chats(uow, [Role(RoleKind.CONTACT_LEADER, project.landing_unit), Role(RoleKind.OFFICE)])
    group = [project.group_chat_id] if project.group_chat_id is not None else []
    if alarm.alarm is Alarm.WARNING and group:
        return group
    return group + await _chats(uow, [staff])


def _facts(project: Project, period: str, due: date) -> dict[str, object]:
    return {
        "project_id": project.id,
        "project_name": project.name,
        "landing_unit": project.landing_unit,
        "period": period,
        "due": due,
    }


# ---- the units' monthly report (一(四)) ----------------------------------------------------------------------


async def _unit_reports(supervision: Supervision, cycle: ProgressCycle, now: datetime) -> int:
    """Each landing unit asked for updates this month: its report, once (a unit whose projects are all newer than
    the month has nothing to report on it yet)."""
    period = period_label(cycle.period)
    async with supervision.db.uow(read_only=True) as uow:
        requests = await uow.progress.requests_in(cycle.period)
    asked = {r.project_id for r in requests}
    units = sorted({r.landing_unit for r in requests})
    done = 0
    for unit in units:
        async with supervision.db.uow() as uow:
            readers = [*REPORT_READERS, Role(RoleKind.CONTACT_LEADER, unit)]
            chats = await _chats(uow, readers)
            if not chats or not await uow.alarms.first_time(f"progress:report:{unit}:{period}", now):
                continue
            report = await _report_of(uow, unit, cycle, asked)
            params = _report_params(report)
            event_id = await uow.audit.append_system(
                "progress_report", int(period.replace("-", "")), "progress_unit_report", at=now, before={}, after=params
            )
            await uow.outbox.add(event_id, chats, "progress.report", params, now)
            await uow.commit()
            done += 1
    return done


async def _report_of(uow: UnitOfWork, unit: str, cycle: ProgressCycle, asked: set[int]) -> UnitReport:
    projects = [
        ReportedProject(p.id, p.name, p.stage)
        for p in await uow.projects.find(landing_unit=unit)
        if p.id is not None and (p.stage.is_active() or p.id in asked)
    ]
    updates = await uow.progress.updates_in(cycle.period, [p.project_id for p in projects])
    return unit_report(unit, cycle.period, projects, updates, asked)


def _report_params(report: UnitReport) -> dict[str, object]:
    """The report as the outbox keeps it (plain values); the notice renders it in the reader's language."""
    return {
        "unit": report.unit,
        "period": period_label(report.period),
        "funds": report.funds,
        "phases": {phase.value: [_project(p) for p in projects] for phase, projects in report.phases.items()},
        "updates": [
            _project(p)
            | {
                "funds": u.funds,
                "progress": u.progress,
                "problems": u.problems,
                "late": u.late,
                "changed": u.stage_changed,
            }
            for p, u in report.updates
        ],
        "overdue": [_project(p) for p in report.overdue],
    }


def _project(project: ReportedProject) -> dict[str, object]:
    return {"id": project.project_id, "name": project.name, "stage": project.stage.value}


# ---- who is told --------------------------------------------------------------------------------------------


async def _project_chats(uow: UnitOfWork, project: Project, roles: Iterable[Role]) -> list[int]:
    group = [project.group_chat_id] if project.group_chat_id is not None else []
    return group + await _chats(uow, roles)


async def _chats(uow: UnitOfWork, roles: Iterable[Role]) -> list[int]:
    chats: list[int] = []
    for role in roles:
        chats += [p.telegram_user_id for p in await uow.people.holders(role) if p.telegram_user_id is not None]
    return list(dict.fromkeys(chats))
