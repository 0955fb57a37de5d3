"""Estimates of one plan registered in several places, or varied in a few facts, made together.

A comparison asks the same plan in every place, and a what-if grid varies a few facts and
perhaps the place: the profiles differ only in where the applicant is registered (its city; a
district belongs to the city it was declared in) and in the varied fields. Each program reads
the place only through its own conditions on ``applicant.city``, ``applicant.province`` and
``applicant.district``. The rule set's jurisdiction index, built once per rule set from those
very conditions, tells for each place which programs cannot take an applicant registered
there: a condition on the place that fails for it. Such a program's awards are decided before
anything else is read — not eligible, nothing paid or missing
(:meth:`~aivoucher.evaluate.engine.Plan.refused`), one for each version and setting
:meth:`RuleSet.estimate` would evaluate — so nothing is evaluated for it. Any other program's
awards depend on the profile only through the facts its conditions read and the purchases'
amounts, dates and labels: they are made once for all the profiles that agree on those (a
program that reads no place, in every place; a province's program, once per province). Each
estimate is summed as :meth:`RuleSet.estimate` sums it: every estimate is the one it returns
for that profile (``tests/ruleset/test_across.py``).

The totals with a renewal assumed, which an estimate gives where one of its awards depends on
a renewal, are made the same way, taking again the awards of every program whose last known
version has no end (assuming a renewal changes nothing of them).

:func:`deferred_together` leaves each estimate to be assembled when it is first asked for:
what ranks a comparison's row — the totals, the awards that may pay — is made of the awards
that may count, while the refused programs' awards, most of an estimate's and none of which
pays, are built only when the whole estimate is read (:mod:`aivoucher.questions.assembled`).

Nothing is kept between calls but the index, which depends on the rule set alone (with what
each program's conditions read of the fields a grid varies).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence, Set
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..base.dates import as_of_date
from ..evaluate.application import with_application
from ..evaluate.stacking import combine
from ..plan.conditions import APPLICANT, PURCHASE
from ..vocabulary.facts import FACTS
from ..vocabulary.naming import name_list
from ..vocabulary.profile import Applicant, Profile, Purchase, parse_profile
from ..vocabulary.result import Award, Estimate, StackingNote
from .registry import LONG_PROFILE, _collector_paused

if TYPE_CHECKING:
    from ..evaluate.traced import Window
    from .registry import Entry, RuleSet

__all__ = [
    "PLACE_FACTS",
    "Deferred",
    "deferred_together",
    "estimates_across_places",
    "estimates_together",
]

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

    __slots__ = ("_programs", "_refused", "_tests", "reads")

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
        #: what each program's awards are keyed by when profiles varied in some fields are
        #: estimated together, by those fields and program id (see _Varied)
        self.reads: dict[tuple[Any, ...], tuple[Callable[[Profile], Any], ...]] = {}

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


def _same_but(first: Profile, applicant: Set[str], purchase: Set[str]) -> Callable[[Profile], bool]:
    """Whether a profile differs from ``first`` at most in the applicant's fields ``applicant``
    and the purchases' fields ``purchase`` (the same number of purchases)."""
    a = first.applicant.__dict__
    kept = [k for k in a if k not in applicant]
    rest = {k: v for k, v in first.__dict__.items() if k not in ("applicant", "purchases")}
    mine = [p.__dict__ for p in first.purchases]

    def same(other: Profile) -> bool:
        b = other.applicant.__dict__
        if a.keys() != b.keys() or any(a[k] != b[k] for k in kept):
            return False
        if {k: v for k, v in other.__dict__.items() if k not in ("applicant", "purchases")} != rest:
            return False
        if other.purchases is first.purchases or other.purchases == first.purchases:
            return True
        if len(other.purchases) != len(mine):
            return False
        for c, y in zip(mine, other.purchases, strict=True):
            d = y.__dict__
            if c.keys() != d.keys() or any(c[k] != d[k] for k in c if k not in purchase):
                return False
        return True

    return same


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
    return estimates_together(
        rules, profiles, as_of=as_of, assume=assume, assume_renewal=assume_renewal
    )


def estimates_together(
    rules: RuleSet,
    profiles: Sequence[Profile | Any],
    *,
    varied: Iterable[str] = (),
    as_of: dt.date | str | None = None,
    assume: Iterable[str] = (),
    assume_renewal: bool = False,
) -> list[Estimate]:
    """``[rules.estimate(p, as_of=…, assume=…, assume_renewal=…) for p in profiles]``, for
    profiles that differ only in where the applicant is registered and in the fields named in
    ``varied`` (an applicant's field, or a field set alike on every purchase): a what-if grid.
    Profiles that differ otherwise are estimated one by one.

    A program's awards are made once for all the profiles that agree on every varied field
    its conditions read (and on the place, if they read it): the awards of a program depend
    on the profile only through the facts its conditions read and the purchases' amounts,
    dates and labels, which a varied field that no condition reads is not among."""
    return [
        pending.made()
        for pending in deferred_together(
            rules,
            profiles,
            varied=varied,
            as_of=as_of,
            assume=assume,
            assume_renewal=assume_renewal,
        )
    ]


