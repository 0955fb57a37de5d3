"""Estimates of one plan registered in several places, made together.

A comparison asks the same plan in every place, and a what-if grid may vary the place: the
profiles differ only in where the applicant is registered (its city; a district belongs to the
city it was declared in). Each program reads the place only through its own conditions on
``applicant.city``, ``applicant.province`` and ``applicant.district``. The rule set's
jurisdiction index, built once per rule set from those very conditions, tells for each place
which programs cannot take an applicant registered there: a condition on the place that fails
for it. Such a program's awards are decided before anything else is read — not eligible,
nothing paid or missing (:meth:`~aivoucher.evaluate.engine.Plan.refused`), one for each
version and setting :meth:`RuleSet.estimate` would evaluate — so nothing is evaluated for it.
A program that reads no place gives the same awards everywhere: they are made once. Only the
rest is evaluated in each place, and each estimate is summed as :meth:`RuleSet.estimate` sums
it: every estimate is the one it returns for that profile (``tests/ruleset/test_across.py``).

Nothing is kept between calls but the index, which depends on the rule set alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..base.dates import as_of_date
from ..evaluate.application import with_application
from ..evaluate.stacking import combine
from ..vocabulary.naming import name_list
from ..vocabulary.profile import Applicant, Profile, parse_profile
from ..vocabulary.result import Award, Estimate, StackingNote
from .registry import LONG_PROFILE, _collector_paused

if TYPE_CHECKING:
    from ..evaluate.traced import Window
    from .registry import Entry, RuleSet

__all__ = ["PLACE_FACTS", "estimates_across_places"]

#: The facts through which a program reads where the applicant is registered.
PLACE_FACTS = frozenset({"applicant.city", "applicant.province", "applicant.district"})

#: One award of a program refused in a place, and what makes it in another place (the version's
#: refusal in the setting it is judged in), or ``None`` for an award made without evaluating (a
#: version not in force), which is the same in every place.
_Slot = tuple[Award, "Callable[[Profile], Award] | None"]


#: An estimate's totals and stacking notes, as :func:`~aivoucher.evaluate.stacking.combine`
#: gives them.
Totals = tuple[Decimal, Decimal, tuple[StackingNote, ...]]


class JurisdictionIndex:
    """For each program of a rule set, its conditions on the place and whether it reads the
    place at all; for each place asked about, the programs that cannot take it."""

    __slots__ = ("_programs", "_refused", "_tests")

    def __init__(self, rules: RuleSet) -> None:
        self._tests: dict[str, tuple[Any, ...]] = {}
        reads: dict[str, bool] = {}
        for entry in rules:
            plan = entry.plan
            tests = (
                *plan.applicant_tests,
                *plan.purchase_tests,
                *(t for tier in plan.tiers for t in tier.tests),
            )
            key = entry.program.key
            reads[key] = any(t.fact in PLACE_FACTS for t in tests)
            self._tests[key] = tuple(t for t in plan.applicant_tests if t.fact in PLACE_FACTS)
        #: program id → the keys of its versions, and whether any of them reads the place
        self._programs: dict[str, tuple[tuple[str, ...], bool]] = {}
        for pid in rules.index.ids:
            keys = tuple(e.program.key for e in rules.versions(pid))
            self._programs[pid] = (keys, any(reads[k] for k in keys))
        self._refused: dict[tuple[str, str | None], frozenset[str]] = {}

    def reads_place(self, program_id: str) -> bool:
        """Whether any version of the program reads where the applicant is registered."""
        return self._programs[program_id][1]

    def refused(self, applicant: Applicant) -> frozenset[str]:
        """The programs every version of which has a condition on the place that fails for
        ``applicant`` (a fact left unknown, such as a district, fails nothing)."""
        where = (applicant.city, applicant.district)
        found = self._refused.get(where)
        if found is None:
            failing = {
                key
                for key, tests in self._tests.items()
                if any(_fails(test, applicant) for test in tests)
            }
            found = self._refused[where] = frozenset(
                pid
                for pid, (keys, _) in self._programs.items()
                if all(key in failing for key in keys)
            )
        return found


def _fails(test: Any, applicant: Applicant) -> bool:
    value = test.get(applicant)
    return value is not None and not test.test(value)


def jurisdiction_index(rules: RuleSet) -> JurisdictionIndex:
    """The rule set's jurisdiction index, built on first use and kept with the rule set (whose
    programs do not change)."""
    index = rules.jurisdiction_index
    if index is None:
        index = rules.jurisdiction_index = JurisdictionIndex(rules)
    assert isinstance(index, JurisdictionIndex)
    return index


def _same_but_place(first: Profile, other: Profile) -> bool:
    """Whether two profiles differ at most in where the applicant is registered."""
    if other.purchases != first.purchases:
        return False
    a, b = first.applicant.__dict__, other.applicant.__dict__
    return (
        a.keys() == b.keys()
        and all(a[k] == b[k] for k in a if k != "city" and k != "district")
        and {k: v for k, v in first.__dict__.items() if k != "applicant"}
        == {k: v for k, v in other.__dict__.items() if k != "applicant"}
    )


def estimates_across_places(
    rules: RuleSet,
    profiles: Sequence[Profile | Any],
    *,
    as_of: dt.date | str | None = None,
    assume: Iterable[str] = (),
    assume_renewal: bool = False,
) -> list[Estimate]:
    """``[rules.estimate(p, as_of=…, assume=…, assume_renewal=…) for p in profiles]``, for
    profiles that differ only in where the applicant is registered (others are estimated one
    by one)."""
    chosen = name_list(assume, "assume", "assumption names")
    parsed = [parse_profile(p) for p in profiles]
    if len(parsed) < 2 or not all(_same_but_place(parsed[0], p) for p in parsed[1:]):
        return [
            rules.estimate(p, as_of=as_of, assume=chosen or (), assume_renewal=assume_renewal)
            for p in parsed
        ]
    first = parsed[0]
    day = as_of_date(as_of)
    switches = rules._check_switches(chosen or ())
    rules._check_qualifications(first)
    made = _joint(rules, parsed, day, switches, assume_renewal, refused_too=True)
    # the totals if the programs that have ended were renewed, where an award depends on a
    # renewal: made as the estimate makes them, with the renewal assumed, for those profiles
    # together
    waiting = [
        i
        for i, (_, _, considered, _) in enumerate(made)
        if not assume_renewal and any(a.renewal for a in considered)
    ]
    renewed: dict[int, tuple[Decimal, Decimal]] = {}
    if waiting:
        # only the totals are wanted, which the refused awards have no part in
        again = _joint(rules, [made[i][0] for i in waiting], day, switches, True, refused_too=False)
        renewed = {i: (t[0], t[1]) for i, (_, _, _, t) in zip(waiting, again, strict=True)}
    return [
        rules._summed(
            prof,
            day,
            awards,
            total_low,
            total_high,
            notes,
            None,
            False,
            switches,
            assume_renewal,
            considered,
            renewed.get(i, (total_low, total_high)),
        )
        for i, (prof, awards, considered, (total_low, total_high, notes)) in enumerate(made)
    ]


def _joint(
    rules: RuleSet,
    parsed: Sequence[Profile],
    day: dt.date,
    switches: frozenset[str],
    assume_renewal: bool,
    *,
    refused_too: bool,
) -> list[tuple[Profile, list[Award], list[Award], Totals]]:
    """For each profile (the same but for the place): its awards, in the estimate's order
    (without those of refused programs unless ``refused_too``), the awards that may count, and
    their totals."""
    index = jurisdiction_index(rules)
    ids = rules.index.ids
    shared: dict[str, list[Award]] = {}
    slots: dict[str, list[_Slot]] = {}

    def refused_slots(pid: str, prof: Profile) -> list[_Slot]:
        """The awards of a program refused in the place of ``prof``, as slots to fill in each
        place: the settings :meth:`RuleSet._program_awards` judges its versions in."""
        kept: dict[int, tuple[Award, Callable[[Profile], Award]]] = {}

        def judge(
            entry: Entry,
            profile: Profile,
            on: frozenset[str],
            window: Window | None,
            coverage: Window | None,
            renewal: bool,
        ) -> Award:
            refusal = entry.plan.refusal(on, window=window, coverage=coverage, renewal=renewal)
            award = refusal(profile)
            # the award is kept, so that no other object takes its id
            kept[id(award)] = (award, refusal)
            return award

        awards = rules._program_awards(
            pid, prof, day, switches, False, assume_renewal, evaluate=judge
        )
        return [(a, kept[id(a)][1] if id(a) in kept else None) for a in awards]

    made: list[tuple[Profile, list[Award], list[Award], Totals]] = []
    with _collector_paused(len(parsed[0].purchases) > LONG_PROFILE):
        for prof in parsed:
            refused = index.refused(prof.applicant)
            awards: list[Award] = []
            # the awards that may count: all but those refused
            considered: list[Award] = []
            for pid in ids:
                if pid in refused:
                    if not refused_too:
                        continue
                    found = slots.get(pid)
                    if found is None:
                        found = slots[pid] = refused_slots(pid, prof)
                    for award, refusal in found:
                        awards.append(award if refusal is None else refusal(prof))
                    continue
                same = shared.get(pid)
                if same is None:
                    same = [
                        with_application(a, day, prof)
                        for a in rules._program_awards(
                            pid, prof, day, switches, False, assume_renewal
                        )
                    ]
                    if not index.reads_place(pid):
                        shared[pid] = same
                awards += same
                considered += same
            # the refused awards pay nothing: the totals of the others are the estimate's
            made.append((prof, awards, considered, combine(considered, prof)))
    return made


def refused_applicant(rules: RuleSet, profile: Profile, switches: frozenset[str]) -> frozenset[str]:
    """The programs every version of which has a condition on the applicant (or on the
    switches) that fails for ``profile``: whatever its purchases, each of their awards is not
    eligible and pays nothing, as the engine decides on those conditions first (a fact left
    unknown fails nothing)."""
    subjects: list[Any] = [profile.applicant, None, None, switches]
    refused = set()
    for pid in rules.index.ids:
        if all(
            any(test.check(subjects)[0] is False for test in entry.plan.applicant_tests)
            for entry in rules.versions(pid)
        ):
            refused.add(pid)
    return frozenset(refused)


def spend_free(rules: RuleSet, program_id: str) -> bool:
    """Whether the awards of a program do not depend on what the purchases cost: every version
    pays a fixed sum per applicant, or publishes no rate (its awards say only which purchases
    qualify)."""
    return all(
        entry.plan.unpublished is not None
        or (entry.plan.lump_sum is not None and entry.plan.lump_sum.per == "applicant")
        for entry in rules.versions(program_id)
    )
