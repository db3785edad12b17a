"""`zhikong doctor` against the fake Telegram: one line per check, OK or what to do, and never the token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from pydantic import SecretStr
from sqlalchemy import text

from sandbox import FakeTelegram, SandboxServer
from services.setup import open_database, read_directory
from storage import migrate
from storage.engine import create_engine
from storage.repositories import OutboxStatus
from tests.faults.processes import environment, zhikong
from zhikong.doctor import doctor
from zhikong.settings import Settings

TOKEN = "7000000077:doctor-test-token-AbCdEf123456"
A_GOOD_YEAR = date(2025, 6, 1)  # 2025 and 2026 are both in the packaged holiday calendar
NOW = datetime(2025, 6, 1, 2, tzinfo=UTC)


@pytest_asyncio.fixture
async def server() -> AsyncIterator[SandboxServer]:
    served = SandboxServer(FakeTelegram(token=TOKEN))
    await served.start()
    yield served
    await served.stop()


@pytest_asyncio.fixture
async def bot(server: SandboxServer) -> AsyncIterator[Bot]:
    """The fake's bot, to set a webhook the way another deployment would."""
    async with Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url))) as client:
        yield client


async def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'zhikong.db'}"
    db = await open_database(url, read_directory())
    await db.dispose()
    return url


def settings(server: SandboxServer, database_url: str, **more: object) -> Settings:
    values: dict[str, object] = {"bot_token": SecretStr(TOKEN), "telegram_api_url": server.url}
    values.update({"database_url": database_url, "webhook_url": None, "webhook_secret": None, **more})
    return Settings(**values)  # type: ignore[arg-type]


def line(lines: list[str], name: str) -> str:
    return next(entry for entry in lines if entry.split(maxsplit=1)[1].startswith(name + ":"))


async def test_a_healthy_installation_is_ok_on_every_line(server: SandboxServer, tmp_path: Path) -> None:
    lines, status = await doctor(settings(server, await migrated(tmp_path)), today=A_GOOD_YEAR)
    assert status == 0, lines
    assert [entry.split(maxsplit=1)[0] for entry in lines] == ["OK"] * 5
    assert "@zhikong_bot" in line(lines, "Telegram token")
    assert "polls" in line(lines, "webhook")


async def test_a_wrong_token_is_named_without_printing_it(server: SandboxServer, tmp_path: Path) -> None:
    wrong = settings(server, await migrated(tmp_path), bot_token=SecretStr("7000000077:not-the-right-one"))
    lines, status = await doctor(wrong, today=A_GOOD_YEAR)
    assert status == 1
    assert line(lines, "Telegram token").startswith("FAIL") and "@BotFather" in line(lines, "Telegram token")
    assert line(lines, "webhook").startswith("FAIL")
    assert line(lines, "database").startswith("OK")
    assert "not-the-right-one" not in "\n".join(lines)


async def test_telegram_out_of_reach_says_where_it_looked(tmp_path: Path) -> None:
    closed = Settings(
        bot_token=SecretStr(TOKEN), telegram_api_url="http://127.0.0.1:9", database_url=await migrated(tmp_path)
    )
    lines, status = await doctor(closed, today=A_GOOD_YEAR)
    assert status == 1 and "cannot reach Telegram at http://127.0.0.1:9" in line(lines, "Telegram token")


async def test_a_missing_database_is_reported_and_not_created(server: SandboxServer, tmp_path: Path) -> None:
    path = tmp_path / "nowhere.db"
    lines, status = await doctor(settings(server, f"sqlite:///{path}"), today=A_GOOD_YEAR)
    assert status == 1 and "zhikong migrate" in line(lines, "database") and not path.exists()
    assert line(lines, "outbox").startswith("FAIL")
    assert line(lines, "holiday calendar").startswith("OK")