def deferred_together(
    rules: RuleSet,
    profiles: Sequence[Profile | Any],
    *,
    varied: Iterable[str] = (),
    as_of: dt.date | str | None = None,
    assume: Iterable[str] = (),
    assume_renewal: bool = False,
) -> list[Deferred]:
    """:func:`estimates_together`, each estimate assembled when it is first asked for
    (:meth:`Deferred.made`): until then only :attr:`Deferred.partial` is made, the estimate
    without the awards of the programs that cannot take the applicant in its place (its
    totals, renewal totals, confidence and dates are the estimate's; those awards pay and
    count nowhere). A comparison ranks its rows, and a grid fills its cells, on those."""
    chosen = name_list(assume, "assume", "assumption names")
    parsed = [parse_profile(p) for p in profiles]
    names = set(varied)
    applicant = {"city", "district"} | (names & Applicant.model_fields.keys())
    purchase = names & Purchase.model_fields.keys()
    if (
        len(parsed) < 2
        or any(p.spans for p in parsed)  # a plan by month: each day, as RuleSet.estimate does
        or not all(map(_same_but(parsed[0], applicant, purchase), parsed[1:]))
    ):
        return [
            Deferred(
                rules.estimate(p, as_of=as_of, assume=chosen or (), assume_renewal=assume_renewal)
            )
            for p in parsed
        ]
    day = as_of_date(as_of)
    switches = rules._check_switches(chosen or ())
    for prof in parsed:  # a varied qualification may be unknown
        rules._check_qualifications(prof)
    fields = _Varied(applicant, purchase, jurisdiction_index(rules).reads)
    joint = _Joint(rules, day, switches, fields, assume_renewal)
    made, shared = joint.made(parsed, assume_renewal)
    # the totals if the programs that have ended were renewed, where an award depends on a
    # renewal: made as the estimate makes them, with the renewal assumed, for those profiles
    # together (a program whose last known version has no end gives the same awards either
    # way: those made above are taken again)
    waiting = [
        i for i, m in enumerate(made) if not assume_renewal and any(a.renewal for a in m.considered)
    ]
    renewed: dict[int, _Made] = {}
    if waiting:
        again, _ = joint.made([made[i].profile for i in waiting], True, reuse=shared)
        renewed = dict(zip(waiting, again, strict=True))
    return [Deferred(None, (joint, m, renewed.get(i))) for i, m in enumerate(made)]


class Deferred:
    """One estimate of :func:`deferred_together`: ``partial``, the estimate but for the awards
    of the programs that cannot take the applicant in its place, and :meth:`made`, the whole
    estimate (equal to what :meth:`RuleSet.estimate` returns). Each is made on first use
    from the awards made together (two threads may both make one; they make equal values)."""

    __slots__ = ("_made", "_of", "_partial")

    def __init__(
        self, whole: Estimate | None, of: tuple[_Joint, _Made, _Made | None] | None = None
    ) -> None:
        self._partial = self._made = whole
        self._of = of

    @property
    def partial(self) -> Estimate:
        """The estimate but for the refused programs' awards, which pay and count nowhere:
        its totals, renewal totals, confidence and dates are the estimate's."""
        partial = self._partial
        if partial is None:
            assert self._of is not None
            joint, made, renewed = self._of
            partial = self._partial = joint.summed(made, renewed, made.considered)
        return partial

    @property
    def profile(self) -> Profile:
        if self._of is None:
            assert self._made is not None
            return self._made.profile
        return self._of[1].profile

    @property
    def totals(self) -> tuple[Decimal, Decimal]:
        """The estimate's totals (low, high), summed without making ``partial``."""
        if self._of is None:
            assert self._made is not None
            return self._made.total_low, self._made.total_high
        low, high, _ = self._of[1].totals
        return low, high

    @property
    def considered(self) -> Sequence[Award]:
        """The awards that may count, in the estimate's order (every award the estimate
        holds but the refused programs', none of which pays)."""
        if self._of is None:
            assert self._made is not None
            return self._made.awards
        return self._of[1].considered

    @property
    def assume_renewal(self) -> bool:
        if self._of is None:
            assert self._made is not None
            return self._made.assume_renewal
        return self._of[0].assume_renewal

    def made(self) -> Estimate:
        """The whole estimate: the awards of every program in the estimate's order, the
        refused ones among them."""
        made = self._made
        if made is None:
            assert self._of is not None
            joint, of, renewed = self._of
            # where every program can take the applicant, nothing is left to add
            if len(of.live) == len(joint.rules.index.ids):
                made = self.partial
            else:
                made = joint.summed(of, renewed, joint.assembled(of))
            # what it was made from is kept: another thread may be reading it (the holder of
            # this estimate keeps the estimate, not this)
            self._made = made
        return made


