"""The deadlines of the approval route and the 研判 cycle as time passes: reminders, warnings, escalation, each once;
the office's 催办; and project cards marked for a redraw when their colour changes with time alone.

The route opens on Friday 2026-11-27 (NOW); a leader's step is due five working days later, Friday 12-04:
reminders on 12-02 and 12-03, the first warning on 12-07, the second with the escalation on 12-09.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from sqlalchemy import select

from domain.calendar import SHANGHAI
from domain.directory import Directory, Role, RoleKind
from domain.project import StepClosed
from domain.records import Decision
from domain.scoring import ScoringRules
from domain.step_deadlines import UrgeNotAllowed
from domain.supervision import SupervisionRules
from services import groups as groups_uc
from services import projects as uc
from services.deadlines import Urging, reconcile_step_deadlines, urge_step
from services.supervise import Supervision
from storage import tables
from storage.uow import Database
from tests.factories import NOW, PersonFactory
from tests.journeys import Cast, ident, pending, to_approval, to_submitted

GROUP = -100_777
RULES = SupervisionRules()


def on(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


async def chat_of(db: Database, person_id: int) -> int:
    async with db.uow(read_only=True) as uow:
        chat = (await uow.people.get(person_id)).telegram_user_id
    assert chat is not None
    return chat


async def sent(db: Database, *, since: int = 0) -> list[tuple[str, int, dict[str, Any]]]:
    """(message key, chat, params) of each deadline message queued, oldest first, after outbox row `since`."""
    o = tables.outbox
    query = select(o.c.message_key, o.c.chat_id, o.c.params).where(o.c.message_key.like("deadline.%"), o.c.id > since)
    async with db.uow(read_only=True) as uow:
        rows = (await uow.session.execute(query.order_by(o.c.id))).all()
    return [(row.message_key, int(row.chat_id), dict(row.params)) for row in rows]


async def last_row(db: Database) -> int:
    async with db.uow(read_only=True) as uow:
        return int(
            (await uow.session.execute(select(tables.outbox.c.id).order_by(tables.outbox.c.id.desc()))).scalar() or 0
        )


@pytest.fixture
async def leader(person: PersonFactory) -> int:
    return await person(Role(RoleKind.CONTACT_LEADER, "jianshan"), name="尖山联系县领导")


async def in_approval(db: Database, directory: Directory, cast: Cast) -> int:
    project = await to_approval(db, directory, cast)
    pid = ident(project.id)
    await groups_uc.bind_group(db, person_id=cast.cadre, project_id=pid, chat_id=GROUP, now=NOW)
    return pid


def supervision(db: Database, directory: Directory, rules: SupervisionRules = RULES) -> Supervision:
    return Supervision(db, directory, rules, ScoringRules())


async def test_reminders_then_warnings_then_the_escalation_as_the_days_pass(
    db: Database, directory: Directory, cast: Cast, leader: int
) -> None:
    await in_approval(db, directory, cast)
    deputy, office, head, contact = [await chat_of(db, p) for p in (cast.deputy, cast.office, cast.county_head, leader)]
    sup = supervision(db, directory)
    timeline: list[tuple[date, list[tuple[str, int]]]] = []
    for day in (30, 1, 2, 3, 4, 7, 8, 9, 10):
        moment = on(date(2026, 11 if day == 30 else 12, day))
        before = await last_row(db)
        await reconcile_step_deadlines(sup, moment)
        timeline.append((moment.date(), [(key, chat) for key, chat, _ in await sent(db, since=before)]))
    assert timeline == [
        (date(2026, 11, 30), []),
        (date(2026, 12, 1), []),
        (date(2026, 12, 2), [("deadline.reminder", deputy)]),  # privately, to the holder only
        (date(2026, 12, 3), [("deadline.reminder", deputy)]),
        (date(2026, 12, 4), []),  # due today: the last reminder went yesterday
        (date(2026, 12, 7), [("deadline.warning", GROUP), ("deadline.warning", deputy)]),
        (date(2026, 12, 8), []),
        (
            date(2026, 12, 9),
            [
                ("deadline.warning", GROUP),
                ("deadline.warning", deputy),
                ("deadline.escalation", office),
                ("deadline.escalation", contact),
                ("deadline.escalation", head),
            ],
        ),
        (date(2026, 12, 10), []),
    ]
    rows = await sent(db)
    assert [p["nth"] for k, c, p in rows if c == deputy] == [2, 1, 1, 2]
    assert rows[-1][2]["late_days"] == 3 and rows[-1][2]["due"] == "2026-12-04"


async def test_nothing_goes_out_before_the_sending_hour(db: Database, directory: Directory, cast: Cast) -> None:
    await in_approval(db, directory, cast)
    assert await reconcile_step_deadlines(supervision(db, directory), on(date(2026, 12, 2), hour=7)) == 0
    assert await sent(db) == []


async def test_a_doubled_pass_sends_once(db: Database, directory: Directory, cast: Cast) -> None:
    await in_approval(db, directory, cast)
    sup = supervision(db, directory)
    assert await reconcile_step_deadlines(sup, on(date(2026, 12, 7))) == 1
    assert await reconcile_step_deadlines(sup, on(date(2026, 12, 7), hour=15)) == 0
    assert [key for key, _, _ in await sent(db)] == ["deadline.warning", "deadline.warning"]  # the group, the deputy


async def test_a_bot_down_over_the_due_date_catches_up_with_only_the_latest(
    db: Database, directory: Directory, cast: Cast, leader: int
) -> None:
    await in_approval(db, directory, cast)
    await reconcile_step_deadlines(supervision(db, directory), on(date(2026, 12, 9)))
    rows = await sent(db)
    # No reminder of a date long gone, no first warning overtaken by the second: the second, and the escalation.
    assert {(key, params["nth"]) for key, _, params in rows} == {("deadline.warning", 2), ("deadline.escalation", 1)}


async def test_a_decided_step_is_not_chased_and_the_next_one_has_its_own_clock(
    db: Database, directory: Directory, cast: Cast
) -> None:
    pid = await in_approval(db, directory, cast)
    project = await uc.get_project(db, pid)
    step = pending(project)
    await uc.decide_step(
        db,
        person_id=cast.deputy,
        project_id=pid,
        step_id=ident(step.id),
        decision=Decision.APPROVE,
        now=on(date(2026, 12, 1)),
    )
    # The 县长办公会议 step opened 12-01: 15 working days, due 12-22; the deputy's step is done.
    await reconcile_step_deadlines(supervision(db, directory), on(date(2026, 12, 7)))
    assert await sent(db) == []
    await reconcile_step_deadlines(supervision(db, directory), on(date(2026, 12, 18)))
    [(key, chat, params)] = await sent(db)
    assert key == "deadline.reminder" and chat == await chat_of(db, cast.office)  # the office records meetings
    assert params["due"] == "2026-12-22" and params["step_actor"] == "COUNTY_EXECUTIVE_MEETING"


async def test_the_screening_is_chased_at_the_office_and_an_unpublished_year_told_once(
    db: Database, directory: Directory, cast: Cast
) -> None:
    # 30 working days from 11-27 reach into 2027, whose 放假调休 arrangement is not published.
    rules = SupervisionRules(screening_due_workdays=30)
    first = ident((await to_submitted(db, directory, cast)).id)
    second = ident((await to_submitted(db, directory, cast)).id)
    office = await chat_of(db, cast.office)
    await reconcile_step_deadlines(supervision(db, directory, rules), on(date(2026, 11, 30)))
    [(key, chat, params)] = await sent(db)
    assert (key, chat, params["year"]) == ("deadline.provisional", office, 2027)
    assert params["project_id"] in (first, second) and params["duty"] == "screening"
    await reconcile_step_deadlines(supervision(db, directory, rules), on(date(2027, 1, 7)))  # due 2027-01-08
    reminders = [(chat, params["project_id"]) for key, chat, params in await sent(db) if key == "deadline.reminder"]
    assert sorted(reminders) == [(office, first), (office, second)]
    assert [key for key, _, _ in await sent(db)].count("deadline.provisional") == 1


async def test_the_office_urges_once_a_day(db: Database, directory: Directory, cast: Cast) -> None:
    pid = await in_approval(db, directory, cast)
    step_id = ident(pending(await uc.get_project(db, pid)).id)
    deputy = await chat_of(db, cast.deputy)
    morning = on(date(2026, 11, 30), hour=9)
    urged = await urge_step(db, RULES, person_id=cast.office, step_id=step_id, now=morning)
    assert urged.outcome is Urging.SENT and urged.holder_reached
    assert [(key, chat) for key, chat, _ in await sent(db)] == [("deadline.urged", deputy), ("deadline.urged", GROUP)]
    again = await urge_step(db, RULES, person_id=cast.office, step_id=step_id, now=on(date(2026, 11, 30), hour=17))
    assert again.outcome is Urging.ALREADY_TODAY
    assert len(await sent(db)) == 2  # nothing more
    tomorrow = await urge_step(db, RULES, person_id=cast.office, step_id=step_id, now=on(date(2026, 12, 1)))
    assert tomorrow.outcome is Urging.SENT and len(await sent(db)) == 4
    async with db.uow(read_only=True) as uow:
        audit = [e["name"] for e in await uow.audit.for_subject("project", pid)]
    assert audit.count("step_urged") == 2


async def test_only_the_office_may_urge_and_a_decided_step_is_said_to_be_closed(
    db: Database, directory: Directory, cast: Cast
) -> None:
    pid = await in_approval(db, directory, cast)
    step_id = ident(pending(await uc.get_project(db, pid)).id)
    for someone in (cast.cadre, cast.county_head, cast.deputy):
        with pytest.raises(UrgeNotAllowed):
            await urge_step(db, RULES, person_id=someone, step_id=step_id, now=NOW)
    assert await sent(db) == []
    await uc.decide_step(db, person_id=cast.deputy, project_id=pid, step_id=step_id, decision=Decision.APPROVE, now=NOW)
    with pytest.raises(StepClosed):
        await urge_step(db, RULES, person_id=cast.office, step_id=step_id, now=NOW)


async def test_a_card_whose_colour_changes_with_time_is_marked_for_a_redraw(
    db: Database, directory: Directory, cast: Cast
) -> None:
    pid = await in_approval(db, directory, cast)
    async with db.uow() as uow:
        version = (await uow.projects.get(pid)).version
        await uow.cards.shown(pid, message_id=42, version=version, signal="green:2026-12-04:")
        await uow.commit()
    sup = supervision(db, directory)
    await reconcile_step_deadlines(sup, on(date(2026, 11, 30)))  # still green, same due date
    async with db.uow(read_only=True) as uow:
        assert await uow.cards.due() == []
    await reconcile_step_deadlines(sup, on(date(2026, 12, 2)))  # two working days left: yellow
    async with db.uow(read_only=True) as uow:
        assert await uow.cards.due() == [pid]
