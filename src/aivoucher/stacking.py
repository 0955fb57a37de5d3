"""Totals across programs: adding awards, except where two programs pay for the same purchase.

Two awards that draw on different purchases simply add up. Where they share a purchase, the
rule files' ``stacking`` entries decide:

* ``stackable`` — both count; a ``ceiling`` bounds their combined rate on the shared purchases
  (applied where both awards come from the shared purchases only);
* ``exclusive`` — the applicant gets one of them: the total counts the better award;
* no entry in either file — **unknown**: the total runs from the better award alone (low) to
  both together (high), and a :class:`~aivoucher.result.StackingNote` says so.

Programs linked by exclusive or unknown relations form groups; each group contributes as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .money import ZERO
from .profile import Profile
from .result import Award, StackingNote
from .schema import Stacking

__all__ = ["combine", "counted", "relation"]


def relation(a: Award, b: Award) -> Stacking | None:
    """The stacking entry either program declares for the other, if any."""
    for x, y in ((a, b), (b, a)):
        for entry in x.program.stacking:
            if entry.program == y.program.id:
                return entry
    return None


def counted(award: Award) -> bool:
    """Whether an award counts towards the totals: it may pay, and does not turn on a
    qualification the profile leaves undeclared (a status only the applicant can state) or on
    where a purchase's compute comes from, where the profile does not say (programs that pay
    buyers anywhere for one place's compute would otherwise add to every estimate in China)."""
    return bool(award.eligible) and not any(
        ".qualifications." in m or m.endswith(".provider_city") for m in award.missing
    )


def combine(
    awards: Sequence[Award], profile: Profile
) -> tuple[Decimal, Decimal, tuple[StackingNote, ...]]:
    """``(total_low, total_high, notes)`` for the awards of one estimate."""
    paying = [a for a in awards if counted(a) and a.high is not None and a.high > 0]
    parent = list(range(len(paying)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    notes: list[StackingNote] = []
    exclusive_only: dict[int, bool] = {}
    excess_low = excess_high = ZERO
    for i, a in enumerate(paying):
        for j in range(i + 1, len(paying)):
            b = paying[j]
            shared = sorted(set(a.purchases) & set(b.purchases))
            if not shared:
                continue
            labels = tuple(profile.purchases[k].label(k) for k in shared)
            entry = relation(a, b)
            kind = entry.relation if entry else "unknown"
            ceiling = entry.ceiling if entry else None
            notes.append(
                StackingNote(
                    (a.program.key, b.program.key),
                    kind,
                    labels,
                    None if ceiling is None else ceiling[1],
                )
            )
            if kind == "stackable":
                if ceiling is not None and set(a.purchases) == set(b.purchases) == set(shared):
                    base = sum((profile.purchases[k].amount for k in shared), ZERO)
                    assert a.low is not None and a.high is not None
                    assert b.low is not None and b.high is not None
                    excess_low += max(ZERO, a.low + b.low - ceiling[0] * base)
                    excess_high += max(ZERO, a.high + b.high - ceiling[1] * base)
                continue
            ra, rb = root(i), root(j)
            joined = exclusive_only.get(ra, True) and exclusive_only.get(rb, True)
            parent[rb] = ra
            exclusive_only[ra] = joined and kind == "exclusive"
    groups: dict[int, list[Award]] = {}
    for i, a in enumerate(paying):
        groups.setdefault(root(i), []).append(a)
    low = high = ZERO
    for r, members in groups.items():
        lows = [m.low or ZERO for m in members]
        highs = [m.high or ZERO for m in members]
        if len(members) == 1:
            low, high = low + lows[0], high + highs[0]
        else:
            low += max(lows)
            high += max(highs) if exclusive_only.get(r, True) else sum(highs, ZERO)
    low = max(ZERO, low - excess_low)
    high = max(low, high - excess_high)
    return low, high, tuple(notes)
