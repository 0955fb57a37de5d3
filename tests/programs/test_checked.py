"""Every bundled rule file says when its texts were last read against their sources
(``checked``), and that day cannot come before the sources it read were published."""

from __future__ import annotations

import pytest

from aivoucher.ruleset.registry import bundled_rules

PROGRAMS = {p.key: p for p in bundled_rules().programs}


@pytest.mark.parametrize("key", sorted(PROGRAMS))
def test_every_bundled_file_records_when_it_was_checked(key: str) -> None:
    assert PROGRAMS[key].checked is not None, f"{key}: no checked date"


@pytest.mark.parametrize("key", sorted(PROGRAMS))
def test_checked_is_not_before_any_dated_source(key: str) -> None:
    # A text cannot be read against a source before that source exists, so the reading is no
    # earlier than the newest source date the file records (and so than the earliest one).
    program = PROGRAMS[key]
    dated = [(s.id, s.date) for s in program.sources if s.date is not None]
    assert program.checked is not None
    assert all(day <= program.checked for _, day in dated), (key, program.checked, dated)
