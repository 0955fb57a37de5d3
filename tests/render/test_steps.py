"""The words of trace steps: one entry per step kind, and every kind the bundled programs'
examples record reads as one line in both languages."""

from __future__ import annotations

import pytest

from aivoucher.render.messages import messages
from aivoucher.render.steps import WORDS, step_line
from aivoucher.ruleset.registry import bundled_rules, example_profile
from aivoucher.vocabulary.result import StepKind


def test_every_step_kind_has_its_words() -> None:
    assert set(WORDS) == set(StepKind)


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_every_recorded_step_reads_as_one_line(locale: str) -> None:
    m = messages(locale)
    seen: set[StepKind] = set()
    for entry in bundled_rules():
        for index, example in enumerate(entry.program.examples):
            profile = example_profile(entry.program, index, entry.path)
            award = entry.plan.explain(profile, frozenset(example.assume))
            for step in award.steps:
                line = m.step(step)
                assert line == step_line(m, step)
                assert line.strip() and "\n" not in line
                seen.add(step.kind)
    assert len(seen) >= 12  # the examples exercise most kinds
