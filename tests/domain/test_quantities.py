from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.quantities import (
    Currency,
    Money,
    QuantityError,
    format_money,
    format_mu,
    parse_area_mu,
    parse_chinese_number,
    parse_money,
    to_cny,
)

CNY, USD = Currency.CNY, Currency.USD


def to_chinese(n: int) -> str:
    """The full Chinese reading of 0 <= n < 10**12, keeping every 一 (15 -> 一十五)."""
    if n == 0:
        return "零"
    digits = "零一二三四五六七八九"

    def section(s: int) -> str:
        out, gap = "", False
        for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = s // place % 10
            if d == 0:
                gap = gap or bool(out)
                continue
            out += ("零" if gap else "") + digits[d] + unit
            gap = False
        return out

    out, gap = "", False
    for magnitude, unit in ((10**8, "亿"), (10**4, "万"), (1, "")):
        s = n // magnitude % 10**4
        if s == 0:
            gap = gap or bool(out)
            continue
        if out and (gap or s < 1000):
            out += "零"
        out += section(s) + unit
        gap = False
    return out


def chinese(n: int) -> str:
    """How n is written: a leading 一十 drops its 一 (十五), inner ones keep it (一百一十)."""
    text = to_chinese(n)
    return text.removeprefix("一") if text.startswith("一十") else text


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (15, "十五"),
        (10, "十"),
        (105, "一百零五"),
        (10010, "一万零一十"),
        (110000, "十一万"),
        (10**8 + 5, "一亿零五"),
    ],
)
def test_the_test_converter_writes_standard_chinese(n: int, text: str) -> None:
    assert chinese(n) == text


# ---- numbers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("30", "30"),
        ("1,234,567", "1234567"),
        ("１２３", "123"),
        ("３．５", "3.5"),
        ("  42 ", "42"),
        ("3.14159", "3.14159"),
        ("十五", "15"),
        ("三十", "30"),
        ("一百零五", "105"),
        ("一千零五十", "1050"),
        ("两千五百", "2500"),
        ("一万二千", "12000"),
        ("三千万", "30000000"),
        ("一亿零五万", "100050000"),
        ("一万亿", "1000000000000"),
        ("零", "0"),
        ("〇", "0"),
        ("两", "2"),
        ("七点五", "7.5"),
        ("零点五", "0.5"),
        ("三点一四", "3.14"),
        ("十二点五万", "125000"),
        ("1.5万", "15000"),
        ("3千", "3000"),
        ("5000万", "50000000"),
        ("12000万", "120000000"),
        ("1.5千万", "15000000"),
        ("1,200万", "12000000"),
        ("1万2千", "12000"),
        ("1万2000", "12000"),
        ("拾伍", "15"),
        ("壹佰零伍", "105"),
        ("贰仟伍佰", "2500"),
        ("叁万肆仟陆佰柒拾捌", "34678"),
        ("玖", "9"),
    ],
)
def test_numbers_read_in_arabic_chinese_and_mixed_forms(text: str, value: str) -> None:
    assert parse_chinese_number(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [("一万二", "12000"), ("两千五", "2500"), ("一百五", "150"), ("一亿五", "150000000"), ("1万5", "15000")],
)
def test_a_lone_digit_after_a_unit_counts_the_next_lower_place(text: str, value: str) -> None:
    assert parse_chinese_number(text) == Decimal(value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "一二",
        "百",
        "一百二百",
        "一百零十",
        "十零",
        "12十",
        "零万",
        "1.5万2千",
        "一万点五万",
        "1..2",
        "1.2.3",
        ".5",
        "5.",
        "1,2",
        "12,34",
        "-5",
        "5 5",
        "3亿万",
    ],
)
def test_anything_that_is_not_a_numeral_is_refused(text: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_chinese_number(text)
    assert caught.value.params == {
        "raw": text,
        "kind": "number",
        "expected": "a number such as 30, 1.5万 or 三十",
    }


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_numerals_read_back_to_the_integer_they_spell(n: int) -> None:
    assert parse_chinese_number(chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**15))
def test_arabic_numerals_with_or_without_thousands_commas_read_back(n: int) -> None:
    assert parse_chinese_number(str(n)) == n
    assert parse_chinese_number(f"{n:,}") == n


