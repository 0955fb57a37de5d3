"""Anhui's compute subsidy: an award that relies on a reading lists it (what an example in the
rule file cannot check)."""

from __future__ import annotations

from decimal import Decimal

import aivoucher
from aivoucher.vocabulary.result import AssumptionCode

W = Decimal(10_000)


def test_the_unknown_ceiling_is_listed_in_an_estimate_that_relies_on_it() -> None:
    profile = {
        "applicant": {"kind": "enterprise", "city": "hefei"},
        "purchases": [
            {"item": "compute", "amount": "5亿", "signed": "2025-03-01", "via_platform": True}
        ],
    }
    award = aivoucher.estimate(
        profile, programs=["anhui.compute-subsidy"], as_of="2025-12-31"
    ).awards[0]
    assert award.high == 10_000 * W
    assert "cap-unknown" in {
        a.ambiguity for a in award.assumptions if a.code is AssumptionCode.RULE
    }
