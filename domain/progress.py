"""Monthly progress updates (四(一) "及时更新项目进展情况…对不及时更新的责任单位…予以扣分") and the landing
unit's monthly report to the county's main leaders (一(四)).

Every active project (not 开工, not ended) owes its landing unit's update on each month it existed in. The update
on month M is asked on the first 法定工作日 on or after `progress_prompt_day` of month M+1 and is due
`progress_due_workdays` working days after that (zhikong/data/supervision.toml). One given after its due date is
late; one not given by the prompt day of month M+2 (when M+1 is asked) is missing. Only the landing unit's own
工作人员 or 负责人 updates. Everything here is pure: the day is passed in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Final

from domain.answers import MONEY_DEFAULT_UNIT
from domain.calendar import WorkCalendar
from domain.directory import Role, RoleKind
from domain.errors import DomainError
from domain.lifecycle import Stage
from domain.quantities import Currency, QuantityError, parse_chinese_number, parse_money
from domain.supervision import SupervisionRules

PROGRESS_MAX_LENGTH: Final = 1000  # 进展情况: a few paragraphs, short enough for the unit's monthly report
PROBLEMS_MAX_LENGTH: Final = 500  # 需县级协调解决的问题
# Words that say "nothing this month" for the funds (a zero) and for the problems (none).
NOTHING_WORDS: Final = frozenset({"0", "零", "无", "没有", "暂无", "无到位资金", "none", "no", "nil", "-"})


class NotLandingUnit(DomainError):
    """Only the 工作人员 or 负责人 of the project's 落地单位 updates its progress."""

    code = "progress_not_landing_unit"


class UpdateNotOpen(DomainError):
    """No monthly update of this project is asked for now (none yet, or the last one is closed)."""

    code = "progress_not_open"


class InvalidProgressAnswer(DomainError):
    """An answer of the update that cannot be taken: `field` names which, `reason` why."""

    code = "progress_answer"


class UpdateField(StrEnum):
    """What the update asks after the stage, in order; the words are `progress.ask.<value>` in the catalogs."""

    FUNDS = "funds"  # 本月到位资金
    PROGRESS = "progress"  # 进展情况
    PROBLEMS = "problems"  # 需县级协调解决的问题 (optional)


class Phase(StrEnum):
    """The four headings of 一(四)'s monthly report: 谋划、盯引、签约、落地."""

    PLANNING = "planning"
    PURSUING = "pursuing"
    SIGNED = "signed"
    LANDED = "landed"


_PHASES: Final[dict[Stage, Phase]] = {
    Stage.PLANNING: Phase.PLANNING,
    Stage.ARGUED: Phase.PLANNING,
    Stage.SIGNED: Phase.SIGNED,
    Stage.LISTED: Phase.LANDED,
    Stage.DELISTED: Phase.LANDED,
    Stage.STARTED: Phase.LANDED,
}


def phase_of(stage: Stage) -> Phase:
    """Where a stage falls among 谋划 / 盯引 / 签约 / 落地: from 上报审批表 to 审批通过 the project is being pursued."""
    return _PHASES.get(stage, Phase.PURSUING)


def updaters(unit: str) -> tuple[Role, Role]:
    """Who updates a project's progress: its landing unit's 工作人员 and 负责人."""
    return Role(RoleKind.STAFF, unit), Role(RoleKind.HEAD, unit)


def check_updater(roles: Iterable[Role], unit: str) -> None:
    if not set(updaters(unit)) & set(roles):
        raise NotLandingUnit(f"Only staff or head of {unit} update its projects' progress.", unit=unit)


# ---- the period and its dates -------------------------------------------------------------------------------


def period_of(day: date) -> date:
    """The month a day falls in, as its first day (how a period is kept)."""
    return day.replace(day=1)


