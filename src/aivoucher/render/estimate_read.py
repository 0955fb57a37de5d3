"""Reading an estimate's JSON back, believing nothing the rules do not give.

A document's figures are not taken on trust. :func:`read_estimate` makes the estimate again from
the profile and the date the document carries, with the rule set the caller names and the
settings the document records (the switches and the renewal its awards list as assumptions), and
requires the document to be, field for field, what ``to_json`` writes for that estimate, in one
locale: each award's amounts, trace, reasons and assumptions, the totals and the stacking notes.
What it returns is the estimate made again, so nothing of the document but its profile and date
reaches the caller.

The work is bounded by the document and the rules, never by what the document claims: the awards
are counted against what the rule set can give before anything is built, the trace is compared one
step at a time with the trace made again (a document cannot make the reader build more than the
rules' trace and one entry), pydantic is run on the profile a chunk at a time and, where the
document differs, on the one part that differs (to tell a malformed value from a wrong one), and
at most :data:`MAX_PROBLEMS` problems are collected before the reader stops.

Where each part lives: the document's own fields, checked before anything is built, in
:mod:`aivoucher.render.estimate_fields`; the problems found and the comparison with what is
written for the estimate made again in :mod:`aivoucher.render.estimate_compare`; here, making
the estimate again and comparing each award, its trace one step at a time, and the head.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..errors import EstimateError, InputError, UnknownProgramError
from .estimate_compare import (
    MAX_PROBLEMS,
    Compare,
    Full,
    Path,
    Problems,
    difference,
    malformed_parts,
    show,
)
from .estimate_fields import (
    DATE,
    MAX_PURCHASES,
    check_bounds,
    check_indices,
    max_awards,
    program_of,
    read_identities,
    read_profile,
    read_settings,
)
from .estimate_json import READS

if TYPE_CHECKING:
    from ..evaluate.traced import Window
    from ..ruleset.registry import Entry, Evaluator, RuleSet
    from ..vocabulary.profile import Profile
    from ..vocabulary.result import Assumption, Award, Estimate, Reason, Step
    from ..vocabulary.schema import Program
    from .messages import Messages

__all__ = ["MAX_PROBLEMS", "MAX_PURCHASES", "estimate_from_json", "read_estimate"]


def read_estimate(data: dict[str, Any], rules: RuleSet) -> Estimate:
    """The estimate ``data`` (parsed JSON of schema_version 2) describes, made again with
    ``rules``; :class:`EstimateError` unless ``data`` is exactly what its ``to_json`` writes."""
    problems = Problems()
    try:
        estimate = _read(data, rules, problems)
    except Full:
        raise problems.error() from None
    problems.check()
    assert estimate is not None
    return estimate


def _read(data: dict[str, Any], rules: RuleSet, problems: Problems) -> Estimate | None:
    from ..base.dates import as_of_date

    awards = data.get("awards")
    if not isinstance(awards, list):
        problems.add(
            "required field is missing" if "awards" not in data else "awards is a list",
            ("awards",),
            "estimate.invalid",
        )
        return None
    # cheap checks on the parsed JSON first: counts and copies, before anything is built
    limit = max_awards(rules)
    if len(awards) > limit:
        # the copies among the first awards say more than the count, where there are some
        try:
            read_identities(awards[: limit + 1], Problems(), copies=problems)
        except Full:  # enough malformed awards to stop looking, or enough copies
            if len(problems.found) >= MAX_PROBLEMS:
                raise
        problems.add(
            f"{len(awards):,} awards; the rules give at most {limit:,}",
            ("awards",),
            "estimate.too_large",
        )
        problems.check()
    identities = read_identities(awards, problems)
    for key in ("uncounted", "stacking"):
        entries = data.get(key)
        most = len(awards) if key == "uncounted" else len(awards) * len(awards)
        if isinstance(entries, list) and len(entries) > most:
            problems.add(
                f"{len(entries):,} entries for {len(awards):,} awards", (key,), "estimate.too_large"
            )
    problems.check()
    for i, award in enumerate(awards):
        check_bounds(award, ("awards", i), ("low", "high"), problems)
    check_bounds(data, (), ("total_low", "total_high"), problems)
    as_of = data.get("as_of")
    day: dt.date | None = None
    if not isinstance(as_of, str) or not DATE.fullmatch(as_of):
        problems.add(f"{show(as_of)} is not an ISO date", ("as_of",), "estimate.invalid")
    else:
        try:
            day = as_of_date(as_of)
        except InputError as exc:
            problems.add(exc.message, ("as_of",), "estimate.invalid")
    profile = read_profile(data.get("profile"), problems)
    if profile is not None:
        check_indices(awards, len(profile.purchases), problems)
    switches, renewal = read_settings(awards, rules, problems)
    problems.check()
    programs = [program_of(rules, ident, i) for i, ident in enumerate(identities) if ident]
    assert day is not None and profile is not None
    attempt = _remake(data, awards, identities, rules, profile, day, switches, renewal)
    if isinstance(attempt, Problems) and not renewal and _past_an_end(programs, profile):
        # A purchase signed after a program's last known version ends, and no award says that
        # renewal was assumed: it may still have been (where no such purchase qualifies, no
        # award records it, yet the other versions' reasons differ).
        again = _remake(data, awards, identities, rules, profile, day, switches, True)
        if not isinstance(again, Problems):
            attempt = again
    if isinstance(attempt, Problems):
        problems.found.extend(attempt.found)
        return None
    return attempt


def _past_an_end(programs: Sequence[Program], profile: Profile) -> bool:
    ends = [p.window[1] for p in programs if p.window[1] is not None]
    first = min((e for e in ends if e is not None), default=None)
    return first is not None and any(p.signed > first for p in profile.purchases)


def _remake(
    data: dict[str, Any],
    awards: Sequence[dict[str, Any]],
    identities: Sequence[tuple[str, str | None, bool] | None],
    rules: RuleSet,
    profile: Profile,
    day: dt.date,
    switches: list[str],
    renewal: bool,
) -> Estimate | Problems:
    """The estimate made again with these settings if the document is exactly its JSON, else
    the problems found (at most :data:`MAX_PROBLEMS`)."""
    problems = Problems()
    try:
        ids = list(dict.fromkeys(ident[0] for ident in identities if ident))
        try:
            # every version of every program the document lists: the document may leave out
            # those that pay nothing for being out of force, as an estimate without
            # include_all does. Each award's trace is compared below: one the general engine
            # makes is kept as it is made, not made a second time for the comparison.
            made = rules._estimate_read(
                profile,
                programs=ids,
                as_of=day,
                assume=switches,
                assume_renewal=renewal,
                evaluate=_judge(awards, identities),
            )
        except UnknownProgramError:
            raise
        except InputError as exc:
            field = f"profile.{exc.field}" if exc.field else "profile"
            problems.add(exc.message, field, "estimate.invalid")
            return problems
        kept: list[Award] = []
        compare = Compare(problems)
        labels = [p.label(i) for i, p in enumerate(profile.purchases)]
        j = 0
        for i, ident in enumerate(identities):
            assert ident is not None
            while (
                j < len(made.awards)
                and _ident(made.awards[j]) != ident
                and _out_of_force(made.awards[j], day)
            ):
                j += 1
            if j == len(made.awards) or _ident(made.awards[j]) != ident:
                expected = (
                    f"the award of {_key(made.awards[j])} comes here"
                    if j < len(made.awards)
                    else "no further award"
                )
                problems.add(
                    f"{_key_of(ident)} is not the award the rules give here ({expected})",
                    ("awards", i),
                    "estimate.inconsistent",
                )
                return problems
            award = made.awards[j]
            j += 1
            kept.append(_compare_award(awards[i], award, i, labels, compare))
        missing = next((a for a in made.awards[j:] if not _out_of_force(a, day)), None)
        if missing is not None:
            problems.add(
                f"the award of {_key(missing)} is missing", ("awards",), "estimate.inconsistent"
            )
        if problems.found:
            return problems
        # the awards left out pay nothing: the totals, notes and uncounted are the same
        estimate = dataclasses.replace(made, awards=tuple(kept))
        _compare_head(data, estimate, compare)
    except Full:
        return problems
    return problems if problems.found else estimate


def _judge(
    awards: Sequence[dict[str, Any]],
    identities: Sequence[tuple[str, str | None, bool] | None],
) -> Evaluator:
    """What judges each version when the estimate is made again: its plan's evaluation, with
    a trace the general engine makes kept as it is made, where it is no longer than the
    document's award of that version lists (it is compared step by step below, and is not
    made a second time then; a longer one cannot be the document's, and what is kept is never
    more than the document holds)."""
    listed: dict[tuple[str, str | None, bool], int] = {}
    for raw, ident in zip(awards, identities, strict=True):
        steps = raw.get("steps") if ident is not None else None
        if ident is not None and isinstance(steps, list):
            listed[ident] = len(steps)

    def judge(
        entry: Entry,
        profile: Profile,
        switches: frozenset[str],
        window: Window | None,
        coverage: Window | None,
        renewal: bool,
    ) -> Award:
        program = entry.program
        return entry.plan._evaluate_read(
            profile,
            switches,
            window=window,
            coverage=coverage,
            renewal=renewal,
            most=listed.get((program.id, program.version, renewal), 0),
        )

    return judge


class _StepsDiffer(Exception):
    """Stops making a trace again at the first step the document does not match."""


def _no_step(step: Step) -> None:
    raise _StepsDiffer


def _out_of_force(award: Award, day: dt.date) -> bool:
    """Whether ``award`` is the one a program out of force on ``day`` gets (which an estimate
    lists only with ``include_all``, or for a program asked for by name). Its trace is looked at
    last, and not kept."""
    from ..evaluate.engine import not_in_force

    if award.eligible is not False or award.renewal or award.purchases or award.missing:
        return False
    nothing = not_in_force(award.program, day)
    if (award.low, award.high, award.application) != (nothing.low, nothing.high, None):
        return False
    try:
        reasons, assumptions = award.explanation(_no_step)
    except _StepsDiffer:
        return False
    return reasons == nothing.reasons and assumptions == nothing.assumptions


def _ident(award: Award) -> tuple[str, str | None, bool]:
    return (award.program.id, award.program.version, award.renewal)


def _key(award: Award) -> str:
    return _key_of(_ident(award))


def _key_of(ident: tuple[str, str | None, bool]) -> str:
    key = ident[0] if ident[1] is None else f"{ident[0]}@{ident[1]}"
    return key + (" (renewal)" if ident[2] else "")


_TRACE = ("reasons", "assumptions", "steps")


def _compare_award(
    raw: dict[str, Any], award: Award, index: int, labels: Sequence[str], compare: Compare
) -> Award:
    """Compare the document's award with ``award`` (problems go to ``compare``); returns the
    award to keep: ``award``, or where it pays, the same award with the trace made for the
    comparison kept (the totals' readings ask for it again; making it twice was a third of
    reading a long estimate)."""
    from .estimate_json import STEP_MODELS, AssumptionDoc, AwardDoc, ReasonDoc, StepDoc
    from .json import _step, assumption_to_dict, award_to_dict, paying, reason_to_dict, step_written

    where: Path = ("awards", index)
    # the trace's lists are compared entry by entry below, the rest of the award at once
    head = {k: [] if k in _TRACE and isinstance(v, list) else v for k, v in raw.items()}
    # an award written before its confidence was added is judged without it
    earlier = "confidence" not in raw

    def made(loc: str, m: Messages) -> dict[str, Any]:
        out = award_to_dict(award, loc, labels, trace=False)
        if earlier:
            del out["confidence"]
        return out

    if not compare.same(head, made, where, AwardDoc):
        return award
    steps: list[Any] = raw["steps"]
    count = 0
    kept: list[Step] | None = [] if paying([award]) else None

    def step(item: Step) -> None:
        nonlocal count
        if count == len(steps):
            compare.problems.add(
                f"{len(steps):,} steps; the rules give more",
                (*where, "steps", count),
                "estimate.inconsistent",
            )
            raise _StepsDiffer
        mine = steps[count]
        # told without writing the step where it is the same; written and compared, to say
        # where they differ, where it may not be
        if not step_written(mine, item):
            made = _step(item)
            found = difference(mine, made)
            if found is not None:
                kind = mine.get("kind") if isinstance(mine, dict) else None
                model = STEP_MODELS.get(kind, StepDoc) if isinstance(kind, str) else StepDoc
                compare.refuse(mine, made, (*where, "steps", count), found, model, whole=True)
                raise _StepsDiffer
        if kept is not None:
            kept.append(item)
        count += 1

    try:
        reasons, assumptions = award.explanation(step)
    except _StepsDiffer:
        return award
    if count < len(steps):
        extra = steps[count]
        kind = extra.get("kind") if isinstance(extra, dict) else None
        model = STEP_MODELS.get(kind, StepDoc) if isinstance(kind, str) else StepDoc
        malformed = malformed_parts(model, extra, None, (), whole=True)
        for error in malformed:
            compare.problems.add_error(error, (*where, "steps", count))
        if malformed:
            return award
        compare.problems.add(
            f"{len(steps):,} steps; the rules give {count:,}",
            (*where, "steps", count),
            "estimate.inconsistent",
        )
        return award
    if _same_list(raw["reasons"], reasons, reason_to_dict, (*where, "reasons"), ReasonDoc, compare):
        _same_list(
            raw["assumptions"],
            assumptions,
            lambda a, m: assumption_to_dict(a, award, m),
            (*where, "assumptions"),
            AssumptionDoc,
            compare,
        )
    return award if kept is None else _with_trace(award, reasons, assumptions, tuple(kept))


def _with_trace(
    award: Award,
    reasons: tuple[Reason, ...],
    assumptions: tuple[Assumption, ...],
    steps: tuple[Step, ...],
) -> Award:
    """``award`` with the trace its explainer made (what reading ``award.steps`` would make
    again)."""
    from ..vocabulary.result import Award

    return Award(
        program=award.program,
        eligible=award.eligible,
        low=award.low,
        high=award.high,
        reasons=reasons,
        assumptions=assumptions,
        steps=steps,
        missing=award.missing,
        purchases=award.purchases,
        renewal=award.renewal,
        application=award.application,
    )


def _same_list(
    listed: list[Any],
    items: Sequence[Any],
    render: Callable[[Any, Messages], Any],
    where: Path,
    model: Any,
    compare: Compare,
) -> bool:
    """Whether the document's list is the items as written, entry by entry."""
    for k, item in enumerate(items):
        if k == len(listed):
            break

        def made(loc: str, m: Messages, item: Any = item) -> Any:
            return render(item, m)

        if not compare.same(listed[k], made, (*where, k), model, whole=True):
            return False
    if len(listed) > len(items):
        extra = len(items)
        malformed = malformed_parts(model, listed[extra], None, (), whole=True)
        for error in malformed:
            compare.problems.add_error(error, (*where, extra))
        if malformed:
            return False
    if len(listed) != len(items):
        compare.problems.add(
            f"{len(listed):,} entries; the rules give {len(items):,}",
            (*where, min(len(listed), len(items))),
            "estimate.inconsistent",
        )
        return False
    return True


