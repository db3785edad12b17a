"""The monthly update on a real database: the prompt goes out once on its day, an outstanding update is reminded,
warned about and escalated in order, a bot that was down sends only the latest alarm, a late update and a
missing one cost the unit the configured points, and the reported funds add up."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from domain.calendar import SHANGHAI
from domain.directory import Directory, Role, RoleKind
from domain.progress import NotLandingUnit, UpdateNotOpen
from domain.scoring import ScoringRules
from domain.supervision import SupervisionRules
from services import groups as groups_uc
from services import projects as uc
from services.progress import reconcile_progress, submit_update
from services.supervise import Supervision
from storage.uow import Database
from tests.factories import NOW, PersonFactory
from tests.journeys import Cast, ident

GROUP = -100_777
SCORING = ScoringRules()
# November 2026 is asked on Tue 12-01 and due Tue 12-08: reminders 12-04 and 12-07, warnings 12-09 and 12-11,
# the escalation 12-11 (3 working days late); December is asked on 2027-01-01 (2027's calendar is unpublished).
NOVEMBER = date(2026, 11, 1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def supervision(db: Database, directory: Directory) -> Supervision:
    return Supervision(db, directory, SupervisionRules(), SCORING)


async def project_of(db: Database, directory: Directory, cast: Cast, *, group: int | None = GROUP) -> int:
    project = await uc.create_project(
        db, directory, person_id=cast.cadre, name="中药饮片项目", landing_unit="jianshan", now=NOW
    )
    pid = ident(project.id)
    if group is not None:
        await groups_uc.bind_group(db, person_id=cast.cadre, project_id=pid, chat_id=group, now=NOW)
    return pid


async def queued(db: Database) -> list[tuple[str, int]]:
    """Every progress message queued so far, oldest first: (message key, chat)."""
    async with db.uow(read_only=True) as uow:
        rows = await uow.outbox.pending(limit=1000)
    return [(row["message_key"], row["chat_id"]) for row in rows if row["message_key"].startswith("progress.")]


class Run:
    """The reconciler at successive moments; each call gives back what that pass queued (not the updates' own
    summaries, nor the units' reports unless asked for)."""

    def __init__(self, db: Database, directory: Directory, *, reports: bool = False) -> None:
        self.db, self.supervision, self.seen, self.reports = db, supervision(db, directory), 0, reports

    async def __call__(self, moment: datetime) -> list[tuple[str, int]]:
        await reconcile_progress(self.supervision, moment)
        rows = await queued(self.db)
        new, self.seen = rows[self.seen :], len(rows)
        skipped = {"progress.update"} if self.reports else {"progress.update", "progress.report"}
        return [row for row in new if row[0] not in skipped]


async def submit(db: Database, cast: Cast, pid: int, now: datetime, **changes: Any) -> Any:
    values: dict[str, Any] = {
        "funds": Decimal("30000000"),
        "progress": "完成土地预审，签订框架协议",
        "problems": "",
        "stage_changed": False,
    }
    values |= changes
    return await submit_update(
        db,
        SupervisionRules(),
        SCORING,
        person_id=values.pop("person_id", cast.cadre),
        project_id=pid,
        now=now,
        **values,
    )


async def marks(db: Database) -> list[tuple[str, Decimal, str]]:
    async with db.uow(read_only=True) as uow:
        return [(m.kind, m.points, m.unit) for m in await uow.marks.for_year(2026)]


@pytest.fixture
async def leaders(person: PersonFactory) -> dict[str, int]:
    """The telegram ids of the unit's contact leader (21) and its staff (the cast's cadre is 1000)."""
    await person(Role(RoleKind.CONTACT_LEADER, "jianshan"), telegram_user_id=21)
    return {"contact_leader": 21}


async def test_the_prompt_goes_to_the_group_once_on_its_day_from_the_sending_hour(
    db: Database, directory: Directory, cast: Cast
) -> None:
    pid = await project_of(db, directory, cast)
    run = Run(db, directory)
    assert await run(at(date(2026, 11, 30))) == []  # October was before the project existed
    assert await run(at(date(2026, 12, 1), hour=8)) == []  # not before 09:00
    assert await run(at(date(2026, 12, 1))) == [("progress.prompt", GROUP)]
    assert await run(at(date(2026, 12, 1), hour=15)) == []
    async with db.uow(read_only=True) as uow:
        assert await uow.progress.open_deadlines([pid]) == {pid: date(2026, 12, 8)}


async def test_a_project_without_a_group_is_asked_of_the_units_staff_in_private(
    db: Database, directory: Directory, cast: Cast
) -> None:
    await project_of(db, directory, cast, group=None)
    cadre = await _telegram_id(db, cast.cadre)
    assert await Run(db, directory)(at(date(2026, 12, 1))) == [("progress.prompt", cadre)]


async def test_an_outstanding_update_is_reminded_then_warned_then_escalated(
    db: Database, directory: Directory, cast: Cast, leaders: dict[str, int]
) -> None:
    await project_of(db, directory, cast)
    run = Run(db, directory)
    cadre, office = await _telegram_id(db, cast.cadre), await _telegram_id(db, cast.office)
    await run(at(date(2026, 12, 1)))
    assert await run(at(date(2026, 12, 3))) == []
    assert await run(at(date(2026, 12, 4))) == [("progress.reminder", GROUP), ("progress.reminder", cadre)]
    assert await run(at(date(2026, 12, 7))) == [("progress.reminder", GROUP), ("progress.reminder", cadre)]
    assert await run(at(date(2026, 12, 8))) == []  # the due day itself
    assert await run(at(date(2026, 12, 9))) == [("progress.warning", GROUP)]
    assert await run(at(date(2026, 12, 10))) == []
    assert sorted(await run(at(date(2026, 12, 11)))) == sorted(
        [
            ("progress.warning", GROUP),
            ("progress.escalation", leaders["contact_leader"]),
            ("progress.escalation", office),
        ]
    )
    assert await run(at(date(2026, 12, 11), hour=18)) == []


async def test_a_bot_down_over_the_due_date_sends_only_the_latest_warning_when_it_is_back(
    db: Database, directory: Directory, cast: Cast
) -> None:
    await project_of(db, directory, cast)
    run = Run(db, directory)
    await run(at(date(2026, 12, 1)))
    assert await run(at(date(2026, 12, 10))) == [("progress.warning", GROUP)]
    office = await _telegram_id(db, cast.office)
    assert sorted(await run(at(date(2026, 12, 14)))) == [("progress.escalation", office), ("progress.warning", GROUP)]


async def test_a_prompt_sent_only_after_the_due_date_gives_the_full_time_from_then(
    db: Database, directory: Directory, cast: Cast
) -> None:
    # Down from before the prompt day until Monday 12-14: November is asked now, due five working days on.
    pid = await project_of(db, directory, cast)
    run = Run(db, directory)
    assert await run(at(date(2026, 12, 14))) == [("progress.prompt", GROUP)]
    async with db.uow(read_only=True) as uow:
        assert await uow.progress.open_deadlines([pid]) == {pid: date(2026, 12, 21)}
    cadre = await _telegram_id(db, cast.cadre)
    assert await run(at(date(2026, 12, 17))) == [("progress.reminder", GROUP), ("progress.reminder", cadre)]


async def test_an_update_stops_the_alarms_and_one_after_the_due_date_costs_the_late_points_once(
    db: Database, directory: Directory, cast: Cast
) -> None:
    pid = await project_of(db, directory, cast)
    run = Run(db, directory)
    await run(at(date(2026, 12, 1)))
    await run(at(date(2026, 12, 9)))
    given = await submit(db, cast, pid, at(date(2026, 12, 9), hour=11))
    assert given.late and given.funds == Decimal("30000000.00")
    assert await marks(db) == [("late_update", Decimal("-0.50"), "jianshan")]
    corrected = await submit(db, cast, pid, at(date(2026, 12, 10)), funds=Decimal(0), problems="用地指标")
    assert corrected.revision == 2 and corrected.late and corrected.first_submitted_at == given.first_submitted_at
    assert await marks(db) == [("late_update", Decimal("-0.50"), "jianshan")]
    assert await run(at(date(2026, 12, 11))) == []  # no warning, no escalation once it is in
    async with db.uow(read_only=True) as uow:
        assert await uow.progress.open_deadlines([pid]) == {}
        assert (await uow.progress.update_for(pid, NOVEMBER)).problems == "用地指标"  # type: ignore[union-attr]
    assert [key for key, _chat in await queued(db)].count("progress.update") == 2


async def test_an_update_on_time_costs_nothing(db: Database, directory: Directory, cast: Cast) -> None:
    pid = await project_of(db, directory, cast)
    await Run(db, directory)(at(date(2026, 12, 1)))
    assert not (await submit(db, cast, pid, at(date(2026, 12, 8), hour=23))).late
    assert await marks(db) == []


async def test_an_update_never_given_is_missing_at_the_next_prompt_day(
    db: Database, directory: Directory, cast: Cast
) -> None:
    pid = await project_of(db, directory, cast)
    run = Run(db, directory)
    await run(at(date(2026, 12, 1)))
    sent = await run(at(date(2027, 1, 1)))
    assert ("progress.missing", GROUP) in sent and ("progress.prompt", GROUP) in sent  # and December is asked
    assert await marks(db) == [("missing_update", Decimal("-1"), "jianshan")]
    await run(at(date(2027, 1, 1), hour=12))
    assert await marks(db) == [("missing_update", Decimal("-1"), "jianshan")]
    async with db.uow(read_only=True) as uow:
        assert await uow.progress.open_deadlines([pid]) == {pid: date(2027, 1, 8)}


async def test_only_the_landing_unit_may_update_and_only_what_was_asked(
    db: Database, directory: Directory, cast: Cast
) -> None:
    pid = await project_of(db, directory, cast)
    with pytest.raises(UpdateNotOpen):
        await submit(db, cast, pid, at(date(2026, 11, 30)))
    await Run(db, directory)(at(date(2026, 12, 1)))
    with pytest.raises(NotLandingUnit):
        await submit(db, cast, pid, at(date(2026, 12, 2)), person_id=cast.office)


async def test_the_funds_reported_add_up_by_project_over_the_months(
    db: Database, directory: Directory, cast: Cast
) -> None:
    pid = await project_of(db, directory, cast)
    run = Run(db, directory)
    await run(at(date(2026, 12, 1)))
    await submit(db, cast, pid, at(date(2026, 12, 2)), funds=Decimal("30000000"))
    await run(at(date(2027, 1, 1)))
    await submit(db, cast, pid, at(date(2027, 1, 4)), funds=Decimal("12345.67"))
    async with db.uow(read_only=True) as uow:
        assert await uow.progress.funds_by_project(2026, 10) == {}
        assert await uow.progress.funds_by_project(2026, 11) == {pid: Decimal("30000000.00")}
        assert await uow.progress.funds_by_project(2026, 12) == {pid: Decimal("30012345.67")}


async def test_each_units_monthly_report_goes_to_the_main_leaders_once_after_the_due_date(
    db: Database, directory: Directory, cast: Cast, leaders: dict[str, int]
) -> None:
    pid = await project_of(db, directory, cast)
    run = Run(db, directory, reports=True)
    await run(at(date(2026, 12, 1)))
    await submit(db, cast, pid, at(date(2026, 12, 2)), problems="用地指标紧张")
    assert ("progress.report", leaders["contact_leader"]) not in await run(at(date(2026, 12, 8)))
    head, office = await _telegram_id(db, cast.county_head), await _telegram_id(db, cast.office)
    reports = [row for row in await run(at(date(2026, 12, 9))) if row[0] == "progress.report"]
    assert sorted(chat for _key, chat in reports) == sorted([head, office, leaders["contact_leader"]])
    assert [row for row in await run(at(date(2026, 12, 10))) if row[0] == "progress.report"] == []
    async with db.uow(read_only=True) as uow:
        rows = [r for r in await uow.outbox.pending(limit=1000) if r["message_key"] == "progress.report"]
    params = rows[0]["params"]
    assert params["unit"] == "jianshan" and params["period"] == "2026-11"
    assert params["updates"][0]["problems"] == "用地指标紧张" and params["overdue"] == []
    assert [p["name"] for p in params["phases"]["planning"]] == ["中药饮片项目"]


async def _telegram_id(db: Database, person_id: int) -> int:
    async with db.uow(read_only=True) as uow:
        telegram_id = (await uow.people.get(person_id)).telegram_user_id
    assert telegram_id is not None
    return telegram_id
