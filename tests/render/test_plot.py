"""Charts: Agg backend, CJK font or English fallback, text kept as text in SVG, no plt.show()."""

from __future__ import annotations

import copy
import sys
import warnings
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager

import aivoucher
from aivoucher import InputError, MissingDependencyError
from aivoucher.render import plot as charts
from aivoucher.render.plot import FontWarning, chart_locale, cjk_font, range_bars, save

if TYPE_CHECKING:
    from matplotlib.axes import Axes

PROFILE = {
    "applicant": {"kind": "enterprise", "city": "chengdu"},
    "purchases": [
        {"item": "compute", "use": "training", "amount": "100万", "signed": "2025-09-15",
         "chip_origin": "domestic"}
    ],
}  # fmt: skip


@pytest.fixture(autouse=True)
def _no_show_and_close(monkeypatch: pytest.MonkeyPatch) -> object:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("plt.show() must never be called")

    monkeypatch.setattr(plt, "show", refuse)
    yield
    plt.close("all")


@pytest.fixture
def sweep() -> aivoucher.Sweep:
    return aivoucher.sweep(
        PROFILE, ["0", "500万", "1000万", "1500万"], places=["成都", "深圳"], as_of="2025-12-31"
    )


def _fonts(monkeypatch: pytest.MonkeyPatch, *names: str, files: tuple[str, ...] = ()) -> None:
    """matplotlib knows the fonts ``names``; the system's font directories hold ``files``."""
    entries = [SimpleNamespace(name=n) for n in names]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", entries)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: list(files))
    monkeypatch.setattr(charts, "_SEARCHED", set())


def test_cjk_font_is_found_by_family_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    _fonts(monkeypatch, "DejaVu Sans", "Noto Sans CJK JP", "WenQuanYi Zen Hei")
    assert cjk_font() == "Noto Sans CJK JP"
    _fonts(monkeypatch, "DejaVu Sans", "WenQuanYi Zen Hei")
    assert chart_locale("zh") == ("zh", "WenQuanYi Zen Hei")


def test_without_a_cjk_font_zh_degrades_to_english(
    monkeypatch: pytest.MonkeyPatch, sweep: aivoucher.Sweep
) -> None:
    with monkeypatch.context() as patch:  # drawing needs the real font list afterwards
        _fonts(patch, "DejaVu Sans", "Liberation Serif")
        assert cjk_font() is None
        with pytest.warns(FontWarning, match="Noto Sans CJK"):
            assert chart_locale("zh") == ("en", None)
        assert chart_locale("en") == ("en", None)  # no warning: nothing Chinese to draw
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    with pytest.warns(FontWarning):
        ax = sweep.plot(locale="zh")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["Chengdu", "Shenzhen"]
    assert ax.get_xlabel() == "spend (10,000 yuan)"


def test_zh_chart_uses_the_cjk_font(
    monkeypatch: pytest.MonkeyPatch, sweep: aivoucher.Sweep
) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: "Noto Sans CJK SC")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the font may not be installed here
        ax = sweep.plot(locale="zh")
    texts = [ax.get_xlabel(), *(t.get_text() for t in ax.get_legend().get_texts())]
    assert texts == ["采购额（万元）", "成都市", "深圳市"]
    assert ax.xaxis.label.get_fontfamily()[0] == "Noto Sans CJK SC"


def test_svg_keeps_labels_as_text(
    monkeypatch: pytest.MonkeyPatch, sweep: aivoucher.Sweep, tmp_path: Path
) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: "DejaVu Sans")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ax = sweep.plot(locale="zh", place="chengdu")
        save(ax, tmp_path / "curve.svg")
    svg = (tmp_path / "curve.svg").read_text(encoding="utf-8")
    assert "<text" in svg and ">成都市算力券</text>" in svg
    assert ">采购额（万元）</text>" in svg
    assert matplotlib.rcParams["svg.fonttype"] == "path"  # not changed globally


def test_sweep_plot_draws_curves_through_the_bends(sweep: aivoucher.Sweep) -> None:
    ax = sweep.plot(place="chengdu", program="chengdu.compute-voucher")
    high = ax.get_lines()[0]
    xs, ys = list(high.get_xdata()), list(high.get_ydata())
    # 833.333334万 of spend gives 500万: the bend is a vertex of the drawn curve
    assert 833.333334 in xs and ys[xs.index(833.333334)] == 500.0
    _fig, own = plt.subplots()
    assert sweep.plot(ax=own) is own


