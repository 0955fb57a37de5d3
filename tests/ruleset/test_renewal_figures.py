"""Renewal beside every figure: each estimate and comparison row carries what counts under the
rules in force and what it would be if each program that has ended were renewed as last known."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from conftest import estimate_json
from hypothesis import given, settings

import aivoucher
from aivoucher.cli import main
from aivoucher.errors import EstimateError
from aivoucher.testing import profiles
from aivoucher.vocabulary.result import Estimate

W = Decimal(10_000)
AS_OF = "2026-12-07"  # Shenzhen's 训力券 ends on 2026-12-17
PLAN_2027 = {
    "applicant": {"kind": "enterprise", "city": "shenzhen", "startup": True, "sme": True},
    "purchases": [
        {"item": "compute", "use": "training", "amount": "800万", "signed": "2027-03-01"}
    ],
}


def test_a_contract_after_the_end_counts_only_if_renewed() -> None:
    est = aivoucher.estimate(PLAN_2027, as_of=AS_OF, programs=["shenzhen.training-compute"])
    assert (est.total_low, est.total_high) == (0, 0)
    assert est.if_renewed == (480 * W, 480 * W)  # 60% for a start-up, as the measure says
    renewed = aivoucher.estimate(
        PLAN_2027, as_of=AS_OF, programs=["shenzhen.training-compute"], assume_renewal=True
    )
    assert est.if_renewed == (renewed.total_low, renewed.total_high)
    assert renewed.if_renewed == (renewed.total_low, renewed.total_high)


def test_the_json_carries_both_and_reads_back() -> None:
    est = aivoucher.estimate(PLAN_2027, as_of=AS_OF)
    data = estimate_json(est.to_json())
    assert Decimal(data["if_renewed_high"]) == est.if_renewed[1] > est.total_high
    assert Estimate.from_json(est.to_json()) == est
    data["if_renewed_high"] = str(est.if_renewed[1] + 1)
    with pytest.raises(EstimateError) as caught:
        Estimate.from_json(json.dumps(data, ensure_ascii=False))
    assert caught.value.field == "if_renewed_high"
    del data["if_renewed_high"], data["if_renewed_low"]  # as an earlier version wrote it
    assert Estimate.from_json(json.dumps(data, ensure_ascii=False)) == est


def test_each_comparison_row_carries_both(capsys: Any, tmp_path: Any) -> None:
    plan = {**PLAN_2027, "applicant": {"kind": "enterprise", "startup": True, "sme": True}}
    comparison = aivoucher.compare(plan, as_of=AS_OF, places=["shenzhen", "chengdu"])
    row = comparison.row("shenzhen")
    assert row.total_high < row.if_renewed_high
    assert (row.if_renewed_low, row.if_renewed_high) == row.estimate.if_renewed
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    assert (
        main(["compare", str(path), "--as-of", AS_OF, "--places", "shenzhen", "--format", "json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert Decimal(out["rows"][0]["if_renewed_high"]) == row.if_renewed_high
    assert main(["compare", str(path), "--as-of", AS_OF, "--places", "shenzhen"]) == 0
    assert "if renewed" in capsys.readouterr().out


@pytest.mark.parametrize(("locale", "words"), [("en", "renewed as last known"), ("zh", "续期")])
def test_the_headline_says_what_a_renewal_would_add(locale: str, words: str) -> None:
    est = aivoucher.estimate(PLAN_2027, as_of=AS_OF)
    for view in (est.to_text(locale=locale), est.to_html(locale=locale)):
        assert words in view
        # the headline (the total's line, last in the text view) names the figure
        assert any("480万" in after[:120] for after in view.split(words)[1:])
    unaffected = aivoucher.estimate(
        {**PLAN_2027, "purchases": [{**PLAN_2027["purchases"][0], "signed": "2025-03-01"}]},
        as_of="2025-06-30",
    )
    assert words not in unaffected.to_text(locale=locale)


@settings(max_examples=40, deadline=None)
@given(profiles())
def test_if_renewed_is_the_estimate_with_renewal_assumed(profile: Any) -> None:
    est = aivoucher.estimate(profile, as_of=AS_OF)
    renewed = aivoucher.estimate(profile, as_of=AS_OF, assume_renewal=True)
    assert est.if_renewed == (renewed.total_low, renewed.total_high)
    if not any(a.renewal for a in est.awards):
        assert est.if_renewed == (est.total_low, est.total_high)
