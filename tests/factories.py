"""Ready-made answers to the 审批表, for tests that need a complete form."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain.approval import Category
from domain.directory import Role, RoleKind
from domain.form import AttractionMethod, Gender
from domain.quantities import Currency, Money

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in 磐安

PersonFactory = Callable[..., Awaitable[int]]  # the `person` fixture: roles in, person id out


def staff(unit: str) -> Role:
    return Role(RoleKind.STAFF, unit)


def head(unit: str) -> Role:
    return Role(RoleKind.HEAD, unit)


OFFICE = Role(RoleKind.OFFICE)
COUNTY_HEAD = Role(RoleKind.COUNTY_HEAD)
ADMIN = Role(RoleKind.ADMIN)


def complete_form(
    *, category: Category = Category.INDUSTRY, land_mu: Decimal | None = Decimal(35), special: bool = False
) -> dict[str, Any]:
    """Every required field of the form, for a project that needs land unless `land_mu` is None."""
    needs_land = land_mu is not None
    values: dict[str, Any] = {
        "category": category,
        "total_investment": Money(Decimal("300000000.00"), Currency.CNY),
        "is_manufacturing": category is Category.INDUSTRY,
        "needs_land": needs_land,
        "special_fiscal_support": special,
        "attracting_unit": "jianshan",
        "attraction_method": AttractionMethod.KINSHIP,
        "investor_name": "王建国",
        "investor_gender": Gender.MALE,
        "investor_age": 52,
        "investor_phone": "13805791234",
        "company_name": "浙江磐石药业有限公司",
        "company_profile": "中药饮片生产，年销售 2 亿元",
        "construction_content": "中药饮片生产线",
        "construction_plan": "2027 年 3 月开工，2028 年投产",
        "inspected_by": "张三、李四",
        "board_study_date": date(2026, 11, 20),
    }
    if needs_land:
        values |= {"land_mu": land_mu, "proposed_site": "尖山镇工业功能区", "expected_land_supply": date(2027, 3, 1)}
    return values
