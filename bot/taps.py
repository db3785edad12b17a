"""Checks every button press makes against the chat it was pressed in, before the database is asked.

A button's data says what it is about; where it may be pressed follows from that and from the database: a
person's own buttons work in their private chat with the bot, a project's in the project's 联络群 too, a group's
binding buttons only in a group. A press elsewhere is forged (or the message was forwarded) and changes nothing.
"""

from __future__ import annotations

import contextlib

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

GROUP_TYPES = frozenset({"group", "supergroup"})


def pressed_message(query: CallbackQuery) -> Message | None:
    """The message the press was on, if the bot can still read it (not an inline or too old a message)."""
    return query.message if isinstance(query.message, Message) else None


def in_own_private_chat(query: CallbackQuery) -> bool:
    """Pressed in the presser's private chat with the bot."""
    message = pressed_message(query)
    return message is not None and message.chat.type == "private" and message.chat.id == query.from_user.id


def in_group(query: CallbackQuery) -> bool:
    message = pressed_message(query)
    return message is not None and message.chat.type in GROUP_TYPES


def in_chat_of(query: CallbackQuery, group_chat_id: int | None) -> bool:
    """Pressed in the presser's private chat, or in the group given (a project's 联络群)."""
    message = pressed_message(query)
    if message is None:
        return False
    return in_own_private_chat(query) or (group_chat_id is not None and message.chat.id == group_chat_id)


async def take_buttons_off(query: CallbackQuery) -> None:
    """A stale message loses its buttons, so nobody taps them again; it may be too old to edit, which is fine."""
    message = pressed_message(query)
    if message is not None and message.reply_markup is not None:
        with contextlib.suppress(TelegramBadRequest):
            await message.edit_reply_markup(reply_markup=None)


def carries(query: CallbackQuery) -> bool:
    """The data pressed is on a button of the message as the bot last sent or edited it (Telegram sends the
    message with the press): for messages the bot keeps no record of, this is what ties a press to them."""
    message = pressed_message(query)
    markup = message.reply_markup if message is not None else None
    if markup is None or query.data is None:
        return False
    return any(button.callback_data == query.data for row in markup.inline_keyboard for button in row)


async def refused_off_message(query: CallbackQuery) -> bool:
    """True, once the press is answered, when its data is on no button of the message pressed (forged, or the
    buttons have changed since): called last, after the database's more specific answers, before anything changes.
    """
    if carries(query):
        return False
    await query.answer(_("taps.not_on_message"), show_alert=True)
    return True
