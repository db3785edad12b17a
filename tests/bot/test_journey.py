"""The flagship story: a 35 亩 工业 project of 尖山镇, from the day its 联络群 is created to 开工.

Everything happens as people do it in Telegram: messages, replies to the bot's questions, button taps. Only the
people's roles are granted beforehand, as an admin would have done. At each milestone the story checks what
people notice: who got which message where, and the stage on the card pinned in the group. `world.deliver()` is
a second passing: the scheduler sends what is queued and refreshes the card.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.directory import Role, RoleKind
from sandbox.scenario import Conversation
from tests.bot.conftest import World
from tests.bot.moves_support import (
    DECISIONS,
    MEETING_DECISIONS,
    TODAY,
    People,
    answer,
    move,
    person_id,
    request_in,
    status,
    texts,
)
from tests.bot.story import (
    INDUSTRIAL_35_MU,
    answer_each,
    asks,
    card_in,
    latest,
    pins_in,
    reply,
    stage_on_card,
    tap,
)
from zhikong.clock import MovableClock

NAME = "磐石药业中药饮片生产线项目"  # the form's answers are INDUSTRIAL_35_MU: 浙江磐石药业, 中药饮片, 35 亩


@dataclass
class Story:
    world: World
    people: People
    group: Conversation
    card_id: int = 0  # the pinned card, once the group is bound


async def everyone_starts_the_bot(world: World) -> People:
    """Six people whose roles an admin has granted; each presses Start, so the bot may write to them."""
    clock = world.app.clock
    assert isinstance(clock, MovableClock)
    clock.move_to(TODAY)  # 2026-11-28 10:00 in 磐安
    people = People(
        cadre=await world.person("李尖山", Role(RoleKind.STAFF, "jianshan")),
        office=await world.person("王办公室", Role(RoleKind.OFFICE)),
        deputy=await world.person("赵副县长", Role(RoleKind.DEPUTY_HEAD, "deputy_industry")),
        county_head=await world.person("陈县长", Role(RoleKind.COUNTY_HEAD)),
        reviewer=await world.person("孙工投办", Role(RoleKind.STAFF, "industry_investment_office")),
        department=await world.person("周自然资源局", Role(RoleKind.STAFF, "natural_resources")),
    )
    roles = (
        "尖山镇",
        "领导小组办公室",
        "分管工业副县长",
        "县长",
        "县工业投资项目管理领导小组办公室",
        "县自然资源和规划局",
    )
    for someone, role in zip(people.all(), roles, strict=True):
        await someone.starts()
        assert f"您在招引智控中的身份：\n• {role}" in (latest(someone.private_chat).text or ""), someone
    return people


async def the_cadre_creates_the_group(world: World, people: People) -> Story:
    """李尖山 creates the 联络群 with everyone and the bot, an admin so it can pin; the bot asks to be bound."""
    group = world.telegram.group("中药饮片项目联络群", members=people.all(), bot_is_admin=True)
    await world.telegram.settle()
    assert "/bind" in (latest(group).text or "")
    return Story(world, people, group)


async def the_cadre_binds_a_new_project(story: Story) -> None:
    """/bind → ➕ 新建项目 → the name, as a reply; the card is pinned and the office hears of the new project."""
    cadre, group = story.people.cadre, story.group
    await cadre.says(group, "/bind")
    question = await tap(cadre, group, "➕ 新建项目")
    assert question.forces_reply
    bound = await reply(cadre, group, NAME, to=question)
    assert f"已新建项目「{NAME}」并绑定本群" in (bound.text or "")
    await story.world.deliver()
    card = card_in(group)
    assert NAME in (card.text or "") and "落地单位：尖山镇" in (card.text or "")
    assert stage_on_card(group) == "项目谋划"
    story.card_id = card.message_id
    assert f"🆕 新项目「{NAME}」已由尖山镇建立" in (story.people.office.private_chat.last_message().text or "")


async def the_cadre_fills_the_form(story: Story) -> None:
    """/form in the group: 工业 is a button, then each answer a reply (or a tap, or /skip) to the bot's question."""
    cadre, group = story.people.cadre, story.group
    await cadre.says(group, "/form")
    assert asks(latest(group), "产业类别")
    await tap(cadre, group, "工业")
    await answer_each(cadre, group, INDUSTRIAL_35_MU)
    review = latest(group).text or ""
    assert "★ 计划用地（亩）：35" in review and "必填项已全部填写" in review


async def the_cadre_records_the_argument_and_submits(story: Story) -> None:
    """📨 提交 asks for the 论证 first; once its date is given the route is shown, and 确认上报 submits."""
    cadre, group = story.people.cadre, story.group
    first = await tap(cadre, group, "📨 提交")
    assert "分管县领导组织论证之后" in (first.text or "")
    await tap(cadre, group, "论证已完成")
    route = await reply(cadre, group, "11月10日")
    assert "1. 分管工业副县长审核\n2. 县长办公会议审议\n3. 县长审批" in (route.text or "")
    await story.world.deliver()
    assert stage_on_card(group) == "论证通过"
    done = await tap(cadre, group, "✅ 确认上报", on=route)
    assert "领导小组办公室会收到通知" in (done.text or "")