#: The fields of a subject that a program's conditions can read (a province is read from a
#: city, a qualification from the qualifications); the engine reads a purchase's amounts,
#: dates and label whatever its conditions.
_CONDITION_FIELDS = {
    scope: frozenset(
        f.field.partition(".")[0]
        for f in FACTS.values()
        if f.scope == name and f.field and f.field not in ("signed", "start/end")
    )
    for scope, name in ((APPLICANT, "applicant"), (PURCHASE, "purchase"))
}


class _Varied:
    """The fields in which the profiles estimated together differ, and for each program the
    key its awards are made once per: its id and the values of those of them it reads.

    A program that reads the registered city only through the province (a province's own
    program) is keyed by the province: the cities of one province give it the same awards."""

    __slots__ = ("_fields", "_kept", "_reads")

    def __init__(
        self,
        applicant: Set[str],
        purchase: Set[str],
        kept: dict[tuple[Any, ...], tuple[Callable[[Profile], Any], ...]],
    ) -> None:
        self._fields = tuple(
            [(APPLICANT, f) for f in sorted(applicant)] + [(PURCHASE, f) for f in sorted(purchase)]
        )
        self._reads: dict[str, tuple[Callable[[Profile], Any], ...]] = {}
        # what a program reads of these fields depends on the rule set alone: kept with it
        self._kept = kept

    def _read(self, rules: RuleSet, pid: str) -> tuple[Callable[[Profile], Any], ...]:
        """What the key of a program reads of a profile: a function per varied field it
        reads (or that the engine reads whatever the conditions)."""
        read: set[tuple[int, str]] = set()
        province: Callable[[Any], Any] | None = None
        for entry in rules.versions(pid):
            plan = entry.plan
            for test in (
                *plan.applicant_tests,
                *plan.purchase_tests,
                *(t for tier in plan.tiers for t in tier.tests),
            ):
                if test.fact == _PROVINCE:
                    province = test.get  # the province, read from the city as the test reads it
                elif test.profile_field is not None:
                    read.add((test.scope, test.profile_field.partition(".")[0]))
        getters: list[Callable[[Profile], Any]] = []
        for scope, field in self._fields:
            if (scope, field) in read or field not in _CONDITION_FIELDS[scope]:
                getters.append(_getter(scope, field))
            elif province is not None and (scope, field) == (APPLICANT, "city"):
                getters.append(_province_getter(province))
        return tuple(getters)

    def key(self, rules: RuleSet, pid: str, profile: Profile) -> tuple[Any, ...]:
        reads = self._reads.get(pid)
        if reads is None:
            kept = (self._fields, pid)
            reads = self._kept.get(kept)
            if reads is None:
                reads = self._kept[kept] = self._read(rules, pid)
            self._reads[pid] = reads
        return (pid, *(read(profile) for read in reads))


_PROVINCE = "applicant.province"


def _getter(scope: int, field: str) -> Callable[[Profile], Any]:
    if scope == APPLICANT:
        return lambda profile: _frozen(getattr(profile.applicant, field))
    return lambda profile: tuple(_frozen(getattr(p, field)) for p in profile.purchases)


def _province_getter(read: Callable[[Any], Any]) -> Callable[[Profile], Any]:
    # marked apart from any field's value, so that no province equals a city's id
    return lambda profile: (_PROVINCE, read(profile.applicant))


def _frozen(value: Any) -> Any:
    return tuple(sorted(value.items())) if isinstance(value, dict) else value


class _Made:
    """One profile's awards as :class:`_Joint` makes them: the programs that can take the
    applicant in its place (``live``, in the estimate's order) and the awards of each; the
    awards that may count (theirs), and their totals (summed when first asked for)."""

    __slots__ = ("_totals", "considered", "live", "parts", "profile")

    def __init__(
        self,
        profile: Profile,
        live: tuple[str, ...],
        parts: list[list[Award]],
        considered: list[Award],
    ) -> None:
        self.profile, self.live, self.parts = profile, live, parts
        self.considered = considered
        self._totals: Totals | None = None

    @property
    def totals(self) -> Totals:
        """The totals of the awards that may count: the refused ones pay nothing, so these are
        the estimate's."""
        totals = self._totals
        if totals is None:
            with _collector_paused(len(self.profile.purchases) > LONG_PROFILE):
                totals = self._totals = combine(self.considered, self.profile)
        return totals