def next_period(period: date) -> date:
    return date(period.year + period.month // 12, period.month % 12 + 1, 1)


def previous_period(period: date) -> date:
    return date(period.year - (period.month == 1), (period.month - 2) % 12 + 1, 1)


def period_label(period: date) -> str:
    return f"{period.year:04}-{period.month:02}"


def parse_period(label: str) -> date:
    year, month = label.split("-")
    return date(int(year), int(month), 1)


def last_day(period: date) -> date:
    return next_period(period) - timedelta(days=1)


@dataclass(frozen=True)
class ProgressCycle:
    """When the update on `period` is asked, when it is due, and when it counts as missing."""

    period: date
    prompt_on: date
    due: date
    missing_on: date  # the next period's prompt day: not given by then, it is missing

    def is_late(self, submitted_on: date) -> bool:
        return submitted_on > self.due

    def is_open(self, today: date) -> bool:
        """Whether the update can still be given (it is not missing yet)."""
        return today < self.missing_on


def prompt_day(period: date, rules: SupervisionRules, calendar: WorkCalendar) -> date:
    """The first working day on or after `progress_prompt_day` of the month after `period`."""
    day = next_period(period).replace(day=rules.progress_prompt_day)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def progress_cycle(period: date, rules: SupervisionRules, calendar: WorkCalendar) -> ProgressCycle:
    prompt_on = prompt_day(period, rules, calendar)
    return ProgressCycle(
        period=period,
        prompt_on=prompt_on,
        due=calendar.add_workdays(prompt_on, rules.progress_due_workdays),
        missing_on=prompt_day(next_period(period), rules, calendar),
    )


def open_cycle(today: date, rules: SupervisionRules, calendar: WorkCalendar) -> ProgressCycle:
    """The latest update asked for by `today`: last month's once its prompt day has come, else the month
    before's."""
    period = previous_period(period_of(today))
    cycle = progress_cycle(period, rules, calendar)
    while cycle.prompt_on > today:
        period = previous_period(period)
        cycle = progress_cycle(period, rules, calendar)
    return cycle


def owes_update(stage: Stage, created_on: date, period: date) -> bool:
    """An active project owes the update on every month it existed in (one opened later owes nothing yet)."""
    return stage.is_active() and created_on <= last_day(period)


# ---- reading the answers ------------------------------------------------------------------------------------


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def says_nothing(text: str) -> bool:
    """无 / 没有 / 0: nothing to report for this answer."""
    return _normalize(text).casefold().rstrip("。.") in NOTHING_WORDS


def read_funds(text: str) -> Decimal:
    """本月到位资金 in 元: an amount such as 三千万元, 5000万 or 1.2亿 (a bare number is 万元), or 0 / 无. Funds
    are reported in 人民币 (the assessment sums them in 元), so an amount in 美元 is asked again."""
    if says_nothing(text):
        return Decimal("0.00")
    try:
        if parse_chinese_number(_normalize(text).removesuffix("元")) == 0:
            return Decimal("0.00")
    except QuantityError:
        pass
    try:
        money = parse_money(text, default_unit=MONEY_DEFAULT_UNIT)
    except QuantityError as error:
        raise InvalidProgressAnswer(
            f"Cannot read {text!r} as funds: {error}", field=UpdateField.FUNDS.value, reason="amount", raw=text
        ) from error
    if money.currency is not Currency.CNY:
        raise InvalidProgressAnswer(
            f"Funds must be reported in 元, got {text!r}.", field=UpdateField.FUNDS.value, reason="currency", raw=text
        )
    return money.amount


def read_progress(text: str) -> str:
    """进展情况: required, at most PROGRESS_MAX_LENGTH characters."""
    value = _normalize(text)
    if not value or says_nothing(value):
        raise InvalidProgressAnswer(
            "The progress needs a few words.", field=UpdateField.PROGRESS.value, reason="empty", raw=text
        )
    return _within(value, UpdateField.PROGRESS, PROGRESS_MAX_LENGTH)


def read_problems(text: str) -> str:
    """需县级协调解决的问题: "" for none (无 / 没有)."""
    value = _normalize(text)
    if says_nothing(value):
        return ""
    return _within(value, UpdateField.PROBLEMS, PROBLEMS_MAX_LENGTH)


def _within(value: str, field: UpdateField, limit: int) -> str:
    if len(value) > limit:
        raise InvalidProgressAnswer(
            f"{field.value} is {len(value)} characters; at most {limit}.",
            field=field.value,
            reason="too_long",
            raw=value[:20],
            max_length=limit,
            length=len(value),
        )
    return value


# ---- the update ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressUpdate:
    """A landing unit's update of one project on one month. A second submission for the month replaces the
    content, but `first_submitted_at` (and whether it was late) stays that of the first."""

    project_id: int
    period: date
    funds: Decimal  # 到位资金 this month, 元
    progress: str
    problems: str  # "" when there is nothing for the county to coordinate
    stage: Stage  # the stage the system had when the update was given
    stage_changed: bool  # what the cadre said; the stage itself moves only by its own moves
    submitted_by: int
    first_submitted_at: datetime
    updated_at: datetime
    late: bool
    revision: int = 1
    id: int | None = None


def write_update(
    *,
    project_id: int,
    landing_unit: str,
    stage: Stage,
    cycle: ProgressCycle,
    roles: Iterable[Role],
    person_id: int,
    funds: Decimal,
    progress: str,
    problems: str,
    stage_changed: bool,
    today: date,
    now: datetime,
    previous: ProgressUpdate | None = None,
) -> ProgressUpdate:
    """The update as given now, checked: the person updates for the landing unit, the month is still open, the
    answers are readable. Over an earlier one of the same month, it keeps when that was first given."""
    check_updater(roles, landing_unit)
    if not cycle.is_open(today):
        raise UpdateNotOpen(
            f"The update on {period_label(cycle.period)} closed on {cycle.missing_on}.",
            period=period_label(cycle.period),
        )
    if funds < 0:
        raise InvalidProgressAnswer("Funds cannot be negative.", field=UpdateField.FUNDS.value, reason="amount", raw="")
    return ProgressUpdate(
        project_id=project_id,
        period=cycle.period,
        funds=funds.quantize(Decimal("0.01")),
        progress=read_progress(progress),
        problems=read_problems(problems) if problems else "",
        stage=stage,
        stage_changed=stage_changed,
        submitted_by=person_id,
        first_submitted_at=previous.first_submitted_at if previous else now,
        updated_at=now,
        late=previous.late if previous else cycle.is_late(today),
        revision=previous.revision + 1 if previous else 1,
        id=previous.id if previous else None,
    )


# ---- the unit's monthly report (一(四)) ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportedProject:
    project_id: int
    name: str
    stage: Stage


@dataclass(frozen=True)
class UnitReport:
    """One landing unit's month: its active projects under 谋划 / 盯引 / 签约 / 落地, the updates given (late
    ones marked), and the projects whose update is overdue."""

    unit: str
    period: date
    phases: Mapping[Phase, Sequence[ReportedProject]]
    updates: Sequence[tuple[ReportedProject, ProgressUpdate]]
    overdue: Sequence[ReportedProject]
    funds: Decimal  # the month's 到位资金 of all the unit's updates, 元


def unit_report(
    unit: str,
    period: date,
    projects: Sequence[ReportedProject],
    updates: Mapping[int, ProgressUpdate],
    asked: Iterable[int],
) -> UnitReport:
    """The report of `unit` on `period` from its active `projects`, the `updates` given (by project id) and the
    projects `asked` for one (those asked and without an update are overdue)."""
    phases = {phase: [p for p in projects if phase_of(p.stage) is phase] for phase in Phase}
    given = [(p, updates[p.project_id]) for p in projects if p.project_id in updates]
    asked_ids = set(asked)
    overdue = [p for p in projects if p.project_id in asked_ids and p.project_id not in updates]
    return UnitReport(
        unit=unit,
        period=period,
        phases=phases,
        updates=given,
        overdue=overdue,
        funds=sum((u.funds for _p, u in given), Decimal("0.00")),
    )
