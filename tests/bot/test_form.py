"""The 审批表 as a conversation: cadres fill it in the project's group by replying to the bot, or in private."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot.app import build
from bot.flows.form import CHOICE_KEYS
from domain.approval import Actor, Category, StepAction
from domain.directory import Role, RoleKind
from domain.form import ApprovalForm, AttractionMethod, Gender
from domain.lifecycle import Stage
from domain.quantities import Currency, Money
from sandbox.scenario import Conversation, Person
from services import groups as groups_uc
from services import projects as uc
from tests.bot.conftest import World
from tests.bot.story import INDUSTRIAL_35_MU, answer_each, asks, latest, reply, tap
from tests.factories import NOW, complete_form
from tests.sandbox.support import polling, wait_until
from tests.test_locales import CATALOGS
from zhikong.clock import MovableClock
from zhikong.settings import Settings

JIANSHAN = Role(RoleKind.STAFF, "jianshan")
OPTIONAL_ANSWERS: dict[str, Any] = {
    "source_liaison_office": "liaison_beijing",
    "platform": "尖山镇工业功能区",
    "investor_education": "本科",
    "investor_native_place": "浙江磐安",
    "investor_address": "磐安县安文街道",
    "investor_social_roles": "县政协委员",
    "other_investors": "无",
    "energy_use": "年综合能耗 500 吨标准煤",
    "environmental_impact": "无重大污染",
    "other_info": "无",
}


async def person_id(world: World, someone: Person) -> int:
    async with world.app.db.uow(read_only=True) as uow:
        person = await uow.people.by_telegram_id(someone.id)
    assert person is not None and person.id is not None
    return person.id


async def project_group(world: World, *members: Person, **answers: Any) -> tuple[Conversation, int]:
    """A project of 尖山镇 opened by the first member, bound to a new group of all of them, with these answers."""
    clock = world.app.clock
    assert isinstance(clock, MovableClock)
    clock.move_to(NOW)
    opener = await person_id(world, members[0])
    project = await uc.create_project(
        world.app.db, world.app.directory, person_id=opener, name="中药饮片项目", landing_unit="jianshan", now=NOW
    )
    assert project.id is not None
    group = world.telegram.group("中药饮片项目联络群", members=list(members))
    await groups_uc.bind_group(world.app.db, person_id=opener, project_id=project.id, chat_id=group.id, now=NOW)
    if answers:
        await uc.edit_form(
            world.app.db, world.app.directory, person_id=opener, project_id=project.id, now=NOW, **answers
        )
    return group, project.id


def all_but(*names: str) -> dict[str, Any]:
    """Every field of a land project's form answered, but these."""
    return {k: v for k, v in (complete_form() | OPTIONAL_ANSWERS).items() if k not in names}


async def form_of(world: World, project_id: int) -> ApprovalForm:
    return (await uc.get_project(world.app.db, project_id)).form


