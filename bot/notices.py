"""What each outbox row says: a notice per event, rendered at send time in the reader's language.

A feature may register a richer notice (with buttons) for an event with `@notice("project.<event>")`;
events without one get the catalog's `notice.<event>` text, filled with the event's facts. A notice may carry
a photo or a document (`Attachment`) kept by a registered `FileSource`; its text is then the caption.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.texts import role_label, unit_name
from domain.directory import Directory, Role
from storage.uow import Database
from zhikong.clock import Clock


class AttachmentKind(StrEnum):
    PHOTO = "photo"  # sendPhoto: shown inline, compressed by Telegram
    DOCUMENT = "document"  # sendDocument: the file as it is


@dataclass(frozen=True)
class Attachment:
    """A stored file sent with the notice, its text as the caption. `key` names one file across every chat
    ("<source>:..."), so it is uploaded once and Telegram's file_id is reused for every later chat."""

    kind: AttachmentKind
    key: str

    @property
    def source(self) -> str:
        return self.key.partition(":")[0]


@dataclass(frozen=True)
class Notice:
    text: str
    markup: InlineKeyboardMarkup | None = None
    attachment: Attachment | None = None


@dataclass(frozen=True)
class OutgoingFile:
    """A file ready to send: its Telegram file_id once known, else its bytes to upload."""

    name: str
    data: bytes
    telegram_file_id: str | None


class FileSource(Protocol):
    """Where the files of one key prefix are kept (and made, the first time they are needed)."""

    async def load(self, key: str) -> OutgoingFile:
        """The file under `key`, in the language the key names; raises if it cannot be had."""

    async def remember(self, key: str, telegram_file_id: str) -> None:
        """Keep the file_id Telegram gave the file's first upload."""


FileSourceFactory = Callable[[Database, Directory, Clock], FileSource]
_FILE_SOURCES: dict[str, FileSourceFactory] = {}


_ATTACHING: set[str] = set()


def attaches(*message_keys: str) -> None:
    """Declare that these keys' notices carry a file, so the sender makes it before sending (see may_attach)."""
    _ATTACHING.update(message_keys)


def may_attach(message_key: str) -> bool:
    """Whether the notice for `message_key` may carry a file."""
    return message_key in _ATTACHING


def file_source(prefix: str) -> Callable[[FileSourceFactory], FileSourceFactory]:
    """Register the factory of the file source for attachment keys "<prefix>:..." (one per prefix)."""

    def register(factory: FileSourceFactory) -> FileSourceFactory:
        _FILE_SOURCES[prefix] = factory
        return factory

    return register


def file_source_for(attachment: Attachment, db: Database, directory: Directory, clock: Clock) -> FileSource:
    """The source that keeps this attachment's file; KeyError for an unregistered prefix."""
    return _FILE_SOURCES[attachment.source](db, directory, clock)


@dataclass(frozen=True)
class NoticeContext:
    message_key: str
    params: Mapping[str, Any]
    chat_id: int
    directory: Directory


NoticeBuilder = Callable[[NoticeContext], Notice | None]
_REGISTRY: dict[str, NoticeBuilder] = {}


def notice(message_key: str) -> Callable[[NoticeBuilder], NoticeBuilder]:
    """Register the builder of the notice for `message_key` (one per key)."""

    def register(builder: NoticeBuilder) -> NoticeBuilder:
        _REGISTRY[message_key] = builder
        return builder

    return register


def build_notice(context: NoticeContext) -> Notice | None:
    """The notice for this row, or None when the event has nothing to say in this chat."""
    builder = _REGISTRY.get(context.message_key, default_notice)
    return builder(context)


def default_notice(context: NoticeContext) -> Notice | None:
    event = context.message_key.removeprefix("project.")
    key = "notice." + event
    template = _(key)
    if template == key:
        return None
    return Notice(template.format_map(facts(context.params, context.directory)))


class _Facts(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def facts(params: Mapping[str, Any], directory: Directory) -> _Facts:
    """The event's facts as escaped display text, with labels for stages, outcomes, units and roles."""
    shown = _Facts({key: html.escape(str(value)) for key, value in params.items() if value not in (None, "")})
    for key, prefix in (("stage", "stage."), ("outcome", "outcome."), ("decision", "decision.")):
        if key in params:
            shown[f"{key}_label"] = html.escape(_(prefix + str(params[key])))
    for key in ("landing_unit", "unit"):
        if key in params:
            shown[f"{key}_name"] = html.escape(unit_name(directory, str(params[key])))
    if "leader" in params:
        shown["leader_label"] = html.escape(role_label(Role.parse(str(params["leader"])), directory))
    if "route" in params:
        shown["route"] = html.escape(" → ".join(str(step) for step in params["route"]))
    if params.get("comment"):
        shown["comment_part"] = html.escape(_("notice.comment").format(comment=params["comment"]))
    else:
        shown["comment_part"] = ""
    return shown


# Features' richer notices register themselves on import; importing them here means whoever sends (the Sender,
# a test) gets them all. At the bottom: they use the names defined above.
from bot import (  # noqa: E402, F401
    notices_approval,
    notices_bulletin,
    notices_deadlines,
    notices_liaison,
    notices_progress,
    notices_tasks,
)
