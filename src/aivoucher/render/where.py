"""The where-to-register report: one self-contained HTML file that prints to A4.

For a plan compared across places (:class:`~aivoucher.questions.where.WhereToRegister`): the
places ranked by what counts today and what a renewal would add, with the confidence of the
sources; a chart; then, for each leading place, what its figure rests on, what is still to
find out (and what each answer would make of the figure), what to prepare and when; the
quoted sources as numbered notes; and a dated disclaimer. Everything shown was computed on the
questions floor; this module chooses words and draws.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from ..base.money import format_money
from ..base.visible import joined
from ..base.visible import markup as escape  # escaped, control characters shown
from ..evaluate.stacking import counted
from ..vocabulary.result import Award, Estimate
from .html import compact
from .messages import Messages, messages
from .parts import rate_bounds
from .report import Footnotes, footnotes_html, html_page
from .svg import Bar, range_chart

if TYPE_CHECKING:
    from ..questions.comparison import Row
    from ..questions.whatif import Narrowing
    from ..questions.where import Brief, WhereToRegister

__all__ = ["render_where_report", "render_where_text"]

#: At most this many answers of one open fact are listed (the largest totals first).
SHOWN_ANSWERS = 4

_CSS = """
.rank td.place { font-weight: 600; }
.rank th { white-space: nowrap; }
.renewed { color: #b45309; }
.muted { color: #6b7280; }
.lead h2 { break-before: auto; }
.readings li { font-size: 8.5pt; line-height: 1.35; color: #4b5563; }
"""


def _e(text: str) -> str:
    return escape(text)


def _place(row: Row, m: Messages) -> str:
    name = row.place.text(m.locale)
    if row.place.whole_province:
        return m.text("compare.whole_province", province=name)
    return name


def _confidence(label: str | None, m: Messages) -> str:
    return m.confidence(label) if label is not None else "—"


def _programs(row: Row, m: Messages) -> str:
    """The awards of a row in brief: those counted, then those a renewal would add."""
    shown = [
        f"{m.name(a.program)} {compact(a.low, a.high, a.program.currency)}"
        for a in row.awards
        if counted(a) and a.high
    ]
    shown += [
        f"{m.name(a.program)} {compact(a.low, a.high, a.program.currency)}"
        f"{m.paren(m.text('compare.col.renewed'))}"
        for a in row.awards
        if a.renewal and a.high
    ]
    return m.sep.join(shown) if shown else "—"


def _unpublished(row: Row, m: Messages, alike: set[str]) -> str:
    names = m.sep.join(
        dict.fromkeys(
            m.name(a.program)
            for a in row.awards
            if a.eligible is None and a.program.key not in alike
        )
    )
    return f"{_place(row, m)}{m.paren(names)}"


def _renewed(row: Row) -> tuple[Decimal, Decimal] | None:
    renewed = (row.if_renewed_low, row.if_renewed_high)
    return renewed if renewed != (row.total_low, row.total_high) else None


def _ranking(report: WhereToRegister, m: Messages) -> str:
    from .decision import arrange, rate_needed

    rows = []
    nothing = []
    unpublished = []
    needs_rate: list[str] = []
    everywhere = arrange(report.comparison).unpublished_everywhere
    alike = {p.key for p in everywhere}
    for rank, row in enumerate(report.comparison.rows, 1):
        renewed = _renewed(row)
        if not row.total_high and renewed is None:
            if any(rate_needed(a) for a in row.awards):
                needs_rate.append(_place(row, m))
            elif any(a.eligible is None and a.program.key not in alike for a in row.awards):
                unpublished.append(_unpublished(row, m, alike))
            else:
                nothing.append(_place(row, m))
            continue
        renewed_cell = f'<span class="renewed">{_e(compact(*renewed))}</span>' if renewed else "—"
        rows.append(
            f"<tr><td>{rank}</td><td class='place'>{_e(_place(row, m))}</td>"
            f'<td class="num">{_e(compact(row.total_low, row.total_high))}</td>'
            f'<td class="num">{renewed_cell}</td>'
            f"<td>{_e(_confidence(row.confidence, m))}</td>"
            f"<td>{_e(_programs(row, m))}</td></tr>"
        )
    numeric = ("compare.col.counted", "compare.col.renewed")
    head = "".join(
        ("<th class='num'>" if k in numeric else "<th>") + f"{_e(m.text(k))}</th>"
        for k in (
            "compare.col.rank",
            "compare.col.place",
            "compare.col.counted",
            "compare.col.renewed",
            "compare.col.confidence",
            "compare.col.programs",
        )
    )
    table = (
        f"<table class='rank'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else f"<p>{_e(m.text('where.none_pays'))}</p>"
    )
    rest = ""
    if everywhere:
        names = m.sep.join(m.place(p.jurisdiction) + " · " + m.name(p) for p in everywhere)
        text = m.text("compare.unpublished_everywhere", programs=names)
        rest += f"<p class='muted'>{_e(text)}</p>"
    if needs_rate:
        text = m.text("compare.needs_rate", n=len(needs_rate), places=m.semi.join(needs_rate))
        rest += f"<p class='muted'>{_e(text)}</p>"
    if unpublished:
        text = m.text("where.unpublished", n=len(unpublished), places=m.semi.join(unpublished))
        rest += f"<p class='muted'>{_e(text)}</p>"
    if nothing:
        text = m.text("where.nothing", n=len(nothing), places=m.sep.join(nothing))
        rest += f"<p class='muted'>{_e(text)}</p>"
    return f"<section><h2>{_e(m.text('where.ranking'))}</h2>{table}{rest}</section>"


def _wan(amount: Decimal) -> str:
    return format_money(amount, "zh", compact=True)


def _chart(report: WhereToRegister, m: Messages) -> str:
    bars = []
    for row in report.comparison.rows:
        renewed = _renewed(row)
        if not row.total_high and renewed is None:
            continue
        bars.append(
            Bar(
                row.place.text(m.locale),
                row.total_low,
                row.total_high,
                renewed[1] if renewed is not None else None,
            )
        )
    if not bars:
        return ""
    svg = range_chart(
        bars,
        label=_wan,
        legend=(m.text("compare.col.counted"), m.text("compare.col.renewed")),
        title=m.text("where.chart"),
    )
    return f'<section class="chart"><h2>{_e(m.text("where.chart"))}</h2>{svg}</section>'


def _summary(report: WhereToRegister, m: Messages) -> str:
    items = "".join(f"<li>{_e(line)}</li>" for line in _summary_lines(report, m))
    return f'<section class="summary"><ul>{items}</ul></section>'


def _summary_lines(report: WhereToRegister, m: Messages) -> list[str]:
    """The decision in a few sentences: the best place today, and any a renewal would put
    ahead."""
    comparison = report.comparison
    lines = []
    paying = [r for r in comparison.rows if r.total_high > 0]
    if paying:
        best = paying[0]
        lines.append(
            m.text(
                "where.best",
                place=_place(best, m),
                total=compact(best.total_low, best.total_high),
                confidence=_confidence(best.confidence, m),
            )
        )
    else:
        lines.append(m.text("where.none_pays"))
    renewal = [b for b in report.briefs if b.renewal_only]
    for brief in renewal:
        row = brief.row
        lines.append(
            m.text(
                "where.best_renewed",
                place=_place(row, m),
                total=compact(row.if_renewed_low, row.if_renewed_high),
                programs=_ended(brief, m),
            )
        )
    if comparison.rows and comparison.rows[0].estimate.assume_renewal:
        lines.append(m.text("where.assumed_renewal"))
    return lines


def _ended(brief: Brief, m: Messages) -> str:
    """The programs a renewal-only place's figure assumes renewed, with their end dates."""
    from ..vocabulary.trace import AssumptionCode

    ended = []
    for award in brief.estimate_awards:
        end = award.program.window[1]
        renewed = any(x.code is AssumptionCode.RENEWAL for x in award.assumptions)
        if end is not None and renewed:
            ended.append(m.text("where.ended", program=m.name(award.program), date=end.isoformat()))
    return m.sep.join(dict.fromkeys(ended)) or "—"


def _award_line(award: Award, m: Messages) -> str:
    """What one award's figure rests on: amount, rate, the confidence of its sources, its
    program's known end."""
    rates = rate_bounds(award)
    rate = m.rates(rates) if rates is not None else m.text("rate.fixed")
    end = award.program.window[1]
    until = (
        m.text("where.until", date=end.isoformat())
        if end is not None
        else m.text("report.open_ended")
    )
    return m.text(
        "where.award",
        name=m.name(award.program),
        amount=compact(award.low, award.high, award.program.currency),
        rate=rate,
        confidence=_confidence(award.confidence, m),
        until=until,
    )


def _rests(brief: Brief, m: Messages, notes: Footnotes) -> str:
    items = []
    for award in brief.estimate_awards:
        cites = tuple(c for s in award.steps for c in s.cites)
        line = _award_line(award, m)
        readings = dict.fromkeys(m.assumption(x, award) for x in award.assumptions)
        extra = "".join(f"<li>{_e(r)}</li>" for r in readings)
        items.append(
            f"<li>{_e(line)}{notes.sup(award, cites)}"
            + (f"<ul class='readings'>{extra}</ul>" if extra else "")
            + "</li>"
        )
    if not items:
        items.append(f"<li>{_e(m.text('report.none_counted'))}</li>")
    return f"<h3>{_e(m.text('where.rests'))}</h3><ul>{''.join(items)}</ul>"


def _answer(item: Narrowing, value: object, other: bool, m: Messages) -> str:
    return m.text("where.any_other") if other else m.narrowing_value(item, value)


def _find_out(brief: Brief, estimate: Estimate, m: Messages) -> str:
    items = _find_out_lines(brief, estimate, m)
    listed = "".join(f"<li>{_e(i)}</li>" for i in items)
    return f"<h3>{_e(m.text('where.find_out'))}</h3><ul>{listed}</ul>"


def _find_out_lines(brief: Brief, estimate: Estimate, m: Messages) -> list[str]:
    items = [_narrowing(n, estimate, m) for n in brief.narrowing]
    return items or [m.text("where.find_out.none")]


def _narrowing(narrowing: Narrowing, estimate: Estimate, m: Messages) -> str:
    answers = sorted(
        narrowing.answers, key=lambda a: (-a.total_high, -a.total_low, a.other, str(a.value))
    )
    shown = [
        m.text(
            "where.answer",
            value=_answer(narrowing, a.value, a.other, m),
            total=compact(a.total_low, a.total_high),
        )
        for a in answers[:SHOWN_ANSWERS]
    ]
    if len(answers) > SHOWN_ANSWERS:
        shown.append(m.text("where.more", n=len(answers) - SHOWN_ANSWERS))
    text = m.text(
        "where.fact",
        label=m.narrowing_fact(narrowing, estimate.profile.purchases),
        answers=m.semi.join(shown),
    )
    if narrowing.adds:
        text += m.paren(m.text("where.adds"))
    return text


def _prepare(brief: Brief, m: Messages) -> str:
    items = [
        f"<li><b>{_e(name)}</b>{_e(m.colon)}{_e(text)}</li>"
        for name, text in _prepare_lines(brief, m)
    ]
    if not items:
        return ""
    return f"<h3>{_e(m.text('where.prepare'))}</h3><ul>{''.join(items)}</ul>"


def _prepare_lines(brief: Brief, m: Messages) -> list[tuple[str, str]]:
    """Each program's application facts (window, office, materials, payment), or that no
    guide was found published, with the date the texts were checked."""
    items = []
    for award in brief.estimate_awards:
        program = award.program
        lines = m.application_details(program)
        if program.application is None:
            checked = program.checked
            lines = [
                m.text("where.no_guide", date=checked.isoformat())
                if checked is not None
                else m.text("app.no_window")
            ]
        elif award.application is not None and program.application.windows:
            lines.insert(0, m.application_status(award.application))
        items.append((m.name(program), " · ".join(lines)))
    return items


def _heading(brief: Brief, m: Messages) -> tuple[str, str | None]:
    """A leading place's total (if renewed, for a place that leads only then) and, for such a
    place, the sentence that says so."""
    row = brief.row
    if brief.renewal_only:
        total = compact(row.if_renewed_low, row.if_renewed_high)
        return total, m.text("where.renewal_only", programs=_ended(brief, m))
    return compact(row.total_low, row.total_high), None


def _brief(number: int, brief: Brief, m: Messages, notes: Footnotes) -> str:
    row = brief.row
    total, renewal = _heading(brief, m)
    intro = f"<p class='renewed'>{_e(renewal)}</p>" if renewal else ""
    # the narrowing of a renewal-only place was asked of the estimate made as if renewed
    estimate = row.estimate
    return (
        f'<section class="lead"><h2>{number}. {_e(_place(row, m))} — {_e(total)}</h2>{intro}'
        + _rests(brief, m, notes)
        + _find_out(brief, estimate, m)
        + _prepare(brief, m)
        + "</section>"
    )


def _plan(report: WhereToRegister, m: Messages) -> str:
    purchases = report.comparison.plan.purchases
    parts = [
        m.text(
            "where.purchase",
            label=p.label(i),
            item=m.value(p.item),
            amount=_wan(p.amount),
            signed=p.signed.isoformat(),
        )
        for i, p in enumerate(purchases)
    ]
    return m.text("where.plan", purchases=m.semi.join(parts), spend=_wan(report.comparison.spend))


def render_where_report(
    report: WhereToRegister, locale: str | None = None, *, today: dt.date | None = None
) -> str:
    """The report as one HTML document; ``today`` dates it (default: the current date). It
    computes nothing."""
    m = messages(locale).in_currency(report.comparison.plan.currency)  # the plan's
    produced = (today or dt.date.today()).isoformat()
    as_of = report.comparison.as_of.isoformat()
    notes = Footnotes()
    briefs = "".join(_brief(i, b, m, notes) for i, b in enumerate(report.briefs, 1))
    body = (
        f"<header><h1>{_e(m.text('where.title'))}</h1>"
        f"<div>{_e(_plan(report, m))}</div>"
        f'<div class="meta">{_e(m.dated(as_of, produced, report.comparison.plan))}</div>'
        f"<div class='meta'>{_e(m.text('maxima'))}</div></header>"
        + _summary(report, m)
        + _chart(report, m)
        + _ranking(report, m)
        + (f"<h2>{_e(m.text('where.leading'))}</h2>{briefs}" if briefs else "")
        + footnotes_html(notes, m)
        + f'<p class="disclaimer">{_e(m.text("report.disclaimer", date=produced))}</p>'
    )
    return html_page(m.text("where.title"), body, m, _CSS)


def render_where_text(report: WhereToRegister, locale: str | None = None) -> str:
    """The where-to-register decision as text: the plan, the best places, then for each
    leading place what its figure rests on, what is still to find out and what to prepare
    (the report without its ranking, chart and quoted sources)."""
    m = messages(locale).in_currency(report.comparison.plan.currency)  # the plan's
    lines = [f"{m.text('where.title')} — {_plan(report, m)}"]
    lines += [f"  {line}" for line in _summary_lines(report, m)]
    for number, brief in enumerate(report.briefs, 1):
        total, renewal = _heading(brief, m)
        lines += ["", f"{number}. {_place(brief.row, m)} — {total}"]
        if renewal:
            lines.append(f"   {renewal}")
        lines.append("   " + m.heading("where.rests"))
        for award in brief.estimate_awards:
            lines.append(f"     - {_award_line(award, m)}")
            readings = len(dict.fromkeys(m.assumption(x, award) for x in award.assumptions))
            if readings:
                lines.append("       " + m.count("where.readings", readings))
        if not brief.estimate_awards:
            lines.append(f"     - {m.text('report.none_counted')}")
        lines.append("   " + m.heading("where.find_out"))
        estimate = brief.row.estimate
        for line in _find_out_lines(brief, estimate, m):
            lines.append(f"     - {line}")
        prepare = _prepare_lines(brief, m)
        if prepare:
            lines.append("   " + m.heading("where.prepare"))
            lines += [f"     - {name}{m.colon}{text}" for name, text in prepare]
    return joined(lines) + "\n"
