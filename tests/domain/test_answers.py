from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.answers import SKIP_WORDS, AnswerError, is_skip, read_answer
from domain.approval import Category
from domain.errors import DomainError
from domain.form import FIELDS_BY_NAME, FORM_FIELDS, AttractionMethod, FieldKind, FieldSpec, Gender
from domain.quantities import Currency, Money, QuantityError

TODAY = date(2026, 5, 20)


def read(field: str, text: str, today: date = TODAY) -> Any:
    return read_answer(FIELDS_BY_NAME[field], text, today=today)


def rejects(field: str, text: str, today: date = TODAY) -> AnswerError:
    with pytest.raises(AnswerError) as info:
        read(field, text, today)
    return info.value


# --- errors ---------------------------------------------------------------------------------------------


def test_a_bad_answer_names_the_field_the_kind_the_input_and_the_expectation() -> None:
    err = rejects("investor_age", "abc")
    assert isinstance(err, DomainError)
    assert err.code == "bad_answer"
    assert err.params["field"] == "investor_age"
    assert err.params["kind"] == "age"
    assert err.params["raw"] == "abc"
    assert "18 to 100" in err.params["expected"]
    assert "'investor_age'" in str(err) and "'abc'" in str(err)


def test_a_quantity_error_is_wrapped_so_the_conversation_sees_one_error_type() -> None:
    err = rejects("land_mu", "三十平方公里")
    assert isinstance(err.__cause__, QuantityError)
    assert err.params["field"] == "land_mu"
    assert err.params["expected"] == err.__cause__.params["expected"]


def test_every_field_of_the_form_has_a_reader() -> None:
    for spec in FORM_FIELDS:
        with pytest.raises(AnswerError):
            read_answer(spec, "   ", today=TODAY)


# --- skipping -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["跳过", " skip ", "SKIP", "/skip", "/skip@ZhikongBot", "／ｓｋｉｐ"])
def test_only_explicit_skip_words_skip_a_field(text: str) -> None:
    assert is_skip(text)


@pytest.mark.parametrize("text", ["无", "略", "没有", "不", "/skipper", "skip it", ""])
def test_real_answers_like_none_do_not_skip(text: str) -> None:
    assert not is_skip(text)


def test_the_skip_words_are_exactly_the_documented_ones() -> None:
    assert frozenset({"跳过", "skip", "/skip"}) == SKIP_WORDS


def test_none_is_a_real_answer_for_energy_use() -> None:
    assert read("energy_use", "无") == "无"


# --- text -----------------------------------------------------------------------------------------------


def test_text_is_stripped() -> None:
    assert read("investor_name", "  张三 \n") == "张三"


def test_long_text_keeps_its_inner_lines() -> None:
    assert read("construction_plan", "\n2026年开工\n2027年投产\n") == "2026年开工\n2027年投产"


@pytest.mark.parametrize("field", ["investor_name", "company_profile", "attracting_unit"])
def test_empty_text_is_refused(field: str) -> None:
    assert rejects(field, " \t\n").params["field"] == field


@pytest.mark.parametrize(("field", "limit"), [("investor_name", 100), ("company_profile", 2000)])
def test_text_up_to_its_limit_is_kept_and_longer_text_is_refused_naming_the_limit(field: str, limit: int) -> None:
    assert read(field, "字" * limit) == "字" * limit
    err = rejects(field, "字" * (limit + 1))
    assert err.params["max_length"] == limit
    assert str(limit) in str(err)


def test_a_unit_is_its_stripped_name() -> None:
    assert read("attracting_unit", " 尖山镇 ") == "尖山镇"


# --- phone ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("0086-199-0000-1111", "19900001111"),
        ("(+86)13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0579-84661234", "0579-84661234"),
        ("0579 84661234", "0579-84661234"),
        ("057984661234", "0579-84661234"),
        ("(0579)8466123", "0579-8466123"),
        ("010-62345678", "010-62345678"),
        ("02162345678", "021-62345678"),
    ],
)
def test_a_phone_number_is_normalised(text: str, number: str) -> None:
    assert read("investor_phone", text) == number


