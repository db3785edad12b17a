"""editMessageText, editMessageCaption, editMessageReplyMarkup and deleteMessage."""

from __future__ import annotations

from typing import Any

from sandbox.errors import (
    CANT_DELETE,
    CANT_EDIT,
    CAPTION_TOO_LONG,
    DELETE_NOT_FOUND,
    EDIT_NOT_FOUND,
    MESSAGE_TOO_LONG,
    NOT_MODIFIED,
    ApiError,
    bad_request,
)
from sandbox.methods.common import Call, Handler, find_chat, formatted_text, parse_markup, require_access
from sandbox.methods.sending import MAX_CAPTION, MAX_TEXT
from sandbox.models import Message, Status
from sandbox.render import message_json


def _target(call: Call, not_found: str) -> Message:
    if call.params.get("inline_message_id") is not None:
        raise bad_request("MESSAGE_ID_INVALID")
    if call.params.get("chat_id") is None:
        raise bad_request("chat_id is empty")
    chat = find_chat(call)
    require_access(call.core, chat)
    message_id = call.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    msg = chat.messages.get(message_id)
    if msg is None or msg.deleted:
        raise ApiError(400, not_found)
    return msg


def _editable(call: Call) -> Message:
    msg = _target(call, EDIT_NOT_FOUND)
    if msg.sender_id != call.core.bot.id or msg.is_service:
        raise ApiError(400, CANT_EDIT)
    return msg


def _inline_markup(msg: Message) -> dict[str, Any] | None:
    return msg.reply_markup if msg.reply_markup is not None and "inline_keyboard" in msg.reply_markup else None


def _apply(call: Call, msg: Message, changes: dict[str, Any]) -> dict[str, Any]:
    """Applies an edit unless it changes nothing, which Telegram refuses as 'not modified'; either way the edit
    counts toward the chat's flood limits first."""
    call.core.flood.admit(msg.chat_id, is_group=call.world.chats[msg.chat_id].is_group, edit=True)
    current = {key: getattr(msg, key) for key in changes if key != "reply_markup"}
    current["reply_markup"] = _inline_markup(msg)
    if current == {**changes, "reply_markup": changes.get("reply_markup")}:
        raise ApiError(400, NOT_MODIFIED)
    for key, value in changes.items():
        setattr(msg, key, value)
    msg.edit_date = call.world.now()
    call.core.activity.bump()
    return message_json(call.world, msg)


async def edit_message_text(call: Call) -> dict[str, Any]:
    """Replaces the text of one of the bot's messages; omitting reply_markup removes the inline keyboard."""
    msg = _editable(call)
    text, entities = formatted_text(call, "text", "entities", limit=MAX_TEXT, too_long=MESSAGE_TOO_LONG, required=True)
    if msg.text is None:
        raise bad_request("there is no text in the message to edit")
    markup = parse_markup(call, inline_only=True)
    return _apply(call, msg, {"text": text, "entities": entities, "reply_markup": markup})


async def edit_message_caption(call: Call) -> dict[str, Any]:
    """Replaces the caption of one of the bot's documents or photos."""
    msg = _editable(call)
    caption, entities = formatted_text(
        call, "caption", "caption_entities", limit=MAX_CAPTION, too_long=CAPTION_TOO_LONG
    )
    if msg.text is not None:
        raise bad_request("there is no caption in the message to edit")
    markup = parse_markup(call, inline_only=True)
    return _apply(call, msg, {"caption": caption, "caption_entities": entities, "reply_markup": markup})


async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    """Replaces (or, if omitted, removes) the inline keyboard of one of the bot's messages."""
    msg = _editable(call)
    return _apply(call, msg, {"reply_markup": parse_markup(call, inline_only=True)})


async def delete_message(call: Call) -> bool:
    """Deletes a message: the bot's own, anything in a private chat, others' in a group only as admin."""
    msg = _target(call, DELETE_NOT_FOUND)
    chat = call.world.chats[msg.chat_id]
    own = msg.sender_id == call.core.bot.id
    if chat.is_group and not own and not chat.members.get(call.core.bot.id, Status.LEFT).is_admin:
        raise ApiError(400, CANT_DELETE)
    msg.deleted = True
    call.core.activity.bump()
    return True


HANDLERS: dict[str, Handler] = {
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
}
