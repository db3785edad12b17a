"""Reading what a cadre typed for one field of the 审批表 into the value `ApprovalForm` holds.

Every failure is an `AnswerError` (code "bad_answer"): a `QuantityError` from domain.quantities is wrapped,
so the conversation handles one error type and always knows which field was being answered.
Dates follow the form's meaning: a DATE (班子集体研究日期) has already happened, a YEAR_MONTH (预计供地年月)
is still ahead. `today` is passed in; the clock is never read here.
"""

from __future__ import annotations

import re
import types
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Final, TypeVar, assert_never, get_args, get_type_hints

from domain.errors import DomainError
from domain.form import NAME_MAX_LENGTH, TEXT_MAX_LENGTH, ApprovalForm, FieldKind, FieldSpec
from domain.quantities import QuantityError, parse_area_mu, parse_chinese_number, parse_money

SKIP_WORDS: Final = frozenset({"跳过", "skip", "/skip"})

# Cadres give amounts the way the 审批表 asks for them, in 万元: a bare "5000" is 5000万元, not 5000元.
MONEY_DEFAULT_UNIT: Final = "万元"

MIN_AGE: Final = 18
MAX_AGE: Final = 100

_MAX_LENGTH: Final = {FieldKind.TEXT: NAME_MAX_LENGTH, FieldKind.LONG_TEXT: TEXT_MAX_LENGTH}

_EXPECTED: Final[dict[FieldKind, str]] = {
    FieldKind.TEXT: f"text of 1 to {NAME_MAX_LENGTH} characters",
    FieldKind.LONG_TEXT: f"text of 1 to {TEXT_MAX_LENGTH} characters",
    FieldKind.PHONE: "a mobile number such as 13812345678 or a landline such as 0579-84661234",
    FieldKind.AGE: f"an age from {MIN_AGE} to {MAX_AGE}, such as 45 or 四十五岁",
    FieldKind.DATE: "a date not after today, such as 2026-11-03, 2026年11月3日, 11月3日 or 昨天",
    FieldKind.YEAR_MONTH: "a month not before this one, such as 2027-03 or 2027年3月",
    FieldKind.AREA: "an area such as 30亩, 2公顷 or 20000平方米",
    FieldKind.MONEY: "an amount such as 5000 (万元), 7.5亿元 or 1200万美元",
    FieldKind.YES_NO: "是 or 否",
    FieldKind.CHOICE: "one of the offered choices",
    FieldKind.UNIT: "the name of a unit",
}

_YES: Final = frozenset({"是", "是的", "有", "要", "需要", "对", "涉及", "yes", "y"})
_NO: Final = frozenset({"否", "无", "没有", "不", "不是", "不要", "不需要", "不涉及", "no", "n"})
_TRAILING_PUNCTUATION: Final = "。.!！"

# Words cadres use for a choice that neither equal nor begin it; applied only when the target is offered.
_CHOICE_ALIASES: Final = {
    "养老": "康养",
    "健康养老": "康养",
    "旅游": "文旅",
    "文化旅游": "文旅",
    "其它": "其他",
    "男性": "男",
    "女性": "女",
}
_CHOICE_SUFFIXES: Final = ("类项目", "项目", "类")

_SEPARATORS: Final = re.compile(r"[\s\-‐‑‒–—―().]")
_MOBILE: Final = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})")
# 010 and 02x are the three-digit area codes; every other one has four digits.
_LANDLINE: Final = re.compile(r"(010|02[0-9])([2-9][0-9]{7})|(0[3-9][0-9]{2})([2-9][0-9]{6,7})")

_CHINESE_DIGITS: Final = {char: str(value) for value, char in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_YEAR: Final = r"([0-9]{4}|[〇零一二三四五六七八九]{4})"
_PART: Final = r"([0-9]{1,2}|[〇零一二三四五六七八九十]{1,3})"
_FULL_DATE: Final = (
    re.compile(rf"{_YEAR}年{_PART}月{_PART}[日号]?"),
    re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})"),
    re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})"),
)
_MONTH_DAY: Final = re.compile(rf"{_PART}月{_PART}[日号]?")
_RELATIVE_DAYS: Final = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}
_YEAR_MONTH: Final = (
    re.compile(rf"{_YEAR}年{_PART}月份?"),
    re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})"),
    re.compile(r"([0-9]{4})([0-9]{2})"),
)


