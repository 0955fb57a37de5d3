"""Finding, validating and compiling rule files; choosing the programs an estimate evaluates.

A :class:`RuleSet` is a directory of rule files (``<jurisdiction>/<program>.yaml``, or
``<program>.<version>.yaml`` where several versions share an id), each validated once and
compiled into a :class:`~aivoucher.evaluate.engine.Plan`. The bundled set ships inside the package
(``aivoucher/rules`` in a wheel; the repository's top-level ``rules/`` in a source checkout) and
is loaded on first use, not at import.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..base.dates import Span, as_of_date
from ..base.documents import RULE_LIMITS, load_document, read_text
from ..base.log import logger
from ..base.paths import parse_path
from ..base.records import direct_constructor
from ..errors import InputError, ProfileError, RuleFileError, UnknownProgramError
from ..evaluate.application import status_of, with_application
from ..evaluate.engine import Plan, compile_program, not_in_force
from ..evaluate.stacking import combine, counted
from ..evaluate.traced import Window
from ..vocabulary.naming import name_list
from ..vocabulary.profile import Profile, parse_profile, with_rates
from ..vocabulary.result import (
    Assumption,
    AssumptionCode,
    Award,
    Estimate,
    StackingNote,
)
from ..vocabulary.schema import Program, Prose, weakest
from . import cache as rules_cache
from .versions import Choice, VersionIndex

_log = logger("rules")

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = [
    "Entry",
    "RuleSet",
    "bundled_rules",
    "bundled_rules_dir",
    "directory_files",
    "load_program",
    "load_rules",
    "rule_files",
]


def bundled_rules_dir() -> Path:
    """Where the bundled rule files are: inside the installed package, or in the checkout."""
    here = Path(__file__).resolve().parent.parent  # the package: aivoucher/
    packaged = here / "rules"
    if packaged.is_dir():
        return packaged
    checkout = here.parent.parent / "rules"
    if checkout.is_dir():
        return checkout
    raise RuleFileError(
        "the bundled rule files are missing from this installation",
        file=str(packaged),
        code="rules.missing",
    )


def load_program(path: str | Path) -> Program:
    """Read and validate one rule file; :class:`RuleFileError` names the file, line and field."""
    return _validated(load_document(path, RULE_LIMITS), path)


def _validated(data: Any, path: str | Path) -> Program:
    """A rule file's document, as read from ``path``, validated into a :class:`Program`."""
    source = str(path)
    if not isinstance(data, dict):
        raise RuleFileError("a rule file must be a mapping of fields", file=source, line=1)
    try:
        program = Program.model_validate(data)
    except ValidationError as exc:
        from ..base.problems import add_lines, from_validation

        # Cross-reference checks run on the whole file; their messages start with the path.
        error = from_validation(
            exc, RuleFileError, scope="rules", model=Program, file=source, split=_split_path
        )
        raise add_lines(error, read_text(path, RULE_LIMITS)) from None
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
            code="rules.file_name",
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
        self._digest: str | None = None
        self._entries: dict[str, Entry] = {}
        for entry in entries:
            key = entry.program.key
            if key in self._entries:
                other = self._entries[key].path
                raise RuleFileError(
                    f"{key!r} is defined twice (also in {other}); give each version a `version`",
                    file=str(entry.path),
                    code="rules.duplicate_id",
                )
            self._entries[key] = entry
        # the one chooser of versions every path asks (built once; refuses overlaps)
        self.index = VersionIndex(self._entries.values())
        # what every estimate checks its switches and qualifications against, gathered once
        # (a comparison or a grid makes hundreds of estimates with the same rule set)
        self._switch_ids = frozenset(self.switches)
        self._qualification_ids = frozenset(self.qualifications)
        self._confidences: dict[str, tuple[Program, str | None]] = {}
        self._facts: dict[int, tuple[Program, str | None, dt.date | None, str]] = {}
        self._named: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._rule_dates: tuple[frozenset[dt.date], frozenset[int]] | None = None
        # which programs cannot take an applicant registered in a place, from their own
        # conditions on the place (aivoucher.ruleset.across, built on first use)
        self.jurisdiction_index: Any = None

    @property
    def rule_dates(self) -> tuple[frozenset[dt.date], frozenset[int]]:
        """Every date the rule files compare a purchase's days with, and the terms in years
        they limit contracts to: where a purchase's day may change what it gets
        (:mod:`aivoucher.ruleset.days`), gathered once."""
        if self._rule_dates is None:
            from .days import rule_dates

            self._rule_dates = rule_dates(e.program for e in self._entries.values())
        return self._rule_dates

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    @property
    def digest(self) -> str:
        """A SHA-256 of the programs this set holds, as validated (each program's canonical
        JSON, in key order): the same rule files give the same digest wherever they are
        loaded, and any change to a number, a condition or a quote changes it."""
        if self._digest is None:
            sha = hashlib.sha256()
            for key in sorted(self._entries):
                sha.update(key.encode())
                sha.update(b"\0")
                sha.update(self._entries[key].program.model_dump_json().encode())
                sha.update(b"\0")
            self._digest = sha.hexdigest()
        return self._digest

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleSet):
            return NotImplemented
        return self is other or self.digest == other.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def __reduce__(self) -> tuple[Any, ...]:
        # Compiled plans hold closures, which pickle cannot carry. A rule set travels as what
        # it was made from: the bundled set as a reference that the receiving process loads
        # from its own installation and checks by digest (so a process pool's results are
        # small); any other set as its validated programs, compiled again on arrival.
        if self.directory is not None and self.directory == bundled_rules_dir().resolve():
            return (_bundled_with_digest, (self.digest,))
        programs = tuple((str(entry.path), entry.program) for entry in self)
        return (_compiled_again, (programs, self.directory, self.digest))

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def programs(self) -> list[Program]:
        return [e.program for e in self]

    def versions(self, program_id: str) -> list[Entry]:
        """Every version of one program id, oldest effective date first (the one version a
        key ``id@version`` names)."""
        found = self.index.versions(program_id)
        if found is None:
            raise self._unknown(program_id)
        return list(found)

    def choose(self, program_id: str, as_of: dt.date, assume_renewal: bool = False) -> Choice:
        """Which versions of ``program_id`` judge purchases, as known on ``as_of``: the one
        answer every path uses (:class:`~aivoucher.ruleset.versions.VersionIndex`, docs/time.md)."""
        found = self.index.choose(program_id, as_of, assume_renewal)
        if found is None:
            raise self._unknown(program_id)
        return found

    def _unknown(self, name: object) -> UnknownProgramError:
        from ..vocabulary.naming import unknown_program

        return unknown_program(self.programs, name)

    def find(self, name: str) -> str:
        """The program a person means by ``name``: its id (or ``id@version``), or its Chinese
        or English name, alone or after its place (``训力券``, ``深圳训力券``, ``corpus
        voucher``): an exact name first, then a part of one, ignoring case and spaces.

        Returns the id (or the key, where ``name`` is one). A name that fits several programs
        raises :class:`InputError` (code ``program.ambiguous``) listing them; one that fits
        none raises :class:`UnknownProgramError`, with the closest names as suggestions.
        """
        from ..vocabulary.naming import find_program

        return find_program(self.programs, name)

    def get(self, program_id: str, as_of: dt.date | None = None) -> Entry:
        """The version of ``program_id`` in force on ``as_of`` or, failing that, the newest."""
        found = self.index.get(program_id, as_of)
        if found is None:
            raise self._unknown(program_id)
        return found

    def to_frame(self, *, locale: str = "en") -> DataFrame:
        """The program catalogue as a pandas DataFrame, one row per rule file (the rows of
        ``aivoucher programs``); needs the ``notebook`` extra."""
        from ..render.frames import catalogue_frame

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
        assume_renewal: bool = False,
        fx: Mapping[str, object] | None = None,
    ) -> Estimate:
        """Evaluate ``profile`` against every program known on ``as_of`` (default: today).

        Each purchase is judged under the version of each program in force on the day it was
        signed (docs/time.md); ``as_of`` is the date of knowledge: versions that take effect
        later are not known. A purchase signed before a program took effect is not covered
        (unless the rule file's ``contracts`` says its text covers earlier contracts); one
        signed after the last known version ends is shown in an award marked ``renewal``, not
        counted, unless ``assume_renewal`` extends the last version (an assumption every
        award it touches lists).

        ``programs`` restricts the estimate to those ids (a named program that is not known is
        reported as not in force). ``include_all`` also reports versions no purchase falls in
        and drafts, with the reason. ``assume`` switches on readings the rule files offer as
        options (``aivoucher programs`` lists them). ``fx`` adds exchange rates to the
        profile's own (yuan per unit, ``{"HKD": "0.92"}``): a program that pays in another
        currency than the profile's amounts is judged only with one (docs/currency.md).
        """
        names: list[str] | None = name_list(programs, "programs", "program ids")
        if assume.__class__ is tuple and not assume:  # the default: nothing to check
            switches = _NO_SWITCHES
        else:
            switches = self._check_switches(name_list(assume, "assume", "assumption names"))
        prof = with_rates(parse_profile(profile), fx)
        # _as_of_day(as_of), its common case without the call: a text read before
        day = _DAYS.get(as_of) if as_of.__class__ is str else None
        if day is None:
            day = _as_of_day(as_of)
        if not self._plain(prof):
            self._check_qualifications(prof)
            if _has_spans(prof):  # a plan dated by month or quarter: each day that can matter
                from .days import estimate_days

                return estimate_days(
                    self,
                    prof,
                    programs=names,
                    as_of=day,
                    include_all=include_all,
                    assume=sorted(switches),
                    assume_renewal=assume_renewal,
                )
        return self._estimated(prof, names, day, switches, include_all, assume_renewal, None)

    def _estimate_read(
        self,
        profile: Profile,
        *,
        programs: list[str],
        as_of: dt.date,
        assume: list[str],
        assume_renewal: bool,
        evaluate: Evaluator,
    ) -> Estimate:
        """``estimate(..., include_all=True)`` with each version judged by ``evaluate``
        instead of its plan's :meth:`~aivoucher.evaluate.engine.Plan.evaluate` (the reader of
        an estimate's JSON passes one that keeps the traces it goes on to compare,
        :meth:`~aivoucher.evaluate.engine.Plan._evaluate_read`). A profile that gives a month
        or a quarter is estimated as :meth:`estimate` does, day by day."""
        programs = name_list(programs, "programs", "program ids")
        switches = self._check_switches(name_list(assume, "assume", "assumption names"))
        prof = parse_profile(profile)
        day = _as_of_day(as_of)
        self._check_qualifications(prof)
        if _has_spans(prof):  # each day is estimated on its own: as estimate() does
            return self.estimate(
                prof,
                programs=programs,
                as_of=day,
                include_all=True,
                assume=assume,
                assume_renewal=assume_renewal,
            )
        return self._estimated(prof, programs, day, switches, True, assume_renewal, evaluate)

    def _estimated(
        self,
        prof: Profile,
        programs: list[str] | None,
        day: dt.date,
        switches: frozenset[str],
        include_all: bool,
        assume_renewal: bool,
        evaluate: Evaluator | None,
    ) -> Estimate:
        """The estimate of a profile dated by days, its arguments checked (see
        :meth:`estimate`); ``evaluate`` judges each version (default: its plan's
        :meth:`~aivoucher.evaluate.engine.Plan.evaluate`)."""
        ids: Iterable[str]
        if programs is not None:
            found_ids = self._named.get(tuple(programs))
            ids = found_ids if found_ids is not None else self._named_ids(programs)
        else:
            ids = self.index.ids
        named = programs is not None
        # a long profile is estimated with the collector paused (see _collector_paused)
        paused = len(prof.purchases) > LONG_PROFILE and gc.isenabled()
        if paused:
            gc.disable()
        try:
            awards: list[Award] = []
            for pid in ids:  # each list is made for this call: the first is kept as it is
                found = self._program_awards(
                    pid, prof, day, switches, include_all, assume_renewal, named, evaluate
                )
                if awards:
                    awards += found
                else:
                    awards = found
            if evaluate is None:
                # Every award here was made by this call (the plans' evaluations, the awards
                # of versions not in force) and nothing else holds one: each is given its
                # application status in place, as a copy of each would be (at the cost of a
                # second award).
                for a in awards:
                    if a.eligible is not False:  # one not eligible keeps none
                        status = status_of(a, day, prof)
                        if status is not None:
                            _set_application(a, status)
            else:  # the caller's evaluations: copies
                awards = [with_application(a, day, prof) for a in awards]
            total_low, total_high, notes = combine(awards, prof)
        finally:
            if paused:
                gc.enable()
        return self._summed(
            prof,
            day,
            awards,
            total_low,
            total_high,
            notes,
            programs,
            include_all,
            switches,
            assume_renewal,
        )

    def _summed(
        self,
        prof: Profile,
        day: dt.date,
        awards: list[Award],
        total_low: Decimal,
        total_high: Decimal,
        notes: tuple[StackingNote, ...],
        programs: Iterable[str] | None,
        include_all: bool,
        switches: frozenset[str],
        assume_renewal: bool,
        considered: Sequence[Award] | None = None,
        renewed: tuple[Decimal, Decimal] | None = None,
    ) -> Estimate:
        """The estimate of ``prof`` from its awards (each with its application status) and
        their totals: what counts, how fresh and how sure it is, and the totals if the programs
        that have ended were renewed. :mod:`aivoucher.ruleset.across` ends here too, with
        ``considered``: the awards in order, less some known to be not eligible (which count,
        pay and depend on a renewal nowhere), and ``renewed``: the totals with the renewal
        assumed, where some award depends on one, as made by that module."""
        if considered is None:
            considered = awards
        # one pass over the awards: those left out of the totals, and what the counted ones
        # that pay rest on (their confidence and the dates their rule files were checked)
        uncounted: list[str] = []
        paying: list[tuple[Program, str | None, dt.date | None, str]] = []
        renewals = False
        facts = self._facts
        for a in considered:
            if a.renewal:
                renewals = True
            elif a.eligible:
                if a.missing and not counted(a):
                    uncounted.append(a.program.key)
                elif a.high:
                    program = a.program
                    known = facts.get(id(program))
                    if known is None or known[0] is not program:
                        known = self._program_facts(program)
                    paying.append(known)
        checked: dt.date | None
        if len(paying) == 1:  # most estimates that pay: one program
            _, confidence, checked, key = paying[0]
            unchecked: tuple[str, ...] = () if checked is not None else (key,)
        else:
            levels = [level for _, level, _, _ in paying if level is not None]
            dates = [when for _, _, when, _ in paying if when is not None]
            confidence = weakest(levels)
            checked = min(dates) if dates else None
            unchecked = tuple(dict.fromkeys(key for _, _, when, key in paying if when is None))
        renewed_low, renewed_high = total_low, total_high
        if renewed is not None:
            renewed_low, renewed_high = renewed
        elif not assume_renewal and renewals:
            # what the headline would be if the programs that have ended were renewed: made
            # again with the renewal assumed, so that caps and stacking apply as they would
            again = self.estimate(
                prof,
                programs=programs,
                as_of=day,
                include_all=include_all,
                assume=sorted(switches),
                assume_renewal=True,
            )
            renewed_low, renewed_high = again.total_low, again.total_high
        return _new_estimate(
            day,
            prof,
            tuple(awards),
            total_low,
            total_high,
            notes,
            tuple(uncounted) if uncounted else (),
            renewed_low,
            renewed_high,
            checked,
            unchecked,
            confidence,
            self,
            tuple(sorted(switches)) if switches else (),
            assume_renewal,
        )

    def _program_awards(
        self,
        program_id: str,
        profile: Profile,
        day: dt.date,
        switches: frozenset[str],
        include_all: bool,
        assume_renewal: bool,
        named: bool = False,
        evaluate: Evaluator | None = None,
    ) -> list[Award]:
        """The awards of one program: one per known version that covers some purchase, one
        for the purchases that depend on a renewal, or the current version's (with the reasons
        why nothing is covered) when no purchase falls in any version.

        ``evaluate`` judges one version in one setting (default: its plan's
        :meth:`~aivoucher.evaluate.engine.Plan.evaluate`); :mod:`aivoucher.ruleset.across`
        passes one that knows the answer already."""
        choice = self.index.choose(program_id, day, assume_renewal)
        if choice is None:
            raise self._unknown(program_id)
        versions, current = choice.versions, choice.current
        awards: list[Award] = []
        if current is None:  # a program named explicitly is reported, if only as "not in force"
            if include_all:
                return [not_in_force(e.program, day) for e in versions]
            return [not_in_force(versions[-1].program, day)] if named else []
        if not current.program.rate.tiers:  # not choice.buys
            if evaluate is None:
                evaluate = _evaluated
            # A fixed award or an unpublished rate: only the version in force is applied for.
            judged = [entry for entry, _, _ in choice.judges]
            awards += [evaluate(entry, profile, switches, None, None, False) for entry in judged]
            if not judged and (include_all or named):
                awards.append(not_in_force(current.program, day))
            if include_all:
                # each version listed once: one judged, or reported above as not in force,
                # is not reported again
                listed = [*judged] if judged else [current]
                others = [e for e in versions if not any(e is j for j in listed)]
                awards += [not_in_force(e.program, day) for e in others]
            return awards
        last = choice.known[-1]
        purchases = profile.purchases
        span = choice.span
        used: list[Entry] = []
        for entry, window, always in choice.judges:
            assert window is not None  # a program that buys judges by signing dates
            if always or _covers_any(entry.program, purchases, window):
                if evaluate is None:  # the plan's own evaluation, without a call between
                    award = entry.plan.evaluate(profile, switches, window=window, coverage=span)
                else:
                    award = evaluate(entry, profile, switches, window, span, False)
                if entry is last and assume_renewal:
                    end = last.program.window[1]
                    if end is not None:
                        award = _renewal_assumed(award, profile, end)
                awards.append(award)
                if include_all:
                    used.append(entry)
        after = choice.end
        past_end = False  # a purchase signed after the last known version ends
        if after is not None:
            for p in purchases:
                if p.signed > after:
                    past_end = True
                    break
        if past_end:
            assert after is not None
            later = (after + dt.timedelta(days=1), None)
            renewal = (evaluate or _evaluated)(last, profile, switches, later, span, True)
            if renewal.eligible is not False:  # what the last version would pay, if renewed
                awards.append(renewal)
        if include_all:
            awards += [not_in_force(e.program, day) for e in versions if e not in used]
        return awards

    def _program_facts(self, program: Program) -> tuple[Program, str | None, dt.date | None, str]:
        """What an estimate's summary reads of a program that pays: its confidence
        (:meth:`~aivoucher.vocabulary.schema.Program.amount_confidence`), the date its rule
        file was checked and its key; worked out once per program of this set (by its
        ``id()``, with the program kept to check it is the same object)."""
        if len(self._facts) >= 4096:  # programs of other sets, passed in awards: bounded
            self._facts.clear()
        known = self._facts[id(program)] = (
            program,
            self._confidence_of(program),
            program.checked,
            program.key,
        )
        return known

    def _confidence_of(self, program: Program) -> str | None:
        """``program.amount_confidence()``, worked out once per program of this set (it is read
        from the rule file, which does not change)."""
        known = self._confidences.get(program.key)
        if known is None or known[0] is not program:
            known = self._confidences[program.key] = (program, program.amount_confidence())
        return known[1]

    def _check_switches(self, names: Iterable[str]) -> frozenset[str]:
        chosen = frozenset(names)
        if chosen <= self._switch_ids:
            return chosen
        known = self.switches
        for name in sorted(chosen):
            if name not in known:
                from ..vocabulary.naming import unknown_name

                raise unknown_name("assumption", name, known, "offer", "switch.unknown", "assume")
        return chosen

    def _named_ids(self, programs: list[str]) -> tuple[str, ...]:
        """The program ids ``programs`` name (ids or keys), each once, in order; kept for the
        next estimate that names the same (a grid or a sweep names them again and again)."""
        # each distinct name looked up once: a name repeated costs nothing more
        chosen: dict[str, None] = {}
        for pid in dict.fromkeys(programs):
            found = self.index.versions(pid)
            if found is None:
                raise self._unknown(pid)
            chosen[found[0].program.id] = None
        ids = tuple(chosen)
        if len(self._named) >= 1024:
            self._named.clear()
        self._named[tuple(programs)] = ids
        return ids

    def _plain(self, profile: Profile) -> bool:
        """Whether every date the profile gives is a day and every qualification it declares
        is one the rule files declare (most profiles): nothing to refuse, no day to try."""
        ids = self._qualification_ids
        for name in profile.applicant.qualifications:
            if name not in ids:
                return False
        for p in profile.purchases:
            if isinstance(p.signed, Span) or isinstance(p.start, Span) or isinstance(p.end, Span):
                return False
            if p.qualifications:
                for name in p.qualifications:
                    if name not in ids:
                        return False
        return True

    def _known_qualifications(self, profile: Profile) -> bool:
        """Whether every qualification the profile declares is one the rule files declare."""
        ids = self._qualification_ids
        for name in profile.applicant.qualifications:
            if name not in ids:
                return False
        for p in profile.purchases:
            if p.qualifications:
                for name in p.qualifications:
                    if name not in ids:
                        return False
        return True

    def _check_qualifications(self, profile: Profile) -> None:
        if self._known_qualifications(profile):
            return
        known = self.qualifications
        declared = [("applicant.qualifications", profile.applicant.qualifications)]
        declared += [
            (f"purchases[{i}].qualifications", p.qualifications)
            for i, p in enumerate(profile.purchases)
        ]
        for where, names in declared:
            for name in names:
                if name not in known:
                    from ..vocabulary.naming import unknown_name

                    raise unknown_name(
                        "qualification", name, known, "define", "qualification.unknown", where
                    )


