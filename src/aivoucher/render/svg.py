"""Line charts as inline SVG, drawn from plain numbers: no library, no script, no external
font or image, so that a report stays one self-contained file that prints sharply.

Coordinates are screen positions, so values become floats here; amounts stay ``Decimal``
everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..base.visible import markup as escape  # escaped, control characters shown

__all__ = ["Bar", "Series", "line_chart", "nice_ticks", "range_chart"]

PALETTE = ("#0f766e", "#b45309", "#1d4ed8", "#9333ea", "#be123c", "#4d7c0f")
_FONT = "'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif"


@dataclass(frozen=True, slots=True)
class Series:
    """One line: ``points`` are (x, y) pairs in drawing order; ``strong`` draws it thicker and
    dark (a total), ``dashed`` dashed in the colour of the series before it (its low end)."""

    label: str
    points: Sequence[tuple[Decimal, Decimal]]
    dashed: bool = False
    strong: bool = False


def nice_ticks(top: Decimal, count: int = 5) -> list[Decimal]:
    """Ticks from 0 to at least ``top`` on a 1-2-5 step, at most ``count`` + 1 of them."""
    if top <= 0:
        return [Decimal(0), Decimal(1)]
    raw = top / count
    magnitude = Decimal(1).scaleb(raw.adjusted())
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    ticks = [Decimal(0)]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def line_chart(
    series: Sequence[Series],
    *,
    label: Callable[[Decimal], str],
    x_title: str,
    y_title: str,
    marker: tuple[Decimal, str] | None = None,
    dots: Sequence[tuple[Decimal, Decimal]] = (),
    width: int = 640,
    height: int = 260,
    title: str = "",
) -> str:
    """An SVG chart of ``series`` on common axes from 0; ``label`` writes tick values;
    ``marker`` draws a vertical line at x with a caption; ``dots`` marks points (bends)."""
    xs = [x for s in series for x, _ in s.points]
    ys = [y for s in series for _, y in s.points]
    x_ticks = nice_ticks(max(xs, default=Decimal(0)))
    y_ticks = nice_ticks(max(ys, default=Decimal(0)))
    left, right, top, bottom = 64, 24, 30, 48 + 18 * ((len(series) + 1) // 2)
    plot_w, plot_h = width - left - right, height - top - bottom
    x_max, y_max = float(x_ticks[-1]), float(y_ticks[-1])

    def px(x: Decimal) -> float:
        return left + plot_w * float(x) / x_max

    def py(y: Decimal) -> float:
        return top + plot_h * (1 - float(y) / y_max)

    out = [
        f'<svg viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        f'style="font-family:{_FONT};font-size:11px">'
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    for t in y_ticks:
        y = py(t)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="#e5e7eb" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#4b5563">'
            f"{escape(label(t))}</text>"
        )
    for t in x_ticks:
        x = px(t)
        out.append(
            f'<line x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 4}" '
            f'stroke="#6b7280"/>'
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#4b5563">'
            f"{escape(label(t))}</text>"
        )
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="#6b7280"/><line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" '
        f'stroke="#6b7280"/>'
        f'<text x="{left + plot_w}" y="{top + plot_h + 30}" text-anchor="end" '
        f'fill="#374151">{escape(x_title)}</text>'
        f'<text x="{left - 6}" y="{top - 14}" text-anchor="start" fill="#374151">'
        f"{escape(y_title)}</text>"
    )
    if marker is not None:
        x = px(marker[0])
        out.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#9ca3af" '
            f'stroke-dasharray="4 3"/>'
            f'<text x="{x + 4:.1f}" y="{top + 12}" fill="#374151">{escape(marker[1])}</text>'
        )
    colours = iter(PALETTE)
    legend: list[tuple[str, Series]] = []
    colour = PALETTE[0]
    for s in series:
        if s.strong:
            colour = "#111827"
        elif not (s.dashed and legend):
            colour = next(colours, "#6b7280")
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in s.points)
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        stroke = 2.6 if s.strong else 1.8
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="{stroke}"{dash} stroke-linejoin="round"/>'
        )
        legend.append((colour, s))
    for dot_x, dot_y in dots:
        out.append(
            f'<circle cx="{px(dot_x):.1f}" cy="{py(dot_y):.1f}" r="3.5" fill="#fff" '
            f'stroke="#111827" stroke-width="1.5"/>'
        )
    for i, (colour, s) in enumerate(legend):
        lx = left + (i % 2) * (plot_w // 2)
        ly = top + plot_h + 46 + 18 * (i // 2)
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        out.append(
            f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 22}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="{2.6 if s.strong else 1.8}"{dash}/>'
            f'<text x="{lx + 28}" y="{ly}" fill="#1f2937">{escape(s.label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Bar:
    """One place in a range chart: a solid bar from ``low`` to ``high`` (what counts) and,
    where a renewal would pay more, an outline on to ``renewed_high``."""

    label: str
    low: Decimal
    high: Decimal
    renewed_high: Decimal | None = None


def text_width(text: str, size: float = 11) -> float:
    """About how wide ``text`` is drawn at ``size`` px: a Chinese character is one em, a
    Latin one a little over half (no font metrics are at hand in an SVG written as text)."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in text)