# ---- areas -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mu"),
    [
        ("三十亩", "30"),
        ("30亩", "30"),
        ("30 亩", "30"),
        ("30", "30"),
        ("三十", "30"),
        ("0.5亩", "0.5"),
        ("2公顷", "30"),
        ("1.5公顷", "22.5"),
        ("20000平方米", "30"),
        ("20000㎡", "30"),
        ("20000 m²", "30"),
        ("20000平米", "30"),
        ("2万平方米", "30"),
        ("20,000平方米", "30"),
        ("1平方米", "0.0015"),
        ("约30亩", "30"),
        ("30亩左右", "30"),
        ("约 30 亩 左右", "30"),
        ("３０亩", "30"),
    ],
)
def test_areas_are_read_in_mu_hectares_or_square_metres(text: str, mu: str) -> None:
    assert parse_area_mu(text) == Decimal(mu)


def test_an_area_finer_than_a_ten_thousandth_of_a_mu_is_rounded_half_up() -> None:
    assert parse_area_mu("1.5平方米") == Decimal("0.0023")  # exactly 0.00225
    assert parse_area_mu("12.33335亩") == Decimal("12.3334")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "an area such as 30亩, 2公顷 or 20000平方米"),
        ("亩", "an area such as 30亩, 2公顷 or 20000平方米"),
        ("abc亩", "an area such as 30亩, 2公顷 or 20000平方米"),
        ("30英亩", "an area such as 30亩, 2公顷 or 20000平方米"),
        ("30亩地块", "an area such as 30亩, 2公顷 or 20000平方米"),
        ("一二亩", "an area such as 30亩, 2公顷 or 20000平方米"),
        ("-5亩", "a positive area such as 30亩"),
        ("负5亩", "a positive area such as 30亩"),
        ("0亩", "a positive area such as 30亩"),
        ("0.00001亩", "a positive area such as 30亩"),
    ],
)
def test_bad_areas_are_refused_with_what_was_expected(text: str, expected: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_area_mu(text)
    assert caught.value.params == {"raw": text, "kind": "area", "expected": expected}


def test_an_unknown_area_unit_is_named_in_the_message() -> None:
    with pytest.raises(QuantityError, match="unknown unit '英亩'"):
        parse_area_mu("30英亩")


@pytest.mark.parametrize(
    ("mu", "text"),
    [
        ("30", "30"),
        ("0.5", "0.5"),
        ("0.50", "0.5"),
        ("12.3333", "12.3333"),
        ("3E+1", "30"),
        ("12.33335", "12.3334"),
    ],
)
def test_areas_display_as_plain_digits_without_trailing_zeros(mu: str, text: str) -> None:
    assert format_mu(Decimal(mu)) == text


@given(st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10**9), places=4))
def test_a_displayed_area_reads_back_to_itself(mu: Decimal) -> None:
    assert parse_area_mu(format_mu(mu) + "亩") == mu


# ---- money -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("7亿元", "700000000", CNY),
        ("7亿", "700000000", CNY),
        ("7.5亿", "750000000", CNY),
        ("5000万", "50000000", CNY),
        ("5000万元", "50000000", CNY),
        ("5000 万元", "50000000", CNY),
        ("三千万元", "30000000", CNY),
        ("1200万美元", "12000000", USD),
        ("1.2亿美元", "120000000", USD),
        ("500万元人民币", "5000000", CNY),
        ("500万人民币", "5000000", CNY),
        ("人民币5亿元", "500000000", CNY),
        ("800元", "800", CNY),
        ("12345.67万元", "123456700", CNY),
        ("约5亿元左右", "500000000", CNY),
        ("0.005元", "0.01", CNY),
    ],
)
def test_amounts_are_read_in_yuan_or_dollars(text: str, amount: str, currency: Currency) -> None:
    assert parse_money(text) == Money(Decimal(amount), currency)


def test_amounts_are_held_to_the_fen() -> None:
    assert parse_money("1.234567万元").amount.as_tuple().exponent == -2
    assert parse_money("1.234567万元").amount == Decimal("12345.67")


