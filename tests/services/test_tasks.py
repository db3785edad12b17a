"""交办单 use cases on a real database: each step tells the right people, overdue items are reminded, warned and
escalated in order as the clock moves, and a 通报批评 is recorded once for the annual assessment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.directory import Directory, Role, RoleKind
from domain.scoring import ScoringRules
from domain.supervision import SupervisionRules
from domain.tasks import ItemDraft, TaskItemCriticized, TaskMoveRefused, TaskNotAllowed, TaskStatus
from services import groups as groups_uc
from services import projects as projects_uc
from services import tasks as uc
from services.supervise import Supervision
from storage.repositories import OutboxStatus
from storage.tasks import TaskChanged
from storage.uow import Database
from tests.factories import NOW, OFFICE, PersonFactory, head, staff
from tests.journeys import ident

RULES = SupervisionRules()
ITEMS = [ItemDraft("finance", "落实厂房租金补助"), ItemDraft("natural_resources", "完成用地预审", date(2026, 12, 31))]


def at(day: date) -> datetime:
    """10:00 in 磐安 on `day` (after the sending hour)."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


@dataclass
class People:
    cadre: int
    office: int
    county_head: int
    supervision: int
    finance_head: int
    finance_staff: int
    land: int
    finance_leader: int


# Each person's Telegram id is their role's number, so a test can say who got a message.
TG = {"cadre": 11, "office": 12, "county_head": 13, "supervision": 14, "finance_head": 15, "finance_staff": 16}
TG |= {"land": 17, "finance_leader": 18}


@pytest.fixture
async def people(person: PersonFactory) -> People:
    roles = {
        "cadre": staff("jianshan"),
        "office": OFFICE,
        "county_head": Role(RoleKind.COUNTY_HEAD),
        "supervision": Role(RoleKind.SUPERVISION),
        "finance_head": head("finance"),
        "finance_staff": staff("finance"),
        "land": staff("natural_resources"),
        "finance_leader": Role(RoleKind.CONTACT_LEADER, "finance"),
    }
    ids = {name: await person(role, telegram_user_id=TG[name]) for name, role in roles.items()}
    return People(**ids)


async def queued(db: Database) -> list[tuple[str, str]]:
    """The queued messages as (notice, who), oldest first; then marked sent, so the next call sees new ones."""
    names = {tg: name for name, tg in TG.items()}
    async with db.uow() as uow:
        rows = await uow.outbox.pending(limit=1000)
        for row in rows:
            await uow.outbox.settle(row["id"], OutboxStatus.SENT, now=NOW)
        await uow.commit()
    return [(row["message_key"], names.get(row["chat_id"], str(row["chat_id"]))) for row in rows]


async def issued(db: Database, people: People, directory: Directory, project_id: int | None = None) -> int:
    request = await uc.report_problem(
        db, directory, person_id=people.cadre, material="用地指标不足", now=NOW, project_id=project_id
    )
    rid = ident(request.id)
    await uc.prepare_task(db, person_id=people.office, request_id=rid, summary="协调用地", items=ITEMS, now=NOW)
    await uc.approve_task(db, person_id=people.county_head, request_id=rid, now=NOW)
    await uc.issue_task(db, RULES, person_id=people.supervision, request_id=rid, now=NOW)
    return rid


async def test_a_request_goes_from_report_to_closed_telling_each_person_their_turn(
    db: Database, directory: Directory, people: People
) -> None:
    request = await uc.report_problem(db, directory, person_id=people.cadre, material="用地指标不足", now=NOW)
    rid = ident(request.id)
    assert await queued(db) == [("task.prepare_request", "office")]

    await uc.prepare_task(db, person_id=people.office, request_id=rid, summary="协调用地", items=ITEMS, now=NOW)
    assert await queued(db) == [("task.approve_request", "county_head"), ("task.update", "cadre")]

    await uc.approve_task(db, person_id=people.county_head, request_id=rid, now=NOW)
    assert await queued(db) == [
        ("task.issue_request", "supervision"),
        ("task.update", "office"),
        ("task.update", "cadre"),
    ]

    request = await uc.issue_task(db, RULES, person_id=people.supervision, request_id=rid, now=NOW)
    assert [i.due_on for i in request.items] == [date(2026, 12, 11), date(2026, 12, 31)]
    assert await queued(db) == [
        ("task.assigned", "finance_staff"),
        ("task.assigned", "finance_head"),
        ("task.assigned", "land"),
        ("task.update", "cadre"),
        ("task.update", "office"),
        ("task.update", "county_head"),
    ]

    first, second = (ident(i.id) for i in request.items)
    with pytest.raises(TaskNotAllowed):
        await uc.complete_item(db, person_id=people.land, item_id=first, explanation="已办", now=NOW)
    await uc.complete_item(db, person_id=people.finance_staff, item_id=first, explanation="补助已拨付", now=NOW)
    assert await queued(db) == [("task.update", "supervision"), ("task.update", "office"), ("task.update", "cadre")]
    await uc.complete_item(db, person_id=people.land, item_id=second, explanation="预审已完成", now=NOW)
    assert [key for key, _who in await queued(db)] == ["task.update"] * 3 + ["task.update"] * 4
    assert (await uc.get_task(db, rid)).status is TaskStatus.CLOSED

    async with db.uow(read_only=True) as uow:
        trail = [row["name"] for row in await uow.audit.for_subject("task", rid)]
    assert trail == [
        "task_reported",
        "task_prepared",
        "task_approved",
        "task_issued",
        "task_item_done",
        "task_item_done",
        "task_closed",
    ]


