"""The 北京招商联络处's month in Telegram: the prompt on the day after 国庆, the report written question by question,
the 联系县领导 receiving it and recording a visit with 🤝 记录走访, and the office told of the visit."""

from __future__ import annotations

from datetime import datetime

from domain.calendar import SHANGHAI
from domain.directory import Role, RoleKind
from services.liaison import reconcile_liaison
from tests.bot.conftest import World
from tests.bot.story import latest, reply, tap

BEIJING = "liaison_beijing"
PROMPT_DAY = datetime(2026, 10, 8, 10, tzinfo=SHANGHAI)  # the first working day after 国庆


async def test_a_report_reaches_the_leader_whose_visit_reaches_the_office(world: World) -> None:
    world.clock.move_to(PROMPT_DAY)
    staff = await world.person("林联络", Role(RoleKind.STAFF, BEIJING))
    head = await world.person("钱主任", Role(RoleKind.HEAD, BEIJING))
    leader = await world.person("吴副县长", Role(RoleKind.CONTACT_LEADER, BEIJING))
    office = await world.person("王办公室", Role(RoleKind.OFFICE))
    for someone in (staff, head, leader, office):
        await someone.starts()

    # The prompt goes to the office's people in private, once however often the pass runs.
    assert await reconcile_liaison(world.app.supervision, world.clock.now()) == 1
    assert await reconcile_liaison(world.app.supervision, world.clock.now()) == 0
    await world.deliver()
    chat = staff.private_chat
    prompt = latest(chat)
    assert "请填写北京招商联络处2026年9月工作汇报" in (prompt.text or "") and "2026-10-14前提交" in (prompt.text or "")
    assert "请填写北京招商联络处2026年9月工作汇报" in (latest(head.private_chat).text or "")

    # The report: four questions, an optional one skipped, a required one not.
    question = await tap(staff, chat, "📝 填写月报")
    assert "1/4" in (question.text or "") and "招商（引才）信息" in (question.text or "")
    question = await reply(staff, chat, "北京某生物医药集团：拟在华东布局原料药基地，已两次电话接洽")
    assert "2/4" in (question.text or "")
    question = await tap(staff, chat, "跳过")
    assert "3/4 下月工作计划" in (question.text or "")
    await staff.says(chat, "/skip")
    assert "必须填写" in (latest(chat).text or "")
    await reply(staff, chat, "陪同企业来磐考察")
    review = await reply(staff, chat, "请吴副县长出面约见企业董事长")
    assert "请核对后提交" in (review.text or "") and "对接活动</b>：无" not in (review.text or "")
    assert "对接活动：无" in (review.text or "")
    done = await tap(staff, chat, "✅ 提交")
    assert "《北京招商联络处2026年9月工作汇报》已提交" in (done.text or "")

    # The 联系县领导 receives it in private, with the button to record the follow-up visit.
    await world.deliver()
    received = latest(leader.private_chat)
    assert "北京某生物医药集团" in (received.text or "") and "林联络提交" in (received.text or "")
    assert "🤝 记录走访" in received.button_texts
    # Nobody else may use the leader's button, even sent from a modified client.
    forged = await head.taps_forged(latest(head.private_chat), received.callback_data("🤝 记录走访") or "")
    assert "只有该联络处的联系县领导可以记录走访" in (world.telegram.answer_to(forged).text or "")

    question = await tap(leader, leader.private_chat, "🤝 记录走访", on=received)
    assert "走访日期" in (question.text or "")
    question = await reply(leader, leader.private_chat, "2026-10-20")
    assert "「2026-10-20」不是有效的走访日期" in (question.text or "")  # it has not come yet
    question = await reply(leader, leader.private_chat, "今天")
    assert "哪家企业" in (question.text or "")
    await reply(leader, leader.private_chat, "北京某生物医药集团 张董事长")
    recorded = await reply(leader, leader.private_chat, "企业同意十一月来磐考察")
    assert "已记录 2026-10-08 的走访" in (recorded.text or "")

    # The office's 负责人 and the 领导小组办公室 are told.
    await world.deliver()
    for told in (head, office):
        text = latest(told.private_chat).text or ""
        assert "吴副县长已走访（2026-10-08）：北京某生物医药集团 张董事长" in text and "十一月来磐考察" in text

    # The report is in: /report says so, and /liaison shows the report and the visit.
    await staff.says(chat, "/report")
    assert "已于 2026-10-08 提交" in (latest(chat).text or "")
    await leader.says(leader.private_chat, "/liaison")
    overview = latest(leader.private_chat).text or ""
    assert "北京招商联络处" in overview and "2026年9月工作汇报：已于 2026-10-08 提交" in overview
    assert "上海招商联络处" not in overview  # only the offices this leader contacts
    assert "张董事长" in overview


async def test_a_visit_begun_can_be_given_up_and_others_are_told_what_the_commands_are_for(world: World) -> None:
    world.clock.move_to(PROMPT_DAY)
    leader = await world.person("吴副县长", Role(RoleKind.CONTACT_LEADER, BEIJING))
    cadre = await world.person("李尖山", Role(RoleKind.STAFF, "jianshan"))
    for someone in (leader, cadre):
        await someone.starts()
    chat = leader.private_chat
    await leader.says(chat, "/visit")
    assert "走访日期" in (latest(chat).text or "")
    await leader.says(chat, "/cancel")
    assert "已放弃，什么也没有提交" in (latest(chat).text or "")
    await leader.says(chat, "今天")  # no question is out any more: the answer is not taken as one
    assert "已放弃" not in (latest(chat).text or "")
    await cadre.says(cadre.private_chat, "/report")
    assert "您不在任何联络处" in (latest(cadre.private_chat).text or "")
    await cadre.says(cadre.private_chat, "/visit")
    assert "您不是任何联络处的联系县领导" in (latest(cadre.private_chat).text or "")
    await cadre.says(cadre.private_chat, "/liaison")
    assert "没有您可查看的驻外招商联络处" in (latest(cadre.private_chat).text or "")
