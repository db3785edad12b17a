"""Moving projects with buttons: each person sees the buttons that are theirs, answers a question or two, and
the project moves on; requests reach the step's holder in private and the group sees them."""

from __future__ import annotations

from decimal import Decimal

from domain.approval import Category
from domain.directory import Role, RoleKind
from domain.lifecycle import Stage
from domain.records import StepStatus
from services import projects as uc
from tests.bot.conftest import World
from tests.bot.moves_support import (
    DECISIONS,
    MEETING_DECISIONS,
    TODAY,
    answer,
    cast_of,
    move,
    project_in,
    request_in,
    stage_of,
    status,
    texts,
)
from tests.factories import NOW
from tests.journeys import ident, pending


async def test_a_35_mu_industrial_project_goes_from_review_to_construction_by_buttons(world: World) -> None:
    people, cast = await cast_of(world)
    project, group = await project_in(world, people, cast, until=Stage.REVIEWED, title="药谷群", land_mu=Decimal(35))
    deputy_chat = people.deputy.opens_private_chat()
    office_chat = people.office.opens_private_chat()
    head_chat = people.county_head.opens_private_chat()
    department_chat = people.department.opens_private_chat()

    # The office forms the 专班 with the land department; the 分管副县长 leads it.
    card = await status(people.office, group)
    assert "👥 组建专班" in card.button_texts and "⛔ 终止项目" in card.button_texts
    await people.office.taps(card, "👥 组建专班")
    picker = group.bot_messages()[-1]
    await people.office.taps(picker, "▫️ 县自然资源和规划局")
    assert "✅ 县自然资源和规划局" in picker.button_texts
    await people.office.taps(picker, "✅ 确定")
    assert await stage_of(world, project) is Stage.NEGOTIATING
    await world.deliver()
    assert "专班" in (deputy_chat.last_message().text or "")

    # The department gives its opinion from /todo in private; the 工投办 its 联审 in the group.
    await people.department.says(department_chat, "/todo")
    item = department_chat.bot_messages()[-1]
    assert "药谷群" in (item.text or "") and "部门考察意见" in (item.text or "")
    await people.department.taps(item, "🔍 提交考察意见")
    await answer(people.department, department_chat, "选址符合国土空间规划")
    done = await answer(people.department, department_chat, "赵六")
    assert "已办理" in (done.text or "")
    await move(people.reviewer, group, "🧾 出具联审意见", "同意引进", "钱七")

    # The office opens the route: the deputy is asked in private, and the group sees the same request.
    await move(people.office, group, "🚦 启动分层审批")
    assert await stage_of(world, project) is Stage.APPROVING
    await world.deliver()
    request = deputy_chat.last_message()
    assert request.button_texts == DECISIONS and "分管工业副县长审核" in (request.text or "")
    assert group.bot_messages()[-1].button_texts == DECISIONS

    # The deputy approves with a comment; the request now shows who decided what.
    await people.deputy.taps(request, "✅ 同意")
    await answer(people.deputy, deputy_chat, "同意，抓紧推进")
    assert request.button_texts == [] and "赵副县长" in (request.text or "") and "抓紧推进" in (request.text or "")

    # The office records the 县长办公会议 from the group: date, 纪要, and no note.
    await world.deliver()
    assert office_chat.last_message().button_texts == MEETING_DECISIONS
    in_group = group.bot_messages()[-1]
    await people.office.taps(in_group, "✅ 通过")
    await answer(people.office, group, "11月27日")
    await answer(people.office, group, "县长办公会议纪要〔2026〕30号")
    await people.office.taps(in_group, "✅ 直接提交")
    assert "30号" in (in_group.text or "") and "2026-11-27" in (in_group.text or "")

    # The county head approves without a comment: the project is approved.
    await world.deliver()
    last = head_chat.last_message()
    await people.county_head.taps(last, "✅ 同意")
    await people.county_head.taps(last, "✅ 直接提交")
    assert await stage_of(world, project) is Stage.APPROVED

    # The cadre records the agreement, the land's listing and delisting, and the start of construction.
    await move(people.cadre, group, "✍️ 登记签约", "2026-11-28", "磐投协〔2026〕8号")
    await move(people.cadre, group, "🏷️ 登记挂牌", "今天")
    await move(people.cadre, group, "🔨 登记摘牌", "今天")
    await move(people.cadre, group, "🏗️ 登记开工", "今天")
    assert await stage_of(world, project) is Stage.STARTED
    await world.deliver()
    assert "已开工" in texts(group)


