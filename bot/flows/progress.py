"""The monthly progress update as a conversation: where a person stands in it, and what they answered so far.

```mermaid
stateDiagram-v2
    [*] --> choosing: /update in private, several projects owe an update
    [*] --> staging: the prompt's button, or /update (the group's project, or the one project owing)
    choosing --> staging: tap a project
    staging --> answering: tap 没有变化 / 有变化 (有变化: how to record the move itself with /status)
    answering --> answering: an answer (the next question), or a bad one (what is expected, asked again)
    answering --> reviewing: the last answer (需县级协调解决的问题, or 无)
    reviewing --> submitted: tap 提交
    reviewing --> staging: tap 重新填写
    staging --> [*]: 取消 or /cancel (nothing is saved)
    answering --> [*]: /cancel
    reviewing --> [*]: 取消
```

Nothing is saved until 提交: the answers live in the FSM data (`UpdateDraft`, under its own key so another
flow's data is left alone), persisted like every conversation, so a restart loses none of them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from typing import Any, Final

from aiogram.fsm.state import State, StatesGroup

from bot.flows.waiting import Waiting
from domain.progress import UpdateField

DRAFT_KEY: Final = "progress_draft"
QUESTIONS: Final = tuple(UpdateField)


class ProgressFlow(StatesGroup):
    choosing = State()  # private chat: which project
    staging = State()  # whether the stage changed this month (buttons)
    answering = State()  # a typed question is out (UpdateDraft.asking)
    reviewing = State()  # the answers shown, waiting for 提交


@dataclass
class UpdateDraft(Waiting):
    """One person's update in progress in one chat, and the bot's message waiting for them (saved before it is
    sent: bot.flows.waiting)."""

    project_id: int = 0
    project_name: str = ""
    period: str = ""  # yyyy-mm
    due: str = ""  # the due date, ISO
    stage: str = ""  # the stage on record when the update began
    replaces: bool = False  # the month was updated already: submitting replaces it
    asking: str = ""  # the UpdateField asked while answering
    stage_changed: bool = False
    funds: str = ""  # 元, as Decimal text
    progress: str = ""
    problems: str = ""
    options: list[int] = dataclasses.field(default_factory=list)  # the projects offered, by button index

    def carried_over(self) -> dict[str, Any]:
        """What a new draft in this chat keeps of this one: the bot's messages to the person."""
        return {name: getattr(self, name) for name in Waiting.__dataclass_fields__}

    @property
    def field(self) -> UpdateField | None:
        return UpdateField(self.asking) if self.asking in {f.value for f in UpdateField} else None

    def next_field(self) -> UpdateField | None:
        """The question after the one asked (None after the last)."""
        current = self.field
        if current is None:
            return QUESTIONS[0]
        position = QUESTIONS.index(current) + 1
        return QUESTIONS[position] if position < len(QUESTIONS) else None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> UpdateDraft | None:
        raw = data.get(DRAFT_KEY)
        if not isinstance(raw, dict):
            return None
        try:
            return cls(**{name: raw[name] for name in cls.__dataclass_fields__ if name in raw})
        except TypeError:
            return None  # kept by an older version of the bot: start again rather than fail

    def to_data(self) -> dict[str, Any]:
        return {DRAFT_KEY: asdict(self)}
