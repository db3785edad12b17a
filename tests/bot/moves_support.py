"""The cast of a project's story on the fake Telegram, and the small steps the move stories repeat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.approval import Category
from domain.directory import Role, RoleKind
from domain.lifecycle import Stage
from domain.project import Project
from domain.records import MeetingKind, OpinionKind, Outcome
from sandbox.scenario import Conversation, MessageView, Person
from services import groups as groups_uc
from services import projects as uc
from tests.bot.conftest import World
from tests.factories import NOW, complete_form
from tests.journeys import Cast, ident
from zhikong.clock import MovableClock

TODAY = NOW + timedelta(days=1)  # the clock of every story: 2026-11-28 10:00 in 磐安
FORM_BUTTON = "📋 查看审批表"  # under every approval request: the whole case in one tap
DECISIONS = ["✅ 同意", "❌ 不同意", "↩️ 退回修改", FORM_BUTTON]  # an approval request's buttons
MEETING_DECISIONS = ["✅ 通过", "❌ 不通过", "↩️ 退回修改", FORM_BUTTON]  # a meeting step's, for the office
MEETINGS = ((MeetingKind.SCREENING, "研判〔2026〕11号"), (MeetingKind.LEADING_GROUP, "领导小组〔2026〕5号"))


@dataclass
class People:
    """Everyone in a project's story, on Telegram."""

    cadre: Person
    office: Person
    deputy: Person
    county_head: Person
    reviewer: Person
    department: Person

    def all(self) -> list[Person]:
        return [self.cadre, self.office, self.deputy, self.county_head, self.reviewer, self.department]


async def person_id(world: World, someone: Person) -> int:
    async with world.app.db.uow(read_only=True) as uow:
        person = await uow.people.by_telegram_id(someone.id)
    assert person is not None and person.id is not None
    return person.id


async def cast_of(
    world: World, *, unit: str = "jianshan", category: Category = Category.INDUSTRY
) -> tuple[People, Cast]:
    """The cast for a project of `unit` in `category`, bound on Telegram; the clock set to TODAY."""
    clock = world.app.clock
    assert isinstance(clock, MovableClock)
    clock.move_to(TODAY)
    directory = world.app.directory
    people = People(
        cadre=await world.person("李干部", Role(RoleKind.STAFF, unit)),
        office=await world.person("王办公室", Role(RoleKind.OFFICE)),
        deputy=await world.person("赵副县长", directory.deputy_for(category)),
        county_head=await world.person("钱县长", Role(RoleKind.COUNTY_HEAD)),
        reviewer=await world.person("孙联审", Role(RoleKind.STAFF, directory.joint_reviewer_for(category).code)),
        department=await world.person("周自然资源", Role(RoleKind.STAFF, "natural_resources")),
    )
    ids = [await person_id(world, p) for p in people.all()]
    return people, Cast(*ids)


async def project_in(
    world: World,
    people: People,
    cast: Cast,
    *,
    until: Stage,
    unit: str = "jianshan",
    title: str = "项目联络群",
    **form: object,
) -> tuple[Project, Conversation]:
    """A project of `unit` brought by the use cases to `until` (SUBMITTED, REVIEWED or APPROVING), bound from
    the start to a group of the whole cast; the form is `complete_form(**form)`."""
    db, directory = world.app.db, world.app.directory
    values = complete_form(**form)  # type: ignore[arg-type]
    category = values["category"]
    project = await uc.create_project(
        db, directory, person_id=cast.cadre, name="中药饮片项目", landing_unit=unit, now=NOW, category=category
    )
    pid = ident(project.id)
    group = world.telegram.group(title, members=people.all())
    await groups_uc.bind_group(db, person_id=cast.cadre, project_id=pid, chat_id=group.id, now=NOW)
    await uc.edit_form(db, directory, person_id=cast.cadre, project_id=pid, now=NOW, **values)
    await uc.record_argumentation(db, person_id=cast.cadre, project_id=pid, held_on=date(2026, 11, 10), now=NOW)
    project = await uc.submit_form(db, person_id=cast.cadre, project_id=pid, now=NOW)
    if until is Stage.SUBMITTED:
        return project, group
    for kind, number in MEETINGS:
        project = await uc.record_meeting(
            db,
            person_id=cast.office,
            project_id=pid,
            kind=kind,
            outcome=Outcome.PASSED,
            held_on=date(2026, 11, 26),
            minutes_no=number,
            now=NOW,
        )
    if until is Stage.REVIEWED:
        return project, group
    await uc.form_task_force(
        db, directory, person_id=cast.office, project_id=pid, member_units=[], formed_on=date(2026, 11, 26), now=NOW
    )
    await uc.record_opinion(
        db,
        person_id=cast.reviewer,
        project_id=pid,
        kind=OpinionKind.JOINT_REVIEW,
        unit=project.joint_reviewer,
        text="同意",
        inspector="钱七",
        given_on=date(2026, 11, 27),
        now=NOW,
    )
    project = await uc.open_approval(db, person_id=cast.office, project_id=pid, now=NOW)
    assert until is Stage.APPROVING and project.stage is until
    return project, group


async def stage_of(world: World, project: Project) -> Stage:
    return (await uc.get_project(world.app.db, ident(project.id))).stage


async def status(person: Person, group: Conversation) -> MessageView:
    """/status in the group: the bot's answer to it, with this person's buttons."""
    command = await person.says(group, "/status")
    return next(m for m in reversed(group.bot_messages()) if m.reply_to_message_id == command.message_id)


async def answer(person: Person, chat: Conversation, text: str) -> MessageView:
    """Answer the bot's latest question (by a reply in a group), and return the bot's next word."""
    question = next(m for m in reversed(chat.bot_messages()) if m.forces_reply)
    if chat.type == "private":
        await person.says(chat, text)
    else:
        await person.replies(chat, to=question, text=text)
    return chat.bot_messages()[-1]


async def move(person: Person, group: Conversation, button: str, *answers: str) -> MessageView:
    """/status, tap `button`, answer each question in turn; the /status message (its buttons follow the move)."""
    card = await status(person, group)
    await person.taps(card, button)
    for text in answers:
        await answer(person, group, text)
    return card


def request_in(chat: Conversation) -> MessageView:
    """The newest message of the bot's with buttons (the pinned card, posted after it, has none)."""
    return next(m for m in reversed(chat.bot_messages()) if m.button_texts)


def texts(chat: Conversation) -> str:
    return "\n".join(m.text or "" for m in chat.bot_messages())
