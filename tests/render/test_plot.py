"""Charts: Agg backend, CJK font or English fallback, text kept as text in SVG, no plt.show()."""

from __future__ import annotations

import sys
import warnings
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager

import aivoucher
from aivoucher import InputError, MissingDependencyError
from aivoucher.render import plot as charts
from aivoucher.render.plot import FontWarning, chart_locale, cjk_font, range_bars, save

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
