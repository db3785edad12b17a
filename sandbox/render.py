"""The state rendered as Bot API objects (Message, Chat, ChatMember...) exactly as a bot receives them."""

from __future__ import annotations

from typing import Any

from sandbox.models import Chat, Message, Status, StoredFile, User
from sandbox.world import World

# aiogram 3.31 (Bot API 10.3) requires can_send_welcome_messages, which the 10.1 spec does not list yet.
ADMIN_RIGHTS: dict[str, bool] = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
    "can_send_welcome_messages": False,
}
NO_GIFTS = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}


def user_json(user: User) -> dict[str, Any]:
    """A User object."""
    out: dict[str, Any] = {"id": user.id, "is_bot": user.is_bot, "first_name": user.first_name}
    for key in ("last_name", "username", "language_code"):
        if getattr(user, key):
            out[key] = getattr(user, key)
    return out


def bot_json(bot: User, *, privacy_mode: bool) -> dict[str, Any]:
    """The User getMe answers, with the bot-only capability fields."""
    return {
        **user_json(bot),
        "can_join_groups": True,
        "can_read_all_group_messages": not privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_json(world: World, chat: Chat) -> dict[str, Any]:
    """A Chat object: the person's names for a private chat, the title for a group."""
    if chat.type == "private":
        person = world.user(chat.id)
        out: dict[str, Any] = {"id": chat.id, "type": "private", "first_name": person.first_name}
        if person.last_name:
            out["last_name"] = person.last_name
        if person.username:
            out["username"] = person.username
        return out
    return {"id": chat.id, "type": chat.type, "title": chat.title or ""}


def chat_full_json(world: World, chat: Chat) -> dict[str, Any]:
    """The ChatFullInfo getChat answers."""
    out = {
        **chat_json(world, chat),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": dict(NO_GIFTS),
    }
    live_pins = [m for m in chat.pinned if m in chat.messages and not chat.messages[m].deleted]
    if live_pins:
        out["pinned_message"] = message_json(world, chat.messages[live_pins[-1]], with_reply=False)
    return out


def member_json(world: World, chat: Chat, user_id: int) -> dict[str, Any]:
    """The ChatMember object for this user's standing in the chat."""
    status = chat.members.get(user_id, Status.LEFT)
    user = user_json(world.user(user_id))
    if status is Status.CREATOR:
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status is Status.ADMINISTRATOR:
        return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
    if status is Status.KICKED:
        return {"status": "kicked", "user": user, "until_date": 0}
    return {"status": status.value, "user": user}


def file_json(stored: StoredFile) -> dict[str, Any]:
    """The File object getFile answers."""
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


def document_json(stored: StoredFile) -> dict[str, Any]:
    """A Document object."""
    out: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": stored.file_name,
        "file_size": len(stored.data),
    }
    if stored.mime_type:
        out["mime_type"] = stored.mime_type
    return out


def photo_json(stored: StoredFile) -> list[dict[str, Any]]:
    """The PhotoSize array of a photo (one size: the sandbox does not make thumbnails)."""
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": stored.width,
            "height": stored.height,
            "file_size": len(stored.data),
        }
    ]


def message_json(world: World, msg: Message, *, with_reply: bool = True) -> dict[str, Any]:
    """A Message object as of now: edits applied, the replied-to message nested one level deep."""
    chat = world.chat(msg.chat_id)
    out: dict[str, Any] = {
        "message_id": msg.message_id,
        "from": user_json(world.user(msg.sender_id)),
        "chat": chat_json(world, chat),
        "date": msg.date,
    }
    if msg.edit_date is not None:
        out["edit_date"] = msg.edit_date
    if with_reply and msg.reply_to is not None:
        target = chat.messages.get(msg.reply_to)
        if target is not None and not target.deleted:
            out["reply_to_message"] = message_json(world, target, with_reply=False)
    if msg.text is not None:
        out["text"] = msg.text
        if msg.entities:
            out["entities"] = msg.entities
    if msg.document is not None:
        out["document"] = document_json(world.files[msg.document])
    if msg.photo is not None:
        out["photo"] = photo_json(world.files[msg.photo])
    if msg.caption is not None:
        out["caption"] = msg.caption
        if msg.caption_entities:
            out["caption_entities"] = msg.caption_entities
    if msg.reply_markup is not None and "inline_keyboard" in msg.reply_markup:
        out["reply_markup"] = msg.reply_markup
    out.update(_service_json(world, chat, msg.service))
    return out


def _service_json(world: World, chat: Chat, service: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "new_chat_members" in service:
        out["new_chat_members"] = [user_json(world.user(uid)) for uid in service["new_chat_members"]]
    if "left_chat_member" in service:
        out["left_chat_member"] = user_json(world.user(service["left_chat_member"]))
    if service.get("group_chat_created"):
        out["group_chat_created"] = True
    if "pinned_message" in service:
        pinned = chat.messages.get(service["pinned_message"])
        if pinned is not None:
            out["pinned_message"] = message_json(world, pinned, with_reply=False)
    return out


def member_update_json(
    world: World, chat: Chat, actor_id: int, user_id: int, old: Status, new: Status
) -> dict[str, Any]:
    """A ChatMemberUpdated object for a change of `user_id`'s standing made by `actor_id`."""
    before, after = dict(chat.members), dict(chat.members)
    before[user_id], after[user_id] = old, new
    return {
        "chat": chat_json(world, chat),
        "from": user_json(world.user(actor_id)),
        "date": world.now(),
        "old_chat_member": member_json(world, Chat(id=chat.id, type=chat.type, members=before), user_id),
        "new_chat_member": member_json(world, Chat(id=chat.id, type=chat.type, members=after), user_id),
    }
