"""Telegram's flood control: how many messages a bot may send, measured on an injectable clock."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from sandbox.errors import too_many_requests

Clock = Callable[[], float]


@dataclass(frozen=True)
class Limits:
    """Sending limits; the defaults follow Telegram's published guidance for bots."""

    messages_per_second: int = 30
    group_messages_per_minute: int = 20
    chat_messages_per_second: float = 1.0
    chat_burst: int = 3
    count_edits: bool = True
    """Edits of a message count toward its chat's and its group's limits, as Telegram throttles them in groups
    too (not toward the overall rate)."""
    enabled: bool = True

    @classmethod
    def unlimited(cls) -> Limits:
        """Limits that never answer 429."""
        return cls(enabled=False)


class ManualClock:
    """A monotonic clock that only moves when told to, so tests never sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Moves the clock forward."""
        self.now += seconds


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class FloodControl:
    """Admits or refuses each message a bot sends, by all three of Telegram's limits at once."""

    limits: Limits = field(default_factory=Limits)
    clock: Clock = time.monotonic
    _overall: deque[float] = field(default_factory=deque)
    _groups: dict[int, deque[float]] = field(default_factory=dict)
    _chats: dict[int, _Bucket] = field(default_factory=dict)

    def admit(self, chat_id: int, *, is_group: bool, edit: bool = False) -> None:
        """Counts one message (or, with `edit`, one edit) to `chat_id`, or raises Telegram's 429 with
        retry_after without counting it."""
        if not self.limits.enabled or (edit and not self.limits.count_edits):
            return
        now = self.clock()
        waits = [self._chat_wait(chat_id, now)]
        if not edit:
            waits.append(self._overall_wait(now))
        if is_group:
            waits.append(self._group_wait(chat_id, now))
        wait = max(waits)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        if not edit:
            self._overall.append(now)
        if is_group:
            self._groups.setdefault(chat_id, deque()).append(now)
        self._chats[chat_id].tokens -= 1

    def _overall_wait(self, now: float) -> float:
        return _window_wait(self._overall, now, 1.0, self.limits.messages_per_second)

    def _group_wait(self, chat_id: int, now: float) -> float:
        window = self._groups.setdefault(chat_id, deque())
        return _window_wait(window, now, 60.0, self.limits.group_messages_per_minute)

    def _chat_wait(self, chat_id: int, now: float) -> float:
        rate, burst = self.limits.chat_messages_per_second, float(self.limits.chat_burst)
        bucket = self._chats.setdefault(chat_id, _Bucket(tokens=burst, stamp=now))
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.stamp) * rate)
        bucket.stamp = now
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / rate


def _window_wait(window: deque[float], now: float, span: float, allowed: int) -> float:
    """Seconds until a sliding window of `span` seconds has room for one more event."""
    while window and window[0] <= now - span:
        window.popleft()
    if len(window) < allowed:
        return 0.0
    return window[len(window) - allowed] + span - now
