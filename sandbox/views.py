"""The control API's JSON: people, chats and messages as a person sees them, and the bot's request log."""

from __future__ import annotations

from typing import Any

from sandbox.core import RequestRecord
from sandbox.markup import button_texts
from sandbox.models import CallbackRecord, Chat, Message, Status, StoredFile, User
from sandbox.world import World

FILES_ROUTE = "/sandbox/api/files"


def user_view(user: User) -> dict[str, Any]:
    """A person (or the bot) with the sandbox labels role and unit."""
    return {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "language_code": user.language_code,
        "is_bot": user.is_bot,
        "role": user.role,
        "unit": user.unit,
    }


def chat_view(world: World, chat: Chat) -> dict[str, Any]:
    """A chat with its members' standing and the bot's."""
    bot_status = chat.members.get(world.bot.id, Status.LEFT)
    title = chat.title if chat.is_group else world.user(chat.id).full_name
    return {
        "id": chat.id,
        "type": chat.type,
        "title": title,
        "member_ids": [uid for uid, status in chat.members.items() if status.is_present and uid != world.bot.id],
        "members": [{"user_id": uid, "status": status.value} for uid, status in chat.members.items()],
        "bot_status": bot_status.value,
        "bot_is_admin": bot_status.is_admin,
        "blocked": chat.blocked,
        "pinned_message_id": chat.pinned[-1] if chat.pinned else None,
        "reply_keyboard": button_texts(chat.reply_keyboard),
        "action": chat.action,
    }


def file_view(stored: StoredFile) -> dict[str, Any]:
    """A document or photo with a download link that does not expose the bot's token."""
    return {
        "file_id": stored.file_id,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "file_size": len(stored.data),
        "width": stored.width,
        "height": stored.height,
        "url": f"{FILES_ROUTE}/{stored.file_id}",
    }


def _sender(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.full_name, "username": user.username, "is_bot": user.is_bot}


def _buttons(msg: Message) -> list[list[dict[str, Any]]]:
    return [[{k: b[k] for k in ("text", "callback_data", "url") if k in b} for b in row] for row in msg.inline_keyboard]


def _service(world: World, msg: Message) -> dict[str, Any] | None:
    if not msg.service:
        return None
    out: dict[str, Any] = {}
    if "new_chat_members" in msg.service:
        out["new_chat_members"] = [_sender(world.user(uid)) for uid in msg.service["new_chat_members"]]
    if "left_chat_member" in msg.service:
        out["left_chat_member"] = _sender(world.user(msg.service["left_chat_member"]))
    if "pinned_message" in msg.service:
        out["pinned_message_id"] = msg.service["pinned_message"]
    return out


def message_view(world: World, msg: Message) -> dict[str, Any]:
    """A message as a person sees it now: sender, text, buttons, edits applied, attachment link."""
    document = world.files.get(msg.document or "")
    photo = world.files.get(msg.photo or "")
    return {
        "message_id": msg.message_id,
        "chat_id": msg.chat_id,
        "date": msg.date,
        "sender": _sender(world.user(msg.sender_id)),
        "text": msg.text,
        "entities": msg.entities,
        "caption": msg.caption,
        "reply_to_message_id": msg.reply_to,
        "buttons": _buttons(msg),
        "force_reply": bool(msg.reply_markup and msg.reply_markup.get("force_reply")),
        "edited": msg.edit_date is not None,
        "edit_date": msg.edit_date,
        "document": file_view(document) if document else None,
        "photo": file_view(photo) if photo else None,
        "service": _service(world, msg),
    }


def request_view(record: RequestRecord) -> dict[str, Any]:
    """One Bot API call the bot made."""
    return {
        "index": record.index,
        "method": record.method,
        "params": record.params,
        "status": record.status,
        "ok": record.ok,
        "description": record.description,
        "transport": record.transport,
    }


def callback_view(record: CallbackRecord) -> dict[str, Any]:
    """A button press and the bot's answer, once given."""
    return {
        "callback_query_id": record.id,
        "answered": record.answered,
        "text": record.text,
        "show_alert": record.show_alert,
        "url": record.url,
    }
