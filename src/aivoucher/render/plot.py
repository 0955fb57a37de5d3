r"""Charts with matplotlib (optional extra ``aivoucher[notebook]``): spend curves and ranges.

Each chart is its own :class:`matplotlib.figure.Figure`, made without ``pyplot``: the axes a
``.plot()`` returns (and their figure) render themselves as PNG in a notebook, so every call
shows its own chart, whatever backend the kernel runs, and no global figure is left open. With
``ax=``, the chart is drawn into the given axes instead, and those are returned as they are.

Chinese labels need a font with Chinese glyphs. :func:`cjk_font` looks for one among the fonts
matplotlib knows (Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei, PingFang …), and, when its
font cache predates the font's installation, among the system's font files; where there is
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

import io
import textwrap
import unicodedata
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


#: Parts of the file names the families above are installed under (lower case, without
#: spaces, hyphens or underscores): NotoSansCJK-Regular.ttc, wqy-zenhei.ttc, msyh.ttc …
CJK_FILES = (
    "notosanscjk",
    "notoserifcjk",
    "notosanssc",
    "sourcehansans",
    "sourcehanserif",
    "wqyzenhei",
    "wqymicrohei",
    "simhei",
    "msyh",
    "pingfang",
    "stheiti",
    "hiraginosansgb",
    "uming",
    "ukai",
)
#: The font managers whose system font directories have been searched already (by ``id``):
#: a machine without a CJK font is searched once per process, not once per chart.
_SEARCHED: set[int] = set()


def cjk_font() -> str | None:
    """The name of an installed font family with Chinese glyphs that matplotlib can use.

    matplotlib lists the fonts it found when it built its font cache; a font installed since
    is not among them. When none of the known families is, the system's font directories are
    searched once for files of those families, which are added to matplotlib's font list
    (``fontManager.addfont``; no setting changes)."""
    font_manager = require("matplotlib.font_manager", "plot()")
    manager = font_manager.fontManager
    found = _known_family(manager)
    if found is None and id(manager) not in _SEARCHED:
        _SEARCHED.add(id(manager))
        for path in font_manager.findSystemFonts():
            stem = Path(path).name.lower()
            for mark in (" ", "-", "_"):
                stem = stem.replace(mark, "")
            if any(part in stem for part in CJK_FILES):
                try:
                    manager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # an unreadable or broken file
                    continue
        found = _known_family(manager)
    return found


def _known_family(manager: Any) -> str | None:
    names = sorted({entry.name for entry in manager.ttflist})
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


def _axes(ax: Axes | None, height: float = 4.5) -> Axes:
    """The given axes, or those of a new figure of its own (no ``pyplot``: nothing global
    holds it, and it shows itself in a notebook)."""
    if ax is not None:
        return ax
    figure_class, axes_class = _chart_classes()
    figure = figure_class(figsize=(8, height), layout="constrained")
    # drawn with Agg whatever backend pyplot would pick: ``figure.canvas.draw()`` renders
    require("matplotlib.backends.backend_agg", "plot()").FigureCanvasAgg(figure)
    return figure.add_subplot(axes_class=axes_class)  # type: ignore[no-any-return]


_CLASSES: list[tuple[type, type]] = []


def _chart_classes() -> tuple[type, type]:
    """A figure and an axes class that render themselves as PNG in IPython and Jupyter
    (``_repr_png_``); made on first use, as matplotlib is optional."""
    if _CLASSES:
        return _CLASSES[0]
    figure_module = require("matplotlib.figure", "plot()")
    axes_module = require("matplotlib.axes", "plot()")

    def png(figure: Any) -> bytes:
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()

    figure_base: Any = figure_module.Figure
    axes_base: Any = axes_module.Axes

    class ChartFigure(figure_base):  # type: ignore[misc]
        """A chart's figure: shows itself in a notebook."""

        def _repr_png_(self) -> bytes:
            return png(self)

    class ChartAxes(axes_base):  # type: ignore[misc]
        """A chart's axes (what ``.plot()`` returns): show their figure in a notebook."""

        def _repr_png_(self) -> bytes:
            return png(self.figure)

    for made in (ChartFigure, ChartAxes):  # found by name, so that a chart pickles
        made.__module__, made.__qualname__ = __name__, made.__name__
    _CLASSES.append((ChartFigure, ChartAxes))
    return _CLASSES[0]


def __getattr__(name: str) -> type:
    """``ChartFigure`` and ``ChartAxes``, made on first use (unpickling a chart asks for them
    by name)."""
    if name in ("ChartFigure", "ChartAxes"):
        return _chart_classes()[name == "ChartAxes"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
        # a row is about a third of an inch: thirty places do not overlap
        axes = _axes(ax, height=max(4.5, 1.5 + 0.3 * len(names)))
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
        axes.set_yticks(rows, labels=[_wrap(name) for name in names])
        axes.invert_yaxis()
        axes.set_xlabel(m.text("sweep.award"))
        if title:
            axes.set_title(title, wrap=True)
        top = max((v for v in high if v == v), default=0.0)
        axes.set_xlim(0, top * 1.25 or 1)
        _finish(axes, font)
        _room(axes)
    return axes


def _wrap(label: str, width: int = 30) -> str:
    """A long label on several lines of at most ``width`` columns (a Chinese character takes
    two), so that the axes keep their room beside it."""

    def columns(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    if columns(label) <= width:
        return label
    if " " in label.strip():
        return textwrap.fill(label, width, break_long_words=False)
    lines, line = [], ""
    for char in label:
        if line and columns(line + char) > width:
            lines.append(line)
            line = ""
        line += char
    return "\n".join([*lines, line])


def _room(axes: Axes, pad: float = 4.0) -> None:
    """Widen the x range until every annotation ends inside the axes (an amount written to the
    right of the longest bar, a bend's spend near the right edge). The texts are measured as
    drawn; the layout moves a little with the range, hence a few rounds."""
    text_module = require("matplotlib.text", "plot()")
    notes = [t for t in axes.texts if isinstance(t, text_module.Annotation) and t.get_text()]
    figure: Any = axes.figure
    for _ in range(3):
        figure.draw_without_rendering()
        box = axes.get_window_extent()
        left, right = axes.get_xlim()
        wanted = right
        for note in notes:
            anchor = float(axes.transData.transform((note.xy[0], 0))[0])
            width = note.get_window_extent().x1 - anchor
            room = box.width - width - pad
            if room <= 0 or note.xy[0] != note.xy[0]:  # no room at any range, or no amount
                continue
            wanted = max(wanted, left + (note.xy[0] - left) * box.width / room)
        if wanted <= right:
            return
        axes.set_xlim(left, wanted)


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
        _room(axes)
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
