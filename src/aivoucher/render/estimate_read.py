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
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from ..base.i18n import LOCALES
from ..base.paths import error_path
from ..errors import EstimateError, InputError, UnknownProgramError
from .estimate_json import SCHEMA_VERSION

if TYPE_CHECKING:
    from ..ruleset.registry import RuleSet
    from ..vocabulary.profile import Profile
    from ..vocabulary.result import Award, Estimate, Step
    from ..vocabulary.schema import Program
    from .messages import Messages

__all__ = ["MAX_PROBLEMS", "MAX_PURCHASES", "estimate_from_json", "read_estimate"]

#: The reader stops after this many problems (each names its field).
MAX_PROBLEMS = 20
#: More purchases than this in the document's profile are refused before it is validated: ten
#: times the 100,000-purchase profile the test suite estimates and writes.
MAX_PURCHASES = 1_000_000
#: The profile's purchases are validated this many at a time, so that a profile of malformed
#: purchases stops at its first chunk instead of collecting every purchase's problems.
_CHUNK = 512

_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Path = tuple[int | str, ...]


class _Full(Exception):
    """Raised when :data:`MAX_PROBLEMS` problems have been collected."""


class _Problems:
    """The problems found so far, at most :data:`MAX_PROBLEMS`."""

    def __init__(self) -> None:
        self.found: list[InputError] = []

    def add(self, message: str, path: Path | str | None, code: str) -> None:
        field = path if isinstance(path, str) or path is None else error_path(path)
        self.found.append(EstimateError(message, field=field or None, code=code))
        if len(self.found) >= MAX_PROBLEMS:
            raise _Full

    def add_error(self, error: InputError, prefix: Path) -> None:
        """A problem found by a validation of the part at ``prefix``."""
        field = error_path(prefix)
        inner = error.field or ""
        if field and inner and not inner.startswith("["):
            field += "."
        self.found.append(
            EstimateError(
                error.message,
                field=(field + inner) or None,
                code=error.code,
                suggestions=error.suggestions,
            )
        )
        if len(self.found) >= MAX_PROBLEMS:
            raise _Full

    def error(self) -> EstimateError:
        first = self.found[0]
        assert isinstance(first, EstimateError)
        return EstimateError(
            first.message,
            field=first.field,
            code=first.code,
            suggestions=first.suggestions,
            errors=self.found,
        )

    def check(self) -> None:
        if self.found:
            raise self.error()


def _show(value: Any) -> str:
    """A value as a short JSON-like text for a message."""
    if isinstance(value, (dict, list)):
        text = "an object" if isinstance(value, dict) else f"a list of {len(value)}"
    elif isinstance(value, str):
        text = repr(value)
    elif value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


# -- comparing a document with what is written for the estimate made again --------------------


def difference(raw: Any, made: Any, path: Path = ()) -> Path | None:
    """The path of the first place where ``raw`` (parsed JSON) is not ``made`` (what the writer
    puts there), or ``None``. Strict: ``1`` is not ``true``, nor ``1.0``; no key may be added
    or left out (their order is free, as in any JSON object). It recurses only as deep as
    ``made`` goes (a few levels)."""
    found = _unlike(raw, made)
    return None if found is None else (*path, *reversed(found))


def _unlike(raw: Any, made: Any) -> list[int | str] | None:
    """:func:`difference`'s path, innermost part first (built only where they differ)."""
    cls = made.__class__
    if raw.__class__ is not cls:
        return []
    if cls is dict:
        for key, value in made.items():
            if key not in raw:
                return [key]
            found = _unlike(raw[key], value)
            if found is not None:
                found.append(key)
                return found
        if len(raw) != len(made):
            return [next(k for k in raw if k not in made)]
        return None
    if cls is list:
        for i, (r, m) in enumerate(zip(raw, made, strict=False)):
            found = _unlike(r, m)
            if found is not None:
                found.append(i)
                return found
        if len(raw) != len(made):
            return [min(len(raw), len(made))]
        return None
    return None if raw == made else []


