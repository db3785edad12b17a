"""Outer middlewares: who is writing (from the database) and in which language to answer them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.i18n import language_of
from domain.project import Principal
from storage.uow import Database

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class PersonMiddleware(BaseMiddleware):
    """Puts `person` (or None for an unknown account) and their `principal` into the handler's data."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        data["person"], data["principal"] = None, None
        if user is not None:
            async with self._db.uow(read_only=True) as uow:
                person = await uow.people.by_telegram_id(user.id)
                if person is not None and person.id is not None:
                    data["person"] = person
                    data["principal"] = await uow.people.principal(person.id)
        return await handler(event, data)


class LanguageMiddleware(I18nMiddleware):
    """A known person's remembered language; otherwise the language their Telegram app uses."""

    def __init__(self, i18n: I18n) -> None:
        super().__init__(i18n)

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        person = data.get("person")
        if person is not None:
            return str(person.language)
        user: User | None = data.get("event_from_user")
        return language_of(user.language_code if user else None, self.i18n.default_locale)


def principal_of(data: dict[str, Any]) -> Principal | None:
    principal = data.get("principal")
    return principal if isinstance(principal, Principal) else None
