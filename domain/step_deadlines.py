"""Due dates of a project's approval route and of its 研判 cycle, derived from the project, never stored.

An open approval step is due `step_due_workdays` 法定工作日 after it opened (`meeting_step_due_workdays` when a
meeting decides it: 县长办公会议, 县委常委会 meet on their own cadence); a 审批表 submitted to the office is due for
the 研判小组会议 `screening_due_workdays` after submission (二(三): the 研判 is monthly), and a 暂缓 restarts that
count from the meeting that deferred it. Who is reminded, warned and escalated to is decided here too, so the
reconciler, the card and /projects read one rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.calendar import SHANGHAI, Deadline, WorkCalendar, deadline_after
from domain.deadlines import Alarm, DeadlineSchedule, Signal, signal_for, worst_signal
from domain.directory import Role, RoleKind
from domain.errors import DomainError
from domain.lifecycle import Stage
from domain.project import Principal, Project
from domain.records import ApprovalStep, MeetingKind, Outcome, StepStatus
from domain.supervision import SupervisionRules

OFFICE = Role(RoleKind.OFFICE)


class Duty(StrEnum):
    """What a deadline is for."""

    STEP = "step"  # an approval step (二(五))
    SCREENING = "screening"  # the 研判小组会议 on a submitted 审批表 (二(三))


@dataclass(frozen=True)
class OpenDeadline:
    """One thing a project waits for, with its due date.

    `key` names this occurrence for good: a step by its id (a reopened round has new steps, so new keys), the
    研判 cycle by the moment it started (a resubmission or a 暂缓 starts a new one).
    """

    duty: Duty
    key: str
    holder: Role
    opened_at: datetime
    deadline: Deadline
    step: ApprovalStep | None = None

    @property
    def due(self) -> date:
        return self.deadline.due_date


def step_deadline(step: ApprovalStep, rules: SupervisionRules, calendar: WorkCalendar) -> OpenDeadline | None:
    """The deadline of a pending step; None for a step not open (or never opened)."""
    if step.status is not StepStatus.PENDING or step.opened_at is None or step.id is None:
        return None
    workdays = rules.meeting_step_due_workdays if step.actor.is_meeting else rules.step_due_workdays
    return OpenDeadline(
        Duty.STEP,
        f"step:{step.id}",
        step.holder,
        step.opened_at,
        deadline_after(step.opened_at, workdays, calendar),
        step,
    )


def screening_start(project: Project) -> datetime | None:
    """When the current wait for the 研判 began: the submission, or the latest 暂缓 of the 研判 since."""
    if project.stage is not Stage.SUBMITTED or project.submitted_at is None:
        return None
    deferrals = [
        m.recorded_at
        for m in project.meetings
        if m.kind is MeetingKind.SCREENING and m.outcome is Outcome.DEFERRED and m.recorded_at >= project.submitted_at
    ]
    return max([project.submitted_at, *deferrals])


def screening_deadline(project: Project, rules: SupervisionRules, calendar: WorkCalendar) -> OpenDeadline | None:
    """The 研判 cycle's deadline while the form waits for the meeting; the office convenes it, so holds it."""
    start = screening_start(project)
    if start is None or project.id is None:
        return None
    return OpenDeadline(
        Duty.SCREENING,
        f"screening:{project.id}:{int(start.timestamp())}",
        OFFICE,
        start,
        deadline_after(start, rules.screening_due_workdays, calendar),
    )


def open_deadlines(project: Project, rules: SupervisionRules, calendar: WorkCalendar) -> list[OpenDeadline]:
    """Every deadline the project has open now: its pending approval step and its 研判 cycle, nearest first."""
    if project.stage.is_terminal():
        return []
    found = [step_deadline(step, rules, calendar) for step in project.steps]
    found.append(screening_deadline(project, rules, calendar))
    return sorted((d for d in found if d is not None), key=lambda d: (d.due, d.key))


def alarm_readers(deadline: OpenDeadline, alarm: Alarm, landing_unit: str) -> tuple[Role, ...]:
    """Who is told, privately, of an alarm (the warning also goes to the project's group).

    Reminders and warnings go to the holder. The escalation goes to the office, which follows every
    deadline up, and to the landing unit's 联系县领导, who leads the project's push (二(六)); a 分管副县长's
    overdue step also goes to the 县长, the one above them. A 县长's own step has nobody above in the county
    government: the office and the 联系县领导 take it up with them.
    """
    if alarm is not Alarm.ESCALATION:
        return (deadline.holder,)
    readers = [OFFICE, Role(RoleKind.CONTACT_LEADER, landing_unit)]
    if deadline.holder.kind is RoleKind.DEPUTY_HEAD:
        readers.append(Role(RoleKind.COUNTY_HEAD))
    return tuple(readers)


@dataclass(frozen=True)
class CardSignal:
    """What the card shows of a project's deadlines: a colour and the nearest due date (None: nothing due)."""

    signal: Signal
    due: date | None = None
    provisional: bool = False

    @property
    def stamp(self) -> str:
        """What changes the card when it changes; kept beside the card to tell when to redraw it."""
        due = self.due.isoformat() if self.due else ""
        return f"{self.signal.value}:{due}:{'provisional' if self.provisional else ''}"


def card_signal(
    deadlines: list[OpenDeadline],
    progress_due: date | None,
    today: date,
    calendar: WorkCalendar,
    schedule: DeadlineSchedule,
) -> CardSignal:
    """The worst colour over the project's open deadlines (its steps, its 研判 cycle, its monthly update), and
    the due date of the nearest of them."""
    dues = [(d.due, d.deadline.is_provisional) for d in deadlines]
    if progress_due is not None:
        dues.append((progress_due, False))
    if not dues:
        return CardSignal(Signal.GREEN)
    signal = worst_signal([signal_for(day, today, calendar, schedule) for day, _ in dues])
    nearest, provisional = min(dues)
    return CardSignal(signal, nearest, provisional)


def local_day(now: datetime) -> date:
    """The date in 磐安 at `now` (aware): the card turns red the day after the due date, from midnight."""
    return now.astimezone(SHANGHAI).date()


class UrgeNotAllowed(DomainError):
    """Only the 领导小组办公室 may 催办: it follows every project's deadlines (二(一))."""

    code = "urge_not_allowed"


def check_may_urge(principal: Principal) -> None:
    if not principal.holds(OFFICE):
        raise UrgeNotAllowed(f"Person {principal.person_id} is not the office and may not 催办.", move="urge")
