"""Reading a trace back quickly (aivoucher.render.json.step_written): a document's step is told
to be what the writer writes for the step made again without writing it, and only where it is.
The quick test may say "in doubt" (the reader then writes the step and compares), never "the
same" where the writer's step differs."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from conftest import json_paths
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.base.documents import parse_json
from aivoucher.render.estimate_compare import difference
from aivoucher.render.json import _step, detail_items, step_written
from aivoucher.ruleset.registry import bundled_rules
from aivoucher.testing import profiles
from aivoucher.vocabulary.trace import Step

RULES = bundled_rules()


def _steps(prof: Any, as_of: str = "2025-06-30") -> list[Step]:
    found: list[Step] = []
    for award in aivoucher.estimate(prof, as_of=as_of, include_all=True).awards:
        award.explanation(found.append)
    return found


def _example_steps() -> list[Step]:
    """The steps of every bundled rule file's examples: every kind of step and detail."""
    found: list[Step] = []
    for program in RULES.programs:
        for example in program.examples:
            found += _steps(example.profile, example.as_of.isoformat())
    return found


STEPS = _example_steps()


def _read(step: Step) -> Any:
    """The step as a document carries it: written, then parsed as the reader parses."""
    return parse_json(json.dumps(_step(step), ensure_ascii=False))


def test_every_step_written_is_told_the_same_without_writing() -> None:
    assert len({s.kind for s in STEPS}) > 5
    for step in STEPS:
        assert step_written(_read(step), step), step
        assert detail_items(step.detail) == step.detail.items()


# What a forger or a damaged file may put in place of a value: the same value of another type
# above all (1 for true, a number for its text, a decimal for an integer).
_replacements = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.decimals(-3, 3, places=1),
    st.sampled_from(["", "0", "1", "true", "condition", "applicant.city"]),
    st.just([]),
    st.just({}),
)


def _changed(value: Any, path: tuple[Any, ...], how: str, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        if not rest and how == "drop":
            del copy[head]
        elif not rest and how == "add":
            copy["extra"] = new
        else:
            copy[head] = _changed(value[head], rest, how, new)
        return copy
    copy_list = list(value)
    if not rest and how == "drop":
        del copy_list[head]
    elif not rest and how == "add":
        copy_list.append(new)
    else:
        copy_list[head] = _changed(value[head], rest, how, new)
    return copy_list


def _retyped(value: Any) -> Any:
    """An equal value of another type, where there is one (``True`` → ``1``, ``1`` →
    ``Decimal(1)``): what only a strict comparison refuses."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return Decimal(value)
    return value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_changed_step_is_never_told_the_same(data: st.DataObject) -> None:
    step = data.draw(st.sampled_from(STEPS))
    raw = _read(step)
    path = data.draw(st.sampled_from(json_paths(raw)))
    how = data.draw(st.sampled_from(["replace", "retype", "drop", "add"]))
    if how == "retype":
        old: Any = raw
        for part in path:
            old = old[part]
        changed = _changed(raw, path, "replace", _retyped(old))
    elif how in ("drop", "add") and path and isinstance(raw, (dict, list)):
        changed = _changed(raw, path, how, data.draw(_replacements))
    else:
        changed = _changed(raw, path, "replace", data.draw(_replacements))
    # where the quick test is in doubt, or finds a difference, the writer's step says which
    if step_written(changed, step):
        assert difference(changed, _step(step)) is None


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prof=profiles(), as_of=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
def test_random_profiles_steps_are_told_the_same(prof: Any, as_of: dt.date) -> None:
    for step in _steps(prof, as_of.isoformat()):
        raw = _read(step)
        assert step_written(raw, step)
        assert difference(raw, _step(step)) is None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prof=profiles(), as_of=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
def test_the_awards_read_back_carry_the_trace_the_rules_give(prof: Any, as_of: dt.date) -> None:
    # the paying awards keep the trace made for the comparison: it is the one the award
    # made again would explain
    made = aivoucher.estimate(prof, as_of=as_of)
    read = aivoucher.Estimate.from_json(made.to_json())
    assert read == made
    for ours, theirs in zip(read.awards, made.awards, strict=True):
        assert (ours.reasons, ours.assumptions, ours.steps) == (
            theirs.reasons,
            theirs.assumptions,
            theirs.steps,
        )


def test_a_paying_estimate_read_back_carries_its_trace() -> None:
    from pathlib import Path

    readme = Path(__file__).parents[2] / "examples" / "profiles" / "shenzhen-startup.yaml"
    made = aivoucher.estimate(aivoucher.load_profile(readme), as_of="2025-06-30")
    read = aivoucher.Estimate.from_json(made.to_json())
    paying = [a for a in read.awards if a.eligible and a.high]
    assert paying and all(a.steps for a in paying)
    for ours, theirs in zip(read.awards, made.awards, strict=True):
        assert ours == theirs
        assert ours.steps == theirs.steps
