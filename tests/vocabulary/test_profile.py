from decimal import Decimal
from pathlib import Path

import pytest
from conftest import profile

from aivoucher import ProfileError, load_profile, parse_profile
from aivoucher.errors import InputError, YamlError


def test_profile_parses_amounts_cities_and_defaults() -> None:
    p = parse_profile(
        profile(
            {"item": "compute", "amount": "1.2亿", "signed": "2025-03-01", "provider_city": "贵阳"},
            city="深圳市",
        )
    )
    assert p.applicant.city == "shenzhen"
    assert p.applicant.good_standing is True
    assert p.applicant.startup is None  # unknown, not false
    purchase = p.purchases[0]
    assert purchase.amount == Decimal("120000000")
    assert purchase.provider_city == "guiyang"
    assert purchase.related_party is False
    assert purchase.via_platform is None
    assert purchase.label(0) == "#1"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (profile(amount="12 bananas"), "purchases[0].amount", "not an amount"),
        (profile(amount="-5万"), "purchases[0].amount", "negative"),
        (profile(amount="NaN"), "purchases[0].amount", "not an amount"),
        (profile(city="gotham"), "applicant.city", "unknown city 'gotham'"),
        (profile(kind="person"), "applicant.kind", "enterprise"),
        (profile(colour="red"), "applicant.colour", "unknown field"),
        ({"purchases": []}, "applicant", "required field is missing"),
        (
            profile({"item": "compute", "amount": 1, "signed": "2025-02-30"}),
            "purchases[0].signed",
            "no such date",
        ),
        (
            profile({"item": "compute", "amount": 1, "signed": 20250301}),
            "purchases[0].signed",
            "not a date",
        ),
        (
            profile({"item": "gpu", "amount": 1, "signed": "2025-01-01"}),
            "purchases[0].item",
            "compute",
        ),
        (
            profile(
                {
                    "item": "compute",
                    "amount": 1,
                    "signed": "2025-01-01",
                    "start": "2025-03-01",
                    "end": "2025-02-01",
                }
            ),
            "purchases[0]",
            "before start",
        ),
    ],
)
def test_profile_errors_name_the_field(data: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile(data)
    assert info.value.field == field
    assert message in info.value.message
    assert isinstance(info.value, InputError)


def test_profile_must_be_a_mapping() -> None:
    with pytest.raises(ProfileError, match="mapping"):
        parse_profile(["not", "a", "profile"])  # type: ignore[arg-type]


def test_load_profile_reports_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text(
        "applicant:\n  kind: enterprise\n  city: shenzhen\npurchases:\n"
        "  - item: compute\n    amount: 12 bananas\n    signed: 2025-01-01\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError) as info:
        load_profile(f)
    assert (
        str(info.value) == f"{f}:6: purchases[0].amount: not an amount "
        "(write e.g. 500万, 1.2亿, 1,200,000 or ¥3,000): '12 bananas'"
    )


def test_load_profile_json(tmp_path: Path) -> None:
    f = tmp_path / "p.json"
    f.write_text(
        '{"applicant": {"kind": "enterprise", "city": "chengdu"},'
        ' "purchases": [{"item": "compute", "amount": 1000000.5, "signed": "2025-01-01"}]}',
        encoding="utf-8",
    )
    assert load_profile(f).purchases[0].amount == Decimal("1000000.5")
    f.write_text('{"applicant": ', encoding="utf-8")
    with pytest.raises(YamlError, match="malformed JSON"):
        load_profile(f)


def test_empty_profile_file(tmp_path: Path) -> None:
    f = tmp_path / "empty.yaml"
    f.write_text("", encoding="utf-8")
    with pytest.raises(ProfileError, match="mapping"):
        load_profile(f)
