"""The `zhikong` command: run the bot, migrate the database, and answer the office's quick questions."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from domain.approval import Category, RouteQuestion, route_for
from domain.directory import Role
from domain.errors import DomainError
from domain.quantities import parse_area_mu
from services.setup import open_database, read_directory
from zhikong.logs import Redactor, configure_logging, secrets_of
from zhikong.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhikong", description="招引智控: the county's investment-attraction bot.")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("start", help="the real bot when BOT_TOKEN is set, the sandbox otherwise")
    commands.add_parser("run", help="start the bot (needs BOT_TOKEN); migrates the database first")
    sandbox = commands.add_parser("sandbox", help="try the bot in a browser against a fake Telegram, no token needed")
    sandbox.add_argument("--port", type=int, default=8080, help="where to serve the web chat (default 8080)")
    sandbox.add_argument("--data-dir", default="var", help="where the sandbox keeps its own database")
    commands.add_parser("migrate", help="bring the database to the newest schema and reload the unit directory")
    commands.add_parser("doctor", help="check the token, database, webhook, outbox and holiday calendar")
    fake = commands.add_parser("fake-telegram", help="serve only the fake Telegram, for `zhikong run` to be tested")
    fake.add_argument("--host", default="127.0.0.1", help="where to listen (default 127.0.0.1)")
    fake.add_argument("--port", type=int, default=8090, help="where to listen (default 8090; 0 picks a free one)")
    fake.add_argument("--token", help="the bot token the fake accepts, '<digits>:<secret>' (default: a fixed one)")

    route = commands.add_parser("route", help="print the approval route of a project as JSON")
    route.add_argument("--category", required=True, help=f"one of {', '.join(c.value for c in Category)}")
    route.add_argument("--land-mu", help="land to supply, e.g. 30, 三十亩, 2公顷, 20000平方米")
    route.add_argument("--no-land", action="store_true", help="the project needs no land (非供地)")
    route.add_argument("--zone", help="the declaring unit, e.g. 金磐开发区 (五.1 applies to it)")
    route.add_argument("--special-fiscal", action="store_true", help="涉及“一事一议”财政资金扶持")

    grant = commands.add_parser("grant-role", help="give a Telegram account a role, e.g. the first admin")
    grant.add_argument("--telegram-id", type=int, required=True, help="the numeric Telegram user id")
    grant.add_argument("--name", required=True, help="how the bot should name this person")
    grant.add_argument("--role", required=True, help="admin, office, county_head, staff:jianshan, ...")

    backup = commands.add_parser("backup", help="copy the SQLite database to a file, safely while the bot runs")
    backup.add_argument("target", help="the backup file to create, e.g. backups/zhikong-2026-11-27.db")

    calendar = commands.add_parser("calendar", help="show whether a year's holiday calendar is published")
    calendar.add_argument("--year", type=int, required=True)
    return parser


def route_json(args: argparse.Namespace) -> dict[str, list[dict[str, str]]]:
    """The route as the office asks for it, in the policy's words."""
    category = _category(args.category)
    if args.no_land and args.land_mu:
        raise SystemExit("zhikong route: give --land-mu or --no-land, not both")
    if not args.no_land and not args.land_mu:
        raise SystemExit("zhikong route: give --land-mu AREA, or --no-land for a project that needs no land")
    jinpan = False
    if args.zone:
        directory = read_directory(Settings().directory_file)
        jinpan = directory.find(args.zone).code == directory.jinpan_unit
    question = RouteQuestion(
        category=category,
        needs_land=not args.no_land,
        land_mu=None if args.no_land else parse_area_mu(args.land_mu),
        declared_by_jinpan=jinpan,
        special_fiscal_support=args.special_fiscal,
    )
    return {"steps": [{"actor": s.actor.value, "action": s.action.value} for s in route_for(question)]}


def _category(text: str) -> Category:
    try:
        return Category(text.strip().removesuffix("类"))
    except ValueError:
        choices = ", ".join(c.value for c in Category)
        raise SystemExit(f"zhikong route: unknown category {text!r}; expected one of {choices}") from None


