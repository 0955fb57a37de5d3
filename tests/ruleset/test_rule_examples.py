"""Every example in every bundled rule file runs as a test (and `aivoucher check` agrees)."""

import pytest
from conftest import RULES

from aivoucher.ruleset.checking import check_directory, run_example
from aivoucher.ruleset.registry import bundled_rules

CASES = [
    pytest.param(entry, i, id=f"{entry.program.key}: {example.name}")
    for entry in bundled_rules()
    for i, example in enumerate(entry.program.examples)
]


def test_there_are_examples() -> None:
    assert len(CASES) >= 40
    assert len(bundled_rules()) >= 13


@pytest.mark.parametrize(("entry", "index"), CASES)
def test_example(entry: object, index: int) -> None:
    outcome = run_example(entry, index)  # type: ignore[arg-type]
    assert outcome.passed, "\n".join(outcome.problems)


def test_check_directory_reports_all_bundled_rules_ok() -> None:
    report = check_directory(RULES)
    assert report.ok
    assert report.files == len(bundled_rules())
    assert len(report.outcomes) == len(CASES)
