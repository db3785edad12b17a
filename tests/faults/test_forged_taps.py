"""The taps reported from outside (issue 9, item 2): each is answered and changes no row."""

from __future__ import annotations

from domain.directory import Role, RoleKind
from domain.lifecycle import Stage
from sandbox.scenario import Person
from services import projects as uc
from tests.bot.conftest import World
from tests.bot.moves_support import cast_of, project_in, request_in
from tests.faults.taps import refused
from tests.journeys import ident

CADRE = Role(RoleKind.STAFF, "jianshan")


async def _office_project(world: World, name: str) -> int:
    office = await world.person("王办公室", Role(RoleKind.OFFICE))
    async with world.app.db.uow(read_only=True) as uow:
        office_id = ident((await uow.people.by_telegram_id(office.id)).id)  # type: ignore[union-attr]
    project = await uc.create_project(
        world.app.db,
        world.app.directory,
        person_id=office_id,
        name=name,
        landing_unit="jianshan",
        now=world.app.clock.now(),
    )
    return ident(project.id)


async def _group_of(world: World, project_id: int) -> int | None:
    return (await uc.get_project(world.app.db, project_id)).group_chat_id


async def test_the_old_bind_button_in_another_group_does_not_move_the_project(world: World) -> None:
    cadre = await world.person("李尖山", CADRE)
    project_id = await _office_project(world, "磐安药谷")
    first, second = world.telegram.group("甲群", members=[cadre]), world.telegram.group("乙群", members=[cadre])
    await cadre.says(first, "/bind")
    offer_in_first = first.last_message()
    await cadre.says(second, "/bind")
    await cadre.taps(second.last_message(), "磐安药谷")
    assert await _group_of(world, project_id) == second.id

    text = await refused(world, cadre, offer_in_first, offer_in_first.callback_data("磐安药谷") or "")
    assert "乙群" in text or "联络群" in text
    assert await _group_of(world, project_id) == second.id
    assert offer_in_first.button_texts == []  # the stale offer is taken off


async def test_a_forged_bind_in_a_private_chat_does_not_make_it_a_group(world: World) -> None:
    cadre = await world.person("李尖山", CADRE)
    project_id = await _office_project(world, "磐安药谷")
    chat = cadre.opens_private_chat()
    await cadre.says(chat, "/start")
    await refused(world, cadre, chat.last_message(), f"bind:{project_id}")
    assert await _group_of(world, project_id) is None


async def test_a_forged_new_project_in_a_bound_group_starts_nothing(world: World) -> None:
    cadre = await world.person("李尖山", CADRE)
    group = world.telegram.group("项目群", members=[cadre])
    await cadre.says(group, "/bind")
    await cadre.taps(group.last_message(), "➕ 新建项目")
    await cadre.replies(group, to=group.last_message(), text="尖山镇康养小镇项目")
    await cadre.says(group, "/status")
    for data in ("newp:jianshan", "newp:"):
        await refused(world, cadre, group.last_message(), data)
    assert not group.last_message().forces_reply


async def test_a_huge_step_id_is_answered_and_changes_nothing(world: World) -> None:
    people, cast = await cast_of(world)
    project, group = await project_in(world, people, cast, until=Stage.APPROVING)
    await world.deliver()
    request = request_in(group)
    someone: Person
    for someone in (people.deputy, people.cadre):
        for data in ("sd:99999999999999999999999:approve", "sd:-1:approve", "sd:2147483648:approve"):
            text = await refused(world, someone, request, data)
            assert text
    assert (await uc.get_project(world.app.db, ident(project.id))).stage is Stage.APPROVING


async def test_a_project_name_with_markup_is_shown_as_written_when_bound(world: World) -> None:
    cadre = await world.person("李尖山", CADRE)
    await _office_project(world, "A<b>&C")
    group = world.telegram.group("甲群", members=[cadre])
    await cadre.says(group, "/bind")
    offer = group.last_message()
    await cadre.taps(offer, "A<b>&C")
    assert "A<b>&C" in (offer.text or "")
