"""What every method handler needs: typed parameters, the target chat, formatted text, markup, posting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox.errors import (
    BLOCKED_BY_USER,
    CANT_INITIATE,
    CHAT_NOT_FOUND,
    MESSAGE_TEXT_EMPTY,
    REPLY_NOT_FOUND,
    ApiError,
    bad_request,
    forbidden,
    kicked_from,
    not_member_of,
)
from sandbox.html import HtmlParseError, parse_html
from sandbox.markup import markup_kind, validate_markup
from sandbox.models import Chat, Message, Status
from sandbox.world import World

if TYPE_CHECKING:
    from sandbox.core import Core


@dataclass(frozen=True)
class Described:
    """A successful result Telegram accompanies with a description ("Webhook was set")."""

    result: Any
    description: str


@dataclass
class Call:
    """One call's parameters, already decoded to the spec's types, and the model it acts on."""

    core: Core
    method: str
    params: dict[str, Any]

    @property
    def world(self) -> World:
        """The state."""
        return self.core.world

    def integer(self, name: str) -> int | None:
        """The parameter as an int, None if absent; a 400 if it is not an integer."""
        value = self.params.get(name)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise bad_request(f'parameter "{name}" must be an Integer')

    def string(self, name: str) -> str | None:
        """The parameter as text, None if absent."""
        value = self.params.get(name)
        if value is None or isinstance(value, str):
            return value
        raise bad_request(f'parameter "{name}" must be a String')

    def boolean(self, name: str) -> bool:
        """The parameter as a bool, False if absent."""
        return self.params.get(name) is True

    def obj(self, name: str) -> dict[str, Any] | None:
        """The parameter as a JSON object, None if absent."""
        value = self.params.get(name)
        if value is None or isinstance(value, dict):
            return value
        raise bad_request(f"can't parse {name} JSON object")

    def array(self, name: str) -> list[Any] | None:
        """The parameter as a JSON array, None if absent."""
        value = self.params.get(name)
        if value is None or isinstance(value, list):
            return value
        raise bad_request(f"can't parse {name} JSON array")


Handler = Callable[[Call], Awaitable[Any]]


def find_chat(call: Call, name: str = "chat_id") -> Chat:
    """The chat named by chat_id, or the 400/403 Telegram gives for an unknown or unopened chat."""
    raw = call.params.get(name)
    chat_id: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        chat_id = raw
    elif isinstance(raw, str) and raw.lstrip("-").isdigit():
        chat_id = int(raw)
    if chat_id is None or chat_id not in call.world.chats:
        if chat_id is not None and chat_id in call.world.users:
            raise forbidden(CANT_INITIATE)
        raise ApiError(400, CHAT_NOT_FOUND)
    return call.world.chats[chat_id]


def require_access(core: Core, chat: Chat) -> None:
    """Raises the 403 Telegram gives a bot blocked by the person or no longer in the group."""
    if chat.type == "private":
        if chat.blocked:
            raise forbidden(BLOCKED_BY_USER)
        return
    status = chat.members.get(core.bot.id, Status.LEFT)
    if status is Status.KICKED:
        raise kicked_from(chat.type)
    if not status.is_present:
        raise not_member_of(chat.type)


def writable_chat(call: Call) -> Chat:
    """The target chat, if the bot may write to it."""
    chat = find_chat(call)
    require_access(call.core, chat)
    return chat


def formatted_text(
    call: Call, text_field: str, entities_field: str, *, limit: int, too_long: str, required: bool = False
) -> tuple[str | None, list[dict[str, Any]]]:
    """The text after parse_mode/entities, checked against Telegram's length limit (None if absent)."""
    source = call.string(text_field)
    if source is None:
        return None, []
    parse_mode = (call.string("parse_mode") or "").strip().lower()
    entities: list[dict[str, Any]] = []
    if parse_mode == "html":
        try:
            text, entities = parse_html(source)
        except HtmlParseError as e:
            raise bad_request(f"can't parse entities: {e}") from None
    elif parse_mode in ("", "none"):
        text = source
        entities = [e for e in call.array(entities_field) or [] if isinstance(e, dict)]
    elif parse_mode in ("markdown", "markdownv2"):
        # Markdown is passed through unparsed: the sandbox models HTML only.
        text = source
    else:
        raise bad_request("unsupported parse_mode")
    if len(text) > limit:
        raise ApiError(400, too_long)
    if required and not text.strip():
        raise ApiError(400, MESSAGE_TEXT_EMPTY)
    return text, entities


def parse_markup(call: Call, *, inline_only: bool = False) -> dict[str, Any] | None:
    """The reply_markup parameter, validated; None if absent."""
    markup = call.obj("reply_markup")
    return None if markup is None else validate_markup(markup, inline_only=inline_only)


def reply_target(call: Call, chat: Chat) -> int | None:
    """The id of the message being replied to, from reply_parameters or the legacy reply_to_message_id."""
    params = call.obj("reply_parameters") or {}
    message_id = params.get("message_id", call.integer("reply_to_message_id"))
    allow_missing = bool(params.get("allow_sending_without_reply", call.boolean("allow_sending_without_reply")))
    if message_id is None:
        return None
    other_chat = params.get("chat_id")
    target = chat.messages.get(message_id) if other_chat in (None, chat.id, str(chat.id)) else None
    if target is None or target.deleted:
        if allow_missing:
            return None
        raise ApiError(400, REPLY_NOT_FOUND)
    return int(message_id)


def post_bot_message(core: Core, chat: Chat, **fields: Any) -> Message:
    """Posts a message from the bot after flood control, applying its reply markup to the chat."""
    core.flood.admit(chat.id, is_group=chat.is_group)
    msg = Message(chat_id=chat.id, message_id=chat.allocate_message_id(), sender_id=core.bot.id, date=core.world.now())
    for key, value in fields.items():
        setattr(msg, key, value)
    if msg.reply_markup is not None:
        kind = markup_kind(msg.reply_markup)
        if kind == "keyboard":
            chat.reply_keyboard = msg.reply_markup
        elif kind == "remove":
            chat.reply_keyboard = None
    chat.messages[msg.message_id] = msg
    chat.action = None
    core.activity.bump()
    return msg
