"""交办单 stories on the fake Telegram: a problem reported from a project's group goes by taps and replies through
the office, the county head and the 督考办 to the units, and closes when they are done; an overdue item is warned
and ends in a 通报批评."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from domain.directory import Role, RoleKind
from domain.tasks import ItemDraft
from sandbox.scenario import Conversation, MessageView, Person
from services import groups as groups_uc
from services import projects as projects_uc
from services import tasks as uc
from tests.bot.conftest import World
from tests.bot.moves_support import TODAY, person_id
from tests.bot.story import latest, reply, tap
from tests.factories import NOW
from tests.journeys import ident
from zhikong.clock import MovableClock


@dataclass
class People:
    cadre: Person
    office: Person
    county_head: Person
    supervision: Person
    finance: Person
    finance_head: Person
    land: Person


async def cast(world: World) -> People:
    clock = world.app.clock
    assert isinstance(clock, MovableClock)
    clock.move_to(TODAY)  # Saturday 2026-11-28, 10:00 in 磐安
    people = People(
        cadre=await world.person("李尖山", Role(RoleKind.STAFF, "jianshan")),
        office=await world.person("王办公室", Role(RoleKind.OFFICE)),
        county_head=await world.person("陈县长", Role(RoleKind.COUNTY_HEAD)),
        supervision=await world.person("周督考", Role(RoleKind.SUPERVISION)),
        finance=await world.person("吴财政", Role(RoleKind.STAFF, "finance")),
        finance_head=await world.person("郑局长", Role(RoleKind.HEAD, "finance")),
        land=await world.person("孙自然资源", Role(RoleKind.STAFF, "natural_resources")),
    )
    for someone in vars(people).values():
        someone.opens_private_chat()
    return people


async def project_group(world: World, people: People) -> Conversation:
    """A project of 尖山镇 bound to its 联络群 (the cadre and the office in it)."""
    db, directory = world.app.db, world.app.directory
    cadre = await person_id(world, people.cadre)
    project = await projects_uc.create_project(
        db, directory, person_id=cadre, name="药谷项目", landing_unit="jianshan", now=NOW
    )
    group = world.telegram.group("药谷项目联络群", members=[people.cadre, people.office])
    await groups_uc.bind_group(db, person_id=cadre, project_id=ident(project.id), chat_id=group.id, now=NOW)
    await world.deliver()
    return group


def last_with(chat: Conversation, button: str) -> MessageView:
    return next(m for m in reversed(chat.bot_messages()) if button in m.button_texts)


async def test_a_problem_goes_from_the_group_to_closed_by_taps_and_replies(world: World) -> None:
    people = await cast(world)
    group = await project_group(world, people)

    # The cadre reports from the group: the question mentions them, the material is a reply, then 确认.
    await people.cadre.says(group, "/problem")
    question = latest(group)
    assert question.forces_reply and "药谷项目" in (question.text or "")
    review = await reply(people.cadre, group, "项目用地指标不足，需县里协调解决", to=question)
    assert "项目用地指标不足" in (review.text or "") and review.button_texts == ["✅ 确认", "❌ 取消"]
    # Someone else's tap on the cadre's review changes nothing.
    refused = await people.office.taps(review, "✅ 确认")
    assert world.telegram.answer_to(refused).show_alert
    done = await tap(people.cadre, group, "✅ 确认", on=review)
    assert "已报送领导小组办公室" in (done.text or "")

    # The office prepares it in private: summary, two items in one message, a bad line refused, 完成, 确认.
    await world.deliver()
    office = people.office.private_chat
    notice = office.last_message()
    assert "尖山镇报送了需县级层面协调解决的问题" in (notice.text or "") and "用地指标不足" in (notice.text or "")
    assert notice.button_texts == ["📝 准备交办单", "↩️ 退回"]
    asked = await tap(people.office, office, "📝 准备交办单", on=notice)
    assert "请发送摘要" in (asked.text or "")
    await people.office.says(office, "协调药谷项目用地与补助")
    await people.office.says(office, "1. 财政局：落实厂房租金补助\n2、自然资源和规划局：完成用地预审：12月31日")
    assert "已记下 2 项" in (latest(office).text or "")
    await people.office.says(office, "火星局：登陆")
    assert "第1行有误" in (latest(office).text or "") and "火星局" in (latest(office).text or "")
    await people.office.says(office, "完成")
    review = latest(office)
    assert "县财政局：落实厂房租金补助" in (review.text or "") and "期限 2026-12-31" in (review.text or "")
    assert "火星局" not in (review.text or "")
    submitted = await tap(people.office, office, "✅ 确认", on=review)
    assert "已提交县主要领导审定" in (submitted.text or "")
    assert notice.button_texts == []  # the step is taken: the notice's buttons are gone

    # The county head approves with one tap; the 督考办 issues with one tap.
    await world.deliver()
    head_chat = people.county_head.private_chat
    request = last_with(head_chat, "✅ 同意")
    assert "请审定" in (request.text or "") and "协调药谷项目用地与补助" in (request.text or "")
    approved = await tap(people.county_head, head_chat, "✅ 同意", on=request)
    assert "转县督考办下发" in (approved.text or "")
    await world.deliver()
    supervision = people.supervision.private_chat
    issued = await tap(people.supervision, supervision, "📤 下发", on=last_with(supervision, "📤 下发"))
    assert "已下发" in (issued.text or "")

    # Each unit sees its own item with 已完成; the group sees the issue.
    await world.deliver()
    finance = people.finance.private_chat
    assigned = last_with(finance, "✅ 已完成")
    assert "县财政局负责办理" in (assigned.text or "") and "期限 2026-12-11" in (assigned.text or "")
    assert "完成用地预审" not in (assigned.text or "")
    assert "县督考办已下发交办单" in (latest(group).text or "")
    await tap(people.finance, finance, "✅ 已完成", on=assigned)
    assert "办理情况" in (latest(finance).text or "")
    assert "第1项已办结" in ((await reply(people.finance, finance, "租金补助已拨付")).text or "")
    land = people.land.private_chat
    await tap(people.land, land, "✅ 已完成", on=last_with(land, "✅ 已完成"))
    await people.land.says(land, "用地预审已批复")

    await world.deliver()
    assert "已办结" in (latest(group).text or "")
    assert "已办结" in (office.last_message().text or "")
    await people.office.says(office, "/tasks")
    assert "目前没有与您相关的交办单" in (latest(office).text or "")


async def test_an_overdue_item_is_warned_and_the_supervision_office_criticises_it(world: World) -> None:
    people = await cast(world)
    db, directory = world.app.db, world.app.directory
    ids = {name: await person_id(world, someone) for name, someone in vars(people).items()}
    request = await uc.report_problem(db, directory, person_id=ids["cadre"], material="用地指标不足", now=TODAY)
    rid = ident(request.id)
    items = [ItemDraft("finance", "落实厂房租金补助")]
    await uc.prepare_task(db, person_id=ids["office"], request_id=rid, summary="协调补助", items=items, now=TODAY)
    await uc.approve_task(db, person_id=ids["county_head"], request_id=rid, now=TODAY)
    await uc.issue_task(db, world.app.rules, person_id=ids["supervision"], request_id=rid, now=TODAY)
    await world.deliver()

    # Due Friday 12-11; the first working day after it, the unit is warned and the 督考办 may criticise.
    late = datetime(2026, 12, 14, 2, 0, tzinfo=UTC)
    world.clock.move_to(late)
    assert await uc.reconcile_task_items(world.app.supervision, late) > 0
    await world.deliver()
    assert "交办事项已逾期（期限 2026-12-11）" in (people.finance.private_chat.last_message().text or "")
    supervision = people.supervision.private_chat
    warning = last_with(supervision, "📢 通报批评")
    assert "县财政局的交办事项已逾期" in (warning.text or "")

    # The /tasks list offers the same button; the tap records it, once.
    await people.supervision.says(supervision, "/tasks")
    listed = last_with(supervision, "📢 通报批评")
    done = await tap(people.supervision, supervision, "📢 通报批评", on=warning)
    assert "已对县财政局（第1项）通报批评" in (done.text or "")
    again = await people.supervision.taps(listed, "📢 通报批评")
    assert "过时" in (world.telegram.answer_to(again).text or "")
    async with db.uow(read_only=True) as uow:
        marks = await uow.marks.for_year(2026, unit="finance")
    assert [m.kind for m in marks] == ["criticism"]

    await world.deliver()
    told = people.finance_head.private_chat.last_message().text or ""
    assert "县财政局未按期完成第1项，县督考办予以通报批评" in told
    assert "通报批评" in (people.county_head.private_chat.last_message().text or "")
