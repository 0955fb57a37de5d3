"""Renderings of what-if grids and of the facts worth declaring (text, HTML, table rows)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..base.visible import joined
from ..base.visible import markup as escape  # escaped, control characters shown
from ..evaluate.stacking import counted
from .messages import Messages, messages

if TYPE_CHECKING:
    from ..questions.whatif import Answer, Grid, Narrowing

__all__ = [
    "change",
    "grid_rows",
    "narrowing_to_dict",
    "render_grid_html",
    "render_grid_text",
    "render_narrowing",
]


def grid_rows(grid: Grid, locale: str = "en") -> list[dict[str, Any]]:
    """One row per case: the varied facts, the totals, and each paying program's high end
    (money as exact ``Decimal``)."""
    rows = []
    for case in grid.cases:
        row: dict[str, Any] = dict(case.facts)
        row["total_low"] = case.estimate.total_low
        row["total_high"] = case.estimate.total_high
        for award in case.estimate.awards:
            if counted(award):
                row[award.program.key] = award.high
        rows.append(row)
    return rows


def _value(value: Any, locale: str) -> str:
    return messages(locale).value(value)


def render_grid_text(grid: Grid, locale: str = "en") -> str:
    m = messages(locale)
    lines = [m.text("grid.header", facts=" × ".join(grid.names), n=len(grid.cases))]
    for case in grid.cases:
        facts = m.sep.join(f"{k}={_value(v, locale)}" for k, v in case.facts)
        est = case.estimate
        lines.append(f"  {facts}: {m.amount_range(est.total_low, est.total_high)}")
    return joined(lines) + "\n"


def render_grid_html(grid: Grid, locale: str = "en") -> str:
    m = messages(locale)
    head = "".join(f"<th>{escape(name)}</th>" for name in grid.names)
    head += f"<th>{escape(m.text('compare.col.total'))}</th>"
    body = "".join(
        "<tr>"
        + "".join(f"<td>{escape(_value(v, locale))}</td>" for _, v in case.facts)
        + "<td style='text-align:right'>"
        + escape(m.amount_range(case.estimate.total_low, case.estimate.total_high))
        + "</td></tr>"
        for case in grid.cases
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def change(amount: Decimal) -> str:
    """A change in 万: ``+160万``, ``−20万``, ``±0``."""
    from ..base.money import format_money

    if amount == 0:
        return "±0"
    sign = "+" if amount > 0 else "−"
    return sign + format_money(abs(amount), "zh", compact=True)


def answer_value(answer: Answer, m: Messages, item: Narrowing | None = None) -> str:
    """An answer's value in words; one standing for every value the rule files do not name
    says so."""
    value = m.narrowing_value(item, answer.value) if item is not None else m.value(answer.value)
    return m.text("narrow.other", example=value) if answer.other else value


def _fact(item: Narrowing, m: Messages) -> str:
    """The fact a narrowing asks about, in words from the fact table (never a profile path):
    the profile path is the JSON's ``field``."""
    return m.narrowing_fact(item)


def render_narrowing(items: Sequence[Narrowing], locale: str = "en") -> str:
    """What narrows the range: one line per fact, most narrowing first, with each answer's
    totals and the change at the low end."""
    if not items:
        return ""
    m = messages(locale)
    lines = [m.text("narrow.heading")]
    for item in items:
        answers = m.semi.join(
            m.text(
                "narrow.answer",
                value=answer_value(a, m, item),
                total=m.amount_range(a.total_low, a.total_high),
                low=change(a.low_change),
            )
            for a in item.answers
        )
        fact = m.text("narrow.fact", field=_fact(item, m))
        lines.append("  - " + m.text("narrow.line", fact=fact, answers=answers))
    if len(lines) == 2:  # one fact: on the heading's line
        lines = [f"{lines[0]} {lines[1][4:]}"]
    return joined(lines) + "\n"


def narrowing_to_dict(items: Sequence[Narrowing], locale: str = "en") -> list[dict[str, Any]]:
    """What narrows the range as JSON values, most narrowing first: each fact (its profile
    field and its label), whether its answers can only add an award not yet counted
    (``adds``), the widest range any answer leaves, and each answer's totals and changes
    (amounts as decimal strings, values in words beside the value itself)."""
    from ..base.money import canonical

    m = messages(locale)

    def plain(value: Any) -> Any:
        return canonical(value) if isinstance(value, Decimal) else value

    return [
        {
            "field": item.field,
            "fact": _fact(item, m),
            "adds": item.adds,
            "programs": [p.key for p in item.programs],
            "width": canonical(item.width),
            "answers": [
                {
                    "value": plain(a.value),
                    "words": answer_value(a, m, item),
                    "other": a.other,
                    "total_low": canonical(a.total_low),
                    "total_high": canonical(a.total_high),
                    "low_change": canonical(a.low_change),
                    "high_change": canonical(a.high_change),
                }
                for a in item.answers
            ],
        }
        for item in items
    ]
