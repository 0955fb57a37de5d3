"""Shenzhen's programs: the basic-research measures end on their last day, and the district
programs (龙华区, 龙岗区) answer in one estimate with the city's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import aivoucher
from aivoucher import InputError
from aivoucher.ruleset.registry import bundled_rules

W = Decimal(10_000)


def test_shenzhen_basic_research_ends_with_its_measures() -> None:
    firm = {"applicant": {"kind": "enterprise", "city": "shenzhen"}, "purchases": []}
    kw: dict[str, Any] = {"programs": ["shenzhen.basic-research"]}
    assert aivoucher.estimate(firm, as_of="2026-12-17", **kw).awards[0].eligible
    assert not aivoucher.estimate(firm, as_of="2026-12-18", **kw).awards[0].eligible


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
