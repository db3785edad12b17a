"""The request carries the case: a leader asked to decide sees the figures, the route so far, the meetings and
the opinions, and opens the whole 审批表 with one tap; nobody without a part in the project can."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.directory import Role, RoleKind
from domain.lifecycle import Stage
from domain.project import Project
from domain.records import Decision, OpinionKind
from sandbox.scenario import Conversation
from services import projects as uc
from tests.bot.conftest import World
from tests.bot.moves_support import FORM_BUTTON, People, cast_of, project_in
from tests.factories import NOW
from tests.journeys import ident, pending


async def _at_county_head(world: World) -> tuple[People, Conversation, Project]:
    """A 35 亩 工业 project whose route has reached the 县长, with a department's opinion and the deputy's comment."""
    people, cast = await cast_of(world)
    project, group = await project_in(world, people, cast, until=Stage.REVIEWED, land_mu=Decimal(35))
    pid = ident(project.id)
    db, directory = world.app.db, world.app.directory
    await uc.form_task_force(
        db,
        directory,
        person_id=cast.office,
        project_id=pid,
        member_units=["natural_resources"],
        formed_on=date(2026, 11, 26),
        now=NOW,
    )
    opinions = (
        (
            cast.department,
            OpinionKind.DEPARTMENT,
            "natural_resources",
            "选址符合国土空间规划，用地指标可以保障",
            "赵六",
        ),
        (cast.reviewer, OpinionKind.JOINT_REVIEW, project.joint_reviewer, "同意引进", "钱七"),
    )
    for person, kind, unit, text, inspector in opinions:
        await uc.record_opinion(
            db,
            person_id=person,
            project_id=pid,
            kind=kind,
            unit=unit,
            text=text,
            inspector=inspector,
            given_on=date(2026, 11, 27),
            now=NOW,
        )
    await uc.open_approval(db, person_id=cast.office, project_id=pid, now=NOW)
    # Before the 县长 on this route: the deputy's 审核 and the 县长办公会议 (recorded by the office).
    while (step := pending(await uc.get_project(db, pid))).holder.kind is not RoleKind.COUNTY_HEAD:
        person = cast.office if step.actor.is_meeting else cast.deputy
        await uc.decide_step(
            db,
            person_id=person,
            project_id=pid,
            step_id=ident(step.id),
            decision=Decision.APPROVE,
            now=NOW,
            comment="同意，抓紧推进" if not step.actor.is_meeting else "",
            meeting_held_on=date(2026, 11, 27) if step.actor.is_meeting else None,
            minutes_no="县长办公会议纪要〔2026〕30号" if step.actor.is_meeting else "",
        )
    return people, group, project


async def test_the_county_heads_request_holds_the_case_and_opens_the_whole_form(world: World) -> None:
    people, _group, _project = await _at_county_head(world)
    head_chat = people.county_head.opens_private_chat()
    await world.deliver()
    request = head_chat.last_message()
    text = request.text or ""
    assert "县长审批" in text
    for fact in (
        "尖山镇",  # landing unit
        "工业",  # category
        "3亿元",  # 总投资
        "35亩",  # 用地
        "一事一议：否",
        "第 3 步，共 3 步",
        "同意，抓紧推进",  # the deputy's comment
        "赵副县长",  # who decided before
        "研判〔2026〕11号",
        "领导小组〔2026〕5号",  # the meetings with their 纪要号
        "2026-11-26",
        "县自然资源和规划局",  # the opinion, by unit
        "选址符合国土空间规划",
    ):
        assert fact in text, fact
    assert request.button_texts[:1] == ["✅ 同意"] and FORM_BUTTON in request.button_texts

    before = len(head_chat.bot_messages())
    await people.county_head.taps(request, FORM_BUTTON)
    form = "\n".join(m.text or "" for m in head_chat.bot_messages()[before:])
    for value in ("王建国", "13805791234", "浙江磐石药业有限公司", "中药饮片生产线", "尖山镇工业功能区", "张三、李四"):
        assert value in form, value
    assert "选址符合国土空间规划，用地指标可以保障" in form and "钱七" in form  # opinions whole, 联审 too
    assert "同意，抓紧推进" in form


async def test_the_form_tapped_in_the_group_goes_to_the_presser_in_private(world: World) -> None:
    people, group, _project = await _at_county_head(world)
    await world.deliver()
    request = next(m for m in reversed(group.bot_messages()) if FORM_BUTTON in m.button_texts)
    deputy_chat = people.deputy.opens_private_chat()
    in_group = len(group.bot_messages())
    before = len(deputy_chat.bot_messages())
    tap = await people.deputy.taps(request, FORM_BUTTON)
    assert "私信" in (world.telegram.answer_to(tap).text or "")
    assert len(group.bot_messages()) == in_group  # the investor's phone stays out
    assert any("13805791234" in (m.text or "") for m in deputy_chat.bot_messages()[before:])


async def test_someone_without_a_part_in_the_project_cannot_open_its_form(world: World) -> None:
    _people, group, _project = await _at_county_head(world)
    await world.deliver()
    request = next(m for m in reversed(group.bot_messages()) if FORM_BUTTON in m.button_texts)
    stranger = await world.person("吴干部", Role(RoleKind.STAFF, "yushan"))
    chat = stranger.opens_private_chat()
    await stranger.joins(group)  # in the group, but no part in the project
    tap = await stranger.taps(request, FORM_BUTTON)
    assert "不能查看" in (world.telegram.answer_to(tap).text or "")
    assert chat.bot_messages() == []


async def test_a_forged_form_tap_in_another_chat_shows_nothing(world: World) -> None:
    people, _group, project = await _at_county_head(world)
    await world.deliver()
    head_chat = people.county_head.opens_private_chat()
    other = world.telegram.group("别的群", members=[people.county_head])
    said = await people.county_head.says(other, "大家好")
    before = len(head_chat.bot_messages())
    tap = await people.county_head.taps_forged(said, f"cf:{ident(project.id)}")
    assert world.telegram.answer_to(tap).show_alert
    assert len(head_chat.bot_messages()) == before
