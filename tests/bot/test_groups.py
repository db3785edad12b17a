"""Binding a 联络群: the bot asks when added, a cadre binds a new or existing project, strangers cannot."""

from __future__ import annotations

import pytest

from domain.directory import Role, RoleKind
from services import groups as groups_uc
from services import projects as uc
from services.groups import GroupTaken
from tests.bot.conftest import World

CADRE = Role(RoleKind.STAFF, "jianshan")


async def test_a_cadre_opens_a_new_project_from_the_group_and_its_card_is_pinned(world: World) -> None:
    cadre = await world.person("李尖山", CADRE)
    group = world.telegram.group("新项目群", members=[cadre], bot_is_admin=True)
    await world.telegram.settle()
    assert "/bind" in (group.last_message().text or "")
    await cadre.says(group, "/bind")
    await cadre.taps(group.last_message(), "➕ 新建项目")
    question = group.last_message()
    assert question.forces_reply
    await cadre.replies(group, to=question, text="尖山镇康养小镇项目")
    assert "尖山镇康养小镇项目" in (group.last_message().text or "")
    await world.deliver()
    card = group.pinned()
    assert card is not None and "尖山镇康养小镇项目" in (card.text or "") and "尖山镇" in (card.text or "")
    await cadre.says(group, "/bind")
    assert "已是" in (group.last_message().text or "")


async def test_a_cadre_binds_a_project_the_office_opened(world: World) -> None:
    cadre = await world.person("李尖山", CADRE)
    office = await world.person("王办公室", Role(RoleKind.OFFICE))
    async with world.app.db.uow(read_only=True) as uow:
        office_id = (await uow.people.by_telegram_id(office.id)).id  # type: ignore[union-attr]
    await uc.create_project(
        world.app.db,
        world.app.directory,
        person_id=office_id or 0,
        name="磐安药谷",
        landing_unit="jianshan",
        now=world.app.clock.now(),
    )
    group = world.telegram.group("药谷群", members=[cadre])
    await cadre.says(group, "/bind")
    callback = await cadre.taps(group.last_message(), "磐安药谷")
    assert "磐安药谷" in (world.telegram.answer_to(callback).text or "")
    async with world.app.db.uow(read_only=True) as uow:
        bound = await uow.projects.by_group_chat(group.model.id)
    assert bound is not None and bound.name == "磐安药谷"


async def test_someone_without_a_role_cannot_bind(world: World) -> None:
    stranger = await world.person("路人")
    group = world.telegram.group("闲聊群", members=[stranger])
    await stranger.says(group, "/bind")
    assert "邀请码" in (group.last_message().text or "")


async def test_a_group_serves_one_project_only(world: World) -> None:
    cadre = await world.person("李尖山", CADRE)
    group = world.telegram.group("项目群", members=[cadre])
    async with world.app.db.uow(read_only=True) as uow:
        cadre_id = (await uow.people.by_telegram_id(cadre.id)).id or 0  # type: ignore[union-attr]
    now = world.app.clock.now()
    first = await uc.create_project(
        world.app.db, world.app.directory, person_id=cadre_id, name="甲", landing_unit="jianshan", now=now
    )
    second = await uc.create_project(
        world.app.db, world.app.directory, person_id=cadre_id, name="乙", landing_unit="jianshan", now=now
    )
    await groups_uc.bind_group(
        world.app.db, person_id=cadre_id, project_id=first.id or 0, chat_id=group.model.id, now=now
    )
    with pytest.raises(GroupTaken):
        await groups_uc.bind_group(
            world.app.db, person_id=cadre_id, project_id=second.id or 0, chat_id=group.model.id, now=now
        )


async def test_a_cadre_of_another_town_cannot_bind_by_forging_the_button(world: World) -> None:
    cadre = await world.person("李尖山", CADRE)
    outsider = await world.person("张玉山", Role(RoleKind.STAFF, "yushan"))
    async with world.app.db.uow(read_only=True) as uow:
        cadre_id = (await uow.people.by_telegram_id(cadre.id)).id or 0  # type: ignore[union-attr]
    project = await uc.create_project(
        world.app.db,
        world.app.directory,
        person_id=cadre_id,
        name="尖山项目",
        landing_unit="jianshan",
        now=world.app.clock.now(),
    )
    group = world.telegram.group("玉山群", members=[outsider, cadre])
    await outsider.says(group, "/bind")
    answer = world.telegram.answer_to(await outsider.taps_forged(group.last_message(), f"bind:{project.id}"))
    assert answer.show_alert and "权限" in (answer.text or "")
    async with world.app.db.uow(read_only=True) as uow:
        assert await uow.projects.by_group_chat(group.model.id) is None
