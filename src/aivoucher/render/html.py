"""HTML for notebooks (``_repr_html_`` of estimates and awards).

The view reads top-down as a decision: the total and its range with what it depends on; the
awards that count, largest first, one line each (range, rate, binding cap) with the trace behind
a disclosure; the awards that depend on a qualification or a renewal, apart; the ineligible
programs summarised by reason, expandable. Styles are inline attributes (notebooks drop
``<style>`` blocks in some viewers); there are no scripts, and every text is escaped.

The small helpers here (:func:`table`, :func:`disclosure`, :func:`headline` …) are the house
style for any notebook view (comparisons, what-if objects).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from ..base.money import CURRENCY, format_money
from ..base.visible import markup as escape  # escaped, control characters shown
from ..vocabulary.result import Award, Estimate
from .messages import Messages, messages
from .parts import Group, binding_caps, parts, rate_bounds
from .text import apart, conditional_why, notices
from .whatif import answer_value, change

if TYPE_CHECKING:
    from ..questions.curves import Sweep
    from ..questions.whatif import Narrowing

__all__ = [
    "FONT",
    "award_cells",
    "disclosure",
    "headline",
    "muted",
    "render_award_html",
    "render_estimate_html",
    "render_sweep_html",
    "section",
    "table",
]

FONT = (
    "font-family:-apple-system,'Segoe UI',Roboto,'Noto Sans CJK SC','PingFang SC',"
    "'Microsoft YaHei',sans-serif"
)
_INK = "#1f2937"
_MUTED = "#6b7280"
_RULE = "#e5e7eb"
_ACCENT = "#0f766e"
_CELL = "padding:6px 10px;vertical-align:top;text-align:left"
_NUMERIC = "text-align:right;white-space:nowrap;"


def muted(text: str) -> str:
    """Secondary text (escaped)."""
    return f'<span style="color:{_MUTED};font-size:0.85em">{escape(text)}</span>'


def section(title: str) -> str:
    """A section heading (escaped)."""
    return (
        f'<div style="margin:18px 0 6px;font-weight:600;font-size:1.05em;color:{_INK};'
        f'border-bottom:2px solid {_ACCENT};padding-bottom:3px">{escape(title)}</div>'
    )


def disclosure(summary: str, body_html: str) -> str:
    """A ``<details>`` block: ``summary`` (escaped) opens ``body_html``."""
    return (
        f'<details style="margin:2px 0"><summary style="cursor:pointer;color:{_ACCENT}">'
        f"{escape(summary)}</summary>"
        f'<div style="margin:4px 0 6px 18px">{body_html}</div></details>'
    )


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    details: Sequence[str | None] | None = None,
) -> str:
    """A table with real headers (escaped); cells are HTML. ``numeric`` columns align right;
    ``details[i]``, if given, is HTML shown in a full-width row under row ``i``."""
    head = "".join(
        f'<th style="{_CELL};{"text-align:right;" if i in numeric else ""}'
        f'border-bottom:1px solid {_INK};font-weight:600">{escape(h)}</th>'
        for i, h in enumerate(headers)
    )
    body = []
    for n, row in enumerate(rows):
        extra = details[n] if details is not None else None
        line = "" if extra else f"border-bottom:1px solid {_RULE};"
        cells = "".join(
            f'<td style="{_CELL};{line}{_NUMERIC if i in numeric else ""}">{cell}</td>'
            for i, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
        if extra:
            body.append(
                f'<tr><td colspan="{len(headers)}" style="padding:0 10px 6px;'
                f'border-bottom:1px solid {_RULE}">{extra}</td></tr>'
            )
    return (
        f'<table style="border-collapse:collapse;width:100%;margin:4px 0">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def headline(label: str, amount: str, note: str = "") -> str:
    """The figure a reader looks for first (all escaped)."""
    return (
        f'<div style="margin:4px 0 8px"><div style="color:{_MUTED};font-size:0.9em">'
        f"{escape(label)}</div>"
        f'<div style="font-size:1.9em;font-weight:700;color:{_INK}">{escape(amount)}</div>'
        + (f'<div style="color:{_MUTED};font-size:0.85em">{escape(note)}</div>' if note else "")
        + "</div>"
    )


def compact(low: Decimal | None, high: Decimal | None, currency: str = CURRENCY) -> str:
    """``400万–480万``: an amount or range in 万/亿, the form a Chinese reader expects
    (``HK$70万`` in another currency)."""
    if low is None or high is None:
        return "—"
    lo = format_money(low, "zh", compact=True, currency=currency)
    hi = format_money(high, "zh", compact=True, currency=currency)
    return lo if low == high else f"{lo}–{hi}"


def _program(award: Award, m: Messages) -> str:
    p = award.program
    return f"{escape(m.place(p.jurisdiction))} · <b>{escape(m.name(p))}</b><br>{muted(p.key)}"


def award_cells(award: Award, m: Messages) -> list[str]:
    """Program, award, rate and binding cap of a counted award, as table cells (HTML)."""
    rates = rate_bounds(award)
    rate = m.rates(rates) if rates is not None else m.text("rate.fixed")
    caps = binding_caps(award)
    cap = "<br>".join(escape(m.step(s)) for s in caps) if caps else muted(m.text("html.cap_none"))
    currency = award.program.currency
    amount = f"<b>{escape(compact(award.low, award.high, currency))}</b>"
    if award.low is not None and award.high is not None:
        amount += f"<br>{muted(m.in_currency(currency).bounds((award.low, award.high)))}"
    return [_program(award, m), amount, escape(rate), cap]


def trace(award: Award, m: Messages) -> str:
    """Steps with their citations, then reasons and assumptions (HTML)."""
    items = []
    for step in award.steps:
        cites = "".join(
            f"<br>{muted('↳ ' + m.citation(award.program, sid, q))}" for sid, q in step.cites
        )
        items.append(f'<li style="margin:2px 0">{escape(m.step(step))}{cites}</li>')
    parts_ = []
    application = m.application(award)
    if application is not None:
        parts_.append(
            f"<p><b>{escape(m.text('application'))}</b>{escape(m.colon)}{escape(application)}</p>"
        )
    if items:
        parts_.append(f'<ol style="margin:4px 0;padding-left:22px">{"".join(items)}</ol>')
    if award.reasons:
        parts_.append(
            f"<div><b>{escape(m.text('reasons'))}</b></div><ul style='margin:2px 0'>"
            + "".join(f"<li>{escape(m.reason(r))}</li>" for r in award.reasons)
            + "</ul>"
        )
    if award.assumptions and award.eligible is not False:
        parts_.append(
            f"<div><b>{escape(m.text('assumptions'))}</b></div><ul style='margin:2px 0'>"
            + "".join(f"<li>{escape(m.assumption(a, award))}</li>" for a in award.assumptions)
            + "</ul>"
        )
    return "".join(parts_)


def _trace_disclosure(award: Award, m: Messages) -> str:
    return disclosure(m.count("html.trace", len(award.steps)), trace(award, m))


def _depends(estimate: Estimate, counted: Sequence[Award], m: Messages) -> str:
    """What the total depends on: facts not given, readings of the texts, stacking."""
    missing = dict.fromkeys(m.field(f) for a in counted for f in a.missing)
    readings = dict.fromkeys(m.assumption(x, a) for a in counted for x in a.assumptions)
    items = []
    if missing:
        items.append(escape(m.text("html.missing", fields=m.sep.join(missing))))
    items += [escape(m.stacking(note)) for note in estimate.stacking]
    if readings:
        body = (
            "<ul style='margin:2px 0'>"
            + "".join(f"<li>{escape(r)}</li>" for r in readings)
            + "</ul>"
        )
        items.append(disclosure(m.count("html.readings", len(readings)), body))
    if not items:
        items.append(escape(m.text("html.nothing")))
    lis = "".join(f'<li style="margin:2px 0">{i}</li>' for i in items)
    return (
        f'<div style="margin:0 0 6px"><b>{escape(m.text("html.depends"))}</b>'
        f'<ul style="margin:2px 0;padding-left:20px">{lis}</ul></div>'
    )


def _narrow_fact(item: Narrowing, m: Messages) -> str:
    return m.narrowing_fact(item)


def _narrowing(items: Sequence[Narrowing], m: Messages) -> str:
    """Each missing fact, most narrowing first, with the total under each answer."""
    rows = []
    for item in items:
        answers = m.semi.join(
            m.text(
                "narrow.answer",
                value=answer_value(a, m, item),
                total=compact(a.total_low, a.total_high),
                low=change(a.low_change),
            )
            for a in item.answers
        )
        rows.append(
            f'<li style="margin:2px 0">{escape(m.text("narrow.fact", field=_narrow_fact(item, m)))}'
            f"{escape(m.colon)}{escape(answers)}</li>"
        )
    return (
        f'<div style="margin:0 0 6px"><b>{escape(m.text("narrow.heading"))}</b>'
        f'<ul style="margin:2px 0;padding-left:20px">{"".join(rows)}</ul></div>'
    )


def _group_summary(group: Group, m: Messages) -> str:
    if group.kind == "other_places":
        return m.text("group.other_places.short", programs=m.count("programs_n", len(group.awards)))
    programs = m.count("programs_n", len(group.awards))
    if group.kind == "not_in_force":
        return m.text("group.not_in_force", programs=programs)
    reason = m.reason(group.reason) if group.reason else m.text("ineligible")
    return m.text("group.reason", programs=programs, reason=reason)


def _wrap(inner: str) -> str:
    return (
        f'<div style="{FONT};color:{_INK};line-height:1.45;max-width:980px;font-size:14px">'
        f"{inner}</div>"
    )


def render_estimate_html(
    estimate: Estimate, locale: str | None = None, *, narrowing: Sequence[Narrowing] = ()
) -> str:
    """The notebook view; ``narrowing`` (from :func:`aivoucher.what_narrows`) says which
    missing fact would narrow the total most, and what each answer gives."""
    m = messages(locale)
    arranged = parts(estimate)
    total = compact(estimate.total_low, estimate.total_high)
    full = m.bounds((estimate.total_low, estimate.total_high))
    out = [
        headline(m.header(estimate.as_of, estimate.profile), total, full),
    ]
    renewed = estimate.if_renewed
    if renewed != (estimate.total_low, estimate.total_high):
        line = m.text("total.if_renewed", amount=m.amount_range(*renewed))
        out.append(f"<p><b>{escape(line)}</b></p>")
    out += [f"<p><b>{escape(n)}</b></p>" for n in notices(estimate, m)]
    out.append(_depends(estimate, arranged.counted, m))
    if narrowing:
        out.append(_narrowing(narrowing, m))
    out.append(f"<div>{muted(m.text('maxima'))}</div>")
    paying = list(arranged.counted)
    if paying:
        out.append(section(m.text("html.counted", n=len(paying))))
        out.append(
            table(
                [m.text(k) for k in ("html.program", "html.award", "html.rate", "html.cap")],
                [award_cells(a, m) for a in paying],
                numeric=(1,),
                details=[_trace_disclosure(a, m) for a in paying],
            )
        )
    for heading, awards in apart(arranged.conditional):
        out.append(section(m.text(heading, n=len(awards))))
        out.append(
            table(
                [m.text(k) for k in ("html.program", "html.up_to", "html.why")],
                [
                    [
                        _program(a, m),
                        escape(compact(a.high, a.high)),
                        escape(conditional_why(a, m)),
                    ]
                    for a in awards
                ],
                numeric=(1,),
                details=[_trace_disclosure(a, m) for a in awards],
            )
        )
    if arranged.unpublished:
        out.append(section(m.text("no_amount_heading", n=len(arranged.unpublished))))
        out.append(
            table(
                [m.text("html.program"), m.text("html.why")],
                [
                    [_program(a, m), "<br>".join(escape(m.reason(r)) for r in a.reasons)]
                    for a in arranged.unpublished
                ],
            )
        )
    ineligible = sum(len(g.awards) for g in arranged.ineligible)
    if ineligible:
        out.append(section(m.text("not_eligible_heading", n=ineligible)))
        for group in arranged.ineligible:
            rows = "".join(
                f"<li>{escape(m.place(a.program.jurisdiction))} · {escape(m.name(a.program))} "
                f"{muted(a.program.key)}</li>"
                for a in group.awards
            )
            out.append(
                disclosure(_group_summary(group, m), f"<ul style='margin:2px 0'>{rows}</ul>")
            )
    return _wrap("".join(out))


def render_award_html(award: Award, locale: str | None = None) -> str:
    m = messages(locale)
    if award.eligible:
        body = table(
            [m.text(k) for k in ("html.program", "html.award", "html.rate", "html.cap")],
            [award_cells(award, m)],
            numeric=(1,),
            details=[_trace_disclosure(award, m)],
        )
    else:
        state = m.text("no_amount") if award.eligible is None else m.text("ineligible")
        body = table(
            [m.text("html.program"), m.text("html.why")],
            [[_program(award, m), escape(state) + "<br>" + trace(award, m)]],
        )
    return _wrap(body)


def render_sweep_html(sweep: Sweep, locale: str | None = None) -> str:
    """A table of the spend curves (one column per program and the total; one row per place
    and amount) and the bends as sentences, in the house style."""
    m = messages(locale)
    keys = list(sweep.programs)
    many = len(sweep.places) > 1
    headers = [
        *([m.text("sweep.place")] if many else []),
        m.text("sweep.amount"),
        *(m.program_label(sweep.programs[k]) for k in keys),
        m.text("sweep.total"),
    ]
    rows = []
    for point in sweep.points:
        cells = [escape(m.place(point.place))] if many else []
        cells.append(escape(m.short_money(point.amount)))
        for key in keys:
            low, high = point.awards.get(key, (None, None))
            cells.append(escape("—" if low is None or high is None else m.bounds((low, high))))
        cells.append(f"<b>{escape(m.bounds(point.total))}</b>")
        rows.append(cells)
    first = 1 if many else 0
    numeric = tuple(range(first, len(headers)))
    bends = "".join(f"<li>{escape(line)}</li>" for line in sweep.describe(m.locale))
    listing = section(m.text("sweep.bends")) + f"<ul>{bends}</ul>" if bends else ""
    return _wrap(table(headers, rows, numeric=numeric) + listing)


def render_estimate_view(estimate: Estimate, locale: str | None) -> str:
    """The notebook view of an estimate, with what narrows its range where a fact is missing
    (asked of :func:`aivoucher.what_narrows` here, so that the estimate, a value, does not
    reach up to the questions floor)."""
    from ..questions.whatif import what_narrows

    return render_estimate_html(estimate, locale, narrowing=what_narrows(estimate))
