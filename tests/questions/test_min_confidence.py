"""compare(min_confidence=…): ranking only on awards whose sources are at least that strong,
saying what was left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.cli import main
from aivoucher.errors import InputError
from aivoucher.evaluate.stacking import counted
from aivoucher.render.comparison_json import ComparisonDocument
from aivoucher.vocabulary.schema import CONFIDENCE_ORDER

AS_OF = "2026-12-07"
PLAN = {
    "applicant": {"kind": "enterprise", "startup": True, "sme": True},
    "purchases": [
        {
            "item": "compute",
            "use": "training",
            "amount": "800万",
            "signed": "2026-03-15",
            "chip_origin": "domestic",
        }
    ],
}
PLACES = ["chengdu", "shenzhen", "hangzhou", "wuhan", "zhangzhou", "shanghai", "zhengzhou"]


@settings(max_examples=20, deadline=None)
@given(
    st.sampled_from(CONFIDENCE_ORDER),
    st.sets(st.sampled_from(PLACES), min_size=1, max_size=4),
)
def test_rows_keep_the_strong_awards_and_list_the_others(label: str, places: set[str]) -> None:
    full = aivoucher.compare(PLAN, as_of=AS_OF, places=sorted(places))
    strong = aivoucher.compare(PLAN, as_of=AS_OF, places=sorted(places), min_confidence=label)
    limit = CONFIDENCE_ORDER.index(label)
    assert strong.min_confidence == label
    for row in strong.rows:
        whole = full.row(row.place.id)
        assert row.estimate == whole.estimate  # the estimate itself stays whole
        assert row.total_low <= whole.total_low and row.total_high <= whole.total_high
        for award in row.left_out:
            assert award.confidence is not None
            assert CONFIDENCE_ORDER.index(award.confidence) > limit
        for award in row.awards:
            if award.confidence is not None:
                assert CONFIDENCE_ORDER.index(award.confidence) <= limit
        kept = {a.program.key for a in row.awards if counted(a)}
        dropped = {a.program.key for a in row.left_out}
        assert not kept & dropped
        if not row.left_out:
            assert (row.total_low, row.total_high) == (whole.total_low, whole.total_high)
        if row.confidence is not None:
            assert CONFIDENCE_ORDER.index(row.confidence) <= limit
    # ranked on the kept totals
    keys = [(-r.total_high, -r.total_low, r.place.id) for r in strong.rows]
    assert keys == sorted(keys)


def test_seed_keeps_everything() -> None:
    full = aivoucher.compare(PLAN, as_of=AS_OF, places=PLACES)
    weakest = aivoucher.compare(PLAN, as_of=AS_OF, places=PLACES, min_confidence="seed")
    assert [(r.place.id, r.total_low, r.total_high) for r in weakest.rows] == [
        (r.place.id, r.total_low, r.total_high) for r in full.rows
    ]
    assert not any(r.left_out for r in weakest.rows)


def test_chengdu_rests_on_a_seed_article_and_drops_out() -> None:
    strong = aivoucher.compare(PLAN, as_of=AS_OF, places=PLACES, min_confidence="copy")
    chengdu = strong.row("chengdu")
    assert chengdu.total_high == 0
    assert [a.program.key for a in chengdu.left_out] == ["chengdu.compute-voucher"]
    text = strong.to_text()
    assert "left out for weaker sources" in text and "copy of the official text" in text
    assert "因来源较弱未计入" in strong.to_text(locale="zh")


@pytest.mark.parametrize("label", ["strong", "", "OFFICIAL", 3])
def test_an_unknown_label_is_refused(label: object) -> None:
    with pytest.raises(InputError) as caught:
        aivoucher.compare(PLAN, as_of=AS_OF, places=["chengdu"], min_confidence=label)  # type: ignore[arg-type]
    assert caught.value.field == "min_confidence"


def test_the_cli_and_the_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN), encoding="utf-8")
    args = ["compare", str(plan), "--as-of", AS_OF, "--places", ",".join(PLACES)]
    assert main([*args, "--min-confidence", "copy", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    ComparisonDocument.model_validate(doc)
    assert doc["min_confidence"] == "copy"
    chengdu = next(r for r in doc["rows"] if r["place"] == "chengdu")
    assert [a["program"] for a in chengdu["left_out"]] == ["chengdu.compute-voucher"]
    assert main([*args, "--format", "json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert plain["min_confidence"] is None
    assert all(r["left_out"] == [] for r in plain["rows"])
    assert main([*args, "--min-confidence", "strong"]) == 2
    assert (
        main(["report", str(plan), "--min-confidence", "copy", "-o", str(tmp_path / "r.html")]) == 2
    )
    err = capsys.readouterr().err
    assert "Traceback" not in err
