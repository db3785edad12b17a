"""交办单 (三(三)): a problem a landing unit cannot solve alone, coordinated by the county.

```mermaid
stateDiagram-v2
    [*] --> reported: report (落地单位 STAFF/HEAD, written material)
    reported --> prepared: prepare (领导小组办公室: summary and items)
    reported --> returned: return_report (办公室, with a reason)
    prepared --> approved: approve (县主要领导)
    prepared --> reported: send_back (县主要领导, with a reason: the office prepares again)
    approved --> issued: issue (县督考办: each item gets its due date)
    approved --> reported: refer_back (县督考办, with a reason)
    issued --> closed: complete_item (the item's unit, with an explanation) once every item is done
    returned --> [*]
    closed --> [*]
```
An item overdue (open past its due date, or done after it) may be criticised (通报批评) by the 督考办, once;
the annual assessment counts that as 一票否优 (四(二)). Time is passed in; nothing here reads a clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from domain.calendar import SHANGHAI, WorkCalendar, deadline_after
from domain.directory import Directory, Role, RoleKind, UnitKind, UnknownUnit
from domain.errors import DomainError
from domain.project import Event, Principal

MATERIAL_MAX_LENGTH: Final = 2000  # the written material, as the 落地单位 sends it
TEXT_MAX_LENGTH: Final = 500  # a summary, an item, a reason, an explanation
MAX_ITEMS: Final = 20  # one 交办单 is a short list; a longer one is several


class TaskStatus(StrEnum):
    REPORTED = "reported"  # 待办公室准备 (also after a leader or the 督考办 sent it back)
    PREPARED = "prepared"  # 待县主要领导审定
    RETURNED = "returned"  # 退回落地单位 (final: the unit may report again)
    APPROVED = "approved"  # 待督考办下发
    ISSUED = "issued"  # 已下发, items open
    CLOSED = "closed"  # every item done


class ItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class TaskParty(StrEnum):
    """Who may make a move, relative to the 交办单; resolved from the person's roles, never from input."""

    LANDING_UNIT = "landing_unit"  # staff or head of a 区块/乡镇/街道 (reports)
    OFFICE = "office"  # 领导小组办公室
    COUNTY_HEAD = "county_head"  # 县主要领导
    SUPERVISION = "supervision"  # 县督考办
    ITEM_UNIT = "item_unit"  # staff or head of the unit an item is assigned to


class TaskMove(StrEnum):
    REPORT = "report"
    PREPARE = "prepare"
    RETURN_REPORT = "return_report"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    REFER_BACK = "refer_back"
    ISSUE = "issue"
    COMPLETE_ITEM = "complete_item"
    CRITICIZE = "criticize"


@dataclass(frozen=True)
class TaskTransition:
    move: TaskMove
    sources: frozenset[TaskStatus]
    parties: frozenset[TaskParty]


S = TaskStatus
P = TaskParty


def _t(move: TaskMove, sources: set[TaskStatus], parties: set[TaskParty]) -> TaskTransition:
    return TaskTransition(move, frozenset(sources), frozenset(parties))


TASK_TRANSITIONS: Final[dict[TaskMove, TaskTransition]] = {
    t.move: t
    for t in (
        _t(TaskMove.REPORT, set(), {P.LANDING_UNIT}),
        _t(TaskMove.PREPARE, {S.REPORTED}, {P.OFFICE}),
        _t(TaskMove.RETURN_REPORT, {S.REPORTED}, {P.OFFICE}),
        _t(TaskMove.APPROVE, {S.PREPARED}, {P.COUNTY_HEAD}),
        _t(TaskMove.SEND_BACK, {S.PREPARED}, {P.COUNTY_HEAD}),
        _t(TaskMove.REFER_BACK, {S.APPROVED}, {P.SUPERVISION}),
        _t(TaskMove.ISSUE, {S.APPROVED}, {P.SUPERVISION}),
        _t(TaskMove.COMPLETE_ITEM, {S.ISSUED}, {P.ITEM_UNIT}),
        # A late item may still be criticised after it was done, even once the whole 交办单 is closed.
        _t(TaskMove.CRITICIZE, {S.ISSUED, S.CLOSED}, {P.SUPERVISION}),
    )
}
# The moves that take a reason (退回) and those that need nothing but the tap.
REASONED_MOVES: Final = frozenset({TaskMove.RETURN_REPORT, TaskMove.SEND_BACK, TaskMove.REFER_BACK})


