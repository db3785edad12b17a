"""The scenario API reads like the story it tells, and settle() waits for the bot to finish."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.filters import CommandStart
from aiogram.types import Message

from sandbox import FakeTelegram, SettleTimeout
from sandbox.world import WorldError
from tests.sandbox.support import polling


async def test_settle_waits_for_a_slow_handler_in_a_watched_dispatcher(tg: FakeTelegram, bot: Bot) -> None:
    router = Router()

    @router.message(CommandStart())
    async def slow(message: Message) -> None:
        await asyncio.sleep(0.2)
        await message.answer("查询完毕")

    dp = Dispatcher()
    dp.include_router(router)
    li = tg.user("李")
    async with polling(tg, dp, bot):
        await li.starts()
        assert li.private_chat.last_message().text == "查询完毕"


async def test_settle_names_what_the_bot_never_took(tg: FakeTelegram) -> None:
    li = tg.user("李")
    await li.starts()
    with pytest.raises(SettleTimeout, match=r"1 update\(s\) not yet confirmed"):
        await tg.settle(timeout=0.05)
    tg.core.updates.drop_pending()


async def test_without_a_listening_bot_people_do_not_wait(tg: FakeTelegram) -> None:
    li = tg.user("李")
    assert not tg.bot_listening()
    said = await li.starts()
    assert said.text == "/start"
    assert len(tg.pending_updates()) == 1
    tg.core.updates.drop_pending()


async def test_message_views_follow_edits_and_deletions(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    group = tg.group("项目联络群", members=[li])
    sent = await bot.send_message(group.id, "初稿")
    view = group.last_message()
    await bot.edit_message_text("定稿", chat_id=group.id, message_id=sent.message_id)
    assert (view.text, view.edited, view.from_bot) == ("定稿", True, True)
    await bot.delete_message(group.id, sent.message_id)
    assert view.deleted and group.bot_messages() == []


async def test_the_request_log_shows_method_params_and_status(tg: FakeTelegram, bot: Bot) -> None:
    li = tg.user("李")
    li.opens_private_chat()
    await bot.send_message(li.id, "嗨")
    with pytest.raises(Exception, match="chat not found"):
        await bot.send_message(-5, "嗨")
    first, second = tg.calls("sendMessage")
    assert (first.params, first.status, first.ok) == ({"chat_id": li.id, "text": "嗨"}, 200, True)
    assert (second.status, second.description) == (400, "Bad Request: chat not found")


async def test_people_carry_role_and_unit_labels(tg: FakeTelegram) -> None:
    head = tg.user("张县长", username="zhang", role="县长", unit="县政府")
    clerk = tg.user("小王").label(role="经办人", unit="招商局")
    assert (head.user.role, head.user.unit) == ("县长", "县政府")
    assert (clerk.user.role, clerk.user.unit) == ("经办人", "招商局")
    assert [p.name for p in tg.people()] == ["张县长", "小王"]


async def test_people_cannot_act_where_they_are_not(tg: FakeTelegram, bot: Bot) -> None:
    li, outsider = tg.user("李", username="li"), tg.user("外人")
    group = tg.group("项目联络群", members=[li])
    with pytest.raises(WorldError, match="not in chat"):
        await outsider.says(group, "你好")
    sent = await bot.send_message(group.id, "无按钮")
    with pytest.raises(WorldError, match="has no button"):
        await li.taps(group.message(sent.message_id), "同意")
    with pytest.raises(WorldError, match="taken"):
        tg.user("李二", username="LI")


async def test_a_group_needs_a_creator(tg: FakeTelegram) -> None:
    with pytest.raises(WorldError):
        tg.group("空群", members=[])
