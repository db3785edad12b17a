"""What the bot last put in each of its recent messages, so that an edit that changes nothing is not sent.

Telegram refuses such an edit ("message is not modified") but counts it toward the chat's flood limit all the
same; the flows take buttons off questions that never had any, and put back texts a message shows already.
The memory holds, per (chat, message), a digest of the text or caption as sent (after the bot's defaults)
and of the inline keyboard, from the send or the last edit that this process made; a message it does not know
(sent before a restart, evicted) is edited as asked. Only this bot can edit its messages, so what it last set
is what the message shows; two processes editing one message could differ, and then Telegram's answer decides.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.types import InlineKeyboardMarkup, Message

REMEMBERED = 4096  # messages: enough for the questions and cards in play at once
_TEXT_FIELDS = ("text", "parse_mode", "entities", "link_preview_options")
_CAPTION_FIELDS = ("caption", "parse_mode", "caption_entities", "show_caption_above_media")
_KEEPS_CONTENT = {"editMessageReplyMarkup"}  # edits that leave the text or caption as it was
_FORGETS = ("editMessageMedia", "deleteMessage", "editMessageLiveLocation", "stopMessageLiveLocation")


@dataclass
class _Shown:
    content: str | None  # digest of the text or caption; None: not known
    markup: str  # digest of the inline keyboard ("" for none)


class EditMemory:
    """The last known content of the bot's recent messages (see the module)."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._size = size
        self._shown: OrderedDict[tuple[int, int], _Shown] = OrderedDict()

    def unchanged(self, bot: Bot, method: TelegramMethod[Any]) -> bool:
        """True if `method` is an edit of a message this process knows, to exactly what it shows now."""
        name = method.__api_method__
        key = _key(method)
        if key is None or not name.startswith(("editMessageText", "editMessageCaption", "editMessageReplyMarkup")):
            return False
        shown = self._shown.get(key)
        if shown is None or shown.markup != _markup(bot, method):
            return False
        return name in _KEEPS_CONTENT or (shown.content is not None and shown.content == _content(bot, method))

    def remember(self, bot: Bot, method: TelegramMethod[Any], *, result: object) -> None:
        """Note what a request that Telegram accepted (or called unmodified) left in the message."""
        name = method.__api_method__
        if name.startswith(_FORGETS):
            key = _key(method)
            if key is not None:
                self._shown.pop(key, None)
            return
        if name.startswith("send") and isinstance(result, Message):
            key = (result.chat.id, result.message_id)
        elif name.startswith("editMessage"):
            key = _key(method)
        else:
            return
        if key is None:
            return
        if name in _KEEPS_CONTENT:
            before = self._shown.get(key)
            content = None if before is None else before.content
        else:
            content = _content(bot, method)
        self._shown[key] = _Shown(content, _markup(bot, method))
        self._shown.move_to_end(key)
        while len(self._shown) > self._size:
            self._shown.popitem(last=False)


def _key(method: TelegramMethod[Any]) -> tuple[int, int] | None:
    chat_id, message_id = getattr(method, "chat_id", None), getattr(method, "message_id", None)
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        chat_id = int(chat_id)
    if isinstance(chat_id, int) and isinstance(message_id, int):
        return chat_id, message_id
    return None


def _digest(bot: Bot, method: TelegramMethod[Any], names: tuple[str, ...]) -> str:
    """The fields as they are posted to Telegram (the bot's defaults filled in), hashed."""
    parts = []
    for name in names:
        value = getattr(method, name, None)
        parts.append(f"{name}={bot.session.prepare_value(value, bot=bot, files={})!r}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _content(bot: Bot, method: TelegramMethod[Any]) -> str | None:
    if getattr(method, "text", None) is not None:
        return _digest(bot, method, _TEXT_FIELDS)
    if hasattr(method, "caption"):
        return _digest(bot, method, _CAPTION_FIELDS)
    return None  # a sticker, a location...: nothing an edit of text or caption could match


def _markup(bot: Bot, method: TelegramMethod[Any]) -> str:
    """The inline keyboard the message has after this request: a reply keyboard or ForceReply leaves none."""
    markup = getattr(method, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup) or not markup.inline_keyboard:
        return ""
    return _digest(bot, method, ("reply_markup",))