class TaskMoveRefused(DomainError):
    """The 交办单 is not where this move starts (e.g. it was approved already: a second tap)."""

    code = "task_stale"


class TaskNotAllowed(DomainError):
    code = "task_not_allowed"


class TaskTextInvalid(DomainError):
    """Empty or too long; `field` names which text (material, summary, what, reason, explanation)."""

    code = "task_text"


class TaskItemsMissing(DomainError):
    code = "task_items_missing"


class TaskItemLineInvalid(DomainError):
    """A typed item that is not 单位：事项：期限(可选)."""

    code = "task_item_line"


class TaskItemUnitUnknown(DomainError):
    code = "task_item_unit"


class TaskDeadlineUnreadable(DomainError):
    code = "task_deadline"


class TaskDeadlinePassed(DomainError):
    code = "task_deadline_passed"


class TaskItemNotFound(DomainError):
    code = "task_item_not_found"


class TaskItemDone(DomainError):
    code = "task_item_done"


class TaskItemNotOverdue(DomainError):
    code = "task_item_not_overdue"


class TaskItemCriticized(DomainError):
    code = "task_item_criticized"


def check_task_move(move: TaskMove, status: TaskStatus | None) -> None:
    """Raise unless a 交办单 at `status` (None: not yet reported) is where `move` starts."""
    sources = TASK_TRANSITIONS[move].sources
    if (status is None and sources) or (status is not None and status not in sources):
        raise TaskMoveRefused(
            f"Cannot {move.value} a 交办单 at {status}; expected one of {sorted(s.value for s in sources)}.",
            move=move.value,
            status=status.value if status else "",
        )


def check_task_party(move: TaskMove, parties: frozenset[TaskParty]) -> None:
    """Raise unless one of `parties` (those the person is, for this 交办单) may make `move`."""
    allowed = TASK_TRANSITIONS[move].parties
    if not parties & allowed:
        raise TaskNotAllowed(
            f"{move.value} may be made only by {sorted(p.value for p in allowed)}; "
            f"this person is {sorted(p.value for p in parties)}.",
            move=move.value,
        )


def unit_roles(unit: str) -> tuple[Role, Role]:
    """The people who speak for a unit: its staff and its head."""
    return Role(RoleKind.STAFF, unit), Role(RoleKind.HEAD, unit)


def units_of(principal: Principal) -> list[str]:
    """The units this person works for (as STAFF or HEAD), in a stable order."""
    return sorted({r.scope for r in principal.roles if r.kind in (RoleKind.STAFF, RoleKind.HEAD)})


def landing_units_of(principal: Principal, directory: Directory) -> list[str]:
    found = []
    for code in units_of(principal):
        unit = directory.units.get(code)
        if unit is not None and unit.kind.can_land_projects:
            found.append(code)
    return found


_COUNTY_WIDE: Final = {
    RoleKind.OFFICE: TaskParty.OFFICE,
    RoleKind.COUNTY_HEAD: TaskParty.COUNTY_HEAD,
    RoleKind.SUPERVISION: TaskParty.SUPERVISION,
}


def parties_of(principal: Principal, item: TaskItem | None = None) -> frozenset[TaskParty]:
    """What this person is for a 交办单 (and for one of its items)."""
    parties = {party for kind, party in _COUNTY_WIDE.items() if principal.holds(Role(kind))}
    if item is not None and item.unit in units_of(principal):
        parties.add(TaskParty.ITEM_UNIT)
    return frozenset(parties)


def clean_text(value: str, what: str, max_length: int = TEXT_MAX_LENGTH) -> str:
    text = value.strip()
    if not text or len(text) > max_length:
        raise TaskTextInvalid(
            f"The {what} must be 1 to {max_length} characters, got {len(text)}.",
            field=what,
            max_length=max_length,
        )
    return text


# ---- reading a typed item ---------------------------------------------------------------------------------------
_NUMBERING: Final = re.compile(r"^\s*(?:[(（]?\d{1,2}[)）.、]|[一二三四五六七八九十]{1,2}、)\s*")
_FULL_DATE: Final = re.compile(r"(\d{4})[年./-](\d{1,2})[月./-](\d{1,2})日?")
_MONTH_DAY: Final = re.compile(r"(\d{1,2})[月./-](\d{1,2})日?")
_DEADLINE_WORDS: Final = re.compile(r"^(?:期限|截止|完成时限|时限)[:：]?|(?:之前|以前|前|截止)$")
# Units an item can be assigned to: anyone but a county leader's post.
ASSIGNABLE_KINDS: Final = tuple(k for k in UnitKind if k is not UnitKind.LEADER_POST)


