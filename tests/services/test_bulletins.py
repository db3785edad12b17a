"""Publishing the 通报 and the 赛拼: figures from the database, once per period, to every group and leader,
on their day (and on the first pass after a bot that was down over it)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from domain.approval import Category
from domain.bulletin import monthly_from_json
from domain.directory import Directory, Role, RoleKind
from domain.form import ApprovalForm
from domain.lifecycle import Stage
from domain.project import Project
from domain.quantities import Currency, Money
from domain.scoring import ScoringRules
from domain.supervision import SupervisionRules
from services.bulletins import BulletinPeriodInvalid, publish_monthly, reconcile_bulletins
from services.supervise import Supervision
from storage import tables
from storage.supervision import AssessmentMark
from storage.uow import Database
from tests.factories import OFFICE, PersonFactory, head, staff

SCORING = ScoringRules()
RULES = SupervisionRules()  # 通报 on the 5th, 赛拼 on the 10th, at 09:00


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """A moment in 磐安 (UTC+8) as UTC."""
    return datetime(year, month, day, hour - 8, 0, tzinfo=UTC)


async def add_project(
    db: Database,
    directory: Directory,
    creator: int,
    *,
    unit: str,
    history: list[tuple[datetime, Stage]],
    group: int | None = None,
    yi: int | None = None,
    needs_land: bool = False,
    **dates: Any,
) -> int:
    """A project with its stage history written to the audit trail as the moves would have."""
    created_at, _ = history[0]
    form = ApprovalForm(
        category=Category.INDUSTRY,
        is_manufacturing=True,
        needs_land=needs_land,
        total_investment=None if yi is None else Money(Decimal(yi) * 100_000_000, Currency.CNY),
    )
    project = Project(
        name=f"{unit}项目",
        landing_unit=unit,
        deputy=directory.deputy_for(Category.INDUSTRY),
        joint_reviewer=directory.joint_reviewer_for(Category.INDUSTRY).code,
        declared_by_jinpan=False,
        created_by=creator,
        created_at=created_at,
        stage=history[-1][1],
        form=form,
        group_chat_id=group,
        **dates,
    )
    async with db.uow() as uow:
        uow.projects.add(project)
        await uow.flush()
        assert project.id is not None
        for moment, stage in history:
            await uow.audit.append_system("project", project.id, "move", at=moment, before={}, after={"stage": stage})
        await uow.commit()
    return project.id


@pytest.fixture
def supervision(db: Database, directory: Directory) -> Supervision:
    return Supervision(db, directory, RULES, SCORING)


async def outbox(db: Database) -> list[dict[str, Any]]:
    async with db.uow(read_only=True) as uow:
        query = select(tables.outbox).order_by(tables.outbox.c.id)
        return [dict(r) for r in (await uow.session.execute(query)).mappings()]


async def test_the_monthly_bulletin_counts_the_database_and_goes_to_every_group_and_leader(
    db: Database, directory: Directory, person: PersonFactory, supervision: Supervision
) -> None:
    cadre = await person(staff("jianshan"), telegram_user_id=11)
    await person(OFFICE, telegram_user_id=21)
    await person(Role(RoleKind.COUNTY_HEAD), telegram_user_id=22)
    await person(Role(RoleKind.DEPUTY_HEAD, "deputy_industry"), telegram_user_id=23)
    await person(Role(RoleKind.CONTACT_LEADER, "jianshan"), telegram_user_id=24)
    await person(head("jianshan"), telegram_user_id=25)
    await person(head("natural_resources"), telegram_user_id=26)  # a department's head: not a landing unit
    # Signed in October, then started in November: at October's end it was 已签约.
    await add_project(
        db,
        directory,
        cadre,
        unit="jianshan",
        group=-100,
        yi=8,
        history=[(at(2026, 9, 1), Stage.PLANNING), (at(2026, 10, 20), Stage.SIGNED), (at(2026, 11, 2), Stage.STARTED)],
        agreement_signed_on=date(2026, 10, 20),
        construction_started_on=date(2026, 11, 2),
    )
    await add_project(db, directory, cadre, unit="jianshan", group=-200, history=[(at(2026, 10, 3), Stage.PLANNING)])
    # Created after October: not in October's figures, but its group still reads the 通报.
    await add_project(db, directory, cadre, unit="anwen", group=-300, history=[(at(2026, 11, 1), Stage.PLANNING)])
    async with db.uow() as uow:
        late = AssessmentMark("jianshan", 2026, "late_update", Decimal("-0.5"), "p1:2026-10", date(2026, 10, 12))
        await uow.marks.add(late, at(2026, 10, 12))
        await uow.commit()

    assert await reconcile_bulletins(supervision, at(2026, 11, 4)) == 2  # September's 通报 and Q3's 赛拼, late
    assert await reconcile_bulletins(supervision, at(2026, 11, 5, hour=8)) == 0  # before the sending hour
    assert await reconcile_bulletins(supervision, at(2026, 11, 5, hour=9)) == 1

    rows = [r for r in await outbox(db) if r["params"]["period"] == "2026-10"]
    readers = [-100, -200, -300, 21, 22, 23, 24, 25]
    assert [r["chat_id"] for r in rows if r["message_key"] == "bulletin.text"] == readers
    assert [r["message_key"] for r in rows] == ["bulletin.text"] * 8 + ["bulletin.chart"] * 8 + ["bulletin.table"] * 8
    assert len({r["event_id"] for r in rows}) == 3  # one event per part: each (event, chat) once
    figures = monthly_from_json(rows[0]["params"]["figures"])
    assert (figures.year, figures.month) == (2026, 10)
    jianshan = next(u for u in figures.units if u.unit == "jianshan")
    assert jianshan.stages == {"planning": 1, "signed": 1}
    assert (jianshan.new, jianshan.signed, jianshan.started, jianshan.overdue_updates) == (1, 1, 0, 1)
    # Signed without land is landed: an 8亿 manufacturing project this year.
    assert (jianshan.landed, jianshan.major_manufacturing) == (1, 1)
    assert figures.county.in_pipeline == 2


async def test_a_bulletin_is_published_once_however_often_the_pass_runs(
    db: Database, directory: Directory, person: PersonFactory, supervision: Supervision
) -> None:
    cadre = await person(staff("jianshan"))
    await add_project(db, directory, cadre, unit="jianshan", group=-100, history=[(at(2026, 9, 1), Stage.PLANNING)])
    assert await reconcile_bulletins(supervision, at(2026, 11, 5)) == 2  # October's 通报, and Q3's 赛拼
    assert await reconcile_bulletins(supervision, at(2026, 11, 5)) == 0
    assert await reconcile_bulletins(supervision, at(2026, 11, 20)) == 0
    assert await publish_monthly(db, directory, SCORING, 2026, 10, at(2026, 11, 6)) is None
    assert len(await outbox(db)) == 2 * 3  # one group, three parts each


async def test_a_bot_down_over_the_days_publishes_only_the_latest_due_when_it_starts(
    db: Database, directory: Directory, person: PersonFactory, supervision: Supervision
) -> None:
    cadre = await person(staff("jianshan"))
    await add_project(db, directory, cadre, unit="jianshan", group=-100, history=[(at(2026, 1, 5), Stage.PLANNING)])
    # Down from the summer until 2026-10-12: August's and September's 通报 and Q2's 赛拼 were never published.
    assert await reconcile_bulletins(supervision, at(2026, 10, 12)) == 2
    async with db.uow(read_only=True) as uow:
        assert await uow.bulletins.find("monthly", "2026-09") is not None
        assert await uow.bulletins.find("monthly", "2026-08") is None
        assert await uow.bulletins.find("quarterly", "2026-Q3") is not None
        assert await uow.bulletins.find("quarterly", "2026-Q2") is None


async def test_a_month_that_has_not_ended_has_no_bulletin(db: Database, directory: Directory) -> None:
    with pytest.raises(BulletinPeriodInvalid):
        await publish_monthly(db, directory, SCORING, 2026, 11, at(2026, 11, 30))
    assert await outbox(db) == []


async def test_a_new_deployment_publishes_nothing_for_periods_before_its_first_project(
    db: Database, directory: Directory, person: PersonFactory, supervision: Supervision
) -> None:
    assert await reconcile_bulletins(supervision, at(2026, 11, 28)) == 0  # no project at all: nothing to say
    cadre = await person(staff("jianshan"))
    # First recorded on 11-20: October's 通报 and Q3's 赛拼 would only be zeros, so they are not broadcast.
    await add_project(db, directory, cadre, unit="jianshan", group=-100, history=[(at(2026, 11, 20), Stage.PLANNING)])
    assert await reconcile_bulletins(supervision, at(2026, 11, 28)) == 0
    assert await outbox(db) == []
    # November, the first month it has seen, is published on its day.
    assert await reconcile_bulletins(supervision, at(2026, 12, 5)) == 1
    assert {r["params"]["period"] for r in await outbox(db)} == {"2026-11"}