class _Joint:
    """The awards of profiles that are the same but for the place and the varied fields, made
    together: a program's awards once per the values of the varied fields it reads (aivoucher
    refuses or judges by conditions); a refused program's awards as slots made once per
    program and purchase dates, filled in for each profile when its estimate is assembled."""

    def __init__(
        self,
        rules: RuleSet,
        day: dt.date,
        switches: frozenset[str],
        fields: _Varied,
        assume_renewal: bool,
    ) -> None:
        self.rules, self.day, self.switches, self.fields = rules, day, switches, fields
        #: the estimates' own setting, in which the refused programs' awards are made
        self.assume_renewal = assume_renewal
        self.index = jurisdiction_index(rules)
        self.slots: dict[tuple[Any, ...], list[_Slot]] = {}
        #: the programs not refused, in order, by the set of those refused
        self._live: dict[frozenset[str], tuple[str, ...]] = {}
        # the programs whose awards do not depend on assuming a renewal: no known version
        # ends (see VersionIndex.choose; the renewal only opens the last version's end)
        self.open_ended = {
            pid for pid in rules.index.ids if rules.choose(pid, day, False).end is None
        }

    def made(
        self,
        parsed: Sequence[Profile],
        assume_renewal: bool,
        reuse: dict[tuple[Any, ...], list[Award]] | None = None,
    ) -> tuple[list[_Made], dict[tuple[Any, ...], list[Award]]]:
        """For each profile its awards; and the awards made, by program and the values it
        reads. ``reuse``: those made for the same profiles without the renewal assumed, of
        which the programs that no renewal changes are taken again."""
        rules, day, switches, fields = self.rules, self.day, self.switches, self.fields
        ids = rules.index.ids
        # a program's awards, by the values of the varied fields it reads
        shared: dict[tuple[Any, ...], list[Award]] = {}
        made: list[_Made] = []
        with _collector_paused(len(parsed[0].purchases) > LONG_PROFILE):
            for prof in parsed:
                refused = self.index.refused(prof.applicant)
                live = self._live.get(refused)
                if live is None:
                    live = self._live[refused] = tuple(p for p in ids if p not in refused)
                parts: list[list[Award]] = []
                # the awards that may count: all but those refused
                considered: list[Award] = []
                for pid in live:
                    key = fields.key(rules, pid, prof)
                    same = shared.get(key)
                    if same is None:
                        if reuse is not None and pid in self.open_ended:
                            same = reuse[key]
                        else:
                            same = [
                                with_application(a, day, prof)
                                for a in rules._program_awards(
                                    pid, prof, day, switches, False, assume_renewal
                                )
                            ]
                        shared[key] = same
                    parts.append(same)
                    considered += same
                made.append(_Made(prof, live, parts, considered))
        return made, shared

    def summed(self, made: _Made, renewed: _Made | None, awards: list[Award]) -> Estimate:
        """The estimate of one profile holding ``awards`` (all of them, or those that may
        count), as :meth:`RuleSet.estimate` sums it; ``renewed``: the profile's awards made
        with the renewal assumed, where one of its awards depends on a renewal."""
        low, high, notes = made.totals
        again = (low, high) if renewed is None else renewed.totals[:2]
        return self.rules._summed(
            made.profile,
            self.day,
            awards,
            low,
            high,
            notes,
            None,
            False,
            self.switches,
            self.assume_renewal,
            made.considered,
            again,
        )

    def assembled(self, made: _Made) -> list[Award]:
        """Every award of one profile, in the estimate's order (that of the rule set's
        program ids), the refused programs' among them."""
        prof = made.profile
        dates = tuple((p.signed, p.start, p.end) for p in prof.purchases)
        awards: list[Award] = []
        given = dict(zip(made.live, made.parts, strict=True))
        with _collector_paused(len(prof.purchases) > LONG_PROFILE):
            for pid in self.rules.index.ids:
                part = given.get(pid)
                if part is not None:
                    awards += part
                    continue
                found = self.slots.get((pid, dates))
                if found is None:
                    found = self.slots[pid, dates] = self._refused_slots(pid, prof)
                for award, refusal in found:
                    awards.append(award if refusal is None else refusal(prof))
        return awards

    def _refused_slots(self, pid: str, prof: Profile) -> list[_Slot]:
        """The awards of a program refused in the place of ``prof``, as slots to fill in each
        place: the settings :meth:`RuleSet._program_awards` judges its versions in (a refused
        program's slots hold for any purchases of the same dates)."""
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

        awards = self.rules._program_awards(
            pid, prof, self.day, self.switches, False, self.assume_renewal, evaluate=judge
        )
        return [(a, kept[id(a)][1] if id(a) in kept else None) for a in awards]


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
