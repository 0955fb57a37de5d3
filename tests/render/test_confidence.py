"""Confidence beside every figure: each award carries the weakest label among the sources its
steps cite, each estimate and comparison row the weakest among its counted awards."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from conftest import SOURCE, profile, rule, write_rule

import aivoucher
from aivoucher.ruleset.registry import load_rules
from aivoucher.vocabulary.result import Estimate
from aivoucher.vocabulary.schema import CONFIDENCE_ORDER


def _rules(tmp_path: Path, cap_confidence: str) -> Any:
    data = rule()
    report = {**copy.deepcopy(SOURCE), "id": "news", "confidence": cap_confidence}
    data["sources"].append(report)
    data["caps"][0]["source"] = "news"
    write_rule(tmp_path / "rules", data)
    return load_rules(tmp_path / "rules")


def test_the_weakest_cited_source_labels_the_award(tmp_path: Path) -> None:
    for level in CONFIDENCE_ORDER:
        rules = _rules(tmp_path / level, level)
        est = aivoucher.estimate(profile(amount="100万"), as_of="2025-06-30", rules=rules)
        award = est.award("shenzhen.test-voucher")
        assert award.confidence == level  # the cap's source is never stronger than official
        assert est.confidence == level
        data = json.loads(est.to_json())
        assert data["confidence"] == data["awards"][0]["confidence"] == level
        assert Estimate.from_json(est.to_json(), rules=rules) == est


def test_documents_written_before_confidence_still_read_back(tmp_path: Path) -> None:
    rules = _rules(tmp_path, "report")
    est = aivoucher.estimate(profile(amount="100万"), as_of="2025-06-30", rules=rules)
    data = json.loads(est.to_json())
    del data["confidence"]
    for award in data["awards"]:
        del award["confidence"]
    assert Estimate.from_json(json.dumps(data, ensure_ascii=False), rules=rules) == est


def test_an_estimate_that_counts_nothing_has_no_confidence(tmp_path: Path) -> None:
    rules = _rules(tmp_path, "report")
    est = aivoucher.estimate(
        profile(amount="100万", city="chengdu"), as_of="2025-06-30", rules=rules
    )
    assert est.confidence is None


def test_the_views_show_it_beside_the_money(tmp_path: Path) -> None:
    rules = _rules(tmp_path, "seed")
    est = aivoucher.estimate(profile(amount="100万"), as_of="2025-06-30", rules=rules)
    assert "sources: seed article only" in est.to_text()
    assert "依据：仅见于种子报道" in est.to_text(locale="zh")


def test_bundled_seed_only_figures_are_labelled_so() -> None:
    plan = {
        "applicant": {"kind": "enterprise", "sme": True},
        "purchases": [{"item": "compute", "amount": "800万", "signed": "2025-05-01"}],
    }
    row = aivoucher.compare(plan, as_of="2025-12-31", places=["wuhan"]).row("wuhan")
    assert row.estimate.confidence == "seed"  # Wuhan's rate stands in the seed article only
    document = json.loads(aivoucher.compare(plan, as_of="2025-12-31", places=["wuhan"]).to_json())
    assert document["rows"][0]["confidence"] == "seed"
