"""Error codes, every problem at once, suggestions, and the CLI's JSON errors."""

from __future__ import annotations

import importlib
import itertools
import json
import re
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, profile, rule, write_rule

import aivoucher
from aivoucher import cli
from aivoucher import errors as errors_module
from aivoucher.agents import tools as agent_tools
from aivoucher.base.documents import Limits, parse_json, parse_yaml
from aivoucher.base.money import parse_amount, parse_rate
from aivoucher.cli import main
from aivoucher.errors import (
    CODES,
    AivoucherError,
    InputError,
    UnknownProgramError,
    error_line,
    halves,
)
from aivoucher.questions.comparison import compare
from aivoucher.questions.whatif import vary
from aivoucher.render.messages import messages
from aivoucher.ruleset import registry
from aivoucher.ruleset.registry import RuleSet, bundled_rules, load_program, load_rules
from aivoucher.vocabulary.profile import load_profile, parse_profile
from aivoucher.vocabulary.result import Estimate

SRC = ROOT / "src" / "aivoucher"
DOC = ROOT / "docs" / "errors.md"


def _file(tmp_path: Path, name: str, data: bytes | str) -> Path:
    target = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    target.write_bytes(data)
    return target


def _rule_file(tmp_path: Path, **overrides: Any) -> Path:
    return write_rule(tmp_path / "rules", rule(**overrides))


def _missing_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "__file__", str(tmp_path / "pkg" / "registry.py"))
    registry.bundled_rules_dir()


def _without_pandas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def fake(name: str, package: str | None = None) -> Any:
        if name == "pandas":
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", fake)
    compare(profile(amount="100万"), places=["shenzhen"], as_of="2025-06-30").to_frame()


