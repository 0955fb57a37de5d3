"""Hangzhou's compute and smart vouchers together: the stacking ceiling on a purchase both pay
for (one program's example cannot hold two programs)."""

from __future__ import annotations

from decimal import Decimal

import aivoucher

W = Decimal(10_000)


def test_hangzhou_stacking_ceiling_is_60_or_30_percent() -> None:
    # domestic compute: 算力券 30% (30万) + 智能券 10%–30% (10万–30万) on 100万; the combined
    # ceiling is 60% or 30% by a pairing the text does not state: 30万 to 60万
    buy = {"item": "compute", "amount": "100万", "signed": "2025-07-01", "chip_origin": "domestic"}
    est = aivoucher.estimate(
        {"applicant": {"kind": "enterprise", "city": "hangzhou", "sme": False}, "purchases": [buy]},
        programs=["hangzhou.compute-voucher", "hangzhou.smart-voucher"],
        as_of="2025-12-31",
    )
    assert (est.total_low, est.total_high) == (30 * W, 60 * W)
