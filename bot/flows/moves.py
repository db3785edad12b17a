"""Moving a project by buttons: a tap, then the few answers the move needs, then the use case.

```mermaid
stateDiagram-v2
    [*] --> answering: tap a move or a decision that needs answers
    [*] --> picking: tap 组建专班
    [*] --> [*]: tap 启动审批 or 重新上报 (nothing to ask: done at once)
    picking --> picking: toggle a department
    picking --> [*]: 确定 (the 专班 is formed)
    answering --> answering: an answer (the next question), or a bad one (what is expected, asked again)
    answering --> [*]: the last answer, or 直接提交 on an optional one (the move is made)
    answering --> [*]: 取消 or /cancel (nothing changed, the buttons come back)
    picking --> [*]: 取消 or /cancel
```

A decision on an approval step asks: for a meeting step the date and the 纪要 number; then a reason for
不同意 / 退回修改 (required) or a comment for 同意 (optional, 直接提交 skips it). Only the move in progress lives in
the FSM data (`Draft`, under its own key so another flow's data is left alone); nothing is saved until the last
answer, and the domain checks everything again then.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Final

from aiogram.fsm.state import State, StatesGroup

from domain.answers import is_skip, read_answer
from domain.form import FieldKind, FieldSpec
from domain.lifecycle import Move
from domain.records import Decision

DRAFT_KEY: Final = "move_draft"


class MoveFlow(StatesGroup):
    answering = State()  # a question of the move is out (data: Draft)
    picking = State()  # the 专班's departments are being picked (data: Draft)


class Ask(StrEnum):
    """One thing a move asks for; its catalog question is `moves.ask.<value>`."""

    HELD_ON = "held_on"  # the meeting's date
    MINUTES_NO = "minutes_no"  # 纪要 number
    NOTE = "note"  # the meeting's 意见 (optional)
    COMMENT = "comment"  # a comment on 同意 (optional)
    REASON = "reason"  # why: 不同意, 退回修改, 终止
    ARGUED_ON = "argued_on"
    OPINION = "opinion"
    INSPECTOR = "inspector"
    SIGNED_ON = "signed_on"
    AGREEMENT_NO = "agreement_no"  # optional
    LISTED_ON = "listed_on"
    DELISTED_ON = "delisted_on"
    STARTED_ON = "started_on"


_KINDS: Final[dict[Ask, FieldKind]] = {
    Ask.HELD_ON: FieldKind.DATE,
    Ask.MINUTES_NO: FieldKind.TEXT,
    Ask.NOTE: FieldKind.LONG_TEXT,
    Ask.COMMENT: FieldKind.LONG_TEXT,
    Ask.REASON: FieldKind.LONG_TEXT,
    Ask.ARGUED_ON: FieldKind.DATE,
    Ask.OPINION: FieldKind.LONG_TEXT,
    Ask.INSPECTOR: FieldKind.TEXT,
    Ask.SIGNED_ON: FieldKind.DATE,
    Ask.AGREEMENT_NO: FieldKind.TEXT,
    Ask.LISTED_ON: FieldKind.DATE,
    Ask.DELISTED_ON: FieldKind.DATE,
    Ask.STARTED_ON: FieldKind.DATE,
}
OPTIONAL: Final = frozenset({Ask.NOTE, Ask.COMMENT, Ask.AGREEMENT_NO})

_MEETING: Final = (Ask.HELD_ON, Ask.MINUTES_NO)
_QUESTIONS: Final[dict[Move, tuple[Ask, ...]]] = {
    Move.RECORD_ARGUMENTATION: (Ask.ARGUED_ON,),
    Move.RECORD_SCREENING: (*_MEETING, Ask.NOTE),
    Move.RECORD_LEADING_GROUP_REVIEW: (*_MEETING, Ask.NOTE),
    Move.RECORD_DEPARTMENT_OPINION: (Ask.OPINION, Ask.INSPECTOR),
    Move.RECORD_JOINT_REVIEW: (Ask.OPINION, Ask.INSPECTOR),
    Move.SIGN_AGREEMENT: (Ask.SIGNED_ON, Ask.AGREEMENT_NO),
    Move.LIST_LAND: (Ask.LISTED_ON,),
    Move.DELIST_LAND: (Ask.DELISTED_ON,),
    Move.START_CONSTRUCTION: (Ask.STARTED_ON,),
    Move.TERMINATE: (Ask.REASON,),
}

# Moves offered as a button that need no answers; the 专班 is picked with toggles instead of answers.
AT_ONCE: Final = frozenset({Move.OPEN_APPROVAL, Move.RESUBMIT})
# Moves made in the 审批表 conversation (/form) rather than here.
FORM_MOVES: Final = frozenset({Move.EDIT_FORM, Move.SUBMIT_FORM})
# Moves with no button at all: opening a project and binding its group happen elsewhere (/bind).
NOT_BUTTONS: Final = frozenset({Move.CREATE, Move.BIND_GROUP, *FORM_MOVES})


def questions_for(move: Move, *, decision: Decision | None = None, meeting: bool = False) -> list[Ask]:
    """What `move` asks, in order; a decision asks the meeting's facts first on a meeting step."""
    if move is Move.DECIDE_STEP:
        last = Ask.COMMENT if decision is Decision.APPROVE else Ask.REASON
        return [*(_MEETING if meeting else ()), last]
    return list(_QUESTIONS.get(move, ()))


