"""驻外招商联络处: each office's monthly report to its 联系县领导, and the leader's follow-up visits (Attachment 5).

Attachment 5: "各驻外招商引资联络处…每月向联系县领导汇报招商引（才）资工作。各联系县领导要根据各联络处提供的招商
信息及时走访，跟进洽谈"; policy 一(二) asks the county leaders to follow up what the offices report. Neither names a
day: the report for month M is asked on the first 法定工作日 on or after `progress_prompt_day` of M+1 and is due
`liaison_report_due_workdays` working days later (zhikong/data/supervision.toml). A leader who has recorded no visit
for `visit_gap_days` calendar days, counted from the last visit (or from the office's first report), is reminded.

Only the office's own people (STAFF / HEAD of it) report, and only its 联系县领导 records a visit: the visit is the
leader's own duty that the gap reminder follows, so nobody else may record it for them. Everything here is pure;
the day is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from domain.calendar import WorkCalendar
from domain.directory import Role, RoleKind
from domain.errors import DomainError
from domain.form import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from domain.supervision import SupervisionRules


class NotOfficeStaff(DomainError):
    """Only the 联络处's own 工作人员 or 负责人 report for it."""

    code = "liaison_not_staff"


class NotContactLeader(DomainError):
    """Only the 联络处's 联系县领导 records a follow-up visit."""

    code = "liaison_not_leader"


class ReportAlreadySubmitted(DomainError):
    code = "liaison_report_submitted"


class ReportNotOpen(DomainError):
    """The month's report has not been asked for yet (its prompt day is still ahead)."""

    code = "liaison_report_not_open"


class InvalidLiaisonText(DomainError):
    """An answer is empty where one is required, or too long."""

    code = "liaison_text"


class VisitInFuture(DomainError):
    code = "liaison_visit_future"


class ReportQuestion(StrEnum):
    """What the monthly report asks, in order; its words are `liaison.ask.<value>` in the catalogs."""

    LEADS = "leads"  # 招商（引才）信息: what, which company or sector, how far the contact has got
    ACTIVITIES = "activities"  # 对接活动 this month: visits, talks, 推介会
    NEXT_PLAN = "next_plan"  # 下月计划
    COORDINATION = "coordination"  # 需县领导协调的事项


REPORT_QUESTIONS: Final = tuple(ReportQuestion)
# A quiet month may have no lead, no activity and nothing to coordinate; it always has a plan.
OPTIONAL_QUESTIONS: Final = frozenset({ReportQuestion.LEADS, ReportQuestion.ACTIVITIES, ReportQuestion.COORDINATION})


class VisitQuestion(StrEnum):
    """What recording a visit asks, in order; its words are `liaison.visit_ask.<value>`."""

    VISITED_ON = "visited_on"  # the date, not in the future
    WHOM = "whom"  # the company, person or lead visited
    OUTCOME = "outcome"  # what came of it


VISIT_QUESTIONS: Final = tuple(VisitQuestion)
VISIT_LIMITS: Final = {VisitQuestion.WHOM: NAME_MAX_LENGTH, VisitQuestion.OUTCOME: TEXT_MAX_LENGTH}


def reporters(office: str) -> tuple[Role, Role]:
    """Who reports for the office: its 工作人员 and its 负责人."""
    return Role(RoleKind.STAFF, office), Role(RoleKind.HEAD, office)


def contact_leader(office: str) -> Role:
    return Role(RoleKind.CONTACT_LEADER, office)


# ---- the monthly cycle --------------------------------------------------------------------------------------


def month_of(day: date) -> date:
    """The month a day falls in, as its first day (how a report's month is kept)."""
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


@dataclass(frozen=True)
class ReportCycle:
    """When the report on `month` is asked for and when it is due."""

    month: date
    prompt_on: date
    due: date


def report_cycle(month: date, rules: SupervisionRules, calendar: WorkCalendar) -> ReportCycle:
    """The report on `month`: asked on the first working day on/after the prompt day of the next month, due
    `liaison_report_due_workdays` working days after that."""
    prompt_on = next_month(month).replace(day=rules.progress_prompt_day)
    while not calendar.is_workday(prompt_on):
        prompt_on += timedelta(days=1)
    return ReportCycle(month, prompt_on, calendar.add_workdays(prompt_on, rules.liaison_report_due_workdays))


def open_cycle(today: date, rules: SupervisionRules, calendar: WorkCalendar) -> ReportCycle:
    """The latest report that has been asked for by `today`: last month's once its prompt day has come,
    else the month before's."""
    month = previous_month(month_of(today))
    cycle = report_cycle(month, rules, calendar)
    while cycle.prompt_on > today:
        month = previous_month(month)
        cycle = report_cycle(month, rules, calendar)
    return cycle


