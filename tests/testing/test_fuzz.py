"""Bounded fuzzing in the suite (longer runs: scripts/fuzz.py). Any exception other than an
InputError fails the test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aivoucher.errors import InputError, RuleFileError
from aivoucher.testing.fuzzing import (
    fuzz_profile_data,
    fuzz_profile_text,
    fuzz_rule_text,
    mutations,
    yaml_texts,
)

FUZZ = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@FUZZ
@given(yaml_texts())
def test_rule_loader_survives_yaml_like_text(text: str) -> None:
    fuzz_rule_text(text)


@FUZZ
@given(st.text(max_size=200))
def test_rule_loader_survives_any_text(text: str) -> None:
    fuzz_rule_text(text)


@FUZZ
@given(yaml_texts())
def test_profile_parser_survives_yaml_like_text(text: str) -> None:
    fuzz_profile_text(text)


@FUZZ
@given(
    st.fixed_dictionaries(
        {
            "applicant": st.fixed_dictionaries(
                {
                    "kind": st.sampled_from(["enterprise", "person"]),
                    "city": st.sampled_from(["深圳", "gotham", "chengdu"]),
                },
                optional={
                    "startup": st.one_of(st.booleans(), st.text(max_size=3)),
                    "qualifications": st.lists(st.text(max_size=5), max_size=2),
                },
            ),
            "purchases": st.lists(
                st.fixed_dictionaries(
                    {
                        "item": st.sampled_from(["compute", "model", "gpu"]),
                        "amount": st.one_of(
                            st.integers(-5, 10**14), st.text(max_size=8), st.floats()
                        ),
                        "signed": st.one_of(st.dates().map(str), st.text(max_size=10)),
                    }
                ),
                max_size=3,
            ),
        }
    )
)
def test_profile_parser_survives_near_valid_data(data: Any) -> None:
    fuzz_profile_data(data)


@FUZZ
@given(mutations())
def test_mutated_rule_files_fail_cleanly(tmp_path_factory: Any, mutation: tuple[str, Any]) -> None:
    name, data = mutation
    directory: Path = tmp_path_factory.mktemp("fuzz")
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        from aivoucher.ruleset.registry import load_program

        load_program(path)
    except RuleFileError as exc:
        assert exc.file == str(path) and exc.message
    except InputError:
        pass
