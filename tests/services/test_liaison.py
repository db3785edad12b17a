"""The 联络处 use cases on a real database: the prompt goes out once, a late report is chased in order and stops
when the report is in, the leader receives the report, and a visit starts the gap count again."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest

from domain.calendar import SHANGHAI
from domain.directory import Directory, Role, RoleKind
from domain.liaison import NotContactLeader, NotOfficeStaff, ReportAlreadySubmitted
from domain.scoring import ScoringRules
from domain.supervision import SupervisionRules
from services.liaison import reconcile_liaison, record_visit, submit_report
from services.supervise import Supervision
from storage.uow import Database
from tests.factories import OFFICE, PersonFactory

BEIJING = "liaison_beijing"
SEPTEMBER = date(2026, 9, 1)
ANSWERS = {
    "leads": "某生物医药企业拟布局华东，已电话接洽",
    "activities": "参加京津冀推介会",
    "next_plan": "陪同来磐考察",
}


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


class Cast:
    def __init__(self, staff: int, head: int, leader: int, office: int) -> None:
        self.staff, self.head, self.leader, self.office = staff, head, leader, office


@pytest.fixture
async def cast(person: PersonFactory) -> Cast:
    return Cast(
        staff=await person(Role(RoleKind.STAFF, BEIJING), telegram_user_id=11),
        head=await person(Role(RoleKind.HEAD, BEIJING), telegram_user_id=12),
        leader=await person(Role(RoleKind.CONTACT_LEADER, BEIJING), telegram_user_id=13),
        office=await person(OFFICE, telegram_user_id=14),
    )


def supervision(db: Database, directory: Directory) -> Supervision:
    return Supervision(db, directory, SupervisionRules(), ScoringRules())


async def queued(db: Database) -> list[dict[str, Any]]:
    """The outbox rows queued so far, in order: (message key, chat) and the params."""
    async with db.uow(read_only=True) as uow:
        return [dict(row) for row in await uow.outbox.pending(limit=1000)]


async def new_rows(db: Database, seen: list[dict[str, Any]]) -> list[tuple[str, int]]:
    rows = await queued(db)
    fresh = rows[len(seen) :]
    seen.extend(fresh)
    return [(row["message_key"], row["chat_id"]) for row in fresh]


async def test_the_prompt_goes_to_the_office_once_on_its_day(db: Database, directory: Directory, cast: Cast) -> None:
    seen: list[dict[str, Any]] = []
    # A bot that was down since August catches up: August's report, due on the calendar on 9-08, is asked now,
    # with the full five working days from today (国庆 until 10-07, then the 调休 Saturday 10-10 counts).
    await reconcile_liaison(supervision(db, directory), at(date(2026, 10, 7)))
    assert sorted(set(await new_rows(db, seen))) == [("liaison.prompt", 11), ("liaison.prompt", 12)]
    assert {row["params"]["month"] for row in seen} == {"2026-08"}
    assert {row["params"]["due"] for row in seen} == {"2026-10-13"}
    assert await reconcile_liaison(supervision(db, directory), at(date(2026, 10, 8), hour=8)) == 0  # before 9:00
    assert await new_rows(db, seen) == []
    assert await reconcile_liaison(supervision(db, directory), at(date(2026, 10, 8))) == 1
    assert await new_rows(db, seen) == [("liaison.prompt", 11), ("liaison.prompt", 12)]
    assert seen[-1]["params"] == {"office": BEIJING, "month": "2026-09", "due": "2026-10-14"}
    assert await reconcile_liaison(supervision(db, directory), at(date(2026, 10, 8), hour=15)) == 0
    assert await new_rows(db, seen) == []


async def test_a_late_report_is_reminded_warned_escalated_in_order_and_stops_once_in(
    db: Database, directory: Directory, cast: Cast
) -> None:
    seen: list[dict[str, Any]] = []
    sent: dict[str, list[tuple[str, int]]] = {}
    day = date(2026, 10, 8)
    while day <= date(2026, 10, 20):
        await reconcile_liaison(supervision(db, directory), at(day))
        sent[day.isoformat()] = await new_rows(db, seen)
        day = date.fromordinal(day.toordinal() + 1)
    office = [11, 12]
    assert {d: sorted(k for k, _ in rows) for d, rows in sent.items() if rows} == {
        "2026-10-08": ["liaison.prompt"] * 2,
        "2026-10-12": ["liaison.reminder"] * 2,  # two working days before the 14th (the 10th is 调休, the 11th off)
        "2026-10-13": ["liaison.reminder"] * 2,
        "2026-10-15": ["liaison.warning"] * 2,
        "2026-10-19": ["liaison.escalation"] * 2 + ["liaison.warning"] * 2,
    }
    assert [chat for _, chat in sent["2026-10-15"]] == office
    assert [chat for key, chat in sent["2026-10-19"] if key == "liaison.escalation"] == [13, 14]
    await submit_report(
        db,
        directory,
        SupervisionRules(),
        person_id=cast.head,
        office=BEIJING,
        month=SEPTEMBER,
        answers=ANSWERS,
        now=at(date(2026, 10, 20)),
    )
    rows = await new_rows(db, seen)
    assert rows == [("liaison.report", 13)]
    assert seen[-1]["params"]["late"] is True and seen[-1]["params"]["reporter"]
    await reconcile_liaison(supervision(db, directory), at(date(2026, 10, 21)))
    assert await new_rows(db, seen) == []


async def test_only_the_office_reports_and_only_once(db: Database, directory: Directory, cast: Cast) -> None:
    now = at(date(2026, 10, 9))
    with pytest.raises(NotOfficeStaff):
        await submit_report(
            db,
            directory,
            SupervisionRules(),
            person_id=cast.leader,
            office=BEIJING,
            month=SEPTEMBER,
            answers=ANSWERS,
            now=now,
        )
    report = await submit_report(
        db,
        directory,
        SupervisionRules(),
        person_id=cast.staff,
        office=BEIJING,
        month=SEPTEMBER,
        answers=ANSWERS,
        now=now,
    )
    assert report.id is not None and report.coordination == ""
    with pytest.raises(ReportAlreadySubmitted):
        await submit_report(
            db,
            directory,
            SupervisionRules(),
            person_id=cast.head,
            office=BEIJING,
            month=SEPTEMBER,
            answers=ANSWERS,
            now=now,
        )


async def test_a_visit_tells_the_office_and_starts_the_gap_again(
    db: Database, directory: Directory, cast: Cast
) -> None:
    seen: list[dict[str, Any]] = []
    report = await submit_report(
        db,
        directory,
        SupervisionRules(),
        person_id=cast.staff,
        office=BEIJING,
        month=SEPTEMBER,
        answers=ANSWERS,
        now=at(date(2026, 10, 9)),
    )
    await new_rows(db, seen)

    async def gap_reminders(day: date) -> list[tuple[str, int]]:
        await reconcile_liaison(supervision(db, directory), at(day))
        return [row for row in await new_rows(db, seen) if row[0] == "liaison.visit_gap"]

    assert await gap_reminders(date(2026, 11, 7)) == []  # 29 days after the first report
    assert await gap_reminders(date(2026, 11, 8)) == [("liaison.visit_gap", 13)]
    assert [row["params"]["since"] for row in seen if row["message_key"] == "liaison.visit_gap"] == ["2026-10-09"]
    assert await gap_reminders(date(2026, 11, 9)) == []  # once per gap
    with pytest.raises(NotContactLeader):
        await record_visit(
            db,
            directory,
            person_id=cast.head,
            office=BEIJING,
            visited_on=date(2026, 11, 10),
            whom="某企业",
            outcome="洽谈",
            now=at(date(2026, 11, 10)),
        )
    await record_visit(
        db,
        directory,
        person_id=cast.leader,
        office=BEIJING,
        visited_on=date(2026, 11, 10),
        whom="北京某生物医药集团",
        outcome="企业同意12月来磐考察",
        report_id=report.id,
        now=at(date(2026, 11, 10)),
    )
    told = [row for row in await new_rows(db, seen) if row[0] == "liaison.visit"]
    assert told == [("liaison.visit", 12), ("liaison.visit", 14)]  # the office's 负责人 and the 领导小组办公室
    assert await gap_reminders(date(2026, 12, 9)) == []  # 29 days after the visit
    assert await gap_reminders(date(2026, 12, 10)) == [("liaison.visit_gap", 13)]
