"""Random text into every conversation step and every command, in private and in a group: each message gets an
answer, Telegram refuses none of the bot's requests, nothing escapes a handler, and no reply is over Telegram's
limits (the checks are in `Watch.sends`)."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.calendar import SHANGHAI
from domain.directory import Role, RoleKind
from domain.form import FORM_FIELDS
from domain.lifecycle import Stage
from sandbox.scenario import Conversation, Person
from services import groups as groups_uc
from services import projects as uc
from services.progress import reconcile_progress
from tests.bot.conftest import World
from tests.bot.moves_support import cast_of, person_id, project_in
from tests.bot.story import latest
from tests.bot.test_form import JIANSHAN, OPTIONAL_ANSWERS
from tests.factories import NOW, complete_form
from tests.faults.conftest import Watch, utf16

BOUNDED = settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
HOSTILE = "<>&\"'/\\;{}%`*_~[]()#=|@"
STRANGE = "\u200b\u200d\u200e\u200f\u202e\u2066\ufeff\u00a0\u3000\t\r\n\x01\x07\x1b\x7f"
CHINESE = "零〇一二三四五六七八九十百千万亿元亩公顷年月日号是否跳过尖山镇磐安工业"
EMOJI = "😀🏭📌✅❌🇨🇳👨‍👩‍👧"
RTL = "مرحبا שלום"
SAMPLES = [
    "三千万元",
    "三十五亩",
    "2公顷",
    "7.5亿",
    "二〇二七年三月",
    "2026年2月30日",
    "13月1日",
    "0",
    "-1",
    "1e309",
    "NaN",
    "99999999999999999999999",
    "９９９",
    "٣٠",
    "跳过",
    "/skip",
    "是",
    "否",
    "尖山",
    "<b>粗体</b>",
    "<a href='tg://user?id=1'>x</a>",
    "&amp;&lt;&#0;",
    "%s {0} {raw}",
]


def _fits(text: str) -> bool:
    # What a person can send: not empty once trimmed, at most 4,096 characters as Telegram counts them.
    return bool(text.strip()) and utf16(text) <= 4096


TEXTS = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=HOSTILE + STRANGE + CHINESE + EMOJI + RTL + "0123456789 ", max_size=200),
    st.sampled_from(SAMPLES),
    st.builds(
        lambda unit, count: (unit * count)[:4096],
        st.sampled_from(["<", "&", "工", "a<b&c ", "\u200b", "\u202e"]),
        st.integers(min_value=1000, max_value=4096),
    ),
    st.builds(lambda emoji: "😀" * emoji, st.integers(min_value=1, max_value=2048)),
).filter(_fits)
COMMANDS = ["/targets", "/assessment", "/calendar", "/bulletin", "/projects", "/invite", "/plan", "/start", "/form"]
MORE_COMMANDS = ["/status", "/todo", "/update", "/problem", "/tasks", "/report", "/visit", "/liaison", "/review"]
WORDS = st.sampled_from([*COMMANDS, *MORE_COMMANDS, "/nosuch", "/help", "/whoami", "/language", "/bind"])
COMMAND_TEXTS = st.builds(
    lambda command, mention, args: f"{command}{mention} {args}".strip()[:4096],
    WORDS,
    st.sampled_from(["", "@zhikong_bot"]),
    st.one_of(st.just(""), TEXTS),
)


def label(world: World, key: str) -> str:
    return world.app.i18n.gettext(key, locale="zh")


# ---- commands ---------------------------------------------------------------------------------------------------
EDGES = [
    "/bulletin 0000-01",
    "/bulletin 9999-12",
    "/bulletin 0001-Q1",
    "/bulletin ２０２６-１０",
    "/calendar 0001-01-01 休",
    "/calendar 9999-12-31 班 <b>",
    "/targets 尖山 7亿制造业 99999999999999999999999",
    "/targets 尖山 到位资金 13月 1亿",
    "/targets 尖山 利用外资 1e309",
    "/targets 尖山 0000年 7亿制造业 2",
    "/assessment 0000",
    "/assessment 9999",
    "/invite <b>&",
    "/projects <b> 99999999999999999999",
    "/start " + "<" * 4000,
]


@BOUNDED
@given(text=COMMAND_TEXTS, in_group=st.booleans())
async def test_commands_with_random_arguments_are_answered(
    world: World, watch: Watch, text: str, in_group: bool
) -> None:
    office = await _once(world, "office", lambda: _office(world))
    person, chat = (office.cadre, office.group) if in_group else (office.office, office.office.private_chat)
    await watch.sends(person, chat, text)


@BOUNDED
@given(text=TEXTS, which=st.integers(min_value=0, max_value=50), asking=st.booleans())
async def test_random_replies_to_any_of_the_bots_messages_in_a_group_are_answered(
    world: World, watch: Watch, text: str, which: int, asking: bool
) -> None:
    office = await _once(world, "office", lambda: _office(world))
    if asking:  # a question out for the cadre, which the office's member is not the one to answer
        await watch.sends(office.cadre, office.group, "/form")
    messages = office.group.bot_messages()
    await watch.sends(office.office, office.group, text, reply_to=messages[which % len(messages)])


async def test_commands_with_edge_arguments_are_answered(world: World, watch: Watch) -> None:
    office = await _office(world)
    for text in EDGES:
        await watch.sends(office.office, office.office.private_chat, text)
        await watch.sends(office.cadre, office.group, text)


@BOUNDED
@given(text=TEXTS)
async def test_random_text_in_private_is_answered(world: World, watch: Watch, text: str) -> None:
    office = await _once(world, "office", lambda: _office(world))
    for someone in (office.office, office.stranger):
        await watch.sends(someone, someone.private_chat, text)


class Office:
    def __init__(self, office: Person, cadre: Person, stranger: Person, group: Conversation) -> None:
        self.office, self.cadre, self.stranger, self.group = office, cadre, stranger, group


async def _office(world: World) -> Office:
    office = await world.person("王办公室", Role(RoleKind.OFFICE), Role(RoleKind.ADMIN))
    cadre = await world.person("李尖山", JIANSHAN)
    stranger = world.telegram.user("路人")
    cadre_id = await person_id(world, cadre)
    project = await uc.create_project(
        world.app.db, world.app.directory, person_id=cadre_id, name="药谷<项目>&", landing_unit="jianshan", now=NOW
    )
    group = world.telegram.group("药谷项目联络群", members=[cadre, office])
    assert project.id is not None
    await groups_uc.bind_group(world.app.db, person_id=cadre_id, project_id=project.id, chat_id=group.id, now=NOW)
    for someone in (office, cadre, stranger):
        await someone.starts()
    return Office(office, cadre, stranger, group)


async def _once(world: World, key: str, make: Callable[[], Awaitable[Any]]) -> Any:
    """What every example of one test shares: made on the first example, kept with the test's world."""
    shared: dict[str, Any] = world.__dict__.setdefault("shared", {})
    if key not in shared:
        shared[key] = await make()
    return shared[key]


