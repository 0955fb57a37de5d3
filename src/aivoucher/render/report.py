"""The report: one self-contained HTML file for a finance reader, in Chinese or English.

It holds no scripts and makes no requests (inline CSS; charts, where there are any, are inline
SVG), and prints to A4: a one-minute summary (expected range, what narrows it, expiry of each
counted program), a section per counted program with its steps in words and the quoted policy
text as numbered notes (source title, URL, confidence), the assumptions in plain language, the
other programs in brief, and a dated disclaimer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from ..base.money import format_money
from ..base.visible import markup as escape  # escaped, control characters shown
from ..vocabulary.result import Award, Estimate
from ..vocabulary.schema import Program
from .html import compact
from .messages import Messages, messages
from .parts import parts, rate_bounds
from .svg import Series, line_chart
from .text import conditional_why, group_line, notices

if TYPE_CHECKING:
    from ..questions.report import ReportCurve
    from ..ruleset.registry import RuleSet

__all__ = [
    "REPORT_CSS",
    "Footnotes",
    "footnotes_html",
    "html_page",
    "render_report",
    "report_html",
]

REPORT_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1f2937; font-size: 10.5pt; line-height: 1.5; margin: 0 auto; max-width: 180mm; }
@media screen { body { padding: 28px 24px 40px; background: #fff; } }
header { border-bottom: 3px solid #0f766e; padding-bottom: 8px; margin-bottom: 14px; }
h1 { font-size: 18pt; margin: 0 0 2px; }
h2 { font-size: 13pt; margin: 18px 0 6px; padding-bottom: 2px; border-bottom: 1px solid #d1d5db;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 14px 0 4px; break-after: avoid; page-break-after: avoid; }
.meta { color: #6b7280; font-size: 9pt; }
.summary { border: 1px solid #99d5cf; background: #f0fdfa; border-radius: 6px;
           padding: 10px 14px; break-inside: avoid; page-break-inside: avoid; }
.label { color: #6b7280; font-size: 9pt; }
.total { font-size: 24pt; font-weight: 700; line-height: 1.2; }
.full { color: #374151; font-size: 9.5pt; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 9.5pt; }
th { text-align: left; border-bottom: 1.5px solid #1f2937; padding: 4px 6px; font-weight: 600; }
td { border-bottom: 1px solid #e5e7eb; padding: 4px 6px; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
ul, ol { margin: 4px 0; padding-left: 20px; }
li { margin: 1px 0; }
.program { break-inside: avoid-page; }
.steps li { font-size: 9.5pt; }
sup { color: #0f766e; font-size: 7pt; }
.notes li { font-size: 8.5pt; line-height: 1.4; margin: 2px 0; break-inside: avoid; }
.notes .url { color: #0f766e; overflow-wrap: anywhere; }
.disclaimer { margin-top: 16px; border-top: 1px solid #d1d5db; padding-top: 6px;
              color: #4b5563; font-size: 8.5pt; break-inside: avoid; }
.chart, .keep { break-inside: avoid; page-break-inside: avoid; }
svg text { font-size: 11px; }
"""


class Footnotes:
    """Numbered footnotes: each quoted wording of each source once."""

    def __init__(self) -> None:
        self.items: list[tuple[Program, str, str]] = []
        self._index: dict[tuple[str, str, str], int] = {}

    def ref(self, program: Program, source_id: str, quote: str) -> int:
        key = (program.key, source_id, quote)
        if key not in self._index:
            self.items.append((program, source_id, quote))
            self._index[key] = len(self.items)
        return self._index[key]

    def sup(self, award: Award, cites: tuple[tuple[str, str], ...]) -> str:
        refs = sorted({self.ref(award.program, sid, q) for sid, q in cites})
        return "".join(f"<sup>[{n}]</sup>" for n in refs)


def _e(text: str) -> str:
    return escape(text)


def _name(award: Award, m: Messages) -> str:
    p = award.program
    return f"{m.place(p.jurisdiction)} · {m.name(p)}"


