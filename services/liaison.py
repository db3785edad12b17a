"""Use cases of the 驻外招商联络处 (Attachment 5): the monthly report to the 联系县领导, the leader's follow-up
visits, and the reconciler that asks for reports, chases late ones and reminds leaders who have not visited.

Each use case runs one unit of work and commits once: the change, its audit event and its outbox rows together.
Audit subjects: a report is ("liaison_report", id), a visit ("liaison_visit", id); what the reconciler sends is
("liaison_office", yyyymm of the month concerned), the office named in the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from domain.calendar import SHANGHAI, WorkCalendar
from domain.deadlines import Alarm, alarms_due, supervision_day
from domain.directory import Directory, Role, RoleKind, UnitKind
from domain.liaison import (
    MonthlyReport,
    NotContactLeader,
    ReportAlreadySubmitted,
    ReportCycle,
    Visit,
    contact_leader,
    month_label,
    open_cycle,
    report_cycle,
    reporters,
    visit_gap,
    write_report,
    write_visit,
)
from domain.project import Event, Principal
from domain.supervision import SupervisionRules
from services.calendar import work_calendar
from services.supervise import Supervision
from storage.repositories import NotFound
from storage.uow import Database, UnitOfWork

# Who sees every office in /liaison: those who run or oversee the whole 招商 effort.
OVERSEERS = frozenset({RoleKind.OFFICE, RoleKind.SUPERVISION, RoleKind.COUNTY_HEAD, RoleKind.ADMIN})


def _today(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()


def offices_reported_by(principal: Principal, directory: Directory) -> list[str]:
    """The 联络处 this person reports for (as its 工作人员 or 负责人), in the directory's order."""
    return [u.code for u in directory.of_kind(UnitKind.LIAISON_OFFICE) if set(reporters(u.code)) & principal.roles]


def offices_led_by(principal: Principal, directory: Directory) -> list[str]:
    """The 联络处 this person is the 联系县领导 of."""
    return [u.code for u in directory.of_kind(UnitKind.LIAISON_OFFICE) if principal.holds(contact_leader(u.code))]


async def principal_of(db: Database, person_id: int) -> Principal:
    async with db.uow(read_only=True) as uow:
        return await uow.people.principal(person_id)


# ---- the report ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSlot:
    """The report an office owes now (the latest one asked for), and the one given, if it has been."""

    office: str
    cycle: ReportCycle
    submitted: MonthlyReport | None


async def report_slots(
    db: Database, directory: Directory, rules: SupervisionRules, *, person_id: int, now: datetime
) -> list[ReportSlot]:
    """For each 联络处 this person reports for: the report asked for most recently, and whether it is in."""
    calendar = await work_calendar(db)
    cycle = open_cycle(_today(now), rules, calendar)
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        return [
            ReportSlot(office, cycle, await uow.liaison.report_for(office, cycle.month))
            for office in offices_reported_by(principal, directory)
        ]


async def submit_report(
    db: Database,
    directory: Directory,
    rules: SupervisionRules,
    *,
    person_id: int,
    office: str,
    month: date,
    answers: Mapping[str, str],
    now: datetime,
) -> MonthlyReport:
    """The office's report on `month`, sent to its 联系县领导 in private with a button to record a visit."""
    directory.unit(office)
    calendar = await work_calendar(db)
    cycle = report_cycle(month, rules, calendar)
    today = _today(now)
    async with db.uow() as uow:
        principal = await uow.people.principal(person_id)
        report = write_report(
            office=office,
            cycle=cycle,
            answers=answers,
            roles=principal.roles,
            person_id=person_id,
            today=today,
            now=now,
        )
        report_id = await uow.liaison.add_report(report)
        if report_id is None:
            raise ReportAlreadySubmitted(
                f"{office} has reported on {month_label(month)} already.", office=office, month=month_label(month)
            )
        facts = {
            "office": office,
            "month": month_label(month),
            "due": cycle.due,
            "late": today > cycle.due,
            **{name: getattr(report, name) for name in ("leads", "activities", "next_plan", "coordination")},
        }
        event_id = await uow.audit.append(
            "liaison_report", report_id, Event("liaison_report_submitted", person_id, now, {}, facts)
        )
        reporter = await uow.people.get(person_id)
        params = facts | {"report_id": report_id, "reporter": reporter.display_name}
        await uow.outbox.add(event_id, await _chats(uow, [contact_leader(office)]), "liaison.report", params, now)
        await uow.commit()
    return replace(report, id=report_id)


