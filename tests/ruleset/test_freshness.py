"""Freshness: an estimate says when the texts behind its total were last checked, and the
catalogue flags a program whose last known version has ended."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from conftest import estimate_json, rule, write_rule

import aivoucher
from aivoucher.cli import main
from aivoucher.ruleset.registry import load_rules
from aivoucher.vocabulary.result import Estimate

PROFILE = {
    "applicant": {"kind": "enterprise", "city": "shenzhen"},
    "purchases": [{"item": "compute", "amount": "100万", "signed": "2025-03-01"}],
}


def _rules(tmp_path: Path, checked: list[str | None]) -> Any:
    for index, date in enumerate(checked):
        data = rule(id=f"shenzhen.test-{index}")
        if date is not None:
            data["checked"] = date
        write_rule(tmp_path / "rules", data)
    return load_rules(tmp_path / "rules")


def test_the_oldest_check_among_paying_programs(tmp_path: Path) -> None:
    rules = _rules(tmp_path, ["2026-12-07", "2025-04-01", None])
    est = aivoucher.estimate(PROFILE, as_of="2025-06-30", rules=rules)
    assert est.checked == dt.date(2025, 4, 1)
    assert est.unchecked == ("shenzhen.test-2",)
    text = est.to_text()
    assert "2025-04-01" in text and "shenzhen.test-2" in text
    assert "2025-04-01" in est.to_text(locale="zh")
    data = json.loads(est.to_json())
    assert data["checked"] == {"oldest": "2025-04-01", "unrecorded": ["shenzhen.test-2"]}
    assert Estimate.from_json(est.to_json(), rules=rules) == est
    del data["checked"]  # as an earlier version wrote it
    assert Estimate.from_json(json.dumps(data, ensure_ascii=False), rules=rules) == est


def test_programs_that_pay_nothing_do_not_count(tmp_path: Path) -> None:
    rules = _rules(tmp_path, ["2024-01-01"])
    elsewhere = {**PROFILE, "applicant": {"kind": "enterprise", "city": "chengdu"}}
    est = aivoucher.estimate(elsewhere, as_of="2025-06-30", rules=rules)
    assert (est.checked, est.unchecked) == (None, ())
    assert estimate_json(est.to_json())["checked"] == {"oldest": None, "unrecorded": []}


def test_the_catalogue_flags_an_ended_program(capsys: Any) -> None:
    def rows(as_of: str) -> dict[str, Any]:
        assert main(["programs", "--city", "shenzhen", "--format", "json", "--as-of", as_of]) == 0
        return {r["id"]: r for r in json.loads(capsys.readouterr().out)["programs"]}

    before, after = rows("2026-06-30"), rows("2027-01-01")
    key = "shenzhen.training-compute"  # its measure ends on 2026-12-17
    assert (before[key]["ended"], after[key]["ended"]) == (False, True)
    assert after[key]["checked"] == "2026-12-07"
    assert main(["programs", "--city", "shenzhen", "--as-of", "2027-01-01"]) == 0
    assert "ended, no renewal or new version known" in capsys.readouterr().out
    assert main(["programs", "--as-of", "someday"]) == 2
    assert "someday" in capsys.readouterr().err


def test_the_files_read_in_december_2026_record_the_day() -> None:
    # the programs found, the Guizhou versions and the readings changed on 2026-12-07
    programs = {p.key: p for p in aivoucher.bundled_rules().programs}
    touched = [
        "beijing.etdz-compute-voucher",
        "shenzhen-guangming.compute-voucher",
        "jiaxing-tongxiang.ai-application",
        "shanghai-chongming.digital-rnd",
        "shenzhen.qianhai-llm-award",
        "datong.dataset-award",
        "datong.dataset-typical-case",
        "suzhou.dataset-producer",
        "suzhou.corpus-platform",
        "fujian.vertical-model",
        "fujian.compute-purchase",
        "kunming.compute-centre-award",
        "xiamen.ai-rnd",
        "chongqing.compute-voucher",
        "heilongjiang.compute-reward",
        "inner-mongolia.data-ai-policy",
        "shandong.model-corpus-vouchers",
        "guizhou.compute-voucher",
        "guizhou.compute-voucher@2024",
    ]
    touched += ["shenzhen.training-compute", "wuhan.compute-voucher", "hangzhou.compute-voucher"]
    touched += ["beijing.compute-voucher", "zhengzhou.compute-voucher", "shanghai.llm-rent"]
    for key in touched:
        assert programs[key].checked == dt.date(2026, 12, 7), key