def _expiry(program: Program, m: Messages) -> str:
    to = program.effective.to
    return to.isoformat() if to is not None else m.text("report.open_ended")


def _summary(estimate: Estimate, m: Messages, counted: list[Award]) -> str:
    arranged = parts(estimate)
    total = compact(estimate.total_low, estimate.total_high, estimate.profile.currency)
    full = m.bounds((estimate.total_low, estimate.total_high))
    narrows: list[str] = []
    renewed = estimate.if_renewed
    if renewed != (estimate.total_low, estimate.total_high):
        narrows.append(m.text("total.if_renewed", amount=m.amount_range(*renewed)))
    missing = dict.fromkeys(m.field(f) for a in counted for f in a.missing)
    if missing:
        narrows.append(m.text("report.narrow.missing", fields=m.sep.join(missing)))
    for a in arranged.conditional:
        amount = _award_wan(a)
        narrows.append(
            m.text(
                "report.narrow.conditional",
                program=_name(a, m),
                why=conditional_why(a, m),
                amount=amount,
            )
        )
    narrows += [m.stacking(note) for note in estimate.stacking]
    readings = {m.assumption(x, a) for a in counted for x in a.assumptions}
    if readings:
        narrows.append(m.count("report.narrow.readings", len(readings)))
    if not narrows:
        narrows.append(m.text("report.narrow.none"))
    narrows.append(m.text("report.narrow.review"))
    if counted:
        rows = "".join(
            f"<tr><td>{_e(_name(a, m))}</td>"
            f'<td class="num">{_e(compact(a.low, a.high, a.program.currency))}</td>'
            f"<td>{_e(_rate(a, m))}</td>"
            f"<td>{_e(_expiry(a.program, m))}</td></tr>"
            for a in counted
        )
        table = (
            f"<table><thead><tr><th>{_e(m.text('html.program'))}</th>"
            f'<th class="num">{_e(m.text("html.award"))}</th>'
            f"<th>{_e(m.text('html.rate'))}</th>"
            f"<th>{_e(m.text('report.expiry'))}</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    else:
        table = f"<p>{_e(m.text('report.none_counted'))}</p>"
    warnings = "".join(f"<p><b>{_e(n)}</b></p>" for n in notices(estimate, m))
    return (
        f'<section class="summary"><div class="label">{_e(m.text("report.expected"))}</div>'
        f'<div class="total">{_e(total)}</div><div class="full">{_e(full)}</div>{warnings}'
        f"<h3>{_e(m.text('report.narrows'))}</h3>"
        f"<ul>{''.join(f'<li>{_e(n)}</li>' for n in narrows)}</ul>"
        f"<h3>{_e(m.text('report.programs'))}</h3>{table}</section>"
    )


def _rate(award: Award, m: Messages) -> str:
    rates = rate_bounds(award)
    return m.rates(rates) if rates is not None else m.text("rate.fixed")


def _profile(estimate: Estimate, m: Messages) -> str:
    applicant = estimate.profile.applicant
    who = m.text("report.kind_city", kind=m.value(applicant.kind), city=m.place(applicant.city))
    rows = "".join(
        f"<tr><td>{_e(p.label(i))}</td><td>{_e(m.value(p.item))}</td>"
        f'<td class="num">{_e(m.short_money(p.amount))}</td>'
        f"<td>{_e(p.signed.isoformat())}</td></tr>"
        for i, p in enumerate(estimate.profile.purchases)
    )
    table = (
        f"<table><thead><tr><th>{_e(m.text('report.purchase'))}</th>"
        f"<th>{_e(m.text('report.item'))}</th>"
        f'<th class="num">{_e(m.text("report.amount"))}</th>'
        f"<th>{_e(m.text('report.signed'))}</th></tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else ""
    )
    return (
        f'<section class="keep"><h2>{_e(m.text("report.profile"))}</h2>'
        f"<p>{_e(who)}</p>{table}</section>"
    )


def _program_section(award: Award, m: Messages, notes: Footnotes) -> str:
    p = award.program
    m = m.in_currency(p.currency)  # an award and its steps are in its program's currency
    steps = "".join(f"<li>{_e(m.step(s))}{notes.sup(award, s.cites)}</li>" for s in award.steps)
    number = m.paren(p.document.number) if p.document.number else ""
    window = m.window(p.effective.from_, p.effective.to)
    meta = (
        f'<div class="meta">{_e(m.text("report.document", title=p.document.title + number))}'
        f"<br>{_e(m.text('report.issuer', issuer=p.issuer, window=window))}</div>"
    )
    summary = f"<p>{_e(m.prose(p.summary))}</p>" if p.summary else ""
    amount = m.in_currency(award.program.currency).amount_range(award.low, award.high)
    return (
        f'<section class="program"><h3>{_e(_name(award, m))} — {_e(amount)}</h3>{meta}{summary}'
        f"<div><b>{_e(m.text('report.how'))}</b></div>"
        f'<ol class="steps">{steps}</ol></section>'
    )


def _assumptions(awards: list[Award], m: Messages) -> str:
    seen: dict[str, list[str]] = {}
    for a in awards:
        for x in a.assumptions:
            seen.setdefault(m.assumption(x, a), []).append(_name(a, m))
    if not seen:
        return ""
    items = "".join(
        f"<li>{_e(text)}<span class='meta'>{_e(m.paren(m.sep.join(dict.fromkeys(who))))}"
        "</span></li>"
        for text, who in seen.items()
    )
    return (
        f"<h2>{_e(m.text('report.assumptions'))}</h2>"
        f"<p>{_e(m.text('report.assumptions.intro'))}</p><ul>{items}</ul>"
    )


def _others(estimate: Estimate, m: Messages) -> str:
    arranged = parts(estimate)
    lines: list[str] = []
    for a in arranged.conditional:
        amount = _award_wan(a)
        lines.append(
            f"{_name(a, m)}{m.colon}{m.text('up_to', amount=amount)} — {conditional_why(a, m)}"
        )
    for a in arranged.unpublished:
        lines.append(f"{_name(a, m)}{m.colon}{m.sep.join(m.reason(r) for r in a.reasons)}")
    lines += [group_line(g, m) for g in arranged.ineligible]
    if not lines:
        return ""
    return (
        f"<h2>{_e(m.text('report.others'))}</h2>"
        f"<ul>{''.join(f'<li>{_e(line)}</li>' for line in lines)}</ul>"
    )


def _wan(amount: Decimal) -> str:
    return format_money(amount, "zh", compact=True)


def _award_wan(award: Award) -> str:
    """The most an award may pay, in 万 and its program's currency (``—``: no amount)."""
    if award.high is None:
        return "—"
    return format_money(award.high, "zh", compact=True, currency=award.program.currency)


def _chart(estimate: Estimate, m: Messages, counted: list[Award], curve: ReportCurve | None) -> str:
    """Award against spend for the counted programs (``curve``, made by
    :func:`aivoucher.questions.report.report_curve`): this only draws it."""
    if curve is None:
        return ""
    purchases = estimate.profile.purchases
    index, spend, top, curves = curve.purchase, curve.spend, curve.top, curve.sweep
    points = sorted((*curves.points, *curves.knots), key=lambda p: p.amount)
    series: list[Series] = []
    keys = [a.program.key for a in counted if a.program.key in curves.programs]
    for key in keys:
        name = m.name(curves.programs[key])
        highs = [(p.amount, p.awards.get(key, (None, None))[1]) for p in points]
        lows = [(p.amount, p.awards.get(key, (None, None))[0]) for p in points]
        series.append(Series(name, [(x, y) for x, y in highs if y is not None]))
        if any(lo != hi for (_, lo), (_, hi) in zip(lows, highs, strict=True)):
            low_points = [(x, y) for x, y in lows if y is not None]
            series.append(Series(m.text("report.chart.low", name=name), low_points, dashed=True))
    if not series:
        return ""
    if len(keys) > 1:
        total = [(p.amount, p.total[1]) for p in points]
        series.append(Series(m.text("report.chart.total"), total, strong=True))
    dots = [(b.at, b.after) for b in curves.bends if b.program in keys and "high" in b.ends]
    svg = line_chart(
        series,
        label=_wan,
        x_title=m.text("report.chart.x"),
        y_title=m.text("report.chart.y"),
        marker=(spend, m.text("report.chart.now", amount=_wan(spend))),
        dots=dots,
        title=m.text("report.chart"),
    )
    bends = [line for line in curves.describe(m.locale)]
    label = purchases[index].label(index)
    about = m.text("report.chart.about", purchase=label, top=_wan(top))
    listing = f"<ul>{''.join(f'<li>{_e(b)}</li>' for b in bends)}</ul>" if bends else ""
    return (
        f'<section class="chart"><h2>{_e(m.text("report.chart"))}</h2>'
        f'<p class="meta">{_e(about)}</p>{svg}{listing}</section>'
    )


def footnotes_html(notes: Footnotes, m: Messages) -> str:
    if not notes.items:
        return ""
    items = []
    for program, sid, quote in notes.items:
        source = program.source(sid)
        where = (
            f'<span class="url">{_e(source.url)}</span>'
            if source.url
            else _e(m.text("show.seed", seed=source.seed))
        )
        items.append(
            f"<li>{_e(m.citation(program, sid, quote))} — "
            f"{_e(m.text('report.confidence', label=m.confidence(source.confidence)))} — "
            f"{where}</li>"
        )
    return f"<h2>{_e(m.text('report.notes'))}</h2><ol class='notes'>{''.join(items)}</ol>"


def report_html(
    estimate: Estimate,
    locale: str | None = None,
    *,
    today: dt.date | None = None,
    rules: RuleSet | None = None,
) -> str:
    """The report of ``estimate`` (``aivoucher report``, :meth:`Estimate.to_report_html`): the
    curve of award against spend is asked of the questions floor here, then
    :func:`render_report` formats. ``rules`` are the rule files the estimate used (for the
    chart; default: the bundled)."""
    from ..questions.report import report_curve

    curve = report_curve(estimate, parts(estimate).counted, rules)
    return render_report(estimate, locale, today=today, curve=curve)


def html_page(title: str, body: str, m: Messages, css: str = "") -> str:
    """A whole HTML document in ``m``'s language: the reports' style sheet (and ``css``),
    ``title`` escaped, ``body`` as given."""
    lang = "zh-CN" if m.locale == "zh" else "en"
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title>"
        f"<style>{REPORT_CSS}{css}</style></head><body>{body}</body></html>\n"
    )