# ---- visits -------------------------------------------------------------------------------------------------


async def report_to_follow(db: Database, *, person_id: int, report_id: int) -> MonthlyReport:
    """The report a leader tapped 记录走访 under, if they are its office's 联系县领导."""
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        report = await uow.liaison.report(report_id)
    if report is None:
        raise NotFound(f"Report {report_id} does not exist.", what="liaison_report", id=report_id)
    if not principal.holds(contact_leader(report.office)):
        raise NotContactLeader(f"Person {person_id} does not contact {report.office}.", office=report.office)
    return report


async def record_visit(
    db: Database,
    directory: Directory,
    *,
    person_id: int,
    office: str,
    visited_on: date,
    whom: str,
    outcome: str,
    now: datetime,
    report_id: int | None = None,
) -> Visit:
    """The 联系县领导's follow-up visit; the office's 负责人 and the 领导小组办公室 are told."""
    directory.unit(office)
    async with db.uow() as uow:
        principal = await uow.people.principal(person_id)
        if report_id is not None:
            report = await uow.liaison.report(report_id)
            report_id = report.id if report is not None and report.office == office else None
        visit = write_visit(
            office=office,
            visited_on=visited_on,
            whom=whom,
            outcome=outcome,
            roles=principal.roles,
            person_id=person_id,
            today=_today(now),
            now=now,
            report_id=report_id,
        )
        visit_id = await uow.liaison.add_visit(visit)
        facts = {"office": office, "visited_on": visited_on, "whom": visit.whom, "outcome": visit.outcome}
        if report_id is not None:
            facts["report_id"] = report_id
        event_id = await uow.audit.append(
            "liaison_visit", visit_id, Event("liaison_visit_recorded", person_id, now, {}, facts)
        )
        leader = await uow.people.get(person_id)
        told = [Role(RoleKind.HEAD, office), Role(RoleKind.OFFICE)]
        params = facts | {"leader": leader.display_name}
        await uow.outbox.add(event_id, await _chats(uow, told), "liaison.visit", params, now)
        await uow.commit()
    return replace(visit, id=visit_id)


# ---- /liaison -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeView:
    office: str
    cycle: ReportCycle  # the report asked for most recently
    open_report: MonthlyReport | None  # that report, if it is in
    latest_report: MonthlyReport | None
    visits: list[Visit]  # the latest few, the most recent first


async def overview(
    db: Database, directory: Directory, rules: SupervisionRules, *, person_id: int, now: datetime
) -> list[OfficeView]:
    """The offices this person deals with (all of them for the office and the county's leadership): the latest
    reports and visits. Empty for anyone else."""
    calendar = await work_calendar(db)
    cycle = open_cycle(_today(now), rules, calendar)
    async with db.uow(read_only=True) as uow:
        principal = await uow.people.principal(person_id)
        if any(principal.holds_any(kind) for kind in OVERSEERS):
            offices = [u.code for u in directory.of_kind(UnitKind.LIAISON_OFFICE)]
        else:
            mine = set(offices_led_by(principal, directory)) | set(offices_reported_by(principal, directory))
            offices = [u.code for u in directory.of_kind(UnitKind.LIAISON_OFFICE) if u.code in mine]
        return [
            OfficeView(
                office=office,
                cycle=cycle,
                open_report=await uow.liaison.report_for(office, cycle.month),
                latest_report=await uow.liaison.latest_report(office),
                visits=await uow.liaison.visits(office),
            )
            for office in offices
        ]


# ---- the reconciler -----------------------------------------------------------------------------------------


