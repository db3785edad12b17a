"""The fault stories run on the bot of tests/bot: assembled as in production, polling the fake Telegram."""

from tests.bot.conftest import world

__all__ = ["world"]
