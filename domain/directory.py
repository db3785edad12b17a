"""The directory of units and roles (Attachments 1, 2 and 5). Roles, never personal names, carry permissions."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from domain.approval import Category
from domain.errors import DomainError


class UnitKind(StrEnum):
    ZONE = "区块"
    STREET = "街道"
    TOWN = "镇"
    TOWNSHIP = "乡"
    DEPARTMENT = "部门"
    LIAISON_OFFICE = "驻外招商联络处"
    LEADER_POST = "县领导职务"

    @property
    def can_land_projects(self) -> bool:
        """区块 and 乡镇/街道 are the landing units (二(一))."""
        return self in (UnitKind.ZONE, UnitKind.STREET, UnitKind.TOWN, UnitKind.TOWNSHIP)


class RoleKind(StrEnum):
    """A role is a kind plus a scope (a unit or post code, or "" for county-wide roles)."""

    ADMIN = "admin"
    STAFF = "staff"  # 工作人员 of a unit (scope: unit)
    HEAD = "head"  # 主要负责人 of a unit (scope: unit)
    OFFICE = "office"  # 领导小组办公室, at 县投资促进中心
    SUPERVISION = "supervision"  # 县督考办
    COUNTY_HEAD = "county_head"  # 县长
    DEPUTY_HEAD = "deputy_head"  # 分管副县长 (scope: the post, e.g. deputy_industry)
    CONTACT_LEADER = "contact_leader"  # 联系县领导 of a unit or liaison office (scope: unit)

    @property
    def is_scoped(self) -> bool:
        return self in (RoleKind.STAFF, RoleKind.HEAD, RoleKind.DEPUTY_HEAD, RoleKind.CONTACT_LEADER)


@dataclass(frozen=True, order=True)
class Role:
    kind: RoleKind
    scope: str = ""

    def __post_init__(self) -> None:
        if self.kind.is_scoped != bool(self.scope):
            raise ValueError(f"Role {self.kind.value!r} {'needs' if self.kind.is_scoped else 'takes no'} scope.")

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.scope}" if self.scope else self.kind.value

    @classmethod
    def parse(cls, text: str) -> Role:
        """Read "kind" or "kind:scope" as written by `str(role)`."""
        kind, _, scope = text.partition(":")
        try:
            return cls(RoleKind(kind), scope)
        except ValueError as exc:
            raise UnknownRole(f"Role {text!r} is not 'kind' or 'kind:scope'.", role=text) from exc


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: UnitKind
    # Categories this unit answers for: a deputy post's 分管领域, or the 联审 a department signs.
    categories: frozenset[Category] = frozenset()
    # The unit a contact-leader post or liaison office belongs with (Attachment 5); "" when none.
    note: str = ""


@dataclass(frozen=True)
class Directory:
    units: Mapping[str, Unit]
    leading_group_units: tuple[str, ...] = ()
    screening_group_units: tuple[str, ...] = ()
    office_unit: str = ""
    supervision_unit: str = ""
    jinpan_unit: str = ""
    _by_name: Mapping[str, Unit] = field(default_factory=dict, compare=False, repr=False)

    def unit(self, code: str) -> Unit:
        try:
            return self.units[code]
        except KeyError:
            raise UnknownUnit(f"Unit {code!r} is not in the directory.", unit=code) from None

    def find(self, code_or_name: str) -> Unit:
        """The unit with this code or exact name."""
        found = self.units.get(code_or_name) or self._by_name.get(code_or_name)
        if found is None:
            raise UnknownUnit(f"No unit is coded or named {code_or_name!r}.", unit=code_or_name)
        return found

    def named(self, text: str, kinds: Iterable[UnitKind]) -> Unit:
        """The one unit of these kinds that `text` names, exactly or as people shorten it ("尖山" for 尖山镇,
        "北京联络处" for 北京招商联络处, "发改局" for 县发改局); UnknownUnit when none or several match."""
        wanted_kinds = tuple(kinds)
        exact = self.units.get(text) or self._by_name.get(text)
        if exact is not None and exact.kind in wanted_kinds:
            return exact
        wanted = _name_core(text)
        candidates = self.of_kind(*wanted_kinds)
        matches = [u for u in candidates if wanted and _name_core(u.name) == wanted]
        if not matches:
            matches = [u for u in candidates if wanted and _name_core(u.name).startswith(wanted)]
        if len(matches) != 1:
            raise UnknownUnit(f"{len(matches)} units match {text!r}.", unit=text, matches=len(matches))
        return matches[0]

    def of_kind(self, *kinds: UnitKind) -> list[Unit]:
        return [u for u in self.units.values() if u.kind in kinds]

    def landing_units(self) -> list[Unit]:
        return [u for u in self.units.values() if u.kind.can_land_projects]

    def deputy_for(self, category: Category) -> Role:
        """The 分管副县长 post whose portfolio covers this category."""
        for unit in self.of_kind(UnitKind.LEADER_POST):
            if category in unit.categories:
                return Role(RoleKind.DEPUTY_HEAD, unit.code)
        raise UnknownUnit(f"No deputy post covers category {category.value!r}.", unit=category.value)

    def check_role(self, role: Role) -> Role:
        """The role, if its scope names a unit of this directory whose kind that role can belong to."""
        if role.kind.is_scoped:
            unit = self.unit(role.scope)
            if unit.kind not in scope_kinds(role.kind):
                raise InvalidRole(f"Role {role} cannot be scoped to {unit.name} ({unit.kind.value}).", role=str(role))
        return role

    def joint_reviewer_for(self, category: Category) -> Unit:
        """The 行业主管部门 that signs the 考察联审意见 for this category (Attachment 4 note 1)."""
        for unit in self.of_kind(UnitKind.DEPARTMENT):
            if category in unit.categories:
                return unit
        raise UnknownUnit(f"No department signs the 联审 for {category.value!r}.", unit=category.value)


# Which kinds of unit a scoped role may be scoped to: a 分管副县长 holds a post, the others belong to units.
_SCOPE_KINDS: dict[RoleKind, tuple[UnitKind, ...]] = {
    RoleKind.STAFF: tuple(UnitKind),
    RoleKind.HEAD: tuple(k for k in UnitKind if k is not UnitKind.LEADER_POST),
    RoleKind.DEPUTY_HEAD: (UnitKind.LEADER_POST,),
    RoleKind.CONTACT_LEADER: tuple(k for k in UnitKind if k is not UnitKind.LEADER_POST),
}


def scope_kinds(kind: RoleKind) -> tuple[UnitKind, ...]:
    """The kinds of unit a role of this kind may be scoped to; empty for county-wide roles."""
    return _SCOPE_KINDS.get(kind, ())


# What people leave off a unit's name when they type it: the county's name before it, its kind after it.
_NAME_PREFIXES = ("磐安县", "磐安", "县")
_NAME_SUFFIXES = ("招商联络处", "联络处", "开发建设指挥部", "开发建设中心", "开发区", "产业园", "街道", "镇", "乡")


def _name_core(name: str) -> str:
    core = unicodedata.normalize("NFKC", name).strip()
    for prefix in _NAME_PREFIXES:
        if core.startswith(prefix) and len(core) > len(prefix):
            core = core.removeprefix(prefix)
            break
    for suffix in _NAME_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            return core.removesuffix(suffix)
    return core


class UnknownUnit(DomainError):
    code = "unknown_unit"


class UnknownRole(DomainError):
    code = "unknown_role"


class InvalidRole(DomainError):
    code = "invalid_role"


class DirectoryDataError(DomainError):
    code = "directory_data"


def load_directory(data: Mapping[str, Any]) -> Directory:
    """Build the directory from the parsed data file, checking every reference it makes."""
    units: dict[str, Unit] = {}
    for entry in _list(data, "units"):
        unit = _unit(entry)
        if unit.code in units:
            raise DirectoryDataError(f"Unit code {unit.code!r} appears twice.", unit=unit.code)
        units[unit.code] = unit
    groups = data.get("groups", {})
    directory = Directory(
        units=units,
        leading_group_units=tuple(groups.get("leading_group", ())),
        screening_group_units=tuple(groups.get("screening_group", ())),
        office_unit=str(groups.get("office_unit", "")),
        supervision_unit=str(groups.get("supervision_unit", "")),
        jinpan_unit=str(groups.get("jinpan_unit", "")),
        _by_name={u.name: u for u in units.values()},
    )
    referenced = [
        *directory.leading_group_units,
        *directory.screening_group_units,
        directory.office_unit,
        directory.supervision_unit,
        directory.jinpan_unit,
    ]
    _check_known(units, referenced)
    for category in Category:
        directory.deputy_for(category)
        directory.joint_reviewer_for(category)
    return directory


def _list(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise DirectoryDataError(f"The directory needs a non-empty [[{key}]] list.", key=key)
    return value


def _unit(entry: Mapping[str, Any]) -> Unit:
    try:
        return Unit(
            code=str(entry["code"]),
            name=str(entry["name"]),
            kind=UnitKind(entry["kind"]),
            categories=frozenset(Category(c) for c in entry.get("categories", ())),
            note=str(entry.get("note", "")),
        )
    except (KeyError, ValueError) as exc:
        raise DirectoryDataError(f"Unit entry {dict(entry)!r} is invalid: {exc}.", entry=dict(entry)) from exc


def _check_known(units: Mapping[str, Unit], codes: Iterable[str]) -> None:
    for code in codes:
        if code not in units:
            raise DirectoryDataError(f"The directory refers to unit {code!r}, which it does not define.", unit=code)
