r"""Charts with matplotlib (optional extra ``aivoucher[notebook]``): spend curves and ranges.

Chinese labels need a font with Chinese glyphs. :func:`cjk_font` looks for one among the fonts
matplotlib knows (Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei, PingFang …); where there is
none, a chart asked for in ``zh`` is drawn with English labels and a :class:`FontWarning` says
why, so no label ever renders as empty boxes. The font is set on the chart's own text objects,
not in matplotlib's global settings. :func:`save` writes a chart with ``svg.fonttype = 'none'``
(in an ``rc_context``), so SVG keeps text as text.

Labels come from rule files and profiles (a program's name, a place) and are shown literally:
mathtext and TeX are off for every text of a chart (``parse_math=False``, ``usetex=False``,
set on each text object as well as in the settings it is drawn in), so a ``$`` or a ``\`` is a
plain character, never a formula that renders as something else or fails to parse.

Amounts are exact ``Decimal`` everywhere else; here, and only here, they become floats in 万元
to be drawn.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .frames import require
from .messages import messages

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..questions.curves import Sweep

__all__ = [
    "CJK_FAMILIES",
    "FontWarning",
    "chart_locale",
    "cjk_font",
    "plot_sweep",
    "range_bars",
    "save",
]

#: Font families with Chinese glyphs, in order of preference (a name matches any family that
#: starts with it: "Noto Sans CJK" finds "Noto Sans CJK SC" and "Noto Sans CJK JP").
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "Noto Serif CJK",
    "Source Han Serif",
    "AR PL UMing",
    "AR PL UKai",
)
_LATIN = "DejaVu Sans"  # matplotlib's bundled font, for everything else
_WAN = Decimal(10_000)


class FontWarning(UserWarning):
    """A chart asked for in Chinese is drawn in English: no installed font has Chinese glyphs."""


def cjk_font() -> str | None:
    """The name of an installed font family with Chinese glyphs that matplotlib can use."""
    font_manager = require("matplotlib.font_manager", "plot()")
    names = sorted({entry.name for entry in font_manager.fontManager.ttflist})
    for wanted in CJK_FAMILIES:
        for name in names:
            if name == wanted or name.startswith(wanted):
                return str(name)
    return None


def chart_locale(locale: str) -> tuple[str, str | None]:
    """The locale a chart can be drawn in, and the CJK font to draw it with: ``zh`` degrades
    to ``en`` (with a :class:`FontWarning`) where no such font is installed."""
    messages(locale)  # an unsupported locale is an InputError
    font = cjk_font()
    if font is None and locale == "zh":
        why = " / ".join(messages(loc).text("chart.no_cjk_font") for loc in ("zh", "en"))
        warnings.warn(why, FontWarning, stacklevel=3)
        return "en", None
    return locale, font


def _families(font: str | None) -> list[str]:
    return [font, _LATIN] if font else [_LATIN]


def _settings(font: str | None) -> dict[str, Any]:
    """The settings a chart is made in: its fonts, and text shown as written (no mathtext,
    no TeX), whatever the global settings say."""
    return {
        "font.family": _families(font),
        "axes.unicode_minus": False,
        "text.parse_math": False,
        "text.usetex": False,
    }


def _finish(ax: Axes, font: str | None) -> None:
    """Fix the font, and text shown as written, on every text the chart holds, so that drawing
    it later, outside any settings context, still finds the Chinese glyphs and never parses a
    ``$`` in a label as mathtext."""
    text_class = require("matplotlib.text", "plot()").Text
    families = _families(font)
    for text in ax.figure.findobj(text_class):
        text.set_fontfamily(families)
        text.set_parse_math(False)
        text.set_usetex(False)


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    pyplot = require("matplotlib.pyplot", "plot()")
    _, created = pyplot.subplots(figsize=(8, 4.5), layout="constrained")
    return created  # type: ignore[no-any-return]


def _wan(value: Decimal | None) -> float:
    return float("nan") if value is None else float(value / _WAN)


def _pick(labels: Sequence[str] | Mapping[str, Sequence[str]], locale: str) -> list[str]:
    if isinstance(labels, Mapping):
        return list(labels.get(locale) or labels["en"])
    return list(labels)


def range_bars(
    labels: Sequence[str] | Mapping[str, Sequence[str]],
    lows: Sequence[Decimal],
    highs: Sequence[Decimal],
    *,
    locale: str = "en",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars from each low to each high (in 万元), first label on top; a point where
    low equals high. ``labels`` is a list, or ``{"zh": [...], "en": [...]}`` so that a chart
    that cannot show Chinese falls back to the English list."""
    matplotlib = require("matplotlib", "plot()")
    chart, font = chart_locale(locale)
    names = _pick(labels, chart)
    if not len(names) == len(lows) == len(highs):
        from ..errors import InputError

        raise InputError("labels, lows and highs must have the same length", field="labels")
    m = messages(chart)
    with matplotlib.rc_context(_settings(font)):
        axes = _axes(ax)
        rows = list(range(len(names)))
        low = [_wan(v) for v in lows]
        high = [_wan(v) for v in highs]
        bars = axes.barh(
            rows, [h - lo for lo, h in zip(low, high, strict=True)], left=low, height=0.6
        )
        color = bars.patches[0].get_facecolor() if bars.patches else None
        exact = [(h, r) for lo, h, r in zip(low, high, rows, strict=True) if lo == h]
        if exact:  # a range of one value is a point
            axes.plot([h for h, _ in exact], [r for _, r in exact], "D", color=color)
        for row, lo_value, hi_value in zip(rows, lows, highs, strict=True):
            axes.annotate(
                _range_label(lo_value, hi_value, chart),
                (_wan(hi_value), row),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize="small",
            )
        axes.set_yticks(rows, labels=names)
        axes.invert_yaxis()
        axes.set_xlabel(m.text("sweep.award"))
        if title:
            axes.set_title(title)
        top = max((v for v in high if v == v), default=0.0)
        axes.set_xlim(0, top * 1.25 or 1)
    _finish(axes, font)
    return axes


