"""What /help lists for a person: the lines everyone gets, then each of their roles' lines.

Each feature adds its commands here: a catalog key per line (text "/command 说明" / "/command explains"), under
the role kinds that may use it. The order of the tuples is the order people read them in.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.directory import Role, RoleKind
from domain.project import OVERSEERS

# For every bound person, whatever their roles.
EVERYONE: tuple[str, ...] = ("help.status", "help.todo", "help.whoami", "help.language", "help.help")

# Per role kind; a person with several roles sees each line once.
_UNIT_LINES = ("form.help", "help.update", "help.problem", "help.tasks", "help.plan", "help.report")
_ASSESSORS = ("help.tasks", "help.assessment")
BY_ROLE_KIND: dict[RoleKind, tuple[str, ...]] = {
    RoleKind.ADMIN: ("help.invite",),
    **{kind: ("help.projects",) for kind in OVERSEERS},
    RoleKind.OFFICE: (
        "help.projects",
        "help.tasks",
        "help.targets",
        "help.bulletin",
        "help.assessment",
        "help.liaison",
        "help.calendar",
        "help.outbox",
    ),
    RoleKind.SUPERVISION: (*_ASSESSORS, "help.liaison"),
    RoleKind.COUNTY_HEAD: ("help.projects", *_ASSESSORS, "help.liaison"),
    RoleKind.DEPUTY_HEAD: ("help.projects", "help.assessment"),
    RoleKind.CONTACT_LEADER: ("help.projects", "help.visit", "help.liaison"),
    RoleKind.STAFF: _UNIT_LINES,
    RoleKind.HEAD: _UNIT_LINES,
}


def help_keys(roles: Iterable[Role]) -> list[str]:
    """The catalog keys of the lines /help shows someone holding `roles`: role lines first, each key once."""
    kinds = {role.kind for role in roles}
    keys = [key for kind in RoleKind if kind in kinds for key in BY_ROLE_KIND.get(kind, ())]
    return list(dict.fromkeys([*keys, *EVERYONE]))


def all_help_keys() -> set[str]:
    """Every key /help may show, for checking that both catalogs have them."""
    return {*EVERYONE, *(key for keys in BY_ROLE_KIND.values() for key in keys)}
