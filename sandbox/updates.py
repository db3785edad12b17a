"""The bot's update queue with Telegram's rules: ids, offset confirmation, limit, allowed_updates, long polls."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.errors import CONFLICT_OTHER_POLL, CONFLICT_SET_WEBHOOK, ApiError
from sandbox.spec import load_spec

# Telegram's default when allowed_updates is empty or was never given.
OPT_IN_KINDS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def all_update_kinds() -> frozenset[str]:
    """Every optional field of Update: the kinds of update there are."""
    update = load_spec().type("Update")
    assert update is not None
    return frozenset(name for name in update.fields if name != "update_id")


@dataclass(frozen=True)
class QueuedUpdate:
    """An update waiting for the bot to confirm (polling) or accept (webhook) it."""

    update_id: int
    kind: str
    payload: dict[str, Any]

    def json(self) -> dict[str, Any]:
        """The Update object."""
        return {"update_id": self.update_id, self.kind: self.payload}


class UpdateQueue:
    """Updates not yet confirmed; getUpdates reads it, webhook delivery drains it."""

    def __init__(self, on_change: Callable[[], None] = lambda: None, *, first_id: int = 100_000_001) -> None:
        self._pending: list[QueuedUpdate] = []
        self._next_id = first_id
        self._kinds = all_update_kinds()
        self._allowed = self._kinds - OPT_IN_KINDS
        self._waiters: set[asyncio.Future[None]] = set()
        self._generation = 0
        self._on_change = on_change
        self.webhook_active = False
        self.closed = False
        self.active_polls = 0
        self.last_long_poll_end: float | None = None

    def __len__(self) -> int:
        return len(self._pending)

    def pending(self) -> list[QueuedUpdate]:
        """Unconfirmed updates, oldest first."""
        return list(self._pending)

    def push(self, kind: str, payload: dict[str, Any]) -> QueuedUpdate | None:
        """Queues an update unless allowed_updates excludes its kind (then it is dropped, as Telegram does)."""
        if kind not in self._allowed:
            return None
        update = QueuedUpdate(update_id=self._next_id, kind=kind, payload=payload)
        self._next_id += 1
        self._pending.append(update)
        self._changed()
        return update

    def set_allowed(self, kinds: list[str] | None) -> None:
        """Remembers allowed_updates: None keeps the previous setting, an empty list restores the default."""
        if kinds is None:
            return
        wanted = frozenset(kinds) & self._kinds
        self._allowed = wanted if wanted else self._kinds - OPT_IN_KINDS

    @property
    def allowed(self) -> list[str]:
        """The update kinds currently queued, sorted."""
        return sorted(self._allowed)

    def confirm(self, offset: int) -> None:
        """Forgets updates per getUpdates' offset: below `offset` if positive, all but the last -offset if negative."""
        before = len(self._pending)
        if offset > 0:
            self._pending = [u for u in self._pending if u.update_id >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        if len(self._pending) != before:
            self._changed()

    def ack(self, update_id: int) -> None:
        """Forgets one update a webhook accepted."""
        self._pending = [u for u in self._pending if u.update_id != update_id]
        self._changed()

    def drop_pending(self) -> None:
        """Forgets every unconfirmed update (drop_pending_updates)."""
        self._pending.clear()
        self._changed()

    async def fetch(self, *, offset: int, limit: int, wait: float, allowed: list[str] | None) -> list[dict[str, Any]]:
        """What getUpdates answers, waiting up to `wait` seconds for the first update to arrive."""
        self._generation += 1
        generation = self._generation
        self._wake()
        self.set_allowed(allowed)
        self.confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        self.active_polls += 1
        try:
            while not self._pending and not self.closed:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                await self._wait(remaining)
                if generation != self._generation:
                    raise ApiError(409, CONFLICT_OTHER_POLL)
                if self.webhook_active:
                    raise ApiError(409, CONFLICT_SET_WEBHOOK)
        finally:
            self.active_polls -= 1
            if wait > 0:
                self.last_long_poll_end = time.monotonic()
        return [u.json() for u in self._pending[: max(1, min(limit, 100))]]

    async def wait_for_pending(self) -> None:
        """Returns once an update is pending or the queue is woken or closed."""
        if not self._pending and not self.closed:
            await self._wait(None)

    def wake(self) -> None:
        """Wakes every waiter so it re-examines the state (webhook set, server closing)."""
        self._wake()

    def reopen(self) -> None:
        """Accepts long polls again after close() (a restarted server)."""
        self.closed = False

    def close(self) -> None:
        """Ends every long poll with an empty answer, as when Telegram's server restarts."""
        self.closed = True
        self._wake()

    async def _wait(self, seconds: float | None) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(fut)
        try:
            await asyncio.wait([fut], timeout=seconds)
        finally:
            self._waiters.discard(fut)
            if not fut.done():
                fut.cancel()

    def _wake(self) -> None:
        for fut in list(self._waiters):
            if not fut.done():
                fut.set_result(None)

    def _changed(self) -> None:
        self._wake()
        self._on_change()
