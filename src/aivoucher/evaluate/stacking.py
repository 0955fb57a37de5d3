"""Totals across programs: adding awards, except where two programs pay for the same purchase.

Two awards that draw on different purchases simply add up. Where they share a purchase, the
rule files' ``stacking`` entries decide:

* ``stackable`` — both count; a ``ceiling`` bounds their combined rate on the shared purchases
  (applied where both awards come from the shared purchases only);
* ``exclusive`` — the applicant gets one of them: the total counts the better award;
* no entry in either file — **unknown**: the total runs from the better award alone (low) to
  both together (high), and a :class:`~aivoucher.vocabulary.result.StackingNote` says so, once for
  all the programs that share purchases without a declared relation.

Programs linked by exclusive or unknown relations form groups; each group contributes as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..base.money import ZERO, convert
from ..vocabulary.profile import Profile
from ..vocabulary.result import Award, StackingNote
from ..vocabulary.schema import Stacking

__all__ = ["UNDECLARED", "combine", "counted", "in_profile_currency", "relation"]


def relation(a: Award, b: Award) -> Stacking | None:
    """The stacking entry either program declares for the other, if any."""
    for x, y in ((a, b), (b, a)):
        for entry in x.program.stacking:
            if entry.program == y.program.id:
                return entry
    return None


def counted(award: Award) -> bool:
    """Whether an award counts towards the totals: it may pay, and does not turn on a
    qualification the profile leaves undeclared (a status only the applicant can state), on
    where a purchase's compute comes from, where the profile does not say (programs that pay
    buyers anywhere for one place's compute would otherwise add to every estimate in China),
    on the district of an applicant that does not name it (a firm is in one district, so the
    districts' programs cannot all add up), or on the renewal of a program past its known end."""
    if not award.eligible or award.renewal:
        return False
    missing = award.missing
    if not missing:
        return True
    # the answer for each short tuple of missing facts, told once: a comparison asks it of
    # every award of every row, which name a handful of distinct tuples between them
    settled = _SETTLED.get(missing)
    if settled is None:
        settled = not any(_speculative(m) for m in missing)
        if len(missing) <= _KEPT_LENGTH and len(_SETTLED) < _KEPT_TUPLES:
            _SETTLED[missing] = settled
    return settled


_SETTLED: dict[tuple[str, ...], bool] = {}
_KEPT_LENGTH, _KEPT_TUPLES = 4, 4096


def _speculative(field: str) -> bool:
    """A missing fact that only the applicant can settle, on which the awards are shown rather
    than added up."""
    return (
        ".qualifications." in field
        or field.endswith(".provider_city")
        or field == "applicant.district"
    )


#: How programs that share a purchase and declare no relation are totalled: as ``unknown``
#: (the better award alone to both together, the default), or as if the texts said
#: ``stackable`` or ``exclusive`` (what-if answers to the open stacking question).
UNDECLARED = ("unknown", "stackable", "exclusive")


def combine(
    awards: Sequence[Award], profile: Profile, *, undeclared: str = "unknown"
) -> tuple[Decimal, Decimal, tuple[StackingNote, ...]]:
    """``(total_low, total_high, notes)`` for the awards of one estimate; ``undeclared`` says
    how to total programs that share a purchase without a declared relation (see
    :data:`UNDECLARED`).

    Declared relations are handled pair by pair (there are as many as the rule files write).
    Undeclared ones are found per purchase and reported once per group of programs, so that n
    programs paying for one purchase give one note, not n² / 2, and the work stays linear in n
    except where every program sharing a purchase declares a relation with another of them.
    """
    # counted(a), its common case told inline: most awards name no missing fact
    paying = [
        a
        for a in awards
        if a.eligible
        and not a.renewal
        and (not a.missing or counted(a))
        and a.high is not None
        and a.high > ZERO
    ]
    if any(a.program.currency != profile.currency for a in paying):
        paying = [b for a in paying if (b := in_profile_currency(a, profile)) is not None]
    if len(paying) < 2:  # most estimates: no pair to relate, no group to note
        if undeclared not in UNDECLARED:
            raise ValueError(f"undeclared must be one of {UNDECLARED}, not {undeclared!r}")
        if not paying:
            return ZERO, ZERO, ()
        # one award: _bounded's steps on it, written out (the same Decimal operations, so the
        # same digits)
        one = paying[0]
        one_low, one_high = one.low or ZERO, one.high or ZERO  # _low(one), _high(one)
        sum_low, sum_high = ZERO + one_low, ZERO + one_high
        if sum_low == one_low and sum_high == one_high:
            # the sums exact (as always, short of the context's precision): what the steps
            # below give, the first of equals kept as max() and min() keep it
            if one_high > one_low:
                return one_low, one_high, ()
            return one_low, (one_low if one_high == one_low else sum_high), ()
        low = max(one_low, sum_low - ZERO)
        high = min(max(low, one_high, sum_high - ZERO), ZERO + one_high)
        return low, high, ()
    groups = _Groups(len(paying))
    by_id: dict[str, list[int]] = {}
    for i, a in enumerate(paying):
        by_id.setdefault(a.program.id, []).append(i)
    notes: list[StackingNote] = []
    declared: set[tuple[int, int]] = set()
    excess_low = excess_high = ZERO
    for i, a in enumerate(paying):
        for entry in a.program.stacking:
            for j in by_id.get(entry.program, ()):
                pair = (min(i, j), max(i, j))
                if i == j or pair in declared:
                    continue
                declared.add(pair)
                b = paying[j]
                shared = sorted(set(a.purchases) & set(b.purchases))
                if not shared:
                    continue
                x, y = paying[pair[0]], paying[pair[1]]
                ceiling = entry.ceiling
                notes.append(
                    StackingNote(
                        (x.program.key, y.program.key),
                        entry.relation,
                        _labels(profile, shared),
                        None if ceiling is None else ceiling[1],
                    )
                )
                if entry.relation == "exclusive":
                    groups.join(i, j, exclusive=True)
                elif ceiling is not None and set(a.purchases) == set(b.purchases) == set(shared):
                    base = sum((profile.purchases[k].amount for k in shared), ZERO)
                    excess_low += max(ZERO, _low(a) + _low(b) - ceiling[0] * base)
                    excess_high += max(ZERO, _high(a) + _high(b) - ceiling[1] * base)
    if undeclared not in UNDECLARED:
        raise ValueError(f"undeclared must be one of {UNDECLARED}, not {undeclared!r}")
    if undeclared != "stackable":  # stackable: each award adds, as if declared so
        as_exclusive = undeclared == "exclusive"
        unknown_purchases = _join_undeclared(paying, declared, groups, exclusive=as_exclusive)
        for members, purchases in groups.unknown(unknown_purchases):
            notes.append(
                StackingNote(
                    tuple(paying[i].program.key for i in members),
                    undeclared,
                    _labels(profile, purchases),
                )
            )
    low = high = ZERO
    for members, exclusive_only in groups.all():
        lows = [_low(paying[i]) for i in members]
        highs = [_high(paying[i]) for i in members]
        if len(members) == 1:
            low, high = low + lows[0], high + highs[0]
        else:
            low += max(lows)
            high += max(highs) if exclusive_only else sum(highs, ZERO)
    return (*_bounded(paying, low, high, excess_low, excess_high), tuple(notes))


def _bounded(
    paying: Sequence[Award], low: Decimal, high: Decimal, excess_low: Decimal, excess_high: Decimal
) -> tuple[Decimal, Decimal]:
    """The totals less what combined ceilings take off, within their bounds."""
    # A combined ceiling never takes the total below the best single award, and nothing takes
    # it above the awards' sum: the bounds aivoucher.testing checks for every program.
    best_low = max((_low(a) for a in paying), default=ZERO)
    best_high = max((_high(a) for a in paying), default=ZERO)
    low = max(best_low, low - excess_low)
    high = min(max(low, best_high, high - excess_high), sum((_high(a) for a in paying), ZERO))
    return low, high


def in_profile_currency(award: Award, profile: Profile) -> Award | None:
    """The award with its amounts in the profile's currency, converted at the profile's rate
    as the award's last trace step shows (:meth:`aivoucher.evaluate.engine.Plan.evaluate`);
    ``None`` where no rate is given: such amounts are never added to the profile's."""
    own, theirs = profile.currency, award.program.currency
    if own == theirs:
        return award
    rate = profile.rate(theirs, own)
    if rate is None or award.low is None or award.high is None:
        return None
    return award.replace(low=convert(award.low, rate), high=convert(award.high, rate))


def _low(award: Award) -> Decimal:
    return award.low or ZERO


def _high(award: Award) -> Decimal:
    return award.high or ZERO


def _labels(profile: Profile, indices: Sequence[int]) -> tuple[str, ...]:
    return tuple(profile.purchases[k].label(k) for k in indices)


def _join_undeclared(
    paying: Sequence[Award],
    declared: set[tuple[int, int]],
    groups: _Groups,
    *,
    exclusive: bool = False,
) -> dict[int, list[int]]:
    """Join the awards that share a purchase without a declared relation; return, per purchase,
    the awards joined on it.

    For each purchase one award with no declared relation among the others sharing it serves
    as a pivot that every other is joined to: the same groups as joining every undeclared pair,
    in linear time. Only where no such pivot exists are the pairs examined one by one.
    """
    by_purchase: dict[int, list[int]] = {}
    for i, a in enumerate(paying):
        for k in a.purchases:
            by_purchase.setdefault(k, []).append(i)
    related: dict[int, set[int]] = {}
    for i, j in declared:
        related.setdefault(i, set()).add(j)
        related.setdefault(j, set()).add(i)
    joined: dict[int, list[int]] = {}
    for k, sharing in by_purchase.items():
        if len(sharing) < 2:
            continue
        here = set(sharing)
        pivot = next((i for i in sharing if not related.get(i, set()) & here), None)
        pairs: list[tuple[int, int]]
        if pivot is not None:
            pairs = [(pivot, j) for j in sharing if j != pivot]
        else:
            pairs = [
                (i, j)
                for n, i in enumerate(sharing)
                for j in sharing[n + 1 :]
                if (min(i, j), max(i, j)) not in declared
            ]
        for i, j in pairs:
            groups.join(i, j, exclusive=exclusive)
        members = sorted({m for pair in pairs for m in pair})
        if members:
            joined[k] = members
    return joined


class _Groups:
    """Union-find over award indices; a group is exclusive-only while every join in it came
    from an ``exclusive`` relation."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.exclusive_only = [True] * size

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, i: int, j: int, *, exclusive: bool) -> None:
        ri, rj = self.root(i), self.root(j)
        both = self.exclusive_only[ri] and self.exclusive_only[rj] and exclusive
        self.parent[rj] = ri
        self.exclusive_only[ri] = both

    def all(self) -> list[tuple[list[int], bool]]:
        members: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            members.setdefault(self.root(i), []).append(i)
        return [(m, self.exclusive_only[r]) for r, m in members.items()]

    def unknown(self, joined: dict[int, list[int]]) -> list[tuple[list[int], list[int]]]:
        """Per group: the awards joined without a declared relation, and the purchases."""
        out: dict[int, tuple[set[int], set[int]]] = {}
        for k, members in joined.items():
            awards, purchases = out.setdefault(self.root(members[0]), (set(), set()))
            awards.update(members)
            purchases.add(k)
        return [(sorted(a), sorted(p)) for a, p in out.values()]
