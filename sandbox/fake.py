"""FakeTelegram: the stateful fake's front door for tests, the in-process session and the HTTP server."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sandbox import events
from sandbox.conformance import Violation
from sandbox.core import Core, RequestRecord
from sandbox.faults import Faults
from sandbox.limits import Clock, Limits
from sandbox.scenario import Conversation, Person

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher
    from aiogram.types import TelegramObject

    from sandbox.session import InProcessSession

DEFAULT_TOKEN = "7000000001:SANDBOX-zhikong-test-token"
ClockHook = Callable[[datetime], Awaitable[None] | None]


class SettleTimeout(AssertionError):
    """The bot was still busy (or never took an update) when settle() gave up."""


class ConformanceError(AssertionError):
    """The bot made requests that stray from the Bot API spec."""


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to a button press (answered is False until it does)."""

    answered: bool
    text: str | None
    show_alert: bool
    url: str | None


class FakeTelegram:
    """A stateful fake Telegram: people, chats and a bot that reaches it in-process or over HTTP."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "zhikong_bot",
        bot_name: str = "招引智控",
        limits: Limits | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        strict: bool = False,
        allow_legacy: bool = True,
        auto_settle: bool = True,
        settle_timeout: float = 5.0,
        settle_quiet: float = 0.03,
    ) -> None:
        self.core = Core(
            token=token,
            bot_username=bot_username,
            bot_name=bot_name,
            limits=limits or Limits(),
            clock=clock,
            wall_clock=wall_clock,
            allow_legacy=allow_legacy,
            strict=strict,
        )
        self.auto_settle = auto_settle
        self.settle_timeout = settle_timeout
        self.settle_quiet = settle_quiet
        # Played over HTTP only: what the network and Telegram do on a bad day (see sandbox/faults.py).
        self.faults = Faults()
        self._watched: list[Dispatcher] = []
        self._clock_hooks: list[ClockHook] = []

    @property
    def token(self) -> str:
        """The only token the fake accepts; any other answers 401."""
        return self.core.token

    @property
    def privacy_mode(self) -> bool:
        """BotFather's group privacy setting (on by default, as for new bots)."""
        return self.core.world.privacy_mode

    @privacy_mode.setter
    def privacy_mode(self, value: bool) -> None:
        self.core.world.privacy_mode = value

    def user(
        self,
        first_name: str,
        *,
        username: str | None = None,
        id: int | None = None,
        last_name: str | None = None,
        language_code: str | None = "zh-hans",
        role: str | None = None,
        unit: str | None = None,
    ) -> Person:
        """A new person."""
        user = self.core.world.add_user(
            first_name, user_id=id, username=username, last_name=last_name, language_code=language_code
        )
        user.role, user.unit = role, unit
        return Person(self, user)

    def person(self, user_id: int) -> Person:
        """The person with this id."""
        return Person(self, self.core.world.user(user_id))

    def people(self) -> list[Person]:
        """Everyone except the bot."""
        return [Person(self, u) for u in self.core.world.users.values() if not u.is_bot]

    def group(
        self, title: str, *, members: list[Person], bot_is_admin: bool = False, supergroup: bool = False
    ) -> Conversation:
        """A group created by members[0] with the bot added; the bot is sent my_chat_member and the join notice."""
        chat = events.create_group(
            self.core, title, [p.user for p in members], bot_is_admin=bot_is_admin, supergroup=supergroup
        )
        return Conversation(self, chat.id)

    def chat(self, chat_id: int) -> Conversation:
        """The chat with this id."""
        return Conversation(self, self.core.world.chat(chat_id).id)

    def chats(self) -> list[Conversation]:
        """Every chat."""
        return [Conversation(self, chat_id) for chat_id in self.core.world.chats]

    @property
    def requests(self) -> list[RequestRecord]:
        """Every Bot API call the bot made, in order."""
        return list(self.core.requests)

    def calls(self, method: str) -> list[RequestRecord]:
        """The calls of one method (case-insensitive)."""
        return [r for r in self.core.requests if r.method.lower() == method.lower()]

    @property
    def violations(self) -> list[Violation]:
        """Every way the bot's requests strayed from the spec."""
        return list(self.core.violations)

    def assert_conformant(self) -> None:
        """Raises ConformanceError naming each method and field if any request strayed from the spec."""
        if self.core.violations:
            listed = "\n  ".join(str(v) for v in self.core.violations)
            raise ConformanceError(f"the bot's Bot API requests stray from the spec:\n  {listed}")

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates the bot has not yet confirmed or accepted."""
        return [u.json() for u in self.core.updates.pending()]

    def answer_to(self, callback_query_id: str) -> CallbackAnswer:
        """The bot's answer to a button press; raises KeyError for an unknown id."""
        record = self.core.world.callbacks[callback_query_id]
        return CallbackAnswer(record.answered, record.text, record.show_alert, record.url)

    def session(self, **kwargs: Any) -> InProcessSession:
        """An aiogram session that reaches this fake without HTTP."""
        from sandbox.session import InProcessSession

        return InProcessSession(self, **kwargs)

    def bot(self, **kwargs: Any) -> Bot:
        """An aiogram Bot with this fake's token and an in-process session."""
        from aiogram import Bot

        return Bot(token=self.token, session=self.session(), **kwargs)

    def watch(self, dispatcher: Dispatcher) -> None:
        """Lets settle() also wait for updates still inside this dispatcher's handlers."""
        if any(d is dispatcher for d in self._watched):
            return
        self._watched.append(dispatcher)
        # The tracker goes first, before the bot's own outer middlewares: those may await the database (the
        # once-per-update check), and settle() must count the update as busy from the moment it is handed over.
        manager = dispatcher.update.outer_middleware
        others = list(manager)
        for middleware in others:
            manager.unregister(middleware)
        manager.register(self._track_handling)
        for middleware in others:
            manager.register(middleware)

    async def _track_handling(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        activity = self.core.activity
        activity.handling += 1
        activity.bump()
        try:
            return await handler(event, data)
        finally:
            activity.handling -= 1
            activity.bump()

    def bot_listening(self) -> bool:
        """True if a bot has a webhook set or long-polls (now, or within the last second)."""
        updates = self.core.updates
        last = updates.last_long_poll_end
        recently_polled = last is not None and time.monotonic() - last < 1.0
        return self.core.webhook.config is not None or updates.active_polls > 0 or recently_polled

    async def after_action(self, settle: bool | None) -> None:
        """Waits for the bot after a person's action, if asked to or if auto-settling with a bot listening."""
        if settle or (settle is None and self.auto_settle and self.bot_listening()):
            await self.settle()

    def busy(self) -> str | None:
        """What keeps the fake from being settled, or None if nothing does."""
        pending = self.core.updates.pending()
        if pending:
            return f"{len(pending)} update(s) not yet confirmed by the bot (ids {[u.update_id for u in pending]})"
        in_flight = [m for m in self.core.activity.in_flight.values() if m.lower() != "getupdates"]
        if in_flight:
            return f"requests in flight: {', '.join(in_flight)}"
        if self.core.activity.handling:
            return f"{self.core.activity.handling} update(s) still inside the dispatcher"
        return None

    async def settle(self, timeout: float | None = None) -> None:  # noqa: ASYNC109 - reads better in tests
        """Waits until every update is confirmed, no request is in flight and that has held for a quiet moment."""
        loop = asyncio.get_running_loop()
        limit = self.settle_timeout if timeout is None else timeout
        deadline = loop.time() + limit
        quiet_since: float | None = None
        seen = self.core.activity.version
        while True:
            now = loop.time()
            busy = self.busy()
            version = self.core.activity.version
            if busy is not None:
                quiet_since = None
            elif quiet_since is None or version != seen:
                quiet_since, seen = now, version
            elif now - quiet_since >= self.settle_quiet:
                return
            if now >= deadline:
                raise SettleTimeout(f"the bot did not settle within {limit}s: {busy or 'still changing state'}")
            await asyncio.sleep(0.005)

    def on_clock_change(self, callback: ClockHook) -> None:
        """Registers what the application does when the sandbox's clock endpoint sets a new time."""
        self._clock_hooks.append(callback)

    async def change_clock(self, now: datetime) -> datetime:
        """Tells every registered hook the new time; `now` must carry a UTC offset."""
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the time must carry a UTC offset")
        for hook in self._clock_hooks:
            result = hook(now)
            if inspect.isawaitable(result):
                await result
        return now

    def reopen(self) -> None:
        """Serves long polls and resumes webhook delivery again after close()."""
        self.core.updates.reopen()
        self.core.webhook.resume()

    async def close(self) -> None:
        """Ends long polls and webhook delivery."""
        self.core.updates.close()
        await self.core.webhook.close()
