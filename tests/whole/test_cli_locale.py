"""The command line's language: where it comes from, its help, its errors, and Chinese output
that names facts in words, never by their profile paths."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import LOCALE_VARIABLES, rule, write_rule
from hypothesis import given, settings
from hypothesis import strategies as st

from aivoucher import cli_words
from aivoucher.base.i18n import environment_locale
from aivoucher.cli import _parser, main
from aivoucher.errors import CODES, CODES_ZH, InputError, error_line, halves
from aivoucher.questions.comparison import compare
from aivoucher.questions.whatif import what_narrows
from aivoucher.render import render_text
from aivoucher.render.comparison import comparison_rows
from aivoucher.render.whatif import render_narrowing
from aivoucher.render.width import width
from aivoucher.ruleset.registry import bundled_rules
from aivoucher.testing import profiles
from aivoucher.vocabulary.profile import Profile

SHENZHEN = """
applicant: {kind: enterprise, city: shenzhen, startup: true}
purchases:
  - {id: gpu-2025, item: compute, use: training, amount: 800万, signed: 2025-03-01}
"""
#: Facts left out, so that the views list missing facts and what would narrow the range.
VAGUE = """
applicant: {kind: enterprise, city: shanghai}
purchases:
  - {item: compute, amount: 800万, signed: 2025-03-01}
  - {item: model, amount: 100万, signed: 2025-04-01}
