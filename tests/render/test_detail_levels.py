"""``--detail summary|awards|full``: each level's JSON validates against its schema, each is the
next with keys left out (summary ⊂ awards ⊂ full), the CLI and the API write the same, the text
views nest the same way, and only the whole estimate reads back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.cli import main
from aivoucher.errors import EstimateError, InputError
from aivoucher.render.estimate_json import DOCUMENTS
from aivoucher.render.json import AWARD_KEYS, DETAILS, estimate_to_dict, render_json
from aivoucher.render.schema_export import estimate_schema
from aivoucher.render.text import render_text
from aivoucher.testing import profiles
from aivoucher.vocabulary.result import AssumptionCode, Estimate

QUICKSTART = ROOT / "examples" / "profiles" / "shenzhen-startup.yaml"
AS_OF = "2025-06-30"
VALIDATORS = {level: jsonschema.Draft202012Validator(estimate_schema(level)) for level in DETAILS}
SUMMARY_KEYS = {
    "schema_version",
    "generator",
    "as_of",
    "currency",
    "total_low",
    "total_high",
    "if_renewed_low",
    "if_renewed_high",
    "confidence",
    "checked",
    "uncounted",
    "stacking",
    "missing",
    "assumptions",
    "open_facts",
}


def contained(part: Any, whole: Any) -> bool:
    """Whether ``part`` is ``whole`` with keys left out: a mapping's keys are among the
    other's with contained values, a list's entries are contained in the other's entries in
    order (some left out), anything else is equal."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            k in whole and contained(v, whole[k]) for k, v in part.items()
        )
    if isinstance(part, list):
        if not isinstance(whole, list):
            return False
        rest = iter(whole)
        return all(any(contained(entry, other) for other in rest) for entry in part)
    return type(part) is type(whole) and part == whole


def _levels(est: Estimate, locale: str = "en") -> dict[str, Any]:
    return {level: json.loads(est.to_json(locale=locale, detail=level)) for level in DETAILS}


def _check_levels(est: Estimate, locale: str = "en") -> dict[str, Any]:
    docs = _levels(est, locale)
    for level, doc in docs.items():
        VALIDATORS[level].validate(doc)
        DOCUMENTS[level].model_validate(doc)
    summary, awards, full = docs["summary"], docs["awards"], docs["full"]
    assert set(summary) == SUMMARY_KEYS
    assert set(awards) == SUMMARY_KEYS | {"awards"}
    assert contained(summary, awards) and summary != awards
    assert contained(awards, full) and awards != full
    assert contained(summary, full)
    # awards: exactly the awards that pay or may pay, in the estimate's order, without steps
    paying = [a for a in full["awards"] if a["eligible"] and a["high"] not in (None, "0")]
    assert awards["awards"] == [{k: a[k] for k in AWARD_KEYS} for a in paying]
    # what the totals rest on: the open facts of those awards, and their programs' readings
    assert summary["missing"] == list(dict.fromkeys(f for a in paying for f in a["missing"]))
    readings = [
        {"program": a["program"], "version": a["version"], **r}
        for a in paying
        for r in a["assumptions"]
        if r["subject"] is None and r["code"] != AssumptionCode.MISSING_FACT.value
    ]
    assert summary["assumptions"] == readings
    return docs


def test_the_quickstart_at_each_level() -> None:
    est = aivoucher.estimate(aivoucher.load_profile(QUICKSTART), as_of=AS_OF)
    docs = _check_levels(est)
    summary = docs["summary"]
    assert (summary["total_low"], summary["total_high"]) == ("4800000", "4800000")
    assert "applicant.qualifications.qianhai-firm" in summary["missing"]
    assert {"program": "shenzhen.training-compute", "id": "startup-undefined"}.items() <= next(
        r for r in summary["assumptions"] if r["id"] == "startup-undefined"
    ).items()
    assert [a["program"] for a in docs["awards"]["awards"]] == [
        "shenzhen.basic-research",
        "shenzhen.qianhai-llm-award",
        "shenzhen.training-compute",
    ]
    assert "steps" not in docs["awards"]["awards"][0]
    assert docs["awards"]["awards"][2]["sources"]["measure"]["confidence"] == "copy"
    # full is the default, and what it was
    assert est.to_json() == est.to_json(detail="full") == render_json(est)


@settings(max_examples=15)
@given(
    profiles(), st.dates(dt.date(2023, 6, 1), dt.date(2027, 6, 30)), st.sampled_from(["en", "zh"])
)
def test_each_level_is_the_next_with_keys_left_out(
    profile: aivoucher.Profile, as_of: dt.date, locale: str
) -> None:
    _check_levels(aivoucher.estimate(profile, as_of=as_of), locale)


def test_the_levels_of_a_long_profile_match_the_streamed_document() -> None:
    """Above 1,000 purchases the whole estimate is written as it is made: what the totals rest
    on is gathered on the way, and is what the other levels say."""
    purchase = {"item": "compute", "use": "training", "amount": "10万", "signed": "2025-03-01"}
    data = {
        "applicant": {"kind": "enterprise", "city": "shenzhen"},
        "purchases": [purchase] * 1_001,
    }
    est = aivoucher.estimate(data, as_of=AS_OF)
    streamed = json.loads(render_json(est))
    summary = json.loads(render_json(est, detail="summary"))
    assert {k: streamed[k] for k in SUMMARY_KEYS} == summary
    assert summary["assumptions"] and summary["missing"]
    assert streamed == estimate_to_dict(est)


