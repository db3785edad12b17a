"""What waits for one person in a conversation: the bot's message they are to answer, saved before it is sent.

A conversation saves its place with the message about to go as `outgoing`, sends it, then saves its id. A crash
in between leaves `outgoing` to be sent when the same update comes again, and `since` to recognise a reply to the
copy that did reach the chat. `taken` names the last message or tap acted on, so an update handled again after a
crash (Telegram delivers again what was not confirmed) is not taken twice.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Final

from aiogram.types import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message

Markup = InlineKeyboardMarkup | ForceReply

# Earlier questions remembered per person, to point a reply to an old one at the current one.
ASKED_KEPT: Final = 20


@dataclass(frozen=True)
class Outgoing:
    """A message about to go to the person, as the conversation keeps it until it went."""

    text: str
    markup: Markup | None
    reply_to: int | None


@dataclass
class Waiting:
    """The part of a conversation's saved place that is about the bot's messages to the person."""

    message_id: int | None = None  # the bot's message waiting for this person (None while it is being sent)
    buttons: bool = False  # that message has inline buttons (taken off when the conversation moves on)
    asked: list[int] = dataclasses.field(default_factory=list)  # earlier messages to this person here
    since: int = 0  # the newest of the bot's messages here before the waiting one was sent
    taken: str = ""  # the last input acted on: "m<message id>" or "c<callback query id>"
    outgoing: dict[str, Any] | None = None  # the message being sent (see Outgoing)

    def sending(self, message: Outgoing) -> None:
        """`message` is about to go to this person; the one waiting before it becomes an old question."""
        if self.message_id is not None:
            self.asked = [*self.asked, self.message_id][-ASKED_KEPT:]
            self.since = max(self.since, self.message_id)
        self.message_id, self.buttons = None, isinstance(message.markup, InlineKeyboardMarkup)
        self.outgoing = {"text": message.text, "markup": _markup_data(message.markup), "reply_to": message.reply_to}

    def to_send(self) -> Outgoing | None:
        """The message saved as about to go, if it may not have gone."""
        if self.outgoing is None:
            return None
        data = self.outgoing
        return Outgoing(data["text"], _markup_of(data["markup"]), data["reply_to"])

    def sent(self, message_id: int | None) -> None:
        """The message went, as `message_id` (None when nothing waits on it: the conversation is over)."""
        self.message_id, self.outgoing = message_id, None

    def answers_current(self, replied_to: int, *, from_bot_to_this_person: bool) -> bool:
        """Whether a reply to message `replied_to` answers what waits for this person now: the message waiting,
        or one the bot sent them after `since` whose id a crash kept from being saved."""
        if replied_to == self.message_id:
            return True
        return from_bot_to_this_person and replied_to > self.since and replied_to not in self.asked


def addressee(message: Message) -> int | None:
    """The person a question of the bot's is addressed to: its first mention (text_mention, or a tg://user link)."""
    for entity in message.entities or []:
        if entity.type == "text_mention" and entity.user is not None:
            return entity.user.id
        if entity.type == "text_link" and entity.url and entity.url.startswith("tg://user?id="):
            number = entity.url.removeprefix("tg://user?id=")
            return int(number) if number.isdigit() else None
    return None


def from_bot(message: Message, bot_id: int) -> bool:
    return message.from_user is not None and message.from_user.id == bot_id


def input_of(event: Message | CallbackQuery) -> str:
    """How `taken` names a message or a tap."""
    return f"m{event.message_id}" if isinstance(event, Message) else f"c{event.id}"


def _markup_data(markup: Markup | None) -> dict[str, Any] | None:
    if markup is None:
        return None
    kind = "inline" if isinstance(markup, InlineKeyboardMarkup) else "force_reply"
    return {"kind": kind, "value": markup.model_dump(mode="json", exclude_none=True)}


def _markup_of(data: dict[str, Any] | None) -> Markup | None:
    if data is None:
        return None
    kind = InlineKeyboardMarkup if data["kind"] == "inline" else ForceReply
    return kind.model_validate(data["value"])
