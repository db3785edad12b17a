"""Binding a group to its project (二(六): one 项目落地工作联络群 per project).

```mermaid
flowchart LR
    added[bot added to a group] --> ask[asks to be bound]
    ask -->|/bind| choose{unbound projects of my units}
    choose -->|tap a project| bound[bound: card posted and pinned]
    choose -->|新建项目| unit{which landing unit?}
    unit --> naming[BindFlow.naming: reply with the name]
    naming -->|valid name| bound
    naming -->|empty or too long| naming
```
"""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class BindFlow(StatesGroup):
    naming = State()  # data: unit, question_id
