"""Tables an auditor can take away: an estimate as one CSV row per award, a comparison as one
row per place (``--format csv``). Amounts are exact decimal text in yuan, as in the JSON.

A cell that begins with ``=``, ``+``, ``-``, ``@`` or a tab would be read as a formula by a
spreadsheet: it is written with a leading apostrophe, so text from a rule file or a profile
never becomes a formula.

:func:`estimate_table` and :func:`comparison_table` give the rows with their values as they are
(``Decimal`` amounts, booleans, ``None``): the CSV writes them as text, and the workbook
(:mod:`aivoucher.render.excel`) as typed cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from ..base.money import canonical
from ..evaluate.stacking import counted
from ..questions.comparison import Comparison
from ..vocabulary.result import Estimate
from .messages import messages

__all__ = ["comparison_csv", "comparison_table", "estimate_csv", "estimate_table"]

ESTIMATE_COLUMNS = (
    "program",
    "version",
    "name",
    "place",
    "eligible",
    "low",
    "high",
    "currency",
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
    text = canonical(value) if isinstance(value, Decimal) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue()


def estimate_csv(estimate: Estimate, locale: str | None = None) -> str:
    """One row per award, with the sources its program cites (title and address)."""
    return _table(ESTIMATE_COLUMNS, estimate_table(estimate, locale))


def estimate_table(estimate: Estimate, locale: str | None = None) -> list[tuple[object, ...]]:
    """The rows of :data:`ESTIMATE_COLUMNS`, one per award, with their values as they are."""
    m = messages(locale)
    rows: list[tuple[object, ...]] = []
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
                award.low,
                award.high,
                p.currency,
                counted(award),
                award.renewal,
                award.confidence,
                sources,
            )
        )
    return rows


def comparison_csv(comparison: Comparison, locale: str = "en") -> str:
    """One row per place, best first."""
    return _table(COMPARISON_COLUMNS, comparison_table(comparison, locale))


def comparison_table(comparison: Comparison, locale: str = "en") -> list[tuple[object, ...]]:
    """The rows of :data:`COMPARISON_COLUMNS`, one per place, best first."""
    m = messages(locale)
    rows: list[tuple[object, ...]] = []
    for rank, row in enumerate(comparison.rows, 1):
        rates = (row.effective_rate_low, row.effective_rate_high)
        rows.append(
            (
                rank,
                row.place.id,
                row.place.text(locale),
                row.total_low,
                row.total_high,
                row.if_renewed_low,
                row.if_renewed_high,
                *rates,
                row.estimate.confidence,
                row.estimate.checked,
                m.sep.join(m.name(a.program) for a in row.awards if counted(a)),
            )
        )
    return rows
