"""The command line: success paths, the JSON contract, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, estimate_json, rule, write_rule

from aivoucher.cli import main

SHENZHEN = """
applicant: {kind: enterprise, city: shenzhen, startup: true}
purchases:
  - {id: gpu-2025, item: compute, use: training, amount: 800万, signed: 2025-03-01}
"""
CHENGDU = """
applicant: {kind: enterprise, city: chengdu}
purchases:
  - {id: domestic, item: compute, amount: 600万, signed: 2025-09-15, chip_origin: domestic}
  - {id: foreign, item: compute, amount: 400万, signed: 2025-10-01, chip_origin: foreign}
"""

PURCHASE = (
    "applicant: {{kind: enterprise, city: shenzhen}}\npurchases:\n"
    "  - {{item: compute, amount: {amount}, signed: {signed}}}\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_shenzhen_startup_gets_480wan_with_steps_and_sources(capsys: Any, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "estimate", write(tmp_path, SHENZHEN), "--as-of", "2025-06-30")
    assert code == 0
    assert "480万" in out
    assert "shenzhen.training-compute" in out
    assert "对初创企业提高资助比例至60%" in out  # the rate's source wording
    assert "深圳市打造人工智能先锋城市的若干措施" in out
    code, out, _ = run(
        capsys, "estimate", write(tmp_path, SHENZHEN), "--as-of", "2025-06-30", "--locale", "zh"
    )
    assert "480万（¥4,800,000.00）" in out


def test_chengdu_range_names_the_cap(capsys: Any, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "estimate", write(tmp_path, CHENGDU), "--as-of", "2025-12-31")
    assert code == 0
    assert "420万–500万" in out
    assert "cap per applicant per calendar year" in out
    assert "每家算力需求方每年累計可領取最高500萬元算力券" in out


def test_json_contract(capsys: Any, tmp_path: Path) -> None:
    code, out, _ = run(
        capsys, "estimate", write(tmp_path, CHENGDU), "--as-of", "2025-12-31", "--format", "json"
    )
    assert code == 0
    data = estimate_json(out)
    assert data["as_of"] == "2025-12-31"
    assert data["currency"] == "CNY"
    award = next(a for a in data["awards"] if a["program"] == "chengdu.compute-voucher")
    assert award["eligible"] is True
    assert (Decimal(award["low"]), Decimal(award["high"])) == (
        Decimal(4_200_000),
        Decimal(5_000_000),
    )
    assert (award["low"], award["high"]) == ("4200000", "5000000")
    assert isinstance(award["reasons"], list) and isinstance(award["assumptions"], list)
    caps = [s for s in award["steps"] if s["kind"] == "cap"]
    assert caps[0]["detail"]["binding"] is True
    assert caps[0]["sources"][0]["quote"].startswith("每家算力需求方")
    assert award["sources"][caps[0]["sources"][0]["id"]]["url"].startswith("http")
    assert data["total_low"] == "4200000"  # Chengdu pays; no other city's programs apply
    for other in data["awards"]:
        if other["program"].startswith("chengdu.") or other["eligible"] is not False:
            continue
        assert other["low"] == other["high"] == "0"
        assert other["reasons"]


def test_json_unpublished_and_all(capsys: Any, tmp_path: Path) -> None:
    code, out, _ = run(
        capsys,
        "estimate",
        write(tmp_path, CHENGDU),
        "--as-of",
        "2025-12-31",
        "--format",
        "json",
        "--all",
    )
    assert code == 0
    data = estimate_json(out)
    draft = next(a for a in data["awards"] if a["version"] == "2025-04-draft")
    assert draft["eligible"] is False and draft["low"] == "0"
    reason = draft["reasons"][0]
    assert reason["code"] == "not_in_force" and "not in force" in reason["text"]
    assert (reason["detail"], reason["actual"]) == ("draft", "2025-12-31")


def test_programs_show_and_check(capsys: Any) -> None:
    code, out, _ = run(capsys, "programs")
    assert code == 0 and "dongguan.compute-voucher" in out
    code, out, _ = run(capsys, "programs", "--city", "成都", "--format", "json")
    rows = json.loads(out)["programs"]
    assert rows and all(r["jurisdiction"] == "chengdu" for r in rows)
    code, out, _ = run(capsys, "show", "shenzhen.model-voucher")
    assert code == 0 and "原则上不超过100万元" in out and "cap-range" in out
    code, out, _ = run(capsys, "show", "chengdu.scenario-award", "--locale", "zh")
    assert "征求意见稿" in out
    code, out, _ = run(capsys, "check")
    assert code == 0 and "0 failed" in out


def test_check_a_users_directory(capsys: Any, tmp_path: Path) -> None:
    data = rule()
    data["examples"][0]["expect"] = {"amount": "49万"}  # wrong on purpose
    write_rule(tmp_path, data)
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == 1
    assert "FAIL" in out and "expected 490000, got 500000" in out
    bad = tmp_path / "shenzhen" / "broken.yaml"
    bad.write_text("id: [\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == 1 and f"error: {bad}:" in out


def test_estimate_with_a_users_rules(capsys: Any, tmp_path: Path, rules_dir: Path) -> None:
    profile = write(
        tmp_path,
        yaml.safe_dump(
            {
                "applicant": {"kind": "enterprise", "city": "shenzhen"},
                "purchases": [{"item": "compute", "amount": "10万", "signed": "2025-01-01"}],
            }
        ),
    )
    code, out, _ = run(
        capsys,
        "--rules",
        str(rules_dir),
        "estimate",
        profile,
        "--as-of",
        "2025-06-30",
        "--format",
        "json",
    )
    assert code == 0
    assert [a["program"] for a in estimate_json(out)["awards"]] == ["shenzhen.test-voucher"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("applicant: {kind: enterprise, city: gotham}\n", "applicant.city: unknown city 'gotham'"),
        (
            PURCHASE.format(amount="12 bananas", signed="2025-01-01"),
            ":3: purchases[0].amount: not an amount",
        ),
        (
            PURCHASE.format(amount="1e400", signed="2025-01-01"),
            "not an amount",
        ),
        (
            PURCHASE.format(amount="10万", signed="2025-02-30"),
            "no such date: '2025-02-30'",
        ),
        ("applicant: [\n", "malformed YAML"),
        ("a: &x 1\nb: *x\n", "anchors"),
        ("applicant: !!python/object/apply:os.system ['true']\n", "not allowed"),
        ("", "a profile must be a mapping"),
    ],
)
def test_bad_profiles_give_one_line_and_exit_2(
    capsys: Any, tmp_path: Path, text: str, needle: str
) -> None:
    code, out, err = run(capsys, "estimate", write(tmp_path, text))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert needle in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["estimate", "missing.yaml"],
        ["estimate", "x.yaml", "--as-of", "2025-13-01"],
        ["estimate", "x.yaml", "--locale", "fr"],
        ["show", "atlantis.voucher"],
        ["programs", "--city", "gotham"],
        ["check", "no/such/dir"],
        ["--rules", "no/such/dir", "programs"],
        ["frobnicate"],
        [],
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(capsys: Any, args: list[str]) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err


def test_non_utf8_profile(capsys: Any, tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("applicant: {kind: enterprise, city: caf\xe9}\n".encode("latin-1"))
    code, _, err = run(capsys, "estimate", str(path))
    assert code == 2 and "not valid UTF-8" in err


def test_stdin_profile(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "aivoucher.cli",
            "estimate",
            "-",
            "--as-of",
            "2025-06-30",
            "--format",
            "json",
        ],
        input=SHENZHEN,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    award = next(
        a
        for a in estimate_json(proc.stdout)["awards"]
        if a["program"] == "shenzhen.training-compute"
    )
    assert award["high"] == "4800000"


def test_schema_command_matches_the_file(capsys: Any) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    printed = json.loads(out)
    on_disk = json.loads((ROOT / "rules" / "schema.json").read_text(encoding="utf-8"))
    assert printed["title"] == on_disk["title"] == "aivoucher rule file"
    assert set(printed["properties"]) == set(on_disk["properties"])


BEIJING = """
applicant: {kind: enterprise, city: beijing, sector: software}
purchases:
  - {id: first, item: compute, amount: 1500万, signed: 2024-05-01}
