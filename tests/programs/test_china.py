"""The national AI voucher (rules/china/ai-voucher.yaml): recorded with no published amount,
reaching firms in every place; a comparison names it once."""

from __future__ import annotations

import aivoucher
from aivoucher.base import jurisdictions

PLAN = {
    "applicant": {"kind": "enterprise", "sme": True},
    "purchases": [
        {"item": "compute", "use": "training", "amount": "800万", "signed": "2026-03-01"}
    ],
}


def test_the_national_voucher_is_listed_with_no_amount_anywhere() -> None:
    for city in ("chengdu", "urumqi", "shenzhen"):
        profile = {**PLAN, "applicant": {**PLAN["applicant"], "city": city}}
        award = aivoucher.estimate(profile, as_of="2026-06-30").award("china.ai-voucher")
        assert award.eligible is None and award.low is None and award.high is None
    assert jurisdictions.level("china") == "national"


def test_a_comparison_names_it_once_in_both_languages() -> None:
    comparison = aivoucher.compare(PLAN, as_of="2026-06-30")
    for locale, words in (
        ("en", "National · National AI voucher"),
        ("zh", "全国 · 人工智能券（国家）"),
    ):
        text = comparison.to_text(locale=locale)
        assert text.count(words) == 1, text
        assert text.count(words.rsplit(" · ", 1)[1]) == 1
