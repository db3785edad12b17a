"""Flood control answers 429 with retry_after on an injected clock, so no test sleeps."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter

from sandbox import FakeTelegram, Limits, ManualClock, SandboxServer
from sandbox.errors import ApiError
from sandbox.limits import FloodControl


@pytest_asyncio.fixture
async def clock() -> ManualClock:
    """A clock the test moves by hand."""
    return ManualClock()


@pytest_asyncio.fixture
async def strict_tg(clock: ManualClock) -> AsyncIterator[FakeTelegram]:
    """A fake with a group limit of 3 per minute and a generous per-chat burst."""
    limits = Limits(group_messages_per_minute=3, chat_burst=10, chat_messages_per_second=10)
    telegram = FakeTelegram(limits=limits, clock=clock)
    yield telegram
    await telegram.close()
    telegram.assert_conformant()


async def test_flooding_a_group_answers_429_until_the_clock_moves_past_retry_after(
    strict_tg: FakeTelegram, clock: ManualClock
) -> None:
    li = strict_tg.user("李")
    group = strict_tg.group("项目联络群", members=[li])
    async with SandboxServer(strict_tg) as server:
        session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
        async with Bot(strict_tg.token, session=session) as bot:
            for n in range(3):
                await bot.send_message(group.id, f"第{n}条")
                clock.advance(1)
            with pytest.raises(TelegramRetryAfter) as raised:
                await bot.send_message(group.id, "第3条")
            assert raised.value.retry_after == 57
            clock.advance(raised.value.retry_after)
            await bot.send_message(group.id, "第3条")
    assert [m.text for m in group.bot_messages()] == ["第0条", "第1条", "第2条", "第3条"]
    assert [r.status for r in strict_tg.calls("sendMessage")] == [200, 200, 200, 429, 200]
    assert strict_tg.calls("sendMessage")[3].description == "Too Many Requests: retry after 57"


async def test_the_429_body_has_telegrams_shape(strict_tg: FakeTelegram) -> None:
    li = strict_tg.user("李")
    group = strict_tg.group("项目联络群", members=[li])
    params = {"chat_id": group.id, "text": "嗨"}
    replies = [
        await strict_tg.core.api.call(strict_tg.token, "sendMessage", params, {}, transport="test") for _ in range(4)
    ]
    assert replies[-1].status == 429
    assert replies[-1].body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 60",
        "parameters": {"retry_after": 60},
    }


async def test_one_chat_allows_a_short_burst_then_about_one_message_a_second(clock: ManualClock) -> None:
    flood = FloodControl(Limits(chat_burst=3, chat_messages_per_second=1.0), clock)
    for _ in range(3):
        flood.admit(42, is_group=False)
    with pytest.raises(ApiError) as raised:
        flood.admit(42, is_group=False)
    assert raised.value.retry_after == 1
    flood.admit(43, is_group=False)
    clock.advance(1)
    flood.admit(42, is_group=False)


async def test_the_overall_limit_spans_every_chat(clock: ManualClock) -> None:
    flood = FloodControl(Limits(messages_per_second=30), clock)
    for chat_id in range(30):
        flood.admit(chat_id, is_group=False)
    with pytest.raises(ApiError) as raised:
        flood.admit(99, is_group=False)
    assert raised.value.code == 429
    clock.advance(1)
    flood.admit(99, is_group=False)


async def test_unlimited_limits_never_refuse(clock: ManualClock) -> None:
    flood = FloodControl(Limits.unlimited(), clock)
    for _ in range(1000):
        flood.admit(-1, is_group=True)


async def test_the_defaults_follow_telegrams_guidance() -> None:
    limits = Limits()
    assert (limits.messages_per_second, limits.group_messages_per_minute) == (30, 20)
    assert (limits.chat_messages_per_second, limits.chat_burst) == (1.0, 3)


async def test_edits_count_toward_a_groups_minute_as_telegram_throttles_them(
    strict_tg: FakeTelegram, clock: ManualClock
) -> None:
    li = strict_tg.user("李")
    group = strict_tg.group("项目联络群", members=[li])
    async with Bot(strict_tg.token, session=strict_tg.session()) as bot:
        card = await bot.send_message(group.id, "卡片 0")
        for n in (1, 2):
            clock.advance(1)
            await bot.edit_message_text(text=f"卡片 {n}", chat_id=group.id, message_id=card.message_id)
        clock.advance(1)
        with pytest.raises(TelegramRetryAfter):  # the group's 3 a minute are used: one send and two edits
            await bot.edit_message_reply_markup(chat_id=group.id, message_id=card.message_id)
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(group.id, "又一条")
    assert group.bot_messages()[0].text == "卡片 2"


async def test_edits_count_toward_one_chat_but_not_the_overall_rate(clock: ManualClock) -> None:
    flood = FloodControl(Limits(messages_per_second=2, chat_burst=1), clock)
    flood.admit(42, is_group=False, edit=True)
    with pytest.raises(ApiError):
        flood.admit(42, is_group=False, edit=True)
    flood.admit(43, is_group=False)
    flood.admit(44, is_group=False)  # the edit took none of the overall two a second
    uncounted = FloodControl(Limits(chat_burst=1, count_edits=False), clock)
    for _ in range(5):
        uncounted.admit(42, is_group=False, edit=True)