async def test_an_empty_or_old_database_asks_for_zhikong_migrate(server: SandboxServer, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE unrelated (id INTEGER)"))
    lines, status = await doctor(settings(server, url), today=A_GOOD_YEAR)
    assert status == 1 and "no tables yet" in line(lines, "database")
    await migrate.upgrade(engine, "0005")
    await engine.dispose()
    lines, status = await doctor(settings(server, url), today=A_GOOD_YEAR)
    assert status == 1 and "revision 0005" in line(lines, "database") and "zhikong migrate" in line(lines, "database")


async def test_an_unreachable_postgresql_is_reported(server: SandboxServer) -> None:
    url = "postgresql://zhikong:hunter2@127.0.0.1:9/zhikong"
    lines, status = await doctor(settings(server, url), today=A_GOOD_YEAR)
    assert status == 1 and "cannot open" in line(lines, "database") and "hunter2" not in "\n".join(lines)


async def test_a_webhook_at_the_wrong_address_or_none_expected(server: SandboxServer, bot: Bot, tmp_path: Path) -> None:
    url = await migrated(tmp_path)
    await bot.set_webhook("http://127.0.0.1:8443/telegram/webhook")
    lines, status = await doctor(settings(server, url), today=A_GOOD_YEAR)
    assert status == 1 and "WEBHOOK_URL is not set" in line(lines, "webhook")
    lines, status = await doctor(settings(server, url, webhook_url="http://127.0.0.1:8443/"), today=A_GOOD_YEAR)
    assert status == 0 and line(lines, "webhook").startswith("OK")
    lines, status = await doctor(settings(server, url, webhook_url="http://localhost:8443"), today=A_GOOD_YEAR)
    assert status == 1 and "not at http://localhost:8443/telegram/webhook" in line(lines, "webhook")
    await bot.delete_webhook()
    lines, status = await doctor(settings(server, url, webhook_url="http://127.0.0.1:8443"), today=A_GOOD_YEAR)
    assert status == 1 and "is not registered" in line(lines, "webhook")


async def test_outbox_rows_unknown_or_failed_send_the_office_to_outbox(server: SandboxServer, tmp_path: Path) -> None:
    url = await migrated(tmp_path)
    db = await open_database(url, read_directory())
    async with db.uow() as uow:
        event = await uow.audit.append_system("bulletin", 1, "bulletin_published", at=NOW, before={}, after={})
        await uow.outbox.add(event, [-1001, -1002, -1003], "bulletin.part", {}, NOW)
        await uow.commit()
    engine = db.engine
    async with engine.begin() as connection:
        for chat_id, state in ((-1001, OutboxStatus.UNKNOWN), (-1002, OutboxStatus.FAILED)):
            await connection.execute(
                text("UPDATE outbox SET status = :status WHERE chat_id = :chat"), {"status": state, "chat": chat_id}
            )
    await db.dispose()
    lines, status = await doctor(settings(server, url), today=A_GOOD_YEAR)
    outbox = line(lines, "outbox")
    assert status == 1 and "1 unknown, 1 failed" in outbox and "/outbox" in outbox
    async with engine.begin() as connection:  # the office dealt with both in /outbox (补发 or 不需补发)
        await connection.execute(text("UPDATE outbox SET resolved_at = :now WHERE status != 'pending'"), {"now": NOW})
    await engine.dispose()
    lines, status = await doctor(settings(server, url), today=A_GOOD_YEAR)
    assert line(lines, "outbox").startswith("OK")


async def test_a_calendar_without_next_year_says_what_to_do(server: SandboxServer, tmp_path: Path) -> None:
    lines, status = await doctor(settings(server, await migrated(tmp_path)), today=date(2026, 12, 4))
    calendar = line(lines, "holiday calendar")
    assert status == 1 and calendar.startswith("FAIL") and "2027" in calendar and "2026" not in calendar


async def test_the_command_exits_non_zero_and_never_prints_the_token(server: SandboxServer, tmp_path: Path) -> None:
    env = environment(BOT_TOKEN="7000000077:wrong-token-ZyXw987", TELEGRAM_API_URL=server.url)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'none.db'}"
    async with zhikong("doctor", env=env) as run:
        await run.proc.wait()
    assert run.proc.returncode == 1
    assert "FAIL  Telegram token" in run.output and "FAIL  database" in run.output
    assert "wrong-token" not in run.output
