"""The story-like test API: people who say things and tap buttons, chats and messages as people see them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandbox import events
from sandbox.markup import button_texts
from sandbox.models import Chat, Message, Status, StoredFile, Upload, User

if TYPE_CHECKING:
    from sandbox.fake import FakeTelegram


class MessageView:
    """A message as it is now (edits applied); reads through to the state, so it never goes stale."""

    def __init__(self, tg: FakeTelegram, chat_id: int, message_id: int) -> None:
        self._tg = tg
        self.chat_id = chat_id
        self.message_id = message_id

    @property
    def model(self) -> Message:
        """The underlying stored message."""
        return self._tg.core.world.chat(self.chat_id).messages[self.message_id]

    @property
    def text(self) -> str | None:
        """The text (entities parsed away), or None for documents, photos and service messages."""
        return self.model.text

    @property
    def caption(self) -> str | None:
        """The caption of a document or photo."""
        return self.model.caption

    @property
    def sender(self) -> User:
        """Who sent it."""
        return self._tg.core.world.user(self.model.sender_id)

    @property
    def from_bot(self) -> bool:
        """True if the bot sent it."""
        return self.model.sender_id == self._tg.core.bot.id

    @property
    def buttons(self) -> list[list[str]]:
        """Inline button labels, row by row."""
        return button_texts({"inline_keyboard": self.model.inline_keyboard})

    @property
    def button_texts(self) -> list[str]:
        """Every inline button label, in reading order."""
        return [text for row in self.buttons for text in row]

    def callback_data(self, button: str) -> str | None:
        """The callback_data behind the inline button labelled `button`."""
        for row in self.model.inline_keyboard:
            for b in row:
                if b.get("text") == button:
                    data = b.get("callback_data")
                    return data if isinstance(data, str) else None
        raise LookupError(f"no button {button!r} on message {self.message_id}")

    @property
    def reply_to_message_id(self) -> int | None:
        """The message this one replies to."""
        return self.model.reply_to

    @property
    def edited(self) -> bool:
        """True once the bot edited it."""
        return self.model.edit_date is not None

    @property
    def deleted(self) -> bool:
        """True once deleted."""
        return self.model.deleted

    @property
    def document(self) -> StoredFile | None:
        """The attached document, bytes included."""
        return self._tg.core.world.files.get(self.model.document or "")

    @property
    def photo(self) -> StoredFile | None:
        """The attached photo, bytes included."""
        return self._tg.core.world.files.get(self.model.photo or "")

    @property
    def forces_reply(self) -> bool:
        """True if the bot asked for a reply to this message (ForceReply)."""
        return bool(self.model.reply_markup and self.model.reply_markup.get("force_reply"))

    def __repr__(self) -> str:
        body = self.text if self.text is not None else self.caption or self.model.service
        return f"<message {self.chat_id}/{self.message_id} from {self.sender.full_name}: {body!r}>"


class Conversation:
    """A chat as its members see it."""

    def __init__(self, tg: FakeTelegram, chat_id: int) -> None:
        self._tg = tg
        self.id = chat_id

    @property
    def model(self) -> Chat:
        """The underlying chat."""
        return self._tg.core.world.chat(self.id)

    @property
    def title(self) -> str | None:
        """The group's title (None for a private chat)."""
        return self.model.title

    @property
    def type(self) -> str:
        """private, group or supergroup."""
        return self.model.type

    @property
    def bot_status(self) -> Status:
        """The bot's standing in the chat."""
        return self.model.members.get(self._tg.core.bot.id, Status.LEFT)

    @property
    def action(self) -> str | None:
        """The chat action the bot shows ("typing"...), until its next message."""
        return self.model.action

    @property
    def reply_keyboard(self) -> list[list[str]]:
        """The custom keyboard the bot shows people here (empty if none)."""
        return button_texts(self.model.reply_keyboard)

    def messages(self) -> list[MessageView]:
        """Every message people see, in order; deleted ones are gone."""
        return [MessageView(self._tg, self.id, m.message_id) for m in self.model.visible_messages()]

    def bot_messages(self) -> list[MessageView]:
        """The messages the bot sent here that are still visible."""
        return [m for m in self.messages() if m.from_bot and not m.model.is_service]

    def last_message(self) -> MessageView:
        """The newest visible message; raises LookupError in an empty chat."""
        messages = self.messages()
        if not messages:
            raise LookupError(f"chat {self.id} has no messages")
        return messages[-1]

    def message(self, message_id: int) -> MessageView:
        """The message with this id."""
        if message_id not in self.model.messages:
            raise LookupError(f"chat {self.id} has no message {message_id}")
        return MessageView(self._tg, self.id, message_id)

    def pinned(self) -> MessageView | None:
        """The most recently pinned message still pinned."""
        live = [m for m in self.model.pinned if not self.model.messages[m].deleted]
        return MessageView(self._tg, self.id, live[-1]) if live else None


