"""Serve Telegram's webhook deliveries: check the secret, take only Updates, and answer once each is handled.

aiogram's SimpleRequestHandler answers 200 before the handler has run (and a body that is not an Update with a
500 and a traceback); Telegram then forgets the update, so a crash meanwhile loses it. Here the answer waits
for the handling, so Telegram delivers again whatever a crash interrupted, and anything that is not an Update
gets a 400 and one log line, with nothing left running.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import TYPE_CHECKING, Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

if TYPE_CHECKING:
    from zhikong.settings import Settings

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class NotAnUpdate(ValueError):
    """The body of a delivery is not a Telegram Update."""


def read_update(body: bytes, bot: Bot) -> Update:
    """The Update a delivery carries; NotAnUpdate (with a short reason) for anything else."""
    try:
        data: Any = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise NotAnUpdate("the body is not JSON") from None
    if not isinstance(data, dict):
        raise NotAnUpdate(f"the body is a JSON {type(data).__name__}, not an object")
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or not 0 <= update_id < 2**63:
        raise NotAnUpdate("update_id is missing or not a whole number")
    try:
        return Update.model_validate(data, context={"bot": bot})
    except ValidationError as error:
        raise NotAnUpdate(f"not an Update ({error.__class__.__name__})") from None


class WebhookHandler:
    """The aiohttp handler of one bot's deliveries."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, *, secret: str | None) -> None:
        self._dispatcher, self._bot, self._secret = dispatcher, bot, secret
        # A delivery Telegram repeats while the first is still being handled waits for it instead of running twice.
        self._in_flight: dict[int, asyncio.Task[None]] = {}

    async def handle(self, request: web.Request) -> web.Response:
        if self._secret is not None and not hmac.compare_digest(
            request.headers.get(SECRET_HEADER, "").encode(), self._secret.encode()
        ):
            log.warning("a webhook delivery without the right secret was refused")
            return web.json_response({"ok": False, "description": "wrong secret"}, status=401)
        try:
            update = read_update(await request.read(), self._bot)
        except NotAnUpdate as error:
            log.warning("a webhook delivery was refused: %s", error)
            return web.json_response({"ok": False, "description": str(error)}, status=400)
        task = self._in_flight.get(update.update_id)
        if task is None:
            task = asyncio.create_task(self._handle(update))
            self._in_flight[update.update_id] = task
            task.add_done_callback(lambda _: self._in_flight.pop(update.update_id, None))
        # Shielded: Telegram hanging up must not cut a handler off halfway; it will deliver again if needed.
        await asyncio.shield(task)
        return web.json_response({})

    async def _handle(self, update: Update) -> None:
        try:
            await self._dispatcher.feed_update(self._bot, update)
        except Exception:
            # Answered 200 all the same: an update that breaks the bot would otherwise come back for ever.
            log.exception("update %s broke off while being handled", update.update_id)


def webhook_app(dispatcher: Dispatcher, bot: Bot, *, secret: str | None) -> web.Application:
    """The web application that receives deliveries at WEBHOOK_PATH."""
    app = web.Application()
    app.router.add_post(WEBHOOK_PATH, WebhookHandler(dispatcher, bot, secret=secret).handle)
    return app


async def serve_webhook(dispatcher: Dispatcher, bot: Bot, settings: Settings) -> None:
    """Register the webhook with Telegram and answer its deliveries until cancelled."""
    assert settings.webhook_url is not None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    runner = web.AppRunner(webhook_app(dispatcher, bot, secret=secret), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    await bot.set_webhook(
        settings.webhook_url.rstrip("/") + WEBHOOK_PATH,
        secret_token=secret,
        allowed_updates=dispatcher.resolve_used_update_types(),
    )
    log.info("listening for webhook deliveries on %s:%s", settings.webhook_host, settings.webhook_port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