@pytest.mark.parametrize(
    "text",
    [
        "12812345678",  # no mobile number starts 12
        "1381234567",  # ten digits
        "138123456789",  # twelve digits
        "+1 138 1234 5678",
        "0579-1234567",  # a local number does not start with 1
        "010-6234567",  # three-digit area codes have eight-digit numbers
        "84661234",  # a landline needs its area code
        "138一二三四五六七八",
        "电话13812345678",
    ],
)
def test_a_malformed_phone_number_is_refused(text: str) -> None:
    assert rejects("investor_phone", text).params["kind"] == "phone"


separators = st.lists(st.sampled_from(["", " ", "-", "  ", "—", "\u3000"]), min_size=11, max_size=11)


@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9), separators, st.booleans())
def test_any_mobile_number_with_any_separators_normalises_to_its_digits(
    second: str, rest: str, seps: list[str], prefixed: bool
) -> None:
    digits = "1" + second + rest
    typed = ("+86 " if prefixed else "") + "".join(d + s for d, s in zip(digits, seps, strict=True))
    assert read("investor_phone", typed) == digits


# --- age ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("45", 45),
        ("45岁", 45),
        ("45 岁", 45),
        ("45周岁", 45),
        ("四十五", 45),
        ("四十五岁", 45),
        ("18", 18),
        ("一百", 100),
    ],
)
def test_an_age_is_read_in_arabic_or_chinese_numerals(text: str, age: int) -> None:
    assert read("investor_age", text) == age


@pytest.mark.parametrize("text", ["17", "101", "45.5", "十七岁", "四十多", "abc", "-45"])
def test_an_age_outside_18_to_100_or_not_whole_is_refused(text: str) -> None:
    rejects("investor_age", text)


# --- date -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-05-03", date(2026, 5, 3)),
        ("2026/5/3", date(2026, 5, 3)),
        ("2026.5.3", date(2026, 5, 3)),
        ("20260503", date(2026, 5, 3)),
        ("2026年5月3日", date(2026, 5, 3)),
        ("2026 年 5 月 3 号", date(2026, 5, 3)),
        ("二〇二六年五月三日", date(2026, 5, 3)),
        ("２０２６年５月３日", date(2026, 5, 3)),
        ("2025年十一月三十日", date(2025, 11, 30)),
        ("5月3日", date(2026, 5, 3)),
        ("5月20日", date(2026, 5, 20)),
        ("5月21日", date(2025, 5, 21)),
        ("11月3日", date(2025, 11, 3)),
        ("2月29日", date(2024, 2, 29)),
        ("今天", TODAY),
        ("昨天", TODAY - timedelta(days=1)),
        ("前天", TODAY - timedelta(days=2)),
    ],
)
def test_a_board_study_date_is_read_in_the_usual_ways(text: str, day: date) -> None:
    assert read("board_study_date", text) == day


def test_today_is_the_latest_board_study_date_and_tomorrow_is_refused() -> None:
    assert read("board_study_date", "2026-05-20") == TODAY
    err = rejects("board_study_date", "2026-05-21")
    assert err.params["today"] == "2026-05-20"
    assert "after today" in str(err)


@pytest.mark.parametrize("text", ["2026-02-30", "2月30日", "13月1日", "2026-5/3", "26-05-03", "明天", "上周", "五月"])
def test_a_date_that_does_not_exist_or_has_no_date_shape_is_refused(text: str) -> None:
    assert rejects("board_study_date", text).params["kind"] == "date"


# --- year and month -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2027-03", date(2027, 3, 1)),
        ("2027-3", date(2027, 3, 1)),
        ("2027/3", date(2027, 3, 1)),
        ("2027.3", date(2027, 3, 1)),
        ("2027.10", date(2027, 10, 1)),
        ("202703", date(2027, 3, 1)),
        ("2027年3月", date(2027, 3, 1)),
        ("2027年3月份", date(2027, 3, 1)),
        ("二〇二七年三月", date(2027, 3, 1)),
        ("2026年5月", date(2026, 5, 1)),
    ],
)
def test_an_expected_land_supply_month_is_read_as_its_first_day(text: str, month: date) -> None:
    assert read("expected_land_supply", text) == month