@pytest.mark.parametrize(
    ("text", "unit", "amount", "currency"),
    [
        ("30000000", "元", "30000000", CNY),
        ("3000", "万元", "30000000", CNY),
        ("3000", "万", "30000000", CNY),
        ("三千", "万元", "30000000", CNY),
        ("1.5", "亿元", "150000000", CNY),
        ("1200", "万美元", "12000000", USD),
        ("5000万", "亿元", "50000000", CNY),
        ("800元", "万元", "800", CNY),
    ],
)
def test_a_default_unit_applies_only_to_a_bare_number(text: str, unit: str, amount: str, currency: Currency) -> None:
    assert parse_money(text, default_unit=unit) == Money(Decimal(amount), currency)


def test_a_bare_number_without_a_default_unit_asks_for_one() -> None:
    with pytest.raises(QuantityError) as caught:
        parse_money("30000000")
    assert caught.value.params["expected"] == "a unit such as 万元 or 亿元"
    assert "万元" in str(caught.value)


@pytest.mark.parametrize("unit", ["", "块", "亩", "十"])
def test_a_default_unit_that_names_no_currency_is_a_programming_error(unit: str) -> None:
    with pytest.raises(ValueError, match="default_unit"):
        parse_money("30", default_unit=unit)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "an amount such as 5000万元, 7.5亿元 or 1200万美元"),
        ("元", "an amount such as 5000万元, 7.5亿元 or 1200万美元"),
        ("七亿块", "an amount such as 5000万元, 7.5亿元 or 1200万美元"),
        ("7亿欧元", "an amount such as 5000万元, 7.5亿元 or 1200万美元"),
        ("一二万元", "an amount such as 5000万元, 7.5亿元 or 1200万美元"),
        ("800", "a unit such as 万元 or 亿元"),
        ("三千", "a unit such as 万元 or 亿元"),
        ("-5亿元", "a positive amount such as 5000万元"),
        ("0元", "a positive amount such as 5000万元"),
        ("0.001元", "a positive amount such as 5000万元"),
    ],
)
def test_bad_amounts_are_refused_with_what_was_expected(text: str, expected: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_money(text)
    assert caught.value.params == {"raw": text, "kind": "money", "expected": expected}


def test_quantity_errors_are_domain_errors_with_a_stable_code() -> None:
    with pytest.raises(DomainError) as caught:
        parse_money("七亿块")
    assert caught.value.code == "bad_quantity"
    assert "'七亿块'" in str(caught.value)


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        ("700000000", CNY, "7亿元"),
        ("750000000", CNY, "7.5亿元"),
        ("50000000", CNY, "5000万元"),
        ("12000000", USD, "1200万美元"),
        ("120000000", USD, "1.2亿美元"),
        ("800", CNY, "800元"),
        ("800.50", CNY, "800.5元"),
        ("12345", CNY, "1.2345万元"),
        ("123456700", CNY, "12345.67万元"),
    ],
)
def test_amounts_display_in_the_largest_natural_unit(amount: str, currency: Currency, text: str) -> None:
    assert format_money(Money(Decimal(amount), currency)) == text


@pytest.mark.parametrize(("amount", "text"), [("123456789.12", "123456789.12元"), ("10000.5", "10000.5元")])
def test_a_unit_that_would_need_more_than_four_decimals_gives_way_to_a_smaller_one(amount: str, text: str) -> None:
    assert format_money(Money(Decimal(amount), CNY)) == text


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**14), places=2),
    st.sampled_from(Currency),
)
def test_a_displayed_amount_reads_back_to_itself(amount: Decimal, currency: Currency) -> None:
    money = Money(amount, currency)
    assert parse_money(format_money(money)) == money


def test_money_refuses_a_float_amount() -> None:
    with pytest.raises(TypeError):
        Money(7.5, CNY)  # type: ignore[arg-type]


def test_dollars_convert_to_yuan_at_the_rate_the_caller_gives() -> None:
    assert to_cny(parse_money("1200万美元"), Decimal("7.1")) == Decimal("85200000")
    assert to_cny(Money(Decimal("0.01"), USD), Decimal("7.1")) == Decimal("0.07")


def test_yuan_need_no_conversion() -> None:
    assert to_cny(parse_money("7亿元"), Decimal("7.1")) == Decimal("700000000")


@pytest.mark.parametrize("rate", ["0", "-7.1"])
def test_a_non_positive_rate_is_refused(rate: str) -> None:
    with pytest.raises(ValueError, match="usd_rate"):
        to_cny(parse_money("1200万美元"), Decimal(rate))
