"""Reading a profile's currency and exchange rates: one reader for the profile's ``fx``, the
``fx=`` argument and ``--fx``, refusing what is not a rate with ``fx.invalid``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aivoucher
from aivoucher.base.money import convert, format_money
from aivoucher.cli import main
from aivoucher.errors import ProfileError
from aivoucher.vocabulary.profile import parse_profile, with_rates

APPLICANT = {"kind": "enterprise", "city": "hong-kong"}


def test_a_profile_is_in_yuan_unless_it_says_otherwise() -> None:
    profile = parse_profile({"applicant": APPLICANT})
    assert profile.currency == "CNY" and profile.fx == {}
    assert profile.rate("HKD", "CNY") is None
    hkd = parse_profile({"applicant": APPLICANT, "currency": "HKD", "fx": {"HKD": 0.92}})
    assert hkd.fx == {"HKD": Decimal("0.92")}  # a float through its shortest repr
    assert hkd.rate("HKD", "CNY") == Decimal("0.92")
    assert hkd.rate("CNY", "CNY") == 1


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=4))
def test_the_rates_both_ways_come_from_one_figure(rate: Decimal) -> None:
    profile = parse_profile({"applicant": APPLICANT, "fx": {"HKD": str(rate)}})
    into, back = profile.rate("CNY", "HKD"), profile.rate("HKD", "CNY")
    assert back == rate
    assert into is not None and abs(into * rate - 1) < Decimal("1e-20")


@given(
    st.integers(min_value=0, max_value=10**12),
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("10000"), places=4),
)
def test_a_conversion_is_rounded_half_up_to_the_cent(fen: int, rate: Decimal) -> None:
    amount = Decimal(fen) / 100
    got = convert(amount, rate)
    assert got == got.quantize(Decimal("0.01"))
    assert abs(got - amount * rate) <= Decimal("0.005")


@pytest.mark.parametrize(
    ("fx", "code"),
    [
        ({"HKD": "0"}, "fx.invalid"),
        ({"HKD": "-1"}, "fx.invalid"),
        ({"HKD": "x"}, "fx.invalid"),
        ({"HKD": "nan"}, "fx.invalid"),
        ({"HKD": 1e9}, "fx.invalid"),
        ({"HKD": True}, "fx.invalid"),
        ({"CNY": "1"}, "fx.invalid"),
        ({"USD": "7.1"}, "profile.invalid"),
    ],
)
def test_bad_rates_are_refused_naming_the_currency(fx: dict[str, Any], code: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"applicant": APPLICANT, "fx": fx})
    assert caught.value.code == code
    assert caught.value.field is not None and caught.value.field.startswith("fx")
    # the same reader behind the argument of estimate
    with pytest.raises(ProfileError) as again:
        aivoucher.estimate({"applicant": APPLICANT}, fx=fx, as_of="2025-06-30")
    assert again.value.code == code


def test_an_argument_adds_to_the_profiles_rates_and_replaces_its_own_currency() -> None:
    profile = parse_profile({"applicant": APPLICANT, "fx": {"HKD": "0.9"}})
    assert with_rates(profile, {"HKD": "0.92"}).fx == {"HKD": Decimal("0.92")}
    assert with_rates(profile, None) is profile
    with pytest.raises(ProfileError) as caught:
        with_rates(profile, ["HKD", "0.92"])  # type: ignore[arg-type]
    assert caught.value.code == "fx.invalid" and caught.value.field == "fx"


def test_the_profile_schema_names_the_currencies() -> None:
    schema = aivoucher.Profile.model_json_schema()
    assert "currency" in schema["properties"] and "fx" in schema["properties"]


@pytest.mark.parametrize("given_rate", ["HKD", "=0.92", "HKD=", "HKD=zero"])
def test_the_command_line_refuses_a_bad_rate_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, given_rate: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "applicant: {kind: enterprise, city: hong-kong}\npurchases:\n"
        "  - {item: compute, amount: 100万, signed: 2025-03-01}\n",
        encoding="utf-8",
    )
    code = main(["estimate", str(path), "--as-of", "2025-06-30", "--fx", given_rate])
    _, err = capsys.readouterr()
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "fx" in err


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_another_currency_carries_its_symbol_in_every_form(locale: str) -> None:
    amount = Decimal("700000")
    assert "HK$" in format_money(amount, locale, currency="HKD")
    assert "HK$" in format_money(amount, locale, compact=True, currency="HKD")
    assert "HK" not in format_money(amount, locale)