def read(ask: Ask, text: str, *, today: date) -> str:
    """The answer as it is kept in the draft (a date as ISO text); AnswerError says what was expected."""
    value = read_answer(FieldSpec(ask.value, _KINDS[ask]), text, today=today)
    return value.isoformat() if isinstance(value, date) else str(value)


def is_date(ask: Ask) -> bool:
    return _KINDS[ask] is FieldKind.DATE


def skips(ask: Ask, text: str) -> bool:
    """Whether `text` leaves an optional question unanswered (跳过, skip, /skip)."""
    return ask in OPTIONAL and is_skip(text)


@dataclass
class Draft:
    """A move in progress for one person in one chat: what was tapped, and the answers so far."""

    move: Move
    project_id: int
    origin_id: int  # the message whose button started it: its buttons change while the move is in progress
    title: str = ""  # what is being done, as the questions name it (e.g. 「项目」县长办公会议审议：通过)
    step_id: int = 0  # a decision's step
    choice: str = ""  # the decision, or the meeting's outcome
    pending: list[Ask] = dataclasses.field(default_factory=list)  # questions still to ask, the current first
    answers: dict[str, str] = dataclasses.field(default_factory=dict)
    question_id: int = 0  # the question (or the 专班 picker) out for this person
    members: list[str] = dataclasses.field(default_factory=list)  # departments picked for the 专班

    @property
    def asking(self) -> Ask | None:
        return self.pending[0] if self.pending else None

    def answered(self, value: str) -> None:
        """Keep the answer to the current question; the next one becomes current."""
        ask = self.pending.pop(0)
        self.answers[ask.value] = value

    def answer(self, ask: Ask) -> str:
        return self.answers.get(ask.value, "")

    def day(self, ask: Ask) -> date:
        return date.fromisoformat(self.answers[ask.value])

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft | None:
        """The draft kept in the FSM data, if there is a readable one."""
        raw = data.get(DRAFT_KEY)
        if not isinstance(raw, dict):
            return None
        values = dict(raw)
        try:
            values["move"] = Move(values["move"])
            values["pending"] = [Ask(a) for a in values.get("pending", [])]
            return cls(**values)
        except (KeyError, TypeError, ValueError):
            return None  # a draft kept by an older version of the bot: start again rather than fail

    def to_data(self) -> dict[str, Any]:
        values = asdict(self)
        values["move"] = self.move.value
        values["pending"] = [a.value for a in self.pending]
        return {DRAFT_KEY: values}