def _at(value: Any, path: Path) -> tuple[bool, Any]:
    """``(found, value)`` at ``path`` inside ``value``."""
    for part in path:
        if isinstance(value, dict):
            ok = isinstance(part, str) and part in value
        else:
            ok = isinstance(value, list) and isinstance(part, int) and part < len(value)
        if not ok:
            return False, None
        value = value[part]
    return True, value


_SMALL = 64


def _small(value: Any, budget: list[int]) -> Any:
    """A copy of ``value`` with at most a few entries per container and a few hundred in all:
    what a validation of one problem needs, whatever the document holds there."""
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if isinstance(value, dict):
        return {k: _small(v, budget) for k, v in list(value.items())[:_SMALL]}
    if isinstance(value, list):
        return [_small(v, budget) for v in value[:_SMALL]]
    return value


def _probe(raw: Any, made: Any, path: Path) -> Any:
    """``made`` (a valid document part) with the document's value put at ``path`` (or its key
    left out where the document has none there): validating it finds whether that value is
    malformed, in bounded time whatever the rest of the document holds."""
    if not path:
        return _small(raw, [5000])
    head, rest = path[0], path[1:]
    if isinstance(made, dict) and isinstance(raw, dict):
        copy = dict(made)
        if head not in raw:
            copy.pop(head, None)
        else:
            copy[head] = _probe(raw[head], made.get(head), rest)
        return copy
    if isinstance(made, list) and isinstance(raw, list) and isinstance(head, int):
        copy_list = list(made)
        if head < len(raw):
            inner = _probe(raw[head], made[head] if head < len(made) else None, rest)
            if head < len(made):
                copy_list[head] = inner
            else:
                copy_list.append(inner)
        else:
            del copy_list[head:]
        return copy_list
    return _small(raw, [5000])


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(model: Any) -> TypeAdapter[Any]:
    found = _ADAPTERS.get(model)
    if found is None:
        found = _ADAPTERS[model] = TypeAdapter(model)
    return found


def _malformed(model: Any, raw: Any, made: Any, path: Path, *, whole: bool) -> list[InputError]:
    """The problems of the document's value at ``path`` inside a part described by ``model``,
    if it is malformed; an empty list where it is well-formed but not what the rules give.
    ``whole``: validate the document's part itself (a small one: a step, a reason), else the
    part as written for the estimate with the document's value put at ``path``."""
    from ..base.problems import from_validation

    # the part as written with the document's whole field put where they first differ: a
    # field's other problems are found with it
    probe = _small(raw, [5000]) if whole else _probe(raw, made, path[:1])
    try:
        _adapter(model).validate_python(probe)
    except ValidationError as exc:
        error = from_validation(
            exc, EstimateError, scope="estimate", model=model, code="estimate.invalid"
        )
        return list(error.errors)
    return []


class _Compare:
    """Compares the document's parts with what the writer makes of the estimate made again, in
    the locales still possible (a document is in one locale: its first sentence that differs
    between them settles which)."""

    def __init__(self, problems: _Problems) -> None:
        from .messages import messages

        self.problems = problems
        self.locales: list[tuple[str, Messages]] = [(loc, messages(loc)) for loc in LOCALES]

    def same(
        self,
        raw: Any,
        make: Callable[[str, Messages], Any],
        where: Path,
        model: Any,
        *,
        whole: bool = False,
    ) -> bool:
        """Whether ``raw`` is what ``make(locale, messages)`` writes in a locale still possible;
        if not, the problem is recorded at ``where`` (see :meth:`refuse`)."""
        kept: list[tuple[str, Messages]] = []
        first: tuple[Path, Any] | None = None
        for loc, m in self.locales:
            made = make(loc, m)
            found = difference(raw, made)
            if found is None:
                kept.append((loc, m))
            elif first is None:
                first = (found, made)
        if kept:
            self.locales = kept
            return True
        assert first is not None
        path, made = first
        self.refuse(raw, made, where, path, model, whole=whole)
        return False

    def refuse(
        self, raw: Any, made: Any, where: Path, path: Path, model: Any, *, whole: bool = False
    ) -> None:
        """Record that the document's part ``raw`` at ``where`` first differs from ``made`` (as
        written for the estimate made again) at ``path``: malformed there (described by
        ``model``, see :func:`_malformed`), or not what the rules give."""
        malformed = _malformed(model, raw, made, path, whole=whole)
        for error in malformed:
            self.problems.add_error(error, where)
        if malformed:
            return
        found, value = _at(raw, path)
        known, expected = _at(made, path)
        if not found:
            message = f"missing; the rules give {_show(expected)}"
        elif not known:
            message = f"{_show(value)}: the rules give nothing here"
        else:
            message = f"{_show(value)}, but the rules give {_show(expected)}"
        self.problems.add(message, (*where, *path), "estimate.inconsistent")


