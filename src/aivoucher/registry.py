"""Finding, validating and compiling rule files; choosing the programs an estimate evaluates.

A :class:`RuleSet` is a directory of rule files (``<jurisdiction>/<program>.yaml``, or
``<program>.<version>.yaml`` where several versions share an id), each validated once and
compiled into a :class:`~aivoucher.engine.Plan`. The bundled set ships inside the package
(``aivoucher/rules`` in a wheel; the repository's top-level ``rules/`` in a source checkout) and
is loaded on first use, not at import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .dates import parse_date
from .documents import RULE_LIMITS, line_of, load_document, read_text
from .engine import Plan, compile_program, not_in_force
from .errors import InputError, RuleFileError, UnknownProgramError
from .profile import Profile, parse_profile
from .result import Award, Estimate
from .schema import Program, Prose
from .stacking import combine, counted
from .types import error_path, first_error, parse_path

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = [
    "Entry",
    "RuleSet",
    "bundled_rules",
    "bundled_rules_dir",
    "load_program",
    "load_rules",
    "rule_files",
]


def bundled_rules_dir() -> Path:
    """Where the bundled rule files are: inside the installed package, or in the checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "rules"
    if packaged.is_dir():
        return packaged
    checkout = here.parent.parent / "rules"
    if checkout.is_dir():
        return checkout
    raise RuleFileError(
        "the bundled rule files are missing from this installation", file=str(packaged)
    )


def load_program(path: str | Path) -> Program:
    """Read and validate one rule file; :class:`RuleFileError` names the file, line and field."""
    source = str(path)
    data = load_document(path, RULE_LIMITS)
    if not isinstance(data, dict):
        raise RuleFileError("a rule file must be a mapping of fields", file=source, line=1)
    try:
        program = Program.model_validate(data)
    except ValidationError as exc:
        loc, message = first_error(exc)
        if not loc:
            # Cross-reference checks run on the whole file; their messages start with the path.
            loc, message = _split_path(message)
        raise RuleFileError(
            message,
            file=source,
            line=line_of(read_text(path, RULE_LIMITS), loc, limits=RULE_LIMITS) if loc else None,
            field=error_path(loc) or None,
        ) from None
    _check_file_name(Path(path), program)
    return program


def _split_path(message: str) -> tuple[tuple[str | int, ...], str]:
    head, sep, rest = message.partition(": ")
    if sep and head and " " not in head:
        return parse_path(head), rest
    return (), message


def _check_file_name(path: Path, program: Program) -> None:
    expected = program.id.split(".", 1)[1]
    if program.version is not None:
        expected += f".{program.version}"
    if path.stem != expected:
        raise RuleFileError(
            f"file name must be {expected}{path.suffix} to match id {program.id!r}"
            + (f" and version {program.version!r}" if program.version else ""),
            file=str(path),
            line=1,
        )


def rule_files(directory: Path) -> list[Path]:
    """Every ``.yaml``/``.yml`` file under ``directory``, in a stable order."""
    return sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


@dataclass(frozen=True, slots=True)
class Entry:
    """A loaded rule file: its path, the validated program and its compiled plan."""

    path: Path
    program: Program
    plan: Plan


