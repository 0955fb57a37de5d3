"""Output that cannot be forged or turned against its reader: control characters from profiles
and rule files shown as escapes in every text view (never a line of their own, never obeyed by
a terminal), refused in rule files; chart labels drawn as written; ``report -o`` that never
destroys its input or blocks, and writes whole or not at all."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import profile, rule, write_rule
from hypothesis import given
from hypothesis import strategies as st

import aivoucher
from aivoucher.base import output
from aivoucher.base.visible import CONTROL, joined, visible
from aivoucher.cli import main
from aivoucher.errors import InputError, RuleFileError
from aivoucher.render.text import render_program, render_text
from aivoucher.ruleset.registry import bundled_rules, load_program, load_rules
from aivoucher.vocabulary.schema import Prose

AS_OF = "2025-06-30"
CLI = [sys.executable, "-m", "aivoucher.cli"]
#: What may never reach a terminal raw: C0 (but the newline between lines), DEL, C1, the line
#: and paragraph separators and the bidirectional controls.
RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
FORGED = "gpu\n     2. fake step: CN¥999,999,999.00\x1b]0;owned\x07\x1b[2J\u202e\x85"

# Controls of every kind, in the text a purchase id or a name may hold.
controls = st.sampled_from(
    [chr(c) for c in range(0x20)]
    + ["\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u202e", "\u2066", "\u200f"]
)
hostile_text = st.lists(
    st.one_of(controls, st.sampled_from(list("ab 1-训"))), min_size=1, max_size=30
).map("".join)


def _profile(purchase_id: str) -> dict[str, Any]:
    data = profile(amount="800万", startup=True, sme=True, sector="software")
    data["purchases"][0]["id"] = purchase_id
    return data


def _plain(text: str) -> str:
    """An id without control characters that takes the room ``text`` takes once escaped (the
    same widths and spaces, so that lines wrap alike)."""
    return visible(text).replace("\\", "/")


def _lines_clean(text: str) -> None:
    assert RAW.search(text) is None, repr(RAW.search(text))
    assert all(CONTROL.search(line) is None for line in text.split("\n"))


# -- the helper --------------------------------------------------------------------------------


def test_visible_escapes_every_control_and_keeps_other_text() -> None:
    assert visible("a\nb\x1b[31m\tc\u202e\x85") == "a\\nb\\x1b[31m\\tc\\u202e\\x85"
    assert visible("深圳 $x$ \\ plain") == "深圳 $x$ \\ plain"
    assert joined(["one\ntwo", "three"]).count("\n") == 1


@given(hostile_text)
def test_visible_is_one_line_without_controls_and_idempotent(text: str) -> None:
    shown = visible(text)
    assert CONTROL.search(shown) is None and "\n" not in shown
    assert visible(shown) == shown


# -- purchase ids (profiles keep them; every view escapes them) --------------------------------


@pytest.mark.parametrize("detail", ["summary", "concise", "verbose"])
@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_forged_purchase_id_prints_no_fake_line(
    tmp_path: Path, capsys: Any, detail: str, locale: str
) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(_profile(FORGED)), encoding="utf-8")
    args = ["estimate", str(path), "--as-of", AS_OF, "--locale", locale]
    args += [] if detail == "concise" else [f"--{detail}"]
    assert main(args) == 0
    out = capsys.readouterr().out
    _lines_clean(out)
    assert not any(line.lstrip().startswith("2. fake") for line in out.splitlines())
    # the same estimate with a plain id shaped like the escaped one prints as many lines
    plain = tmp_path / "plain.json"
    stored = aivoucher.parse_profile(_profile(FORGED)).purchases[0].id or ""  # as stripped
    plain.write_text(json.dumps(_profile(_plain(stored))), encoding="utf-8")
    assert main([*args[:1], str(plain), *args[2:]]) == 0
    assert capsys.readouterr().out.count("\n") == out.count("\n")
    if detail == "verbose":
        assert "gpu\\n     2. fake step" in out and "\\x1b]0;owned\\x07" in out


@given(hostile_text)
def test_purchase_ids_never_add_lines_or_controls(purchase_id: str) -> None:
    estimate = aivoucher.estimate(_profile(purchase_id), as_of=AS_OF)
    stored = estimate.profile.purchases[0].id or ""
    plain = aivoucher.estimate(_profile(_plain(stored) or "x"), as_of=AS_OF)
    for detail in ("summary", "concise", "verbose"):
        text = render_text(estimate, "en", detail)  # type: ignore[arg-type]
        _lines_clean(text)
        if stored:
            assert len(text.splitlines()) == len(render_text(plain, "en", detail).splitlines())


def test_every_text_view_escapes_a_purchase_id() -> None:
    data = _profile(FORGED)
    estimate = aivoucher.estimate(data, as_of=AS_OF)
    views = [
        estimate.to_text(detail="verbose"),
        repr(estimate),
        aivoucher.compare(data, places=["shenzhen", "chengdu"], as_of=AS_OF).to_text(),
        aivoucher.vary(data, startup=[True, False], as_of=AS_OF).to_text(),
        repr(aivoucher.sweep(data, ["100万", "900万"], as_of=AS_OF)),
    ]
    for text in views:
        _lines_clean(text)


def test_html_and_json_carry_no_raw_control_or_markup() -> None:
    estimate = aivoucher.estimate(_profile(FORGED + "<script>x</script>"), as_of=AS_OF)
    for html in (estimate.to_html(), estimate.to_report_html()):
        assert RAW.search(html) is None
        assert "<script>x" not in html
    text = estimate.to_json()
    assert RAW.search(text.replace("\n", "")) is None
    assert json.loads(text)["profile"]["purchases"][0]["id"] == estimate.profile.purchases[0].id


def test_an_error_quoting_a_control_character_is_one_clean_line(
    tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(profile(amount="1万")), encoding="utf-8")
    for argv in (
        ["estimate", str(path), "--as-of", "nope\x1b[31m\nerror: forged"],
        ["estimate", str(path), "--program", "x\x1b]0;t\x07\nerror: forged\u202e"],
    ):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and err.startswith("error: ")
        assert RAW.search(err) is None and "Traceback" not in err
    with pytest.raises(InputError) as info:
        aivoucher.estimate(profile(amount="1万"), programs=["x\x1b[31m\ny"])
    assert info.value.code == "program.unknown"
    assert RAW.search(str(info.value)) is None and "\n" not in str(info.value)


# -- rule files refuse control characters -------------------------------------------------------


def _named(name: str) -> dict[str, Any]:
    return rule(name={"zh": "测试券", "en": name})


@pytest.mark.parametrize("bad", ["Voucher\x1b[31m", "Line\nbreak", "tab\there", "bidi\u202e"])
def test_rule_file_text_with_a_control_character_is_refused(tmp_path: Path, bad: str) -> None:
    path = write_rule(tmp_path / "rules", _named(bad))
    with pytest.raises(RuleFileError) as info:
        load_program(path)
    error = info.value
    assert error.code == "rules.control_character"
    assert (error.file, error.field) == (str(path), "name.en")
    assert error.line is not None and error.line > 1
    assert "\n" not in str(error) and RAW.search(str(error)) is None


@given(hostile_text.filter(lambda t: CONTROL.search(t) is not None))
def test_any_control_character_in_a_name_or_quote_is_refused(text: str) -> None:
    sources = [{**rule()["sources"][0], "quote": "原文" + text}]
    cases = {"name.en": _named(text), "issuer": rule(issuer=text), "sources[0].quote": None}
    cases["sources[0].quote"] = rule(sources=sources)
    with tempfile.TemporaryDirectory() as scratch:
        for field, data in cases.items():
            # escaped in double quotes, so that the string read back holds the character:
            # written raw, YAML folds a NEL or a line separator into a space
            path = Path(scratch) / "x.yaml"
            path.write_text(yaml.safe_dump(data, allow_unicode=False), encoding="utf-8")
            with pytest.raises(RuleFileError) as info:
                load_program(path)
            assert (info.value.code, info.value.field) == ("rules.control_character", field)
            assert RAW.search(str(info.value)) is None and "\n" not in str(info.value)


def test_check_and_estimate_refuse_a_rule_file_with_a_control_character(
    tmp_path: Path, capsys: Any
) -> None:
    directory = tmp_path / "rules"
    write_rule(directory, _named("Evil\x1b]0;title\x07 voucher"))
    assert main(["check", str(directory)]) == 1
    out = capsys.readouterr().out
    _lines_clean(out)
    assert "name.en" in out and "control character" in out and "1 invalid" in out
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(profile(amount="1万")), encoding="utf-8")
    assert main(["--rules", str(directory), "estimate", str(path), "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert json.loads(err)["error"]["code"] == "rules.control_character"
    with pytest.raises(RuleFileError) as info:
        load_rules(directory)
    assert info.value.code == "rules.control_character"


@given(hostile_text)
def test_text_views_escape_a_program_that_skipped_validation(name: str) -> None:
    # a Program built without validation (model_copy does not validate) still prints safely
    entry = next(iter(bundled_rules()))
    plain = entry.program
    forged = plain.model_copy(
        update={"name": Prose.model_construct(zh=name, en=name), "issuer": name}
    )
    for locale in ("zh", "en"):
        text = render_program(forged, locale)
        _lines_clean(text)
        assert len(text.splitlines()) == len(render_program(plain, locale).splitlines())


# -- charts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label", ["a $\\frac$ b", "$x^2$", "cost in $ only", "back\\slash", "a \\$ b $"]
)
def test_chart_labels_are_drawn_as_written(label: str) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from decimal import Decimal

    from aivoucher.render.plot import range_bars

    ax = range_bars([label, "plain"], [Decimal(1), Decimal(2)], [Decimal(3), Decimal(4)])
    ax.figure.canvas.draw()  # mathtext would raise on "$\frac$"
    ticks = ax.get_yticklabels()
    assert [t.get_text() for t in ticks] == [label, "plain"]
    assert not any(t.get_parse_math() or t.get_usetex() for t in ticks)


def test_a_program_name_with_dollars_plots(tmp_path: Path) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    directory = tmp_path / "rules"
    write_rule(directory, rule(name={"zh": "测试券", "en": "Pay $5$ \\now"}))
    rules = load_rules(directory)
    result = aivoucher.sweep(profile(amount="100万"), ["10万", "300万"], as_of=AS_OF, rules=rules)
    ax = result.plot()
    ax.figure.canvas.draw()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("Pay $5$ \\now" in text for text in legend)


# -- report -o -----------------------------------------------------------------------------------


def _one_line(capsys: Any, argv: list[str]) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    return err


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(profile(amount="100万")), encoding="utf-8")
    return path


def test_report_refuses_to_overwrite_its_profile(
    tmp_path: Path, capsys: Any, profile_file: Path
) -> None:
    before = profile_file.read_bytes()
    link = tmp_path / "link.yaml"
    link.symlink_to(profile_file)
    hard = tmp_path / "hard.yaml"
    os.link(profile_file, hard)
    for target in (profile_file, link, hard, tmp_path / "." / "p.yaml"):
        err = _one_line(capsys, ["report", str(profile_file), "-o", str(target)])
        assert "input" in err
        assert profile_file.read_bytes() == before
    with pytest.raises(InputError) as info:
        output.check_target(link, [profile_file])
    assert info.value.code == "output.is_input"


def test_report_refuses_a_directory_and_a_device(
    tmp_path: Path, capsys: Any, profile_file: Path
) -> None:
    for target in (tmp_path, Path(os.devnull)):
        _one_line(capsys, ["report", str(profile_file), "-o", str(target)])
        with pytest.raises(InputError) as info:
            output.check_target(target, [profile_file])
        assert info.value.code == "output.unwritable"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_report_refuses_a_named_pipe_without_blocking(tmp_path: Path, profile_file: Path) -> None:
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    done = subprocess.run(
        [*CLI, "report", str(profile_file), "-o", str(fifo)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "pipe" in done.stderr


def test_report_replaces_a_file_whole_and_keeps_it_when_writing_fails(
    tmp_path: Path, capsys: Any, profile_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "r.html"
    target.write_text("the old report", encoding="utf-8")
    os.chmod(target, 0o640)
    link = tmp_path / "latest.html"
    link.symlink_to(target)
    assert main(["report", str(profile_file), "-o", str(link)]) == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("<!")
    assert (target.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.html", "p.yaml", "r.html"]

    target.write_text("the old report", encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    err = _one_line(capsys, ["report", str(profile_file), "-o", str(target)])
    assert "No space left" in err
    assert target.read_text(encoding="utf-8") == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.html", "p.yaml", "r.html"]