# -- reading -----------------------------------------------------------------------------------


def _max_awards(rules: RuleSet) -> int:
    """The most awards an estimate over ``rules`` lists: one per version of each program, and
    one more per program for the purchases that depend on its renewal."""
    entries = list(rules)
    return len(entries) + len({e.program.id for e in entries})


def _text_field(
    raw: Mapping[str, Any], key: str, where: Path, problems: _Problems, *, optional: bool = False
) -> Any:
    value = raw.get(key)
    if key not in raw:
        problems.add("required field is missing", (*where, key), "estimate.invalid")
    elif not (isinstance(value, str) or (optional and value is None)):
        problems.add(f"{_show(value)} is not text", (*where, key), "estimate.invalid")
    return value


def _amount(raw: Mapping[str, Any], key: str, where: Path, problems: _Problems) -> Decimal | None:
    """A decimal-text amount (or null), checked by hand: the bounds are compared before anything
    is built."""
    if key not in raw:
        problems.add("required field is missing", (*where, key), "estimate.invalid")
        return None
    value = raw[key]
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40 or not _DECIMAL.fullmatch(value):
        problems.add(
            f'{_show(value)} is not an amount written as decimal text ("4800000")',
            (*where, key),
            "estimate.invalid",
        )
        return None
    return Decimal(value)


def _bounds(
    raw: Mapping[str, Any], where: Path, keys: tuple[str, str], problems: _Problems
) -> None:
    low, high = (_amount(raw, k, where, problems) for k in keys)
    if low is not None and high is not None and low > high:
        problems.add(f"low {low} is above high {high}", (*where, keys[0]), "estimate.bounds")


def _identities(
    awards: Sequence[Any], problems: _Problems, *, copies: _Problems | None = None
) -> list[tuple[str, str | None, bool] | None]:
    """Each award's ``(program, version, renewal)``, checked by hand, and no two the same
    (copies are recorded in ``copies``, by default with the other problems)."""
    if copies is None:
        copies = problems
    seen: dict[tuple[str, str | None, bool], int] = {}
    out: list[tuple[str, str | None, bool] | None] = []
    for i, award in enumerate(awards):
        where: Path = ("awards", i)
        if not isinstance(award, dict):
            problems.add(f"{_show(award)} is not an award (an object)", where, "estimate.invalid")
            out.append(None)
            continue
        program = _text_field(award, "program", where, problems)
        version = _text_field(award, "version", where, problems, optional=True)
        renewal = award.get("renewal")
        if "renewal" not in award:
            problems.add("required field is missing", (*where, "renewal"), "estimate.invalid")
        elif not isinstance(renewal, bool):
            problems.add(
                f"{_show(renewal)} is not true or false", (*where, "renewal"), "estimate.invalid"
            )
        if not (
            isinstance(program, str)
            and (version is None or isinstance(version, str))
            and isinstance(renewal, bool)
        ):
            out.append(None)
            continue
        ident = (program, version, renewal)
        if ident in seen:
            key = program if version is None else f"{program}@{version}"
            copies.add(
                f"a second award of {key}{' (renewal)' if renewal else ''}: awards[{seen[ident]}] "
                "is the same program and version",
                where,
                "estimate.duplicate_award",
            )
        else:
            seen[ident] = i
        out.append(ident)
    return out