async def test_a_60_mu_tourism_project_passes_both_meetings_and_the_standing_committee(world: World) -> None:
    people, cast = await cast_of(world, category=Category.CULTURE_TOURISM)
    project, group = await project_in(
        world, people, cast, until=Stage.SUBMITTED, category=Category.CULTURE_TOURISM, land_mu=Decimal(60)
    )
    await move(people.office, group, "研判：通过", "11月25日", "研判〔2026〕11号", "同意引进")
    card = await move(people.office, group, "审议：通过", "11月26日", "领导小组〔2026〕5号")
    await people.office.taps(card, "✅ 直接提交")
    assert await stage_of(world, project) is Stage.REVIEWED

    pid = ident(project.id)
    db = world.app.db
    await uc.form_task_force(
        db, world.app.directory, person_id=cast.office, project_id=pid, member_units=[], formed_on=TODAY, now=NOW
    )
    await move(people.reviewer, group, "🧾 出具联审意见", "同意", "钱七")  # 县旅游发展委员会办公室
    await move(people.office, group, "🚦 启动分层审批")
    steps = (await uc.get_project(db, pid)).current_steps()
    assert [s.actor.value for s in steps] == ["分管副县长", "县长办公会议", "县委常委会", "县长"]

    office_chat = people.office.opens_private_chat()
    for who, decisions in ((people.deputy, DECISIONS), (people.office, MEETING_DECISIONS)):
        chat = who.opens_private_chat()
        await world.deliver()
        request = chat.last_message()
        assert request.button_texts == decisions
        await who.taps(request, decisions[0])
        if who is people.office:
            await answer(who, chat, "今天")
            await answer(who, chat, "县长办公会议纪要〔2026〕31号")
        await who.taps(request, "✅ 直接提交")
    await world.deliver()
    committee = office_chat.last_message()
    assert "县委常委会审议" in (committee.text or "")
    await people.office.taps(committee, "✅ 通过")
    await answer(people.office, office_chat, "今天")
    await answer(people.office, office_chat, "县委常委会纪要〔2026〕9号")
    await answer(people.office, office_chat, "同意")
    head_chat = people.county_head.opens_private_chat()
    await world.deliver()
    last = head_chat.last_message()
    await people.county_head.taps(last, "✅ 同意")
    await people.county_head.taps(last, "✅ 直接提交")
    assert await stage_of(world, project) is Stage.APPROVED


async def test_a_project_without_land_is_approved_by_the_county_head_then_the_deputy(world: World) -> None:
    people, cast = await cast_of(world)
    project, group = await project_in(world, people, cast, until=Stage.APPROVING, land_mu=None)
    head_chat = people.county_head.opens_private_chat()
    deputy_chat = people.deputy.opens_private_chat()
    await world.deliver()
    assert "县长同意" in (head_chat.last_message().text or "")
    await people.county_head.taps(head_chat.last_message(), "✅ 同意")
    await answer(people.county_head, head_chat, "同意")
    await world.deliver()
    assert "分管工业副县长审批" in (deputy_chat.last_message().text or "")
    await people.deputy.taps(deputy_chat.last_message(), "✅ 同意")
    await answer(people.deputy, deputy_chat, "跳过")
    card = await status(people.cadre, group)
    assert card.button_texts == ["✍️ 登记签约", "⛔ 终止项目"]
    await people.cadre.taps(card, "✍️ 登记签约")
    await answer(people.cadre, group, "今天")
    await people.cadre.taps(card, "✅ 直接提交")
    card = await status(people.cadre, group)
    assert "🏷️ 登记挂牌" not in card.button_texts
    await move(people.cadre, group, "🏗️ 登记开工", "今天")
    assert await stage_of(world, project) is Stage.STARTED


async def test_a_project_refused_at_the_screening_goes_back_to_planning(world: World) -> None:
    people, cast = await cast_of(world)
    project, group = await project_in(world, people, cast, until=Stage.SUBMITTED)
    card = await status(people.cadre, group)
    assert not any(label.startswith("研判") for label in card.button_texts)
    await move(people.office, group, "研判：不通过", "今天", "研判〔2026〕12号", "不符合产业导向")
    assert await stage_of(world, project) is Stage.PLANNING
    await world.deliver()
    assert "未通过" in texts(group)
    assert "/form" in (await status(people.cadre, group)).text  # type: ignore[operator]


async def test_a_returned_form_is_changed_and_resubmitted(world: World) -> None:
    people, cast = await cast_of(world)
    project, group = await project_in(world, people, cast, until=Stage.APPROVING)
    deputy_chat = people.deputy.opens_private_chat()
    await world.deliver()
    request = deputy_chat.last_message()
    await people.deputy.taps(request, "↩️ 退回修改")
    assert request.button_texts == ["✖️ 取消"]  # a reason is required: no 直接提交
    await answer(people.deputy, deputy_chat, "请补充能耗指标")
    assert await stage_of(world, project) is Stage.RETURNED

    await uc.edit_form(
        world.app.db,
        world.app.directory,
        person_id=cast.cadre,
        project_id=ident(project.id),
        now=NOW,
        energy_use="年综合能耗 500 吨标准煤",
    )
    await move(people.cadre, group, "📨 重新上报审批")
    assert await stage_of(world, project) is Stage.APPROVING
    await world.deliver()
    assert deputy_chat.last_message().button_texts == DECISIONS
    assert "请补充能耗指标" in texts(group)