"""


def _award(out: str, program: str) -> dict[str, Any]:
    return next(a for a in estimate_json(out)["awards"] if a["program"] == program)


def test_beijing_cases(capsys: Any, tmp_path: Path) -> None:
    args = ["--as-of", "2024-12-31", "--format", "json", "--program", "beijing.compute-voucher"]
    _, out, _ = run(capsys, "estimate", write(tmp_path, BEIJING), *args)
    assert _award(out, "beijing.compute-voucher")["high"] == "2000000"
    two = BEIJING + "  - {id: second, item: compute, amount: 800万, signed: 2024-09-01}\n"
    _, out, _ = run(capsys, "estimate", write(tmp_path, two), *args)
    award = _award(out, "beijing.compute-voucher")
    assert award["high"] == "2000000"
    alloc = next(s for s in award["steps"] if s["kind"] == "allocation")
    shares = {s["purchase"]: s["share"]["high"] for s in alloc["detail"]["shares"]}
    assert shares == {"first": "2000000", "second": "0"}
    _, text, _ = run(capsys, "estimate", write(tmp_path, two), "--as-of", "2024-12-31")
    assert "second CN¥0.00 (the limit was used up by earlier contracts)" in text
    early = BEIJING.replace("2024-05-01", "2023-08-31")
    _, out, _ = run(capsys, "estimate", write(tmp_path, early), *args)
    award = _award(out, "beijing.compute-voucher")
    assert award["eligible"] is False
    assert any("2023-08-31" in r["text"] and "2023-09-01" in r["text"] for r in award["reasons"])
    signed = next(r for r in award["reasons"] if r["fact"] == "purchase.signed")
    assert (signed["code"], signed["actual"]) == ("before_effective", "2023-08-31")
    assert signed["expected"] == ["2023-09-01"] and signed["subject"] == "first"


def test_hangzhou_purchases_are_judged_by_their_signing_date(capsys: Any, tmp_path: Path) -> None:
    profile = write(
        tmp_path,
        "applicant: {kind: enterprise, city: hangzhou, sme: true}\npurchases:\n"
        "  - {id: old, item: compute, amount: 40万, signed: 2024-10-01, chip_origin: foreign,"
        " via_platform: true}\n"
        "  - {id: new, item: compute, amount: 40万, signed: 2025-07-01, chip_origin: foreign,"
        " via_platform: true}\n",
    )
    args = ["--format", "json", "--program", "hangzhou.compute-voucher"]
    _, before, _ = run(capsys, "estimate", profile, "--as-of", "2024-12-31", *args)
    _, after, _ = run(capsys, "estimate", profile, "--as-of", "2025-07-01", *args)
    # Known on 2024-12-31: the 2024 version only; the 2025 contract lies past its end.
    old = {(a["version"], a.get("renewal", False)): a for a in estimate_json(before)["awards"]}
    assert old[("2024", False)]["high"] == "80000"  # 20% for other compute
    assert old[("2024", False)]["purchases"] == ["old"]
    # Known on 2025-07-01: each contract under the version in force when it was signed.
    new = {a["version"]: a for a in estimate_json(after)["awards"]}
    assert (new["2024"]["high"], new["2024"]["purchases"]) == ("80000", ["old"])
    assert (new[None]["high"], new[None]["purchases"]) == ("200000", ["new"])  # 50% for an SME


def test_assume_switch(capsys: Any, tmp_path: Path) -> None:
    profile = write(
        tmp_path,
        "applicant: {kind: enterprise, city: shanghai}\npurchases:\n"
        "  - {item: compute, amount: 100万, signed: 2025-09-01}\n",
    )
    args = ["--as-of", "2025-12-31", "--format", "json", "--program", "shanghai.compute-voucher"]
    _, out, _ = run(capsys, "estimate", profile, *args)
    assert _award(out, "shanghai.compute-voucher")["high"] == "300000"
    _, out, _ = run(capsys, "estimate", profile, *args, "--assume", "shanghai-early-small")
    award = _award(out, "shanghai.compute-voucher")
    assert award["high"] == "1000000"
    switch = next(a for a in award["assumptions"] if a["code"] == "switch")
    assert switch["id"] == "shanghai-early-small" and "shanghai-early-small" in switch["text"]
    code, _, err = run(capsys, "estimate", profile, "--assume", "nope")
    assert code == 2 and "unknown assumption 'nope'" in err


def test_programs_lists_every_rule_file(capsys: Any) -> None:
    from aivoucher.ruleset.registry import bundled_rules

    _, out, _ = run(capsys, "programs", "--format", "json")
    assert len(json.loads(out)["programs"]) == len(bundled_rules())


# -- who made each JSON document -----------------------------------------------------------------


def test_the_programs_json_names_its_generator(capsys: Any, tmp_path: Path) -> None:
    from aivoucher.base.version import VERSION
    from aivoucher.ruleset.registry import bundled_rules, load_rules

    code, out, _ = run(capsys, "programs", "--format", "json", "--as-of", "2026-01-01")
    document = json.loads(out)
    assert code == 0 and set(document) == {"generator", "as_of", "programs"}
    rules = bundled_rules()
    assert document["generator"] == {
        "name": "aivoucher",
        "version": VERSION,
        "rules": {"digest": rules.digest, "count": len(rules)},
    }
    assert document["as_of"] == "2026-01-01"
    # another rule directory: its own digest and count
    write_rule(tmp_path / "rules", rule())
    code, out, _ = run(capsys, "--rules", str(tmp_path / "rules"), "programs", "--format", "json")
    own = load_rules(tmp_path / "rules")
    assert json.loads(out)["generator"]["rules"] == {"digest": own.digest, "count": 1}


@pytest.mark.parametrize(
    ("args", "loaded"),
    [
        (["estimate", "--format", "json"], False),  # a usage error: no rules read yet
        (["--rules", "absent", "programs", "--format", "json"], False),  # the rules are the error
        (["estimate", "absent.yaml", "--format", "json"], True),
        (["estimate", "absent.yaml", "--format", "json", "--detail", "summary"], True),
        (["programs", "--format", "json", "--city", "gotham"], True),
        (["compare", "absent.yaml", "--format", "json"], False),  # the plan is read first
    ],
)
def test_a_json_error_names_its_generator(capsys: Any, args: list[str], loaded: bool) -> None:
    from aivoucher.base.version import VERSION
    from aivoucher.ruleset.registry import bundled_rules

    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and err.count("\n") == 1
    document = json.loads(err)
    assert set(document) == {"error", "generator"}
    assert document["generator"]["name"] == "aivoucher"
    assert document["generator"]["version"] == VERSION
    rules = bundled_rules()
    expected = {"digest": rules.digest, "count": len(rules)} if loaded else None
    assert document["generator"]["rules"] == expected
