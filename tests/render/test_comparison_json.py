"""The published JSON Schemas: every comparison the CLI writes validates against
``aivoucher schema --output comparison``, and every example profile against ``--output
profile``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.cli import main
from aivoucher.render.schema_export import comparison_schema

jsonschema = pytest.importorskip("jsonschema")

PLAN = {
    "applicant": {"kind": "enterprise", "startup": True, "sme": True},
    "purchases": [
        {"item": "compute", "use": "training", "amount": "800万", "signed": "2027-03-01"}
    ],
}


def _schema(capsys: Any, output: str) -> Any:
    assert main(["schema", "--output", output]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_cli_comparison_validates(capsys: Any, tmp_path: Path) -> None:
    validator = _schema(capsys, "comparison")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(PLAN), encoding="utf-8")
    for as_of in ("2025-06-30", "2026-12-07"):
        assert main(["compare", str(path), "--as-of", as_of, "--format", "json"]) == 0
        document = json.loads(capsys.readouterr().out)
        assert len(document["rows"]) > 10
        errors = [e.message for e in validator.iter_errors(document)]
        assert errors == []


@settings(max_examples=15, deadline=None)
@given(
    amount=st.integers(min_value=0, max_value=10**9),
    signed=st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2030, 12, 31)),
    locale=st.sampled_from(["zh", "en"]),
)
def test_every_comparison_validates(amount: int, signed: Any, locale: str) -> None:
    plan = {**PLAN, "purchases": [{**PLAN["purchases"][0], "amount": amount, "signed": signed}]}
    comparison = aivoucher.compare(
        plan, as_of="2026-12-07", places=["shenzhen", "chengdu", "guizhou"]
    )
    validator = jsonschema.Draft202012Validator(comparison_schema())
    document = json.loads(comparison.to_json(locale=locale))
    assert [e.message for e in validator.iter_errors(document)] == []
    # and a forged document does not
    document["rows"][0]["total_high"] = -1
    assert list(validator.iter_errors(document))


def test_example_profiles_validate(capsys: Any) -> None:
    validator = _schema(capsys, "profile")
    for path in sorted((ROOT / "examples" / "profiles").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        profile = aivoucher.load_profile(path).model_dump(mode="json")
        assert [e.message for e in validator.iter_errors(profile)] == [], path
        assert data  # the file itself is not empty