def _profile(raw: Any, problems: _Problems) -> Profile | None:
    """The document's profile, validated a chunk of purchases at a time (a profile of malformed
    purchases stops at its first chunk), then required to be written as the writer writes it."""
    from ..base.problems import from_validation
    from ..vocabulary.profile import Profile

    if not isinstance(raw, dict):
        problems.add(
            "a profile is an object with applicant and purchases", ("profile",), "estimate.invalid"
        )
        return None
    given = raw.get("purchases")
    listed = isinstance(given, list)
    purchases: list[Any] = given if isinstance(given, list) else []
    if listed and len(purchases) > MAX_PURCHASES:
        problems.add(
            f"{len(purchases):,} purchases (the limit is {MAX_PURCHASES:,})",
            ("profile", "purchases"),
            "estimate.too_large",
        )
        return None
    # not a list (or missing): one validation of the whole says what is wrong
    starts = range(0, max(len(purchases), 1), _CHUNK) if listed else range(1)
    valid: list[Any] = []
    applicant = None
    for start in starts:
        part = dict(raw)
        if listed:
            part["purchases"] = purchases[start : start + _CHUNK]
        try:
            done = Profile.model_validate(part)
        except ValidationError as exc:
            error = from_validation(
                exc, EstimateError, scope="estimate", model=Profile, code="estimate.invalid"
            )
            for e in error.errors:
                field = e.field or ""
                match = re.match(r"purchases\[(\d+)\]", field)
                if match:  # the chunk's index → the profile's
                    index = start + int(match.group(1))
                    field = f"purchases[{index}]" + field[match.end() :]
                e.field = field
                problems.add_error(e, ("profile",))
            return None
        applicant = done.applicant
        valid.extend(done.purchases)
    assert applicant is not None
    profile = Profile(applicant=applicant, purchases=tuple(valid))
    dumped = profile.model_dump(mode="json")
    found = difference(raw, dumped)
    if found is not None:
        value = _at(raw, found)[1]
        expected = _at(dumped, found)
        message = f"{_show(value)} is not written as the estimate JSON writes it" + (
            f" ({_show(expected[1])})" if expected[0] else ""
        )
        problems.add(message, ("profile", *found), "estimate.invalid")
        return None
    return profile


def _indices(awards: Sequence[dict[str, Any]], count: int, problems: _Problems) -> None:
    """Each award's purchase indices name purchases of the profile."""
    for i, award in enumerate(awards):
        indices = award.get("purchase_indices")
        if not isinstance(indices, list):
            continue
        for k, index in enumerate(indices):
            if type(index) is int and not 0 <= index < count:
                problems.add(
                    f"{index} is not the index of one of the profile's {count} purchases",
                    ("awards", i, "purchase_indices", k),
                    "estimate.invalid",
                )
                break


def _settings(awards: Sequence[Any], rules: RuleSet, problems: _Problems) -> tuple[list[str], bool]:
    """The switches and the renewal setting the estimate was made with, as its awards record
    them: every award of a program with a switch that was on lists it; every award counting a
    purchase past its program's last known version under ``assume_renewal`` lists that."""
    switches: dict[str, None] = {}
    renewal = False
    for i, award in enumerate(awards):
        assumptions = award.get("assumptions") if isinstance(award, dict) else None
        if not isinstance(assumptions, list):
            continue
        for j, entry in enumerate(assumptions):
            if not isinstance(entry, dict):
                continue
            code = entry.get("code")
            if code == "renewal":
                renewal = True
            elif code == "switch":
                name = entry.get("id")
                if not isinstance(name, str) or name not in rules.switches:
                    problems.add(
                        f"{_show(name)} is not a switch the rules offer",
                        ("awards", i, "assumptions", j, "id"),
                        "estimate.invalid",
                    )
                else:
                    switches[name] = None
    return list(switches), renewal


def _program(rules: RuleSet, ident: tuple[str, str | None, bool], index: int) -> Program:
    from ..vocabulary.naming import unknown_program

    program_id, version, _ = ident
    try:
        versions = rules.versions(program_id)
    except InputError:
        versions = []
    for entry in versions:
        if entry.program.version == version:
            return entry.program
    key = program_id if version is None else f"{program_id}@{version}"
    error = unknown_program(rules.programs, key, field=f"awards[{index}].program")
    raise UnknownProgramError(
        error.message + " (the estimate was made with other rules: read it with "
        "rules=aivoucher.load_rules(DIR), or --rules DIR)",
        field=error.field,
        suggestions=error.suggestions,
    )


