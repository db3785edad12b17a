"""The registry of everything the fake Telegram knows: users, chats, files, callback queries, commands."""

from __future__ import annotations

import itertools
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.models import CallbackRecord, Chat, Status, StoredFile, Upload, User

_FIRST_USER_ID = 1_000_001
_FIRST_GROUP_ID = -4_000_000_001
_FIRST_SUPERGROUP_ID = -1_001_000_000_001
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "application/pdf": "pdf"}


class WorldError(ValueError):
    """A scenario or control-API request that contradicts the state (unknown id, duplicate username...)."""


@dataclass
class World:
    """Users, chats, stored files, callback queries and the bot's commands, with id allocation."""

    bot: User
    wall_clock: Callable[[], float]
    privacy_mode: bool = True
    users: dict[int, User] = field(default_factory=dict)
    chats: dict[int, Chat] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    callbacks: dict[str, CallbackRecord] = field(default_factory=dict)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _user_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(_FIRST_USER_ID))
    _group_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(0))
    _file_numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.users[self.bot.id] = self.bot

    def now(self) -> int:
        """The current Unix time for message dates."""
        return int(self.wall_clock())

    def add_user(
        self,
        first_name: str,
        *,
        user_id: int | None = None,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
    ) -> User:
        """A new person; raises WorldError for a taken id or username."""
        if not first_name:
            raise WorldError("first_name must not be empty")
        if user_id is None:
            user_id = next(i for i in self._user_ids if i not in self.users)
        elif user_id <= 0 or user_id in self.users:
            raise WorldError(f"user id {user_id} is taken or not positive")
        if username is not None and self.user_by_username(username) is not None:
            raise WorldError(f"username @{username} is taken")
        user = User(
            id=user_id, first_name=first_name, last_name=last_name, username=username, language_code=language_code
        )
        self.users[user_id] = user
        return user

    def user(self, user_id: int) -> User:
        """The user with this id; raises WorldError if there is none."""
        try:
            return self.users[user_id]
        except KeyError:
            raise WorldError(f"no user with id {user_id}") from None

    def user_by_username(self, username: str) -> User | None:
        """The user with this @username (case-insensitive), if any."""
        wanted = username.lstrip("@").lower()
        return next((u for u in self.users.values() if u.username and u.username.lower() == wanted), None)

    def chat(self, chat_id: int) -> Chat:
        """The chat with this id; raises WorldError if there is none."""
        try:
            return self.chats[chat_id]
        except KeyError:
            raise WorldError(f"no chat with id {chat_id}") from None

    def add_group(self, title: str, *, supergroup: bool = False) -> Chat:
        """A new, empty group or supergroup with a Telegram-like negative id."""
        n = next(self._group_ids)
        chat_id = (_FIRST_SUPERGROUP_ID if supergroup else _FIRST_GROUP_ID) - n
        chat = Chat(
            id=chat_id,
            type="supergroup" if supergroup else "group",
            title=title,
            chat_instance=_chat_instance(),
        )
        self.chats[chat_id] = chat
        return chat

    def private_chat(self, user: User) -> Chat:
        """The person's private chat with the bot, opened if need be."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(id=user.id, type="private", chat_instance=_chat_instance())
            chat.members = {user.id: Status.MEMBER, self.bot.id: Status.MEMBER}
            self.chats[user.id] = chat
        return chat

    def store_file(self, upload: Upload, *, photo: bool = False) -> StoredFile:
        """Keeps an uploaded file in memory under new file ids and a download path."""
        n = next(self._file_numbers)
        mime = upload.content_type or _guess_mime(upload.filename)
        ext = _EXTENSIONS.get(mime or "", upload.filename.rpartition(".")[2] if "." in upload.filename else "bin")
        folder = "photos" if photo else "documents"
        width, height = _image_size(upload.data) if photo else (0, 0)
        stored = StoredFile(
            file_id=f"{'AgAC' if photo else 'BQAC'}{n:06d}{secrets.token_hex(6)}",
            file_unique_id=f"AQAD{n:06d}",
            file_path=f"{folder}/file_{n}.{ext}",
            file_name=upload.filename,
            data=upload.data,
            mime_type=mime,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        """The stored file served at /file/bot<token>/<path>."""
        return next((f for f in self.files.values() if f.file_path == path), None)

    def new_callback(self, from_id: int, chat_id: int, message_id: int, data: str | None) -> CallbackRecord:
        """Records a button press under a fresh callback query id."""
        record = CallbackRecord(
            id=str(secrets.randbits(63)), from_id=from_id, chat_id=chat_id, message_id=message_id, data=data
        )
        self.callbacks[record.id] = record
        return record


def _chat_instance() -> str:
    return str(secrets.randbits(62))


def _guess_mime(filename: str) -> str | None:
    ext = filename.rpartition(".")[2].lower()
    return {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "gif": "image/gif",
        "pdf": "application/pdf",
        "txt": "text/plain",
        "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }.get(ext)


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG; (0, 0) when the bytes are none of those."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, size = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            i += 2 + size
    return 0, 0
