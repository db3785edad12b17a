"""Assemble the bot: database, directory, clock, middlewares and routers; run it by polling or webhook."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from bot.cards import CardKeeper
from bot.handlers import routers
from bot.i18n import LANGUAGES, make_i18n
from bot.limited import limit_requests, shared_limiter
from bot.middlewares import LanguageMiddleware, PersonMiddleware
from bot.polling import Poller, poll_until_signalled
from bot.sender import Sender, SendingWorker
from bot.state import OncePerUpdate, make_storage
from bot.webhook import serve_webhook
from domain.directory import Directory
from domain.scoring import ScoringRules, load_default_scoring_rules
from domain.supervision import SupervisionRules, load_default_supervision_rules
from services.setup import open_database, read_directory, read_scoring_rules, read_supervision_rules
from services.supervise import Supervision, supervise
from storage.uow import Database
from zhikong.clock import Clock, SystemClock
from zhikong.logs import configure_logging
from zhikong.scheduler import build_scheduler
from zhikong.settings import Settings

log = logging.getLogger(__name__)
COMMANDS = (
    "start",
    "status",
    "todo",
    "form",
    "update",
    "problem",
    "tasks",
    "projects",
    "outbox",
    "help",
    "whoami",
    "language",
)


class MissingToken(RuntimeError):
    """BOT_TOKEN is not set; the message says where to get one."""


@dataclass
class Application:
    bot: Bot
    dispatcher: Dispatcher
    db: Database
    directory: Directory
    clock: Clock
    i18n: I18n
    rules: SupervisionRules = field(default_factory=load_default_supervision_rules)
    scoring: ScoringRules = field(default_factory=load_default_scoring_rules)
    # One sender for the worker and the scheduler's tick alike: they share its limiter and take turns.
    sender: Sender = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.sender = Sender(self.bot, self.db, self.directory, self.clock, self.i18n, limiter=shared_limiter(self.bot))

    async def deliver(self) -> int:
        """Send what the outbox holds and bring the project cards up to date; returns how much changed."""
        sent = await self.sender.deliver_due()
        return (
            sent + await CardKeeper(self.bot, self.db, self.directory, self.clock, self.i18n, self.rules).refresh_due()
        )

    @property
    def supervision(self) -> Supervision:
        return Supervision(self.db, self.directory, self.rules, self.scoring)

    async def supervise(self) -> dict[str, int]:
        """One supervision pass at the application's time: prompts, reminders, warnings, 通报 that are due."""
        return await supervise(self.supervision, self.clock.now())


def build_dispatcher(
    db: Database,
    directory: Directory,
    clock: Clock,
    default_language: str = "zh",
    redis_url: str | None = None,
    *,
    rules: SupervisionRules | None = None,
    scoring: ScoringRules | None = None,
) -> Dispatcher:
    """A dispatcher with every router and middleware, sharing `db`, `directory`, `clock` and the rules with
    handlers."""
    storage, isolation = make_storage(db, clock, redis_url)
    dispatcher = Dispatcher(
        storage=storage,
        events_isolation=isolation,
        db=db,
        directory=directory,
        clock=clock,
        rules=rules or load_default_supervision_rules(),
        scoring=scoring or load_default_scoring_rules(),
    )
    dispatcher.update.outer_middleware(OncePerUpdate(db, clock))
    i18n = make_i18n(default_language)
    # The error observer too: a domain error is answered in the person's language.
    for observer in (dispatcher.message, dispatcher.callback_query, dispatcher.my_chat_member, dispatcher.errors):
        observer.outer_middleware(PersonMiddleware(db))
        observer.outer_middleware(LanguageMiddleware(i18n))
    dispatcher.include_routers(*routers())
    return dispatcher


def make_bot(token: str, api_url: str | None = None, *, session: BaseSession | None = None) -> Bot:
    """The bot as every part of the application uses it: HTML messages, through `session` if one is given."""
    if session is None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url)) if api_url else AiohttpSession()
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


async def build(settings: Settings, clock: Clock | None = None, *, bot: Bot | None = None) -> Application:
    """Migrate the database and assemble everything the bot needs; nothing is contacted yet."""
    if bot is None:
        if settings.bot_token is None:
            raise MissingToken("BOT_TOKEN is not set: ask @BotFather for a token (see README).")
        bot = make_bot(settings.bot_token.get_secret_value(), settings.telegram_api_url)
    directory = read_directory(settings.directory_file)
    db = await open_database(settings.database_url, directory)
    clock = clock or SystemClock()
    rules = read_supervision_rules(settings.supervision_file)
    scoring = read_scoring_rules(settings.scoring_file)
    dispatcher = build_dispatcher(
        db, directory, clock, settings.default_language, settings.redis_url, rules=rules, scoring=scoring
    )
    dispatcher["invite_ttl"] = timedelta(hours=settings.invite_ttl_hours)  # handler data for /invite
    limit_requests(bot)  # every request, the sender's too, through one limiter that waits out 429s
    return Application(bot, dispatcher, db, directory, clock, make_i18n(settings.default_language), rules, scoring)


async def publish_commands(app: Application) -> None:
    """The command menu in each language Telegram users may have."""
    i18n = make_i18n()
    for language in LANGUAGES:
        commands = [BotCommand(command=c, description=i18n.gettext(f"command.{c}", locale=language)) for c in COMMANDS]
        await app.bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=language)


async def run(settings: Settings) -> None:
    """Run the bot until interrupted: long polling, or a webhook server when WEBHOOK_URL is set."""
    configure_logging(settings)
    app = await build(settings)
    scheduler = build_scheduler(app)
    worker = SendingWorker(app.sender)
    try:
        await publish_commands(app)
        scheduler.start()
        worker.start()
        if settings.webhook_url:
            await serve_webhook(app.dispatcher, app.bot, settings)
        else:
            await app.bot.delete_webhook(drop_pending_updates=False)
            await poll_until_signalled(Poller(app.dispatcher, app.bot))
    finally:
        scheduler.shutdown(wait=False)
        await worker.stop()
        await app.bot.session.close()
        await app.db.dispose()