# ---- the 审批表 ---------------------------------------------------------------------------------------------------
# One field of each kind the form asks: text, long text, money, area, date, month, choice, yes/no, unit, age, phone.
KINDS = sorted({spec.kind.value: spec.name for spec in FORM_FIELDS}.values())


@BOUNDED
@given(field=st.sampled_from(KINDS), text=TEXTS, in_group=st.booleans())
async def test_random_answers_to_each_kind_of_form_question(
    world: World, watch: Watch, field: str, text: str, in_group: bool
) -> None:
    form = await _once(world, "form", lambda: _form(world))
    chat = form.group if in_group else form.cadre.private_chat
    await uc.edit_form(  # the form as it was, whatever the last example answered
        world.app.db, world.app.directory, person_id=form.cadre_id, project_id=form.project_id, now=NOW, **form.values
    )
    card = await watch.sends(form.cadre, chat, "/review")
    await form.cadre.taps(card, label(world, "field." + field))
    question = latest(chat)
    assert question.message_id > card.message_id, f"no question for {field}"
    await watch.sends(form.cadre, chat, text, reply_to=question if in_group else None)


class Form:
    def __init__(self, cadre: Person, cadre_id: int, project_id: int, group: Conversation, values: dict[str, Any]):
        self.cadre, self.cadre_id, self.project_id, self.group, self.values = cadre, cadre_id, project_id, group, values


async def _form(world: World) -> Form:
    cadre = await world.person("李尖山", JIANSHAN)
    await cadre.starts()
    cadre_id = await person_id(world, cadre)
    project = await uc.create_project(
        world.app.db, world.app.directory, person_id=cadre_id, name="中药饮片项目", landing_unit="jianshan", now=NOW
    )
    assert project.id is not None
    group = world.telegram.group("中药饮片项目联络群", members=[cadre])
    await groups_uc.bind_group(world.app.db, person_id=cadre_id, project_id=project.id, chat_id=group.id, now=NOW)
    return Form(cadre, cadre_id, project.id, group, complete_form() | OPTIONAL_ANSWERS)


_NUMBERS = itertools.count(1)


@settings(BOUNDED, max_examples=6)
@given(text=TEXTS)
async def test_random_dates_of_the_argument(world: World, watch: Watch, text: str) -> None:
    form = await _once(world, "form", lambda: _form(world))
    project = await uc.create_project(  # a fresh project each time: a good date moves the project on
        world.app.db,
        world.app.directory,
        person_id=form.cadre_id,
        name=f"项目{next(_NUMBERS)}",
        landing_unit="jianshan",
        now=NOW,
    )
    assert project.id is not None
    group = world.telegram.group("联络群", members=[form.cadre])
    await groups_uc.bind_group(world.app.db, person_id=form.cadre_id, project_id=project.id, chat_id=group.id, now=NOW)
    await uc.edit_form(
        world.app.db, world.app.directory, person_id=form.cadre_id, project_id=project.id, now=NOW, **form.values
    )
    card = await watch.sends(form.cadre, group, "/review")
    await form.cadre.taps(card, "📨 提交")
    await form.cadre.taps(latest(group), "论证已完成")
    question = latest(group)
    assert question.forces_reply
    await watch.sends(form.cadre, group, text, reply_to=question)


