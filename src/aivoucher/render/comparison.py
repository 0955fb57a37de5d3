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
from .decision import Decision, arrange, rate_needed, renewal_ends
from .html import compact
from .json import SCHEMA_VERSION, generator
from .messages import Messages, messages

if TYPE_CHECKING:
    from decimal import Decimal

    from ..questions.comparison import Comparison, Note, Row

__all__ = [
    "comparison_rows",
    "comparison_to_dict",
    "render_comparison_details",
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
        "currency": row.estimate.profile.currency,
        "total_low": canonical(row.total_low),
        "total_high": canonical(row.total_high),
        "if_renewed_low": canonical(row.if_renewed_low),
        "if_renewed_high": canonical(row.if_renewed_high),
        "confidence": row.confidence,
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
                "currency": a.program.currency,
                "counted": counted(a),
                "renewal": a.renewal,
                "confidence": a.confidence,
            }
            for a in row.awards
        ],
        "missing": list(row.missing),
        "notes": [_note(n, locale) for n in row.notes],
        "left_out": [
            {
                "program": a.program.id,
                "version": a.program.version,
                "name": m.name(a.program),
                "low": None if a.low is None else canonical(a.low),
                "high": None if a.high is None else canonical(a.high),
                "confidence": a.confidence,
            }
            for a in row.left_out
        ],
    }


def comparison_to_dict(comparison: Comparison, locale: str = "en") -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": generator(comparison.rules),
        "as_of": comparison.as_of.isoformat(),
        "currency": comparison.rows[0].estimate.profile.currency if comparison.rows else CURRENCY,
        "spend": canonical(comparison.spend),
        "min_confidence": comparison.min_confidence,
        "rows": [row_to_dict(r, locale) for r in comparison.rows],
    }


def render_comparison_json(comparison: Comparison, locale: str = "en") -> str:
    return json_text(
        json.dumps(comparison_to_dict(comparison, locale), ensure_ascii=False, indent=2)
    )


#: The columns of :func:`comparison_rows` that hold money (exact ``Decimal``).
MONEY_COLUMNS = ("total_low", "total_high", "if_renewed_low", "if_renewed_high", "spend")


def comparison_rows(comparison: Comparison, locale: str = "en") -> list[dict[str, Any]]:
    """Flat rows for a table: one per place, money as exact ``Decimal``; the totals counted
    and if renewed, the confidence of the sources, the programs counted, the facts still
    open (in words)."""
    m = messages(locale)
    out = []
    purchases = comparison.plan.purchases
    for rank, row in enumerate(comparison.rows, 1):
        out.append(
            {
                "rank": rank,
                "place": row.place.id,
                "name": row.place.text(locale),
                "total_low": row.total_low,
                "total_high": row.total_high,
                "if_renewed_low": row.if_renewed_low,
                "if_renewed_high": row.if_renewed_high,
                "confidence": m.confidence(row.confidence) if row.confidence else None,
                "spend": row.spend,
                "effective_rate_low": row.effective_rate_low,
                "effective_rate_high": row.effective_rate_high,
                "programs": m.sep.join(m.name(a.program) for a in row.awards if counted(a)),
                "missing": m.sep.join(
                    dict.fromkeys(m.fact_words(f, purchases) for f in row.missing)
                ),
            }
        )
    return out


def _place(row: Row, locale: str) -> str:
    m = messages(locale)
    name = row.place.text(locale)
    if row.place.whole_province:
        return m.text("compare.whole_province", province=name)
    return name


def render_comparison_text(
    comparison: Comparison, locale: str = "en", *, detail: str = "decision"
) -> str:
    """The comparison in words. ``decision`` (the default) puts the decision first: one line
    per place that pays or would pay if renewed, with both totals, the confidence of its
    sources and its programs in brief; then, once each, the awards no place counts, the facts
    still open, and the places that pay nothing. ``full`` lists every place with each award,
    its missing facts and its notes."""
    if detail == "full":
        return render_comparison_details(comparison, locale)
    if detail != "decision":
        from ..errors import InputError

        raise InputError(
            f"detail must be 'decision' or 'full', not {detail!r} / detail 须为 decision 或 full",
            field="detail",
        )
    m = messages(locale).in_currency(comparison.plan.currency)  # the plan's
    out = _header(comparison, m)
    if comparison.min_confidence is not None:
        label = m.confidence(comparison.min_confidence)
        out.insert(2, m.text("compare.min_confidence", label=label))
    decision = arrange(comparison)
    for rank, row in decision.paying:
        out.append(
            f"{rank:>2}. "
            + m.text("compare.line", label=_place(row, locale), text=_brief(row, decision, m))
        )
    if not decision.paying:
        out.append(m.text("compare.none_pays"))
    out.append("")
    out += _after_rows(comparison, decision, m, locale)
    return joined(out).rstrip() + "\n"


