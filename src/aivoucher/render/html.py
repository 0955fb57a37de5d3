"""HTML for notebooks (``_repr_html_`` of estimates and awards): a table of programs with the
amounts, and each award's steps, reasons and assumptions in a collapsible block. All text is
escaped; the HTML uses no scripts.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from ..result import Award, Estimate
from .messages import messages

if TYPE_CHECKING:
    from ..curves import Sweep

__all__ = ["render_award_html", "render_estimate_html", "render_sweep_html"]


def _details(award: Award, locale: str) -> str:
    m = messages(locale)
    items = []
    for step in award.steps:
        cites = "".join(
            f"<br><small>↳ {escape(m.citation(award.program, sid, q))}</small>"
            for sid, q in step.cites
        )
        items.append(f"<li>{escape(m.step(step))}{cites}</li>")
    parts = []
    application = m.application(award)
    if application is not None:
        parts.append(f"<p><b>{escape(m.text('application'))}</b>: {escape(application)}</p>")
    if items:
        parts.append(f"<ol>{''.join(items)}</ol>")
    if award.reasons:
        parts.append(
            f"<p><b>{escape(m.text('reasons'))}</b></p><ul>"
            + "".join(f"<li>{escape(m.reason(r))}</li>" for r in award.reasons)
            + "</ul>"
        )
    if award.assumptions:
        parts.append(
            f"<p><b>{escape(m.text('assumptions'))}</b></p><ul>"
            + "".join(f"<li>{escape(m.assumption(a, award))}</li>" for a in award.assumptions)
            + "</ul>"
        )
    return "".join(parts)


def _row(award: Award, locale: str) -> str:
    m = messages(locale)
    p = award.program
    state = (
        m.text("no_amount")
        if award.eligible is None
        else m.text("eligible")
        if award.eligible
        else m.text("ineligible")
    )
    amount = m.amount_range(award.low, award.high) if award.eligible else "—"
    return (
        f"<tr><td>{escape(m.place(p.jurisdiction))}</td><td><code>{escape(p.key)}</code></td>"
        f"<td>{escape(m.name(p))}</td><td>{escape(state)}</td><td>{escape(amount)}</td>"
        f"<td><details><summary>…</summary>{_details(award, locale)}</details></td></tr>"
    )


_HEAD = "<tr><th></th><th>id</th><th></th><th></th><th>CNY</th><th></th></tr>"


def render_award_html(award: Award, locale: str = "en") -> str:
    return f"<table>{_HEAD}{_row(award, locale)}</table>"


def render_estimate_html(estimate: Estimate, locale: str = "en") -> str:
    m = messages(locale)
    rows = "".join(_row(a, locale) for a in estimate.awards)
    total = m.text("total", amount=m.amount_range(estimate.total_low, estimate.total_high))
    return (
        f"<div><p>{escape(m.text('header', date=estimate.as_of.isoformat()))}<br>"
        f"<b>{escape(total)}</b>"
        f"<br><small>{escape(m.text('maxima'))}</small></p>"
        f"<table>{_HEAD}{rows}</table></div>"
    )


def render_sweep_html(sweep: Sweep, locale: str = "en") -> str:
    """A table of the spend curves (one column per program and the total; one row per place
    and amount) and the bends as sentences."""
    m = messages(locale)
    keys = list(sweep.programs)
    many = len(sweep.places) > 1
    head = (
        (f"<th>{escape(m.text('sweep.place'))}</th>" if many else "")
        + f"<th>{escape(m.text('sweep.amount'))}</th>"
        + "".join(f"<th>{escape(m.program_label(sweep.programs[k]))}</th>" for k in keys)
        + f"<th>{escape(m.text('sweep.total'))}</th>"
    )
    rows = []
    for point in sweep.points:
        cells = [f"<td>{escape(m.place(point.place))}</td>"] if many else []
        cells.append(f"<td>{escape(m.short_money(point.amount))}</td>")
        for key in keys:
            low, high = point.awards.get(key, (None, None))
            text = "—" if low is None or high is None else m.bounds((low, high))
            cells.append(f"<td>{escape(text)}</td>")
        cells.append(f"<td><b>{escape(m.bounds(point.total))}</b></td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    bends = "".join(f"<li>{escape(line)}</li>" for line in sweep.describe(locale))
    listing = f"<p><b>{escape(m.text('sweep.bends'))}</b></p><ul>{bends}</ul>" if bends else ""
    return f"<div><table><tr>{head}</tr>{''.join(rows)}</table>{listing}</div>"
