"""open_facts in the estimate JSON (schema_version 3): what each open fact's answers give,
ranked as what_narrows ranks them, written by the command line, checked when read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import aivoucher
from aivoucher.cli import main
from aivoucher.errors import EstimateError
from aivoucher.render.estimate_json import EstimateDocument
from aivoucher.render.json import open_facts_doc
from aivoucher.testing import profiles
from aivoucher.vocabulary.profile import Profile

AS_OF = "2026-06-30"
START_UP = {
    "applicant": {"kind": "enterprise", "city": "shenzhen", "sme": True, "startup": True},
    "purchases": [
        {
            "id": "gpu-2026",
            "item": "compute",
            "use": "training",
            "amount": "800万",
            "signed": "2026-03-15",
            "chip_origin": "domestic",
        }
    ],
}


def _cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> Any:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(START_UP, ensure_ascii=False), encoding="utf-8")
    assert main(["estimate", str(path), "--as-of", AS_OF, "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_shenzhen_start_up_learns_the_district_and_the_providers_city(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _cli_json(tmp_path, capsys)
    assert doc["schema_version"] == 3
    EstimateDocument.model_validate(doc)
    fields = [f["field"] for f in doc["open_facts"]]
    assert "applicant.district" in fields and "purchases[0].provider_city" in fields
    district = next(f for f in doc["open_facts"] if f["field"] == "applicant.district")
    assert district["label"] == {"zh": "注册地所在区（县）", "en": "registered district"}
    assert district["adds"] is True
    totals = {a["value"]: a["total_high"] for a in district["answers"]}
    assert totals["shenzhen-longhua"] == "7200000"  # 480万 and Longhua's 240万
    assert any(a["other"] for a in district["answers"])
    # ranked as what_narrows ranks them
    est = aivoucher.estimate(START_UP, as_of=AS_OF)
    assert doc["open_facts"] == open_facts_doc(aivoucher.what_narrows(est))
    summary = _cli_json(tmp_path, capsys, "--detail", "summary")
    assert summary["open_facts"] == doc["open_facts"]


def test_the_library_writes_null_unless_asked(tmp_path: Path) -> None:
    est = aivoucher.estimate(START_UP, as_of=AS_OF)
    assert json.loads(est.to_json())["open_facts"] is None
    asked = json.loads(est.to_json(narrowing=aivoucher.what_narrows(est)))
    assert asked["open_facts"]
    assert aivoucher.Estimate.from_json(json.dumps(asked)) == est


def test_open_facts_are_checked_when_read_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _cli_json(tmp_path, capsys)
    doc["open_facts"][0]["answers"][0]["total_high"] = "1"
    with pytest.raises(EstimateError) as caught:
        aivoucher.Estimate.from_json(json.dumps(doc))
    assert caught.value.code in ("estimate.inconsistent", "estimate.bounds")
    assert "open_facts" in (caught.value.field or "")


def test_a_version_2_document_still_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _cli_json(tmp_path, capsys)
    del doc["open_facts"]
    doc["schema_version"] = 2
    est = aivoucher.Estimate.from_json(json.dumps(doc))
    assert est.total_high == aivoucher.estimate(START_UP, as_of=AS_OF).total_high
    doc["schema_version"] = 4
    with pytest.raises(EstimateError) as caught:
        aivoucher.Estimate.from_json(json.dumps(doc))
    assert caught.value.code == "estimate.schema_version"


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(max_purchases=2))
def test_any_estimate_with_its_open_facts_reads_back(profile: Profile) -> None:
    est = aivoucher.estimate(profile, as_of=AS_OF)
    text = est.to_json(narrowing=aivoucher.what_narrows(est))
    EstimateDocument.model_validate_json(text)
    assert aivoucher.Estimate.from_json(text) == est
