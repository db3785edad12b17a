"""`zhikong doctor`: what the county's IT person runs to see that the bot can work, one line per check.

Each line is OK, or says what is wrong and what to do about it; nothing is changed (the database is not
created or migrated, no webhook is set), and the token is never printed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.calendar import SHANGHAI, WorkCalendar, load_default_calendar
from services.calendar import work_calendar
from storage.engine import create_engine
from storage.migrate import alembic_config
from storage.repositories import OutboxStatus
from storage.uow import Database
from zhikong.logs import Redactor, secrets_of
from zhikong.settings import Settings

# The bot appends this to WEBHOOK_URL (bot/webhook.py); repeated here so that the doctor needs no handlers.
WEBHOOK_PATH = "/telegram/webhook"
TIMEOUT = 15.0


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, whether it is fine, and what was found or what to do."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'OK  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


@dataclass(frozen=True)
class _Schema:
    current: tuple[str, ...]
    head: tuple[str, ...]
    known: bool


async def diagnose(settings: Settings, *, today: date | None = None, bot: Bot | None = None) -> list[Check]:
    """Every check, in the order the report shows them; `today` is the county's date (Asia/Shanghai)."""
    day = today or datetime.now(SHANGHAI).date()
    checks: list[Check] = []
    telegram_ok = False
    if settings.bot_token is None and bot is None:
        checks.append(Check("Telegram token", False, "BOT_TOKEN is not set: ask @BotFather for the bot's token."))
        checks.append(Check("webhook", False, "not checked, the token is missing."))
    else:
        async with _bot(settings, bot) as client:
            token_check = await _check_token(client, settings)
            telegram_ok = token_check.ok
            checks.append(token_check)
            if telegram_ok:
                checks.append(await _check_webhook(client, settings))
            else:
                checks.append(Check("webhook", False, "not checked until the token check passes."))
    db_checks, calendar = await _check_database(settings)
    checks.extend(db_checks)
    checks.append(_check_calendar(calendar, day))
    return checks


@asynccontextmanager
async def _bot(settings: Settings, given: Bot | None) -> AsyncIterator[Bot]:
    if given is not None:
        yield given
        return
    from bot.app import make_bot

    assert settings.bot_token is not None
    client = make_bot(settings.bot_token.get_secret_value(), settings.telegram_api_url)
    try:
        yield client
    finally:
        await client.session.close()


async def _check_token(bot: Bot, settings: Settings) -> Check:
    where = settings.telegram_api_url or "api.telegram.org"
    try:
        me = await asyncio.wait_for(bot.get_me(), TIMEOUT)
    except TelegramUnauthorizedError:
        return Check(
            "Telegram token", False, "Telegram refuses BOT_TOKEN: copy the token again from @BotFather (/mybots)."
        )
    except (TelegramNetworkError, TimeoutError, OSError):
        return Check(
            "Telegram token",
            False,
            f"cannot reach Telegram at {where}: check this server's internet access or proxy"
            + (", and TELEGRAM_API_URL." if settings.telegram_api_url else "."),
        )
    except TelegramAPIError as error:
        return Check("Telegram token", False, f"Telegram answered getMe with an error: {error.message}")
    return Check("Telegram token", True, f"the bot is @{me.username} (id {me.id}).")


async def _check_webhook(bot: Bot, settings: Settings) -> Check:
    try:
        info = await asyncio.wait_for(bot.get_webhook_info(), TIMEOUT)
    except (TelegramAPIError, TimeoutError, OSError) as error:
        return Check("webhook", False, f"Telegram did not answer getWebhookInfo ({type(error).__name__}); try again.")
    if not settings.webhook_url:
        if info.url:
            return Check(
                "webhook",
                False,
                f"a webhook is registered at {info.url}, but WEBHOOK_URL is not set, so polling gets no updates. "
                "If another copy of the bot uses this token, stop it; `zhikong run` then removes the webhook.",
            )
        return Check("webhook", True, "none registered; the bot polls Telegram for updates.")
    expected = settings.webhook_url.rstrip("/") + WEBHOOK_PATH
    if info.url != expected:
        found = f"is registered at {info.url}" if info.url else "is not registered"
        return Check(
            "webhook",
            False,
            f"Telegram's webhook {found}, not at {expected}: start the bot (`zhikong run`) to register it, "
            "and check that no other copy of the bot uses this token.",
        )
    if info.last_error_message:
        return Check(
            "webhook",
            False,
            f"registered at {expected}, but Telegram's last delivery failed ({info.last_error_message}): "
            f"check that {expected} reaches this server (proxy, firewall, certificate).",
        )
    return Check("webhook", True, f"registered at {expected}.")


