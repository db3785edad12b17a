"""The Bot API methods the sandbox models, keyed by lower-cased name (Telegram ignores letter case)."""

from __future__ import annotations

from sandbox.methods import botinfo, chats, editing, polling, sending
from sandbox.methods.common import Call, Described, Handler

HANDLERS: dict[str, Handler] = {
    name.lower(): handler
    for module in (sending, editing, chats, botinfo, polling)
    for name, handler in module.HANDLERS.items()
}

__all__ = ["HANDLERS", "Call", "Described", "Handler"]