def range_chart(
    bars: Sequence[Bar],
    *,
    label: Callable[[Decimal], str],
    legend: tuple[str, str],
    width: int = 640,
    title: str = "",
) -> str:
    """Horizontal bars, one per place, top to bottom as given; ``label`` writes amounts;
    ``legend`` names the solid bar and the outline. The label column is as wide as the longest
    label, so no name runs off the chart."""
    row = 22

    def amount(bar: Bar) -> str:
        text = label(bar.high) if bar.low == bar.high else f"{label(bar.low)}–{label(bar.high)}"
        if bar.renewed_high is not None and bar.renewed_high > bar.high:
            text += f" → {label(bar.renewed_high)}"
        return text

    amounts = [amount(b) for b in bars]
    left = int(min(max((text_width(b.label) for b in bars), default=0) + 14, width / 3))
    right = int(min(max((text_width(a) for a in amounts), default=0) + 12, width / 3))
    top = 26
    height = top + row * len(bars) + 52
    plot_w = width - left - right
    ends = [b.renewed_high if b.renewed_high is not None else b.high for b in bars]
    ticks = nice_ticks(max(ends, default=Decimal(0)))
    x_max = float(ticks[-1])

    def px(x: Decimal) -> float:
        return left + plot_w * float(x) / x_max

    out = [
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" style="font-family:{_FONT};font-size:11px">'
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    bottom = top + row * len(bars)
    for t in ticks:
        x = px(t)
        out.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#e5e7eb"/>'
            f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle" fill="#4b5563">'
            f"{escape(label(t))}</text>"
        )
    for i, bar in enumerate(bars):
        y = top + row * i + 4
        out.append(
            f'<text x="{left - 8}" y="{y + 11}" text-anchor="end" fill="#1f2937">'
            f"{escape(bar.label)}</text>"
        )
        if bar.renewed_high is not None and bar.renewed_high > bar.high:
            x0 = px(bar.high)
            out.append(
                f'<rect x="{x0:.1f}" y="{y}" width="{px(bar.renewed_high) - x0:.1f}" '
                f'height="14" fill="none" stroke="{PALETTE[1]}" stroke-width="1.4" '
                f'stroke-dasharray="4 2"/>'
            )
        x_low, x_high = px(bar.low), px(bar.high)
        if bar.high > bar.low:
            out.append(
                f'<rect x="{left}" y="{y}" width="{x_low - left:.1f}" height="14" '
                f'fill="{PALETTE[0]}"/><rect x="{x_low:.1f}" y="{y}" '
                f'width="{x_high - x_low:.1f}" height="14" fill="{PALETTE[0]}" '
                f'fill-opacity="0.45"/>'
            )
        else:
            out.append(
                f'<rect x="{left}" y="{y}" width="{x_high - left:.1f}" height="14" '
                f'fill="{PALETTE[0]}"/>'
            )
        end = bar.renewed_high if bar.renewed_high is not None else bar.high
        out.append(
            f'<text x="{px(max(end, bar.high)) + 4:.1f}" y="{y + 11}" fill="#374151">'
            f"{escape(amounts[i])}</text>"
        )
    ly = bottom + 36
    out.append(
        f'<rect x="{left}" y="{ly - 10}" width="22" height="10" fill="{PALETTE[0]}"/>'
        f'<text x="{left + 28}" y="{ly}" fill="#1f2937">{escape(legend[0])}</text>'
        f'<rect x="{left + plot_w // 2}" y="{ly - 10}" width="22" height="10" fill="none" '
        f'stroke="{PALETTE[1]}" stroke-dasharray="4 2"/>'
        f'<text x="{left + plot_w // 2 + 28}" y="{ly}" fill="#1f2937">{escape(legend[1])}</text>'
    )
    out.append("</svg>")
    return "".join(out)
