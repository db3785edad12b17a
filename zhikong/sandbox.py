"""`zhikong sandbox`: the fake Telegram, the real bot polling it, the scheduler and a demo cast, on one port."""

from __future__ import annotations

import asyncio
import logging
import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import Application, build, make_bot
from bot.i18n import make_i18n
from bot.polling import Poller
from bot.sender import SendingWorker
from bot.texts import role_label
from domain.directory import Role
from sandbox.fake import FakeTelegram
from sandbox.scenario import Conversation
from sandbox.server import RouteExtension, SandboxServer
from services.groups import bind_group
from services.people import grant_role, register_person
from services.projects import create_project
from zhikong.clock import MovableClock
from zhikong.logs import configure_logging
from zhikong.scheduler import build_scheduler
from zhikong.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class RunningSandbox:
    telegram: FakeTelegram
    server: SandboxServer
    app: Application
    clock: MovableClock
    group: Conversation
    scheduler: AsyncIOScheduler
    worker: SendingWorker
    poller: Poller
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    async def stop(self) -> None:
        """Stop polling, the server and the database, in that order."""
        self.poller.stop()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.scheduler.shutdown(wait=False)
        await self.worker.stop()
        await self.server.stop()
        await self.app.bot.session.close()
        await self.app.db.dispose()


def demo_data() -> dict[str, Any]:
    return tomllib.loads((files("zhikong.data") / "demo.toml").read_text("utf-8"))


async def start_sandbox(
    *, data_dir: Path, host: str = "127.0.0.1", port: int = 8080, extensions: tuple[RouteExtension, ...] = ()
) -> RunningSandbox:
    """Start everything and seed the demo; the database is new on every start, like the fake's own state."""
    telegram = FakeTelegram()
    clock = MovableClock()
    telegram.on_clock_change(clock.move_to)
    server = SandboxServer(telegram, host=host, port=port, extensions=[*_web_chat(), *extensions])
    await server.start()
    database = await asyncio.to_thread(_fresh_database, data_dir)
    settings = Settings(database_url=f"sqlite:///{database}", bot_token=None, webhook_url=None, redis_url=None)
    app = await build(settings, clock, bot=make_bot(telegram.token, server.url))
    group = await _seed(telegram, app, clock)
    telegram.watch(app.dispatcher)
    telegram.on_clock_change(lambda _now: _supervise_now(app))
    scheduler = build_scheduler(app)
    scheduler.start()
    worker = SendingWorker(app.sender)
    worker.start()
    poller = Poller(app.dispatcher, app.bot)
    polling = asyncio.create_task(poller.run())
    return RunningSandbox(telegram, server, app, clock, group, scheduler, worker, poller, [polling])


async def _supervise_now(app: Application) -> None:
    """Moving the clock runs the supervision pass at once, so the prompts and warnings it makes due appear
    without waiting for the scheduler's next minute; the sending worker then delivers them."""
    await app.supervise()


def _fresh_database(data_dir: Path) -> Path:
    """The sandbox's database file, with any earlier run's removed (the fake Telegram forgets too)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for leftover in data_dir.glob("sandbox.db*"):
        leftover.unlink()
    return data_dir / "sandbox.db"


def _web_chat() -> tuple[RouteExtension, ...]:
    try:
        from sandbox.webchat import add_web_chat
    except ImportError:  # the page arrives in its own change; the API works without it
        return ()
    return (add_web_chat,)


async def _seed(telegram: FakeTelegram, app: Application, clock: MovableClock) -> Conversation:
    data = demo_data()
    i18n: I18n = make_i18n("zh")
    people = {}
    members = []
    with i18n.context(), i18n.use_locale("zh"):
        for entry in data["people"]:
            roles = [Role.parse(r) for r in entry["roles"]]
            labels = "、".join(role_label(r, app.directory) for r in roles)
            unit = next((app.directory.unit(r.scope).name for r in roles if r.scope), "")
            people[entry["telegram_id"]] = telegram.user(
                entry["name"], id=entry["telegram_id"], username=entry["username"], role=labels, unit=unit or None
            )
            person = await register_person(
                app.db,
                display_name=entry["name"],
                telegram_user_id=entry["telegram_id"],
                language="zh",
                now=clock.now(),
            )
            for role in roles:
                await grant_role(
                    app.db, app.directory, admin_id=None, person_id=person.id or 0, role=role, now=clock.now()
                )
            people[entry["telegram_id"]].opens_private_chat()
            if entry.get("in_group", True):
                members.append(people[entry["telegram_id"]])
    project_data = data["project"]
    # The office makes the bot an administrator so that it can pin the project card.
    group = telegram.group(project_data["group_title"], members=members, bot_is_admin=True)
    async with app.db.uow(read_only=True) as uow:
        creator = await uow.people.by_telegram_id(project_data["created_by"])
    assert creator is not None and creator.id is not None
    project = await create_project(
        app.db,
        app.directory,
        person_id=creator.id,
        name=project_data["name"],
        landing_unit=project_data["landing_unit"],
        now=clock.now(),
    )
    await bind_group(app.db, person_id=creator.id, project_id=project.id or 0, chat_id=group.model.id, now=clock.now())
    return group


async def run_sandbox(port: int, data_dir: Path) -> None:
    """Serve the sandbox until interrupted, saying where to open it."""
    configure_logging(Settings())
    sandbox = await start_sandbox(data_dir=data_dir, port=port)
    print(f"zhikong sandbox: no BOT_TOKEN, so the bot runs against a fake Telegram. Open {sandbox.url}/", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()
