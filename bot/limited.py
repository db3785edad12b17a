"""Every request the bot makes to Telegram passes one rate limiter, and waits out a 429 instead of failing.

A request middleware on the bot's session (`limit_requests`) sits in front of every call, whoever makes it: a
handler, the error handler, the card refresh, the outbox sender. For each method that puts something in a
chat (send*, editMessage*, copy/forward, pin/unpin, deleteMessage...) it takes a slot for that chat from the
shared `RateLimiter`; a callback answer counts toward the global rate only; getUpdates, getMe, setWebhook and
the like pass untouched. A 429 pauses the chat (or everyone, as the limiter decides) and the request is made
again once the pause is over, up to MAX_WAIT_SECONDS in all.

The outbox sender marks its requests (`as_broadcast`): they rank below conversations, and come back to the
sender on a 429, which re-queues the row. The sender then only waits for the limiter to be ready and takes no
slot itself (`limiter_of`), so each request takes one slot, right before it goes: a slot taken before the
sender's database work would reach Telegram late, in a bunch with the conversations' requests.

An edit that would change nothing is not sent (bot.edits), and Telegram's "message is not modified" counts as
done: both are the outcome the caller asked for.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.edits import EditMemory
from bot.ratelimit import Priority, RateLimiter

log = logging.getLogger(__name__)
MAX_WAIT_SECONDS = 60  # beyond this a person would rather see an error than a reply minutes later

# Methods that put something in (or take something out of) a chat, as Telegram's flood control counts them.
_CHAT_METHODS = (
    "send",
    "editMessage",
    "copyMessage",
    "forwardMessage",
    "pinChatMessage",
    "unpinChatMessage",
    "unpinAllChatMessages",
    "deleteMessage",
    "stopPoll",
    "stopMessageLiveLocation",
    "setMessageReaction",
)
_GLOBAL_METHODS = ("answerCallbackQuery", "answerInlineQuery")
_NOT_MODIFIED = "message is not modified"


_broadcast: ContextVar[bool] = ContextVar("outbox_broadcast", default=False)


def as_broadcast() -> None:
    """Mark the current task's requests as the outbox sender's broadcast.

    Call it in the task that sends one outbox row (a ContextVar set there stays in that task).
    """
    _broadcast.set(True)


@dataclass(frozen=True)
class _Target:
    chat_id: int | None  # None: the global rate only


def _target(method: TelegramMethod[Any]) -> _Target | None:
    """What a request counts toward: a chat, the global rate only, or nothing (None)."""
    name = method.__api_method__
    if name.startswith(_GLOBAL_METHODS):
        return _Target(None)
    if not name.startswith(_CHAT_METHODS):
        return None
    chat_id = getattr(method, "chat_id", None)
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        chat_id = int(chat_id)
    # An inline message or a channel named by @username: no chat we can count, so the global rate only.
    return _Target(chat_id if isinstance(chat_id, int) else None)


def _done(result: object) -> Response[Any]:
    # aiogram annotates the chain as returning Response, but what travels through it is the method's result
    # (BaseSession.make_request returns response.result): an edit's result for an inline message is True.
    return cast(Response[Any], result)


class LimitedRequests(BaseRequestMiddleware):
    """Takes a slot from `limiter` for each request that counts toward Telegram's limits (see the module)."""

    def __init__(self, limiter: RateLimiter | None = None) -> None:
        self.limiter = limiter or RateLimiter()
        self.edits = EditMemory()

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        target = _target(method)
        if target is None:
            return await make_request(bot, method)
        if self.edits.unchanged(bot, method):
            log.debug("%s changes nothing: not sent", type(method).__name__)
            return _done(True)
        if _broadcast.get():
            await self.limiter.acquire(target.chat_id, Priority.BROADCAST)
            # A 429 goes back to the sender: it pauses the chat and puts the row back for later.
            return await self._made(make_request, bot, method)
        waited = 0.0
        while True:
            await self.limiter.acquire(target.chat_id)
            try:
                return await self._made(make_request, bot, method)
            except TelegramRetryAfter as pause:
                self.limiter.refused(target.chat_id, pause.retry_after)
                if waited + pause.retry_after > MAX_WAIT_SECONDS:
                    raise
                log.info("%s waits %s s for Telegram's flood control", type(method).__name__, pause.retry_after)
                waited += pause.retry_after

    async def _made(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        try:
            result = await make_request(bot, method)
        except TelegramBadRequest as refusal:
            if _NOT_MODIFIED not in refusal.message or not method.__api_method__.startswith("editMessage"):
                raise
            self.edits.remember(bot, method, result=None)  # Telegram says it shows this already
            return _done(True)
        self.edits.remember(bot, method, result=result)
        return result


def limit_requests(bot: Bot, limiter: RateLimiter | None = None) -> LimitedRequests:
    """Put the limiting middleware in front of `bot`'s session, once: a second call (a restart in the same
    process) finds the one there. With `limiter`, that limiter is used from now on."""
    for middleware in bot.session.middleware:
        if isinstance(middleware, LimitedRequests):
            if limiter is not None:
                middleware.limiter = limiter
            return middleware
    middleware = LimitedRequests(limiter)
    bot.session.middleware(middleware)
    return middleware


def shared_limiter(bot: Bot) -> RateLimiter:
    """The limiter every request of `bot` passes (installing the middleware if it is not there yet)."""
    return limit_requests(bot).limiter


def limiter_of(bot: Bot) -> RateLimiter | None:
    """The limiter `bot`'s requests pass, if its session has the middleware."""
    found = [m.limiter for m in bot.session.middleware if isinstance(m, LimitedRequests)]
    return found[0] if found else None