def render_report(
    estimate: Estimate,
    locale: str | None = None,
    *,
    today: dt.date | None = None,
    curve: ReportCurve | None = None,
) -> str:
    """The report as one HTML document; ``today`` dates it (default: the current date);
    ``curve`` is the chart's award against spend (none: no chart). It computes nothing."""
    m = messages(locale).in_currency(estimate.profile.currency)  # the totals' currency
    produced = (today or dt.date.today()).isoformat()
    as_of = estimate.as_of.isoformat()
    counted = list(parts(estimate).counted)
    notes = Footnotes()
    applicant = estimate.profile.applicant
    name = applicant.name or m.text("report.unnamed")
    sections = "".join(_program_section(a, m, notes) for a in counted)
    body = (
        f"<header><h1>{_e(m.text('report.title'))}</h1>"
        f"<div>{_e(m.text('report.for', name=name))}</div>"
        f'<div class="meta">{_e(m.dated(as_of, produced, estimate.profile))}</div>'
        f"</header>"
        + _summary(estimate, m, counted)
        + _chart(estimate, m, counted, curve)
        + _profile(estimate, m)
        + (f"<h2>{_e(m.text('report.details'))}</h2>{sections}" if sections else "")
        + _assumptions(counted + list(parts(estimate).conditional), m)
        + _others(estimate, m)
        + footnotes_html(notes, m)
        + f'<p class="disclaimer">{_e(m.text("report.disclaimer", date=produced))}</p>'
    )
    return html_page(f"{m.text('report.title')} — {name}", body, m)
