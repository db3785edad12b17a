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
BY_ROLE_KIND: dict[RoleKind, tuple[str, ...]] = {
    RoleKind.ADMIN: ("help.invite",),
    **{kind: ("help.projects",) for kind in OVERSEERS},
    RoleKind.OFFICE: ("help.projects", "help.calendar"),
    RoleKind.STAFF: ("form.help",),
    RoleKind.HEAD: ("form.help",),
}


def help_keys(roles: Iterable[Role]) -> list[str]:
    """The catalog keys of the lines /help shows someone holding `roles`: role lines first, each key once."""
    kinds = {role.kind for role in roles}
    keys = [key for kind in RoleKind if kind in kinds for key in BY_ROLE_KIND.get(kind, ())]
    return list(dict.fromkeys([*keys, *EVERYONE]))


def all_help_keys() -> set[str]:
    """Every key /help may show, for checking that both catalogs have them."""
    return {*EVERYONE, *(key for keys in BY_ROLE_KIND.values() for key in keys)}