def _after_rows(comparison: Comparison, decision: Decision, m: Messages, locale: str) -> list[str]:
    """The lines after the ranked places: the awards no place counts, the facts still open,
    the places with no published amount, the places that pay nothing."""
    out: list[str] = []
    if decision.everywhere:
        awards = m.sep.join(
            f"{m.name(a.program)} {compact(a.low, a.high, a.program.currency)}"
            for a in decision.everywhere
        )
        out.append(m.text("compare.everywhere", awards=awards))
    purchases = comparison.plan.purchases
    if decision.open_facts:
        shown = []
        for path, rows in decision.open_facts:
            words = m.fact_words(path, purchases, decision.qualifications)
            if len(rows) < len(decision.paying):  # name the places, unless it is every one
                words += m.paren(m.sep.join(_place(r, locale) for r in rows))
            shown.append(words)
        facts = m.semi.join(shown)
        out.append(m.text("compare.open_facts", facts=facts))
    alike = {p.key for p in decision.unpublished_everywhere}
    if decision.unpublished_everywhere:
        names = m.sep.join(
            m.place(p.jurisdiction) + " · " + m.name(p) for p in decision.unpublished_everywhere
        )
        out.append(m.text("compare.unpublished_everywhere", programs=names))
    if decision.unpublished:
        places = m.semi.join(
            _place(r, locale)
            + m.paren(
                m.sep.join(
                    dict.fromkeys(
                        m.name(a.program)
                        for a in r.awards
                        if a.eligible is None and a.program.key not in alike
                    )
                )
            )
            for r in decision.unpublished
        )
        out.append(m.text("compare.unpublished", n=len(decision.unpublished), places=places))
    if decision.needs_rate:
        places = m.semi.join(
            _place(r, locale)
            + m.paren(
                m.sep.join(
                    dict.fromkeys(
                        f"{m.name(a.program)} {a.program.currency}"
                        for a in r.awards
                        if rate_needed(a)
                    )
                )
            )
            for r in decision.needs_rate
        )
        out.append(m.text("compare.needs_rate", n=len(decision.needs_rate), places=places))
    if decision.nothing:
        places = m.sep.join(_place(r, locale) for r in decision.nothing)
        out.append(m.text("compare.nothing", n=len(decision.nothing), places=places))
    return out


#: A row's line names at most this many awards not in its total (the largest first).
ASIDE_SHOWN = 2


def _brief(row: Row, decision: Decision, m: Messages) -> str:
    """A row in one line: the totals (and what a renewal would make of them), the confidence,
    the programs that pay."""
    text = compact(row.total_low, row.total_high)
    renewed = (row.if_renewed_low, row.if_renewed_high)
    if renewed != (row.total_low, row.total_high):
        ends = m.sep.join(
            m.text("compare.ends", program=m.name(program), date=end.isoformat())
            for program, end in renewal_ends(row)
        )
        text += m.text("compare.brief_renewed", total=compact(*renewed), ends=ends)
    if row.confidence is not None:
        text += " · " + m.confidence(row.confidence)
    shared = {a.program.key for a in decision.everywhere}
    programs = [
        f"{m.name(a.program)} {compact(a.low, a.high, a.program.currency)}"
        for a in row.awards
        if counted(a) and a.high
    ]
    aside = [
        f"{m.name(a.program)} {compact(a.low, a.high, a.program.currency)}"
        + m.text("compare.not_counted")
        for a in row.awards
        if not counted(a)
        and a.eligible
        and a.high
        and not a.renewal
        and a.program.key not in shared
    ]
    programs += aside[:ASIDE_SHOWN]
    if len(aside) > ASIDE_SHOWN:
        programs.append(m.text("compare.more_aside", n=len(aside) - ASIDE_SHOWN))
    if programs:
        text += " — " + m.sep.join(programs)
    if row.left_out:
        left = m.sep.join(
            f"{m.name(a.program)} {compact(a.low, a.high, a.program.currency)}"
            + m.paren(m.confidence(a.confidence) if a.confidence else "—")
            for a in row.left_out
        )
        text += m.text("compare.left_out", awards=left)
    return text


def _header(comparison: Comparison, m: Messages) -> list[str]:
    """The lines above the places: what was compared, and that amounts are maxima."""
    header = m.text(
        "compare.header",
        date=comparison.as_of.isoformat(),
        spend=m.money(comparison.spend),
        n=len(comparison.rows),
    )
    return [header, m.text("maxima"), ""]


