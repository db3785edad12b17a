"""The /invite keyboards: role kind → unit group → unit (paged) → 新增 or 接任.

Callback data carries only where the admin is in the menu, as short opaque ids (a unit is a hash of its code),
so it stays far under Telegram's 64 bytes whatever the directory's codes; it never decides who may press.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.ids import Code, Index
from domain.directory import Directory, RoleKind, Unit, UnitKind, scope_kinds

PAGE_SIZE = 10
# The order the admin reads the role kinds in: county-wide roles first, then the ones needing a unit.
KIND_ORDER = (
    RoleKind.ADMIN,
    RoleKind.OFFICE,
    RoleKind.SUPERVISION,
    RoleKind.COUNTY_HEAD,
    RoleKind.DEPUTY_HEAD,
    RoleKind.STAFF,
    RoleKind.HEAD,
    RoleKind.CONTACT_LEADER,
)
_GROUPS = tuple(UnitKind)


class Mode(StrEnum):
    ADD = "add"  # one more holder of the role
    REPLACE = "rep"  # 接任: the redeemer takes the role over from its holders


class InvitePick(CallbackData, prefix="inv"):
    """Where the admin is: each field filled is one step taken; the empty ones are still to choose."""

    kind: Code = ""  # RoleKind value
    group: Code = ""  # index into UnitKind
    unit: Code = ""  # unit_token of the unit
    page: Index = 0
    mode: Code = ""  # Mode value


def unit_token(unit: Unit) -> str:
    """A short id for a unit that survives restarts (unlike a list index) and is short whatever its code."""
    return hashlib.sha256(unit.code.encode("utf-8")).hexdigest()[:10]


def find_unit(directory: Directory, token: str) -> Unit | None:
    return next((u for u in directory.units.values() if unit_token(u) == token), None)


def group_token(kind: UnitKind) -> str:
    return str(_GROUPS.index(kind))


def find_group(token: str) -> UnitKind | None:
    return _GROUPS[int(token)] if token.isdigit() and int(token) < len(_GROUPS) else None


def groups_for(directory: Directory, kind: RoleKind) -> list[UnitKind]:
    """The unit groups that have at least one unit a role of this kind may be scoped to, in directory order."""
    allowed = scope_kinds(kind)
    return [group for group in _GROUPS if group in allowed and directory.of_kind(group)]


def pages(count: int) -> int:
    return max(1, -(-count // PAGE_SIZE))


def kinds_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind in KIND_ORDER:
        builder.button(text=_("invite.kind." + kind.value), callback_data=InvitePick(kind=kind.value))
    builder.adjust(2)
    return builder.as_markup()


def groups_keyboard(kind: RoleKind, groups: list[UnitKind]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for group in groups:
        label = _("invite.group." + group.name.lower())
        builder.button(text=label, callback_data=InvitePick(kind=kind.value, group=group_token(group)))
    builder.button(text=_("invite.back"), callback_data=InvitePick())
    builder.adjust(2)
    return builder.as_markup()


def units_keyboard(
    kind: RoleKind, group: UnitKind, units: list[Unit], page: int, *, back_to_groups: bool
) -> InlineKeyboardMarkup:
    """One page of units, two a row, then ‹ › when there are more pages, then back."""
    at = InvitePick(kind=kind.value, group=group_token(group), page=page)
    builder = InlineKeyboardBuilder()
    shown = units[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    for unit in shown:
        builder.button(text=unit.name, callback_data=at.model_copy(update={"unit": unit_token(unit)}))
    sizes = [2] * (len(shown) // 2) + [1] * (len(shown) % 2)
    nav = 0
    if page > 0:
        builder.button(text=_("invite.previous"), callback_data=at.model_copy(update={"page": page - 1}))
        nav += 1
    if page + 1 < pages(len(units)):
        builder.button(text=_("invite.next"), callback_data=at.model_copy(update={"page": page + 1}))
        nav += 1
    back = InvitePick(kind=kind.value) if back_to_groups else InvitePick()
    builder.button(text=_("invite.back"), callback_data=back)
    builder.adjust(*sizes, *([nav] if nav else []), 1)
    return builder.as_markup()


def modes_keyboard(pick: InvitePick) -> InlineKeyboardMarkup:
    """新增 or 接任 for the role picked so far, and back to where the admin came from."""
    builder = InlineKeyboardBuilder()
    for mode in Mode:
        label = _("invite.mode.add") if mode is Mode.ADD else _("invite.mode.replace")
        builder.button(text=label, callback_data=pick.model_copy(update={"mode": mode.value}))
    back = pick.model_copy(update={"unit": ""}) if pick.unit else InvitePick()
    builder.button(text=_("invite.back"), callback_data=back)
    builder.adjust(2, 1)
    return builder.as_markup()
