"""Keep the bot under Telegram's sending limits: a pure asyncio rate limiter on an injectable clock.

Telegram allows about 30 messages a second overall, 20 a minute to one group and about one a second to one
chat; going over earns a 429 and, repeated, longer bans. The limiter keeps slightly under each limit and
honours the pauses a 429 asks for. It sends nothing itself: `acquire(chat_id)` returns once a message to
that chat may go, and counts it as gone.

One limiter serves every request of the bot (bot.limited puts it in front of the session), so it ranks them:
a conversation's request (INTERACTIVE) goes before a broadcast from the outbox (BROADCAST). A broadcast waits
while a conversation's request for the same chat waits, and while one whose chat is ready waits for the
global rate; and it leaves a group the last few of its minute's allowance, so a conversation there is not
held up behind a 通报 for the rest of the minute.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import IntEnum

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

GROUP_WINDOW_SECONDS = 60.0
# Float arithmetic on the clock must not turn "exactly at the slot" into "a hair before it".
_EPSILON = 1e-9
_FORGET_EVERY = 1024  # acquisitions between sweeps of idle chats, so memory follows the active chats only


@dataclass(frozen=True)
class SendingLimits:
    """How fast the sender may go; each default sits slightly under Telegram's limit, to absorb jitter."""

    messages_per_second: float = 28.5
    """Sustained rate to all chats together (Telegram: about 30 a second)."""
    global_burst: int = 2
    """Messages that may go back to back after a lull."""
    max_in_any_second: int = 28
    """Messages to all chats together in any rolling second, whatever the rate above allows. Our sends reach
    Telegram a few milliseconds late, each by a different delay; this cap leaves room for that jitter within
    Telegram's 30, while the rate's slack keeps the throughput at the cap."""
    group_messages_per_minute: int = 19
    """Messages to one group (negative chat id) in any rolling 60 seconds (Telegram: 20)."""
    chat_messages_per_second: float = 0.9
    """Sustained rate to one chat (Telegram: about 1 a second)."""
    chat_burst: int = 2
    """Messages one chat may receive back to back before its own rate applies."""
    group_headroom: int = 3
    """Of a group's minute allowance, what broadcasts leave to the conversation in that group."""
    enabled: bool = True
    """False lets everything through at once (tests against a fake without limits); 429 pauses still hold."""

    def __post_init__(self) -> None:
        if min(self.messages_per_second, self.chat_messages_per_second) <= 0:
            raise ValueError("sending rates must be positive")
        if min(self.global_burst, self.max_in_any_second, self.group_messages_per_minute, self.chat_burst) < 1:
            raise ValueError("bursts and the per-group allowance must be at least 1")
        if not 0 <= self.group_headroom < self.group_messages_per_minute:
            raise ValueError("the group headroom must leave broadcasts at least one message a minute")

    @classmethod
    def unlimited(cls) -> SendingLimits:
        """Limits that never hold a message back (only a 429's pause does)."""
        return cls(enabled=False)


class Priority(IntEnum):
    """Who waits for whom: a lower value goes first."""

    INTERACTIVE = 0
    """A reply, edit or callback answer in a conversation, the card refresh, an error reply."""
    BROADCAST = 1
    """The outbox sender's notices: they yield to conversations."""


@dataclass
class _Bucket:
    """A token bucket: `rate` tokens a second up to `capacity`; one token per message."""

    rate: float
    capacity: float
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait(self, now: float) -> float:
        self.refill(now)
        return 0.0 if self.tokens >= 1 - _EPSILON else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self.refill(now)
        self.tokens -= 1


@dataclass
class _Chat:
    bucket: _Bucket
    window: deque[float] = field(default_factory=deque)  # groups only: send times within the last minute
    paused_until: float = 0.0
    last_sent: float | None = None
    before_last: float | None = None


