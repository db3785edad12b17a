"""The 《落地审批表》 (Attachment 4) and the project facts the rules need, as one immutable draft."""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.approval import Category, RouteQuestion
from domain.errors import DomainError
from domain.quantities import Money

NAME_MAX_LENGTH = 100  # a project name or a short answer
TEXT_MAX_LENGTH = 2000  # a long answer or an opinion


class InvalidValue(DomainError):
    code = "invalid_value"


class Gender(StrEnum):
    MALE = "男"
    FEMALE = "女"


class AttractionMethod(StrEnum):
    """招引方式 of 二(二)."""

    TEAM = "小分队招商"
    KINSHIP = "亲情招商"
    RESIDENT = "驻点招商"
    COMMISSIONED = "委托招商"
    BY_BUSINESS = "以商引商"
    OTHER = "其他"


@dataclass(frozen=True)
class ApprovalForm:
    """Every field of the 审批表; all optional while drafting, checked by `missing_fields` on submission."""

    # 主要投资人情况
    investor_name: str | None = None
    investor_gender: Gender | None = None
    investor_age: int | None = None
    investor_education: str | None = None
    investor_native_place: str | None = None
    investor_phone: str | None = None
    investor_address: str | None = None
    investor_social_roles: str | None = None  # 社会职务及企业荣誉
    company_name: str | None = None  # 经营企业名称
    company_profile: str | None = None  # 经营企业基本情况
    other_investors: str | None = None
    # 项目
    category: Category | None = None
    total_investment: Money | None = None
    is_manufacturing: bool | None = None
    needs_land: bool | None = None
    land_mu: Decimal | None = None  # 计划安排用地（亩）
    special_fiscal_support: bool | None = None  # 涉及"一事一议"财政资金扶持
    platform: str | None = None  # 落地平台
    attracting_unit: str | None = None  # 招引单位 (unit code)
    attraction_method: AttractionMethod | None = None
    source_liaison_office: str | None = None  # 信息来源的驻外招商联络处 (unit code)
    construction_content: str | None = None  # 项目主要建设内容
    construction_plan: str | None = None  # 建设计划
    energy_use: str | None = None  # 能耗情况
    environmental_impact: str | None = None  # 环保情况
    other_info: str | None = None  # 其它情况
    # 项目落地单位意见
    inspected_by: str | None = None  # 前期考察人员
    board_study_date: date | None = None  # 班子集体研究日期
    proposed_site: str | None = None  # 拟选址
    expected_land_supply: date | None = None  # 预计供地年月 (the first day of that month)

    def with_values(self, **values: Any) -> ApprovalForm:
        """A copy with these fields set, each of the type the form holds (None empties a field)."""
        hints = typing.get_type_hints(ApprovalForm)
        for name, value in values.items():
            if name not in hints:
                raise InvalidValue(f"The 审批表 has no field {name!r}.", field=name)
            allowed = tuple(t for t in typing.get_args(hints[name]) if t is not type(None))
            wrong_bool = isinstance(value, bool) and bool not in allowed  # bool is an int, but no age
            if value is not None and (wrong_bool or not isinstance(value, allowed)):
                raise InvalidValue(
                    f"Field {name!r} takes {' or '.join(t.__name__ for t in allowed)}, got {value!r}.", field=name
                )
        return replace(self, **values)

    def missing_fields(self) -> list[str]:
        """Names of required fields still empty, in form order."""
        return [spec.name for spec in FORM_FIELDS if spec.required(self) and getattr(self, spec.name) is None]

    def route_question(self, *, declared_by_jinpan: bool) -> RouteQuestion | None:
        """The facts deciding the approval route, once the form states them."""
        if self.category is None or self.needs_land is None:
            return None
        return RouteQuestion(
            category=self.category,
            needs_land=self.needs_land,
            land_mu=self.land_mu if self.needs_land else None,
            declared_by_jinpan=declared_by_jinpan,
            special_fiscal_support=bool(self.special_fiscal_support),
        )


class FieldKind(StrEnum):
    """How the conversation asks for a field and how its answer is read."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    PHONE = "phone"
    AGE = "age"
    DATE = "date"
    YEAR_MONTH = "year_month"
    AREA = "area"
    MONEY = "money"
    YES_NO = "yes_no"
    CHOICE = "choice"
    UNIT = "unit"


Requirement = Callable[[ApprovalForm], bool]


def _always(_: ApprovalForm) -> bool:
    return True


def _never(_: ApprovalForm) -> bool:
    return False


def _if_land(form: ApprovalForm) -> bool:
    return form.needs_land is True


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    required: Requirement = _always
    choices: tuple[str, ...] = ()


def _choices(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


FORM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("category", FieldKind.CHOICE, choices=_choices(Category)),
    FieldSpec("total_investment", FieldKind.MONEY),
    FieldSpec("is_manufacturing", FieldKind.YES_NO),
    FieldSpec("needs_land", FieldKind.YES_NO),
    FieldSpec("land_mu", FieldKind.AREA, _if_land),
    FieldSpec("special_fiscal_support", FieldKind.YES_NO),
    FieldSpec("attracting_unit", FieldKind.UNIT),
    FieldSpec("attraction_method", FieldKind.CHOICE, choices=_choices(AttractionMethod)),
    FieldSpec("source_liaison_office", FieldKind.UNIT, _never),
    FieldSpec("platform", FieldKind.TEXT, _never),
    FieldSpec("investor_name", FieldKind.TEXT),
    FieldSpec("investor_gender", FieldKind.CHOICE, _never, _choices(Gender)),
    FieldSpec("investor_age", FieldKind.AGE, _never),
    FieldSpec("investor_education", FieldKind.TEXT, _never),
    FieldSpec("investor_native_place", FieldKind.TEXT, _never),
    FieldSpec("investor_phone", FieldKind.PHONE),
    FieldSpec("investor_address", FieldKind.TEXT, _never),
    FieldSpec("investor_social_roles", FieldKind.LONG_TEXT, _never),
    FieldSpec("company_name", FieldKind.TEXT),
    FieldSpec("company_profile", FieldKind.LONG_TEXT),
    FieldSpec("other_investors", FieldKind.LONG_TEXT, _never),
    FieldSpec("construction_content", FieldKind.LONG_TEXT),
    FieldSpec("construction_plan", FieldKind.LONG_TEXT),
    FieldSpec("energy_use", FieldKind.LONG_TEXT, _never),
    FieldSpec("environmental_impact", FieldKind.LONG_TEXT, _never),
    FieldSpec("other_info", FieldKind.LONG_TEXT, _never),
    FieldSpec("inspected_by", FieldKind.TEXT),
    FieldSpec("board_study_date", FieldKind.DATE),
    FieldSpec("proposed_site", FieldKind.TEXT, _if_land),
    FieldSpec("expected_land_supply", FieldKind.YEAR_MONTH, _if_land),
)

FIELDS_BY_NAME: dict[str, FieldSpec] = {spec.name: spec for spec in FORM_FIELDS}

assert {f.name for f in fields(ApprovalForm)} == set(FIELDS_BY_NAME), "every form field needs a FieldSpec"
