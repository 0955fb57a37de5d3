from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aivoucher.base.money import (
    MAX_AMOUNT,
    Rounding,
    canonical,
    format_money,
    format_rate,
    parse_amount,
    parse_rate,
)
from aivoucher.errors import AmountError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500万", "5000000"),
        ("500万元", "5000000"),
        ("1.2亿", "120000000"),
        ("1,200,000", "1200000"),
        ("¥3,000", "3000"),
        ("￥3,000.50", "3000.5"),
        ("CN¥12", "12"),
        ("3000元", "3000"),
        ("１２万", "120000"),  # full-width digits
        ("1千万", "10000000"),
        (" 20万 ", "200000"),
        ("0", "0"),
        (1500, "1500"),
        (Decimal("12.34"), "12.34"),
        (0.1, "0.1"),  # a float through its repr: exactly what was typed
    ],
)
def test_parse_amount_accepts_policy_notations(text: object, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("10亿亿", "not an amount"),
        ("1e400", "not an amount"),
        ("NaN", "not an amount"),
        ("inf", "not an amount"),
        ("-0", "negative"),
        ("-5万", "negative"),
        ("1.234", "fractions of a fen"),
        ("12 bananas", "not an amount"),
        ("", "not an amount"),
        ("1,2,3", "not an amount"),
        (float("nan"), "NaN"),
        (float("inf"), "NaN or infinity"),
        (Decimal("-1"), "negative"),
        (Decimal("sNaN"), "NaN"),
        (True, "not an amount"),
        (None, "not an amount"),
        ([1], "not an amount"),
        ("2万亿", "exceeds the supported maximum"),
        (10**13, "maximum"),
    ],
)
def test_parse_amount_rejects_with_the_value_quoted(bad: object, why: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(bad)
    assert why in str(info.value)
    assert repr(bad)[:20] in str(info.value) or why == "NaN"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("60%", "0.6"),
        ("0.6", "0.6"),
        ("12.5%", "0.125"),
        (Decimal("0.3"), "0.3"),
        (1, "1"),
        (0.2, "0.2"),
    ],
)
def test_parse_rate(text: object, expected: str) -> None:
    assert parse_rate(text) == Decimal(expected)


@pytest.mark.parametrize("bad", ["60", "150%", "-10%", "abc", "nan%", float("nan"), 2])
def test_parse_rate_rejects(bad: object) -> None:
    with pytest.raises(AmountError):
        parse_rate(bad)


@given(st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2))
def test_amount_round_trip_through_canonical_text(amount: Decimal) -> None:
    text = canonical(amount)
    assert "E" not in text and "e" not in text
    assert parse_amount(text) == amount


@given(st.integers(min_value=0, max_value=10**8), st.sampled_from(["万", "亿"]))
def test_unit_suffixes_multiply_exactly(n: int, unit: str) -> None:
    factor = 10**4 if unit == "万" else 10**8
    if n * factor <= MAX_AMOUNT:
        assert parse_amount(f"{n}{unit}") == n * factor


def test_formatting_is_babels() -> None:
    amount = Decimal("4800000")
    assert format_money(amount, "zh") == "¥4,800,000.00"
    assert format_money(amount, "en") == "CN¥4,800,000.00"
    assert format_money(amount, "zh", compact=True) == "480万"
    assert format_money(amount, "en", compact=True) == "CN¥4.8M"
    assert format_money(Decimal("120000000"), "zh", compact=True) == "1.2亿"
    assert format_rate(Decimal("0.6")) == "60%"
    assert format_rate(Decimal("0.125")) == "12.5%"


def test_canonical_has_no_exponent_or_trailing_zeros() -> None:
    assert canonical(Decimal("4800000.00")) == "4800000"
    assert canonical(Decimal("1.2E+8")) == "120000000"
    assert canonical(Decimal("12.50")) == "12.5"
    assert canonical(Decimal("0.00")) == "0"


@pytest.mark.parametrize(
    ("rounding", "amount", "expected"),
    [
        (Rounding(), "99.995", "100.00"),
        (Rounding(mode="truncate"), "99.999", "99.99"),
        (Rounding(Decimal(1)), "2.5", "3"),
        (Rounding(Decimal(1), "truncate"), "2.99", "2"),
        (Rounding(Decimal("1")), "3.5", "4"),  # half-up, not banker's rounding
    ],
)
def test_rounding(rounding: Rounding, amount: str, expected: str) -> None:
    assert rounding.apply(Decimal(amount)) == Decimal(expected)
    assert str(rounding.apply(Decimal(amount))) == expected
