"""Xiamen's compute voucher: the 2024 text supersedes the 2023 one for purchases signed under
it (each version's figures alone are examples in rules/xiamen/)."""

from __future__ import annotations

from decimal import Decimal

from aivoucher.ruleset.registry import bundled_rules

W = Decimal(10_000)


def _xiamen(as_of: str) -> tuple[Decimal | None, str | None]:
    profile = {
        "applicant": {"kind": "enterprise", "city": "厦门"},
        "purchases": [{"item": "compute", "amount": "20万", "settled": "20万", "signed": as_of}],
    }
    award = bundled_rules().estimate(profile, programs=["xiamen.compute-voucher"], as_of=as_of)
    a = award.awards[0]
    return a.high, a.program.version


def test_xiamen_2024_supersedes_2023() -> None:
    # 20万 in a year: below the 2023 threshold (30万), above the 2024 one (5万)
    assert _xiamen("2024-03-01") == (0, "2023")
    assert _xiamen("2025-03-01") == (10 * W, None)
