"""Domain errors become a short message in the user's language; nothing else of an exception is shown."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot.texts import error_text
from domain.errors import DomainError

log = logging.getLogger(__name__)


async def domain_error(event: ErrorEvent) -> None:
    assert isinstance(event.exception, DomainError)
    text = error_text(event.exception)
    update = event.update
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.message is not None:
        await update.message.answer(text)
    log.info("refused update %s: %s", update.update_id, event.exception)


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.error.register(domain_error, ExceptionTypeFilter(DomainError))
    return router