#: Judges one version of a program for a profile: ``(entry, profile, switches, window,
#: coverage, renewal)`` → its award.
Evaluator = Callable[[Entry, Profile, frozenset[str], Window | None, Window | None, bool], Award]


#: What :func:`_new_estimate` takes, in order: every field of :class:`Estimate`.
_ESTIMATE_FIELDS = (
    "as_of",
    "profile",
    "awards",
    "total_low",
    "total_high",
    "stacking",
    "uncounted",
    "if_renewed_low",
    "if_renewed_high",
    "checked",
    "unchecked",
    "confidence",
    "rules",
    "assume",
    "assume_renewal",
)


#: ``Estimate(...)`` of the values of :data:`_ESTIMATE_FIELDS`, by position, its slots filled
#: directly (most of the time a one-program estimate spent after its evaluation went into the
#: dataclass's own constructor).
_new_estimate = direct_constructor(Estimate, _ESTIMATE_FIELDS)


def _covers_any(program: Program, purchases: Sequence[Any], window: Window) -> bool:
    """Whether ``window`` of ``program`` covers one of the purchases."""
    for p in purchases:  # noqa: SIM110 (any() of a generator costs more on short profiles)
        if program.covers(p, window):
            return True
    return False


def _evaluated(
    entry: Entry,
    profile: Profile,
    switches: frozenset[str],
    window: Window | None,
    coverage: Window | None,
    renewal: bool,
) -> Award:
    """The version's award, as its plan evaluates it."""
    return entry.plan.evaluate(profile, switches, window=window, coverage=coverage, renewal=renewal)


