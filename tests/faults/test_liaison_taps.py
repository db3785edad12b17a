"""The 联络处's buttons (lr, la, lv): pressed by someone else, on another message, or again after the report is
in: each press is answered and changes no row."""

from __future__ import annotations

from domain.directory import Role, RoleKind
from services.liaison import reconcile_liaison
from tests.bot.conftest import World
from tests.bot.story import latest, reply, tap
from tests.bot.test_liaison import BEIJING, PROMPT_DAY
from tests.faults.taps import refused


async def test_liaison_buttons_refuse_the_wrong_person_message_and_time(world: World) -> None:
    world.clock.move_to(PROMPT_DAY)
    staff = await world.person("林联络", Role(RoleKind.STAFF, BEIJING))
    leader = await world.person("吴副县长", Role(RoleKind.CONTACT_LEADER, BEIJING))
    cadre = await world.person("李尖山", Role(RoleKind.STAFF, "jianshan"))
    for someone in (staff, leader, cadre):
        await someone.starts()
    await reconcile_liaison(world.app.supervision, world.clock.now())
    await world.deliver()
    chat = staff.private_chat
    prompt = latest(chat)
    start = prompt.callback_data("📝 填写月报") or ""
    await refused(world, cadre, latest(cadre.private_chat), start)  # not the office's staff

    question = await tap(staff, chat, "📝 填写月报")
    cancel = question.callback_data("取消") or ""
    await refused(world, staff, prompt, cancel)  # not the message the conversation waits on
    await reply(staff, chat, "北京某生物医药集团：拟在华东布局原料药基地")
    await tap(staff, chat, "跳过")
    await reply(staff, chat, "陪同企业来磐考察")
    review = await reply(staff, chat, "请吴副县长出面约见企业董事长")
    submit = review.callback_data("✅ 提交") or ""
    await tap(staff, chat, "✅ 提交", on=review)
    await refused(world, staff, review, submit)  # pressed twice

    await world.deliver()
    received = latest(leader.private_chat)
    visit = received.callback_data("🤝 记录走访") or ""
    await refused(world, cadre, latest(cadre.private_chat), visit)  # not the 联系县领导
    await refused(world, leader, latest(leader.private_chat), visit.replace(":", ":x", 1))  # a made-up office
