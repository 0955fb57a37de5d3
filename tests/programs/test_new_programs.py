"""The programs of the 2026 research round: versions, districts, thresholds, producer awards,
unconfirmed leads behind a switch, unpublished rates, and application windows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import estimate_json

from aivoucher import InputError
from aivoucher.ruleset.registry import bundled_rules

W = Decimal(10_000)

NEW = {
    "xiamen.compute-voucher",
    "zhengzhou.compute-voucher",
    "henan.compute-voucher",
    "qingdao.opc-compute",
    "qingdao.model-voucher",
    "qingdao.corpus-voucher",
    "shenzhen-longhua.compute-voucher",
    "shenzhen-longgang.compute-voucher",
    "baoding.data-intelligence-voucher",
    "wuhu.compute-subsidy",
    "wuhu.data-voucher",
    "zhongshan.compute-voucher",
    "hohhot.ai-vouchers",
    "shanghai-pudong.model-voucher",
    "guangzhou-tianhe.compute-subsidy",
    "langfang.compute-voucher-lead",
    "langfang.settle-in-award-lead",
}


def test_every_new_program_is_listed() -> None:
    ids = {p.id for p in bundled_rules().programs}
    assert ids >= NEW, sorted(NEW - ids)


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


def test_district_programs_in_an_estimate() -> None:
    rules = bundled_rules()
    profile = {
        "applicant": {"kind": "enterprise", "city": "深圳市", "district": "龙华区"},
        "purchases": [
            {"item": "compute", "use": "training", "amount": "500万", "signed": "2025-03-01"}
        ],
    }
    est = rules.estimate(profile, as_of="2025-06-30")
    assert est.award("shenzhen-longhua.compute-voucher").high == 150 * W
    assert est.award("shenzhen-longgang.compute-voucher").eligible is False
    assert "深圳市龙华区" in est.to_text(locale="zh")
    with pytest.raises(InputError):
        rules.estimate({**profile, "applicant": {**profile["applicant"], "district": "秀英区"}})


def test_producer_awards_and_their_qualifications_are_checked() -> None:
    rules = bundled_rules()
    entry = {"item": "model", "role": "producer", "amount": "300万", "signed": "2026-01-15"}
    profile = {
        "applicant": {"kind": "enterprise", "city": "qingdao"},
        "purchases": [{**entry, "qualifications": ["qingdao-model-evaluated"]}],
    }
    est = rules.estimate(profile, as_of="2026-06-30")
    assert est.award("qingdao.model-voucher").high == 100 * W
    # a product is no compute purchase: the buyer-side programs do not pay for it
    assert est.award("qingdao.opc-compute").eligible is False
    with pytest.raises(InputError, match=r"purchases\[0\]\.qualifications"):
        rules.estimate({**profile, "purchases": [{**entry, "qualifications": ["nonsense"]}]})


def test_unconfirmed_lead_only_behind_its_switch() -> None:
    rules = bundled_rules()
    profile = {
        "applicant": {"kind": "enterprise", "city": "langfang"},
        "purchases": [
            {
                "item": "compute",
                "amount": "100万",
                "settled": "100万",
                "signed": "2026-03-01",
                "via_platform": True,
            }
        ],
    }
    ids = ["langfang.compute-voucher-lead"]
    off = rules.estimate(profile, programs=ids, as_of="2026-06-30").awards[0]
    assert off.eligible is False
    on = rules.estimate(profile, programs=ids, as_of="2026-06-30", assume=["langfang-2025-lead"])
    # the major-project qualification is undeclared: 50% or 60%
    assert (on.awards[0].low, on.awards[0].high) == (50 * W, 60 * W)
    lead = {
        **profile,
        "applicant": {**profile["applicant"], "qualifications": ["langfang-major-project-lead"]},
    }
    major = rules.estimate(lead, programs=ids, as_of="2026-06-30", assume=["langfang-2025-lead"])
    assert major.awards[0].high == 60 * W
    big = {
        **lead,
        "purchases": [{**profile["purchases"][0], "amount": "500万", "settled": "500万"}],
    }
    capped = rules.estimate(big, programs=ids, as_of="2026-06-30", assume=["langfang-2025-lead"])
    assert capped.awards[0].high == 100 * W


@pytest.mark.parametrize(
    "program",
    [
        "zhongshan.compute-voucher",
        "hohhot.ai-vouchers",
        "guangzhou-tianhe.compute-subsidy",
        "shanghai-pudong.model-voucher",
    ],
)
def test_unpublished_rates_report_no_amount(program: str) -> None:
    p = next(p for p in bundled_rules().programs if p.id == program)
    assert p.rate.unpublished is not None and not p.rate.tiers


def test_nanning_window_in_text_and_json() -> None:
    profile = {
        "applicant": {"kind": "enterprise", "city": "nanning"},
        "purchases": [
            {
                "item": "compute",
                "amount": "100万",
                "signed": "2025-03-01",
                "start": "2025-03-01",
                "end": "2025-12-31",
                "via_platform": True,
            }
        ],
    }
    rules = bundled_rules()
    during = rules.estimate(profile, programs=["nanning.compute-voucher"], as_of="2026-01-10")
    assert "open now, closes 2026-01-23 (for contracts or usage of 2025)" in during.to_text()
    after = rules.estimate(profile, programs=["nanning.compute-voucher"], as_of="2026-02-01")
    app = estimate_json(after.to_json())["awards"][0]["application"]
    assert app["state"] == "closed" and app["closed_for"] == [2025]
    assert app["payment"].startswith("Paid directly after use")


def test_programs_without_a_window_say_so() -> None:
    profile = {
        "applicant": {"kind": "enterprise", "city": "zhengzhou"},
        "purchases": [{"item": "compute", "amount": "300万", "signed": "2025-03-01"}],
    }
    est = bundled_rules().estimate(
        profile, programs=["zhengzhou.compute-voucher"], as_of="2025-06-30"
    )
    assert "Application: next window unknown" in est.to_text()
    assert "下一申报窗口未公布" in est.to_text(locale="zh")


def test_settle_in_lead_only_behind_its_switch() -> None:
    profile = {
        "applicant": {
            "kind": "enterprise",
            "city": "langfang",
            "qualifications": ["langfang-newly-settled"],
        }
    }
    ids = ["langfang.settle-in-award-lead"]
    rules = bundled_rules()
    assert rules.estimate(profile, programs=ids, as_of="2026-06-30").awards[0].eligible is False
    on = rules.estimate(profile, programs=ids, as_of="2026-06-30", assume=["langfang-2025-lead"])
    assert on.awards[0].high == 50 * W
