"""Tables an auditor can take away: an estimate as one CSV row per award, a comparison as one
row per place (``--format csv``). Amounts are exact decimal text in yuan, as in the JSON.

A cell that begins with ``=``, ``+``, ``-``, ``@`` or a tab would be read as a formula by a
spreadsheet: it is written with a leading apostrophe, so text from a rule file or a profile
never becomes a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from ..base.money import canonical
from ..evaluate.stacking import counted
from ..questions.comparison import Comparison
from ..vocabulary.result import Estimate
from .messages import messages

__all__ = ["comparison_csv", "estimate_csv"]

ESTIMATE_COLUMNS = (
    "program",
    "version",
    "name",
    "place",
    "eligible",
    "low",
    "high",
    "counted",
    "renewal",
    "confidence",
    "sources",
)
COMPARISON_COLUMNS = (
    "rank",
    "place",
    "name",
    "total_low",
    "total_high",
    "if_renewed_low",
    "if_renewed_high",
    "effective_rate_low",
    "effective_rate_high",
    "confidence",
    "checked",
    "programs",
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue()


def estimate_csv(estimate: Estimate, locale: str | None = None) -> str:
    """One row per award, with the sources its program cites (title and address)."""
    m = messages(locale)
    rows = []
    for award in estimate.awards:
        p = award.program
        sources = "; ".join(
            f"{s.title} <{s.url}>" if s.url else f"{s.title} ({s.seed})" for s in p.sources
        )
        rows.append(
            (
                p.id,
                p.version,
                m.name(p),
                m.place(p.jurisdiction),
                award.eligible,
                None if award.low is None else canonical(award.low),
                None if award.high is None else canonical(award.high),
                counted(award),
                award.renewal,
                award.confidence,
                sources,
            )
        )
    return _table(ESTIMATE_COLUMNS, rows)


def comparison_csv(comparison: Comparison, locale: str = "en") -> str:
    """One row per place, best first."""
    m = messages(locale)
    rows = []
    for rank, row in enumerate(comparison.rows, 1):
        rates = (row.effective_rate_low, row.effective_rate_high)
        rows.append(
            (
                rank,
                row.place.id,
                row.place.text(locale),
                canonical(row.total_low),
                canonical(row.total_high),
                canonical(row.if_renewed_low),
                canonical(row.if_renewed_high),
                *(None if r is None else canonical(r) for r in rates),
                row.estimate.confidence,
                None if row.estimate.checked is None else row.estimate.checked.isoformat(),
                m.sep.join(m.name(a.program) for a in row.awards if counted(a)),
            )
        )
    return _table(COMPARISON_COLUMNS, rows)
