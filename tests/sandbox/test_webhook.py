"""Webhooks: delivery with the secret header, retries, 409 for getUpdates, and a Dispatcher behind aiogram's handler."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiogram.filters import CommandStart
from aiogram.methods import SendMessage
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from sandbox import FakeTelegram, SandboxServer
from tests.sandbox.support import wait_until, webhook_receiver


async def test_updates_are_posted_to_the_webhook_with_the_secret_header(tg: FakeTelegram, http_bot: Bot) -> None:
    li = tg.user("李")
    async with webhook_receiver() as receiver:
        assert await http_bot.set_webhook(receiver.url, secret_token="s3cret_token")
        await li.says(li.private_chat, "你好")
        headers, body = receiver.received[-1]
        assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret_token"
        assert body["message"]["text"] == "你好"
        assert tg.pending_updates() == []
        await http_bot.delete_webhook()


async def test_get_updates_while_a_webhook_is_set_answers_409(tg: FakeTelegram, http_bot: Bot) -> None:
    async with webhook_receiver() as receiver:
        await http_bot.set_webhook(receiver.url)
        with pytest.raises(TelegramConflictError, match="can't use getUpdates method while webhook is active"):
            await http_bot.get_updates()
        await http_bot.delete_webhook()
    assert await http_bot.get_updates() == []
    assert tg.calls("getUpdates")[0].status == 409


async def test_a_failing_webhook_is_retried_until_it_accepts(tg: FakeTelegram, http_bot: Bot) -> None:
    li = tg.user("李")
    async with webhook_receiver(statuses=[500, 502]) as receiver:
        await http_bot.set_webhook(receiver.url)
        await li.says(li.private_chat, "你好")
        assert [body["message"]["text"] for _, body in receiver.received] == ["你好"]
        info = await http_bot.get_webhook_info()
        assert info.pending_update_count == 0
        assert info.last_error_message == "Wrong response from the webhook: 502 Bad Gateway"
        await http_bot.delete_webhook()


async def test_delete_webhook_can_drop_pending_updates(tg: FakeTelegram, http_bot: Bot) -> None:
    li = tg.user("李")
    await li.says(li.private_chat, "一", settle=False)
    await http_bot.delete_webhook(drop_pending_updates=True)
    assert tg.pending_updates() == []


async def test_webhooks_go_only_to_loopback_hosts(tg: FakeTelegram, http_bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="bad webhook"):
        await http_bot.set_webhook("https://example.com/hook")


@contextlib.asynccontextmanager
async def aiogram_webhook(dp: Dispatcher, bot: Bot, secret: str) -> AsyncIterator[str]:
    """aiogram's own webhook handler served on 127.0.0.1, answering with the handler's method."""
    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token=secret).register(app, path="/tg")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/tg"
    finally:
        await runner.cleanup()


async def test_a_dispatcher_behind_aiogram_webhook_handler_answers_in_the_webhook_response(
    tg: FakeTelegram, server: SandboxServer, http_bot: Bot
) -> None:
    router = Router()

    @router.message(CommandStart())
    async def greet(message: Message) -> SendMessage:
        return message.answer("欢迎")

    dp = Dispatcher()
    dp.include_router(router)
    tg.watch(dp)
    li = tg.user("李")
    async with aiogram_webhook(dp, http_bot, secret="hook_secret") as url:
        await http_bot.set_webhook(url, secret_token="hook_secret")
        await li.starts()
        assert li.private_chat.last_message().text == "欢迎"
        assert tg.calls("sendMessage")[0].transport == "webhook-reply"
        await http_bot.delete_webhook()
    await wait_until(lambda: tg.core.webhook.config is None)