# ---- the monthly progress update ----------------------------------------------------------------------------
PROGRESS_START = "📝 填报月度进展"


@BOUNDED
@given(step=st.integers(min_value=0, max_value=3), text=TEXTS)
async def test_random_answers_to_the_progress_update(world: World, watch: Watch, step: int, text: str) -> None:
    cadre, group = await _once(world, "progress", lambda: _progress(world))
    prompt = next(m for m in reversed(group.bot_messages()) if PROGRESS_START in m.button_texts)
    await cadre.taps(prompt, PROGRESS_START)
    answers = ["三千万元", "完成土地预审"]  # the stage is a tap; then funds, progress and problems are replies
    if step == 0:
        question = latest(group)
        await watch.sends(cadre, group, text, reply_to=question)
        return
    await cadre.taps(latest(group), "没有变化")
    for answer in answers[: step - 1]:
        await watch.sends(cadre, group, answer, reply_to=latest(group))
    await watch.sends(cadre, group, text, reply_to=latest(group))


async def _progress(world: World) -> tuple[Person, Conversation]:
    people, cast = await cast_of(world)
    _project, group = await project_in(world, people, cast, until=Stage.SUBMITTED, title="药谷群")
    world.clock.move_to(datetime.combine(date(2026, 12, 1), time(10), tzinfo=SHANGHAI))
    await reconcile_progress(world.app.supervision, world.clock.now())
    await world.deliver()
    return people.cadre, group


# ---- 交办单: a problem reported from the group -----------------------------------------------------------------
@BOUNDED
@given(text=TEXTS)
async def test_random_problem_reports(world: World, watch: Watch, text: str) -> None:
    form = await _once(world, "form", lambda: _form(world))
    question = await watch.sends(form.cadre, form.group, "/problem")
    answer = await watch.sends(form.cadre, form.group, text, reply_to=question)
    if answer.forces_reply:  # asked again, or the next question: that one gets random text too
        await watch.sends(form.cadre, form.group, text[::-1], reply_to=answer)
    await watch.sends(form.cadre, form.group, "/cancel")


# ---- 联络处: the monthly report and a visit ------------------------------------------------------------------
BEIJING = "liaison_beijing"


@BOUNDED
@given(step=st.integers(min_value=0, max_value=3), text=TEXTS, visit=st.booleans())
async def test_random_answers_to_the_liaison_report_and_visit(
    world: World, watch: Watch, step: int, text: str, visit: bool
) -> None:
    staff, leader = await _once(world, "liaison", lambda: _liaison(world))
    someone = leader if visit else staff
    chat = someone.private_chat
    await watch.sends(someone, chat, "/visit" if visit else "/report")
    earlier = ["今天", "北京某集团"] if visit else ["北京某集团：拟布局", "陪同企业来磐考察", "下月再访"]
    for answer in earlier[: min(step, len(earlier))]:
        await watch.sends(someone, chat, answer)
    await watch.sends(someone, chat, text)
    await watch.sends(someone, chat, "/cancel")


async def _liaison(world: World) -> tuple[Person, Person]:
    world.clock.move_to(datetime(2026, 10, 8, 10, tzinfo=SHANGHAI))
    staff = await world.person("林联络", Role(RoleKind.STAFF, BEIJING))
    leader = await world.person("吴副县长", Role(RoleKind.CONTACT_LEADER, BEIJING))
    for someone in (staff, leader):
        await someone.starts()
    return staff, leader


# ---- a decision with a comment --------------------------------------------------------------------------------
@settings(BOUNDED, max_examples=6)
@given(text=TEXTS, decision=st.sampled_from(["✅ 同意", "❌ 不同意", "↩️ 退回修改"]))
async def test_random_comments_on_an_approval(world: World, watch: Watch, text: str, decision: str) -> None:
    people, cast = await _once(world, "moves", lambda: cast_of(world))
    _project, group = await project_in(world, people, cast, until=Stage.APPROVING, title="审批群")
    await world.deliver()
    chats = [people.county_head.private_chat, people.deputy.private_chat, group]
    request = next(m for chat in chats for m in reversed(chat.bot_messages()) if decision in m.button_texts)
    chat = next(c for c in chats if c.id == request.chat_id)
    holder = people.county_head if chat.id == people.county_head.private_chat.id else people.deputy
    await holder.taps(request, decision)
    question = latest(chat)
    assert question.forces_reply, question
    await watch.sends(holder, chat, text, reply_to=question if chat.type != "private" else None)
