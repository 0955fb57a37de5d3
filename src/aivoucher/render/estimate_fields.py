"""An estimate document's own fields, checked before anything is built.

Cheap checks on the parsed JSON come first, so that a document cannot make the reader build more
than the rules give: which program and version each award names (:func:`read_identities`), the
awards' amounts as decimal text (:func:`check_bounds`); then the profile, validated a chunk of
purchases at a time (:func:`read_profile`), the awards' purchase indices, and the settings the
awards record (the switches on and the renewal assumed: :func:`read_settings`).
:mod:`aivoucher.render.estimate_read` reads a document with them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..errors import EstimateError, InputError, UnknownProgramError
from .estimate_compare import Path, Problems, difference, part_at, show

if TYPE_CHECKING:
    from ..ruleset.registry import RuleSet
    from ..vocabulary.profile import Profile
    from ..vocabulary.schema import Program

__all__ = [
    "DATE",
    "MAX_PURCHASES",
    "check_bounds",
    "check_indices",
    "max_awards",
    "program_of",
    "read_identities",
    "read_profile",
    "read_settings",
]

#: More purchases than this in the document's profile are refused before it is validated: ten
#: times the 100,000-purchase profile the test suite estimates and writes.
MAX_PURCHASES = 1_000_000
#: The profile's purchases are validated this many at a time, so that a profile of malformed
#: purchases stops at its first chunk instead of collecting every purchase's problems.
_CHUNK = 512

_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")
#: An ISO date as the JSON writes it.
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def max_awards(rules: RuleSet) -> int:
    """The most awards an estimate over ``rules`` lists: one per version of each program, and
    one more per program for the purchases that depend on its renewal."""
    entries = list(rules)
    return len(entries) + len({e.program.id for e in entries})


def _text_field(
    raw: Mapping[str, Any], key: str, where: Path, problems: Problems, *, optional: bool = False
) -> Any:
    value = raw.get(key)
    if key not in raw:
        problems.add("required field is missing", (*where, key), "estimate.invalid")
    elif not (isinstance(value, str) or (optional and value is None)):
        problems.add(f"{show(value)} is not text", (*where, key), "estimate.invalid")
    return value


def _amount(raw: Mapping[str, Any], key: str, where: Path, problems: Problems) -> Decimal | None:
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
            f'{show(value)} is not an amount written as decimal text ("4800000")',
            (*where, key),
            "estimate.invalid",
        )
        return None
    return Decimal(value)


def check_bounds(
    raw: Mapping[str, Any], where: Path, keys: tuple[str, str], problems: Problems
) -> None:
    low, high = (_amount(raw, k, where, problems) for k in keys)
    if low is not None and high is not None and low > high:
        problems.add(f"low {low} is above high {high}", (*where, keys[0]), "estimate.bounds")


def read_identities(
    awards: Sequence[Any], problems: Problems, *, copies: Problems | None = None
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
            problems.add(f"{show(award)} is not an award (an object)", where, "estimate.invalid")
            out.append(None)
            continue
        program = _text_field(award, "program", where, problems)
        version = _text_field(award, "version", where, problems, optional=True)
        renewal = award.get("renewal")
        if "renewal" not in award:
            problems.add("required field is missing", (*where, "renewal"), "estimate.invalid")
        elif not isinstance(renewal, bool):
            problems.add(
                f"{show(renewal)} is not true or false", (*where, "renewal"), "estimate.invalid"
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


def read_profile(raw: Any, problems: Problems) -> Profile | None:
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
    profile = done.model_copy(update={"purchases": tuple(valid)})
    dumped = profile.model_dump(mode="json")
    found = difference(raw, dumped)
    if found is not None:
        value = part_at(raw, found)[1]
        expected = part_at(dumped, found)
        message = f"{show(value)} is not written as the estimate JSON writes it" + (
            f" ({show(expected[1])})" if expected[0] else ""
        )
        problems.add(message, ("profile", *found), "estimate.invalid")
        return None
    return profile


def check_indices(awards: Sequence[dict[str, Any]], count: int, problems: Problems) -> None:
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


def read_settings(
    awards: Sequence[Any], rules: RuleSet, problems: Problems
) -> tuple[list[str], bool]:
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
                        f"{show(name)} is not a switch the rules offer",
                        ("awards", i, "assumptions", j, "id"),
                        "estimate.invalid",
                    )
                else:
                    switches[name] = None
    return list(switches), renewal


def program_of(rules: RuleSet, ident: tuple[str, str | None, bool], index: int) -> Program:
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
