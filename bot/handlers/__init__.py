"""The bot's routers, in the order the dispatcher tries them."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import errors, fallback, groups, language, start


def routers() -> list[Router]:
    """Feature routers first; `fallback` answers only what none of them took, so it comes last."""
    return [errors.router(), start.router(), language.router(), groups.router(), fallback.router()]