_NO_SWITCHES: frozenset[str] = frozenset()
#: Stores an award's application status in its slot: for an award made by the estimate,
#: filled in before anyone sees it.
_set_application: Callable[[Award, Any], None] = next(
    vars(c)["application"] for c in Award.__mro__ if "application" in vars(c)
).__set__

#: Dates of knowledge given as text, read: a program of many estimates names the same few.
_DAYS: dict[str, dt.date] = {}


def _as_of_day(value: dt.date | str | None) -> dt.date:
    """:func:`~aivoucher.base.dates.as_of_date`, each text read once."""
    if value.__class__ is not str:
        return as_of_date(value)
    assert isinstance(value, str)
    day = _DAYS.get(value)
    if day is None:
        day = as_of_date(value)  # a text that is no date raises here, every time
        if len(_DAYS) >= 256:
            _DAYS.clear()
        _DAYS[value] = day
    return day


def _has_spans(profile: Profile) -> bool:
    """Whether a purchase gives a date as a month or a quarter (``profile.spans``, without
    listing them)."""
    for p in profile.purchases:
        if isinstance(p.signed, Span) or isinstance(p.start, Span) or isinstance(p.end, Span):
            return True
    return False


#: A profile with more purchases than this is estimated with Python's cyclic garbage collector
#: paused (see :func:`_collector_paused`).
LONG_PROFILE = 1_000