def _compare_head(data: dict[str, Any], estimate: Estimate, compare: Compare) -> None:
    """Everything but the profile and the awards (compared already): the totals above all."""
    from ..base.money import canonical
    from .estimate_json import EstimateHead
    from .json import _head

    for key, value in (("total_low", estimate.total_low), ("total_high", estimate.total_high)):
        if data.get(key) != canonical(value):
            compare.problems.add(
                f"{show(data.get(key))}, but the awards, added up as the rules stack them, "
                f"give {show(canonical(value))}",
                (key,),
                "estimate.totals",
            )
    if compare.problems.found:
        return
    _compare_generator(data, estimate, compare)
    if compare.problems.found:
        return
    # the profile and the awards stand in as empty: they were compared already; who made the
    # document was compared just now (any version of aivoucher may have written it)
    head = {
        k: {} if k == "profile" else [] if k == "awards" else v
        for k, v in data.items()
        if k != "generator"
    }
    # a document written before the renewal figures were added is judged without them
    earlier = [
        k
        for k in (
            "if_renewed_low",
            "if_renewed_high",
            "confidence",
            "checked",
            "missing",
            "assumptions",
            "open_facts",
        )
        if k not in data
    ]
    # open facts written are asked of the estimate made again, as the writer asked them
    narrowing = None
    if data.get("open_facts") is not None:
        from ..questions.whatif import what_narrows

        narrowing = what_narrows(estimate)

    def made(loc: str, m: Messages) -> dict[str, Any]:
        out = _head(estimate, loc, profile=False, narrowing=narrowing)
        out["schema_version"] = data["schema_version"]  # one this version reads, checked
        out["profile"], out["awards"] = {}, []
        del out["generator"]
        for key in earlier:
            del out[key]
        return out

    compare.same(head, made, (), EstimateHead)


