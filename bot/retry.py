"""Replies from handlers wait out Telegram's flood control instead of being lost.

The outbox sender handles 429 itself (it re-queues the row), so the retry applies only while an update is
being handled: an outer middleware marks that, and the request middleware retries only then.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject

log = logging.getLogger(__name__)
MAX_WAIT_SECONDS = 60  # beyond this a person would rather see an error than a reply minutes later

_handling_update: ContextVar[bool] = ContextVar("handling_update", default=False)


class HandlingUpdate(BaseMiddleware):
    """Marks the requests made while an update is handled."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        token = _handling_update.set(True)
        try:
            return await handler(event, data)
        finally:
            _handling_update.reset(token)


class RetryAfterInHandlers(BaseRequestMiddleware):
    """Retry a handler's request after Telegram's retry_after, up to MAX_WAIT_SECONDS in all."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        waited = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as pause:
                if not _handling_update.get() or waited + pause.retry_after > MAX_WAIT_SECONDS:
                    raise
                log.info("%s waits %s s for Telegram's flood control", type(method).__name__, pause.retry_after)
                await asyncio.sleep(pause.retry_after)
                waited += pause.retry_after
