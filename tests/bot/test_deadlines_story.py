"""The office chases a pending step from /projects with one tap, and the project card changes colour as its due
date comes and goes.

The approval route opens on Friday 2026-11-27; the 分管副县长's step is due five working days later, 12-04.
"""

from __future__ import annotations

from datetime import date, datetime, time

from domain.calendar import SHANGHAI
from domain.lifecycle import Stage
from domain.records import Decision
from services import projects as uc
from services.deadlines import reconcile_step_deadlines
from tests.bot.conftest import World
from tests.bot.moves_support import DECISIONS, cast_of, project_in
from tests.bot.story import card_in
from tests.journeys import ident, pending

URGE = "📣 催办 1. 中药饮片项目"


def on(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


def due_line(text: str | None) -> str:
    return next(line for line in (text or "").splitlines() if line.startswith("办理期限："))


async def test_the_office_chases_a_step_in_one_tap_once_a_day_and_nobody_else_can(world: World) -> None:
    people, cast = await cast_of(world)
    project, group = await project_in(world, people, cast, until=Stage.APPROVING, title="药谷群")
    deputy_chat = people.deputy.opens_private_chat()
    office_chat = people.office.opens_private_chat()
    await world.deliver()

    await people.office.says(office_chat, "/projects")
    listing = office_chat.bot_messages()[-1]
    assert "1. 🟢 中药饮片项目" in (listing.text or "")
    assert "期限 2026-12-04" in (listing.text or "")
    query = await people.office.taps(listing, URGE)
    answer = world.telegram.answer_to(query)
    assert answer.show_alert and "已催办" in (answer.text or "") and "分管工业副县长" in (answer.text or "")
    await world.deliver()
    chase = deputy_chat.last_message()
    assert "催办" in (chase.text or "") and "中药饮片项目" in (chase.text or "") and chase.button_texts == DECISIONS
    assert any("📣 催办" in (m.text or "") for m in group.bot_messages())

    # A second tap the same day is answered, and sends nothing.
    again = world.telegram.answer_to(await people.office.taps(listing, URGE))
    assert "今天已经催办过" in (again.text or "")
    await world.deliver()
    assert sum("📣 催办" in (m.text or "") for m in deputy_chat.bot_messages()) == 1

    # A leader sees /projects too, without the button; forging the office's tap is refused from the database.
    await people.deputy.says(deputy_chat, "/projects")
    theirs = deputy_chat.bot_messages()[-1]
    assert URGE not in theirs.button_texts
    data = listing.callback_data(URGE)
    assert data is not None
    refusal = world.telegram.answer_to(await people.deputy.taps_forged(theirs, data))
    assert refusal.show_alert and "只有领导小组办公室可以催办" in (refusal.text or "")

    # Once the step is decided, the old button says so.
    step_id = ident(pending(await uc.get_project(world.app.db, ident(project.id))).id)
    await uc.decide_step(
        world.app.db,
        person_id=cast.deputy,
        project_id=ident(project.id),
        step_id=step_id,
        decision=Decision.APPROVE,
        now=world.app.clock.now(),
    )
    stale = world.telegram.answer_to(await people.office.taps(listing, URGE))
    assert stale.show_alert and "已经处理过" in (stale.text or "")


async def test_the_card_turns_yellow_then_red_as_time_passes(world: World) -> None:
    people, cast = await cast_of(world)
    _, group = await project_in(world, people, cast, until=Stage.APPROVING, title="药谷群")
    await people.cadre.makes_bot_admin(group)  # so the card can be pinned
    deputy_chat = people.deputy.opens_private_chat()
    await world.deliver()
    card = card_in(group)
    assert due_line(card.text) == "办理期限：🟢 2026-12-04"

    for day, colour in ((date(2026, 12, 2), "🟡"), (date(2026, 12, 7), "🔴")):
        world.clock.move_to(on(day))
        await reconcile_step_deadlines(world.app.supervision, world.clock.now())
        await world.deliver()
        assert card_in(group).message_id == card.message_id  # the same pinned card, edited
        assert due_line(card_in(group).text) == f"办理期限：{colour} 2026-12-04"
    warning = deputy_chat.last_message()
    assert "逾期" in (warning.text or "") and warning.button_texts == DECISIONS
    assert any("逾期预警" in (m.text or "") for m in group.bot_messages())