def _compare_generator(data: dict[str, Any], estimate: Estimate, compare: Compare) -> None:
    """A document that names the rule files it was made with must have been made with these:
    the same digest and count (one without a ``generator``, from an earlier version, is judged
    by its figures alone)."""
    if "generator" not in data:
        return
    from .estimate_json import GeneratorDoc

    try:
        written = GeneratorDoc.model_validate(data["generator"])
    except ValidationError:
        compare.problems.add("not a generator record", ("generator",), "estimate.invalid")
        return
    if written.rules is None or estimate.rules is None:
        return
    ours = estimate.rules
    for key, theirs, mine in (
        ("digest", written.rules.digest, ours.digest),
        ("count", written.rules.count, len(ours)),
    ):
        if theirs != mine:
            compare.problems.add(
                f"the estimate was made with other rule files ({key} {show(theirs)}); these "
                f"have {show(mine)}: pass the rules it was made with (rules=, --rules DIR)",
                ("generator", "rules", key),
                "estimate.inconsistent",
            )
            return


def estimate_from_json(text: str | bytes, *, rules: RuleSet | None = None) -> Estimate:
    """Read an estimate's JSON back (see :meth:`Estimate.from_json`): parse it, check its
    ``schema_version``, and make the estimate again from its profile to compare
    (:func:`read_estimate`)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise EstimateError("not valid UTF-8", code="estimate.invalid") from None
    if not isinstance(text, str):
        raise TypeError(f"an estimate's JSON is text, not {type(text).__name__}")
    with _collector_paused(len(text) > LONG_DOCUMENT):
        return _parsed(text, rules)


#: A document longer than this (in characters) is read with Python's cyclic garbage collector
#: paused (see :func:`_collector_paused`).
LONG_DOCUMENT = 1_000_000


@contextmanager
def _collector_paused(pause: bool) -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, if it is running and ``pause``.

    Reading a long document makes millions of objects that live until the end (the parsed
    document, the trace made again); each full collection walks all of them, so without the
    pause the time per megabyte grew with the document (a 14 MB estimate read half again as
    slowly). The parsed JSON and the trace hold no reference cycles, and the collector's state
    is restored whatever happens (as :func:`aivoucher.ruleset.registry.RuleSet.estimate` does
    for a long profile)."""
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _parsed(text: str, rules: RuleSet | None) -> Estimate:
    from ..base.documents import parse_json

    try:
        data = parse_json(text, source="<estimate>")
    except InputError as exc:
        raise EstimateError(exc.message, line=exc.line, code="estimate.invalid") from None
    except ValueError:  # e.g. an integer longer than Python converts
        raise EstimateError(
            "not a JSON document this library reads", code="estimate.invalid"
        ) from None
    if not isinstance(data, dict):
        raise EstimateError("an estimate's JSON is an object", code="estimate.invalid")
    version = data.get("schema_version")
    # an integer, not 2.0 nor true: the versions are whole numbers
    if type(version) is not int or version not in READS:
        shown = (
            "missing"
            if "schema_version" not in data
            else str(version)  # a number written with a fraction or exponent
            if isinstance(version, Decimal)
            else json.dumps(version, default=str)
        )
        raise EstimateError(
            f"schema_version {shown} is not one this version reads ({', '.join(map(str, READS))})",
            field="schema_version",
            code="estimate.schema_version",
        )
    if rules is None:
        from ..ruleset.registry import bundled_rules

        rules = bundled_rules()
    return read_estimate(data, rules)