@dataclass(frozen=True)
class ItemDraft:
    """An item as the office wrote it: the unit's code, what to do, and a deadline if it gave one."""

    unit: str
    what: str
    deadline: date | None = None


def read_deadline(text: str, today: date) -> date:
    """A deadline as people type it (2026-12-10, 2026年12月10日, 12月10日, 12/10 前): a month and day without a
    year is the next such day from today. Refused when unreadable or already past."""
    body = _DEADLINE_WORDS.sub("", re.sub(r"\s", "", unicodedata.normalize("NFKC", text)))
    try:
        if match := _FULL_DATE.fullmatch(body):
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        elif match := _MONTH_DAY.fullmatch(body):
            month, dom = int(match.group(1)), int(match.group(2))
            day = date(today.year, month, dom)
            if day < today:
                day = date(today.year + 1, month, dom)
        else:
            raise ValueError(body)
    except ValueError:
        raise TaskDeadlineUnreadable(f"{text!r} is not a date.", raw=text.strip()) from None
    if day < today:
        raise TaskDeadlinePassed(
            f"The deadline {day} is before today, {today}.", deadline=day.isoformat(), today=today.isoformat()
        )
    return day


def read_item_line(line: str, directory: Directory, today: date) -> ItemDraft:
    """One item typed as 单位：事项：期限(可选) (full- or half-width colons, numbering allowed); a last part
    that is not a date stays part of what to do."""
    body = _NUMBERING.sub("", unicodedata.normalize("NFKC", line)).strip()
    parts = [p.strip() for p in body.split(":")]
    if len(parts) < 2 or not parts[0] or not all(parts[1:2]):
        raise TaskItemLineInvalid(f"{line!r} is not 单位：事项：期限.", line=line.strip())
    try:
        unit = directory.named(parts[0], ASSIGNABLE_KINDS)
    except UnknownUnit as error:
        raise TaskItemUnitUnknown(
            f"No one unit is named {parts[0]!r}.", unit=parts[0], matches=error.params.get("matches", 0)
        ) from None
    rest = parts[1:]
    deadline = None
    if len(rest) >= 2:
        try:
            deadline = read_deadline(rest[-1], today)
            rest = rest[:-1]
        except TaskDeadlineUnreadable:
            if len(rest) == 2 and _looks_like_date(rest[-1]):
                raise
    what = clean_text("：".join(rest), "what")
    return ItemDraft(unit.code, what, deadline)


def _looks_like_date(text: str) -> bool:
    return bool(re.search(r"\d+\s*[月/.-]\s*\d+|\d{4}\s*年", unicodedata.normalize("NFKC", text)))


def read_item_lines(text: str, directory: Directory, today: date) -> list[ItemDraft]:
    """Every non-empty line of a message, each an item; the first bad line refuses the whole message (its
    number in `line_no`), so nothing is half taken."""
    drafts = []
    for number, line in enumerate((line for line in text.splitlines() if line.strip()), start=1):
        try:
            drafts.append(read_item_line(line, directory, today))
        except DomainError as error:
            error.params["line_no"] = number
            raise
    if not drafts:
        raise TaskItemLineInvalid("An empty message holds no item.", line="", line_no=0)
    return drafts


# ---- the aggregate ----------------------------------------------------------------------------------------------
@dataclass
class TaskItem:
    unit: str
    what: str
    deadline: date | None = None  # as the office wrote it; None: the rules' working days from issue
    seq: int = 0  # 1, 2, ... in the list
    id: int | None = None
    due_on: date | None = None  # set when issued
    status: ItemStatus = ItemStatus.OPEN
    explanation: str = ""
    done_by: int | None = None
    done_at: datetime | None = None
    done_on: date | None = None
    criticized_on: date | None = None
    criticized_by: int | None = None

    def is_open(self) -> bool:
        return self.status is ItemStatus.OPEN

    def is_overdue(self, today: date) -> bool:
        """Open past its due date, or done after it."""
        if self.due_on is None:
            return False
        if self.is_open():
            return today > self.due_on
        return self.done_on is not None and self.done_on > self.due_on