def test_the_cli_writes_what_the_api_writes(capsys: Any, tmp_path: Path) -> None:
    est = aivoucher.estimate(aivoucher.load_profile(QUICKSTART), as_of=AS_OF)
    narrowing = aivoucher.what_narrows(est)  # the command line writes open_facts
    for level in DETAILS:
        for locale in ("en", "zh"):
            args = ["estimate", str(QUICKSTART), "--as-of", AS_OF, "--format", "json"]
            assert main([*args, "--detail", level, "--locale", locale]) == 0
            out = capsys.readouterr().out
            assert out == est.to_json(locale=locale, detail=level, narrowing=narrowing) + "\n"
            VALIDATORS[level].validate(json.loads(out))
    # --summary is --detail summary, in JSON too
    assert (
        main(["estimate", str(QUICKSTART), "--as-of", AS_OF, "--format", "json", "--summary"]) == 0
    )
    summary = est.to_json(detail="summary", narrowing=narrowing)
    assert capsys.readouterr().out == summary + "\n"
    # the schema each level validates against is the one `aivoucher schema` prints
    for level in DETAILS:
        assert main(["schema", "--output", "estimate", "--detail", level]) == 0
        assert json.loads(capsys.readouterr().out) == estimate_schema(level)


def _text(capsys: Any, *args: str) -> str:
    assert main(["estimate", str(QUICKSTART), "--as-of", AS_OF, *args]) == 0
    return str(capsys.readouterr().out)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_text_levels_nest(capsys: Any, locale: str) -> None:
    summary = _text(capsys, "--detail", "summary", "--locale", locale).splitlines()
    awards = _text(capsys, "--detail", "awards", "--locale", locale).splitlines()
    full = _text(capsys, "--detail", "full", "--locale", locale)
    assert full == _text(capsys, "--locale", locale)  # full is the default view
    # awards is the summary, its closing hint replaced by one line per paying program
    assert awards[: len(summary) - 1] == summary[:-1]
    assert "--detail awards" in summary[-1]
    rows = awards[len(summary) :]
    assert sum(1 for line in rows if "shenzhen." in line and "↳" not in line) == 3
    assert any("↳ [measure]" in line for line in rows)
    # the full view holds what the shorter ones leave out: the steps
    est = aivoucher.estimate(aivoucher.load_profile(QUICKSTART), as_of=AS_OF)
    assert full.startswith(render_text(est, locale, "full").split("\n", 1)[0])
    assert render_text(est, locale, "full") == render_text(est, locale, "concise")
    assert est.to_text(locale=locale, detail="summary") == "\n".join(summary) + "\n"


def test_only_the_whole_estimate_reads_back(capsys: Any, tmp_path: Path) -> None:
    est = aivoucher.estimate(aivoucher.load_profile(QUICKSTART), as_of=AS_OF)
    assert Estimate.from_json(est.to_json(detail="full")) == est
    for level in ("summary", "awards"):
        with pytest.raises(EstimateError) as info:
            Estimate.from_json(est.to_json(detail=level))
        assert info.value.code == "estimate.invalid"
        path = tmp_path / f"{level}.json"
        path.write_text(est.to_json(detail=level), encoding="utf-8")
        assert main(["verify", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err


def test_a_document_written_before_the_top_level_readings_reads_back() -> None:
    est = aivoucher.estimate(aivoucher.load_profile(QUICKSTART), as_of=AS_OF)
    earlier = json.loads(est.to_json())
    del earlier["missing"], earlier["assumptions"]
    assert Estimate.from_json(json.dumps(earlier)) == est
    forged = json.loads(est.to_json())
    forged["missing"] = []
    with pytest.raises(EstimateError) as info:
        Estimate.from_json(json.dumps(forged))
    assert info.value.code == "estimate.inconsistent"


def test_an_unknown_level_is_refused(capsys: Any) -> None:
    est = aivoucher.estimate(aivoucher.load_profile(QUICKSTART), as_of=AS_OF)
    with pytest.raises(InputError) as info:
        est.to_json(detail="everything")  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("input.invalid", "detail")
    with aivoucher.locale("zh"), pytest.raises(InputError) as info:
        est.to_json(detail="everything")  # type: ignore[arg-type]
    assert "summary" in str(info.value) and "未知" in str(info.value)
    bad = [
        ["estimate", str(QUICKSTART), "--detail", "everything", "--format", "json"],
        ["estimate", str(QUICKSTART), "--detail", "summary", "--verbose"],
        ["estimate", str(QUICKSTART), "--detail", "summary", "--format", "csv"],
        ["schema", "--output", "rules", "--detail", "summary"],
    ]
    for args in bad:
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
        if "json" in args:
            assert json.loads(err)["error"]["code"] == "cli.usage"
        else:
            assert err.startswith("error: ")
