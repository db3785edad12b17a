"""What people do in the fake Telegram: write, reply, press buttons, form groups, add and remove the bot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox.html import utf16_len
from sandbox.models import CallbackRecord, Chat, Message, Status, Upload, User
from sandbox.render import message_json, user_json
from sandbox.world import WorldError

if TYPE_CHECKING:
    from sandbox.core import Core

_AUTO_ENTITIES = re.compile(r"(?<![\w/@])(?:(/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)|(@[A-Za-z0-9_]{4,32}))")


@dataclass(frozen=True)
class Posted:
    """A message a person posted and whether the bot received it as an update."""

    message: Message
    delivered: bool


def text_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command and mention entities Telegram's clients attach to what a person types."""
    entities = []
    for m in _AUTO_ENTITIES.finditer(text):
        kind = "bot_command" if m.group(1) else "mention"
        entities.append({"type": kind, "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))})
    return entities


def _require_member(chat: Chat, user: User) -> None:
    if not chat.members.get(user.id, Status.LEFT).is_present:
        raise WorldError(f"{user.full_name} is not in chat {chat.id}")
    if chat.type == "private" and chat.blocked:
        raise WorldError(f"{user.full_name} has blocked the bot; unblock it first")


def post(
    core: Core,
    user: User,
    chat: Chat,
    text: str | None,
    *,
    reply_to: int | None = None,
    document: Upload | None = None,
) -> Posted:
    """A person posts text (or a document with `text` as caption), delivered to the bot per privacy mode."""
    _require_member(chat, user)
    if reply_to is not None and (reply_to not in chat.messages or chat.messages[reply_to].deleted):
        raise WorldError(f"no message {reply_to} to reply to in chat {chat.id}")
    if not text and document is None:
        raise WorldError("a message needs text or a document")
    msg = Message(chat_id=chat.id, message_id=chat.allocate_message_id(), sender_id=user.id, date=core.world.now())
    msg.reply_to = reply_to
    if document is not None:
        msg.document = core.world.store_file(document).file_id
        msg.caption = text or None
        msg.caption_entities = text_entities(text or "")
    else:
        msg.text = text
        msg.entities = text_entities(text or "")
    chat.messages[msg.message_id] = msg
    if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
        chat.reply_keyboard = None
    core.activity.bump()
    return Posted(msg, core.deliver_message(chat, msg))


def press(
    core: Core,
    user: User,
    chat: Chat,
    message_id: int,
    *,
    button_text: str | None = None,
    callback_data: str | None = None,
) -> CallbackRecord:
    """A person presses an inline callback button, found by its text or its data; the bot gets callback_query."""
    _require_member(chat, user)
    msg = chat.messages.get(message_id)
    if msg is None or msg.deleted:
        raise WorldError(f"no message {message_id} in chat {chat.id}")
    button = _inline_button(msg, button_text, callback_data)
    if button is None:
        raise WorldError(f"message {message_id} has no button {button_text or callback_data!r}")
    if "callback_data" not in button:
        raise WorldError(f"button {button['text']!r} is not a callback button")
    return _emit_press(core, user, chat, msg, button["callback_data"])


def forge_press(core: Core, user: User, chat: Chat, message_id: int, data: str) -> CallbackRecord:
    """A modified client sends callback data that no button on the message carries (bots must not trust it)."""
    _require_member(chat, user)
    msg = chat.messages.get(message_id)
    if msg is None or msg.deleted:
        raise WorldError(f"no message {message_id} in chat {chat.id}")
    return _emit_press(core, user, chat, msg, data)


def _emit_press(core: Core, user: User, chat: Chat, msg: Message, data: str) -> CallbackRecord:
    record = core.world.new_callback(user.id, chat.id, msg.message_id, data)
    core.emit(
        "callback_query",
        {
            "id": record.id,
            "from": user_json(user),
            "message": message_json(core.world, msg),
            "chat_instance": chat.chat_instance,
            "data": record.data,
        },
    )
    return record


def _inline_button(msg: Message, text: str | None, data: str | None) -> dict[str, Any] | None:
    for row in msg.inline_keyboard:
        for button in row:
            if (text is not None and button.get("text") == text) or (
                data is not None and button.get("callback_data") == data
            ):
                return button
    return None


def service(core: Core, chat: Chat, actor: User, fields: dict[str, Any]) -> Posted:
    """A service message (join, leave...) by `actor`; bots in the group receive these despite privacy mode."""
    msg = Message(chat_id=chat.id, message_id=chat.allocate_message_id(), sender_id=actor.id, date=core.world.now())
    msg.service = fields
    chat.messages[msg.message_id] = msg
    core.activity.bump()
    return Posted(msg, core.deliver_message(chat, msg))


def create_group(
    core: Core, title: str, members: list[User], *, bot_is_admin: bool = False, supergroup: bool = False
) -> Chat:
    """A group made by its first member with the others in it, then the bot added (my_chat_member + join notice)."""
    if not members:
        raise WorldError("a group needs at least one person to create it")
    chat = core.world.add_group(title, supergroup=supergroup)
    creator = members[0]
    chat.members[creator.id] = Status.CREATOR
    for person in members[1:]:
        chat.members[person.id] = Status.MEMBER
    add_bot(core, chat, creator, admin=bot_is_admin)
    return chat


def add_bot(core: Core, chat: Chat, by: User, *, admin: bool = False) -> None:
    """Someone adds the bot to a group: my_chat_member, then the new_chat_members message."""
    if not chat.is_group:
        raise WorldError("the bot can only be added to groups")
    core.member_changed(chat, by.id, core.bot.id, Status.ADMINISTRATOR if admin else Status.MEMBER)
    service(core, chat, by, {"new_chat_members": [core.bot.id]})


def set_bot_admin(core: Core, chat: Chat, by: User, *, admin: bool) -> None:
    """Someone promotes the bot to administrator or demotes it to member."""
    if not chat.members.get(core.bot.id, Status.LEFT).is_present:
        raise WorldError("the bot is not in this group")
    core.member_changed(chat, by.id, core.bot.id, Status.ADMINISTRATOR if admin else Status.MEMBER)


def remove_bot(core: Core, chat: Chat, by: User) -> None:
    """Someone removes the bot from a group: it is kicked and gets my_chat_member."""
    core.member_changed(chat, by.id, core.bot.id, Status.KICKED)
    service(core, chat, by, {"left_chat_member": core.bot.id})


def join(core: Core, chat: Chat, user: User, *, by: User | None = None) -> Posted:
    """A person joins (or is added to) a group."""
    core.member_changed(chat, (by or user).id, user.id, Status.MEMBER)
    return service(core, chat, by or user, {"new_chat_members": [user.id]})


def leave(core: Core, chat: Chat, user: User) -> Posted:
    """A person leaves a group."""
    posted = service(core, chat, user, {"left_chat_member": user.id})
    core.member_changed(chat, user.id, user.id, Status.LEFT)
    return posted


def set_blocked(core: Core, user: User, *, blocked: bool) -> None:
    """A person blocks or unblocks the bot in their private chat; the bot gets my_chat_member."""
    chat = core.world.private_chat(user)
    if chat.blocked == blocked:
        return
    chat.blocked = blocked
    core.member_changed(chat, user.id, core.bot.id, Status.KICKED if blocked else Status.MEMBER)
