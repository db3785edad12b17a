"""The order of one sending pass: every chat keeps its own id order, and chats take turns by readiness.

Sending strictly by id would let one busy group (20 messages a minute) hold up the thousand groups queued
behind it; sending by readiness lets the limiter interleave them. A chat's next row waits until its previous
one is settled, and a chat whose oldest pending row is not yet due (a 429's not_before) waits whole, so no
later row overtakes it.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

Row = Mapping[str, Any]
_SAME_MOMENT = 1e-6  # seconds: recomputing a readiness time must not count as a change


class SendPlan:
    """Pending rows grouped per chat: `peek` names the readiest idle chat, `take` hands out its oldest row."""

    def __init__(self, rows: Iterable[Row], now: datetime, ready_at: Callable[[int], float]) -> None:
        self._ready_at = ready_at
        queues: dict[int, deque[Row]] = {}
        for row in sorted(rows, key=lambda r: int(r["id"])):
            queues.setdefault(int(row["chat_id"]), deque()).append(row)
        self.next_due: datetime | None = None  # the earliest not_before that kept a chat out of this pass
        self._queues: dict[int, deque[Row]] = {}
        for chat_id, queue in queues.items():
            not_before = queue[0]["not_before"]
            if not_before is not None and not_before > now:
                self.next_due = not_before if self.next_due is None else min(self.next_due, not_before)
                continue
            self._queues[chat_id] = queue
        # Heap entries are (ready at, oldest row id, entry number, chat); an entry counts only while it is the
        # chat's live one, so taking a chat (or re-ranking it) simply leaves older entries to be skipped.
        self._heap: list[tuple[float, int, int, int]] = []
        self._live: dict[int, int] = {}
        self._entries = itertools.count()
        for chat_id in self._queues:
            self._push(chat_id)

    def peek(self) -> int | None:
        """The readiest idle chat (ties go to the oldest row), or None if every chat is busy or done."""
        self._refresh_top()
        return self._heap[0][3] if self._heap else None

    def take(self, chat_id: int) -> Row:
        """The chat's oldest row; the chat is busy until `done` is called for it."""
        self._live.pop(chat_id, None)
        return self._queues[chat_id].popleft()

    def done(self, chat_id: int, *, go_on: bool) -> None:
        """The chat's row is settled; with go_on False its later rows wait for a later pass."""
        queue = self._queues.get(chat_id)
        if queue and go_on:
            self._push(chat_id)
        else:
            self._queues.pop(chat_id, None)

    def _push(self, chat_id: int) -> None:
        entry = next(self._entries)
        self._live[chat_id] = entry
        heapq.heappush(self._heap, (self._ready_at(chat_id), int(self._queues[chat_id][0]["id"]), entry, chat_id))

    def _refresh_top(self) -> None:
        """Skip dead entries; readiness moves with time and 429 pauses, so re-rank a stale top until it is current."""
        while self._heap:
            ready, row_id, entry, chat_id = self._heap[0]
            if self._live.get(chat_id) != entry:
                heapq.heappop(self._heap)
                continue
            current = self._ready_at(chat_id)
            if abs(current - ready) <= _SAME_MOMENT:
                return
            heapq.heapreplace(self._heap, (current, row_id, entry, chat_id))
