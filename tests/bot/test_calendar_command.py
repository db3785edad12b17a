"""/calendar: the office sees which years' 放假调休 arrangements are in and adds the days of one that is not."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.directory import Role, RoleKind
from services.calendar import deadline
from tests.bot.conftest import World

OFFICE = Role(RoleKind.OFFICE)


async def test_the_office_sees_the_unpublished_year_and_adds_a_make_up_saturday(world: World) -> None:
    world.clock.move_to(datetime(2026, 11, 28, 2, tzinfo=UTC))
    office = await world.person("王办公室", OFFICE)
    chat = office.opens_private_chat()
    await office.says(chat, "/calendar")
    status = chat.last_message().text or ""
    assert "2026 年：国务院放假调休安排已内置" in status
    assert "2027 年：放假安排尚未公布" in status

    # Friday 2027-02-05 + 1 working day: Monday, until the office declares Saturday 02-06 a working day.
    friday = datetime(2027, 2, 5, 2, tzinfo=UTC)
    assert (await deadline(world.app.db, friday, 1)).due_date.isoformat() == "2027-02-08"
    await office.says(chat, "/calendar 2027年2月6日 班 春节调休")
    assert "已记录：2027-02-06 上班" in (chat.last_message().text or "")
    assert (await deadline(world.app.db, friday, 1)).due_date.isoformat() == "2027-02-06"

    await office.says(chat, "/calendar")
    assert "办公室补充的上班日：2027-02-06" in (chat.last_message().text or "")


async def test_bad_input_says_what_was_expected_and_records_nothing(world: World) -> None:
    office = await world.person("王办公室", OFFICE)
    chat = office.opens_private_chat()
    await office.says(chat, "/calendar 2月30日 休")
    assert "不是完整的日期" in (chat.last_message().text or "")
    await office.says(chat, "/calendar 2027-02-30 休")
    assert "不是完整的日期" in (chat.last_message().text or "")
    await office.says(chat, "/calendar 2027-02-10 放")
    assert "请写“休”（放假）或“班”（上班）" in (chat.last_message().text or "")
    await office.says(chat, "/calendar")
    assert "办公室补充" not in (chat.last_message().text or "")


async def test_only_the_office_keeps_the_calendar(world: World) -> None:
    cadre = await world.person("李尖山", Role(RoleKind.STAFF, "jianshan"))
    chat = cadre.opens_private_chat()
    await cadre.says(chat, "/calendar 2027-02-10 休")
    assert "没有办理这一步的权限" in (chat.last_message().text or "")
    friday = datetime(2027, 2, 9, 2, tzinfo=UTC)
    assert (await deadline(world.app.db, friday, 1)).due_date.isoformat() == "2027-02-10"