class Person:
    """Someone using Telegram; every action waits for the bot afterwards when the fake auto-settles."""

    def __init__(self, tg: FakeTelegram, user: User) -> None:
        self._tg = tg
        self.user = user

    @property
    def id(self) -> int:
        """The user id."""
        return self.user.id

    @property
    def name(self) -> str:
        """The full name."""
        return self.user.full_name

    def label(self, *, role: str | None = None, unit: str | None = None) -> Person:
        """Attaches the sandbox-only role and unit labels shown in the control API."""
        self.user.role, self.user.unit = role, unit
        return self

    @property
    def private_chat(self) -> Conversation:
        """This person's private chat with the bot (opened if need be)."""
        return self.opens_private_chat()

    def opens_private_chat(self) -> Conversation:
        """Opens the private chat with the bot without pressing Start, so the bot may write first."""
        return Conversation(self._tg, self._tg.core.world.private_chat(self.user).id)

    async def says(
        self, chat: Conversation, text: str, *, reply_to: MessageView | int | None = None, settle: bool | None = None
    ) -> MessageView:
        """Posts text in the chat; the bot gets it if privacy mode lets it."""
        target = reply_to.message_id if isinstance(reply_to, MessageView) else reply_to
        posted = events.post(self._tg.core, self.user, chat.model, text, reply_to=target)
        await self._tg.after_action(settle)
        return MessageView(self._tg, chat.id, posted.message.message_id)

    async def replies(
        self, chat: Conversation, *, to: MessageView | int, text: str, settle: bool | None = None
    ) -> MessageView:
        """Replies to a message in the chat."""
        return await self.says(chat, text, reply_to=to, settle=settle)

    async def starts(self, *, settle: bool | None = None) -> MessageView:
        """Opens the private chat with the bot and presses Start (sends /start)."""
        return await self.says(self.private_chat, "/start", settle=settle)

    async def sends_document(
        self,
        chat: Conversation,
        filename: str,
        data: bytes,
        *,
        caption: str | None = None,
        settle: bool | None = None,
    ) -> MessageView:
        """Posts a file in the chat."""
        posted = events.post(self._tg.core, self.user, chat.model, caption, document=Upload(filename, data))
        await self._tg.after_action(settle)
        return MessageView(self._tg, chat.id, posted.message.message_id)

    async def taps(self, message: MessageView, button: str, *, settle: bool | None = None) -> str:
        """Presses the inline button labelled `button`; returns the callback query id."""
        chat = self._tg.core.world.chat(message.chat_id)
        record = events.press(self._tg.core, self.user, chat, message.message_id, button_text=button)
        await self._tg.after_action(settle)
        return record.id

    async def taps_forged(self, message: MessageView, data: str, *, settle: bool | None = None) -> str:
        """Sends callback data no button carries, as a modified client could; returns the callback query id."""
        chat = self._tg.core.world.chat(message.chat_id)
        record = events.forge_press(self._tg.core, self.user, chat, message.message_id, data)
        await self._tg.after_action(settle)
        return record.id

    async def blocks_bot(self, *, settle: bool | None = None) -> None:
        """Blocks the bot: its messages to this person now fail with 403."""
        events.set_blocked(self._tg.core, self.user, blocked=True)
        await self._tg.after_action(settle)

    async def unblocks_bot(self, *, settle: bool | None = None) -> None:
        """Unblocks the bot."""
        events.set_blocked(self._tg.core, self.user, blocked=False)
        await self._tg.after_action(settle)

    async def joins(self, group: Conversation, *, settle: bool | None = None) -> None:
        """Joins the group."""
        events.join(self._tg.core, group.model, self.user)
        await self._tg.after_action(settle)

    async def leaves(self, group: Conversation, *, settle: bool | None = None) -> None:
        """Leaves the group."""
        events.leave(self._tg.core, group.model, self.user)
        await self._tg.after_action(settle)

    async def adds_bot(self, group: Conversation, *, admin: bool = False, settle: bool | None = None) -> None:
        """Adds the bot to the group."""
        events.add_bot(self._tg.core, group.model, self.user, admin=admin)
        await self._tg.after_action(settle)

    async def removes_bot(self, group: Conversation, *, settle: bool | None = None) -> None:
        """Removes (kicks) the bot from the group."""
        events.remove_bot(self._tg.core, group.model, self.user)
        await self._tg.after_action(settle)

    async def makes_bot_admin(self, group: Conversation, *, admin: bool = True, settle: bool | None = None) -> None:
        """Promotes the bot to administrator (or, with admin=False, demotes it)."""
        events.set_bot_admin(self._tg.core, group.model, self.user, admin=admin)
        await self._tg.after_action(settle)

    def __repr__(self) -> str:
        return f"<person {self.id} {self.name}>"
