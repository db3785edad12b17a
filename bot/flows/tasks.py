"""The 交办单 conversations: what is asked, and the draft kept between one message and the next.

```mermaid
stateDiagram-v2
    [*] --> material: /problem (a landing unit's cadre)
    material --> confirming: the written material
    confirming --> [*]: 确认上报 (reported to the office)
    [*] --> summary: 准备交办单 (the office)
    summary --> items: the summary
    items --> items: item lines (单位：事项：期限), 撤销上一项
    items --> reviewing: 完成
    reviewing --> items: 撤销上一项
    reviewing --> [*]: 确认提交 (to the county head)
    [*] --> answer: 退回 (a reason) or 已完成 (an explanation)
    answer --> [*]: the text (the step is taken)
```
Any state: 取消 or /cancel ends it and changes nothing. Nothing is saved until the last step; the domain checks
everything again then.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Final

from aiogram.fsm.state import State, StatesGroup

from domain.tasks import ItemDraft, TaskMove

DRAFT_KEY: Final = "task_draft"
# What people type to say the items are all sent.
_FINISH_WORDS: Final = frozenset({"完成", "完毕", "好了", "结束", "done", "finish", "/done"})


class TaskFlow(StatesGroup):
    material = State()  # /problem: the written material is asked for
    confirming = State()  # the report is shown, 确认上报 waits
    summary = State()  # the office writes the summary
    items = State()  # the office sends the items, line by line
    reviewing = State()  # the prepared 交办单 is shown, 确认提交 waits
    answer = State()  # a reason (退回) or an explanation (已完成) is asked for


def finishes(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip().lower().strip("。.!！") in _FINISH_WORDS


def cleaned(text: str) -> str:
    return re.sub(r"[ \t]+\n", "\n", text).strip()


@dataclass
class TaskDraft:
    """One person's 交办单 step in progress in one chat."""

    move: TaskMove
    target: int = 0  # the 交办单 (an item, for complete_item); 0 for a new report
    unit: str = ""  # the reporting unit, for the report's review
    project_id: int | None = None
    project_name: str = ""
    origin_id: int = 0  # the tapped notice: its buttons go once the step is taken
    question_id: int = 0  # the question or review out for this person now
    material: str = ""
    summary: str = ""
    items: list[dict[str, str]] = dataclasses.field(default_factory=list)  # unit, what, deadline (ISO or "")
    seq: int = 0  # the item's number, for complete_item

    def add_items(self, drafts: list[ItemDraft]) -> None:
        self.items += [
            {"unit": d.unit, "what": d.what, "deadline": d.deadline.isoformat() if d.deadline else ""} for d in drafts
        ]

    def item_drafts(self) -> list[ItemDraft]:
        return [
            ItemDraft(i["unit"], i["what"], date.fromisoformat(i["deadline"]) if i["deadline"] else None)
            for i in self.items
        ]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> TaskDraft | None:
        raw = data.get(DRAFT_KEY)
        if not isinstance(raw, dict):
            return None
        try:
            return cls(**{**raw, "move": TaskMove(raw["move"])})
        except (KeyError, TypeError, ValueError):
            return None  # kept by an older version of the bot: start again rather than fail

    def to_data(self) -> dict[str, Any]:
        return {DRAFT_KEY: {**asdict(self), "move": self.move.value}}