def _cli(monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    """Run the command line, raising the error it would report."""

    def fail(error: AivoucherError, *_: object) -> int:
        raise error

    monkeypatch.setattr(cli, "_fail", fail)
    main(list(args))


def _bad_table() -> None:
    import numpy as np

    from aivoucher.questions import batch

    table = {"purchase.amount": np.array([1])}  # amounts are integer fen: amount_fen
    batch.evaluate("chengdu.compute-voucher", table, as_of="2025-12-31")


def _ambiguous_table() -> None:
    import numpy as np

    from aivoucher.questions import batch

    kinds = np.array(["enterprise"])
    table = {"applicant.kind": kinds, "applicant__kind": kinds}  # one field, two spellings
    batch.evaluate("chengdu.compute-voucher", table, as_of="2025-12-31")


def _raise(error: Exception) -> None:
    raise error


def _duplicate(tmp_path: Path) -> None:
    entry = next(iter(load_rules(_rule_file(tmp_path).parent.parent)))
    RuleSet([entry, entry])


def _overlapping_versions(tmp_path: Path) -> None:
    _rule_file(tmp_path)  # in force from 2025-01-01, open-ended
    effective = {"from": "2024-01-01", "source": "text", "quote": "自2024年1月1日起施行"}
    old = rule(version="2024", effective=effective)
    write_rule(tmp_path / "rules", old, name="test-voucher.2024.yaml")
    load_rules(tmp_path / "rules")


# One way to raise each code; the test below checks that the table and these agree.


def _forged(change: Callable[[dict[str, Any]], object]) -> Estimate:
    """Read back a real estimate's JSON after ``change``."""
    data = json.loads(aivoucher.estimate(profile(amount="300万"), as_of="2025-06-30").to_json())
    change(data)
    return Estimate.from_json(json.dumps(data))


TRIGGERS: dict[str, Callable[[Path, pytest.MonkeyPatch], Any]] = {
    "input.invalid": lambda t, m: _raise(InputError("bad input")),
    "cli.usage": lambda t, m: _cli(m, "estimate", "--nope"),
    "output.unwritable": lambda t, m: _cli(
        m,
        "report",
        str(_file(t, "p.yaml", yaml.safe_dump(profile()))),
        "-o",
        str(t / "no" / "r.html"),
    ),
    "document.unreadable": lambda t, m: load_profile(t / "absent.yaml"),
    "document.too_large": lambda t, m: parse_yaml(
        "a: 1234567890", limits=Limits(max_bytes=5, max_nodes=10)
    ),
    "document.too_deep": lambda t, m: parse_yaml(
        "a:\n" + "".join(f"{' ' * i}- \n" for i in range(40))
    ),
    "document.too_many_values": lambda t, m: parse_yaml(
        "[1, 2, 3, 4]", limits=Limits(max_bytes=100, max_nodes=3)
    ),
    "document.encoding": lambda t, m: load_profile(_file(t, "p.yaml", b"a: \xff\n")),
    "document.forbidden": lambda t, m: parse_yaml("a: &x 1\nb: *x\n"),
    "document.duplicate_key": lambda t, m: parse_yaml("a: 1\na: 2\n"),
    "document.nul_byte": lambda t, m: parse_yaml("a: 1\nb: \0\n"),
    "number.form": lambda t, m: parse_yaml("amount: 0500000\n"),
    "number.too_long": lambda t, m: parse_json("[" + "9" * 5000 + "]"),
    "yaml.malformed": lambda t, m: parse_yaml("a: [1, 2\n"),
    "json.malformed": lambda t, m: parse_json("{"),
    "amount.invalid": lambda t, m: parse_amount("12 bananas"),
    "amount.negative": lambda t, m: parse_amount("-5"),
    "amount.too_large": lambda t, m: parse_amount(10**12 + 1),
    "amount.sub_fen": lambda t, m: parse_amount("0.001"),
    "rate.invalid": lambda t, m: parse_rate("150%"),
    "date.invalid": lambda t, m: parse_profile(
        profile({"item": "compute", "amount": 1, "signed": "2025-13-01"})
    ),
    "date.too_vague": lambda t, m: aivoucher.estimate(
        {
            "applicant": {"kind": "enterprise", "city": "shenzhen"},
            "purchases": [
                {
                    "item": "compute",
                    "amount": 1,
                    "signed": "2026-Q4",
                    "start": "2026-Q4",
                    "end": "2027-Q4",
                }
            ]
            * 3,
        },
        as_of="2026-12-01",
    ),
    "fx.invalid": lambda t, m: aivoucher.estimate(profile(), fx={"HKD": "0"}),
    "city.unknown": lambda t, m: parse_profile(profile(city="gotham")),
    "profile.invalid": lambda t, m: parse_profile(profile(kind="robot")),
    "profile.unknown_field": lambda t, m: parse_profile(profile(startp=True)),
    "profile.missing_field": lambda t, m: parse_profile({"purchases": []}),
    "rules.invalid": lambda t, m: load_program(_rule_file(t, status="maybe")),
    "rules.unknown_field": lambda t, m: load_program(_rule_file(t, bonus=1)),
    "rules.missing_field": lambda t, m: load_program(
        write_rule(t / "rules", {k: v for k, v in rule().items() if k != "issuer"})
    ),
    "rules.unknown_reference": lambda t, m: load_program(
        _rule_file(t, base={"of": "contract", "source": "ghost", "quote": "合同"})
    ),
    "rules.duplicate_id": lambda t, m: _duplicate(t),
    "rules.file_name": lambda t, m: load_program(
        write_rule(t / "rules", rule(), name="other.yaml")
    ),
    "rules.not_a_directory": lambda t, m: load_rules(t / "absent"),
    "rules.empty": lambda t, m: load_rules(t),
    "rules.missing": _missing_rules,
    "rules.digest_mismatch": lambda t, m: registry._bundled_with_digest("0" * 64),
    "rules.versions_overlap": lambda t, m: _overlapping_versions(t),
    "rules.self_stacking": lambda t, m: load_program(
        _rule_file(
            t,
            stacking=[
                {
                    "program": "shenzhen.test-voucher",
                    "relation": "stackable",
                    "source": "text",
                    "quote": "可叠加",
                }
            ],
        )
    ),
    "program.unknown": lambda t, m: bundled_rules().find("no.such-program"),
    "program.ambiguous": lambda t, m: bundled_rules().find("算力券"),
    "switch.unknown": lambda t, m: aivoucher.estimate(profile(), assume=["nope"]),
    "qualification.unknown": lambda t, m: aivoucher.estimate(
        profile(qualifications=["ghost"]), as_of="2025-06-30"
    ),
    "locale.unsupported": lambda t, m: messages("fr"),
    "estimate.invalid": lambda t, m: Estimate.from_json('{"schema_version": 2}'),
    "estimate.schema_version": lambda t, m: Estimate.from_json('{"schema_version": 2.0}'),
    "estimate.too_large": lambda t, m: _forged(lambda d: d.update(awards=[{}] * 10_000)),
    "estimate.bounds": lambda t, m: _forged(lambda d: d.update(total_low="1", total_high="0")),
    "estimate.duplicate_award": lambda t, m: _forged(lambda d: d["awards"].append(d["awards"][0])),
    "estimate.totals": lambda t, m: _forged(lambda d: d.update(total_high="99999999")),
    "estimate.inconsistent": lambda t, m: _forged(lambda d: d["awards"][0].update(high="1")),
    "table.invalid": lambda t, m: _bad_table(),
    "table.ambiguous": lambda t, m: _ambiguous_table(),
    "fact.unknown": lambda t, m: vary(profile(amount="100万"), startp=[True, False]),
    "dependency.missing": _without_pandas,
    "rules.control_character": lambda t, m: load_program(_rule_file(t, issuer="x\x1b[31m")),
    "limit.exceeded": lambda t, m: aivoucher.sweep(profile(amount="1万"), itertools.count()),
    "places.empty": lambda t, m: compare(profile(amount="100万"), places=[]),
    "output.is_input": lambda t, m: _cli(
        m, "report", str(p := _file(t, "p.yaml", yaml.safe_dump(profile()))), "-o", str(p)
    ),
    # the MCP server's tools, without the mcp SDK (tests/agents/test_mcp.py serves them)
    "mcp.arguments": lambda t, m: agent_tools.call("estimate", {"profil": profile()}),
    "mcp.unknown_tool": lambda t, m: agent_tools.call("estimat", {}),
    "mcp.unknown_resource": lambda t, m: agent_tools.read_resource("aivoucher://schema/x"),
    "output.option": lambda t, m: _cli(
        m, "estimate", str(_file(t, "p.yaml", yaml.safe_dump(profile()))), "--format", "xlsx"
    ),
}


def test_every_code_has_a_trigger_and_the_table_is_complete() -> None:
    assert set(TRIGGERS) == set(CODES)


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_each_code_is_raised(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    with pytest.raises(AivoucherError) as info:
        TRIGGERS[code](tmp_path, monkeypatch)
    assert info.value.code == code
    assert all(e.code in CODES for e in info.value.errors)


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_each_code_in_chinese(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's line in Chinese starts with the code's sentence; a bilingual message
    shows its Chinese half in Chinese and its English half in English, never both."""
    with pytest.raises(AivoucherError) as info:
        TRIGGERS[code](tmp_path, monkeypatch)
    error = info.value
    zh, en = error_line(error, "zh"), error_line(error, "en")
    assert zh.startswith(f"错误：{errors_module.CODES_ZH[code]}：")
    assert "\n" not in zh and "\n" not in en
    split = halves(error.message)
    if error.zh is not None:
        split = (error.zh, error.message)
    if split is not None:
        assert split[0] in zh and split[1] not in zh
        assert split[1] in en and split[0] not in en
    else:
        assert en == "error: " + str(error)


def _codes_in_source() -> set[str]:
    prefixes = "|".join(sorted({c.split(".")[0] for c in CODES}))
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.name == "errors.py":  # the table itself
            continue
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(rf'code ?= ?"((?:{prefixes})\.[a-z_]+)"', text))
    return found


def _error_classes(cls: type[AivoucherError]) -> list[type[AivoucherError]]:
    return [cls, *(c for sub in cls.__subclasses__() for c in _error_classes(sub))]


def test_every_code_the_library_raises_is_in_the_table() -> None:
    literal = _codes_in_source() - {"aivoucher.errors"}
    assert literal <= set(CODES), literal - set(CODES)
    defaults = {c.default_code for c in _error_classes(AivoucherError)}
    assert defaults <= set(CODES)
    for name in errors_module.__all__:
        obj = getattr(errors_module, name)
        if isinstance(obj, type):
            assert issubclass(obj, AivoucherError)


def test_docs_list_exactly_the_codes() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", text, flags=re.M))
    assert documented == set(CODES)


def test_all_problems_at_once_with_fields_and_lines(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "p.yaml",
        "applicant:\n"
        "  kind: enterprise\n"
        "  city: shenzen\n"
        "  startp: true\n"
        "purchases:\n"
        "  - item: compute\n"
        "    amount: 10000亿零1\n"
        "    signed: 2025-03-01\n"
        "  - item: compute\n"
        "    amount: 1万\n",
    )
    with pytest.raises(aivoucher.ProfileError) as info:
        load_profile(path)
    exc = info.value
    got = [(e.code, e.field, e.line) for e in exc.errors]
    assert got == [
        ("city.unknown", "applicant.city", 3),
        ("profile.unknown_field", "applicant.startp", 4),
        ("amount.invalid", "purchases[0].amount", 7),
        ("profile.missing_field", "purchases[1].signed", 9),
    ]
    assert all(e.file == str(path) for e in exc.errors)
    assert (exc.code, exc.field, exc.line) == ("city.unknown", "applicant.city", 3)
    text = str(exc)
    assert "\n" not in text
    assert text.startswith(f"{path}:3: applicant.city: unknown city 'shenzen'")
    assert "; and 3 more: applicant.startp: unknown field" in text
    assert "purchases[1].signed: required field is missing" in text
    assert "more error" not in text


def test_lines_in_json_profiles_and_standard_input(tmp_path: Path) -> None:
    text = (
        '{\n  "applicant": {"kind": "enterprise", "city": "shenzhen",\n'
        '                "startp": true},\n  "purchases": [\n'
        '    {"item": "compute",\n     "amount": "-5", "signed": "2025-01-01"}\n  ]\n}\n'
    )
    with pytest.raises(aivoucher.ProfileError) as info:
        load_profile(_file(tmp_path, "p.json", text))
    assert [(e.field, e.line) for e in info.value.errors] == [
        ("applicant.startp", 3),
        ("purchases[0].amount", 6),
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "aivoucher.cli", "estimate", "-", "--format", "json"],
        input="applicant:\n  kind: enterprise\n  city: shenzhen\n  startp: true\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    error = json.loads(proc.stderr)["error"]
    assert (error["file"], error["line"], error["field"]) == ("<stdin>", 4, "applicant.startp")


def test_one_line_whatever_the_keys_hold() -> None:
    with pytest.raises(aivoucher.ProfileError) as info:
        parse_profile(profile(**{"a\nb": 1}))
    assert "\n" not in str(info.value) and "a\\nb" in str(info.value)


def test_suggestions() -> None:
    with pytest.raises(aivoucher.ProfileError) as info:
        parse_profile(profile(startp=True, city="shenzen"))
    by_field = {e.field: e for e in info.value.errors}
    assert by_field["applicant.startp"].suggestions == ("startup",)
    assert "did you mean 'startup'?" in by_field["applicant.startp"].message
    assert by_field["applicant.city"].suggestions[0] == "shenzhen"
    with pytest.raises(UnknownProgramError, match=r"did you mean 'shenzhen\.training-compute'"):
        aivoucher.estimate(profile(), programs=["shenzhen.training-compte"])
    rules = bundled_rules()
    switch = next(iter(rules.switches))
    with pytest.raises(InputError, match=f"did you mean {switch!r}") as err:
        rules.estimate(profile(), assume=[switch[:-1]])
    assert err.value.code == "switch.unknown"
    qualification = sorted(rules.qualifications)[0]
    with pytest.raises(InputError, match=f"did you mean {qualification!r}"):
        rules.estimate(profile(qualifications=[qualification + "x"]))


def test_unknown_rule_field_suggests_among_the_models_fields(tmp_path: Path) -> None:
    caps = [{"per": "applicant_year", "amont": "100万", "source": "text", "quote": "最高100万元"}]
    with pytest.raises(aivoucher.RuleFileError) as info:
        load_program(_rule_file(tmp_path, caps=caps))
    first = next(e for e in info.value.errors if e.code == "rules.unknown_field")
    assert (first.code, first.field, first.suggestions) == (
        "rules.unknown_field",
        "caps[0].amont",
        ("amount",),
    )
    assert first.line is not None and info.value.line is not None


def test_find_programs_by_name() -> None:
    rules = bundled_rules()
    assert rules.find("训力券") == "shenzhen.training-compute"
    assert rules.find("Training-compute voucher") == "shenzhen.training-compute"
    assert rules.find("training-COMPUTE") == "shenzhen.training-compute"
    assert rules.find("深圳语料券") == "shenzhen.corpus-voucher"
    assert rules.find("chengdu.compute-voucher@2023") == "chengdu.compute-voucher@2023"
    with pytest.raises(InputError) as info:
        rules.find("算力券")
    assert info.value.code == "program.ambiguous"
    assert "shenzhen.training-compute" not in info.value.suggestions
    assert {"chengdu.compute-voucher", "shanghai.compute-voucher"} <= set(info.value.suggestions)
    with pytest.raises(UnknownProgramError):
        rules.find("绿色电力券")


def test_estimate_award_unknown_id_is_a_typed_key_error() -> None:
    est = aivoucher.estimate(profile(amount="100万"), as_of="2025-06-30")
    assert est.award("shenzhen.training-compute").program.id == "shenzhen.training-compute"
    with pytest.raises(UnknownProgramError) as info:
        est.award("shenzhen.training-compte")
    assert info.value.suggestions[0] == "shenzhen.training-compute"
    assert info.value.code == "program.unknown"
    with pytest.raises(KeyError):  # callers that caught KeyError keep working
        est.award("nope")
    assert issubclass(UnknownProgramError, KeyError)
    assert issubclass(UnknownProgramError, InputError)


# -- the CLI ---------------------------------------------------------------------------------


def _err(capsys: Any, *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    assert captured.out == ""
    return code, captured.err


def test_cli_json_errors(capsys: Any, tmp_path: Path) -> None:
    bad = _file(
        tmp_path,
        "p.yaml",
        yaml.safe_dump(profile({"item": "compute", "amount": "-1", "signed": "2025-01-01"}, x=1)),
    )
    code, err = _err(capsys, "estimate", str(bad), "--format", "json")
    assert code == 2 and err.count("\n") == 1
    data = json.loads(err)["error"]
    assert set(data) >= {"code", "message", "file", "line", "field", "errors"}
    assert data["file"] == str(bad) and isinstance(data["line"], int)
    assert [e["code"] for e in data["errors"]] == ["profile.unknown_field", "amount.negative"]
    assert data["code"] == "profile.unknown_field" and data["field"] == "applicant.x"
    # text mode: one line
    code, err = _err(capsys, "estimate", str(bad))
    assert code == 2 and err.count("\n") == 1 and err.startswith("error: ")
    assert "and 1 more: purchases[0].amount" in err


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["estimate", "--format", "json"], "cli.usage"),
        (["estimate", "p.yaml", "--format=json", "--bogus"], "cli.usage"),
        (["estimate", "p.yaml", "--form", "json", "--locale", "fr"], "cli.usage"),
        (["programs", "--format", "json", "--city", "gotham"], "city.unknown"),
        (["estimate", "absent.yaml", "--format", "json"], "document.unreadable"),
        (["show", "算力券", "--format", "json"], "cli.usage"),
        (["--rules", "absent", "programs", "--format", "json"], "rules.not_a_directory"),
    ],
)
def test_cli_json_error_codes(capsys: Any, args: list[str], code: str) -> None:
    status, err = _err(capsys, *args)
    assert status == 2 and err.count("\n") == 1
    assert json.loads(err)["error"]["code"] == code


def test_cli_show_by_name(capsys: Any) -> None:
    assert main(["show", "训力券"]) == 0
    assert capsys.readouterr().out.startswith("shenzhen.training-compute")
    status, err = _err(capsys, "show", "算力券")
    assert status == 2 and err.startswith("error: ") and "chengdu.compute-voucher" in err


def test_amount_error_codes() -> None:
    assert parse_amount("10000亿") == Decimal(10**12)
    for text, code in [("10000亿零1", "amount.invalid"), ("20000亿", "amount.too_large")]:
        with pytest.raises(aivoucher.AmountError) as info:
            parse_amount(text)
        assert info.value.code == code
