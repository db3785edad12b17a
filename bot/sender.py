"""The one way messages leave: drain the outbox, at most once per (event, chat), across restarts and crashes.

Each row is claimed (pending → sending) and committed before Telegram is asked, so a crash mid-send leaves a
`sending` row that is never blindly resent; a timeout marks the row `unknown` for the same reason. A 429
puts the row back with Telegram's retry_after; a chat that is gone ends its row as `failed`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.utils.i18n import I18n

from bot import notices
from domain.directory import Directory
from storage.repositories import OutboxStatus
from storage.uow import Database, UnitOfWork
from zhikong.clock import Clock

log = logging.getLogger(__name__)


class Sender:
    def __init__(self, bot: Bot, db: Database, directory: Directory, clock: Clock, i18n: I18n) -> None:
        self._bot, self._db, self._directory, self._clock, self._i18n = bot, db, directory, clock, i18n

    async def deliver_due(self, limit: int = 100) -> int:
        """Send the rows that are due, oldest first; returns how many were sent."""
        async with self._db.uow(read_only=True) as uow:
            rows = await uow.outbox.due(self._clock.now(), limit)
        sent = 0
        for row in rows:
            sent += await self._deliver(row)
        return sent

    async def _deliver(self, row: dict[str, Any]) -> int:
        row_id, chat_id = int(row["id"]), int(row["chat_id"])
        async with self._db.uow() as uow:
            if not await uow.outbox.claim(row_id):
                return 0
            language = await self._language_of(uow, chat_id)
            await uow.commit()
        with self._i18n.context(), self._i18n.use_locale(language):
            context = notices.NoticeContext(row["message_key"], row["params"], chat_id, self._directory)
            notice = notices.build_notice(context)
        if notice is None:
            await self._settle(row_id, OutboxStatus.SKIPPED)
            return 0
        try:
            message = await self._bot.send_message(chat_id, notice.text, reply_markup=notice.markup)
        except TelegramRetryAfter as pause:
            later = self._clock.now() + timedelta(seconds=pause.retry_after)
            await self._settle(row_id, OutboxStatus.PENDING, error=pause.message, not_before=later)
            return 0
        except (TelegramForbiddenError, TelegramBadRequest) as refusal:
            log.warning("outbox row %s to chat %s refused: %s", row_id, chat_id, refusal.message)
            await self._settle(row_id, OutboxStatus.FAILED, error=refusal.message)
            return 0
        except (TelegramNetworkError, TelegramServerError, TimeoutError) as unknown:
            # Telegram may or may not have delivered it: say so rather than risk a duplicate.
            await self._settle(row_id, OutboxStatus.UNKNOWN, error=str(unknown))
            return 0
        await self._settle(row_id, OutboxStatus.SENT, message_id=message.message_id)
        return 1

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
        async with self._db.uow() as uow:
            await uow.outbox.settle(
                row_id, status, now=self._clock.now(), message_id=message_id, error=error, not_before=not_before
            )
            await uow.commit()
