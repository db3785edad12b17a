"""The outbox reaches people: notices in the group and in private, the pinned card kept current, once each."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from domain.directory import Role, RoleKind
from services import groups as groups_uc
from services import projects as uc
from storage import tables
from tests.bot.conftest import World

CADRE = Role(RoleKind.STAFF, "jianshan")
OFFICE = Role(RoleKind.OFFICE)


async def person_id(world: World, telegram_id: int) -> int:
    async with world.app.db.uow(read_only=True) as uow:
        person = await uow.people.by_telegram_id(telegram_id)
    assert person is not None and person.id is not None
    return person.id


async def statuses(world: World) -> list[str]:
    async with world.app.db.uow(read_only=True) as uow:
        return list((await uow.session.execute(select(tables.outbox.c.status).order_by(tables.outbox.c.id))).scalars())


async def test_a_bound_group_gets_a_pinned_card_that_follows_the_project(world: World) -> None:
    cadre = await world.person("李尖山", CADRE)
    group = world.telegram.group("中药项目联络群", members=[cadre], bot_is_admin=True)
    cadre_id = await person_id(world, cadre.id)
    now = world.app.clock.now()
    project = await uc.create_project(
        world.app.db, world.app.directory, person_id=cadre_id, name="中药饮片项目", landing_unit="jianshan", now=now
    )
    await groups_uc.bind_group(
        world.app.db, person_id=cadre_id, project_id=project.id or 0, chat_id=group.model.id, now=now
    )
    await world.deliver()
    card = group.pinned()
    assert card is not None and "中药饮片项目" in (card.text or "") and "项目谋划" in (card.text or "")

    await uc.record_argumentation(
        world.app.db, person_id=cadre_id, project_id=project.id or 0, held_on=date(2026, 11, 20), now=now
    )
    await world.deliver()
    updated = group.pinned()
    assert updated is not None and updated.message_id == card.message_id
    assert "论证通过" in (updated.text or "") and updated.edited
    assert any("论证" in (m.text or "") for m in group.bot_messages() if m.message_id != card.message_id)
    await world.deliver()  # a second tick finds nothing to do
    assert await statuses(world) == ["sent"]


async def test_the_office_is_told_in_private_about_a_new_project(world: World) -> None:
    cadre = await world.person("李尖山", CADRE)
    office = await world.person("王办公室", OFFICE)
    chat = office.opens_private_chat()
    await uc.create_project(
        world.app.db,
        world.app.directory,
        person_id=await person_id(world, cadre.id),
        name="康养项目",
        landing_unit="jianshan",
        now=world.app.clock.now(),
    )
    await world.deliver()
    assert "康养项目" in (chat.last_message().text or "")


async def test_a_group_that_removed_the_bot_ends_its_rows_as_failed(world: World) -> None:
    cadre = await world.person("李尖山", CADRE)
    group = world.telegram.group("联络群", members=[cadre])
    cadre_id = await person_id(world, cadre.id)
    now = world.app.clock.now()
    project = await uc.create_project(
        world.app.db, world.app.directory, person_id=cadre_id, name="项目", landing_unit="jianshan", now=now
    )
    await groups_uc.bind_group(
        world.app.db, person_id=cadre_id, project_id=project.id or 0, chat_id=group.model.id, now=now
    )
    await cadre.removes_bot(group)
    await uc.record_argumentation(
        world.app.db, person_id=cadre_id, project_id=project.id or 0, held_on=date(2026, 11, 20), now=now
    )
    await world.deliver()
    assert await statuses(world) == ["failed"]
