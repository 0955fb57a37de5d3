"""Where to register: a comparison of places, and for the leading ones what is still to learn.

``where_to_register(comparison)`` picks the places a reader weighs first — the best few by the
total that counts today, and any place that would overtake them if an ended program were
renewed — and asks :func:`~aivoucher.questions.whatif.what_narrows` of each: which facts would
change its figure, and to what. Everything is computed here, on the questions floor; the
where-to-register report (:func:`aivoucher.render.where.render_where_report`) only draws it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..evaluate.stacking import counted
from ..vocabulary.result import Award
from .whatif import Narrowing, what_narrows

if TYPE_CHECKING:
    from ..ruleset.registry import RuleSet
    from .comparison import Comparison, Row

__all__ = [
    "LEADING",
    "MAX_LEADING",
    "RENEWAL_EXTRA",
    "Brief",
    "WhereToRegister",
    "leading_rows",
    "where_to_register",
]

#: The best places by the total that counts, shown in detail.
LEADING = 3
#: At most this many places in detail (each asks what narrows its figure: many estimates).
MAX_LEADING = 10
#: At most this many more places shown in detail because a renewal would put them ahead.
RENEWAL_EXTRA = 2


@dataclass(frozen=True, slots=True)
class Brief:
    """One leading place: its row, the awards its figure rests on, and what would change it.

    ``renewal_only`` marks a place that leads only if an ended program is renewed: its
    ``awards`` and ``narrowing`` are then those of the estimate made as if renewed
    (``estimate``), so that the reader sees what the renewal would pay and what it turns on.
    """

    row: Row
    estimate_awards: tuple[Award, ...]
    narrowing: tuple[Narrowing, ...]
    renewal_only: bool = False


@dataclass(frozen=True, slots=True)
class WhereToRegister:
    """The comparison, and a brief for each leading place (best first)."""

    comparison: Comparison
    briefs: tuple[Brief, ...]

    def to_report_html(self, *, locale: str | None = None, today: dt.date | None = None) -> str:
        """The where-to-register report: one self-contained HTML file that prints to A4."""
        from ..render.where import render_where_report

        return render_where_report(self, locale, today=today)

    def to_text(self, *, locale: str | None = None) -> str:
        """The decision as text: the best places, then for each leading one what its figure
        rests on, what to find out and what to prepare."""
        from ..render.where import render_where_text

        return render_where_text(self, locale)

    def _repr_html_(self) -> str:
        from ..base.visible import markup

        return f"<pre>{markup(self.to_text())}</pre>"

    def __repr__(self) -> str:
        places = ", ".join(b.row.place.id for b in self.briefs) or "none"
        return f"<WhereToRegister {self.comparison.as_of} leading: {places}>"


def leading_rows(comparison: Comparison, leading: int = LEADING) -> list[tuple[Row, bool]]:
    """The rows shown in detail, each with whether it leads only if renewed: the ``leading``
    best rows that pay something, then up to :data:`RENEWAL_EXTRA` rows whose total if
    renewed would beat the last of those (largest first)."""
    paying = [r for r in comparison.rows if r.total_high > 0][:leading]
    bar = paying[-1].total_high if len(paying) == leading else 0
    chosen = {r.place.id for r in paying}
    renewed = sorted(
        (
            r
            for r in comparison.rows
            if r.place.id not in chosen
            and r.if_renewed_high > r.total_high
            and r.if_renewed_high > bar
        ),
        key=lambda r: (-r.if_renewed_high, -r.if_renewed_low, r.place.id),
    )
    return [(r, False) for r in paying] + [(r, True) for r in renewed[:RENEWAL_EXTRA]]


def _paying(awards: Any) -> tuple[Award, ...]:
    return tuple(a for a in awards if counted(a) and a.high)


def where_to_register(
    comparison: Comparison, *, leading: int = LEADING, rules: RuleSet | None = None
) -> WhereToRegister:
    """The briefs of ``comparison``'s leading places (see :func:`leading_rows`). ``rules``
    defaults to the rule set the comparison was made with."""
    if isinstance(leading, bool) or not isinstance(leading, int) or not 1 <= leading <= MAX_LEADING:
        from ..errors import InputError

        raise InputError(
            f"leading must be a whole number from 1 to {MAX_LEADING}, not {leading!r} / "
            f"详细列出的地区数须为 1 至 {MAX_LEADING} 的整数",
            field="leading",
        )
    from ..ruleset.registry import bundled_rules

    ruleset = rules if rules is not None else comparison.rules
    chosen = ruleset if ruleset is not None else bundled_rules()
    briefs = []
    for row, renewal_only in leading_rows(comparison, leading):
        estimate = row.estimate
        if renewal_only:
            estimate = chosen.estimate(
                estimate.profile, as_of=estimate.as_of, assume=estimate.assume, assume_renewal=True
            )
        narrowing = what_narrows(estimate, rules=ruleset)
        briefs.append(Brief(row, _paying(estimate.awards), narrowing, renewal_only))
    return WhereToRegister(comparison, tuple(briefs))