def _short(amount: Decimal, locale: str) -> str:
    """A bend's spend on the chart, to two decimals (``833.33万``, ``CN¥8.33M``); the exact
    figure is in the sweep's bends."""
    from ..base.money import format_money, format_wan

    return format_wan(amount, 2) if locale == "zh" else format_money(amount, "en", compact=True)


def _range_label(low: Decimal, high: Decimal, locale: str) -> str:
    """``400万–480万`` in zh, ``CN¥4M–CN¥4.8M`` in en (no Chinese glyph in an English chart)."""
    from ..base.money import format_money

    low_text, high_text = (format_money(v, locale, compact=True) for v in (low, high))
    return low_text if low == high else f"{low_text}–{high_text}"


def plot_sweep(
    sweep: Sweep,
    *,
    program: str | None = None,
    place: str | None = None,
    locale: str = "en",
    ax: Axes | None = None,
) -> Axes:
    """Spend curves: high solid, low dashed, the range shaded, bends marked.

    One place (``place``, or the sweep's only one): a curve per program, or just ``program``.
    Several places and no ``place``: a curve per place, of ``program`` or of the total. A
    program's curve is drawn through the swept amounts and its own bends, so it is exact
    between them; a total through the swept amounts and every program's bends (where stacking
    takes the better of two awards, the total may bend between them too).
    """
    matplotlib = require("matplotlib", "plot()")
    chart, font = chart_locale(locale)
    m = messages(chart)
    series = _series(sweep, program, place, m)
    with matplotlib.rc_context(_settings(font)):
        axes = _axes(ax)
        for label, high, low, marks in series:
            (line,) = axes.plot([x for x, _ in high], [y for _, y in high], label=label)
            color = line.get_color()
            axes.plot([x for x, _ in low], [y for _, y in low], "--", color=color)
            if high and low:
                # Shade the range on the union of both ends' points (each end is linear
                # between its own points).
                numpy = require("numpy", "plot()")
                xs = sorted({x for x, _ in high} | {x for x, _ in low})
                ys_low = numpy.interp(xs, [x for x, _ in low], [y for _, y in low])
                ys_high = numpy.interp(xs, [x for x, _ in high], [y for _, y in high])
                axes.fill_between(xs, ys_low, ys_high, color=color, alpha=0.15)
            for x, y, at in marks:
                axes.plot([x], [y], "o", color=color, ms=4)
                axes.annotate(
                    _short(at, chart),
                    (x, y),
                    xytext=(3, -11),
                    textcoords="offset points",
                    fontsize="x-small",
                    color=color,
                )
        axes.set_xlabel(m.text("sweep.spend"))
        axes.set_ylabel(m.text("sweep.award"))
        if series:
            axes.legend(fontsize="small")
        axes.set_xlim(left=0)
        axes.set_ylim(bottom=0)
    _finish(axes, font)
    return axes