def _collector_paused(pause: bool) -> AbstractContextManager[None]:
    """Pause the cyclic garbage collector for the block, if it is running and ``pause``.

    Estimating a long profile allocates millions of short-lived objects; each full collection
    would walk every object alive, the profile's included, so the time per purchase grew with
    the number of purchases. The engine makes no reference cycles (reference counting frees
    what it allocates), and the collector's previous state is restored whatever happens."""
    if not pause or not gc.isenabled():
        return _NOT_PAUSED  # most estimates: nothing to pause, nothing to set up
    return _paused()


_NOT_PAUSED = nullcontext()


@contextmanager
def _paused() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _renewal_assumed(award: Award, profile: Profile, end: dt.date) -> Award:
    """List the renewal among the assumptions of an award that counts a purchase signed after
    the last known version's end."""
    if not any(profile.purchases[i].signed > end for i in award.purchases):
        return award
    note = Assumption(AssumptionCode.RENEWAL, field=end.isoformat())
    return award.replace(assumptions=(*award.assumptions, note))


def directory_files(root: Path) -> list[Path]:
    """The rule files of a directory; :class:`RuleFileError` where it is not a directory or
    holds none (loading and ``check`` refuse alike)."""
    if not root.is_dir():
        raise RuleFileError(
            "not a directory of rule files", file=str(root), code="rules.not_a_directory"
        )
    files = rule_files(root)
    if not files:
        raise RuleFileError(
            "no rule files (*.yaml) in this directory", file=str(root), code="rules.empty"
        )
    return files


