"""The 联络处 conversations in private: the monthly report, and the 联系县领导's visit.

```mermaid
stateDiagram-v2
    [*] --> reporting: /report, or 📝 填写月报 under the prompt (the office's staff)
    reporting --> reporting: an answer, 跳过 or /skip on an optional question, or a bad answer (asked again)
    reporting --> reviewing: the last answer
    reviewing --> reporting: ✏️ 重新填写
    reviewing --> [*]: ✅ 提交 (sent to the 联系县领导 with 🤝 记录走访)
    [*] --> visiting: /visit, or 🤝 记录走访 under a report or a gap reminder (the 联系县领导)
    visiting --> visiting: an answer, or a bad one (what is expected, asked again)
    visiting --> [*]: the last answer (the visit is recorded; the office is told)
    reporting --> [*]: 取消 or /cancel
    reviewing --> [*]: 取消 or /cancel
    visiting --> [*]: 取消 or /cancel
```

Only the conversation in progress lives in the FSM data (`Draft`, under its own key); nothing is saved until the
report is submitted or the last question of the visit answered, and the use case checks everything again then.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Final

from aiogram.fsm.state import State, StatesGroup
from aiogram.utils.i18n import gettext as _

from bot.texts import shorten
from domain.answers import is_skip, read_answer
from domain.directory import Directory, UnknownUnit
from domain.form import FieldKind, FieldSpec
from domain.liaison import OPTIONAL_QUESTIONS, REPORT_QUESTIONS, VISIT_QUESTIONS, ReportQuestion, VisitQuestion

DRAFT_KEY: Final = "liaison_draft"
# Four answers of up to 2,000 characters would not fit in one message (4,096): each is shown cut to this.
SECTION_MAX: Final = 900


class LiaisonFlow(StatesGroup):
    reporting = State()  # a question of the monthly report is out
    reviewing = State()  # the report is shown with 提交 / 重新填写 / 取消
    visiting = State()  # a question about the visit is out


# How each answer is read: the report's are free text; a visit's date is a day not after today.
_SPECS: Final[dict[str, FieldSpec]] = {
    **{q.value: FieldSpec(q.value, FieldKind.LONG_TEXT) for q in REPORT_QUESTIONS},
    VisitQuestion.VISITED_ON.value: FieldSpec(VisitQuestion.VISITED_ON.value, FieldKind.DATE),
    VisitQuestion.WHOM.value: FieldSpec(VisitQuestion.WHOM.value, FieldKind.TEXT),
    VisitQuestion.OUTCOME.value: FieldSpec(VisitQuestion.OUTCOME.value, FieldKind.LONG_TEXT),
}
_OPTIONAL: Final = frozenset(q.value for q in OPTIONAL_QUESTIONS)


@dataclass
class Draft:
    """A report or a visit in progress for one person: its office, the questions left, the answers so far."""

    kind: str  # "report" or "visit"
    office: str
    month: str = ""  # a report's month, its first day in ISO
    report_id: int = 0  # a visit's report, when it was started from one
    pending: list[str] = dataclasses.field(default_factory=list)  # questions still to ask, the current first
    answers: dict[str, str] = dataclasses.field(default_factory=dict)
    message_id: int = 0  # the question or review waiting for this person (its buttons go when it moves on)

    @classmethod
    def report(cls, office: str, month: date) -> Draft:
        return cls("report", office, month=month.isoformat(), pending=[q.value for q in REPORT_QUESTIONS])

    @classmethod
    def visit(cls, office: str, report_id: int = 0) -> Draft:
        return cls("visit", office, report_id=report_id, pending=[q.value for q in VISIT_QUESTIONS])

    @property
    def is_report(self) -> bool:
        return self.kind == "report"

    @property
    def asking(self) -> str | None:
        return self.pending[0] if self.pending else None

    @property
    def optional(self) -> bool:
        return self.asking in _OPTIONAL

    @property
    def number(self) -> int:
        total = len(REPORT_QUESTIONS) if self.is_report else len(VISIT_QUESTIONS)
        return total - len(self.pending) + 1

    @property
    def total(self) -> int:
        return len(REPORT_QUESTIONS) if self.is_report else len(VISIT_QUESTIONS)

    @property
    def month_day(self) -> date:
        return date.fromisoformat(self.month)

    def answered(self, value: str) -> None:
        self.answers[self.pending.pop(0)] = value

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft | None:
        raw = data.get(DRAFT_KEY)
        if not isinstance(raw, dict):
            return None
        try:
            return cls(**raw)
        except TypeError:
            return None  # kept by an older version of the bot: start again rather than fail

    def to_data(self) -> dict[str, Any]:
        return {DRAFT_KEY: asdict(self)}


def read(question: str, text: str, *, today: date) -> str:
    """The answer as kept in the draft (a date as ISO text); AnswerError says what was expected."""
    value = read_answer(_SPECS[question], text, today=today)
    return value.isoformat() if isinstance(value, date) else str(value)


def skips(question: str, text: str) -> bool:
    """Whether `text` leaves an optional question of the report empty (跳过, skip, /skip)."""
    return question in _OPTIONAL and is_skip(text)


def is_date(question: str) -> bool:
    return _SPECS[question].kind is FieldKind.DATE


# ---- words --------------------------------------------------------------------------------------------------


def month_text(month: date | str) -> str:
    """A report's month in the reader's words: 2026年9月."""
    day = month if isinstance(month, date) else date.fromisoformat(f"{month}-01" if len(month) == 7 else month)
    return _("liaison.month").format(year=day.year, month=day.month)


def office_name(directory: Directory, code: str) -> str:
    try:
        return directory.unit(code).name
    except UnknownUnit:
        return code


def report_title(directory: Directory, office: str, month: date | str) -> str:
    """《北京招商联络处2026年9月工作汇报》, without the brackets."""
    return _("liaison.title").format(office=office_name(directory, office), month=month_text(month))


def question_text(question: str) -> str:
    if question in {q.value for q in REPORT_QUESTIONS}:
        return _("liaison.ask." + question)
    return _("liaison.visit_ask." + question)


def report_sections(answers: dict[str, str]) -> list[tuple[str, str]]:
    """(label, answer) of each question of the report, in order; "" for one left empty; each answer cut to
    SECTION_MAX characters, so the whole report fits in one Telegram message."""
    return [(_("liaison.label." + q.value), shorten(answers.get(q.value, ""), SECTION_MAX)) for q in ReportQuestion]
