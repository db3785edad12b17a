"""The one way messages leave: drain the outbox through the rate limiter, at most once per (event, chat).

Each row is claimed (pending → sending) and committed before Telegram is asked, so a crash mid-send leaves a
`sending` row that start-up marks `unknown` instead of resending; a timeout marks the row `unknown` for the
same reason. A 429 puts the row back with Telegram's retry_after and pauses the chat (or everyone); a chat
that is gone ends its row `failed` and the office is told. Unknown and failed rows are told to the office once,
in one notice, and wait in /outbox for a person to re-send (补发: a new row, marked) or close. A long-running
worker (`run`) and the scheduler's tick (`deliver_due`) share one Sender, so they take turns and never overlap.

A notice with an attachment goes as sendPhoto / sendDocument with its text as the caption. Its file is uploaded
once: the first send holds the file's lock while it uploads, stores the file_id Telegram returns, and every
later chat (in this process or after a restart) is sent that file_id instead of the bytes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n

from bot import notices
from bot.limited import as_broadcast, limiter_of
from bot.outbox_view import marked_as_resend
from bot.ratelimit import Priority, RateLimiter
from bot.sendplan import SendPlan
from bot.undelivered import chat_gone_reason
from domain.directory import Directory
from services.delivery import FAILED_KEY, mark_interrupted, record_undeliverable, report_attention
from storage.repositories import OutboxStatus
from storage.uow import Database, UnitOfWork
from zhikong.clock import Clock

log = logging.getLogger(__name__)

# When Telegram refuses the bot itself (401 token revoked, 404, 409), no message can go: hold them all.
MISCONFIGURED_PAUSE_SECONDS = 60.0


class _Unpreparable(Exception):
    """The notice's attachment could not be had (made or loaded): nothing was sent."""


class Outcome(Enum):
    """How one row's attempt ended, as the pass needs to know it."""

    SENT = "sent"
    LATER = "later"  # back to pending: a 429, or the bot itself refused
    GONE = "gone"  # the chat takes no more messages; failed, the office told
    FAILED = "failed"  # the message itself was refused
    UNKNOWN = "unknown"  # Telegram may or may not have it
    SKIPPED = "skipped"  # nothing to say in this chat
    TAKEN = "taken"  # another sender claimed it first


@dataclass(frozen=True)
class PassResult:
    """What one pass over the outbox did."""

    sent: int
    wake_in: float | None  # seconds until a row held back (not_before, a long limiter wait) may go


