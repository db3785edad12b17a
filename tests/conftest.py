"""Shared fixtures: a migrated database on SQLite (always) and on PostgreSQL (when a server answers)."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from domain.directory import Directory, Role
from services.people import grant_role, register_person
from services.setup import open_database, read_directory
from storage.uow import Database
from tests.factories import NOW, PersonFactory
from tests.journeys import cast  # noqa: F401  (a fixture shared by several test modules)

POSTGRES_URL = os.environ.get("ZHIKONG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _server_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=1):
            return True
    except OSError:
        return False


def require_postgres() -> str:
    """The PostgreSQL URL, or skip saying why; on CI a missing server is a failure, not a skip."""
    if _server_answers(POSTGRES_URL):
        return POSTGRES_URL
    reason = f"no PostgreSQL server answers at {urlsplit(POSTGRES_URL).netloc} (set ZHIKONG_TEST_POSTGRES_URL)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the PostgreSQL tests, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def directory() -> Directory:
    return read_directory()


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[str]:
    """A fresh database of its own on the server, so the suite never touches anyone's data."""
    base = require_postgres()
    name = f"zhikong_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_execute(base, f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    asyncio.run(_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _execute(url: str, sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on each supported backend: embedded SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'zhikong.db'}"
    return str(request.getfixturevalue("postgres_database_url"))


@pytest.fixture
async def db(database_url: str, directory: Directory) -> AsyncIterator[Database]:
    """A database migrated to the newest schema with the directory loaded, empty otherwise."""
    if database_url.startswith("postgresql"):
        await _execute(database_url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    database = await open_database(database_url, directory)
    yield database
    await database.dispose()


@pytest.fixture
def person(db: Database, directory: Directory) -> PersonFactory:
    """Create a person holding the given roles; returns their id."""
    counter = iter(range(1000, 10_000))

    async def make(*roles: Role, name: str = "", telegram_user_id: int | None = None) -> int:
        tg = telegram_user_id if telegram_user_id is not None else next(counter)
        someone = await register_person(
            db, display_name=name or f"user{tg}", telegram_user_id=tg, language="zh", now=NOW
        )
        assert someone.id is not None
        for role in roles:
            await grant_role(db, directory, admin_id=None, person_id=someone.id, role=role, now=NOW)
        return someone.id

    return make
