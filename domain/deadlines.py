"""When something with a due date is reminded, warned about and escalated, and what colour it shows.

One schedule serves every deadline the bot keeps (monthly updates, approval steps, the 研判 cycle, 交办单
items, 联络处 reports): reminders a few 法定工作日 before the due date, a warning once it has passed, repeated
on a cadence, and one escalation some working days after it. Everything here is pure: the day is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.calendar import SHANGHAI, WorkCalendar
from domain.errors import DomainError


class ScheduleError(DomainError):
    """A deadline schedule that cannot work (a negative count, a reminder after the due date...)."""

    code = "deadline_schedule"


class Alarm(StrEnum):
    REMINDER = "reminder"  # before the due date, to whoever holds the work
    WARNING = "warning"  # past due, where the work is seen (the project group, the holder)
    ESCALATION = "escalation"  # past due for long: to the leader and the office


class Signal(StrEnum):
    """The colour a project card shows for its nearest deadline."""

    GREEN = "green"
    YELLOW = "yellow"  # due within the configured number of working days
    RED = "red"  # past due


@dataclass(frozen=True)
class DeadlineSchedule:
    """Working-day offsets of the alarms around a due date."""

    remind_before: tuple[int, ...] = (2, 1)  # working days before the due date
    warn_every: int = 2  # after the first warning (the first working day past due), again every n working days
    escalate_after: int = 3  # working days past due
    yellow_within: int = 2  # working days before the due date from which a card turns yellow

    def __post_init__(self) -> None:
        if any(n < 0 for n in self.remind_before):
            raise ScheduleError("Reminders are counted in working days before the due date, 0 or more.")
        if self.warn_every < 1 or self.escalate_after < 1 or self.yellow_within < 0:
            raise ScheduleError("warn_every and escalate_after must be at least 1 working day; yellow_within ≥ 0.")


@dataclass(frozen=True, order=True)
class AlarmDue:
    """One alarm that is due: `key` is stable, so a ledger can tell whether it went out already."""

    day: date
    alarm: Alarm
    nth: int  # which reminder (working days before) or which warning (1, 2, ...); 1 for the escalation

    @property
    def key(self) -> str:
        return f"{self.alarm.value}:{self.nth}"


def alarms_due(due: date, today: date, calendar: WorkCalendar, schedule: DeadlineSchedule) -> list[AlarmDue]:
    """The alarms to send on `today` for work due on `due`, oldest first, as a reconciler that may have been
    down sees them: only the latest reminder not yet overtaken, only the latest warning, and the escalation
    once its day has come. A caller sends those its ledger has not seen."""
    result: list[AlarmDue] = []
    if today <= due:
        reminders = [
            AlarmDue(_workdays_before(due, n, calendar), Alarm.REMINDER, n)
            for n in sorted(set(schedule.remind_before), reverse=True)
        ]
        passed = [r for r in reminders if r.day <= today]
        if passed:
            result.append(passed[-1])  # the nearest one; an earlier one missed while down is moot now
        return result
    late = calendar.workdays_between(due, today)
    if late >= 1:
        nth = 1 + (late - 1) // schedule.warn_every
        first_warning = calendar.add_workdays(due, 1)
        day = first_warning if nth == 1 else calendar.add_workdays(first_warning, (nth - 1) * schedule.warn_every)
        result.append(AlarmDue(day, Alarm.WARNING, nth))
    if late >= schedule.escalate_after:
        result.append(AlarmDue(calendar.add_workdays(due, schedule.escalate_after), Alarm.ESCALATION, 1))
    return sorted(result)


def signal_for(due: date | None, today: date, calendar: WorkCalendar, schedule: DeadlineSchedule) -> Signal:
    """Red past due, yellow within `yellow_within` working days of it, green otherwise (or with no deadline)."""
    if due is None:
        return Signal.GREEN
    if today > due:
        return Signal.RED
    if calendar.workdays_between(today, due) <= schedule.yellow_within:
        return Signal.YELLOW
    return Signal.GREEN


def worst_signal(signals: list[Signal]) -> Signal:
    """The colour of several deadlines together: the most urgent one."""
    order = [Signal.GREEN, Signal.YELLOW, Signal.RED]
    return max(signals, key=order.index, default=Signal.GREEN)


def supervision_day(now: datetime, send_hour: int) -> date:
    """The latest local (Asia/Shanghai) day whose sending hour has come: before `send_hour` it is yesterday,
    so nobody is prompted or warned in the small hours."""
    local = now.astimezone(SHANGHAI)
    return local.date() if local.hour >= send_hour else local.date() - timedelta(days=1)


def _workdays_before(due: date, n: int, calendar: WorkCalendar) -> date:
    """The n-th working day before `due` (n = 0: the due date itself)."""
    day = due
    while n:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            n -= 1
    return day
