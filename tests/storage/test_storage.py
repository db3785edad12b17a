"""Storage guarantees: atomic units of work, optimistic locking, append-only audit, exact round trips."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from domain.directory import Directory, Role, RoleKind
from domain.project import Project, StepClosed
from domain.quantities import Currency, Money
from domain.records import Decision
from services import projects as uc
from storage import migrate, tables
from storage.engine import async_url, create_engine
from storage.repositories import Outbox
from storage.uow import ConcurrentUpdate, Database
from tests.factories import NOW, OFFICE, PersonFactory, complete_form, staff
from tests.journeys import Cast, to_approval


async def count(db: Database, table: str) -> int:
    async with db.uow(read_only=True) as uow:
        return int((await uow.session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_a_unit_of_work_rolls_back_unless_committed(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    cadre = await person(staff("jianshan"))
    async with db.uow() as uow:
        principal = await uow.people.principal(cadre)
        uow.projects.add(Project.create(principal, directory, name="未提交", landing_unit="jianshan", now=NOW))
        await uow.flush()
    assert await count(db, "projects") == 0


async def test_the_form_comes_back_exactly_as_saved(db: Database, directory: Directory, person: PersonFactory) -> None:
    cadre = await person(staff("jianshan"))
    project = await uc.create_project(db, directory, person_id=cadre, name="精确", landing_unit="jianshan", now=NOW)
    values = complete_form(land_mu=Decimal("33.3333")) | {
        "total_investment": Money(Decimal("12000000.00"), Currency.USD)
    }
    await uc.edit_form(db, directory, person_id=cadre, project_id=project.id or 0, now=NOW, **values)
    saved = await uc.get_project(db, project.id or 0)
    for name, value in values.items():
        assert getattr(saved.form, name) == value, name
    assert saved.created_at == NOW


async def test_two_concurrent_decisions_on_one_step_leave_exactly_one(
    db: Database, directory: Directory, cast: Cast
) -> None:
    project = await to_approval(db, directory, cast, land_mu=Decimal(35))
    step = project.open_step()
    assert step is not None and step.id is not None

    async def decide(decision: Decision) -> object:
        return await uc.decide_step(
            db, person_id=cast.deputy, project_id=project.id or 0, step_id=step.id or 0, decision=decision, now=NOW
        )

    results = await asyncio.gather(decide(Decision.APPROVE), decide(Decision.REFUSE), return_exceptions=True)
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], StepClosed | ConcurrentUpdate), results
    async with db.uow(read_only=True) as uow:
        trail = await uow.audit.for_subject("project", project.id or 0)
    assert [row["name"] for row in trail].count("decide_step") == 1


@pytest.mark.postgres
async def test_a_stale_step_loses_to_the_first_commit(postgres_database_url: str, directory: Directory) -> None:
    """On PostgreSQL two transactions really interleave: the version column decides."""
    from services.setup import open_database
    from tests.conftest import _execute

    await _execute(postgres_database_url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    db = await open_database(postgres_database_url, directory)
    try:
        from services.people import grant_role, register_person

        ids = []
        for role in (
            staff("jianshan"),
            OFFICE,
            Role(RoleKind.DEPUTY_HEAD, "deputy_industry"),
            Role(RoleKind.COUNTY_HEAD),
            staff("industry_investment_office"),
            staff("natural_resources"),
        ):
            someone = await register_person(db, display_name=str(role), telegram_user_id=None, language="zh", now=NOW)
            await grant_role(db, directory, admin_id=None, person_id=someone.id or 0, role=role, now=NOW)
            ids.append(someone.id or 0)
        project = await to_approval(db, directory, Cast(*ids), land_mu=Decimal(35))
        first, second = db.uow(), db.uow()
        async with first, second:
            one = await first.projects.get(project.id or 0)
            two = await second.projects.get(project.id or 0)
            deputy = await first.people.principal(ids[2])
            step_id = one.open_step().id  # type: ignore[union-attr]
            one.decide_step(deputy, step_id or 0, Decision.APPROVE, NOW)
            two.decide_step(deputy, step_id or 0, Decision.REFUSE, NOW)
            await first.commit()
            with pytest.raises(ConcurrentUpdate):
                await second.commit()
        saved = await uc.get_project(db, project.id or 0)
        assert saved.steps[0].decided_by == ids[2] and saved.steps[0].status.value == "approved"
    finally:
        await db.dispose()


async def test_a_crash_before_the_outbox_rows_leaves_neither_state_nor_audit(
    db: Database, directory: Directory, person: PersonFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    cadre = await person(staff("jianshan"))
    await person(OFFICE)
    project = await uc.create_project(db, directory, person_id=cadre, name="崩溃", landing_unit="jianshan", now=NOW)
    pid = project.id or 0
    await uc.edit_form(db, directory, person_id=cadre, project_id=pid, now=NOW, **complete_form())
    await uc.record_argumentation(db, person_id=cadre, project_id=pid, held_on=date(2026, 11, 1), now=NOW)
    audit_before, outbox_before = await count(db, "audit_events"), await count(db, "outbox")

    async def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(Outbox, "add", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        await uc.submit_form(db, person_id=cadre, project_id=pid, now=NOW)
    assert (await uc.get_project(db, pid)).stage.value == "argued"
    assert (await count(db, "audit_events"), await count(db, "outbox")) == (audit_before, outbox_before)


async def test_the_audit_trail_cannot_be_rewritten(db: Database, directory: Directory, person: PersonFactory) -> None:
    cadre = await person(staff("jianshan"))
    await uc.create_project(db, directory, person_id=cadre, name="审计", landing_unit="jianshan", now=NOW)
    for statement in (update(tables.audit_events).values(name="forged"), tables.audit_events.delete()):
        async with db.uow() as uow:
            with pytest.raises(DBAPIError, match="append-only"):
                await uow.session.execute(statement)
    assert await count(db, "audit_events") >= 1


async def test_one_event_reaches_one_chat_at_most_once(
    db: Database, directory: Directory, person: PersonFactory
) -> None:
    cadre = await person(staff("jianshan"))
    await uc.create_project(db, directory, person_id=cadre, name="唯一", landing_unit="jianshan", now=NOW)
    async with db.uow() as uow:
        event_id = (await uow.session.execute(select(func.min(tables.audit_events.c.id)))).scalar_one()
        await uow.outbox.add(event_id, [42, 42, 43], "k", {}, NOW)
        assert await uow.outbox.count() == 2
        with pytest.raises(IntegrityError):
            await uow.session.execute(
                insert(tables.outbox).values(event_id=event_id, chat_id=42, message_key="k", params={}, created_at=NOW)
            )


async def test_migrations_go_up_down_and_up_again(db: Database) -> None:
    await migrate.downgrade(db.engine, "base")
    async with db.engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(c.dialect.get_table_names(c)))
    assert names <= {"alembic_version"}
    await migrate.upgrade(db.engine)
    async with db.engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(c.dialect.get_table_names(c)))
    assert set(tables.metadata.tables) <= names


async def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path: object) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/pragmas.db")
    try:
        async with engine.connect() as connection:
            pragmas = {
                name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
    finally:
        await engine.dispose()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 15000}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///var/zhikong.db", "sqlite+aiosqlite:///var/zhikong.db"),
        ("postgresql://u:p@db:5432/zk", "postgresql+asyncpg://u:p@db:5432/zk"),
        ("postgres://u@db/zk", "postgresql+asyncpg://u@db/zk"),
        ("postgresql+asyncpg://u@db/zk", "postgresql+asyncpg://u@db/zk"),
    ],
)
def test_the_database_url_alone_chooses_the_backend(url: str, expected: str) -> None:
    assert async_url(url) == expected


def test_an_unsupported_database_is_named_without_its_password() -> None:
    with pytest.raises(ValueError, match="mysql") as raised:
        async_url("mysql://user:secret@host/db")
    assert "secret" not in str(raised.value)