class RateLimiter:
    """Admits messages per chat under the global, per-group and per-chat limits and any 429 pause.

    `chat_id` None stands for a request that counts toward the global rate only (a callback answer).
    """

    def __init__(
        self, limits: SendingLimits | None = None, *, clock: Monotonic = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.limits = limits or SendingLimits()
        self._clock, self._sleep = clock, sleep
        now = clock()
        burst = float(self.limits.global_burst)
        self._global = _Bucket(self.limits.messages_per_second, burst, burst, now)
        self._recent: deque[float] = deque()  # send times within the last second, for max_in_any_second
        self._all_paused_until = 0.0
        self._chats: dict[int, _Chat] = {}
        self._acquired = 0
        self._waiting: dict[int | None, int] = {}  # interactive requests waiting, per chat (None: global only)

    async def acquire(self, chat_id: int | None, priority: Priority = Priority.INTERACTIVE) -> None:
        """Wait for the earliest moment a message to `chat_id` may go, and count it as sent then."""
        if priority is Priority.INTERACTIVE:
            self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        try:
            await self.ready(chat_id, priority)
        finally:
            if priority is Priority.INTERACTIVE:
                left = self._waiting[chat_id] - 1
                if left:
                    self._waiting[chat_id] = left
                else:
                    del self._waiting[chat_id]
        self._record(chat_id, self._clock())

    async def ready(self, chat_id: int | None, priority: Priority = Priority.INTERACTIVE) -> None:
        """Wait for the earliest moment a message to `chat_id` may go, without counting one."""
        while (wait := self.delay(chat_id, priority)) > 0:
            await self._sleep(wait)

    async def sleep(self, seconds: float) -> None:
        """Sleep on the limiter's clock, for a caller that waits for the limits' sake (a test's moves it)."""
        await self._sleep(seconds)

    def delay(self, chat_id: int | None, priority: Priority = Priority.INTERACTIVE) -> float:
        """Seconds until a message to `chat_id` may go, under every limit (0 when it may go now)."""
        now = self._clock()
        global_wait = max(self._all_paused_until - now, 0.0)
        if self.limits.enabled:
            in_window = _window_ready_at(self._recent, now, self.limits.max_in_any_second, 1.0) - now
            global_wait = max(global_wait, self._global.wait(now), in_window)
        chat_wait = 0.0 if chat_id is None else self.chat_ready_at(chat_id, priority) - now
        if priority is Priority.BROADCAST:
            if global_wait <= 0 and self._conversation_held_globally(now):
                # Its slot would be the one a conversation is waiting for: let that go first, look again after it.
                global_wait = 1.0 / self.limits.messages_per_second
            if chat_id is not None and self._waiting.get(chat_id):
                # A conversation's request waits for this very chat: the broadcast goes after it.
                own = max(self.chat_ready_at(chat_id) - now, 0.0)
                chat_wait = max(chat_wait, own + 1.0 / self.limits.chat_messages_per_second)
        return max(global_wait, chat_wait, 0.0)

    def chat_ready_at(self, chat_id: int, priority: Priority = Priority.INTERACTIVE) -> float:
        """When this chat's own limits and pauses next let a message go (monotonic); 0.0 if they do now.

        The global limit, shared by every chat, is left out: this ranks chats against each other, so it must
        not move with the clock (a conversation's waiting request, which would, counts in `delay` only).
        """
        now = self._clock()
        chat = self._chats.get(chat_id)
        ready = 0.0 if chat is None else chat.paused_until
        if chat is not None and self.limits.enabled:
            ready = max(ready, now + chat.bucket.wait(now))
            if chat_id < 0:
                allowed = self.limits.group_messages_per_minute
                if priority is Priority.BROADCAST:
                    allowed -= self.limits.group_headroom
                ready = max(ready, _window_ready_at(chat.window, now, allowed, GROUP_WINDOW_SECONDS))
        return ready if ready > now else 0.0

    def pause(self, chat_id: int, seconds: float) -> None:
        """Hold every message to `chat_id` for `seconds` (Telegram's retry_after for that chat)."""
        now = self._clock()
        chat = self._chat(chat_id, now)
        chat.paused_until = max(chat.paused_until, now + seconds)

    def pause_all(self, seconds: float) -> None:
        """Hold every message to every chat for `seconds` (a flood wait for the whole bot)."""
        self._all_paused_until = max(self._all_paused_until, self._clock() + seconds)

    def refused(self, chat_id: int | None, seconds: float) -> None:
        """Telegram answered 429 with `seconds` to a request for `chat_id`: pause that chat, or everyone if the
        chat had been left alone (then the limit hit is the bot's overall one, not the chat's)."""
        if chat_id is None or self.was_quiet(chat_id):
            self.pause_all(seconds)
        else:
            self.pause(chat_id, seconds)

    def was_quiet(self, chat_id: int) -> bool:
        """True if the chat's last message was its only one within a minute, so a 429 for it is not its own."""
        chat = self._chats.get(chat_id)
        if chat is None or chat.before_last is None or chat.last_sent is None:
            return True
        return chat.last_sent - chat.before_last >= GROUP_WINDOW_SECONDS

    def _conversation_held_globally(self, now: float) -> bool:
        """True if a conversation's request waits only for the global rate (its own chat would let it go)."""
        return any(
            chat_id is None or self.chat_ready_at(chat_id) <= now for chat_id, count in self._waiting.items() if count
        )

    def _chat(self, chat_id: int, now: float) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            burst = float(self.limits.chat_burst)
            chat = self._chats[chat_id] = _Chat(_Bucket(self.limits.chat_messages_per_second, burst, burst, now))
        return chat

    def _record(self, chat_id: int | None, now: float) -> None:
        if self.limits.enabled:
            self._global.take(now)
            self._recent.append(now)
        if chat_id is None:
            return
        chat = self._chat(chat_id, now)
        if self.limits.enabled:
            chat.bucket.take(now)
            if chat_id < 0:
                chat.window.append(now)
        chat.before_last, chat.last_sent = chat.last_sent, now
        self._acquired += 1
        if self._acquired % _FORGET_EVERY == 0:
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        """Drop chats that no limit or pause holds any more: a fresh entry would behave the same."""
        for chat_id, chat in list(self._chats.items()):
            chat.bucket.refill(now)
            full = chat.bucket.tokens >= chat.bucket.capacity - _EPSILON
            long_ago = chat.last_sent is None or now - chat.last_sent > GROUP_WINDOW_SECONDS
            if full and long_ago and chat.paused_until <= now and chat_id not in self._waiting:
                del self._chats[chat_id]


def _window_ready_at(window: deque[float], now: float, allowed: int, seconds: float) -> float:
    """When one more send fits `allowed` sends in any rolling `seconds`; drops the times that fell out."""
    while window and window[0] <= now - seconds + _EPSILON:
        window.popleft()
    return now if len(window) < allowed else window[len(window) - allowed] + seconds