async def test_a_request_about_a_project_is_seen_in_its_group_when_issued_and_closed(
    db: Database, directory: Directory, people: People
) -> None:
    project = await projects_uc.create_project(
        db, directory, person_id=people.cadre, name="药谷项目", landing_unit="jianshan", now=NOW
    )
    pid = ident(project.id)
    await groups_uc.bind_group(db, person_id=people.cadre, project_id=pid, chat_id=-100, now=NOW)
    await queued(db)
    rid = await issued(db, people, directory, project_id=pid)
    assert [who for key, who in await queued(db) if who == "-100"] == ["-100"]  # issued, not before
    view = await uc.view_task(db, rid)
    assert view.project_name == "药谷项目"


async def test_a_return_and_a_send_back_go_to_whom_they_concern(
    db: Database, directory: Directory, people: People
) -> None:
    request = await uc.report_problem(db, directory, person_id=people.cadre, material="问题", now=NOW)
    rid = ident(request.id)
    await uc.prepare_task(db, person_id=people.office, request_id=rid, summary="摘要", items=ITEMS, now=NOW)
    await queued(db)
    await uc.send_back_task(db, person_id=people.county_head, request_id=rid, reason="事项不具体", now=NOW)
    assert await queued(db) == [("task.prepare_request", "office")]
    await uc.return_report(db, person_id=people.office, request_id=rid, reason="不属于县级协调", now=NOW)
    assert await queued(db) == [("task.update", "cadre")]
    assert (await uc.get_task(db, rid)).note == "不属于县级协调"


async def test_a_second_tap_changes_nothing(db: Database, directory: Directory, people: People) -> None:
    request = await uc.report_problem(db, directory, person_id=people.cadre, material="问题", now=NOW)
    rid = ident(request.id)
    await uc.prepare_task(db, person_id=people.office, request_id=rid, summary="摘要", items=ITEMS, now=NOW)
    await uc.approve_task(db, person_id=people.county_head, request_id=rid, now=NOW)
    await queued(db)
    with pytest.raises(TaskMoveRefused):
        await uc.approve_task(db, person_id=people.county_head, request_id=rid, now=NOW)
    assert await queued(db) == []
    # Two taps read the same version; the one saved second loses and nothing of it is kept.
    stale = await uc.get_task(db, rid)
    principal = await uc.principal_of(db, people.supervision)
    await uc.refer_back_task(db, person_id=people.supervision, request_id=rid, reason="甲", now=NOW)
    stale.refer_back(principal, "乙", NOW)
    async with db.uow() as uow:
        with pytest.raises(TaskChanged):
            await uow.tasks.save(stale)
    assert (await uc.get_task(db, rid)).note == "甲"


async def test_an_overdue_item_is_reminded_warned_and_escalated_in_order_each_once(
    db: Database, directory: Directory, people: People
) -> None:
    rid = await issued(db, people, directory)
    await queued(db)
    supervision = Supervision(db, directory, RULES, ScoringRules())
    finance = ["finance_staff", "finance_head"]

    async def on(day: date) -> list[tuple[str, str]]:
        await uc.reconcile_task_items(supervision, at(day))
        again = await uc.reconcile_task_items(supervision, at(day))
        assert again == 0, "a doubled tick sends nothing twice"
        return await queued(db)

    assert await on(date(2026, 12, 8)) == []
    assert await on(date(2026, 12, 9)) == [("task.item_reminder", who) for who in finance]
    assert await on(date(2026, 12, 10)) == [("task.item_reminder", who) for who in finance]
    assert await on(date(2026, 12, 11)) == []  # due today: the reminder of the day before was the last
    assert await on(date(2026, 12, 14)) == [
        ("task.item_overdue", "supervision"),
        *(("task.item_warning", who) for who in finance),
    ]
    assert await on(date(2026, 12, 15)) == []
    assert await on(date(2026, 12, 16)) == [
        ("task.item_escalation", "finance_leader"),
        ("task.item_escalation", "office"),
        ("task.item_overdue", "supervision"),
        *(("task.item_warning", who) for who in finance),
    ]
    assert await on(date(2026, 12, 17)) == []
    assert (await uc.get_task(db, rid)).status is TaskStatus.ISSUED


async def test_a_criticism_is_recorded_once_as_a_mark_the_assessment_counts(
    db: Database, directory: Directory, people: People
) -> None:
    rid = await issued(db, people, directory)
    item = (await uc.get_task(db, rid)).items[0]
    await queued(db)
    late = at(date(2026, 12, 14))
    await uc.criticize_item(db, person_id=people.supervision, item_id=ident(item.id), now=late)
    assert await queued(db) == [
        ("task.update", "finance_head"),
        ("task.update", "office"),
        ("task.update", "county_head"),
    ]
    with pytest.raises(TaskItemCriticized):
        await uc.criticize_item(db, person_id=people.supervision, item_id=ident(item.id), now=late)
    async with db.uow(read_only=True) as uow:
        marks = await uow.marks.for_year(2026, unit="finance")
    assert [(m.kind, m.points, m.source) for m in marks] == [("criticism", Decimal(0), f"task-item:{item.id}")]
    assert await queued(db) == []


async def test_the_list_shows_each_person_what_concerns_them(
    db: Database, directory: Directory, people: People
) -> None:
    rid = await issued(db, people, directory)
    other = await uc.report_problem(db, directory, person_id=people.cadre, material="另一个问题", now=NOW)
    assert [v.request.id for v in await uc.tasks_for(db, people.office)] == [rid, other.id]
    assert [v.request.id for v in await uc.tasks_for(db, people.finance_staff)] == [rid]
    assert [v.request.id for v in await uc.tasks_for(db, people.cadre)] == [rid, other.id]
    finance_item = ident((await uc.get_task(db, rid)).items[0].id)
    await uc.complete_item(db, person_id=people.finance_head, item_id=finance_item, explanation="已拨付", now=NOW)
    assert await uc.tasks_for(db, people.finance_staff) == []
