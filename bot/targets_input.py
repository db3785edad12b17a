"""Reading what the office types after /targets, forgivingly: "尖山镇 7亿制造业 2", "尖山 制造业到位资金 3亿",
"尖山镇 到位资金 12月 4900万" (a month's plan), "尖山镇 利用外资 6月 实际 300万" (a month's figure), "2027年" anywhere.

Anything that cannot be read raises `BadInput` with the catalog key of a short message saying what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.directory import Directory, UnitKind, UnknownUnit
from domain.quantities import Currency, QuantityError, parse_chinese_number, parse_money
from domain.targets import Indicator, UnknownIndicator, indicator_named

LANDING_KINDS = tuple(kind for kind in UnitKind if kind.can_land_projects)
YEAR = re.compile(r"^([0-9]{4})年度?$")
YEARS = range(2000, 2100)  # a target's year: wide, and every month of it is one the calendar can hold
MONTH = re.compile(r"^(.+?)月份?$")
ACTUAL_WORDS = frozenset({"实际", "实际完成", "完成", "actual"})
COUNT_WORDS = ("个项目", "个", "项")
CNY_WORDS = ("元", "人民币")


class BadInput(Exception):
    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class TargetRequest:
    unit: str
    year: int
    indicator: Indicator | None = None
    amount: Decimal | None = None
    month: int | None = None
    actual: bool = False


def read_request(text: str, directory: Directory, today: date) -> TargetRequest:
    """The unit first; a year ("2027年"), a month ("12月") and 实际 anywhere after it; the indicator, then its value."""
    first, *tokens = text.split()
    try:
        unit = directory.named(first, LANDING_KINDS).code
    except UnknownUnit:
        raise BadInput("targets.unknown_unit", text=first) from None
    year, month, actual, rest = today.year, None, False, []
    for token in tokens:
        if found := YEAR.match(token):
            year = int(found[1])
            if year not in YEARS:
                raise BadInput("targets.bad_year", text=token)
        elif token.lower() in ACTUAL_WORDS:
            actual = True
        elif found := MONTH.match(token):
            month = _month(found[1], token)
        else:
            rest.append(token)  # the indicator, then its value, which may be spaced: "5000 万"
    if not rest:
        if actual or month is not None:
            raise BadInput("targets.no_indicator")
        return TargetRequest(unit, year)
    try:
        indicator = indicator_named(rest[0])
    except UnknownIndicator:
        raise BadInput("targets.unknown_indicator", text=rest[0]) from None
    value = "".join(rest[1:])
    if not value:
        raise BadInput("targets.no_value", indicator=indicator.value)
    if actual and month is None:
        raise BadInput("targets.actual_needs_month")
    return TargetRequest(unit, year, indicator, read_amount(indicator, value), month, actual)


def _month(numeral: str, token: str) -> int:
    try:
        month = parse_chinese_number(numeral)
    except QuantityError:
        raise BadInput("targets.bad_month", text=token) from None
    if month != month.to_integral_value() or not 1 <= month <= 12:
        raise BadInput("targets.bad_month", text=token)
    return int(month)


def read_amount(indicator: Indicator, text: str) -> Decimal:
    """A whole number of projects ("2", "两个"), an amount in 元 ("3亿", "5000万元") or, for 利用外资, in 美元."""
    if indicator.counts_projects:
        numeral = text
        for word in COUNT_WORDS:
            numeral = numeral.removesuffix(word)
        try:
            count = parse_chinese_number(numeral)
        except QuantityError:
            raise BadInput("targets.bad_count", text=text) from None
        if count != count.to_integral_value():
            raise BadInput("targets.bad_count", text=text)
        return count.quantize(Decimal(1))
    usd = indicator.currency is Currency.USD
    # 利用外资 is counted in 美元: "300万" means 300万美元 there, unless 元 is written out.
    spelled = text if not usd or any(word in text for word in CNY_WORDS) else text + "美元"
    key = "targets.bad_usd" if usd else "targets.bad_cny"
    try:
        money = parse_money(spelled)
    except QuantityError:
        raise BadInput(key, text=text) from None
    if money.currency is not indicator.currency:
        raise BadInput(key, text=text)
    return money.amount
