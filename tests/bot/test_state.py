"""Conversation state survives a restart; Redis serves when configured; an update is handled once."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Chat, Message, Update, User

from bot.state import DatabaseStorage, make_storage
from domain.directory import Directory
from services.setup import open_database
from storage.uow import Database
from tests.bot.conftest import World
from zhikong.clock import MovableClock

KEY = StorageKey(bot_id=7, chat_id=-100, user_id=1001)
REDIS_URL = os.environ.get("ZHIKONG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def test_a_conversation_survives_a_restart(db: Database, database_url: str, directory: Directory) -> None:
    before = DatabaseStorage(db, MovableClock())
    await before.set_state(KEY, "FormFlow:answering")
    await before.update_data(KEY, {"project_id": 3, "field": "investor_phone"})
    reopened = await open_database(database_url, directory)
    try:
        after = DatabaseStorage(reopened, MovableClock())
        assert await after.get_state(KEY) == "FormFlow:answering"
        assert await after.get_data(KEY) == {"project_id": 3, "field": "investor_phone"}
        await after.set_state(KEY, None)
        await after.set_data(KEY, {})
        assert (await after.get_state(KEY), await after.get_data(KEY)) == (None, {})
    finally:
        await reopened.dispose()


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.redis
async def test_redis_keeps_conversations_when_configured(db: Database) -> None:
    if not _redis_answers():
        reason = "no Redis server answers at 127.0.0.1:6379"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Redis tests, but {reason}")
        pytest.skip(reason)
    storage, isolation = make_storage(db, MovableClock(), REDIS_URL)
    try:
        assert type(storage).__name__ == "RedisStorage"
        await storage.set_state(KEY, "FormFlow:answering")
        await storage.set_data(KEY, {"field": "land_mu"})
        assert await storage.get_state(KEY) == "FormFlow:answering"
        assert await storage.get_data(KEY) == {"field": "land_mu"}
        await storage.set_state(KEY, None)
        await storage.set_data(KEY, {})
    finally:
        await storage.close()
        await isolation.close()


async def test_the_same_update_delivered_twice_is_answered_once(world: World) -> None:
    stranger = await world.person("路人乙")
    chat = stranger.opens_private_chat()
    update = Update(
        update_id=999_000_001,
        message=Message(
            message_id=1,
            date=datetime.now(UTC),
            chat=Chat(id=chat.model.id, type="private"),
            from_user=User(id=stranger.id, is_bot=False, first_name="路人乙"),
            text="/whoami",
        ),
    )
    for _ in range(2):  # as after a crash before Telegram learnt the update was confirmed
        await world.app.dispatcher.feed_update(world.app.bot, update)
    assert len(chat.bot_messages()) == 1


async def test_handled_updates_are_forgotten_after_a_week(world: World) -> None:
    from datetime import timedelta

    from zhikong.scheduler import forget_old_updates

    now = world.app.clock.now()
    async with world.app.db.uow() as uow:
        await uow.processed_updates.remember(1, now - timedelta(days=8))
        await uow.processed_updates.remember(2, now - timedelta(days=1))
        await uow.commit()
    assert await forget_old_updates(world.app) == 1
    async with world.app.db.uow(read_only=True) as uow:
        assert (await uow.processed_updates.seen(1), await uow.processed_updates.seen(2)) == (False, True)