async def test_a_cadre_fills_the_whole_form_in_the_group_and_submits_it_after_the_argument(world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    group, project_id = await project_group(world, cadre)
    await cadre.says(group, "/form")
    first = latest(group)  # a new project names no category yet: that is the first question, as buttons
    assert asks(first, "产业类别") and "工业" in first.button_texts and first.reply_to_message_id
    await tap(cadre, group, "工业")
    question = latest(group)
    assert asks(question, "总投资") and question.forces_reply
    await answer_each(cadre, group, INDUSTRIAL_35_MU)
    card = latest(group)
    assert "落地审批表：中药饮片项目" in (card.text or "") and "上海招商联络处" in (card.text or "")
    assert "必填项已全部填写" in (card.text or "")
    route = await tap(cadre, group, "📨 提交")
    assert "分管县领导组织论证之后" in (route.text or "")
    await tap(cadre, group, "论证已完成")
    route = await reply(cadre, group, "11月10日")
    assert "分管工业副县长审核" in (route.text or "") and "县委常委会" not in (route.text or "")
    done = await tap(cadre, group, "✅ 确认上报")
    assert "落地审批表。领导小组办公室会收到通知" in (done.text or "")
    project = await uc.get_project(world.app.db, project_id)
    assert project.stage is Stage.SUBMITTED and project.argued_on == date(2026, 11, 10)
    assert project.form == ApprovalForm(
        category=Category.INDUSTRY,
        total_investment=Money(Decimal("300000000.00"), Currency.CNY),
        is_manufacturing=True,
        needs_land=True,
        land_mu=Decimal(35),
        special_fiscal_support=False,
        attracting_unit="jianshan",
        attraction_method=AttractionMethod.KINSHIP,
        source_liaison_office="liaison_shanghai",
        investor_name="王建国",
        investor_gender=Gender.MALE,
        investor_age=52,
        investor_phone="13805791234",
        company_name="浙江磐石药业有限公司",
        company_profile="中药饮片生产，年销售 2 亿元",
        construction_content="中药饮片生产线",
        construction_plan="2027 年 3 月开工，2028 年投产",
        inspected_by="张三、李四",
        board_study_date=date(2026, 11, 20),
        proposed_site="尖山镇工业功能区",
        expected_land_supply=date(2027, 3, 1),
    )


async def test_a_bad_phone_number_gets_the_hint_and_the_question_again_and_nothing_is_saved(world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    group, project_id = await project_group(world, cadre, **all_but("investor_phone"))
    await cadre.says(group, "/form")
    assert asks(latest(group), "联系电话")
    again = await reply(cadre, group, "12345")
    assert "「12345」不是有效的联系电话" in (again.text or "") and "0579-84661234" in (again.text or "")
    assert asks(again, "联系电话") and again.forces_reply
    assert (await form_of(world, project_id)).investor_phone is None
    await reply(cadre, group, "0579 8466 1234")
    assert (await form_of(world, project_id)).investor_phone == "0579-84661234"


async def test_optional_fields_are_skipped_and_a_required_one_is_not(world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    group, _ = await project_group(world, cadre, **all_but("source_liaison_office", "platform", "investor_name"))
    await cadre.says(group, "/form")
    assert asks(await tap(cadre, group, "跳过"), "落地平台")
    await cadre.says(group, "/skip")
    refused = await reply(cadre, group, "跳过")
    assert "「主要投资人姓名」是必填项" in (refused.text or "") and asks(refused, "主要投资人姓名")
    await cadre.says(group, "/cancel")
    assert "草稿已保存" in (latest(group).text or "")
    await cadre.says(group, "/form")
    assert asks(latest(group), "主要投资人姓名")  # not the fields skipped before


async def test_back_reopens_the_previous_question_with_its_answer(world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    group, project_id = await project_group(world, cadre, **all_but("investor_phone", "investor_address"))
    await cadre.says(group, "/form")
    assert asks(await reply(cadre, group, "13805791234"), "地址")
    await cadre.says(group, "/back")
    again = latest(group)
    assert asks(again, "联系电话") and "当前填写：13805791234" in (again.text or "")
    assert asks(await reply(cadre, group, "0579-84661234"), "地址")
    assert (await form_of(world, project_id)).investor_phone == "0579-84661234"


async def test_a_field_is_changed_from_the_review_card(world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    group, project_id = await project_group(world, cadre, **complete_form())
    await cadre.says(group, "/review")
    card = latest(group)
    assert "★ 联系电话：13805791234" in (card.text or "") and "· 落地平台：未填" in (card.text or "")
    question = await tap(cadre, group, "联系电话", on=card)
    assert asks(question, "联系电话") and not card.button_texts
    card = await reply(cadre, group, "13905791234")
    assert "★ 联系电话：13905791234" in (card.text or "") and "联系电话" in card.button_texts
    assert (await form_of(world, project_id)).investor_phone == "13905791234"


async def test_two_cadres_fill_in_one_group_at_once_without_clobbering(world: World) -> None:
    li = await world.person("李尖山", JIANSHAN)
    wang = await world.person("王尖山", Role(RoleKind.HEAD, "jianshan"))
    answers = all_but("investor_phone", "investor_address", "company_name")
    group, project_id = await project_group(world, li, wang, **answers)
    await li.says(group, "/form")
    for_li = latest(group)
    await wang.says(group, "/review")
    card = latest(group)
    tapped = await li.taps(card, "联系电话")
    assert world.telegram.answer_to(tapped).text == "这个按钮是给别人的，您不需要操作。"
    for_wang = await tap(wang, group, "经营企业名称", on=card)
    assert asks(for_li, "联系电话") and asks(for_wang, "经营企业名称")
    assert "问别人的" in (await reply(wang, group, "13900000000", to=for_li)).text  # type: ignore[operator]
    assert asks(await reply(li, group, "13805791234", to=for_li), "地址")
    card = await reply(wang, group, "浙江磐石药业有限公司", to=for_wang)
    assert (card.text or "").startswith("王尖山") and "落地审批表" in (card.text or "")
    form = await form_of(world, project_id)
    assert (form.investor_phone, form.company_name) == ("13805791234", "浙江磐石药业有限公司")


async def test_someone_outside_the_landing_unit_is_refused(world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    outsider = await world.person("赵玉山", Role(RoleKind.STAFF, "yushan"))
    group, _ = await project_group(world, cadre, outsider)
    await outsider.says(group, "/form")
    assert "没有办理这一步的权限" in (latest(group).text or "")


async def test_in_private_the_cadre_picks_the_project_and_answers_without_replying(world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    await project_group(world, cadre)
    other = await uc.create_project(
        world.app.db,
        world.app.directory,
        person_id=await person_id(world, cadre),
        name="民宿项目",
        landing_unit="jianshan",
        now=NOW,
    )
    chat = cadre.private_chat
    await cadre.says(chat, "/form")
    offer = latest(chat)
    assert offer.button_texts == ["中药饮片项目", "民宿项目"]
    question = await tap(cadre, chat, "民宿项目")
    assert "《民宿项目》" in (question.text or "") and asks(question, "产业类别") and not offer.button_texts
    question = await tap(cadre, chat, "文旅")
    assert asks(question, "总投资")
    await cadre.says(chat, "7.5亿")
    assert other.id is not None
    assert (await form_of(world, other.id)).total_investment == Money(Decimal("750000000.00"), Currency.CNY)


async def test_a_restart_in_the_middle_of_the_form_loses_no_answer(world: World) -> None:
    cadre = await world.person("李尖山", JIANSHAN)
    answers = all_but("investor_phone", "investor_social_roles", "company_name")
    group, project_id = await project_group(world, cadre, **answers)
    await cadre.says(group, "/form")
    pending = await reply(cadre, group, "13805791234")
    assert asks(pending, "社会职务及企业荣誉")
    world.poller.stop()  # the bot goes down; another one, on the same database, takes over
    await wait_until(lambda: world.poller.in_flight == 0 and world.telegram.core.updates.active_polls == 0)
    database_url = f"sqlite:///{world.app.db.engine.url.database}"
    settings = Settings(database_url=database_url, bot_token=None, redis_url=None)
    again = await build(settings, world.app.clock, bot=world.app.bot)
    try:
        async with polling(world.telegram, again.dispatcher, world.app.bot):
            assert asks(await reply(cadre, group, "/skip", to=pending), "经营企业名称")
            await cadre.says(group, "/form")
            assert asks(latest(group), "经营企业名称")
    finally:
        await again.db.dispose()
    form = await form_of(world, project_id)
    assert (form.investor_phone, form.investor_social_roles, form.company_name) == ("13805791234", None, None)


def test_every_choice_actor_and_action_of_the_form_has_words_in_both_languages() -> None:
    keys = {f"form.choice.{name}.{key}" for (name, _), key in CHOICE_KEYS.items()}
    keys |= {f"form.actor.{actor.name.lower()}" for actor in Actor}
    keys |= {f"form.action.{action.name.lower()}" for action in StepAction}
    assert [k for k in sorted(keys) if k not in CATALOGS["zh"] or k not in CATALOGS["en"]] == []