async def the_office_sees_the_submission(story: Story) -> None:
    await story.world.deliver()
    submitted = f"📨「{NAME}」的落地审批表已上报领导小组办公室"
    assert submitted in (story.people.office.private_chat.last_message().text or "")
    assert submitted in (latest(story.group).text or "")
    assert stage_on_card(story.group) == "审批表已上报"
    card = card_in(story.group).text or ""
    assert "总投资：3亿元；计划用地（亩）：35" in card and "等待：领导小组办公室" in card


async def the_office_records_both_meetings(story: Story) -> None:
    """研判 通过, then 领导小组 通过, each with its date and 纪要 number, from /status in the group."""
    office, group = story.people.office, story.group
    await move(office, group, "研判：通过", "11月25日", "研判〔2026〕11号", "同意引进")
    await story.world.deliver()
    assert stage_on_card(group) == "研判通过"
    card = await move(office, group, "审议：通过", "11月26日", "领导小组〔2026〕5号")
    await office.taps(card, "✅ 直接提交")  # no note
    await story.world.deliver()
    assert stage_on_card(group) == "领导小组审议通过"
    assert "领导小组会议（2026-11-26，纪要 领导小组〔2026〕5号）" in texts(group)


async def the_office_forms_the_task_force(story: Story) -> None:
    """👥 组建专班 with 县自然资源和规划局: the deputy (its leader) and both departments hear of it in private."""
    office, group = story.people.office, story.group
    await office.taps(await status(office, group), "👥 组建专班")
    picker = latest(group)
    await office.taps(picker, "▫️ 县自然资源和规划局")
    await office.taps(picker, "✅ 确定")
    await story.world.deliver()
    assert stage_on_card(group) == "专班考察洽谈"
    for member in (story.people.deputy, story.people.reviewer, story.people.department):
        assert "已组建项目招引专班，分管工业副县长任组长" in (member.private_chat.last_message().text or "")


async def the_department_gives_its_opinion(story: Story) -> None:
    """周自然资源局 finds the task in /todo in private and answers there."""
    department = story.people.department
    chat = department.private_chat
    await department.says(chat, "/todo")
    item = latest(chat)
    assert NAME in (item.text or "") and "待办：部门考察意见" in (item.text or "")
    await department.taps(item, "🔍 提交考察意见")
    await answer(department, chat, "选址符合国土空间规划，用地指标可保障")
    done = await answer(department, chat, "周自然资源局")  # the inspector
    assert "✅ 已办理" in (done.text or "")


async def the_joint_reviewer_gives_the_joint_review(story: Story) -> None:
    """孙工投办, the 联审 department for 工业, answers from /status in the group; the office hears of both."""
    await move(story.people.reviewer, story.group, "🧾 出具联审意见", "同意引进", "孙工投办")
    await story.world.deliver()
    office = texts(story.people.office.private_chat)
    assert "县自然资源和规划局已提交" in office and "的考察联审意见（孙工投办）：同意引进" in office


async def the_office_opens_the_route(story: Story) -> None:
    """🚦 启动分层审批: the card shows the route; the deputy is asked in private and the group sees it too."""
    await move(story.people.office, story.group, "🚦 启动分层审批")
    await story.world.deliver()
    assert stage_on_card(story.group) == "分层审批中"
    assert "审批路线：分管副县长 审核 → 县长办公会议 审议 → 县长 审批" in (card_in(story.group).text or "")
    request = story.people.deputy.private_chat.last_message()
    assert request.button_texts == DECISIONS and "现在请办理：分管工业副县长审核" in (request.text or "")
    assert request_in(story.group).text == request.text and request_in(story.group).button_texts == DECISIONS


async def the_deputy_approves_with_a_comment(story: Story) -> None:
    deputy = story.people.deputy
    request = deputy.private_chat.last_message()
    await deputy.taps(request, "✅ 同意")
    await answer(deputy, deputy.private_chat, "同意，抓紧推进")
    text = request.text or ""
    assert request.button_texts == [] and "✅ 同意 — 赵副县长" in text and "意见：同意，抓紧推进" in text


async def the_office_records_the_executive_meeting(story: Story) -> None:
    """The 县长办公会议 is not a person: the office records its outcome, date and 纪要, in private."""
    office = story.people.office
    await story.world.deliver()
    request = office.private_chat.last_message()
    assert request.button_texts == MEETING_DECISIONS and "现在请办理：县长办公会议审议" in (request.text or "")
    await office.taps(request, "✅ 通过")
    await answer(office, office.private_chat, "11月27日")
    await answer(office, office.private_chat, "县长办公会议纪要〔2026〕30号")
    await office.taps(request, "✅ 直接提交")
    assert "会议日期：2026-11-27；纪要：县长办公会议纪要〔2026〕30号" in (request.text or "")