_T = TypeVar("_T")


class AnswerError(DomainError):
    """An answer could not be read as the field's value; the field is unchanged."""

    code = "bad_answer"

    def __init__(self, spec: FieldSpec, raw: str, *, reason: str = "", expected: str = "", **params: Any) -> None:
        expected = expected or _EXPECTED[spec.kind]
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"Cannot read {raw!r} for field {spec.name!r} ({spec.kind.value}){why}; expected {expected}.",
            field=spec.name,
            kind=spec.kind.value,
            raw=raw,
            expected=expected,
            **params,
        )


def is_skip(text: str) -> bool:
    """Whether the answer asks to skip the field: only 跳过, skip or /skip (无 is a real answer)."""
    word = _normalize(text).casefold()
    # In a group Telegram sends commands as "/skip@botname".
    command, at, _bot = word.partition("@")
    return word in SKIP_WORDS or (bool(at) and command == "/skip")


def read_answer(spec: FieldSpec, text: str, *, today: date) -> Any:
    """The value of `spec`'s field that `text` states; AnswerError names the field if it states none."""
    match spec.kind:
        case FieldKind.TEXT | FieldKind.LONG_TEXT:
            return _read_text(spec, text)
        case FieldKind.UNIT:
            return _read_text(spec, text, max_length=NAME_MAX_LENGTH)
        case FieldKind.PHONE:
            return _read_phone(spec, text)
        case FieldKind.AGE:
            return _read_age(spec, text)
        case FieldKind.DATE:
            return _read_date(spec, text, today)
        case FieldKind.YEAR_MONTH:
            return _read_year_month(spec, text, today)
        case FieldKind.AREA:
            return _quantity(spec, text, parse_area_mu)
        case FieldKind.MONEY:
            return _quantity(spec, text, lambda raw: parse_money(raw, default_unit=MONEY_DEFAULT_UNIT))
        case FieldKind.YES_NO:
            return _read_yes_no(spec, text)
        case FieldKind.CHOICE:
            return _read_choice(spec, text)
        case _:
            assert_never(spec.kind)


def _normalize(text: str) -> str:
    # NFKC folds full-width digits, letters, punctuation and spaces to ASCII.
    return unicodedata.normalize("NFKC", text).strip()


def _read_text(spec: FieldSpec, text: str, *, max_length: int | None = None) -> str:
    limit = max_length or _MAX_LENGTH[spec.kind]
    value = text.strip()
    if not value:
        raise AnswerError(spec, text, reason="empty", expected=f"text of 1 to {limit} characters", max_length=limit)
    if len(value) > limit:
        raise AnswerError(
            spec,
            text,
            reason=f"{len(value)} characters, over the limit of {limit}",
            expected=f"text of 1 to {limit} characters",
            max_length=limit,
        )
    return value


def _read_phone(spec: FieldSpec, text: str) -> str:
    digits = _SEPARATORS.sub("", _normalize(text))
    if mobile := _MOBILE.fullmatch(digits):
        return mobile.group(1)
    if landline := _LANDLINE.fullmatch(digits):
        area, number = (landline.group(1), landline.group(2)) if landline.group(1) else landline.group(3, 4)
        return f"{area}-{number}"
    raise AnswerError(spec, text)


def _read_age(spec: FieldSpec, text: str) -> int:
    body = _normalize(text)
    for suffix in ("周岁", "岁"):
        if body.endswith(suffix):
            body = body.removesuffix(suffix).strip()
            break
    try:
        value = parse_chinese_number(body)
    except QuantityError as err:
        raise AnswerError(spec, text, reason="not a number") from err
    if value != value.to_integral_value() or not MIN_AGE <= value <= MAX_AGE:
        raise AnswerError(spec, text, reason=f"{value} is not a whole number from {MIN_AGE} to {MAX_AGE}")
    return int(value)


def _small_number(part: str) -> int:
    """A month or day written in Arabic or Chinese numerals; ValueError if it is neither."""
    if part.isascii():
        return int(part)
    try:
        value = parse_chinese_number(part)
    except QuantityError as err:
        raise ValueError(f"{part!r} is not a number") from err
    return int(value)


def _year(part: str) -> int:
    # A year is read digit by digit (二〇二六), unlike a month or a day (十一).
    return int("".join(_CHINESE_DIGITS.get(char, char) for char in part))


