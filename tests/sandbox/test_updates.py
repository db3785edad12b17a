"""getUpdates follows Telegram's rules: offset confirmation, limit, allowed_updates and long polling."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import FakeTelegram
from tests.sandbox.support import wait_until


async def test_updates_come_back_until_an_offset_confirms_them(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    chat = li.private_chat
    for text in ("一", "二", "三"):
        await li.says(chat, text, settle=False)
    first = await bot.get_updates()
    assert [u.message.text for u in first if u.message] == ["一", "二", "三"]
    again = await bot.get_updates()
    assert [u.update_id for u in again] == [u.update_id for u in first]
    rest = await bot.get_updates(offset=first[1].update_id)
    assert [u.message.text for u in rest if u.message] == ["二", "三"]
    await bot.get_updates(offset=first[-1].update_id + 1)
    assert tg.pending_updates() == []


async def test_update_ids_keep_rising_after_confirmation(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    await li.says(li.private_chat, "一", settle=False)
    (first,) = await bot.get_updates()
    await bot.get_updates(offset=first.update_id + 1)
    await li.says(li.private_chat, "二", settle=False)
    (second,) = await bot.get_updates()
    assert second.update_id == first.update_id + 1


async def test_a_negative_offset_keeps_only_the_last_updates(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    for text in ("一", "二", "三"):
        await li.says(li.private_chat, text, settle=False)
    last = await bot.get_updates(offset=-1)
    assert [u.message.text for u in last if u.message] == ["三"]
    assert len(tg.pending_updates()) == 1


async def test_limit_caps_how_many_updates_come_back(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    for text in ("一", "二", "三"):
        await li.says(li.private_chat, text, settle=False)
    assert len(await bot.get_updates(limit=2)) == 2


async def test_allowed_updates_filters_new_updates_and_is_remembered(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li], bot_is_admin=True)
    await bot.get_updates(offset=-1)
    await bot.get_updates(offset=tg.core.updates.pending()[-1].update_id + 1, allowed_updates=["callback_query"])
    await li.says(group, "/start")
    assert tg.pending_updates() == []
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="同意", callback_data="ok")]])
    sent = await bot.send_message(group.id, "请审批", reply_markup=keyboard)
    await li.taps(group.message(sent.message_id), "同意")
    assert [u.callback_query is not None for u in await bot.get_updates()] == [True]


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await wait_until(lambda: tg.core.updates.active_polls == 1)
    await li.says(li.private_chat, "在吗", settle=False)
    updates = await asyncio.wait_for(poll, timeout=5)
    assert [u.message.text for u in updates if u.message] == ["在吗"]


async def test_a_short_poll_with_nothing_pending_answers_an_empty_list(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.get_updates(timeout=0) == []


async def test_a_second_poll_ends_the_first_with_a_conflict(tg: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await wait_until(lambda: tg.core.updates.active_polls == 1)
    second = asyncio.create_task(bot.get_updates(timeout=30))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, timeout=5)
    li = tg.user("李")
    await li.says(li.private_chat, "你好", settle=False)
    assert len(await asyncio.wait_for(second, timeout=5)) == 1