def load_rules(directory: str | Path) -> RuleSet:
    """Load, validate and compile every rule file under ``directory`` (cached per directory and
    file modification times, so an edited file is re-read)."""
    root = Path(directory)
    files = directory_files(root)
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    return _load(root.resolve(), stamp)


@cache
def _load(root: Path, stamp: tuple[tuple[str, int], ...]) -> RuleSet:
    started = time.perf_counter()
    names = [name for name, _ in stamp]
    contents = _contents(names)
    key = None
    if contents is not None:
        key = rules_cache.rules_key(
            [
                (path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path), b)
                for path, b in contents
            ]
        )
    kept = rules_cache.programs_key(key) if key is not None and _is_bundled(root) else None
    rules = _kept_programs(root, names, kept) if kept is not None else None
    if rules is None:
        documents, write = _documents(names, key)
        entries = []
        for name, data in zip(names, documents, strict=True):
            program = _validated(data, name)
            entries.append(Entry(Path(name), program, compile_program(program)))
        rules = RuleSet(entries, root)
        write()  # only a set that loaded whole is kept
        if kept is not None:
            rules_cache.write_programs(kept, rules.programs, rules.digest)
    _log.debug(
        "loaded %d rule files from %s in %.1f ms",
        len(rules),
        root,
        (time.perf_counter() - started) * 1000,
    )
    return rules