@dataclass
class TaskRequest:
    reporter_id: int
    unit: str  # the reporting 落地单位
    material: str
    reported_at: datetime
    project_id: int | None = None
    status: TaskStatus = TaskStatus.REPORTED
    summary: str = ""
    items: list[TaskItem] = field(default_factory=list)
    note: str = ""  # the latest reason it was returned or sent back, or the leader's comment
    prepared_by: int | None = None
    approved_by: int | None = None
    issued_by: int | None = None
    issued_on: date | None = None
    closed_at: datetime | None = None
    id: int | None = None
    version: int = 0
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    # ---- reporting -------------------------------------------------------------------------------------------
    @classmethod
    def report(
        cls,
        principal: Principal,
        directory: Directory,
        material: str,
        now: datetime,
        *,
        project_id: int | None = None,
        project_unit: str | None = None,
    ) -> TaskRequest:
        """A landing unit's cadre reports a problem; tied to a project, they must be of its landing unit."""
        check_task_move(TaskMove.REPORT, None)
        units = landing_units_of(principal, directory)
        if project_unit is not None:
            units = [u for u in units if u == project_unit]
        if not units:
            check_task_party(TaskMove.REPORT, frozenset())
        request = cls(principal.person_id, units[0], clean_text(material, "material", MATERIAL_MAX_LENGTH), now)
        request.project_id = project_id
        request._record("task_reported", principal, now, {"unit": request.unit, "project_id": project_id})
        return request

    # ---- the office ------------------------------------------------------------------------------------------
    def prepare(self, principal: Principal, summary: str, drafts: Iterable[ItemDraft], now: datetime) -> None:
        """The office writes the 交办单: a summary and the items (replacing any earlier preparation)."""
        self._check(TaskMove.PREPARE, principal)
        summary = clean_text(summary, "summary")
        today = _local_day(now)
        items = []
        for seq, draft in enumerate(drafts, start=1):
            if draft.deadline is not None and draft.deadline < today:
                raise TaskDeadlinePassed(
                    f"Item {seq}'s deadline {draft.deadline} is before today.",
                    deadline=draft.deadline.isoformat(),
                    today=today.isoformat(),
                )
            items.append(TaskItem(draft.unit, clean_text(draft.what, "what"), draft.deadline, seq))
        if not items or len(items) > MAX_ITEMS:
            raise TaskItemsMissing(f"A 交办单 has 1 to {MAX_ITEMS} items, got {len(items)}.", max_items=MAX_ITEMS)
        self.summary, self.items, self.prepared_by = summary, items, principal.person_id
        self.status = TaskStatus.PREPARED
        self._record("task_prepared", principal, now, {"items": len(items)})

    def return_report(self, principal: Principal, reason: str, now: datetime) -> None:
        self._check(TaskMove.RETURN_REPORT, principal)
        self.note = clean_text(reason, "reason")
        self.status = TaskStatus.RETURNED
        self._record("task_returned", principal, now, {"reason": self.note})

    # ---- the main leader -------------------------------------------------------------------------------------
    def approve(self, principal: Principal, now: datetime) -> None:
        self._check(TaskMove.APPROVE, principal)
        self.status, self.approved_by, self.note = TaskStatus.APPROVED, principal.person_id, ""
        self._record("task_approved", principal, now, {})

    def send_back(self, principal: Principal, reason: str, now: datetime) -> None:
        """The leader does not approve it as prepared: back to the office, which prepares it again."""
        self._back(TaskMove.SEND_BACK, principal, reason, now)

    def refer_back(self, principal: Principal, reason: str, now: datetime) -> None:
        """The 督考办 cannot issue it as approved (say, a deadline passed meanwhile): back to the office."""
        self._back(TaskMove.REFER_BACK, principal, reason, now)

    def _back(self, move: TaskMove, principal: Principal, reason: str, now: datetime) -> None:
        self._check(move, principal)
        self.note = clean_text(reason, "reason")
        self.status, self.approved_by = TaskStatus.REPORTED, None
        self._record("task_sent_back", principal, now, {"reason": self.note, "by": move.value})

    # ---- the 督考办 ------------------------------------------------------------------------------------------
    def issue(self, principal: Principal, calendar: WorkCalendar, due_workdays: int, now: datetime) -> None:
        """Each item is due on its deadline, or `due_workdays` 法定工作日 after today."""
        self._check(TaskMove.ISSUE, principal)
        today = _local_day(now)
        for item in self.items:
            if item.deadline is not None and item.deadline < today:
                raise TaskDeadlinePassed(
                    f"Item {item.seq}'s deadline {item.deadline} passed before it was issued.",
                    deadline=item.deadline.isoformat(),
                    today=today.isoformat(),
                )
        default_due = deadline_after(now, due_workdays, calendar).due_date
        for item in self.items:
            item.due_on = item.deadline or default_due
        self.status, self.issued_by, self.issued_on = TaskStatus.ISSUED, principal.person_id, today
        self._record("task_issued", principal, now, {"due": {str(i.seq): i.due_on for i in self.items}})

    # ---- the units -------------------------------------------------------------------------------------------
    def item(self, item_id: int) -> TaskItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise TaskItemNotFound(f"交办单 {self.id} has no item {item_id}.", id=item_id)

    def complete_item(self, principal: Principal, item_id: int, explanation: str, now: datetime) -> TaskItem:
        """The item's unit reports it done; the 交办单 closes with its last item."""
        item = self.item(item_id)
        self._check(TaskMove.COMPLETE_ITEM, principal, item)
        if not item.is_open():
            raise TaskItemDone(f"Item {item_id} is done already.", seq=item.seq)
        item.explanation = clean_text(explanation, "explanation")
        item.status, item.done_by, item.done_at, item.done_on = (
            ItemStatus.DONE,
            principal.person_id,
            now,
            _local_day(now),
        )
        late = item.is_overdue(item.done_on)
        self._record("task_item_done", principal, now, {"item_id": item_id, "seq": item.seq, "late": late})
        if all(not i.is_open() for i in self.items):
            self.status, self.closed_at = TaskStatus.CLOSED, now
            self._record("task_closed", principal, now, {})
        return item

    def criticize_item(self, principal: Principal, item_id: int, now: datetime) -> TaskItem:
        """The 督考办 records a 通报批评 against an overdue item's unit, once per item."""
        item = self.item(item_id)
        self._check(TaskMove.CRITICIZE, principal, item)
        today = _local_day(now)
        if item.criticized_on is not None:
            raise TaskItemCriticized(f"Item {item_id} was criticised on {item.criticized_on}.", seq=item.seq)
        if not item.is_overdue(today):
            raise TaskItemNotOverdue(f"Item {item_id} is not overdue.", seq=item.seq, due=str(item.due_on))
        item.criticized_on, item.criticized_by = today, principal.person_id
        self._record("task_item_criticized", principal, now, {"item_id": item_id, "seq": item.seq, "unit": item.unit})
        return item

    # ---- what a person may do --------------------------------------------------------------------------------
    def moves_for(self, principal: Principal) -> list[TaskMove]:
        """The moves on the whole 交办单 this person may make now (item moves: `item_moves_for`)."""
        parties = parties_of(principal)
        return [
            t.move
            for t in TASK_TRANSITIONS.values()
            if t.move not in (TaskMove.REPORT, TaskMove.COMPLETE_ITEM, TaskMove.CRITICIZE)
            and self.status in t.sources
            and parties & t.parties
        ]

    def item_moves_for(self, principal: Principal, item: TaskItem, today: date) -> list[TaskMove]:
        moves = []
        parties = parties_of(principal, item)
        if self.status is TaskStatus.ISSUED and item.is_open() and TaskParty.ITEM_UNIT in parties:
            moves.append(TaskMove.COMPLETE_ITEM)
        if (
            self.status in TASK_TRANSITIONS[TaskMove.CRITICIZE].sources
            and TaskParty.SUPERVISION in parties
            and item.criticized_on is None
            and item.is_overdue(today)
        ):
            moves.append(TaskMove.CRITICIZE)
        return moves

    def open_items(self) -> list[TaskItem]:
        return [i for i in self.items if i.is_open()]

    def collect_events(self) -> list[Event]:
        events, self.events = self.events, []
        return events

    def _check(self, move: TaskMove, principal: Principal, item: TaskItem | None = None) -> None:
        check_task_move(move, self.status)
        check_task_party(move, parties_of(principal, item))

    def _record(self, name: str, principal: Principal, now: datetime, after: dict[str, Any]) -> None:
        self.events.append(Event(name, principal.person_id, now, {}, {"status": self.status.value, **after}))


def _local_day(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()
