"""Long polling that confirms an update to Telegram only once its handling has finished.

aiogram's `start_polling` moves getUpdates' offset past an update as soon as it has handed it to a task, so a
bot killed while a handler runs never sees that update again: the person's answer is lost. Here the offset
passes an update only when it and every earlier one are done, so a crash at any point means Telegram delivers
it again, and the once-per-update guard (bot.state.OncePerUpdate) skips only those that were fully handled.

Updates of one chat are handled one after another, in Telegram's order; chats run side by side. While updates
are in flight, getUpdates is asked again (without waiting) whenever one finishes, or every half second, for the
updates behind them: Telegram answers with the unconfirmed ones too, and those already known are skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
from collections.abc import Iterable
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

log = logging.getLogger(__name__)

DEFAULT_BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)
# How long to wait for an update in flight to finish before asking Telegram for the ones behind it.
RECHECK_SECONDS = 0.5


def chat_key(update: Update) -> int:
    """What orders updates: the chat (or, for chatless updates, the person); else the update alone."""
    context = UserContextMiddleware.resolve_event_context(update)
    if context.chat is not None:
        return context.chat.id
    if context.user is not None:
        return context.user.id
    return -(10**15) - update.update_id


class Poller:
    """Feeds `dispatcher` the updates of `bot` until `stop()`; each is confirmed only after it was handled."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        polling_timeout: int = 30,
        backoff: BackoffConfig = DEFAULT_BACKOFF,
        **data: Any,
    ) -> None:
        self._dispatcher, self._bot = dispatcher, bot
        self._timeout = polling_timeout
        self._backoff = Backoff(backoff)
        self._data = data
        self._stopping = asyncio.Event()
        self._in_flight: dict[int, asyncio.Task[None]] = {}  # update_id → its handling, not yet confirmed
        self._last_of_chat: dict[int, asyncio.Task[None]] = {}
        self._next_offset: int | None = None  # one past the newest update seen

    def stop(self) -> None:
        """Ask the loop to end: updates in flight are finished and confirmed first."""
        self._stopping.set()

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    async def run(self) -> None:
        """Poll until stopped; on the way out, wait for the updates in flight and confirm what was handled."""
        me = await self._bot.me()
        log.info("polling Telegram for updates as @%s", me.username)
        allowed = self._dispatcher.resolve_used_update_types()
        try:
            while not self._stopping.is_set():
                updates = await self._fetch(allowed)
                started = self._start(updates)
                if self._in_flight and not started:
                    await self._some_finished()
        except BaseException:
            # Cancelled or broken: what was cut off stays unconfirmed, for Telegram to deliver again.
            for task in self._in_flight.values():
                task.cancel()
            await asyncio.gather(*self._in_flight.values(), return_exceptions=True)
            raise
        await self._finish()

    # ---- fetching ------------------------------------------------------------------------------------------
    def _offset(self) -> int | None:
        return min(self._in_flight) if self._in_flight else self._next_offset

    async def _fetch(self, allowed: list[str]) -> list[Update]:
        """The next updates, or [] after a failure (logged, then backed off) or when stopping."""
        # With updates in flight Telegram answers at once (they are still unconfirmed), so the wait asked for then
        # is moot; it stays positive so that the request is a long poll like any other (the fake, for one, tells
        # a listening bot by its long polls).
        waiting = 1 if self._in_flight else self._timeout
        method = GetUpdates(offset=self._offset(), timeout=waiting, allowed_updates=allowed)
        request = asyncio.ensure_future(self._bot(method, request_timeout=int(self._bot.session.timeout + waiting)))
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({request, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not request.done():
            request.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await request
            return []
        try:
            updates = request.result()
        except Exception as error:
            delay = next(self._backoff)
            # aiogram's words, which operators know; the log masks the token the error's URL holds.
            log.error("Failed to fetch updates - %s: %s; trying again in %.1f s", type(error).__name__, error, delay)
            await self._pause(delay)
            return []
        self._backoff.reset()
        return list(updates)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def _some_finished(self) -> None:
        """Wait until an update in flight is done (or a moment passes, or stop is asked)."""
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait(
                {stopping, *self._in_flight.values()}, timeout=RECHECK_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            stopping.cancel()

    # ---- handling ------------------------------------------------------------------------------------------
    def _start(self, updates: Iterable[Update]) -> int:
        """Start handling the updates not seen before; returns how many."""
        started = 0
        for update in updates:
            known = self._next_offset is not None and update.update_id < self._next_offset
            if known or update.update_id in self._in_flight:
                continue
            self._next_offset = update.update_id + 1
            key = chat_key(update)
            task = asyncio.create_task(self._handle(update, self._last_of_chat.get(key)))
            self._in_flight[update.update_id] = task
            self._last_of_chat[key] = task
            task.add_done_callback(functools.partial(self._done, update.update_id, key))
            started += 1
        return started

    def _done(self, update_id: int, key: int, task: asyncio.Task[None]) -> None:
        self._in_flight.pop(update_id, None)
        if self._last_of_chat.get(key) is task:
            del self._last_of_chat[key]

    async def _handle(self, update: Update, after: asyncio.Task[None] | None) -> None:
        if after is not None:
            await asyncio.gather(after, return_exceptions=True)  # the chat's earlier update first
        try:
            await self._dispatcher.feed_update(self._bot, update, **self._data)
        except Exception:
            # Logged and confirmed: an update that breaks the bot would otherwise come back for ever.
            log.exception("update %s broke off while being handled", update.update_id)

    async def _finish(self) -> None:
        """Let the updates in flight end, then confirm everything handled with one last, non-waiting poll."""
        if self._in_flight:
            await asyncio.gather(*self._in_flight.values(), return_exceptions=True)
        if self._next_offset is None:
            return
        try:
            await self._bot(GetUpdates(offset=self._next_offset, timeout=0, limit=1))
        except Exception as error:  # they come again at the next start, and are skipped as handled
            log.info("could not confirm the last updates on the way out (%s)", type(error).__name__)


async def poll_until_signalled(poller: Poller) -> None:
    """Run `poller` until SIGINT or SIGTERM, which stop it gracefully (the updates in flight are finished)."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows has no loop signal handlers
            loop.add_signal_handler(signum, poller.stop)
    try:
        await poller.run()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(signum)
