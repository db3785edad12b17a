"""Errors become a short message in the user's language; nothing else of an exception is shown.

A domain error says what was wrong (its catalog entry). Any other exception is a defect: it is logged once with
its traceback, and the person gets a short apology, so no message or tap goes unanswered.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, ReplyParameters
from aiogram.utils.i18n import gettext as _

from bot.texts import alert, error_text
from domain.errors import DomainError

log = logging.getLogger(__name__)


async def domain_error(event: ErrorEvent, bot: Bot) -> None:
    assert isinstance(event.exception, DomainError)
    log.info("refused update %s: %s", event.update.update_id, event.exception)
    await _tell(event, bot, error_text(event.exception))


async def unexpected_error(event: ErrorEvent, bot: Bot) -> None:
    """Any exception no handler caught: its traceback in the log, an apology to the person."""
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    await _tell(event, bot, _("error.unexpected"))


async def _tell(event: ErrorEvent, bot: Bot, text: str) -> None:
    """`text` (HTML) as the answer to the update's message or tap; a failure to send is logged, not raised."""
    update = event.update
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(alert(text), show_alert=True)
        elif update.message is not None:
            message = update.message
            await bot.send_message(
                message.chat.id,
                text,
                message_thread_id=message.message_thread_id if message.is_topic_message else None,
                reply_parameters=ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True),
            )
    except TelegramAPIError as failed:
        # Raising here would only reach aiogram's log as a second, confusing error: say it once, plainly.
        log.warning("the error answer to update %s was not sent: %s", update.update_id, failed)


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.error.register(domain_error, ExceptionTypeFilter(DomainError))
    # After the domain errors, on purpose: everything else that escaped a handler.
    router.error.register(unexpected_error, ExceptionTypeFilter(Exception))
    return router