async def the_county_head_approves(story: Story) -> None:
    head = story.people.county_head
    await story.world.deliver()
    request = head.private_chat.last_message()
    assert request.button_texts == DECISIONS and "现在请办理：县长审批" in (request.text or "")
    await head.taps(request, "✅ 同意")
    await head.taps(request, "✅ 直接提交")  # no comment
    await story.world.deliver()
    assert stage_on_card(story.group) == "审批通过"
    assert f"「{NAME}」县长审批：同意。当前阶段：审批通过。" in (latest(story.group).text or "")


async def the_cadre_records_signing_land_and_start(story: Story) -> None:
    """签约, 挂牌, 摘牌, 开工: each a button on /status in the group and a reply or two; the office is told."""
    cadre, group = story.people.cadre, story.group
    for button, answers, stage, told in (
        ("✍️ 登记签约", ("11月28日", "磐投协〔2026〕8号"), "已签约", "已签订投资协议书（2026-11-28）"),
        ("🏷️ 登记挂牌", ("今天",), "土地已挂牌", "项目用地已挂牌（2026-11-28）"),
        ("🔨 登记摘牌", ("今天",), "已摘牌", "项目用地已摘牌（2026-11-28）"),
        ("🏗️ 登记开工", ("今天",), "已开工", "已开工建设（2026-11-28）"),
    ):
        await move(cadre, group, button, *answers)
        await story.world.deliver()
        assert stage_on_card(group) == stage, button
        assert told in (story.people.office.private_chat.last_message().text or ""), button


async def the_card_was_one_message_all_along(story: Story) -> None:
    """The card pinned when the group was bound was edited in place throughout, never posted or pinned again."""
    card = card_in(story.group)
    assert card.message_id == story.card_id and card.edited
    assert pins_in(story.group) == [story.card_id]
    assert "等待" not in (card.text or "")  # nobody owes anything any more


async def the_audit_trail_tells_the_story(story: Story) -> None:
    """One event per move, in order, each by whoever made it; between binding and the 论证, one form edit per
    question the cadre answered (none for those skipped)."""
    world = story.world
    async with world.app.db.uow(read_only=True) as uow:
        project = await uow.projects.by_group_chat(story.group.id)
        assert project is not None and project.id is not None
        events = await uow.audit.for_subject("project", project.id)
    who = {await person_id(world, p): role for role, p in vars(story.people).items()}
    trail = [(e["name"], who[e["actor_person_id"]]) for e in events]
    edits = [i for i, (name, _) in enumerate(trail) if name == "form_edited"]
    answered = 1 + sum(a not in ("跳过", "/skip") for a in INDUSTRIAL_35_MU)  # 工业, then all but the skipped
    assert edits == list(range(2, 2 + answered)) and {trail[i][1] for i in edits} == {"cadre"}
    assert [t for t in trail if t[0] != "form_edited"] == [
        ("create", "cadre"),
        ("bind_group", "cadre"),
        ("record_argumentation", "cadre"),
        ("submit_form", "cadre"),
        ("record_screening", "office"),
        ("record_leading_group_review", "office"),
        ("form_task_force", "office"),
        ("record_department_opinion", "department"),
        ("record_joint_review", "reviewer"),
        ("open_approval", "office"),
        ("decide_step", "deputy"),
        ("decide_step", "office"),  # the 县长办公会议, recorded by the office
        ("decide_step", "county_head"),
        ("sign_agreement", "cadre"),
        ("list_land", "cadre"),
        ("delist_land", "cadre"),
        ("start_construction", "cadre"),
    ]


async def test_a_35_mu_industrial_project_goes_from_group_creation_to_construction(world: World) -> None:
    story = await the_cadre_creates_the_group(world, await everyone_starts_the_bot(world))
    await the_cadre_binds_a_new_project(story)
    await the_cadre_fills_the_form(story)
    await the_cadre_records_the_argument_and_submits(story)
    await the_office_sees_the_submission(story)
    await the_office_records_both_meetings(story)
    await the_office_forms_the_task_force(story)
    await the_department_gives_its_opinion(story)
    await the_joint_reviewer_gives_the_joint_review(story)
    await the_office_opens_the_route(story)
    await the_deputy_approves_with_a_comment(story)
    await the_office_records_the_executive_meeting(story)
    await the_county_head_approves(story)
    await the_cadre_records_signing_land_and_start(story)
    await the_card_was_one_message_all_along(story)
    await the_audit_trail_tells_the_story(story)