class Sender:
    """Drains the outbox through one rate limiter; share one instance per bot so its passes take turns."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        directory: Directory,
        clock: Clock,
        i18n: I18n,
        *,
        limiter: RateLimiter | None = None,
        max_in_flight: int = 8,
        batch_size: int = 1000,
        poll_interval: float = 1.0,
        patience: float = 3.0,
    ) -> None:
        self._bot, self._db, self._directory, self._clock, self._i18n = bot, db, directory, clock, i18n
        self.limiter = limiter or RateLimiter()
        # Several sends in flight hide Telegram's round trip; one per chat keeps each chat's order.
        self._max_in_flight = max_in_flight
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        # A pass waits this long at most for the next slot; beyond it, it ends and leaves the rows pending.
        self._patience = patience
        self._draining = asyncio.Lock()  # one pass at a time: the worker's or the tick's
        self._writes = asyncio.Lock()  # our own writes queue here rather than on SQLite's busy timeout
        self._uploads: dict[str, asyncio.Lock] = {}  # per attachment key: one upload at a time
        self._file_ids: dict[str, str] = {}  # attachment key → Telegram's file_id, once uploaded

    async def deliver_due(self, limit: int = 100) -> int:
        """Send the due rows (up to `limit`) that the limits let go within a few seconds, each chat in id order;
        returns how many were sent. Returns 0 at once while the worker is draining: it sends them."""
        if self._draining.locked():
            return 0
        async with self._draining:
            return (await self._pass(limit, patience=self._patience, stop=None)).sent

    async def run(self, stop: asyncio.Event) -> None:
        """Drain the outbox until `stop` is set, sleeping while nothing is due; rows a crash left mid-send
        are marked unknown first, never resent. Sends in flight when `stop` is set are finished."""
        async with self._draining:
            interrupted = await mark_interrupted(self._db)
        if interrupted:
            log.warning("%s outbox row(s) were mid-send at a crash: marked unknown, not resent", interrupted)
        await self._tell_office()  # of those, and of any the last run left untold
        while not stop.is_set():
            try:
                async with self._draining:
                    result = await self._pass(self._batch_size, patience=self._patience, stop=stop)
            except Exception:
                # A pass that breaks (the database busy beyond its timeout...) must not end the worker.
                log.exception("an outbox pass broke off; trying again shortly")
                result = PassResult(0, None)
            if result.sent:
                continue  # more may be waiting beyond this batch; a pass that sent nothing rests first
            idle = self._poll_interval if result.wake_in is None else min(self._poll_interval, result.wake_in)
            await _unless_stopped(self.limiter.sleep(max(idle, 0.001)), stop)

    async def _pass(self, limit: int, *, patience: float, stop: asyncio.Event | None) -> PassResult:
        """Hand out the pending rows through the limiter, readiest chat first, and settle each."""
        async with self._db.uow(read_only=True) as uow:
            rows = await uow.outbox.pending(limit)
        await self._prepare_files(rows)
        now = self._clock.now()
        plan = SendPlan(rows, now, self._chat_ready_at)
        wake_in = None if plan.next_due is None else (plan.next_due - now).total_seconds()
        running: dict[asyncio.Task[Outcome], int] = {}
        reported: set[int] = set()  # chats already reported gone in this pass: the office hears once
        sent = handed = 0
        try:
            while stop is None or not stop.is_set():
                chat_id = plan.peek() if len(running) < self._max_in_flight else None
                wait = None if chat_id is None else self.limiter.delay(chat_id, Priority.BROADCAST)
                if chat_id is None or (wait is not None and wait > patience):
                    if not running:
                        if wait is not None:
                            wake_in = wait if wake_in is None else min(wake_in, wait)
                        break
                    sent += await self._settle_next(running, plan)
                    continue
                if not await self._acquire(chat_id, stop):
                    break
                row = plan.take(chat_id)
                handed += 1
                running[asyncio.create_task(self._deliver(row, reported))] = chat_id
        except BaseException:
            # Cancelled (shutdown or crash): what is mid-send stays `sending`, to be marked unknown at start-up.
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            raise
        while running:
            sent += await self._settle_next(running, plan)
        if handed:
            await self._tell_office()  # of the rows this pass left failed or unknown, in one notice
        return PassResult(sent, wake_in)

    async def _tell_office(self) -> None:
        """Queue the office's notice of rows that did not surely arrive, if there are new ones."""
        try:
            async with self._writes:
                await report_attention(self._db, self._clock.now())
        except Exception:  # the rows stay untold and the next pass tries again; sending goes on
            log.exception("the office could not be told of undelivered outbox rows")

    async def _prepare_files(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Make and keep the files this batch's notices carry before any send takes a slot: making one (a chart
        drawn in a worker thread) keeps the process busy for a moment, and the sends held up behind it would
        then reach Telegram in a burst. Each event is built once per reader language; failures are left to
        the send itself, which fails its row."""
        events: dict[int, Mapping[str, Any]] = {}
        chats_of: dict[int, set[int]] = {}
        for row in rows:
            events.setdefault(int(row["event_id"]), row)
            chats_of.setdefault(int(row["event_id"]), set()).add(int(row["chat_id"]))
        languages: dict[int, str] = {}
        for event_id, row in events.items():
            if not notices.may_attach(str(row["message_key"])):
                continue
            if not languages:
                async with self._db.uow(read_only=True) as uow:
                    for chat_id in {c for chats in chats_of.values() for c in chats}:
                        languages[chat_id] = await self._language_of(uow, chat_id)
            for language in sorted({languages[c] for c in chats_of[event_id]}):
                try:
                    with self._i18n.context(), self._i18n.use_locale(language):
                        context = notices.NoticeContext(row["message_key"], row["params"], 0, self._directory)
                        notice = notices.build_notice(context)
                        attachment = None if notice is None else notice.attachment
                        if attachment is not None and attachment.key not in self._file_ids:
                            source = notices.file_source_for(attachment, self._db, self._directory, self._clock)
                            stored = await source.load(attachment.key)
                            if stored.telegram_file_id is not None:
                                self._file_ids[attachment.key] = stored.telegram_file_id
                except Exception:
                    log.exception("the file of outbox event %s could not be made ahead of sending", event_id)

    async def _acquire(self, chat_id: int, stop: asyncio.Event | None) -> bool:
        """Wait for the chat's slot; False if `stop` was set first. When the bot's session takes the slot for
        each request (bot.limited), only wait until the limiter would give one: one request, one slot."""
        wait = self.limiter.ready if self._session_limits() else self.limiter.acquire
        if stop is None or self.limiter.delay(chat_id, Priority.BROADCAST) <= 0:
            await wait(chat_id, Priority.BROADCAST)
            return True
        return await _unless_stopped(wait(chat_id, Priority.BROADCAST), stop)

    def _session_limits(self) -> bool:
        return limiter_of(self._bot) is self.limiter

    def _chat_ready_at(self, chat_id: int) -> float:
        return self.limiter.chat_ready_at(chat_id, Priority.BROADCAST)

    async def _settle_next(self, running: dict[asyncio.Task[Outcome], int], plan: SendPlan) -> int:
        """Wait for a send to end and let its chat go on (or wait for a later pass); 1 if it was sent."""
        done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        sent = 0
        for task in done:
            chat_id = running.pop(task)
            if task.exception() is not None:
                log.error("sending to chat %s broke off", chat_id, exc_info=task.exception())
                plan.done(chat_id, go_on=False)
                continue
            outcome = task.result()
            sent += outcome is Outcome.SENT
            plan.done(chat_id, go_on=outcome is not Outcome.LATER)
        return sent

    async def _deliver(self, row: Mapping[str, Any], reported: set[int]) -> Outcome:
        row_id, chat_id = int(row["id"]), int(row["chat_id"])
        as_broadcast()  # the bot's limiting middleware (if any) ranks it below conversations, leaves 429s to us
        async with self._writes, self._db.uow() as uow:
            if not await uow.outbox.claim(row_id):
                return Outcome.TAKEN
            language = await self._language_of(uow, chat_id)
            await uow.commit()
        try:
            with self._i18n.context(), self._i18n.use_locale(language):
                context = notices.NoticeContext(row["message_key"], row["params"], chat_id, self._directory)
                notice = notices.build_notice(context)
                if notice is not None and row.get("resend_of") is not None:
                    notice = marked_as_resend(notice)
        except Exception as error:
            log.exception("outbox row %s (%s) could not be rendered", row_id, row["message_key"])
            await self._settle(row_id, OutboxStatus.FAILED, error=f"could not render: {error!r}")
            return Outcome.FAILED
        if notice is None:
            await self._settle(row_id, OutboxStatus.SKIPPED)
            return Outcome.SKIPPED
        try:
            with self._i18n.context(), self._i18n.use_locale(language):  # a file is made in the reader's language
                message = await self._send(chat_id, notice)
        except _Unpreparable as error:
            log.error("outbox row %s (%s): its file could not be had", row_id, row["message_key"], exc_info=error)
            await self._settle(row_id, OutboxStatus.FAILED, error=f"could not render: {error.__cause__!r}")
            return Outcome.FAILED
        except TelegramRetryAfter as pause:
            return await self._retry_later(row_id, chat_id, pause)
        except (TelegramForbiddenError, TelegramBadRequest, TelegramMigrateToChat) as refusal:
            return await self._refused(row, refusal, reported)
        except (TelegramNetworkError, TelegramServerError, TimeoutError) as unknown:
            # Telegram may or may not have delivered it: say so rather than risk a duplicate.
            log.warning("outbox row %s to chat %s: outcome unknown (%s)", row_id, chat_id, unknown)
            await self._settle(row_id, OutboxStatus.UNKNOWN, error=str(unknown) or type(unknown).__name__)
            return Outcome.UNKNOWN
        except TelegramAPIError as refusal:
            # Telegram answered, so nothing went out; the bot itself is refused (token, URL): hold everything.
            log.error("Telegram refuses the bot (%s): sending paused", refusal.message)
            self.limiter.pause_all(MISCONFIGURED_PAUSE_SECONDS)
            later = self._clock.now() + timedelta(seconds=MISCONFIGURED_PAUSE_SECONDS)
            await self._settle(row_id, OutboxStatus.PENDING, error=refusal.message, not_before=later)
            return Outcome.LATER
        except Exception as unknown:
            log.exception("outbox row %s to chat %s: outcome unknown", row_id, chat_id)
            await self._settle(row_id, OutboxStatus.UNKNOWN, error=repr(unknown))
            return Outcome.UNKNOWN
        await self._settle(row_id, OutboxStatus.SENT, message_id=message.message_id)
        return Outcome.SENT

    async def _send(self, chat_id: int, notice: notices.Notice) -> Message:
        """Send the notice: a text message, or its file with the text as caption (uploaded by the first send
        only; the others wait for that upload and reuse its file_id)."""
        attachment = notice.attachment
        if attachment is None:
            return await self._bot.send_message(chat_id, notice.text, reply_markup=notice.markup)
        key = attachment.key
        upload = self._uploads.setdefault(key, asyncio.Lock())
        waited = upload.locked()
        async with upload:
            file_id = self._file_ids.get(key)
            if file_id is None:
                try:
                    source = notices.file_source_for(attachment, self._db, self._directory, self._clock)
                    stored = await source.load(key)
                except Exception as error:
                    raise _Unpreparable(key) from error
                if stored.telegram_file_id is None:
                    message = await self._post(chat_id, notice, BufferedInputFile(stored.data, stored.name))
                    file_id = self._file_ids[key] = _file_id(message, attachment.kind)
                    try:
                        async with self._writes:
                            await source.remember(key, file_id)
                    except Exception:  # the message went: its row must say sent; this process still reuses it
                        log.exception("the file_id of %s could not be stored; a restart uploads it again", key)
                    return message
                file_id = self._file_ids[key] = stored.telegram_file_id
        if waited and not self._session_limits():
            # The slot the limiter gave this send went by while the upload ran; the sends that waited with it
            # would otherwise go out in one burst and earn a 429.
            await self.limiter.acquire(chat_id, Priority.BROADCAST)
        return await self._post(chat_id, notice, file_id)

    async def _post(self, chat_id: int, notice: notices.Notice, file: BufferedInputFile | str) -> Message:
        assert notice.attachment is not None
        if notice.attachment.kind is notices.AttachmentKind.PHOTO:
            return await self._bot.send_photo(chat_id, file, caption=notice.text, reply_markup=notice.markup)
        return await self._bot.send_document(chat_id, file, caption=notice.text, reply_markup=notice.markup)

    async def _retry_later(self, row_id: int, chat_id: int, pause: TelegramRetryAfter) -> Outcome:
        self.limiter.refused(chat_id, pause.retry_after)
        log.info("outbox row %s to chat %s: Telegram asks to wait %s s", row_id, chat_id, pause.retry_after)
        later = self._clock.now() + timedelta(seconds=pause.retry_after)
        await self._settle(row_id, OutboxStatus.PENDING, error=pause.message, not_before=later)
        return Outcome.LATER

    async def _refused(self, row: Mapping[str, Any], refusal: TelegramAPIError, reported: set[int]) -> Outcome:
        row_id, chat_id = int(row["id"]), int(row["chat_id"])
        reason = chat_gone_reason(refusal)
        if reason is None:
            log.error("outbox row %s to chat %s refused: %s", row_id, chat_id, refusal.message)
            await self._settle(row_id, OutboxStatus.FAILED, error=refusal.message)
            return Outcome.FAILED
        log.warning("outbox row %s: chat %s is gone (%s)", row_id, chat_id, refusal.message)
        tell = chat_id not in reported
        reported.add(chat_id)
        async with self._writes:
            told = await record_undeliverable(
                self._db, row, reason=reason, error=refusal.message, now=self._clock.now(), tell_office=tell
            )
        if tell and not told and row["message_key"] != FAILED_KEY:
            log.warning("no office holder with Telegram to tell that chat %s is gone", chat_id)
        return Outcome.GONE

    async def _language_of(self, uow: UnitOfWork, chat_id: int) -> str:
        if chat_id > 0:  # a private chat's id is the person's Telegram id
            person = await uow.people.by_telegram_id(chat_id)
            if person is not None:
                return person.language
        return self._i18n.default_locale

    async def _settle(
        self,
        row_id: int,
        status: OutboxStatus,
        *,
        message_id: int | None = None,
        error: str | None = None,
        not_before: datetime | None = None,
    ) -> None:
        async with self._writes, self._db.uow() as uow:
            await uow.outbox.settle(
                row_id, status, now=self._clock.now(), message_id=message_id, error=error, not_before=not_before
            )
            await uow.commit()


def _file_id(message: Message, kind: notices.AttachmentKind) -> str:
    """The file_id Telegram gave an uploaded photo (its largest size) or document."""
    if kind is notices.AttachmentKind.PHOTO and message.photo:
        return message.photo[-1].file_id
    if kind is notices.AttachmentKind.DOCUMENT and message.document is not None:
        return message.document.file_id
    raise ValueError(f"Telegram's answer holds no {kind.value}")


async def _unless_stopped(waiting: Awaitable[None], stop: asyncio.Event) -> bool:
    """Wait for `waiting` unless `stop` is set first (then cancel it); True if it finished."""
    task = asyncio.ensure_future(waiting)
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    for waiter in (task, stopping):
        waiter.cancel()
    await asyncio.gather(task, stopping, return_exceptions=True)
    return not task.cancelled() and task.exception() is None


class SendingWorker:
    """The sender's `run` as a background task for the bot's lifetime."""

    def __init__(self, sender: Sender) -> None:
        self._sender = sender
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start draining in the running event loop."""
        self._task = asyncio.create_task(self._sender.run(self._stop), name="outbox-sender")

    async def stop(self) -> None:
        """Stop taking rows, let the sends in flight settle, and wait for the worker to end."""
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