def read_full_date(text: str) -> date | None:
    """A date written in full ("2027-02-07", "2027年2月7日", "20270207"), past or future; None if `text` is
    not one (ValueError when the shape names no such day, e.g. 2月30日)."""
    body = re.sub(r"\s", "", _normalize(text))
    for pattern in _FULL_DATE:
        if match := pattern.fullmatch(body):
            year, *_, month, day = match.groups()
            return _checked_date(_year(year), _small_number(month), _small_number(day))
    return None


def _read_date(spec: FieldSpec, text: str, today: date) -> date:
    body = re.sub(r"\s", "", _normalize(text))
    try:
        day = _date_of(body, today)
    except ValueError as err:
        raise AnswerError(spec, text, reason=str(err)) from err
    if day is None:
        raise AnswerError(spec, text)
    if day > today:
        raise AnswerError(
            spec, text, reason=f"{day.isoformat()} is after today, {today.isoformat()}", today=today.isoformat()
        )
    return day


def _date_of(body: str, today: date) -> date | None:
    """The date `body` names, None if it has no date shape; ValueError if the shape holds no such day."""
    if body in _RELATIVE_DAYS:
        return today - timedelta(days=_RELATIVE_DAYS[body])
    if (full := read_full_date(body)) is not None:
        return full
    if match := _MONTH_DAY.fullmatch(body):
        month, day = _small_number(match.group(1)), _small_number(match.group(2))
        _checked_date(2000, month, day)  # a leap year, so 2月29日 is a real day
        # The most recent such day not after today; 2月29日 may reach back to the last leap year.
        year = today.year
        while True:
            try:
                candidate = date(year, month, day)
            except ValueError:
                year -= 1
                continue
            if candidate <= today:
                return candidate
            year -= 1
    return None


def _checked_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as err:
        raise ValueError(f"there is no day {year:04}-{month:02}-{day:02}") from err


def _read_year_month(spec: FieldSpec, text: str, today: date) -> date:
    body = re.sub(r"\s", "", _normalize(text))
    for pattern in _YEAR_MONTH:
        if match := pattern.fullmatch(body):
            try:
                year, month = _year(match.group(1)), _small_number(match.group(2))
                first = _checked_date(year, month, 1)
            except ValueError as err:
                raise AnswerError(spec, text, reason=str(err)) from err
            if first < today.replace(day=1):
                raise AnswerError(
                    spec,
                    text,
                    reason=f"{year:04}-{month:02} is before this month",
                    today=today.isoformat(),
                )
            return first
    raise AnswerError(spec, text)


def _quantity(spec: FieldSpec, text: str, parse: Callable[[str], _T]) -> _T:
    try:
        return parse(text)
    except QuantityError as err:
        # The wrapped error keeps the quantity's own detail (e.g. an unknown unit) as __cause__.
        raise AnswerError(spec, text, expected=err.params["expected"]) from err


def _read_yes_no(spec: FieldSpec, text: str) -> bool:
    word = _normalize(text).rstrip(_TRAILING_PUNCTUATION).strip().casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise AnswerError(spec, text)


_FORM_TYPES: Final = get_type_hints(ApprovalForm)


def _choice_enum(field: str) -> type[StrEnum] | None:
    """The StrEnum a choice field of `ApprovalForm` holds, None for a field it does not know."""
    hint = _FORM_TYPES.get(field)
    candidates = get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    return next((c for c in candidates if isinstance(c, type) and issubclass(c, StrEnum)), None)


def _read_choice(spec: FieldSpec, text: str) -> Any:
    choice = _match_choice(spec, text)
    enum = _choice_enum(spec.name)
    return enum(choice) if enum is not None else choice


def _match_choice(spec: FieldSpec, text: str) -> str:
    choices = ", ".join(spec.choices)
    word = _normalize(text).casefold()
    if word in spec.choices:
        return word
    for suffix in _CHOICE_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            word = word.removesuffix(suffix)
            break
    alias = _CHOICE_ALIASES.get(word, word)
    if alias in spec.choices:
        return alias
    starting = [choice for choice in spec.choices if word and choice.startswith(word)]
    if len(starting) == 1:
        return starting[0]
    reason = f"{len(starting)} choices begin with it" if starting else "no choice matches"
    raise AnswerError(spec, text, reason=reason, expected=f"one of {choices}", choices=spec.choices)