def month_label(month: date) -> str:
    """A report's month as stored in keys and notices: 2026-10."""
    return f"{month.year:04}-{month.month:02}"


# ---- the report ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyReport:
    office: str  # the 联络处's unit code
    month: date  # the first day of the month reported on
    leads: str
    activities: str
    next_plan: str
    coordination: str
    submitted_by: int
    submitted_at: datetime
    id: int | None = None

    def answer(self, question: ReportQuestion) -> str:
        value: str = getattr(self, question.value)
        return value


def clean_answer(question: ReportQuestion, text: str) -> str:
    """The answer as kept: trimmed; "" for an optional question left empty. InvalidLiaisonText otherwise."""
    value = text.strip()
    if not value and question not in OPTIONAL_QUESTIONS:
        raise InvalidLiaisonText(
            f"{question.value} needs an answer.", question=question.value, max_length=TEXT_MAX_LENGTH
        )
    if len(value) > TEXT_MAX_LENGTH:
        raise InvalidLiaisonText(
            f"{question.value} has {len(value)} characters, over {TEXT_MAX_LENGTH}.",
            question=question.value,
            max_length=TEXT_MAX_LENGTH,
        )
    return value


def write_report(
    *,
    office: str,
    cycle: ReportCycle,
    answers: Mapping[str, str],
    roles: frozenset[Role],
    person_id: int,
    today: date,
    now: datetime,
) -> MonthlyReport:
    """The report of `office` on the cycle's month from the answers, if this person may give it now."""
    if not set(reporters(office)) & roles:
        raise NotOfficeStaff(f"Person {person_id} is not staff or head of {office}.", office=office)
    if cycle.prompt_on > today:
        raise ReportNotOpen(
            f"The report on {month_label(cycle.month)} is asked for on {cycle.prompt_on}.",
            month=month_label(cycle.month),
            prompt_on=cycle.prompt_on.isoformat(),
        )
    text = {q: clean_answer(q, answers.get(q.value, "")) for q in REPORT_QUESTIONS}
    return MonthlyReport(
        office=office,
        month=cycle.month,
        leads=text[ReportQuestion.LEADS],
        activities=text[ReportQuestion.ACTIVITIES],
        next_plan=text[ReportQuestion.NEXT_PLAN],
        coordination=text[ReportQuestion.COORDINATION],
        submitted_by=person_id,
        submitted_at=now,
    )


# ---- visits -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """A 联系县领导's follow-up visit on what an office reported."""

    office: str
    visited_on: date
    whom: str  # the company, person or lead visited
    outcome: str
    leader_id: int  # the person who visited and recorded it
    recorded_at: datetime
    report_id: int | None = None  # the report whose information it followed, when recorded from it
    id: int | None = None


def write_visit(
    *,
    office: str,
    visited_on: date,
    whom: str,
    outcome: str,
    roles: frozenset[Role],
    person_id: int,
    today: date,
    now: datetime,
    report_id: int | None = None,
) -> Visit:
    """The visit, if this person is the office's 联系县领导 and it has happened."""
    if contact_leader(office) not in roles:
        raise NotContactLeader(f"Person {person_id} is not the contact leader of {office}.", office=office)
    if visited_on > today:
        raise VisitInFuture(
            f"The visit on {visited_on} is after today, {today}.",
            visited_on=visited_on.isoformat(),
            today=today.isoformat(),
        )
    return Visit(
        office=office,
        visited_on=visited_on,
        whom=_visit_text(VisitQuestion.WHOM, whom),
        outcome=_visit_text(VisitQuestion.OUTCOME, outcome),
        leader_id=person_id,
        recorded_at=now,
        report_id=report_id,
    )


def _visit_text(question: VisitQuestion, value: str) -> str:
    text = value.strip()
    limit = VISIT_LIMITS[question]
    if not text or len(text) > limit:
        raise InvalidLiaisonText(
            f"{question.value} must be 1 to {limit} characters.", question=question.value, max_length=limit
        )
    return text


@dataclass(frozen=True)
class VisitGap:
    """A reminder due to an office's 联系县领导: `days` without a visit since `since`; the n-th for this gap."""

    since: date
    days: int
    nth: int
    after_visit: bool  # `since` is the last visit (else the office's first report)


def visit_gap(last_visit: date | None, first_report: date | None, today: date, gap_days: int) -> VisitGap | None:
    """The gap reminder due by `today`, if any: one each time another `gap_days` calendar days pass without a
    visit, counted from the last visit, or from the first report when there has been no visit. Nothing is
    reminded before the office has reported at all: there is nothing yet to follow up."""
    since = last_visit if last_visit is not None else first_report
    if since is None:
        return None
    days = (today - since).days
    nth = days // gap_days
    return VisitGap(since, days, nth, last_visit is not None) if nth >= 1 else None
