"""Hostile input: every case ends in one clear line (CLI, exit code 2) or a typed exception
(API) that names the file, line or field — never a traceback, a hang or a wrong number."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import rule, write_rule

from aivoucher.cli import main
from aivoucher.errors import InputError
from aivoucher.ruleset.registry import load_program, load_rules

VALID_PROFILE = "applicant: {kind: enterprise, city: shenzhen}\npurchases: []\n"


def _rules_dir(tmp_path: Path, text: str | bytes) -> Path:
    directory = tmp_path / "rules"
    write_rule(directory, rule())
    hostile = directory / "shenzhen" / "hostile.yaml"
    if isinstance(text, bytes):
        hostile.write_bytes(text)
    else:
        hostile.write_text(text, encoding="utf-8")
    return directory


def _bomb() -> str:
    text = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        text += f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    return text


HOSTILE_RULES: dict[str, tuple[str | bytes, str]] = {
    "malformed": ("id: [unclosed\n", "malformed YAML"),
    "wrong type": (yaml.safe_dump({**rule(id="shenzhen.hostile"), "caps": "many"}), "caps"),
    "unknown key": (yaml.safe_dump({**rule(id="shenzhen.hostile"), "bonus": 1}), "unknown field"),
    "duplicate key": ("id: shenzhen.hostile\nid: shenzhen.hostile\n", "duplicate key 'id'"),
    "ten megabytes": ("a: " + "x" * (10 << 20) + "\n", "too large"),
    "deep nesting": ("a: " + "[" * 10_000 + "]" * 10_000 + "\n", "nested deeper"),
    "alias bomb": (_bomb(), "anchors"),
    "python object": ("!!python/object/apply:os.system ['echo pwned']\n", "not allowed"),
    "python name": ("id: !!python/name:os.system\n", "not allowed"),
    "not utf-8": ("id: caf\xe9\n".encode("latin-1"), "not valid UTF-8"),
    "bad amount": (
        yaml.safe_dump(
            {
                **rule(id="shenzhen.hostile"),
                "pool": {"amount": "10亿亿", "period": "year", "source": "text", "quote": "q"},
            }
        ),
        "not an amount",
    ),
    "bad date": (
        yaml.safe_dump(
            {
                **rule(id="shenzhen.hostile"),
                "effective": {"from": "2025-02-30", "source": "text", "quote": "q"},
            }
        ),
        "no such date",
    ),
    "unknown city": (
        yaml.safe_dump(
            {
                **rule(id="shenzhen.hostile"),
                "eligibility": [
                    {"fact": "applicant.city", "in": ["gotham"], "source": "text", "quote": "q"}
                ],
            }
        ),
        "unknown city",
    ),
    "empty": ("", "mapping"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_RULES))
def test_hostile_rule_files(tmp_path: Path, capsys: Any, case: str) -> None:
    text, needle = HOSTILE_RULES[case]
    directory = _rules_dir(tmp_path, text)
    hostile = directory / "shenzhen" / "hostile.yaml"
    with pytest.raises(InputError) as info:
        load_program(hostile)
    assert needle in str(info.value)
    assert info.value.file == str(hostile)
    with pytest.raises(InputError):
        load_rules(directory)
    profile = tmp_path / "p.yaml"
    profile.write_text(VALID_PROFILE, encoding="utf-8")
    code = main(["--rules", str(directory), "estimate", str(profile)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(hostile) in err and needle in err


HOSTILE_PROFILES: dict[str, tuple[str, str]] = {
    "1e400": ("1e400", "not an amount"),
    "NaN": ("NaN", "not an amount"),
    ".nan": (".nan", "not an amount"),
    "-0": ("'-0'", "negative"),
    "10亿亿": ("10亿亿", "not an amount"),
    "huge": ("99999999999999999999", "maximum"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_PROFILES))
def test_hostile_amounts(tmp_path: Path, capsys: Any, case: str) -> None:
    value, needle = HOSTILE_PROFILES[case]
    path = tmp_path / "p.yaml"
    path.write_text(
        "applicant: {kind: enterprise, city: shenzhen}\npurchases:\n"
        f"  - item: compute\n    amount: {value}\n    signed: 2025-01-01\n",
        encoding="utf-8",
    )
    code = main(["estimate", str(path)])
    _, err = capsys.readouterr()
    assert code == 2 and f"{path}:4: purchases[0].amount:" in err and needle in err


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "mapping"),
        ("{}", "applicant: required field is missing"),
        ("applicant: {kind: enterprise, city: shenzhen}\npurchases: 7\n", "purchases"),
        ("applicant: {kind: enterprise, city: 火星}\n", "unknown city '火星'"),
        (
            "applicant: {kind: enterprise, city: shenzhen, qualifications: [no-such-status]}\n",
            "unknown qualification",
        ),
        ("[" * 50_000, "nested deeper"),
    ],
)
def test_hostile_profiles(tmp_path: Path, capsys: Any, text: str, needle: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["estimate", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and needle in err


def test_unknown_program_id(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(VALID_PROFILE, encoding="utf-8")
    code = main(["estimate", str(path), "--program", "gotham.voucher"])
    _, err = capsys.readouterr()
    assert code == 2 and "unknown program 'gotham.voucher'" in err


def test_hundred_thousand_purchases_finish_in_bounded_memory(tmp_path: Path) -> None:
    """A 100,000-purchase profile: loads, estimates every program and writes JSON, in a child
    process whose peak memory is measured (no timing is asserted: machines are shared)."""
    path = tmp_path / "big.yaml"
    lines = ["applicant: {kind: enterprise, city: shenzhen, startup: true}", "purchases:"]
    lines += [
        f"  - {{item: compute, use: training, amount: {1000 + i}, signed: 2025-0{1 + i % 9}-01}}"
        for i in range(100_000)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # A small process starts the command and reports its own peak: a child forked from this
    # (large) test process would count the pages it shares with it until it execs.
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _PEAK_OF,
            sys.executable,
            "-m",
            "aivoucher.cli",
            "estimate",
            str(path),
            "--as-of",
            "2025-06-30",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    peak_kib = int(proc.stdout.split()[-1])
    # Under 400 MB (about 310 MB measured): awards of a long profile build their trace when
    # read, and the JSON is written one trace entry at a time (docs/performance.md).
    assert peak_kib < 400 * 1000


# Runs argv[1:] with its output discarded; prints the command's peak memory in KiB, or fails
# with its exit code and standard error.
_PEAK_OF = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(child.pid, 0)
code = os.waitstatus_to_exitcode(status)
if code:
    sys.exit(f"exit {code}: {child.stderr.read().decode()}")
print(usage.ru_maxrss)
"""