def _is_bundled(root: Path) -> bool:
    """Whether ``root`` is the bundled rule files' directory (the only one whose programs are
    kept as validated: a user's own files are validated at every load)."""
    try:
        return root == bundled_rules_dir().resolve()
    except RuleFileError:
        return False


def _kept_programs(root: Path, names: list[str], key: str) -> RuleSet | None:
    """The rule set of the bundled files from their programs as validated before (kept by
    :func:`aivoucher.ruleset.cache.write_programs` under ``key``), or None where none are kept
    for these very files and this very code. The programs are compiled as after a validation,
    and each is checked against its file name again (the file order is part of the key)."""
    found = rules_cache.read_programs(key, len(names))
    if found is None:
        return None
    programs, digest = found
    try:
        for name, program in zip(names, programs, strict=True):
            _check_file_name(Path(name), program)
        rules = RuleSet(
            (
                Entry(Path(name), program, compile_program(program))
                for name, program in zip(names, programs, strict=True)
            ),
            root,
        )
    except RuleFileError:
        return None
    rules._digest = digest  # computed from these programs when they were kept
    return rules


def _contents(names: list[str]) -> list[tuple[Path, bytes]] | None:
    """Each rule file's path and bytes, or None where one cannot be read (reading it again
    reports the file)."""
    try:
        return [(Path(name), Path(name).read_bytes()) for name in names]
    except OSError:
        return None


