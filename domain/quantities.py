"""Forgiving reading and plain display of the numbers cadres type: amounts of money and land areas.

Everything is exact: values are computed as `Fraction` and handed out as `Decimal`, never float.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Container, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal, NamedTuple

from domain.errors import DomainError

QuantityKind = Literal["area", "money", "number"]


class QuantityError(DomainError):
    """Text that should be a number, an area or an amount of money could not be read."""

    code = "bad_quantity"

    def __init__(self, raw: str, kind: QuantityKind, expected: str, *, reason: str = "") -> None:
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"Cannot read {raw!r} as {kind}{why}; expected {expected}.", raw=raw, kind=kind, expected=expected
        )


class Currency(StrEnum):
    CNY = "CNY"
    USD = "USD"


@dataclass(frozen=True)
class Money:
    """An amount in 元 (or 美元 for USD)."""

    amount: Decimal
    currency: Currency

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money.amount must be a Decimal, got {type(self.amount).__name__}")


# Unit words shared by the parsers and the formatters.
MU = "亩"
WAN = "万"
YI = "亿"
CURRENCY_WORDS: dict[Currency, str] = {Currency.CNY: "元", Currency.USD: "美元"}

_DIGIT_CHARS = ("零〇", "一壹", "二两贰", "三叁", "四肆", "五伍", "六陆", "七柒", "八捌", "九玖")
_DIGITS: dict[str, int] = {char: value for value, chars in enumerate(_DIGIT_CHARS) for char in chars}
_UNITS: dict[str, int] = {
    "十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, WAN: 10**4, YI: 10**8,
}  # fmt: skip
_POINT = re.compile("[.点]")
_THOUSANDS = re.compile(r"(?<![0-9])[0-9]{1,3}(?:,[0-9]{3})+(?![0-9,])")
_NUMERAL_CHARS = frozenset("0123456789.,点") | _DIGITS.keys() | _UNITS.keys()

_RMB = "人民币"
_HEDGE_PREFIXES = ("大约", "约")
_HEDGE_SUFFIXES = ("左右",)
_AREA_FACTORS: dict[str, Fraction] = {
    MU: Fraction(1),
    "公顷": Fraction(15),
    # 1 亩 = 10000/15 m²; ㎡ and m² arrive here as "m2" after NFKC.
    **dict.fromkeys(("平方米", "平米", "m2"), Fraction(3, 2000)),
}
_CURRENCY_BY_WORD: dict[str, Currency] = {
    CURRENCY_WORDS[Currency.CNY]: Currency.CNY,
    CURRENCY_WORDS[Currency.CNY] + _RMB: Currency.CNY,
    _RMB: Currency.CNY,
    CURRENCY_WORDS[Currency.USD]: Currency.USD,
}
_DISPLAY_MAGNITUDES = ((YI, _UNITS[YI]), (WAN, _UNITS[WAN]), ("", 1))
_DISPLAY_PLACES = 4
_MU_PLACES = 4
_MONEY_PLACES = 2

_EXPECTED: dict[QuantityKind, str] = {
    "area": "an area such as 30亩, 2公顷 or 20000平方米",
    "money": "an amount such as 5000万元, 7.5亿元 or 1200万美元",
    "number": "a number such as 30, 1.5万 or 三十",
}
_POSITIVE: dict[QuantityKind, str] = {
    "area": "a positive area such as 30亩",
    "money": "a positive amount such as 5000万元",
    "number": "a positive number",
}
_MONEY_UNIT_EXPECTED = "a unit such as 万元 or 亿元"


class _Token(NamedTuple):
    value: int
    is_unit: bool
    is_digit: bool  # a single digit, Chinese or Arabic


def parse_chinese_number(text: str) -> Decimal:
    """Read a non-negative number written in Arabic or Chinese numerals, or a mix such as 1.5万."""
    try:
        value = _number(_normalize(text).strip())
    except ValueError as err:
        raise QuantityError(text, "number", _EXPECTED["number"]) from err
    return _decimal(value, _places(value))


def parse_area_mu(text: str) -> Decimal:
    """Read a land area in 亩, 公顷 or 平方米 (a bare number is 亩) and return it in 亩."""
    numeral, unit = _split(text, "area")
    factor = _AREA_FACTORS.get(unit.lower() or MU)
    if factor is None:
        raise QuantityError(text, "area", _EXPECTED["area"], reason=f"unknown unit {unit!r}")
    mu = _decimal(_read(numeral, text, "area") * factor, _MU_PLACES)
    if mu <= 0:
        raise QuantityError(text, "area", _POSITIVE["area"])
    return mu


def parse_money(text: str, *, default_unit: str | None = None) -> Money:
    """Read an amount such as 7.5亿元, 5000万 or 1200万美元; a bare number takes `default_unit`, e.g. 万元."""
    value, currency = _read_money(text)
    if currency is None:
        if default_unit is None:
            raise QuantityError(text, "money", _MONEY_UNIT_EXPECTED, reason="no unit")
        scale, currency = _money_unit(default_unit)
        value *= scale
    amount = _decimal(value, _MONEY_PLACES, keep_zeros=True)
    if amount <= 0:
        raise QuantityError(text, "money", _POSITIVE["money"])
    return Money(amount, currency)


def format_mu(area: Decimal) -> str:
    """An area in 亩 as plain digits, at most 4 decimals and no trailing zeros; the caller adds 亩."""
    return _plain(_decimal(Fraction(area), _MU_PLACES))


def format_money(money: Money) -> str:
    """An amount in the largest of 亿/万/元 that shows it exactly in at most 4 decimals, e.g. 7.5亿元."""
    value = Fraction(money.amount)
    # A unit that would hide digits gives way to a smaller one, so the display never loses money.
    word, magnitude = next((w, m) for w, m in _DISPLAY_MAGNITUDES if m == 1 or _shows_exactly(value, m))
    shown = _plain(_decimal(value / magnitude, _DISPLAY_PLACES))
    return f"{shown}{word}{CURRENCY_WORDS[money.currency]}"


def _shows_exactly(value: Fraction, magnitude: int) -> bool:
    """Whether `value` is at least one `magnitude` and needs at most 4 decimals counted in it."""
    return abs(value) >= magnitude and (value / magnitude * 10**_DISPLAY_PLACES).denominator == 1


def to_cny(money: Money, usd_rate: Decimal) -> Decimal:
    """The amount in 元, converting USD at `usd_rate` 元 per dollar, rounded to the fen."""
    if usd_rate <= 0:
        raise ValueError(f"usd_rate must be positive, got {usd_rate}")
    rate = Fraction(1) if money.currency is Currency.CNY else Fraction(usd_rate)
    return _decimal(Fraction(money.amount) * rate, _MONEY_PLACES, keep_zeros=True)


def _read_money(text: str) -> tuple[Fraction, Currency | None]:
    """The amount in 元 and its currency, or None as currency when the text gives no unit."""
    numeral, unit = _split(text, "money", prefix=_RMB)
    value = _read(numeral, text, "money")
    if not unit:
        # "5000万" is how amounts are spoken: the 元 is implied once there is a 万 or 亿.
        return value, Currency.CNY if WAN in numeral or YI in numeral else None
    currency = _CURRENCY_BY_WORD.get(unit)
    if currency is None:
        raise QuantityError(text, "money", _EXPECTED["money"], reason=f"unknown unit {unit!r}")
    return value, currency


def _money_unit(unit: str) -> tuple[Fraction, Currency]:
    """The scale and currency named by a unit word such as 万元."""
    try:
        scale, currency = _read_money("1" + unit)
    except QuantityError as err:
        raise ValueError(f"default_unit {unit!r} is not a money unit such as 万元") from err
    if currency is None:
        raise ValueError(f"default_unit {unit!r} names no currency; use e.g. 万元")
    return scale, currency


def _split(text: str, kind: QuantityKind, *, prefix: str = "") -> tuple[str, str]:
    """The numeral and the unit word of a quantity, with hedges like 约 and 左右 dropped."""
    body = _normalize(text).strip()
    body = _strip_affixes(body, _HEDGE_PREFIXES, _HEDGE_SUFFIXES)
    if prefix:
        body = body.removeprefix(prefix).lstrip()
    if body.startswith(("-", "负")):
        raise QuantityError(text, kind, _POSITIVE[kind])
    numeral, rest = _take(body, _NUMERAL_CHARS)
    if not numeral:
        raise QuantityError(text, kind, _EXPECTED[kind], reason="no number")
    # "5000 万元": a magnitude may be spaced off from its digits.
    magnitude, rest = _take(rest.lstrip(), _UNITS.keys())
    return numeral + magnitude, rest.strip()


def _read(numeral: str, raw: str, kind: QuantityKind) -> Fraction:
    try:
        return _number(numeral)
    except ValueError as err:
        raise QuantityError(raw, kind, _EXPECTED[kind]) from err


def _normalize(text: str) -> str:
    # NFKC folds full-width digits, dots, commas and spaces to ASCII, and ㎡ to m2.
    return unicodedata.normalize("NFKC", text)


def _strip_affixes(text: str, prefixes: Sequence[str], suffixes: Sequence[str]) -> str:
    for prefix in prefixes:
        if text.startswith(prefix):
            text = text.removeprefix(prefix).lstrip()
            break
    for suffix in suffixes:
        if text.endswith(suffix):
            text = text.removesuffix(suffix).rstrip()
            break
    return text


def _take(text: str, allowed: Container[str]) -> tuple[str, str]:
    """Split `text` after its longest prefix of characters in `allowed`."""
    end = 0
    while end < len(text) and text[end] in allowed:
        end += 1
    return text[:end], text[end:]


def _number(text: str) -> Fraction:
    """The value of a numeral; ValueError if it is not one."""
    text = _THOUSANDS.sub(lambda match: match.group().replace(",", ""), text)
    parts = _POINT.split(text)
    if len(parts) == 1:
        return Fraction(_integer(_tokens(text)))
    if len(parts) > 2:
        raise ValueError(f"more than one decimal point in {text!r}")
    whole, tail = parts
    digits, suffix = _take(tail, _DIGITS.keys() | set("0123456789"))
    if not whole or not digits:
        raise ValueError(f"a decimal point needs digits on both sides in {text!r}")
    fraction = Fraction(int("".join(str(_DIGITS.get(d, d)) for d in digits)), 10 ** len(digits))
    scale = _magnitude(suffix)
    whole_tokens = _tokens(whole)
    whole_units = [t.value for t in whole_tokens if t.is_unit]
    if whole_units and scale > 1 and max(whole_units) >= _UNITS[suffix[0]]:
        raise ValueError(f"{suffix!r} cannot scale {whole!r}")
    return (_integer(whole_tokens) + fraction) * scale


def _magnitude(suffix: str) -> int:
    """The scale of a trailing run of unit words such as 万, 千万 or 万亿."""
    if any(char not in _UNITS for char in suffix):
        raise ValueError(f"{suffix!r} is not a magnitude")
    values = [_UNITS[char] for char in suffix]
    small = [v for v in values if v < _UNITS[WAN]]
    if len(small) > 1 or values != sorted(set(values)):
        raise ValueError(f"{suffix!r} is not a magnitude")
    return math.prod(values)


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for piece in re.findall(r"[0-9]+|.", text, flags=re.DOTALL):
        if piece[0] in "0123456789":
            tokens.append(_Token(int(piece), is_unit=False, is_digit=len(piece) == 1))
        elif piece in _DIGITS:
            tokens.append(_Token(_DIGITS[piece], is_unit=False, is_digit=True))
        elif piece in _UNITS:
            tokens.append(_Token(_UNITS[piece], is_unit=True, is_digit=False))
        else:
            raise ValueError(f"{piece!r} is not part of a numeral")
    return tokens


def _integer(tokens: Sequence[_Token]) -> int:
    """The value of an integer numeral, split at its largest unit: head × unit + rest."""
    units = [t.value for t in tokens if t.is_unit]
    if not units:
        if len(tokens) != 1:
            raise ValueError("digits must be joined by units, as in 一百零五")
        return tokens[0].value
    top = max(units)
    at = next(i for i, t in enumerate(tokens) if t.is_unit and t.value == top)
    return _head(tokens[:at], top) * top + _rest(tokens[at + 1 :], top)


def _head(tokens: Sequence[_Token], unit: int) -> int:
    """How many of `unit` the tokens before it count."""
    if not tokens:
        if unit == 10:  # 十五: only 十 may drop its 一
            return 1
        raise ValueError("a unit needs a number before it")
    if unit < _UNITS[WAN]:
        if len(tokens) != 1 or not tokens[0].is_digit or tokens[0].value == 0:
            raise ValueError("十, 百 and 千 take a single digit")
        return tokens[0].value
    count = _integer(tokens)
    if count == 0:
        raise ValueError("a unit needs a non-zero count")
    return count


def _rest(tokens: Sequence[_Token], unit: int) -> int:
    """The value of what follows `unit`, which must be smaller than it."""
    if not tokens:
        return 0
    first = tokens[0]
    if len(tokens) == 1 and first.is_digit and first.value > 0:
        return first.value * unit // 10  # 一万二 = 12000, 两千五 = 2500, 十五 = 15
    if not first.is_unit and first.is_digit and first.value == 0:
        value, limit = _integer(tokens[1:]), unit // 10  # 一百零五: 零 marks a skipped place
    else:
        value, limit = _integer(tokens), unit
    if not 0 < value < limit:
        raise ValueError(f"{value} cannot follow a unit of {unit}")
    return value


def _decimal(value: Fraction, places: int, *, keep_zeros: bool = False) -> Decimal:
    """`value` rounded half-up to `places` decimals, built from integers so no context precision applies."""
    units = math.floor(abs(value) * 10**places + Fraction(1, 2))
    if not keep_zeros:
        while places > 0 and units % 10 == 0:
            units //= 10
            places -= 1
    sign = "-" if value < 0 and units else ""
    return Decimal(f"{sign}{units}e-{places}")


def _places(value: Fraction) -> int:
    """Decimal places needed to write `value` exactly; its denominator must divide a power of ten."""
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    return places


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