async def test_a_40_mu_jinpan_project_is_approved_by_the_zone_head_alone(world: World) -> None:
    people, cast = await cast_of(world, unit="jinpan")
    zone_head = await world.person("吴主任", Role(RoleKind.HEAD, "jinpan"))
    project, group = await project_in(world, people, cast, until=Stage.APPROVING, unit="jinpan", land_mu=Decimal(40))
    await zone_head.joins(group)
    chat = zone_head.opens_private_chat()
    await world.deliver()
    request = request_in(group)
    assert "金磐开发区主要负责人审批" in (request.text or "")

    # Someone other than the holder (here the zone's own cadre, not its head) is told who may; nothing changes.
    tap = await people.cadre.taps(request, "✅ 同意")
    refusal = world.telegram.answer_to(tap)
    assert refusal.show_alert and "只能由金磐开发区主要负责人办理" in (refusal.text or "")
    assert request.button_texts == DECISIONS and not request.edited
    assert await stage_of(world, project) is Stage.APPROVING

    mine = chat.last_message()
    await zone_head.taps(mine, "✅ 同意")
    await zone_head.taps(mine, "✅ 直接提交")
    assert await stage_of(world, project) is Stage.APPROVED


async def test_the_same_decision_tapped_twice_counts_once(world: World) -> None:
    people, cast = await cast_of(world)
    project, group = await project_in(world, people, cast, until=Stage.APPROVING)
    deputy_chat = people.deputy.opens_private_chat()
    await world.deliver()
    private, public = deputy_chat.last_message(), request_in(group)
    data = private.callback_data("✅ 同意")
    await people.deputy.taps(private, "✅ 同意")
    await people.deputy.taps(private, "✅ 直接提交")
    # The group's copy shows the outcome at once, without buttons; a stale tap on it is told the step is done.
    assert public.button_texts == [] and "赵副县长" in (public.text or "")
    tap = await people.deputy.taps_forged(public, data or "")
    assert "已经办理过" in (world.telegram.answer_to(tap).text or "")
    again = await people.deputy.taps_forged(private, data or "")
    assert "已经办理过" in (world.telegram.answer_to(again).text or "")
    steps = (await uc.get_project(world.app.db, ident(project.id))).current_steps()
    assert [s.status for s in steps] == [StepStatus.APPROVED, StepStatus.PENDING, StepStatus.WAITING]


async def test_forged_buttons_are_answered_and_change_nothing(world: World) -> None:
    people, cast = await cast_of(world)
    project, group = await project_in(world, people, cast, until=Stage.APPROVING)
    await world.deliver()
    request = request_in(group)
    for data in ("sd:999999:approve", "sd:1:maybe", f"mv:{project.id}:open_approval:", "pv:nowhere::0:"):
        tap = await people.cadre.taps_forged(request, data)
        assert world.telegram.answer_to(tap).answered
    forged = await people.deputy.taps_forged(request, "sd:999999:approve")
    assert "不存在" in (world.telegram.answer_to(forged).text or "")
    assert await stage_of(world, project) is Stage.APPROVING and request.button_texts == DECISIONS


async def test_todo_lists_the_holders_steps_oldest_first(world: World) -> None:
    people, cast = await cast_of(world)
    await project_in(world, people, cast, until=Stage.APPROVING, title="先来的群")
    second, _ = await project_in(world, people, cast, until=Stage.APPROVING, title="后到的群")
    async with world.app.db.uow() as uow:  # the second request reached the deputy a day later
        project = await uow.projects.get(ident(second.id))
        next(s for s in project.steps if s.id == pending(second).id).opened_at = TODAY
        await uow.commit()
    chat = people.deputy.opens_private_chat()
    await people.deputy.says(chat, "/todo")
    header, first_item, second_item = chat.bot_messages()[-3:]
    assert "2 项" in (header.text or "")
    assert "先来的群" in (first_item.text or "") and "后到的群" in (second_item.text or "")
    assert first_item.button_texts == DECISIONS
    await people.deputy.taps(first_item, "✅ 同意")
    await answer(people.deputy, chat, "同意")
    assert "赵副县长" in (first_item.text or "")

    cadre_chat = people.cadre.opens_private_chat()
    await people.cadre.says(cadre_chat, "/todo")
    assert "没有等您办理" in (cadre_chat.last_message().text or "")


async def test_projects_are_listed_for_the_office_filtered_by_stage(world: World) -> None:
    people, cast = await cast_of(world)
    await project_in(world, people, cast, until=Stage.SUBMITTED)
    await project_in(world, people, cast, until=Stage.REVIEWED)
    chat = people.office.opens_private_chat()
    await people.office.says(chat, "/projects")
    listing = chat.last_message()
    assert "共 2 个" in (listing.text or "")
    await people.office.taps(listing, "📍 全部阶段")
    await people.office.taps(listing, "审批表已上报")
    assert "共 1 个" in (listing.text or "") and "审批表已上报" in (listing.text or "")
    cadre_chat = people.cadre.opens_private_chat()
    await people.cadre.says(cadre_chat, "/projects")
    assert "只对领导小组办公室和县领导开放" in (cadre_chat.last_message().text or "")