def test_this_month_is_the_earliest_land_supply_month_and_last_month_is_refused() -> None:
    assert read("expected_land_supply", "2026-05", today=date(2026, 5, 31)) == date(2026, 5, 1)
    err = rejects("expected_land_supply", "2026-04", today=date(2026, 5, 1))
    assert "before this month" in str(err)


@pytest.mark.parametrize("text", ["2027-13", "2027年0月", "3月", "2027-03-01", "明年三月", "27.3"])
def test_a_malformed_year_and_month_is_refused(text: str) -> None:
    assert rejects("expected_land_supply", text).params["kind"] == "year_month"


# --- area and money -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "mu"), [("30", Decimal(30)), ("30亩", Decimal(30)), ("2公顷", Decimal(30))])
def test_an_area_is_read_in_mu(text: str, mu: Decimal) -> None:
    assert read("land_mu", text) == mu


@pytest.mark.parametrize("text", ["0", "-5亩", "很大", "30平方公里"])
def test_a_bad_area_is_refused(text: str) -> None:
    assert rejects("land_mu", text).params["field"] == "land_mu"


@pytest.mark.parametrize(
    ("text", "money"),
    [
        ("5000", Money(Decimal("50000000.00"), Currency.CNY)),
        ("5000万元", Money(Decimal("50000000.00"), Currency.CNY)),
        ("7.5亿元", Money(Decimal("750000000.00"), Currency.CNY)),
        ("1200万美元", Money(Decimal("12000000.00"), Currency.USD)),
    ],
)
def test_a_bare_amount_is_in_wan_yuan_as_the_form_asks(text: str, money: Money) -> None:
    assert read("total_investment", text) == money


@pytest.mark.parametrize("text", ["0", "五千欧元", "不少"])
def test_a_bad_amount_is_refused(text: str) -> None:
    assert rejects("total_investment", text).params["kind"] == "money"


# --- yes or no ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["是", "是的", "有", "需要", "对", "yes", "Y", "YES", " 是。"])
def test_yes_words_read_as_true(text: str) -> None:
    assert read("needs_land", text) is True


@pytest.mark.parametrize("text", ["否", "无", "没有", "不需要", "不", "no", "N", "不涉及"])
def test_no_words_read_as_false(text: str) -> None:
    assert read("special_fiscal_support", text) is False


@pytest.mark.parametrize("text", ["也许", "是否", "yesno", "1"])
def test_anything_else_is_not_a_yes_or_no(text: str) -> None:
    rejects("needs_land", text)


# --- choices --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("工业", Category.INDUSTRY),
        ("工业类", Category.INDUSTRY),
        ("工业类项目", Category.INDUSTRY),
        ("文旅类", Category.CULTURE_TOURISM),
        ("文化旅游", Category.CULTURE_TOURISM),
        ("养老", Category.HEALTH_ELDERLY),
        ("服务", Category.SERVICES),
        ("其它", Category.OTHER),
    ],
)
def test_a_category_is_read_from_its_name_a_prefix_or_an_alias(text: str, category: Category) -> None:
    assert read("category", text) is category


def test_choices_become_the_enum_the_form_holds() -> None:
    assert read("attraction_method", "以商") is AttractionMethod.BY_BUSINESS
    assert read("investor_gender", "女") is Gender.FEMALE


def test_an_unknown_or_ambiguous_choice_is_refused_listing_the_choices() -> None:
    err = rejects("category", "矿业")
    assert err.params["choices"] == FIELDS_BY_NAME["category"].choices
    ambiguous = FieldSpec("colour", FieldKind.CHOICE, choices=("红色", "红褐色"))
    with pytest.raises(AnswerError, match="2 choices begin with it"):
        read_answer(ambiguous, "红", today=TODAY)


def test_a_choice_field_outside_the_form_reads_as_plain_text() -> None:
    spec = FieldSpec("colour", FieldKind.CHOICE, choices=("红色", "蓝色"))
    assert read_answer(spec, "蓝", today=TODAY) == "蓝色"
