"""The one model both ways in share: state, update queue, flood control, request log and activity."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.api import BotApi
from sandbox.conformance import Checker, Violation
from sandbox.limits import Clock, FloodControl, Limits
from sandbox.models import Chat, Message, Status, Upload, User
from sandbox.render import member_update_json, message_json
from sandbox.spec import load_spec
from sandbox.updates import UpdateQueue
from sandbox.webhook import WebhookDelivery
from sandbox.world import World


@dataclass(frozen=True)
class RequestRecord:
    """One Bot API call the bot made: file contents are replaced by their name and size."""

    index: int
    method: str
    params: dict[str, Any]
    status: int
    description: str | None
    transport: str
    result: Any = None

    @property
    def ok(self) -> bool:
        """True if Telegram answered the call successfully."""
        return 200 <= self.status < 300


@dataclass
class Activity:
    """What the fake is busy with, for settle(): requests in flight and updates inside watched dispatchers."""

    version: int = 0
    in_flight: dict[int, str] = field(default_factory=dict)
    handling: int = 0
    _serials: itertools.count[int] = field(default_factory=itertools.count)

    def bump(self) -> None:
        """Marks that something happened."""
        self.version += 1

    def start(self, method: str) -> int:
        """Marks a request as in flight; returns the token finish() takes."""
        serial = next(self._serials)
        self.in_flight[serial] = method
        self.bump()
        return serial

    def finish(self, serial: int) -> None:
        """Marks a request as answered."""
        self.in_flight.pop(serial, None)
        self.bump()


class Core:
    """State and the operations both the bot's calls and people's actions go through."""

    def __init__(
        self,
        *,
        token: str,
        bot_username: str,
        bot_name: str,
        limits: Limits,
        clock: Clock,
        wall_clock: Callable[[], float] = time.time,
        allow_legacy: bool = True,
        strict: bool = False,
    ) -> None:
        bot_id, sep, _ = token.partition(":")
        if not sep or not bot_id.isdigit():
            raise ValueError("a bot token looks like '<digits>:<secret>'")
        self.token = token
        bot = User(id=int(bot_id), first_name=bot_name, username=bot_username, is_bot=True)
        self.world = World(bot=bot, wall_clock=wall_clock)
        self.activity = Activity()
        self.updates = UpdateQueue(on_change=self.activity.bump)
        self.flood = FloodControl(limits=limits, clock=clock)
        self.checker = Checker(load_spec(), allow_legacy=allow_legacy)
        self.strict = strict
        self.requests: list[RequestRecord] = []
        self.violations: list[Violation] = []
        self.webhook = WebhookDelivery(self)
        self.api = BotApi(self)

    @property
    def bot(self) -> User:
        """The bot's own user."""
        return self.world.bot

    def record(
        self,
        method: str,
        params: dict[str, Any],
        status: int,
        description: str | None,
        transport: str,
        result: Any = None,
    ) -> RequestRecord:
        """Appends a call to the request log."""
        shown = {key: _redact(value) for key, value in params.items()}
        entry = RequestRecord(len(self.requests), method, shown, status, description, transport, result)
        self.requests.append(entry)
        return entry

    def emit(self, kind: str, payload: dict[str, Any]) -> bool:
        """Queues an update for the bot; False if allowed_updates filtered it out."""
        return self.updates.push(kind, payload) is not None

    def deliver_message(self, chat: Chat, msg: Message, *, kind: str = "message") -> bool:
        """Queues the update for a message if the bot may see it under its membership and privacy mode."""
        if not self.bot_sees(chat, msg):
            return False
        return self.emit(kind, message_json(self.world, msg))

    def bot_sees(self, chat: Chat, msg: Message) -> bool:
        """Telegram's privacy mode: in groups, commands, replies to the bot, mentions and service messages only."""
        if msg.sender_id == self.bot.id:
            return False
        if chat.type == "private":
            return True
        status = chat.members.get(self.bot.id, Status.LEFT)
        if not status.is_present:
            return False
        if msg.is_service or status.is_admin or not self.world.privacy_mode:
            return True
        text = msg.text if msg.text is not None else msg.caption or ""
        if is_command_for(text, self.bot.username or ""):
            return True
        if msg.reply_to is not None:
            target = chat.messages.get(msg.reply_to)
            if target is not None and target.sender_id == self.bot.id:
                return True
        return bool(self.bot.username) and f"@{self.bot.username}".lower() in text.lower()

    def member_changed(self, chat: Chat, actor_id: int, user_id: int, new: Status) -> None:
        """Sets a member's standing and emits my_chat_member (the bot) or chat_member (others, bot as admin)."""
        old = chat.members.get(user_id, Status.LEFT)
        payload = member_update_json(self.world, chat, actor_id, user_id, old, new)
        chat.members[user_id] = new
        if user_id == self.bot.id:
            self.emit("my_chat_member", payload)
        elif chat.members.get(self.bot.id, Status.LEFT).is_admin:
            self.emit("chat_member", payload)


def is_command_for(text: str, bot_username: str) -> bool:
    """True if the text starts with /command or /command@bot_username."""
    if not text.startswith("/"):
        return False
    word = text[1:].split(maxsplit=1)[0] if text[1:].strip() else ""
    command, _, target = word.partition("@")
    if not command or len(command) > 32 or not all(c.isascii() and (c.isalnum() or c == "_") for c in command):
        return False
    return not target or target.lower() == bot_username.lower()


def _redact(value: Any) -> Any:
    if isinstance(value, Upload):
        return {"file_name": value.filename, "size": len(value.data)}
    return value
