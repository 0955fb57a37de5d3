"""Validating rule files and running their examples (``aivoucher check``, and the test suite).

An example passes when the engine's award matches its ``expect``: eligibility, ``low``/``high``
to the fen, the failed fact named among the reasons, the missing fields named. A failing example
says what it expected and what it got.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import InputError, RuleFileError
from ..evaluate.engine import Plan, compile_program
from ..vocabulary.profile import Profile
from ..vocabulary.result import Award, ReasonCode
from ..vocabulary.schema import Example
from .registry import Entry, RuleSet, directory_files, example_profile, load_program

__all__ = ["CheckReport", "ExampleOutcome", "check_directory", "compare", "run_example"]


@dataclass(frozen=True, slots=True)
class ExampleOutcome:
    program: str
    path: Path
    name: str
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class CheckReport:
    files: int
    errors: tuple[InputError, ...]
    outcomes: tuple[ExampleOutcome, ...]

    @property
    def ok(self) -> bool:
        return not self.errors and all(o.passed for o in self.outcomes)


#: Reasons that name the fact a purchase or the applicant fails on.
_FACT_REASONS = (
    ReasonCode.CONDITION_FAILED,
    ReasonCode.CONDITION_UNKNOWN,
    ReasonCode.BEFORE_EFFECTIVE,
    ReasonCode.AFTER_END,
    ReasonCode.OTHER_VERSION,
)


def compare(example: Example, award: Award) -> list[str]:
    """How an award differs from an example's expectation (an empty list when it matches)."""
    exp = example.expect
    problems: list[str] = []
    if award.eligible is not exp.eligible:
        problems.append(f"eligible: expected {exp.eligible}, got {award.eligible}")
    low = exp.amount if exp.amount is not None else exp.low
    high = exp.amount if exp.amount is not None else exp.high
    if exp.eligible is False:
        low = high = Decimal(0)
    for name, want, got in (("low", low, award.low), ("high", high, award.high)):
        if want is not None and got != want:
            problems.append(f"{name}: expected {want}, got {got}")
    if exp.reason is not None:
        facts = {r.fact for r in award.reasons if r.code in _FACT_REASONS}
        if exp.reason not in facts:
            problems.append(f"reason: expected {exp.reason} among {sorted(f for f in facts if f)}")
    for field in exp.missing:
        if field not in award.missing:
            problems.append(f"missing: expected {field} among {list(award.missing)}")
    return problems


def run_example(entry: Entry, index: int) -> ExampleOutcome:
    """Evaluate one example of a loaded rule file against its expectation."""
    program = entry.program
    example = program.examples[index]
    problems: list[str] = []
    if program.status != "draft" and not program.in_force(example.as_of):
        problems.append(f"as_of {example.as_of} is outside the program's effective period")
    try:
        profile = example_profile(program, index, entry.path)
    except InputError as exc:
        return ExampleOutcome(program.key, entry.path, example.name, (str(exc),))
    problems += compare(example, evaluate_example(entry.plan, profile, example))
    return ExampleOutcome(program.key, entry.path, example.name, tuple(problems))


def evaluate_example(plan: Plan, profile: Profile, example: Example) -> Award:
    """An example's award, as ``aivoucher check`` and :func:`aivoucher.testing.check_invariants`
    both judge it: the rule file's own version over the contracts its window covers."""
    program = plan.program
    window = program.window if program.rate.tiers else None
    return plan.evaluate(profile, example.assume, window=window)


def _unknown_stacking(entries: list[Entry]) -> list[InputError]:
    """Stacking relations that name a program no rule file in the set defines."""
    known = {e.program.id for e in entries}
    return [
        RuleFileError(
            f"stacking relation names unknown program {st.program!r}",
            file=str(e.path),
            field=f"stacking[{i}].program",
            code="rules.unknown_reference",
        )
        for e in entries
        for i, st in enumerate(e.program.stacking)
        if st.program not in known
    ]


def check_directory(directory: str | Path) -> CheckReport:
    """Validate every rule file under ``directory`` and run every example; collect all failures
    instead of stopping at the first."""
    root = Path(directory)
    files = directory_files(root)
    errors: list[InputError] = []
    entries: list[Entry] = []
    for path in files:
        try:
            program = load_program(path)
        except InputError as exc:
            errors.append(exc)
            continue
        entries.append(Entry(path, program, compile_program(program)))
    try:
        RuleSet(entries, root)
    except InputError as exc:
        errors += exc.errors  # every overlapping pair of versions, not only the first
    errors += _unknown_stacking(entries)
    outcomes = [run_example(e, i) for e in entries for i in range(len(e.program.examples))]
    return CheckReport(len(files), tuple(errors), tuple(outcomes))