def test_range_bars(tmp_path: Path) -> None:
    ax = range_bars(
        {"zh": ["成都", "深圳"], "en": ["Chengdu", "Shenzhen"]},
        [Decimal(400_0000), Decimal(480_0000)],
        [Decimal(480_0000), Decimal(480_0000)],
        locale="en",
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Chengdu", "Shenzhen"]
    assert len(ax.patches) == 2 and ax.patches[0].get_width() == 80.0
    save(ax, tmp_path / "bars.png")
    assert (tmp_path / "bars.png").stat().st_size > 0
    with pytest.raises(InputError):
        range_bars(["a"], [Decimal(1)], [])


def test_real_render(sweep: aivoucher.Sweep, tmp_path: Path) -> None:
    font = cjk_font()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = sweep.plot(locale="zh")
        save(ax, tmp_path / "zh.png")
    glyphs = [w for w in caught if "missing from font" in str(w.message)]
    if font is None:
        assert any(w.category is FontWarning for w in caught)
    assert glyphs == []  # never empty boxes


def test_missing_matplotlib_is_a_typed_error(
    monkeypatch: pytest.MonkeyPatch, sweep: aivoucher.Sweep
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.font_manager", None)
    with pytest.raises(MissingDependencyError) as info:
        sweep.plot()
    assert info.value.package == "matplotlib"


# -- a chart of its own, shown in a notebook ----------------------------------------------------


def test_each_chart_is_a_figure_of_its_own_that_shows_itself(sweep: aivoucher.Sweep) -> None:
    open_before = plt.get_fignums()
    comparison = aivoucher.compare(PROFILE, places=["成都", "深圳"], as_of="2025-12-31")
    charts_made = [sweep.plot(), sweep.plot(locale="en", place="chengdu"), comparison.plot()]
    assert plt.get_fignums() == open_before  # nothing left in pyplot's global state
    assert len({id(ax.figure) for ax in charts_made}) == 3
    for ax in charts_made:
        for shown in (ax, ax.figure):
            png = shown._repr_png_()
            assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000


# -- a CJK font installed after matplotlib's font cache was built -------------------------------


def test_a_cjk_font_missing_from_the_cache_is_found_among_the_system_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = ("/fonts/DejaVuSans.ttf", "/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/fonts/truetype/wqy/wqy-zenhei.ttc")  # fmt: skip
    _fonts(monkeypatch, "DejaVu Sans", files=files)
    added: list[str] = []

    def addfont(path: str) -> None:
        added.append(path)
        name = "Noto Sans CJK JP" if "Noto" in path else "WenQuanYi Zen Hei"
        font_manager.fontManager.ttflist.append(SimpleNamespace(name=name))

    monkeypatch.setattr(font_manager.fontManager, "addfont", addfont)
    assert cjk_font() == "Noto Sans CJK JP"
    assert added == list(files[1:])  # only files of the known families are read
    assert cjk_font() == "Noto Sans CJK JP" and len(added) == 2  # not searched again


def test_a_system_without_a_cjk_font_is_searched_once(monkeypatch: pytest.MonkeyPatch) -> None:
    _fonts(monkeypatch, "DejaVu Sans", files=("/fonts/DejaVuSans.ttf", "/fonts/broken-simhei.ttf"))
    calls: list[str] = []

    def addfont(path: str) -> None:
        calls.append(path)
        raise RuntimeError("cannot read the file")  # an unreadable font file is passed over

    monkeypatch.setattr(font_manager.fontManager, "addfont", addfont)
    assert cjk_font() is None and cjk_font() is None
    assert calls == ["/fonts/broken-simhei.ttf"]


def test_the_real_font_files_are_found_when_the_cache_lacks_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = font_manager.fontManager
    if not any("cjk" in path.lower() for path in font_manager.findSystemFonts()):
        pytest.skip("no CJK font file on this machine (apt-get install fonts-noto-cjk)")
    stale = copy.copy(real)  # a cache built before the CJK fonts were installed
    # a test above patched `addfont` on the instance: pytest puts back the method bound to the
    # real manager, which a copy would share; the copy adds fonts to itself
    stale.__dict__.pop("addfont", None)
    stale.ttflist = [
        e for e in real.ttflist if not charts._known_family(SimpleNamespace(ttflist=[e]))
    ]
    monkeypatch.setattr(font_manager, "fontManager", stale)
    monkeypatch.setattr(charts, "_SEARCHED", set())
    assert charts._known_family(stale) is None
    settings = dict(matplotlib.rcParams)
    found = cjk_font()
    assert found is not None and any(found.startswith(f) for f in charts.CJK_FAMILIES)
    assert dict(matplotlib.rcParams) == settings  # no setting changed


# -- every label inside the figure ---------------------------------------------------------------


def _outside(ax: Axes) -> list[tuple[str, tuple[float, ...]]]:
    """The texts (and axes with their tick labels) that end outside the figure, as drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    figure = ax.figure
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    # tick labels exist for ticks outside the range too: an axes' tight box holds those drawn
    ticks = {id(t) for a in figure.axes for t in (*a.get_xticklabels(), *a.get_yticklabels())}
    boxes = [
        (t.get_text(), t.get_window_extent(renderer))
        for t in figure.findobj(Text)
        if t.get_visible() and t.get_text() and id(t) not in ticks
    ]
    boxes += [(f"axes {i}", a.get_tightbbox(renderer)) for i, a in enumerate(figure.axes)]
    page = figure.bbox
    return [
        (name, tuple(box.extents))
        for name, box in boxes
        if box.x0 < page.x0 or box.y0 < page.y0 or box.x1 > page.x1 or box.y1 > page.y1
    ]


LONG = {
    "zh": ["广州市天河区人工智能与数字经济试验区管理委员会算力券专项", "内蒙古自治区", "深圳"],
    "en": ["Guangzhou Tianhe District Artificial Intelligence and Digital Economy Pilot Zone",
           "Inner Mongolia", "Shenzhen"],
}  # fmt: skip


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_every_label_lies_inside_the_figure(locale: str, sweep: aivoucher.Sweep) -> None:
    if locale == "zh" and cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    plan = {
        "applicant": {"kind": "enterprise", "startup": True, "sme": True},
        "purchases": [{"item": "compute", "use": "training", "amount": "800万",
                       "signed": "2026-03-01", "chip_origin": "domestic"}],
    }  # fmt: skip
    every_place = aivoucher.compare(plan, as_of="2026-11-24", assume_renewal=True)
    assert len(every_place.rows) > 20
    long_names = range_bars(
        LONG,
        [Decimal(4_000_000), Decimal(1), Decimal(123_456_789)],
        [Decimal(4_800_000), Decimal(1), Decimal(987_654_321)],  # the longest amount, last
        locale=locale,
        title="A title longer than the figure is wide, " * 3,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for ax in (every_place.plot(locale=locale), long_names, sweep.plot(locale=locale),
                   sweep.plot(locale=locale, place="chengdu")):  # fmt: skip
            assert _outside(ax) == []
    # no missing glyph, and no layout that gave up (matplotlib says "... not applied")
    said = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert not [w for w in said if "missing from" in w or "not applied" in w], said
    names = [t.get_text() for t in long_names.get_yticklabels()]
    assert [n.replace("\n", " " if locale == "en" else "") for n in names] == LONG[locale]
    assert "\n" in names[0]  # wrapped, not cut


def test_labels_are_wrapped_only_when_long() -> None:
    assert charts._wrap("Inner Mongolia") == "Inner Mongolia"
    assert charts._wrap("内蒙古自治区呼和浩特市") == "内蒙古自治区呼和浩特市"
    wrapped = charts._wrap("一二三四五六七八九十" * 4, width=30)
    assert [len(line) for line in wrapped.split("\n")] == [15, 15, 10]


def test_a_chart_pickles(sweep: aivoucher.Sweep) -> None:
    import pickle

    ax = sweep.plot(place="chengdu")
    back = pickle.loads(pickle.dumps(ax.figure))
    assert type(back) is type(ax.figure) and type(back.axes[0]) is type(ax)
    assert back.axes[0]._repr_png_().startswith(b"\x89PNG")