def _documents(names: list[str], key: str | None) -> tuple[list[Any], Callable[[], None]]:
    """The documents of the rule files ``names``: from the cache of rule files as read
    (:mod:`aivoucher.ruleset.cache`) where it holds the very bytes whose key is ``key``, else
    read from the files; and what keeps them in that cache once the set has loaded."""
    if key is None:
        return [load_document(name, RULE_LIMITS) for name in names], lambda: None
    cached = rules_cache.read_documents(key)
    if cached is not None and len(cached) == len(names):
        return cached, lambda: None
    documents = [load_document(name, RULE_LIMITS) for name in names]
    payload = rules_cache.prepare(documents)  # as read: validation may change what it is given
    return documents, lambda: rules_cache.write_documents(key, payload)


@cache
def bundled_rules() -> RuleSet:
    """The rule files shipped with aivoucher (loaded once, on first use)."""
    return load_rules(bundled_rules_dir())


def _bundled_with_digest(digest: str) -> RuleSet:
    """The bundled rule set, as a pickled reference to it is read back (see
    :meth:`RuleSet.__reduce__`); refused if this installation's rules differ from the sender's."""
    rules = bundled_rules()
    if rules.digest != digest:
        raise RuleFileError(
            f"the pickled rule set was made with other bundled rules (digest {digest[:12]}) "
            f"than this installation's ({rules.digest[:12]}): install the same aivoucher "
            "version in every process",
            file=str(bundled_rules_dir()),
            code="rules.digest_mismatch",
        )
    return rules


