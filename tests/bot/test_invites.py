"""Accounts: an admin makes a one-time link for a role; whoever opens it first is bound; 接任 carries the work along."""

from __future__ import annotations

import re
from datetime import timedelta

from babel.messages.pofile import read_po

from bot.help import all_help_keys
from bot.i18n import LANGUAGES, catalog_path
from bot.keyboards.invites import InvitePick, find_unit, unit_token
from domain.directory import Directory, Role, RoleKind, UnitKind
from domain.records import Decision, StepStatus
from sandbox.scenario import Person
from services import projects as uc
from tests.bot.conftest import World
from tests.journeys import Cast, pending, to_approval

ADMIN = Role(RoleKind.ADMIN)
JIANSHAN_STAFF = Role(RoleKind.STAFF, "jianshan")
DEPUTY = Role(RoleKind.DEPUTY_HEAD, "deputy_industry")


async def invite_through_the_menu(world: World, admin: Person, *buttons: str) -> str:
    """The admin taps through /invite; returns the code from the deep link the bot answers with."""
    chat = admin.private_chat
    await admin.says(chat, "/invite")
    menu = chat.last_message()
    for button in buttons:
        await admin.taps(menu, button)
    text = menu.text or ""
    found = re.search(r"https://t\.me/zhikong_bot\?start=([\w-]+)", text)
    assert found, text
    return found.group(1)


async def person_id(world: World, someone: Person) -> int:
    async with world.app.db.uow(read_only=True) as uow:
        found = await uow.people.by_telegram_id(someone.id)
    assert found is not None and found.id is not None
    return found.id


async def test_an_admin_invites_a_town_cadre_who_binds_by_opening_the_link(world: World) -> None:
    admin = await world.person("管理员", ADMIN)
    code = await invite_through_the_menu(world, admin, "单位工作人员", "镇", "尖山镇", "新增")
    card = admin.private_chat.last_message().text or ""
    assert "尖山镇工作人员" in card and code in card and "北京时间" in card
    assert admin.private_chat.last_message().button_texts == []

    newcomer = await world.person("李尖山")
    await newcomer.says(newcomer.private_chat, f"/start {code}")
    welcome = newcomer.private_chat.last_message().text or ""
    assert "绑定成功" in welcome and "尖山镇工作人员" in welcome
    await newcomer.says(newcomer.private_chat, "/whoami")
    assert "尖山镇工作人员" in (newcomer.private_chat.last_message().text or "")

    latecomer = await world.person("王路人")
    await latecomer.says(latecomer.private_chat, f"/start {code}")
    assert "邀请码无效" in (latecomer.private_chat.last_message().text or "")
    await latecomer.says(latecomer.private_chat, "/whoami")
    assert "尚未绑定" in (latecomer.private_chat.last_message().text or "")


async def test_an_expired_link_binds_nobody(world: World) -> None:
    admin = await world.person("管理员", ADMIN)
    code = await invite_through_the_menu(world, admin, "县长", "新增")
    world.app.clock.move_to(world.app.clock.now() + timedelta(hours=72, minutes=1))  # type: ignore[attr-defined]
    late = await world.person("张县长")
    await late.says(late.private_chat, f"/start {code}")
    assert "邀请码无效" in (late.private_chat.last_message().text or "")
    await late.says(late.private_chat, "/whoami")
    assert "尚未绑定" in (late.private_chat.last_message().text or "")


async def test_only_an_admin_may_invite_and_help_says_so(world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN_STAFF)
    await cadre.says(cadre.private_chat, "/invite")
    assert "只有系统管理员" in (cadre.private_chat.last_message().text or "")
    await cadre.says(cadre.private_chat, "/help")
    assert "/invite" not in (cadre.private_chat.last_message().text or "")

    admin = await world.person("管理员", ADMIN)
    await admin.says(admin.private_chat, "/help")
    shown = admin.private_chat.last_message().text or ""
    assert "/invite" in shown and "/whoami" in shown and "/language" in shown


async def test_a_successor_takes_over_the_deputy_post_and_its_pending_approval(world: World) -> None:
    db, directory = world.app.db, world.app.directory
    people = [
        await world.person(name, role)
        for name, role in [
            ("尖山镇干部", JIANSHAN_STAFF),
            ("办公室", Role(RoleKind.OFFICE)),
            ("老副县长", DEPUTY),
            ("县长", Role(RoleKind.COUNTY_HEAD)),
            ("工投办", Role(RoleKind.STAFF, "industry_investment_office")),
            ("自然资源局", Role(RoleKind.STAFF, "natural_resources")),
        ]
    ]
    cast = Cast(*[await person_id(world, p) for p in people])
    project = await to_approval(db, directory, cast)  # 工业 35 亩: the 分管副县长 审核 comes first
    step = pending(project)
    assert step.holder == DEPUTY

    admin = await world.person("管理员", ADMIN)
    code = await invite_through_the_menu(world, admin, "分管副县长", "分管工业副县长", "接任")
    assert "老副县长" in (admin.private_chat.last_message().text or "")
    successor = await world.person("新副县长")
    await successor.says(successor.private_chat, f"/start {code}")
    assert "分管工业副县长" in (successor.private_chat.last_message().text or "")

    async with db.uow(read_only=True) as uow:
        assert DEPUTY not in (await uow.people.principal(cast.deputy)).roles
        waiting = await uow.projects.waiting_on([DEPUTY])
    assert [p.id for p in waiting] == [project.id]
    assert project.id is not None and step.id is not None
    decided = await uc.decide_step(
        db,
        person_id=await person_id(world, successor),
        project_id=project.id,
        step_id=step.id,
        decision=Decision.APPROVE,
        now=world.app.clock.now(),
    )
    assert decided.status is StepStatus.APPROVED


async def test_the_unit_menu_pages_through_the_departments_and_goes_back(world: World) -> None:
    admin = await world.person("管理员", ADMIN)
    chat = admin.private_chat
    await admin.says(chat, "/invite")
    menu = chat.last_message()
    await admin.taps(menu, "单位工作人员")
    await admin.taps(menu, "部门")
    first_page = menu.button_texts
    assert "下一页 ›" in first_page and "‹ 上一页" not in first_page
    await admin.taps(menu, "下一页 ›")
    assert "‹ 上一页" in menu.button_texts and set(menu.button_texts) != set(first_page)
    await admin.taps(menu, "« 返回")
    assert "镇" in menu.button_texts
    assert all(len((menu.callback_data(b) or "").encode()) <= 64 for b in menu.button_texts)


def test_callback_data_fits_in_64_bytes_at_the_deepest_step_for_every_unit(directory: Directory) -> None:
    for unit in directory.units.values():
        deepest = InvitePick(kind=RoleKind.CONTACT_LEADER.value, group="6", unit=unit_token(unit), page=99, mode="rep")
        assert len(deepest.pack().encode()) < 64
        assert find_unit(directory, unit_token(unit)) == unit


def test_every_menu_and_help_text_is_in_both_catalogs() -> None:
    keys = all_help_keys() | {f"invite.kind.{k.value}" for k in RoleKind}
    keys |= {f"invite.group.{g.name.lower()}" for g in UnitKind}
    for language in LANGUAGES:
        with catalog_path(language).open("rb") as po:
            have = {str(m.id) for m in read_po(po) if m.id}
        assert sorted(keys - have) == []
