"""Inline SVG charts: axes from zero on a 1-2-5 step, escaped labels, nothing fetched."""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from aivoucher.render.svg import Series, line_chart, nice_ticks


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10) ** 12, places=2))
def test_ticks_cover_the_range_on_a_nice_step(top: Decimal) -> None:
    ticks = nice_ticks(top)
    assert ticks[0] == 0 and ticks[-1] >= top
    assert 2 <= len(ticks) <= 7
    step = ticks[1]
    assert all(b - a == step for a, b in pairwise(ticks))
    mantissa = step.scaleb(-step.adjusted()).normalize()
    assert mantissa in (Decimal(1), Decimal(2), Decimal(5))


def test_chart_draws_series_marker_and_dots() -> None:
    svg = line_chart(
        [
            Series("<a>", [(Decimal(0), Decimal(0)), (Decimal(10), Decimal(6))]),
            Series("total", [(Decimal(0), Decimal(0)), (Decimal(10), Decimal(8))], strong=True),
        ],
        label=str,
        x_title="spend",
        y_title="award",
        marker=(Decimal(5), "now"),
        dots=[(Decimal(10), Decimal(6))],
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 2 and "<circle" in svg and ">now<" in svg
    assert "<a>" not in svg and "&lt;a&gt;" in svg
    assert "href" not in svg and "<script" not in svg


def test_a_low_end_takes_its_programs_colour() -> None:
    line = [(Decimal(0), Decimal(0)), (Decimal(1), Decimal(1))]
    svg = line_chart(
        [Series("a", line), Series("a low", line, dashed=True), Series("b", line)],
        label=str,
        x_title="x",
        y_title="y",
    )
    colours = re.findall(r'<polyline [^>]*stroke="(#[0-9a-f]{6})"', svg)
    assert colours[0] == colours[1] != colours[2]
