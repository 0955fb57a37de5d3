"""aivoucher.testing: strategies that always validate, and invariants that run on every bundled
program and catch broken rule files."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest
from conftest import rule, write_rule
from hypothesis import given, settings

from aivoucher.ruleset.registry import Entry, bundled_rules
from aivoucher.testing import (
    InvariantViolation,
    applicants,
    check_invariants,
    estimate_violations,
    invariant_violations,
    profiles,
    profiles_for,
    purchases,
)
from aivoucher.vocabulary.profile import Profile

ENTRIES = [pytest.param(e, id=e.program.key) for e in bundled_rules()]


@pytest.mark.parametrize("entry", ENTRIES)
def test_invariants_hold_for_every_bundled_program(entry: Entry) -> None:
    check_invariants(entry.program, max_examples=settings.default.max_examples)


@pytest.mark.parametrize("entry", ENTRIES)
def test_totals_stay_between_the_largest_award_and_the_sum(entry: Entry) -> None:
    """Every program's edge profiles, estimated against every bundled program in force on a
    date inside the program's window: the totals obey their bounds whatever stacks."""
    rules = bundled_rules()
    day = entry.program.effective.to or entry.program.effective.from_

    @settings(max_examples=max(10, settings.default.max_examples // 3), database=None)
    @given(profiles_for(entry.program))
    def run(profile: Profile) -> None:
        assert estimate_violations(rules.estimate(profile, as_of=day)) == []

    run()


@given(profiles())
def test_profiles_always_validate(profile: Profile) -> None:
    assert Profile.model_validate(profile.model_dump()) == profile


@given(applicants(), purchases())
def test_parts_validate(applicant: dict[str, object], purchase: object) -> None:
    Profile.model_validate({"applicant": applicant, "purchases": [purchase]})


def test_profiles_for_reaches_the_edges() -> None:
    entry = bundled_rules().get("shenzhen.training-compute")
    seen_amounts: set[str] = set()
    seen_cities: set[str] = set()

    @settings(max_examples=300, database=None)
    @given(profiles_for(entry.program))
    def collect(profile: Profile) -> None:
        seen_cities.add(profile.applicant.city)
        seen_amounts.update(str(p.amount) for p in profile.purchases)

    collect()
    # 1000万 cap ÷ 60% and ÷ 50%, at, just below and just above
    assert {"16666666.67", "20000000.00", "19999999.99", "20000000.01"} & seen_amounts
    assert "shenzhen" in seen_cities and seen_cities - {"shenzhen"}


def test_catches_a_cap_below_an_example(tmp_path: Path) -> None:
    data = rule(
        caps=[{"per": "applicant_year", "amount": "40万", "source": "text", "quote": "最高40万元"}]
    )
    with pytest.raises(InvariantViolation, match=r"examples\[0\].*expected 500000, got 400000"):
        check_invariants(write_rule(tmp_path, data), max_examples=5)


def test_catches_a_tier_paying_above_the_ceiling() -> None:
    data = rule(
        rate={
            "tiers": [{"rate": "80%", "source": "text", "quote": "80%"}],
            "ceiling": {"rate": "60%", "source": "text", "quote": "不超过60%"},
        }
    )
    data["examples"][0]["expect"] = {"amount": "60万"}
    data["examples"][0]["profile"]["purchases"][0]["amount"] = "100万"
    from aivoucher.vocabulary.schema import Program

    with pytest.raises(InvariantViolation, match="above the ceiling"):
        check_invariants(Program.model_validate(data), max_examples=5)


def test_catches_a_tier_cap_the_program_cap_overrides() -> None:
    data = copy.deepcopy(rule())
    data["rate"] = {
        "tiers": [{"rate": "50%", "cap": "500万", "source": "text", "quote": "最高500万"}]
    }
    data["caps"] = [{"per": "purchase", "amount": "100万", "source": "text", "quote": "最高100万"}]
    from aivoucher.vocabulary.schema import Program

    with pytest.raises(InvariantViolation, match="always overrides"):
        check_invariants(Program.model_validate(data), max_examples=5)


def test_invariant_violations_reports_a_broken_engine_result() -> None:
    """A plan whose caps were dropped after compiling pays above the file's cap: caught."""
    entry = bundled_rules().get("shenzhen.training-compute")
    from aivoucher.evaluate.engine import compile_program

    # the changed copy compiles its own fast path, so both paths see the broken plan
    broken = dataclasses.replace(compile_program(entry.program), caps_year=(), pool=None)
    profile = Profile.model_validate(
        {
            "applicant": {"kind": "enterprise", "city": "shenzhen", "startup": True},
            "purchases": [
                {"item": "compute", "use": "training", "amount": "5000万", "signed": "2025-03-01"}
            ],
        }
    )
    problems = invariant_violations(broken, profile)
    assert any("exceeds the applicant_year cap" in p for p in problems)
    assert invariant_violations(entry.plan, profile) == []
