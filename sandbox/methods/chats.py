"""getChat, chat members, leaveChat, pinning and sendChatAction."""

from __future__ import annotations

from typing import Any

from sandbox.errors import (
    NOT_ENOUGH_RIGHTS_TO_PIN,
    PIN_NOT_FOUND,
    USER_NOT_FOUND,
    WRONG_CHAT_ACTION,
    ApiError,
    bad_request,
)
from sandbox.methods.common import Call, Handler, find_chat, require_access, writable_chat
from sandbox.models import Chat, Message, Status
from sandbox.render import chat_full_json, member_json

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def _readable_chat(call: Call) -> Chat:
    chat = find_chat(call)
    require_access(call.core, chat)
    return chat


async def get_chat(call: Call) -> dict[str, Any]:
    """The chat's full info."""
    return chat_full_json(call.world, _readable_chat(call))


async def get_chat_member(call: Call) -> dict[str, Any]:
    """A user's standing in the chat ("left" for someone who never joined)."""
    chat = _readable_chat(call)
    user_id = call.integer("user_id")
    if user_id is None or user_id not in call.world.users:
        raise bad_request(USER_NOT_FOUND)
    return member_json(call.world, chat, user_id)


async def get_chat_administrators(call: Call) -> list[dict[str, Any]]:
    """The owner and administrators of a group."""
    chat = _readable_chat(call)
    if not chat.is_group:
        return [member_json(call.world, chat, uid) for uid in chat.members if uid != call.core.bot.id]
    return [member_json(call.world, chat, uid) for uid, status in chat.members.items() if status.is_admin]


async def get_chat_member_count(call: Call) -> int:
    """How many are in the chat, the bot included."""
    chat = _readable_chat(call)
    return sum(1 for status in chat.members.values() if status.is_present)


async def leave_chat(call: Call) -> bool:
    """The bot leaves a group; the bot gets my_chat_member and others see it leave."""
    chat = _readable_chat(call)
    if not chat.is_group:
        raise bad_request("chat member status can't be changed in private chats")
    bot_id = call.core.bot.id
    call.core.member_changed(chat, bot_id, bot_id, Status.LEFT)
    _service(call, chat, {"left_chat_member": bot_id})
    return True


async def pin_chat_message(call: Call) -> bool:
    """Pins a message; in a group only an administrator bot may."""
    chat = writable_chat(call)
    message_id = call.integer("message_id")
    msg = chat.messages.get(message_id) if message_id is not None else None
    if msg is None or msg.deleted:
        raise bad_request(PIN_NOT_FOUND)
    if chat.is_group and not chat.members.get(call.core.bot.id, Status.LEFT).is_admin:
        raise bad_request(NOT_ENOUGH_RIGHTS_TO_PIN)
    if msg.message_id in chat.pinned:
        chat.pinned.remove(msg.message_id)
    chat.pinned.append(msg.message_id)
    _service(call, chat, {"pinned_message": msg.message_id})
    return True


async def unpin_chat_message(call: Call) -> bool:
    """Unpins the given message, or the most recent pin."""
    chat = writable_chat(call)
    if chat.is_group and not chat.members.get(call.core.bot.id, Status.LEFT).is_admin:
        raise bad_request(NOT_ENOUGH_RIGHTS_TO_PIN)
    message_id = call.integer("message_id")
    if message_id is None and chat.pinned:
        message_id = chat.pinned[-1]
    if message_id in chat.pinned:
        chat.pinned.remove(message_id)
        call.core.activity.bump()
    return True


async def send_chat_action(call: Call) -> bool:
    """Shows "typing…" (or another action) in the chat until the bot's next message."""
    chat = writable_chat(call)
    action = call.string("action")
    if action not in CHAT_ACTIONS:
        raise ApiError(400, WRONG_CHAT_ACTION)
    chat.action = action
    call.core.activity.bump()
    return True


def _service(call: Call, chat: Chat, service: dict[str, Any]) -> Message:
    """A service message by the bot; it reaches people, never the bot itself."""
    msg = Message(
        chat_id=chat.id,
        message_id=chat.allocate_message_id(),
        sender_id=call.core.bot.id,
        date=call.world.now(),
        service=service,
    )
    chat.messages[msg.message_id] = msg
    call.core.activity.bump()
    return msg


HANDLERS: dict[str, Handler] = {
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "getChatMemberCount": get_chat_member_count,
    "leaveChat": leave_chat,
    "pinChatMessage": pin_chat_message,
    "unpinChatMessage": unpin_chat_message,
    "sendChatAction": send_chat_action,
}