Series = tuple[
    str, list[tuple[float, float]], list[tuple[float, float]], list[tuple[float, float, Decimal]]
]


def _series(sweep: Sweep, program: str | None, place: str | None, m: Any) -> list[Series]:
    if program is not None and program not in sweep.programs:
        sweep.curve(program)  # raises the typed error
    by_place = len(sweep.places) > 1 and place is None
    places = list(sweep.places) if by_place else [sweep.places[0] if place is None else place]
    out: list[Series] = []
    for where in places:
        where = sweep._place(where)
        keys: list[str | None]
        if by_place or program is not None:
            keys = [program]
        else:
            keys = [k for k in sweep.programs if _pays_in(sweep, k, where)]
        for key in keys:
            if by_place:
                label = m.place(where)
            else:
                label = (
                    m.text("sweep.total") if key is None else m.program_label(sweep.programs[key])
                )
            out.append(_curve(sweep, key, where, label))
    return out


def _pays_in(sweep: Sweep, key: str, place: str) -> bool:
    return any(
        p.place == place and (p.awards.get(key, (None, None))[1] or 0) > 0 for p in sweep.points
    )


def _curve(sweep: Sweep, key: str | None, place: str, label: str) -> Series:
    ends: list[list[tuple[Decimal, Decimal]]] = [[], []]
    for point in (*sweep.points, *(sweep.knots if key is None else ())):
        if point.place != place:
            continue
        pair = point.total if key is None else point.awards.get(key, (None, None))
        for end in (0, 1):
            value = pair[end]
            if value is not None:
                ends[end].append((point.amount, value))
    marks: list[tuple[float, float, Decimal]] = []
    if key is not None:
        fen = Decimal("0.01")
        for bend in sweep.bends:
            if bend.program != key or bend.place != place:
                continue
            for name in bend.ends:
                end = 0 if name == "low" else 1
                ends[end] += [(bend.at - fen, bend.before), (bend.at, bend.after)]
            marks.append((_wan(bend.at), _wan(bend.after), bend.at))
    low, high = (sorted(set(e)) for e in ends)
    return (
        label,
        [(_wan(x), _wan(y)) for x, y in high],
        [(_wan(x), _wan(y)) for x, y in low],
        marks,
    )


def save(chart: Axes | Figure, path: str | Path, **kwargs: Any) -> None:
    """Save a chart (``svg.fonttype = 'none'`` for the save only: SVG text stays text)."""
    matplotlib = require("matplotlib", "save()")
    figure = getattr(chart, "figure", None) if not hasattr(chart, "savefig") else chart
    if figure is None:  # pragma: no cover - an Axes always has a figure
        from ..errors import InputError

        raise InputError("not a matplotlib chart", field="chart")
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(path, **kwargs)
