"""A world with something behind every kind of button: a project waiting on the 分管副县长 with its 联络群, an
unbound group offered /bind, and each person's private chat with the bot's latest word in it."""

from __future__ import annotations

from dataclasses import dataclass

from domain.directory import Role, RoleKind
from domain.lifecycle import Stage
from domain.project import Project
from sandbox.models import Status
from sandbox.scenario import Conversation, MessageView, Person
from tests.bot.conftest import World
from tests.bot.moves_support import People, cast_of, project_in, request_in
from tests.journeys import Cast, ident, pending

# Every prefix a button of the bot's carries (bot/keyboards, bot/handlers/bulletins.py).
PREFIXES = (
    "bind", "newp", "sd", "mv", "da", "tf", "inv", "lang", "pg", "pp", "ps", "pa",
    "lr", "lv", "la", "pv", "tk", "tkt", "bp", "urge", "fp", "fe", "fa",
)  # fmt: skip


@dataclass
class Arena:
    people: People
    cast: Cast
    project: Project
    group: Conversation  # the project's 联络群: the whole cast, the outsider, the stranger and the admin
    unbound: Conversation  # a group the cadre sent /bind in, not bound yet: everyone but two of the cast
    outsider: Person  # a cadre of 玉山镇, in both groups
    stranger: Person  # nobody, in both groups
    admin: Person

    @property
    def step_id(self) -> int:
        return ident(pending(self.project).id)

    def everyone(self) -> list[Person]:
        return [*self.people.all(), self.outsider, self.stranger, self.admin]

    def messages(self) -> list[tuple[MessageView, list[Person]]]:
        """The bot's messages a press could be forged on, each with who can press there."""
        found: list[tuple[MessageView, list[Person]]] = []
        for group in (self.group, self.unbound):
            members = [p for p in self.everyone() if group.model.members.get(p.id, Status.LEFT).is_present]
            found += [(m, members) for m in group.bot_messages()[-4:]]
        for person in self.everyone():
            chat = person.private_chat
            found += [(m, [person]) for m in chat.bot_messages()[-3:]]
        return found


async def arena(world: World) -> Arena:
    people, cast = await cast_of(world)
    outsider = await world.person("张玉山", Role(RoleKind.STAFF, "yushan"))
    stranger = await world.person("路人甲")
    admin = await world.person("管理员", Role(RoleKind.ADMIN))
    project, group = await project_in(world, people, cast, until=Stage.APPROVING, title="药谷群")
    for person in (*people.all(), outsider, stranger, admin):
        person.opens_private_chat()
    await world.deliver()
    for someone in (outsider, stranger, admin):
        await someone.joins(group)
    await people.office.says(group, "/status")
    unbound = world.telegram.group(
        "新群", members=[people.cadre, outsider, stranger, people.deputy, people.office, admin]
    )
    await people.cadre.says(unbound, "/bind")
    await people.office.says(people.office.private_chat, "/projects")
    await people.deputy.says(people.deputy.private_chat, "/todo")
    await admin.says(admin.private_chat, "/invite")
    await stranger.says(stranger.private_chat, "/language")
    await people.cadre.says(people.cadre.private_chat, "/language")
    await outsider.says(outsider.private_chat, "/start")
    assert request_in(group).button_texts
    return Arena(people, cast, project, group, unbound, outsider, stranger, admin)
