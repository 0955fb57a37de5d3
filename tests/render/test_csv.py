"""``--format csv``: an estimate as one row per award, a comparison as one row per place; exact
amounts, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import ROOT, profile, rule, write_rule

import aivoucher
from aivoucher.cli import main
from aivoucher.render.csv_rows import COMPARISON_COLUMNS, ESTIMATE_COLUMNS, estimate_csv

QUICKSTART = ROOT / "examples" / "profiles" / "shenzhen-startup.yaml"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_an_estimate_is_one_row_per_award(capsys: Any) -> None:
    args = ["estimate", str(QUICKSTART), "--as-of", "2025-06-30"]
    assert main([*args, "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == ",".join(ESTIMATE_COLUMNS)
    rows = _rows(text)
    assert main([*args, "--format", "json"]) == 0
    awards = json.loads(capsys.readouterr().out)["awards"]
    assert [r["program"] for r in rows] == [a["program"] for a in awards]
    paying = next(r for r in rows if r["program"] == "shenzhen.training-compute")
    assert (Decimal(paying["low"]), Decimal(paying["high"])) == (Decimal(4_800_000),) * 2
    assert (
        paying["counted"] == "true" and "深圳市打造人工智能先锋城市的若干措施" in paying["sources"]
    )


def test_a_comparison_is_one_row_per_place(capsys: Any, tmp_path: Path) -> None:
    plan = {
        "applicant": {"kind": "enterprise", "startup": True},
        "purchases": [
            {"item": "compute", "use": "training", "amount": "800万", "signed": "2027-03-01"}
        ],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    args = ["compare", str(path), "--as-of", "2026-12-07", "--places", "shenzhen,chengdu"]
    assert main([*args, "--format", "csv", "--locale", "zh"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == ",".join(COMPARISON_COLUMNS)
    rows = {r["place"]: r for r in _rows(text)}
    assert rows["shenzhen"]["name"] == "深圳市"
    assert (rows["shenzhen"]["total_high"], rows["shenzhen"]["if_renewed_high"]) == ("0", "4800000")


def test_no_cell_becomes_a_formula(tmp_path: Path) -> None:
    data = rule()
    data["name"] = {"zh": '=HYPERLINK("x")', "en": "+1+cmd|' /C calc'!A0"}
    write_rule(tmp_path / "rules", data)
    rules = aivoucher.load_rules(tmp_path / "rules")
    est = aivoucher.estimate(profile(amount="100万"), as_of="2025-06-30", rules=rules)
    for locale in ("zh", "en"):
        (row,) = _rows(estimate_csv(est, locale))
        assert row["name"][0] == "'" and row["name"][1] in "=+"
