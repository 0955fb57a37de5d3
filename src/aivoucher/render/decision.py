"""A comparison arranged for a decision: which places pay (or would if renewed), what every
place could add but none counts, the facts still open, and the places that pay nothing.

The text and notebook views of a comparison share this arrangement; like :mod:`.parts` for an
estimate, it chooses no words and adds nothing up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..evaluate.stacking import counted
from ..questions.whatif import STACKING
from ..vocabulary.result import AssumptionCode, Award, ReasonCode

if TYPE_CHECKING:
    import datetime as dt

    from ..questions.comparison import Comparison, Row
    from ..vocabulary.schema import Program

__all__ = ["Decision", "arrange", "renewal_ends"]


@dataclass(frozen=True, slots=True)
class Decision:
    """``paying``: (rank, row) of each place that pays, may pay, or would pay if an ended
    program were renewed, in the comparison's order. ``everywhere``: awards no row counts
    that every paying row has alike (a provider city's voucher), shown once. ``open_facts``:
    each profile path a paying row's awards miss, with the rows that miss it. ``unpublished``:
    rows whose only programs publish no amount, besides those in every row.
    ``unpublished_everywhere``: programs that publish no amount and reach every row alike
    (a national program), named once. ``needs_rate``: rows whose programs pay in another
    currency than the plan's and have no amount until a rate is given (Hong Kong without
    ``fx``). ``nothing``: rows that pay nothing."""

    paying: tuple[tuple[int, Row], ...]
    everywhere: tuple[Award, ...]
    open_facts: tuple[tuple[str, tuple[Row, ...]], ...]
    unpublished: tuple[Row, ...]
    nothing: tuple[Row, ...]
    #: The words of each qualification an open fact names (id → (zh, en)), from the rule files.
    qualifications: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    unpublished_everywhere: tuple[Program, ...] = ()
    needs_rate: tuple[Row, ...] = ()


def rate_needed(award: Award) -> bool:
    """Whether an award has no amount only for want of an exchange rate."""
    return award.eligible is None and any(r.code is ReasonCode.RATE_NEEDED for r in award.reasons)


def _pays(row: Row) -> bool:
    return (
        bool(row.total_high)
        or bool(row.left_out)
        or (row.if_renewed_low, row.if_renewed_high) != (row.total_low, row.total_high)
    )


def _aside(award: Award) -> bool:
    """An award that may pay but is not in the total, nor waiting for a renewal."""
    return bool(award.eligible) and bool(award.high) and not counted(award) and not award.renewal


def arrange(comparison: Comparison) -> Decision:
    """The decision view's arrangement of ``comparison``."""
    paying = tuple((rank, row) for rank, row in enumerate(comparison.rows, 1) if _pays(row))
    rows = [row for _, row in paying]
    everywhere: list[Award] = []
    if len(rows) > 1:
        first = {a.program.key: a for a in rows[0].awards if _aside(a)}
        for key, award in first.items():
            same = all(
                any(
                    a.program.key == key
                    and _aside(a)
                    and (a.low, a.high) == (award.low, award.high)
                    for a in row.awards
                )
                for row in rows[1:]
            )
            if same:
                everywhere.append(award)
    facts: dict[str, list[Row]] = {}
    for row in rows:
        for path in row.missing:
            facts.setdefault(path, []).append(row)
        if any(note.relation == "unknown" for note in row.estimate.stacking):
            facts.setdefault(STACKING, []).append(row)
    rest = [row for row in comparison.rows if not _pays(row)]
    # a program with no published amount that every row has (a national one) is named once
    alike: dict[str, Program] = {}
    if len(comparison.rows) > 1:
        head, *others = comparison.rows
        alike = {a.program.key: a.program for a in head.awards if a.eligible is None}
        for row in others:
            there = {a.program.key for a in row.awards if a.eligible is None}
            alike = {k: p for k, p in alike.items() if k in there}
    needs_rate = tuple(r for r in rest if any(rate_needed(a) for a in r.awards))
    unpublished = tuple(
        r
        for r in rest
        if r not in needs_rate
        and any(a.eligible is None and a.program.key not in alike for a in r.awards)
    )
    nothing = tuple(r for r in rest if r not in unpublished and r not in needs_rate)
    asked = {p.rsplit(".", 1)[-1] for p in facts if ".qualifications." in p}
    words: dict[str, tuple[str, str]] = {}
    if asked:
        from ..ruleset.registry import bundled_rules

        rules = comparison.rules if comparison.rules is not None else bundled_rules()
        words = {
            q.id: (q.zh, q.en) for p in rules.programs for q in p.qualifications if q.id in asked
        }
    return Decision(
        paying,
        tuple(everywhere),
        tuple((path, tuple(found)) for path, found in facts.items()),
        unpublished,
        nothing,
        words,
        tuple(alike.values()),
        needs_rate,
    )


def renewal_ends(row: Row) -> tuple[tuple[Program, dt.date], ...]:
    """The programs whose renewal makes the difference between the row's two totals, with
    their known ends: those waiting for a renewal, or counted as if renewed."""
    found: dict[str, tuple[Program, dt.date]] = {}
    for award in row.estimate.awards:
        end = award.program.window[1]
        renewed = award.renewal or any(x.code is AssumptionCode.RENEWAL for x in award.assumptions)
        if end is not None and renewed and award.high:
            found.setdefault(award.program.key, (award.program, end))
    return tuple(found.values())
