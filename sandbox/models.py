"""The fake Telegram's state: people, chats with members, messages, files and callback queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Upload:
    """A file as it arrived in a request, before Telegram stores it."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass
class User:
    """A Telegram account; `role` and `unit` are sandbox-only labels the application may attach."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    role: str | None = None
    unit: str | None = None

    @property
    def full_name(self) -> str:
        """First and last name as Telegram clients show them."""
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


class Status(StrEnum):
    """A member's standing in a chat, spelled as ChatMember.status."""

    CREATOR = "creator"
    ADMINISTRATOR = "administrator"
    MEMBER = "member"
    LEFT = "left"
    KICKED = "kicked"

    @property
    def is_present(self) -> bool:
        """True while the member is in the chat."""
        return self in (Status.CREATOR, Status.ADMINISTRATOR, Status.MEMBER)

    @property
    def is_admin(self) -> bool:
        """True for the owner and administrators."""
        return self in (Status.CREATOR, Status.ADMINISTRATOR)


@dataclass
class StoredFile:
    """A file Telegram keeps: what getFile describes and the download route serves."""

    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    data: bytes
    mime_type: str | None = None
    width: int = 0
    height: int = 0


@dataclass
class Message:
    """A message in a chat; `service` holds service-message fields such as new_chat_members (user ids)."""

    chat_id: int
    message_id: int
    sender_id: int
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    document: str | None = None
    photo: str | None = None
    reply_to: int | None = None
    reply_markup: dict[str, Any] | None = None
    edit_date: int | None = None
    deleted: bool = False
    service: dict[str, Any] = field(default_factory=dict)

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        """The rows of inline buttons under the message (empty without an inline keyboard)."""
        if self.reply_markup is None:
            return []
        rows = self.reply_markup.get("inline_keyboard", [])
        return rows if isinstance(rows, list) else []

    @property
    def is_service(self) -> bool:
        """True for join/leave/pin notices rather than something someone wrote."""
        return bool(self.service)


@dataclass
class Chat:
    """A private chat (id = the person's id) or a group; `members` includes the bot."""

    id: int
    type: str
    title: str | None = None
    members: dict[int, Status] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    next_message_id: int = 1
    pinned: list[int] = field(default_factory=list)
    blocked: bool = False
    chat_instance: str = ""
    reply_keyboard: dict[str, Any] | None = None
    action: str | None = None

    @property
    def is_group(self) -> bool:
        """True for groups and supergroups."""
        return self.type in ("group", "supergroup")

    def allocate_message_id(self) -> int:
        """The next message id in this chat; ids are counted per chat as in Telegram."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def visible_messages(self) -> list[Message]:
        """Messages in order, deleted ones gone."""
        return [m for m in self.messages.values() if not m.deleted]


@dataclass
class CallbackRecord:
    """A button press and, once given, the bot's answer to it."""

    id: str
    from_id: int
    chat_id: int
    message_id: int
    data: str | None
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