def read_estimate(data: dict[str, Any], rules: RuleSet) -> Estimate:
    """The estimate ``data`` (parsed JSON of schema_version 2) describes, made again with
    ``rules``; :class:`EstimateError` unless ``data`` is exactly what its ``to_json`` writes."""
    problems = _Problems()
    try:
        estimate = _read(data, rules, problems)
    except _Full:
        raise problems.error() from None
    problems.check()
    assert estimate is not None
    return estimate


def _read(data: dict[str, Any], rules: RuleSet, problems: _Problems) -> Estimate | None:
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
    limit = _max_awards(rules)
    if len(awards) > limit:
        # the copies among the first awards say more than the count, where there are some
        try:
            _identities(awards[: limit + 1], _Problems(), copies=problems)
        except _Full:  # enough malformed awards to stop looking, or enough copies
            if len(problems.found) >= MAX_PROBLEMS:
                raise
        problems.add(
            f"{len(awards):,} awards; the rules give at most {limit:,}",
            ("awards",),
            "estimate.too_large",
        )
        problems.check()
    identities = _identities(awards, problems)
    for key in ("uncounted", "stacking"):
        entries = data.get(key)
        most = len(awards) if key == "uncounted" else len(awards) * len(awards)
        if isinstance(entries, list) and len(entries) > most:
            problems.add(
                f"{len(entries):,} entries for {len(awards):,} awards", (key,), "estimate.too_large"
            )
    problems.check()
    for i, award in enumerate(awards):
        _bounds(award, ("awards", i), ("low", "high"), problems)
    _bounds(data, (), ("total_low", "total_high"), problems)
    as_of = data.get("as_of")
    day: dt.date | None = None
    if not isinstance(as_of, str) or not _DATE.fullmatch(as_of):
        problems.add(f"{_show(as_of)} is not an ISO date", ("as_of",), "estimate.invalid")
    else:
        try:
            day = as_of_date(as_of)
        except InputError as exc:
            problems.add(exc.message, ("as_of",), "estimate.invalid")
    profile = _profile(data.get("profile"), problems)
    if profile is not None:
        _indices(awards, len(profile.purchases), problems)
    switches, renewal = _settings(awards, rules, problems)
    problems.check()
    programs = [_program(rules, ident, i) for i, ident in enumerate(identities) if ident]
    assert day is not None and profile is not None
    attempt = _remake(data, awards, identities, rules, profile, day, switches, renewal)
    if isinstance(attempt, _Problems) and not renewal and _past_an_end(programs, profile):
        # A purchase signed after a program's last known version ends, and no award says that
        # renewal was assumed: it may still have been (where no such purchase qualifies, no
        # award records it, yet the other versions' reasons differ).
        again = _remake(data, awards, identities, rules, profile, day, switches, True)
        if not isinstance(again, _Problems):
            attempt = again
    if isinstance(attempt, _Problems):
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
) -> Estimate | _Problems:
    """The estimate made again with these settings if the document is exactly its JSON, else
    the problems found (at most :data:`MAX_PROBLEMS`)."""
    problems = _Problems()
    try:
        ids = list(dict.fromkeys(ident[0] for ident in identities if ident))
        try:
            # every version of every program the document lists: the document may leave out
            # those that pay nothing for being out of force, as an estimate without
            # include_all does
            made = rules.estimate(
                profile,
                programs=ids,
                as_of=day,
                include_all=True,
                assume=switches,
                assume_renewal=renewal,
            )
        except UnknownProgramError:
            raise
        except InputError as exc:
            field = f"profile.{exc.field}" if exc.field else "profile"
            problems.add(exc.message, field, "estimate.invalid")
            return problems
        kept: list[Award] = []
        compare = _Compare(problems)
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
            _compare_award(awards[i], award, i, labels, compare)
            kept.append(award)
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
    except _Full:
        return problems
    return problems if problems.found else estimate


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
    raw: dict[str, Any], award: Award, index: int, labels: Sequence[str], compare: _Compare
) -> None:
    from .estimate_json import STEP_MODELS, AssumptionDoc, AwardDoc, ReasonDoc, StepDoc
    from .json import _step, assumption_to_dict, award_to_dict, reason_to_dict

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
        return
    steps: list[Any] = raw["steps"]
    count = 0

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
        made = _step(item)
        found = difference(mine, made)
        if found is not None:
            kind = mine.get("kind") if isinstance(mine, dict) else None
            model = STEP_MODELS.get(kind, StepDoc) if isinstance(kind, str) else StepDoc
            compare.refuse(mine, made, (*where, "steps", count), found, model, whole=True)
            raise _StepsDiffer
        count += 1

    try:
        reasons, assumptions = award.explanation(step)
    except _StepsDiffer:
        return
    if count < len(steps):
        extra = steps[count]
        kind = extra.get("kind") if isinstance(extra, dict) else None
        model = STEP_MODELS.get(kind, StepDoc) if isinstance(kind, str) else StepDoc
        malformed = _malformed(model, extra, None, (), whole=True)
        for error in malformed:
            compare.problems.add_error(error, (*where, "steps", count))
        if malformed:
            return
        compare.problems.add(
            f"{len(steps):,} steps; the rules give {count:,}",
            (*where, "steps", count),
            "estimate.inconsistent",
        )
        return
    if _same_list(raw["reasons"], reasons, reason_to_dict, (*where, "reasons"), ReasonDoc, compare):
        _same_list(
            raw["assumptions"],
            assumptions,
            lambda a, m: assumption_to_dict(a, award, m),
            (*where, "assumptions"),
            AssumptionDoc,
            compare,
        )


