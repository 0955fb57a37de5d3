"""Shanghai's programs: the readings an award relies on are listed with it (what an example in
the rule file cannot check). The figures themselves are examples in rules/shanghai/."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aivoucher
from aivoucher.vocabulary.result import AssumptionCode

W = Decimal(10_000)


def _one(city: str, *purchases: dict[str, Any], **applicant: Any) -> dict[str, Any]:
    return {
        "applicant": {"kind": "enterprise", "city": city, **applicant},
        "purchases": list(purchases),
    }


def test_the_unknown_ceiling_is_listed_in_an_estimate_that_relies_on_it() -> None:
    buy = {"item": "compute", "amount": "5亿", "signed": "2025-08-01", "via_platform": True}
    award = aivoucher.estimate(
        _one("shanghai", buy), programs=["shanghai.compute-voucher"], as_of="2025-12-31"
    ).awards[0]
    assert "cap-unknown" in {
        a.ambiguity for a in award.assumptions if a.code is AssumptionCode.RULE
    }


def test_llm_rent_counts_compute_anywhere_as_a_declared_reading() -> None:
    p = _one("shanghai", {"item": "compute", "use": "training", "amount": "320万",
             "signed": "2024-05-01", "provider_city": "wulanchabu"})  # fmt: skip
    a = aivoucher.estimate(p, programs=["shanghai.llm-rent"], as_of="2024-12-31").awards[0]
    assert a.high == 32 * W  # 10% × 320万
    assert "compute-anywhere" in {x.ambiguity for x in a.assumptions}
