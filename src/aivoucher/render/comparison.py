"""Renderings of a comparison of places: rows as data (JSON, tables), text and HTML.

The JSON contract is documented in docs/json.md ("The comparison"). Amounts are decimal
strings, as in the estimate JSON; effective rates are decimal strings rounded to six places.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..base.money import CURRENCY, canonical
from ..base.visible import joined, json_text
from ..base.visible import markup as escape  # escaped, control characters shown
from ..evaluate.stacking import counted
from .json import SCHEMA_VERSION, generator
from .messages import messages

if TYPE_CHECKING:
    from decimal import Decimal

    from ..questions.comparison import Comparison, Note, Row

__all__ = [
    "comparison_rows",
    "comparison_to_dict",
    "render_comparison_html",
    "render_comparison_json",
    "render_comparison_text",
]


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else canonical(value)


def _note(note: Note, locale: str) -> dict[str, Any]:
    m = messages(locale)
    return {
        "code": note.code,
        "program": note.program,
        "date": note.date.isoformat(),
        "text": m.text(f"compare.note.{note.code}", program=note.program, date=note.date),
    }


def row_to_dict(row: Row, locale: str = "en") -> dict[str, Any]:
    m = messages(locale)
    place = row.place
    return {
        "place": place.id,
        "name": {"zh": place.zh, "en": place.en},
        "province": place.province,
        "whole_province": place.whole_province,
        "total_low": canonical(row.total_low),
        "total_high": canonical(row.total_high),
        "if_renewed_low": canonical(row.if_renewed_low),
        "if_renewed_high": canonical(row.if_renewed_high),
        "confidence": row.estimate.confidence,
        "checked": {
            "oldest": None if row.estimate.checked is None else row.estimate.checked.isoformat(),
            "unrecorded": list(row.estimate.unchecked),
        },
        "spend": canonical(row.spend),
        "effective_rate_low": _rate(row.effective_rate_low),
        "effective_rate_high": _rate(row.effective_rate_high),
        "awards": [
            {
                "program": a.program.id,
                "version": a.program.version,
                "name": m.name(a.program),
                "low": None if a.low is None else canonical(a.low),
                "high": None if a.high is None else canonical(a.high),
                "counted": counted(a),
                "renewal": a.renewal,
                "confidence": a.confidence,
            }
            for a in row.awards
        ],
        "missing": list(row.missing),
        "notes": [_note(n, locale) for n in row.notes],
    }


def comparison_to_dict(comparison: Comparison, locale: str = "en") -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": generator(comparison.rules),
        "as_of": comparison.as_of.isoformat(),
        "currency": CURRENCY,
        "spend": canonical(comparison.spend),
        "rows": [row_to_dict(r, locale) for r in comparison.rows],
    }


def render_comparison_json(comparison: Comparison, locale: str = "en") -> str:
    return json_text(
        json.dumps(comparison_to_dict(comparison, locale), ensure_ascii=False, indent=2)
    )


#: The columns of :func:`comparison_rows` that hold money (exact ``Decimal``).
MONEY_COLUMNS = ("total_low", "total_high", "spend")


def comparison_rows(comparison: Comparison, locale: str = "en") -> list[dict[str, Any]]:
    """Flat rows for a table: one per place, money as exact ``Decimal``."""
    m = messages(locale)
    out = []
    for rank, row in enumerate(comparison.rows, 1):
        out.append(
            {
                "rank": rank,
                "place": row.place.id,
                "name": row.place.text(locale),
                "total_low": row.total_low,
                "total_high": row.total_high,
                "spend": row.spend,
                "effective_rate_low": row.effective_rate_low,
                "effective_rate_high": row.effective_rate_high,
                "programs": m.sep.join(m.name(a.program) for a in row.awards if counted(a)),
                "missing": m.sep.join(row.missing),
            }
        )
    return out


def _place(row: Row, locale: str) -> str:
    m = messages(locale)
    name = row.place.text(locale)
    if row.place.whole_province:
        return m.text("compare.whole_province", province=name)
    return name


def render_comparison_text(comparison: Comparison, locale: str = "en") -> str:
    """A ranked list: each place's total and effective rate, then what pays and what is
    missing, one line each."""
    m = messages(locale)
    out = [
        m.text(
            "compare.header",
            date=comparison.as_of.isoformat(),
            spend=m.money(comparison.spend),
            n=len(comparison.rows),
        ),
        m.text("maxima"),
        "",
    ]
    for rank, row in enumerate(comparison.rows, 1):
        rate = (
            m.rates((row.effective_rate_low, row.effective_rate_high))
            if row.effective_rate_low is not None and row.effective_rate_high is not None
            else "—"
        )
        total = m.text(
            "compare.row", total=m.amount_range(row.total_low, row.total_high), rate=rate
        )
        renewed = (row.if_renewed_low, row.if_renewed_high)
        if renewed != (row.total_low, row.total_high):
            total += m.text("compare.if_renewed", total=m.amount_range(*renewed))
        if row.estimate.confidence is not None:
            label = m.confidence(row.estimate.confidence)
            total += " · " + m.text("confidence.of", label=label)
        out.append(f"{rank:>2}. " + m.text("compare.line", label=_place(row, locale), text=total))
        for award in row.awards:
            state = (
                "" if counted(award) or award.eligible is None else m.text("compare.not_counted")
            )
            label = m.text("compare.program", name=m.name(award.program), id=award.program.key)
            text = m.amount_range(award.low, award.high) + state
            out.append("      " + m.text("compare.line", label=label, text=text))
        if row.missing:
            out.append("      " + m.text("compare.missing", fields=m.sep.join(row.missing)))
        for note in row.notes:
            out.append("      " + m.text(f"compare.note.{note.code}", **_note_values(note)))
    return joined(out).rstrip() + "\n"


def _note_values(note: Note) -> dict[str, Any]:
    return {"program": note.program, "date": note.date.isoformat()}


def render_comparison_html(comparison: Comparison, locale: str = "en") -> str:
    """A ranked table for notebooks: place, total, effective rate, what pays, what is missing."""
    m = messages(locale)
    head = "".join(
        f"<th>{escape(m.text(k))}</th>"
        for k in (
            "compare.col.rank",
            "compare.col.place",
            "compare.col.total",
            "compare.col.rate",
            "compare.col.programs",
            "compare.col.missing",
        )
    )
    body = []
    for rank, row in enumerate(comparison.rows, 1):
        rate = (
            m.rates((row.effective_rate_low, row.effective_rate_high))
            if row.effective_rate_low is not None and row.effective_rate_high is not None
            else "—"
        )
        programs = "<br>".join(
            escape(f"{m.name(a.program)}: {m.amount_range(a.low, a.high)}")
            + (
                ""
                if counted(a) or a.eligible is None
                else f" <small>{escape(m.text('compare.not_counted'))}</small>"
            )
            for a in row.awards
        )
        body.append(
            f"<tr><td>{rank}</td><td>{escape(_place(row, locale))}</td>"
            f"<td style='text-align:right'>{escape(m.amount_range(row.total_low, row.total_high))}"
            f"</td><td style='text-align:right'>{escape(rate)}</td><td>{programs}</td>"
            f"<td>{escape(m.sep.join(row.missing))}</td></tr>"
        )
    title = m.text(
        "compare.header",
        date=comparison.as_of.isoformat(),
        spend=m.money(comparison.spend),
        n=len(comparison.rows),
    )
    return (
        f"<div><p><b>{escape(title)}</b><br><small>{escape(m.text('maxima'))}</small></p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