def render_comparison_details(comparison: Comparison, locale: str = "en") -> str:
    """Every place with each award, its missing facts and its notes, one line each."""
    m = messages(locale).in_currency(comparison.plan.currency)  # the plan's
    out = _header(comparison, m)
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
        if row.confidence is not None:
            label = m.confidence(row.confidence)
            total += " · " + m.text("confidence.of", label=label)
        out.append(f"{rank:>2}. " + m.text("compare.line", label=_place(row, locale), text=total))
        for award in row.awards:
            state = (
                "" if counted(award) or award.eligible is None else m.text("compare.not_counted")
            )
            label = m.text("compare.program", name=m.name(award.program), id=award.program.key)
            # an award in its program's currency; the row's total is in the plan's
            text = m.in_currency(award.program.currency).amount_range(award.low, award.high)
            text += state
            out.append("      " + m.text("compare.line", label=label, text=text))
        if row.missing:
            fields = m.sep.join(m.field(f) for f in row.missing)
            out.append("      " + m.text("compare.missing", fields=fields))
        for note in row.notes:
            out.append("      " + m.text(f"compare.note.{note.code}", **_note_values(note)))
    return joined(out).rstrip() + "\n"


def _note_values(note: Note) -> dict[str, Any]:
    return {"program": note.program, "date": note.date.isoformat()}


def render_comparison_html(comparison: Comparison, locale: str = "en") -> str:
    """The decision view for notebooks: a table of the places that pay (or would if renewed)
    with both totals, the confidence of their sources and their programs; then the awards no
    place counts, the facts still open, and the places that pay nothing, a line each."""
    m = messages(locale).in_currency(comparison.plan.currency)  # the plan's
    decision = arrange(comparison)
    keys = (
        "compare.col.rank",
        "compare.col.place",
        "compare.col.counted",
        "compare.col.renewed",
        "compare.col.confidence",
        "compare.col.rate",
        "compare.col.programs",
    )
    right = ("compare.col.counted", "compare.col.renewed", "compare.col.rate")
    head = "".join(
        ("<th style='text-align:right'>" if k in right else "<th style='text-align:left'>")
        + f"{escape(m.text(k))}</th>"
        for k in keys
    )
    body = []
    for rank, row in decision.paying:
        rate = (
            m.rates((row.effective_rate_low, row.effective_rate_high))
            if row.effective_rate_low is not None and row.effective_rate_high is not None
            else "—"
        )
        renewed = (row.if_renewed_low, row.if_renewed_high)
        renewed_cell = (
            escape(compact(*renewed)) if renewed != (row.total_low, row.total_high) else "—"
        )
        confidence = m.confidence(row.confidence) if row.confidence else "—"
        programs = "<br>".join(
            [
                escape(f"{m.name(a.program)} {compact(a.low, a.high, a.program.currency)}")
                for a in row.awards
                if counted(a) and a.high
            ]
            + [
                escape(
                    f"{m.name(a.program)} {compact(a.low, a.high, a.program.currency)}"
                    + m.paren(m.text("compare.col.renewed"))
                )
                for a in row.awards
                if a.renewal and a.high
            ]
        )
        body.append(
            f"<tr><td>{rank}</td><td style='text-align:left'><b>{escape(_place(row, locale))}</b>"
            f"</td><td style='text-align:right'>{escape(compact(row.total_low, row.total_high))}"
            f"</td><td style='text-align:right'>{renewed_cell}</td>"
            f"<td style='text-align:left'>{escape(confidence)}</td>"
            f"<td style='text-align:right'>{escape(rate)}</td>"
            f"<td style='text-align:left'>{programs or '—'}</td></tr>"
        )
    title = m.text(
        "compare.header",
        date=comparison.as_of.isoformat(),
        spend=m.money(comparison.spend),
        n=len(comparison.rows),
    )
    notes = "".join(
        f"<li>{escape(line)}</li>" for line in _after_rows(comparison, decision, m, locale)
    )
    table = (
        f"<table class='aivoucher-compare'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        if body
        else f"<p>{escape(m.text('compare.none_pays'))}</p>"
    )
    return (
        f"<div><style>.aivoucher-compare td, .aivoucher-compare th {{ padding: 3px 10px; "
        f"vertical-align: top; }}</style>"
        f"<p><b>{escape(title)}</b><br><small>{escape(m.text('maxima'))}</small></p>"
        f"{table}<ul style='font-size:smaller'>{notes}</ul></div>"
    )
