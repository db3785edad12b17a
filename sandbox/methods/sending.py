"""sendMessage, sendDocument and sendPhoto."""

from __future__ import annotations

from typing import Any

from sandbox.errors import CAPTION_TOO_LONG, MESSAGE_TOO_LONG, WRONG_FILE_ID, ApiError
from sandbox.methods.common import (
    Call,
    Handler,
    formatted_text,
    parse_markup,
    post_bot_message,
    reply_target,
    writable_chat,
)
from sandbox.models import StoredFile, Upload
from sandbox.render import message_json

MAX_TEXT = 4096
MAX_CAPTION = 1024


async def send_message(call: Call) -> dict[str, Any]:
    """Posts a text message from the bot."""
    chat = writable_chat(call)
    text, entities = formatted_text(call, "text", "entities", limit=MAX_TEXT, too_long=MESSAGE_TOO_LONG, required=True)
    markup = parse_markup(call)
    reply_to = reply_target(call, chat)
    msg = post_bot_message(call.core, chat, text=text, entities=entities, reply_markup=markup, reply_to=reply_to)
    return message_json(call.world, msg)


async def send_document(call: Call) -> dict[str, Any]:
    """Posts a document from the bot; an upload is stored and becomes downloadable."""
    return await _send_file(call, "document", photo=False)


async def send_photo(call: Call) -> dict[str, Any]:
    """Posts a photo from the bot."""
    return await _send_file(call, "photo", photo=True)


async def _send_file(call: Call, field: str, *, photo: bool) -> dict[str, Any]:
    chat = writable_chat(call)
    caption, caption_entities = formatted_text(
        call, "caption", "caption_entities", limit=MAX_CAPTION, too_long=CAPTION_TOO_LONG
    )
    markup = parse_markup(call)
    reply_to = reply_target(call, chat)
    stored = _file(call, field, photo=photo)
    msg = post_bot_message(
        call.core,
        chat,
        caption=caption,
        caption_entities=caption_entities,
        reply_markup=markup,
        reply_to=reply_to,
        **{field: stored.file_id},
    )
    return message_json(call.world, msg)


def _file(call: Call, field: str, *, photo: bool) -> StoredFile:
    value = call.params.get(field)
    if isinstance(value, Upload):
        return call.world.store_file(value, photo=photo)
    if isinstance(value, str) and value in call.world.files:
        return call.world.files[value]
    # URLs would make Telegram fetch the file; the sandbox never downloads anything.
    raise ApiError(400, WRONG_FILE_ID)


HANDLERS: dict[str, Handler] = {
    "sendMessage": send_message,
    "sendDocument": send_document,
    "sendPhoto": send_photo,
}
