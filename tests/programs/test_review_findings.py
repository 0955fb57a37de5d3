"""The readings corrected after the review of the bundled rule files (review 2026-11, D-1…D-22):
each test states the text's figure and checks what the estimate says."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aivoucher
from aivoucher.vocabulary.result import AssumptionCode

W = Decimal(10_000)


def one(city: str, *purchases: dict[str, Any], **applicant: Any) -> dict[str, Any]:
    return {
        "applicant": {"kind": "enterprise", "city": city, **applicant},
        "purchases": list(purchases),
    }


def rules_assumed(award: Any) -> set[str]:
    return {a.ambiguity for a in award.assumptions if a.code is AssumptionCode.RULE}


def test_shanghai_pays_100_percent_for_one_year_of_rent_at_most() -> None:
    rent = {"item": "compute", "amount": "2400万", "signed": "2025-08-15"}
    dated = {**rent, "start": "2025-09-01", "end": "2028-09-01"}
    est = aivoucher.estimate(
        one("shanghai", dated),
        programs=["shanghai.compute-voucher"],
        as_of="2025-12-31",
        assume=["shanghai-early-small"],
    )
    award = est.awards[0]
    # 365 of 1096 days at 100%, 731 at the city's 30%: far below the whole 2400万
    assert award.high == Decimal("12794890.51") < 2400 * W
    undated = aivoucher.estimate(
        one("shanghai", rent),
        programs=["shanghai.compute-voucher"],
        as_of="2025-12-31",
        assume=["shanghai-early-small"],
    ).awards[0]
    assert (undated.low, undated.high) == (720 * W, 2400 * W)
    assert "purchases[0].start/end" in undated.missing


def test_unknown_ceilings_are_listed_in_every_estimate_that_relies_on_them() -> None:
    buy = {"item": "compute", "amount": "5亿", "signed": "2025-03-01", "via_platform": True}
    anhui = aivoucher.estimate(
        one("hefei", buy), programs=["anhui.compute-subsidy"], as_of="2025-12-31"
    ).awards[0]
    assert anhui.high == 10_000 * W
    assert "cap-unknown" in rules_assumed(anhui)
    shanghai = aivoucher.estimate(
        one("shanghai", {**buy, "signed": "2025-08-01"}),
        programs=["shanghai.compute-voucher"],
        as_of="2025-12-31",
    ).awards[0]
    assert "cap-unknown" in rules_assumed(shanghai)


def test_chengdu_final_text_switch_lifts_foreign_compute_to_60_percent() -> None:
    buy = {
        "item": "compute",
        "amount": "400万",
        "signed": "2025-10-01",
        "chip_origin": "foreign",
    }
    kw: dict[str, Any] = {"programs": ["chengdu.compute-voucher"], "as_of": "2025-12-31"}
    seed = aivoucher.estimate(one("chengdu", buy), **kw).awards[0]
    assert (seed.low, seed.high) == (120 * W, 160 * W)
    final = aivoucher.estimate(one("chengdu", buy), assume=["chengdu-final-60"], **kw)
    assert final.awards[0].high == 240 * W


def test_a_draft_only_award_never_pays() -> None:
    est = aivoucher.estimate(one("chengdu"), as_of="2025-06-30")
    assert all(a.program.id != "chengdu.top100-award" or not a.eligible for a in est.awards)


def test_unknown_provider_city_is_a_range_kept_out_of_the_totals() -> None:
    buy = {"item": "compute", "amount": "100万", "signed": "2024-04-01"}
    est = aivoucher.estimate(
        one("shanghai", buy), programs=["qingyang.compute-voucher"], as_of="2024-12-31"
    )
    award = est.awards[0]
    assert award.eligible and (award.low, award.high) == (0, 30 * W)
    assert "purchases[0].provider_city" in award.missing
    assert est.uncounted == ("qingyang.compute-voucher",)
    assert est.total_high == 0
    stated = aivoucher.estimate(
        one("shanghai", {**buy, "provider_city": "qingyang"}),
        programs=["qingyang.compute-voucher"],
        as_of="2024-12-31",
    )
    assert stated.total_high == 30 * W and not stated.uncounted


def test_wuhan_opc_support_is_a_three_year_period() -> None:
    years = [
        {"item": "compute", "amount": "50万", "signed": f"{y}-03-01"}
        for y in (2026, 2028, 2029, 2030)
    ]
    est = aivoucher.estimate(
        one("wuhan", *years, opc=True), programs=["wuhan.opc-compute"], as_of="2026-06-30"
    )
    assert est.awards[0].high == 40 * W  # 2026 and 2028; 2029 is past 2026–2028


def test_hangzhou_stacking_ceiling_is_60_or_30_percent() -> None:
    # domestic compute: 算力券 30% (30万) + 智能券 10%–30% (10万–30万) on 100万; the combined
    # ceiling is 60% or 30% by a pairing the text does not state: 30万 to 60万
    buy = {"item": "compute", "amount": "100万", "signed": "2025-07-01", "chip_origin": "domestic"}
    est = aivoucher.estimate(
        one("hangzhou", buy, sme=False),
        programs=["hangzhou.compute-voucher", "hangzhou.smart-voucher"],
        as_of="2025-12-31",
    )
    assert (est.total_low, est.total_high) == (30 * W, 60 * W)


def test_shenzhen_basic_research_ends_with_its_measures() -> None:
    kw: dict[str, Any] = {"programs": ["shenzhen.basic-research"]}
    assert aivoucher.estimate(one("shenzhen"), as_of="2026-12-17", **kw).awards[0].eligible
    assert not aivoucher.estimate(one("shenzhen"), as_of="2026-12-18", **kw).awards[0].eligible