class RuleSet:
    """The programs of one directory of rule files, validated and compiled."""

    def __init__(self, entries: Iterable[Entry], directory: Path | None = None) -> None:
        self.directory = directory
        self._entries: dict[str, Entry] = {}
        for entry in entries:
            key = entry.program.key
            if key in self._entries:
                other = self._entries[key].path
                raise RuleFileError(
                    f"{key!r} is defined twice (also in {other}); give each version a `version`",
                    file=str(entry.path),
                )
            self._entries[key] = entry

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def programs(self) -> list[Program]:
        return [e.program for e in self]

    def versions(self, program_id: str) -> list[Entry]:
        """Every version of one program id, oldest effective date first."""
        found = [e for e in self if e.program.id == program_id or e.program.key == program_id]
        if not found:
            known = sorted({e.program.id for e in self})
            raise UnknownProgramError(
                f"unknown program {program_id!r}; known programs: {', '.join(known)}",
                field="programs",
            )
        return sorted(found, key=lambda e: e.program.effective.from_)

    def get(self, program_id: str, as_of: dt.date | None = None) -> Entry:
        """The version of ``program_id`` in force on ``as_of`` or, failing that, the newest."""
        versions = self.versions(program_id)
        if as_of is not None:
            for entry in reversed(versions):
                if entry.program.in_force(as_of):
                    return entry
        in_force_status = [e for e in versions if e.program.status == "in_force"]
        return (in_force_status or versions)[-1]

    def to_frame(self, *, locale: str = "en") -> DataFrame:
        """The program catalogue as a pandas DataFrame, one row per rule file (the rows of
        ``aivoucher programs``); needs the ``notebook`` extra."""
        from .frames import catalogue_frame

        return catalogue_frame(self, locale=locale)

    @property
    def switches(self) -> dict[str, Prose]:
        """Every user-switchable assumption the rule files declare: name → description."""
        return {w.id: w.description for p in self.programs for w in p.switches}

    @property
    def qualifications(self) -> set[str]:
        """Every qualification id the rule files declare."""
        return {q.id for p in self.programs for q in p.qualifications}

    def estimate(
        self,
        profile: Profile | Mapping[str, Any],
        *,
        programs: Iterable[str] | None = None,
        as_of: dt.date | str | None = None,
        include_all: bool = False,
        assume: Iterable[str] = (),
    ) -> Estimate:
        """Evaluate ``profile`` against the programs in force on ``as_of`` (default: today).

        ``programs`` restricts the estimate to those ids (a named program not in force is
        reported as such, not dropped). ``include_all`` also reports programs not in force
        (drafts, superseded versions, expired programs) with the reason. ``assume`` switches on
        readings the rule files offer as options (``aivoucher programs`` lists them).
        """
        programs = _names(programs, "programs", "program ids")
        assume = _names(assume, "assume", "assumption names")
        prof = parse_profile(profile)
        day = _as_of(as_of)
        switches = self._check_switches(assume)
        self._check_qualifications(prof)
        if programs is not None:
            wanted = list(dict.fromkeys(programs))
            chosen = [self.get(pid, day) for pid in wanted]
            if include_all:
                keys = {e.program.key for e in chosen}
                chosen += [
                    e for pid in wanted for e in self.versions(pid) if e.program.key not in keys
                ]
        else:
            chosen = [e for e in self if include_all or e.program.in_force(day)]
        awards: list[Award] = []
        for entry in chosen:
            if not entry.program.in_force(day):
                awards.append(not_in_force(entry.program, day))
            elif entry.program.version_by == "signed":
                awards += self._by_signing_date(entry, prof, switches)
            else:
                awards.append(entry.plan.evaluate(prof, switches))
        total_low, total_high, notes = combine(awards, prof)
        uncounted = tuple(a.program.key for a in awards if a.eligible and not counted(a))
        return Estimate(
            as_of=day,
            profile=prof,
            awards=tuple(awards),
            total_low=total_low,
            total_high=total_high,
            stacking=notes,
            uncounted=uncounted,
        )

    def _by_signing_date(
        self, entry: Entry, profile: Profile, switches: frozenset[str]
    ) -> list[Award]:
        """Each purchase under the version in force on the day it was signed: one award per
        version that covers some purchase (the current version always)."""
        versions = [e for e in self.versions(entry.program.id) if e.program.status != "draft"]
        awards = []
        for version in versions:
            eff = version.program.effective
            covers = any(version.program.in_force(p.signed) for p in profile.purchases)
            if version is entry or covers:
                window = (eff.from_, eff.to)
                awards.append(version.plan.evaluate(profile, switches, window=window))
        return awards

    def _check_switches(self, names: Iterable[str]) -> frozenset[str]:
        known = self.switches
        chosen = frozenset(names)
        for name in sorted(chosen):
            if name not in known:
                listed = ", ".join(sorted(known)) or "none"
                raise InputError(
                    f"unknown assumption {name!r}; the rule files offer: {listed}", field="assume"
                )
        return chosen

    def _check_qualifications(self, profile: Profile) -> None:
        known = self.qualifications
        for name in profile.applicant.qualifications:
            if name not in known:
                listed = ", ".join(sorted(known)) or "none"
                raise InputError(
                    f"unknown qualification {name!r}; the rule files define: {listed}",
                    field="applicant.qualifications",
                )


def _names(value: Iterable[str] | None, argument: str, what: str) -> Any:
    """A list of names, refusing a lone string (which would be iterated letter by letter)."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        raise TypeError(
            f"{argument} must be a list of {what}, not a single string: "
            f"write {argument}=[{value!r}]"
        )
    names = list(value)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"{argument} must hold {what} (text), not {type(name).__name__}")
    return names


def _as_of(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except ValueError as exc:
        raise InputError(str(exc), field="as_of") from None


def load_rules(directory: str | Path) -> RuleSet:
    """Load, validate and compile every rule file under ``directory`` (cached per directory and
    file modification times, so an edited file is re-read)."""
    root = Path(directory)
    if not root.is_dir():
        raise RuleFileError("not a directory of rule files", file=str(directory))
    files = rule_files(root)
    if not files:
        raise RuleFileError("no rule files (*.yaml) in this directory", file=str(directory))
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    return _load(root.resolve(), stamp)


@cache
def _load(root: Path, stamp: tuple[tuple[str, int], ...]) -> RuleSet:
    entries = []
    for name, _ in stamp:
        program = load_program(name)
        entries.append(Entry(Path(name), program, compile_program(program)))
    return RuleSet(entries, root)


@cache
def bundled_rules() -> RuleSet:
    """The rule files shipped with aivoucher (loaded once, on first use)."""
    return load_rules(bundled_rules_dir())


def example_profile(program: Program, index: int, path: Path | None = None) -> Profile:
    """An example's profile, validated; errors point into the rule file."""
    example = program.examples[index]
    try:
        return parse_profile(example.profile)
    except InputError as exc:
        field = f"examples[{index}].profile" + (f".{exc.field}" if exc.field else "")
        line = None
        if path is not None:
            line = line_of(read_text(path, RULE_LIMITS), parse_path(field), limits=RULE_LIMITS)
        raise RuleFileError(
            exc.message, file=str(path) if path else program.id, line=line, field=field
        ) from None