async def reconcile_liaison(supervision: Supervision, now: datetime) -> int:
    """Prompts for the monthly report on its day, reminders / warnings / escalation while it is late, and a
    reminder to each 联系县领导 for every `visit_gap_days` without a visit; each once (the ledger), and what a
    bot that was down missed goes out on its first pass after. Returns how many messages it queued."""
    rules = supervision.rules
    today = supervision_day(now, rules.send_hour)
    calendar = await work_calendar(supervision.db)
    cycle = open_cycle(today, rules, calendar)
    done = 0
    for unit in supervision.directory.of_kind(UnitKind.LIAISON_OFFICE):
        async with supervision.db.uow() as uow:
            if await uow.liaison.report_for(unit.code, cycle.month) is None:
                done += await _chase_report(uow, unit.code, cycle, today, calendar, rules, now)
            done += await _remind_visit(uow, unit.code, today, rules, now)
            await uow.commit()
    return done


async def _chase_report(
    uow: UnitOfWork,
    office: str,
    cycle: ReportCycle,
    today: date,
    calendar: WorkCalendar,
    rules: SupervisionRules,
    now: datetime,
) -> int:
    month = month_label(cycle.month)
    prompt = f"liaison:prompt:{office}:{month}"
    asked_at = await uow.alarms.sent_at(prompt)
    # An office asked late (its staff bound after the prompt day, or the bot down over it) gets the full time to
    # answer from when it was asked, rather than a prompt that arrives already overdue and escalated.
    asked_on = today if asked_at is None else asked_at.astimezone(SHANGHAI).date()
    due = max(cycle.due, calendar.add_workdays(asked_on, rules.liaison_report_due_workdays))
    facts = {"office": office, "month": month, "due": due}
    sent = await _send_once(uow, prompt, reporters(office), "liaison.prompt", facts, now)
    if not await uow.alarms.sent(prompt):
        return sent  # nobody reports for the office yet: nobody was asked, so nothing is late
    for alarm in alarms_due(due, today, calendar, rules.schedule):
        late = calendar.workdays_between(due, today)
        escalated = alarm.alarm is Alarm.ESCALATION
        to = (contact_leader(office), Role(RoleKind.OFFICE)) if escalated else reporters(office)
        key = f"liaison:report:{office}:{month}:{alarm.key}"
        sent += await _send_once(uow, key, to, f"liaison.{alarm.alarm.value}", facts | {"late_days": late}, now)
    return sent


async def _remind_visit(uow: UnitOfWork, office: str, today: date, rules: SupervisionRules, now: datetime) -> int:
    first_report = await uow.liaison.first_submitted_at(office)
    gap = visit_gap(
        await uow.liaison.last_visit_on(office),
        first_report.astimezone(SHANGHAI).date() if first_report is not None else None,
        today,
        rules.visit_gap_days,
    )
    if gap is None:
        return 0
    facts = {"office": office, "since": gap.since, "days": gap.days, "after_visit": gap.after_visit}
    key = f"liaison:visit_gap:{office}:{gap.since.isoformat()}:{gap.nth}"
    return await _send_once(uow, key, [contact_leader(office)], "liaison.visit_gap", facts, now)


async def _send_once(
    uow: UnitOfWork, key: str, roles: Iterable[Role], message_key: str, facts: dict[str, object], now: datetime
) -> int:
    """Queue the message to whoever holds `roles` unless `key` went out already. With nobody to tell yet
    (the role not bound), nothing is recorded, so it goes out once someone holds it."""
    chats = await _chats(uow, roles)
    if not chats or not await uow.alarms.first_time(key, now):
        return 0
    month = str(facts.get("month") or month_label(now.astimezone(SHANGHAI).date()))
    event_id = await uow.audit.append_system(
        "liaison_office", int(month.replace("-", "")), message_key, at=now, before={}, after=facts | {"key": key}
    )
    await uow.outbox.add(event_id, chats, message_key, facts, now)
    return 1


async def _chats(uow: UnitOfWork, roles: Iterable[Role]) -> list[int]:
    chats: list[int] = []
    for role in roles:
        chats += [p.telegram_user_id for p in await uow.people.holders(role) if p.telegram_user_id is not None]
    return list(dict.fromkeys(chats))