async def _migrate(settings: Settings) -> None:
    directory = read_directory(settings.directory_file)
    db = await open_database(settings.database_url, directory)
    await db.dispose()
    print(f"database ready; {len(directory.units)} units loaded")


async def _grant_role(settings: Settings, args: argparse.Namespace) -> None:
    from services.people import grant_role, register_person

    directory = read_directory(settings.directory_file)
    db = await open_database(settings.database_url, directory)
    try:
        now = datetime.now(UTC)
        person = await register_person(
            db, display_name=args.name, telegram_user_id=args.telegram_id, language=settings.default_language, now=now
        )
        role = Role.parse(args.role)
        await grant_role(db, directory, admin_id=None, person_id=person.id or 0, role=role, now=now)
        print(f"{args.name} ({args.telegram_id}) now holds {role}")
    finally:
        await db.dispose()


async def _calendar(settings: Settings, year: int) -> None:
    from services.calendar import work_calendar

    db = await open_database(settings.database_url, read_directory(settings.directory_file))
    try:
        calendar = await work_calendar(db)
    finally:
        await db.dispose()
    office = sorted(d for d in calendar.office_days_off | calendar.office_workdays if d.year == year)
    print(
        json.dumps(
            {
                "year": year,
                "published": calendar.is_published(year),
                "office_days": [{"day": d.isoformat(), "workday": calendar.is_workday(d)} for d in office],
                "workdays": sum(
                    calendar.is_workday(date.fromordinal(o))
                    for o in range(date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal())
                ),
            },
            ensure_ascii=False,
        )
    )


async def _fake_telegram(host: str, port: int, token: str | None) -> None:
    import signal

    from sandbox.fake import DEFAULT_TOKEN, FakeTelegram
    from sandbox.server import SandboxServer

    telegram = FakeTelegram(token=token or DEFAULT_TOKEN)
    async with SandboxServer(telegram, host=host, port=port) as server:
        print(f"zhikong fake-telegram: a fake Telegram at {server.url}, control API at {server.url}/sandbox/api/")
        print(f"TELEGRAM_API_URL={server.url}")
        print(f"BOT_TOKEN={telegram.token}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        await stop.wait()


async def _doctor(settings: Settings) -> int:
    from zhikong.doctor import doctor

    lines, status = await doctor(settings)
    for line in lines:
        print(line)
    return status


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    redact: Callable[[str], str] = str
    try:
        if args.command == "route":
            print(json.dumps(route_json(args), ensure_ascii=False))
            return
        settings = Settings()
        redact = Redactor(secrets_of(settings))
        if args.command == "migrate":
            asyncio.run(_migrate(settings))
        elif args.command == "grant-role":
            asyncio.run(_grant_role(settings, args))
        elif args.command == "backup":
            from pathlib import Path

            from storage.backup import backup_sqlite

            print(f"backed up to {backup_sqlite(settings.database_url, Path(args.target))}")
        elif args.command == "calendar":
            asyncio.run(_calendar(settings, args.year))
        elif args.command == "doctor":
            # Its report is the output; the libraries' INFO lines (alembic's, say) would only hide it.
            configure_logging(
                settings.model_copy(update={"log_level": "WARNING"}) if settings.log_level == "INFO" else settings
            )
            status = asyncio.run(_doctor(settings))
            if status:
                raise SystemExit(status)
        elif args.command == "fake-telegram":
            configure_logging(settings)
            asyncio.run(_fake_telegram(args.host, args.port, args.token))
        elif args.command == "run" or (args.command == "start" and settings.bot_token is not None):
            from bot.app import run

            print("zhikong: BOT_TOKEN is set, starting the bot against Telegram", flush=True)
            asyncio.run(run(settings))
        elif args.command in ("start", "sandbox"):
            from pathlib import Path

            from zhikong.sandbox import run_sandbox

            port = getattr(args, "port", 8080)
            asyncio.run(run_sandbox(port, Path(getattr(args, "data_dir", "var"))))
    except (DomainError, ValueError, OSError) as error:
        print(redact(f"zhikong {args.command}: {error}"), file=sys.stderr)
        raise SystemExit(2) from error
