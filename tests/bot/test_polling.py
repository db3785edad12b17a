"""Polling confirms an update to Telegram only once it was handled, so a bot that dies meanwhile gets it again."""

from __future__ import annotations

import asyncio

from aiogram import Dispatcher, F
from aiogram.types import Message

from bot.polling import Poller
from sandbox.fake import FakeTelegram
from sandbox.limits import Limits
from tests.sandbox.support import FAST_BACKOFF, polling, wait_until


def _dispatcher(entered: asyncio.Event | None = None, release: asyncio.Event | None = None) -> Dispatcher:
    dispatcher = Dispatcher()

    @dispatcher.message(F.text == "慢")
    async def slow(message: Message) -> None:
        if entered is not None and release is not None:
            entered.set()
            await release.wait()
        await message.answer("收到")

    @dispatcher.message(F.text)
    async def quick(message: Message) -> None:
        await message.answer(f"回复：{message.text}")

    return dispatcher


async def test_an_update_stays_unconfirmed_while_it_is_handled_and_comes_again_after_a_crash() -> None:
    telegram = FakeTelegram(limits=Limits.unlimited())
    bot = telegram.bot()
    cadre, other = telegram.user("李尖山"), telegram.user("王玉山")
    chat, elsewhere = cadre.opens_private_chat(), other.opens_private_chat()
    entered, release = asyncio.Event(), asyncio.Event()
    crashed = Poller(_dispatcher(entered, release), bot, polling_timeout=10, backoff=FAST_BACKOFF)
    running = asyncio.create_task(crashed.run())
    try:
        await cadre.says(chat, "慢", settle=False)
        await asyncio.wait_for(entered.wait(), 5)
        # Another chat is not held up by it, and Telegram still holds the slow one unconfirmed.
        await other.says(elsewhere, "你好", settle=False)
        await wait_until(lambda: len(elsewhere.bot_messages()) == 1)
        assert [u["message"]["text"] for u in telegram.pending_updates()] == ["慢", "你好"]
    finally:
        # The process dies: its handler never finishes, nothing is confirmed on the way out.
        for task in [running, *crashed._in_flight.values()]:
            task.cancel()
        await asyncio.gather(running, *crashed._in_flight.values(), return_exceptions=True)
    assert chat.bot_messages() == []
    async with polling(telegram, _dispatcher(), bot):
        await telegram.settle()
    assert [m.text for m in chat.bot_messages()] == ["收到"]
    # The update behind the unfinished one comes again too; in the bot, OncePerUpdate skips it as handled.
    assert [m.text for m in elsewhere.bot_messages()] == ["回复：你好", "回复：你好"]
    assert telegram.pending_updates() == []
    await bot.session.close()


async def test_updates_of_one_chat_are_handled_in_order() -> None:
    telegram = FakeTelegram(limits=Limits.unlimited())
    bot = telegram.bot()
    cadre = telegram.user("李尖山")
    chat = cadre.opens_private_chat()
    for number in range(5):
        await cadre.says(chat, f"第{number}条", settle=False)
    async with polling(telegram, _dispatcher(), bot):
        await telegram.settle()
    assert [m.text for m in chat.bot_messages()] == [f"回复：第{n}条" for n in range(5)]
    await bot.session.close()


async def test_stopping_finishes_the_update_in_flight_and_confirms_it() -> None:
    telegram = FakeTelegram(limits=Limits.unlimited())
    bot = telegram.bot()
    cadre = telegram.user("李尖山")
    chat = cadre.opens_private_chat()
    entered, release = asyncio.Event(), asyncio.Event()
    poller = Poller(_dispatcher(entered, release), bot, polling_timeout=10, backoff=FAST_BACKOFF)
    running = asyncio.create_task(poller.run())
    await cadre.says(chat, "慢", settle=False)
    await asyncio.wait_for(entered.wait(), 5)
    poller.stop()
    await asyncio.sleep(0.05)
    assert not running.done(), "the poller waits for the update in flight"
    release.set()
    await asyncio.wait_for(running, 5)
    assert [m.text for m in chat.bot_messages()] == ["收到"]
    assert telegram.pending_updates() == []
    await bot.session.close()
