"""The documentation's examples run, and README and CI agree on the test command."""

import doctest
from pathlib import Path

import pytest
from conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_doc_examples_run(path: Path) -> None:
    result = doctest.testfile(str(path), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def _command(text: str, marker: str) -> str:
    lines = [line.strip() for line in text.splitlines()]
    found = [line for line in lines if marker in line and line.startswith("python3 -m venv")]
    assert len(found) == 1, f"README must give exactly one command containing {marker!r}"
    return found[0]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = _command(readme, "pytest")
    assert test_command in ci.splitlines()
    demo = _command(readme, "aivoucher estimate")
    profile = demo.split("aivoucher estimate ", 1)[1].split()[0]
    assert (ROOT / profile).is_file()


def test_package_docstring_example() -> None:
    import aivoucher

    assert doctest.testmod(aivoucher).failed == 0
