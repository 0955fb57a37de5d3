"""The house standard: ruff and mypy --strict clean."""

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT


def _tool(name: str) -> list[str]:
    exe = shutil.which(name, path=str(ROOT / ".venv" / "bin")) or shutil.which(name)
    if exe is None:
        pytest.fail(f"{name} is not installed (it is part of the `test` extra)")
    return [exe]


def test_ruff_clean() -> None:
    proc = subprocess.run(
        [*_tool("ruff"), "check", "src", "tests"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = subprocess.run(
        [*_tool("ruff"), "format", "--check", "src"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_clean() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "src/aivoucher"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_eval_or_exec_in_the_package() -> None:
    import re

    pattern = re.compile(r"\b(eval|exec)\s*\(")
    offenders = [
        str(path)
        for path in (ROOT / "src" / "aivoucher").rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