"""
CJK = re.compile(r"[\u4e00-\u9fff]")
#: A profile path: ``applicant.startup``, ``purchases[0].provider_city``, ``purchases[1]``.
PATH = re.compile(r"\b(?:applicant|purchases?(?:\[\d+\])?|year)\.[a-z_]+|\bpurchases\[\d+\]")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def environment(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- where the language comes from ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh"}, "zh"),
        ({"LANG": "zh_TW.Big5"}, "zh"),
        ({"LANG": "zh-Hans"}, "zh"),
        ({"LANG": "ZH_cn.utf8"}, "zh"),
        ({"LANG": "zh@pinyin"}, "zh"),
        ({"LANG": "zu_ZA.UTF-8"}, "en"),  # Zulu, not Chinese
        ({"LANG": "zha"}, "en"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "C", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # empty is unset
        ({"AIVOUCHER_LOCALE": "en", "LC_ALL": "zh_CN.UTF-8"}, "en"),
        ({"AIVOUCHER_LOCALE": "zh", "LANG": "en_US.UTF-8"}, "zh"),
        ({"AIVOUCHER_LOCALE": "", "LANG": "zh_CN.UTF-8"}, "zh"),
    ],
)
def test_the_environment_chooses_the_language(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: str
) -> None:
    assert environment_locale(variables) == expected
    environment(monkeypatch, **variables)
    code, out, _ = run(capsys, "show", "shenzhen.training-compute")
    assert code == 0
    assert ("来源" in out) == (expected == "zh")
    # the option wins over every variable
    other = "en" if expected == "zh" else "zh"
    code, out, _ = run(capsys, "show", "shenzhen.training-compute", "--locale", other)
    assert ("来源" in out) == (other == "zh")


def test_the_environment_sets_the_output_of_an_estimate(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    environment(monkeypatch, LANG="zh_CN.UTF-8")
    profile = write(tmp_path, SHENZHEN)
    code, out, _ = run(capsys, "estimate", profile, "--as-of", "2025-06-30")
    assert code == 0 and "480万（¥4,800,000.00）" in out
    code, out, _ = run(capsys, "estimate", profile, "--as-of", "2025-06-30", "--locale=en")
    assert code == 0 and "CN¥4,800,000.00 (480万)" in out
    # before the command, as for the help: aivoucher --locale en estimate …
    code, out, _ = run(capsys, "--locale", "en", "estimate", profile, "--as-of", "2025-06-30")
    assert code == 0 and "CN¥4,800,000.00 (480万)" in out
    environment(monkeypatch)
    code, out, _ = run(capsys, "--loc", "zh", "estimate", profile, "--as-of", "2025-06-30")
    assert code == 0 and "480万（¥4,800,000.00）" in out


@pytest.mark.parametrize("value", ["fr", "zh_CN", "EN", "chinese"])
def test_an_unsupported_aivoucher_locale_is_one_bilingual_line(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    environment(monkeypatch, AIVOUCHER_LOCALE=value, LANG="zh_CN.UTF-8")
    with pytest.raises(InputError) as info:
        environment_locale({"AIVOUCHER_LOCALE": value})
    assert info.value.code == "locale.unsupported"
    code, out, err = run(capsys, "programs")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "AIVOUCHER_LOCALE" in err and "zh or en" in err and CJK.search(err)
    code, _, err = run(capsys, "programs", "--format", "json")
    assert code == 2 and json.loads(err)["error"]["code"] == "locale.unsupported"
    # --locale on the command line does not need the variable
    code, _, _ = run(capsys, "programs", "--locale", "en")
    assert code == 0


# -- help ----------------------------------------------------------------------------------------

COMMANDS = ["estimate", "report", "compare", "programs", "show", "check", "verify", "schema", "mcp"]


def _help(capsys: Any, *args: str) -> str:
    with pytest.raises(SystemExit) as info:
        main([*args, "--help"])
    assert info.value.code == 0
    out: str = capsys.readouterr().out
    return out


def _squeezed(text: str) -> str:
    """Without whitespace: argparse wraps a sentence anywhere there is a space or a hyphen."""
    return re.sub(r"\s+", "", text)


def test_every_help_sentence_has_its_chinese() -> None:
    english = {en for _, en in cli_words.HELP}
    assert set(cli_words.help_texts(_parser("en"))) <= english
    assert all(CJK.search(zh) for zh, _ in cli_words.HELP)
    assert len({zh for zh, _ in cli_words.HELP}) == len(cli_words.HELP)  # no two alike


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_in_chinese_has_no_english_sentence(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    environment(monkeypatch)
    monkeypatch.setenv("COLUMNS", "80")
    zh = _help(capsys, *command, "--locale", "zh")
    assert zh.startswith("用法：") and "选项" in zh
    assert max(width(line) for line in zh.splitlines()) <= 80  # a Chinese character is two
    for heading in ("usage:", "positional arguments", "options:", "optional arguments"):
        assert heading not in zh
    assert all(_squeezed(en) not in _squeezed(zh) for _, en in cli_words.HELP)
    # the environment gives the same help as the option
    environment(monkeypatch, LANG="zh_CN.UTF-8")
    assert _help(capsys, *command) == zh
    # English keeps every sentence in English
    environment(monkeypatch)
    en = _help(capsys, *command)
    assert en.startswith("usage:") and not CJK.search(en.replace("训力券", ""))
    parser = _parser("en")
    for name in command:
        parser = next(
            a.choices[name] for a in parser._actions if isinstance(a.choices, dict)
        )  # the subcommand's own parser
    own = [a.help for a in parser._actions if a.help] + [parser.description or ""]
    assert all(_squeezed(text) in _squeezed(en) for text in own if text)


# -- errors --------------------------------------------------------------------------------------


def test_every_code_has_a_chinese_sentence() -> None:
    assert set(CODES_ZH) == set(CODES)
    assert all(CJK.search(text) and "\n" not in text for text in CODES_ZH.values())


def test_bad_input_in_chinese_names_the_code_then_the_place(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    environment(monkeypatch, LANG="zh_CN.UTF-8")
    bad = write(
        tmp_path,
        "applicant: {kind: enterprise, city: shenzen}\n"
        "purchases: [{item: compute, amount: '-5', signed: 2025-03-01}]\n",
    )
    code, out, err = run(capsys, "estimate", bad)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"错误：{CODES_ZH['city.unknown']}：{bad}:1: applicant.city: ")
    assert f"另有 1 处：{CODES_ZH['amount.negative']}：purchases[0].amount: " in err
    code, _, err = run(capsys, "estimate", bad, "--locale", "en")
    assert code == 2 and err.startswith(f"error: {bad}:1: applicant.city: unknown city")


def test_the_json_error_keeps_its_english_and_adds_chinese(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = write(tmp_path, "applicant: {kind: enterprise, city: gotham}\npurchases: []\n")
    for variables in ({}, {"LANG": "zh_CN.UTF-8"}):
        environment(monkeypatch, **variables)
        code, _, err = run(capsys, "estimate", bad, "--format", "json")
        error = json.loads(err)["error"]
        assert code == 2 and error["code"] == "city.unknown"
        assert error["message"].startswith("unknown city 'gotham'")
        assert error["message_zh"].startswith(CODES_ZH["city.unknown"] + "：")
        assert all(e["message_zh"].startswith(CODES_ZH[e["code"]]) for e in error["errors"])


def test_usage_errors_in_chinese(capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    environment(monkeypatch, LC_ALL="zh_CN.UTF-8")
    for args in (["estimate", "--nope"], ["frobnicate"], ["estimate", "p.yaml", "--format", "x"]):
        code, out, err = run(capsys, *args)
        assert (code, out) == (2, "")
        assert err.startswith("错误：命令行有误：") and err.count("\n") == 1


def test_a_bilingual_message_shows_one_half(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    environment(monkeypatch)
    profile = write(tmp_path, SHENZHEN)
    # a message with its Chinese given apart (InputError(zh=…))
    args = ["report", profile, "-o", str(tmp_path / "r.html"), "--places", "shenzhen"]
    code, _, err = run(capsys, *args)
    assert code == 2 and "--compare" in err and not CJK.search(err)
    code, _, err = run(capsys, *args, "--locale", "zh")
    assert code == 2 and "须与 --compare 同用" in err and "need --compare" not in err
    # a message written "english / 中文": two versions of one program that overlap
    rules = tmp_path / "rules"
    write_rule(rules, rule())
    effective = {"from": "2024-01-01", "source": "text", "quote": "自2024年1月1日起施行"}
    write_rule(rules, rule(version="2024", effective=effective), name="test-voucher.2024.yaml")
    args = ["--rules", str(rules), "estimate", profile]
    code, _, err = run(capsys, *args)
    assert code == 2 and "would be paid by both" in err and not CJK.search(err)
    code, _, err = run(capsys, *args, "--locale", "zh")
    assert code == 2 and "重叠" in err and "paid by both" not in err
    assert err.startswith(f"错误：{CODES_ZH['rules.versions_overlap']}：")


def test_check_reports_in_the_language(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "shenzhen").mkdir()
    bad = tmp_path / "shenzhen" / "broken.yaml"
    bad.write_text("id: [\n", encoding="utf-8")
    environment(monkeypatch, LANG="zh_CN.UTF-8")
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == 1
    assert f"错误：{CODES_ZH['yaml.malformed']}：{bad}:" in out
    assert out.endswith("1 个规则文件，1 个无效；示例 0 个通过，0 个未通过\n")
    code, out, _ = run(capsys, "check", str(tmp_path), "--locale", "en")
    assert code == 1 and f"error: {bad}:" in out and "1 invalid; 0 passed, 0 failed" in out


_ENGLISH = st.from_regex(
    r"[A-Za-z][A-Za-z ,;:]{0,30}( \('[a-z0-9.]{0,8}'\))?[a-z.]", fullmatch=True
)
#: Chinese that may quote an id or a number, as the library's messages do.
_CHINESE = st.from_regex(
    r"[\u4e00-\u9fff]{2,12}[，；：]?( ?'[a-z0-9.]{0,8}' ?)?[\u4e00-\u9fff]{2,12}",
    fullmatch=True,
)


@given(_ENGLISH, _CHINESE)
def test_halves_find_either_order(english: str, chinese: str) -> None:
    assert halves(f"{english} / {chinese}") == (chinese, english)
    assert halves(f"{chinese} / {english}") == (chinese, english)
    assert halves(english) is None and halves(chinese) is None


def test_halves_leave_a_quoted_name_alone() -> None:
    # English that quotes a program's bilingual name is not two halves
    message = "'算力券' names 8 programs: chengdu.compute-voucher (成都 算力券 / Compute voucher)"
    assert halves(message) is None
    error = InputError(message, field="programs", code="program.ambiguous")
    assert error_line(error, "en") == f"error: programs: {message}"


# -- no profile path in Chinese output -----------------------------------------------------------


def _no_path(text: str) -> None:
    found = [m.group(0) for m in PATH.finditer(text)]
    assert not found, found


@pytest.mark.parametrize("command", ["estimate", "compare"])
@pytest.mark.parametrize("detail", [[], ["--verbose"]])
def test_chinese_output_names_facts_in_words(
    capsys: Any, tmp_path: Path, command: str, detail: list[str]
) -> None:
    profile = write(tmp_path, VAGUE)
    code, out, _ = run(capsys, command, profile, "--as-of", "2025-06-30", "--locale", "zh", *detail)
    assert code == 0
    assert "服务商所在城市" in out or command == "compare"
    _no_path(out)


@settings(max_examples=40)
@given(profiles(max_purchases=3))
def test_the_chinese_text_of_any_estimate_holds_no_profile_path(profile: Profile) -> None:
    rules = bundled_rules()
    result = rules.estimate(profile, as_of="2025-06-30")
    narrowed = render_narrowing(what_narrows(result, rules=rules), "zh")
    for detail in ("concise", "verbose", "summary"):
        _no_path(render_text(result, "zh", detail, narrowing=narrowed))


@settings(max_examples=10)
@given(profiles(max_purchases=2))
def test_the_chinese_comparison_holds_no_profile_path(profile: Profile) -> None:
    result = compare(profile, as_of="2025-06-30")
    for detail in ("decision", "full"):
        _no_path(result.to_text(locale="zh", detail=detail))
    _no_path(" ".join(str(row["missing"]) for row in comparison_rows(result, "zh")))
