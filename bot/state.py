"""Where conversations keep their place: the database by default, Redis when REDIS_URL is set.

Either way a restart of the bot loses no answer, and events of one person in one chat are handled in order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import TelegramObject, Update

from storage.uow import Database
from zhikong.clock import Clock

_KEYS = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)


class DatabaseStorage(BaseStorage):
    """aiogram's FSM storage on our database: one row per conversation, written as each step is taken."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name = state.state if isinstance(state, State) else state
        async with self._db.uow() as uow:
            _, data = await uow.conversations.get(_KEYS.build(key))
            await uow.conversations.put(_KEYS.build(key), state=name, data=data, now=self._clock.now())
            await uow.commit()

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._db.uow(read_only=True) as uow:
            state, _ = await uow.conversations.get(_KEYS.build(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self._db.uow() as uow:
            state, _ = await uow.conversations.get(_KEYS.build(key))
            await uow.conversations.put(_KEYS.build(key), state=state, data=dict(data), now=self._clock.now())
            await uow.commit()

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._db.uow(read_only=True) as uow:
            _, data = await uow.conversations.get(_KEYS.build(key))
        return data

    async def close(self) -> None:
        """The database is closed by its owner."""


def make_storage(db: Database, clock: Clock, redis_url: str | None) -> tuple[BaseStorage, BaseEventIsolation]:
    """Redis storage and locks when configured (several bot processes), else the database and in-process locks."""
    if redis_url:
        from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

        redis = RedisStorage.from_url(redis_url, key_builder=_KEYS)
        return redis, RedisEventIsolation(redis.redis, key_builder=_KEYS)
    return DatabaseStorage(db, clock), SimpleEventIsolation()


Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class OncePerUpdate(BaseMiddleware):
    """Skips an update already handled (Telegram redelivers after a crash or a lost confirmation)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        async with self._db.uow(read_only=True) as uow:
            if await uow.processed_updates.seen(event.update_id):
                return None
        result = await handler(event, data)
        # Remembered after handling: a crash in between means a second run, which every handler survives.
        async with self._db.uow() as uow:
            await uow.processed_updates.remember(event.update_id, self._clock.now())
            await uow.commit()
        return result