def _same_list(
    listed: list[Any],
    items: Sequence[Any],
    render: Callable[[Any, Messages], Any],
    where: Path,
    model: Any,
    compare: _Compare,
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
        malformed = _malformed(model, listed[extra], None, (), whole=True)
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


def _compare_head(data: dict[str, Any], estimate: Estimate, compare: _Compare) -> None:
    """Everything but the profile and the awards (compared already): the totals above all."""
    from ..base.money import canonical
    from .estimate_json import EstimateHead
    from .json import _head

    for key, value in (("total_low", estimate.total_low), ("total_high", estimate.total_high)):
        if data.get(key) != canonical(value):
            compare.problems.add(
                f"{_show(data.get(key))}, but the awards, added up as the rules stack them, "
                f"give {_show(canonical(value))}",
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
        )
        if k not in data
    ]

    def made(loc: str, m: Messages) -> dict[str, Any]:
        out = _head(estimate, loc, profile=False)
        out["profile"], out["awards"] = {}, []
        del out["generator"]
        for key in earlier:
            del out[key]
        return out

    compare.same(head, made, (), EstimateHead)


def _compare_generator(data: dict[str, Any], estimate: Estimate, compare: _Compare) -> None:
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
                f"the estimate was made with other rule files ({key} {_show(theirs)}); these "
                f"have {_show(mine)}: pass the rules it was made with (rules=, --rules DIR)",
                ("generator", "rules", key),
                "estimate.inconsistent",
            )
            return


def estimate_from_json(text: str | bytes, *, rules: RuleSet | None = None) -> Estimate:
    """Read an estimate's JSON back (see :meth:`Estimate.from_json`): parse it, check its
    ``schema_version``, and make the estimate again from its profile to compare
    (:func:`read_estimate`)."""
    from ..base.documents import parse_json

    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise EstimateError("not valid UTF-8", code="estimate.invalid") from None
    if not isinstance(text, str):
        raise TypeError(f"an estimate's JSON is text, not {type(text).__name__}")
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
    if type(version) is not int or version != SCHEMA_VERSION:
        shown = (
            "missing"
            if "schema_version" not in data
            else str(version)  # a number written with a fraction or exponent
            if isinstance(version, Decimal)
            else json.dumps(version, default=str)
        )
        raise EstimateError(
            f"schema_version {shown} is not one this version reads ({SCHEMA_VERSION})",
            field="schema_version",
            code="estimate.schema_version",
        )
    if rules is None:
        from ..ruleset.registry import bundled_rules

        rules = bundled_rules()
    return read_estimate(data, rules)