async def _check_database(settings: Settings) -> tuple[list[Check], WorkCalendar]:
    """The database and outbox checks, and the calendar with the office's own days when the database has them."""
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    missing = _missing_sqlite_file(settings.database_url)
    if missing is not None:
        return [
            Check("database", False, f"there is no database file {missing}: run `zhikong migrate` to create it."),
            Check("outbox", False, "not checked, the database is missing."),
        ], load_default_calendar()
    try:
        engine = create_engine(settings.database_url)
    except ValueError as error:
        return [Check("database", False, f"{error} Fix DATABASE_URL."), _outbox_unchecked()], load_default_calendar()
    try:
        schema = await asyncio.wait_for(_schema(engine), TIMEOUT)
    except Exception as error:  # every driver has its own errors; and the timeout
        await engine.dispose()
        # The driver's own words help (a refused password, an unknown database); the password itself must not show.
        password = make_url(settings.database_url).password
        words = Redactor([str(password)] if password else [])(f"{type(error).__name__}: {error}".splitlines()[0])
        reason = words[:200]
        return [
            Check("database", False, f"cannot open {shown} ({reason}): check DATABASE_URL and that the server runs."),
            _outbox_unchecked(),
        ], load_default_calendar()
    try:
        if not schema.current:
            check = Check("database", False, f"{shown} has no tables yet: run `zhikong migrate`.")
            return [check, _outbox_unchecked()], load_default_calendar()
        if not schema.known:
            check = Check(
                "database",
                False,
                f"{shown} is at revision {', '.join(schema.current)}, which this version of zhikong does not know: "
                "it was migrated by a newer version; install that version again.",
            )
            return [check, _outbox_unchecked()], load_default_calendar()
        if schema.current != schema.head:
            check = Check(
                "database",
                False,
                f"{shown} is at revision {', '.join(schema.current)}, this version needs {', '.join(schema.head)}: "
                "back it up (`zhikong backup FILE` for SQLite), then run `zhikong migrate`.",
            )
            return [check, _outbox_unchecked()], load_default_calendar()
        db = Database(engine)
        async with db.uow(read_only=True) as uow:
            counts = await uow.outbox.count_by_status()
        calendar = await work_calendar(db)
        return [Check("database", True, f"{shown} is reachable and up to date."), _check_outbox(counts)], calendar
    finally:
        await engine.dispose()


def _missing_sqlite_file(url: str) -> str | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return None if Path(database).exists() else database


async def _schema(engine: AsyncEngine) -> _Schema:
    script = ScriptDirectory.from_config(alembic_config())
    head = tuple(sorted(script.get_heads()))

    def current(connection: Connection) -> tuple[str, ...]:
        return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))

    async with engine.connect() as connection:
        revisions = await connection.run_sync(current)
    known = all(_known(script, r) for r in revisions)
    return _Schema(revisions, head, known)


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except ResolutionError:  # a revision this version has no file for
        return False


def _outbox_unchecked() -> Check:
    return Check("outbox", False, "not checked until the database is fixed.")


def _check_outbox(counts: dict[str, int]) -> Check:
    unknown = counts.get(OutboxStatus.UNKNOWN.value, 0)
    failed = counts.get(OutboxStatus.FAILED.value, 0)
    if unknown or failed:
        return Check(
            "outbox",
            False,
            f"{unknown + failed} message(s) may not have reached their chat ({unknown} unknown, {failed} failed): "
            "have the office send /outbox to the bot to look at them and resend.",
        )
    waiting = counts.get(OutboxStatus.PENDING.value, 0) + counts.get(OutboxStatus.SENDING.value, 0)
    return Check("outbox", True, f"nothing unknown or failed; {waiting} waiting to be sent.")


def _check_calendar(calendar: WorkCalendar, today: date) -> Check:
    years = (today.year, today.year + 1)
    missing = [y for y in years if not calendar.is_published(y)]
    if missing:
        listed = " and ".join(str(y) for y in missing)
        return Check(
            "holiday calendar",
            False,
            f"the national holiday arrangement for {listed} is not in this version, so deadlines there count "
            "Monday to Friday only: update zhikong once the State Council publishes it (usually in November); "
            "until then the office can enter days off and working days with /calendar.",
        )
    return Check("holiday calendar", True, f"covers {years[0]} and {years[1]}.")


async def doctor(settings: Settings, *, today: date | None = None) -> tuple[list[str], int]:
    """The report's lines and the exit status: 0 if every check is OK, 1 otherwise."""
    checks = await diagnose(settings, today=today)
    redact = Redactor(secrets_of(settings))
    return [redact(c.line()) for c in checks], 0 if all(c.ok for c in checks) else 1