#: Rule sets read back from pickles, by digest: a process pool that returns many estimates
#: made with one user rule set compiles it once per process, not once per estimate.
_received: dict[str, RuleSet] = {}


def _compiled_again(
    programs: tuple[tuple[str, Program], ...], directory: Path | None, digest: str
) -> RuleSet:
    """A user rule set, as its pickle is read back (see :meth:`RuleSet.__reduce__`)."""
    known = _received.get(digest)
    if known is not None:
        return known
    rules = RuleSet(
        (Entry(Path(path), program, compile_program(program)) for path, program in programs),
        directory,
    )
    if len(_received) >= 16:  # a bound, so that a long-lived worker does not grow without end
        _received.pop(next(iter(_received)))
    _received[digest] = rules
    return rules


def example_profile(program: Program, index: int, path: Path | None = None) -> Profile:
    """An example's profile, validated; errors point into the rule file."""
    example = program.examples[index]
    try:
        profile = parse_profile(example.profile)
        if profile.spans:
            # an example is judged by one version on known days; a plan's month or quarter is
            # for an estimate, which covers each day of it
            i, name, span = profile.spans[0]
            raise ProfileError(
                f"an example gives each purchase's day, not a month or a quarter: {span}",
                field=f"purchases[{i}].{name}",
                code="date.invalid",
                zh=f"示例须写明每笔采购的具体日期，不能只写月份或季度：{span}",
            )
        return profile
    except InputError as exc:
        prefix = f"examples[{index}].profile"
        problems = [
            RuleFileError(
                e.message,
                file=str(path) if path else program.id,
                field=prefix + (f".{e.field}" if e.field else ""),
                code=e.code,
                suggestions=e.suggestions,
            )
            for e in exc.errors
        ]
        first = problems[0]
        error = RuleFileError(
            first.message,
            file=first.file,
            field=first.field,
            code=first.code,
            suggestions=first.suggestions,
            errors=problems,
        )
        if path is not None:
            from ..base.problems import add_lines

            add_lines(error, read_text(path, RULE_LIMITS))
        raise error from None
