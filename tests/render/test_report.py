"""The HTML report: self-contained, dated, complete (every quoted wording as a numbered note),
in the chosen language; and the ``aivoucher report`` command."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, profile

import aivoucher
from aivoucher.cli import main
from aivoucher.render.report import report_html

QUICKSTART = ROOT / "examples" / "profiles" / "shenzhen-startup.yaml"
TODAY = dt.date(2026, 1, 15)


def quickstart() -> aivoucher.Estimate:
    return aivoucher.estimate(aivoucher.load_profile(QUICKSTART), as_of="2025-06-30")


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_report_is_self_contained(locale: str) -> None:
    html = report_html(quickstart(), locale, today=TODAY)
    assert html.startswith("<!doctype html>")
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "url(", "javascript:"):
        assert forbidden not in html.lower(), forbidden
    assert not re.search(r"\b(src|href|action)\s*=", html)  # nothing is fetched or linked
    assert "@page" in html and "size: A4" in html


def test_report_summary_sections_and_notes() -> None:
    est = quickstart()
    html = report_html(est, "en", today=TODAY)
    summary = html.index("Expected award")
    assert summary < html.index("480万") < html.index("Programs in detail")
    assert "What narrows or changes this range" in html
    assert "In force until" in html and "2026-12-17" in html  # the counted program's expiry
    assert "up to 3000万 more (not in the total)" in html
    award = est.award("shenzhen.training-compute")
    cites = {(sid, q) for s in award.steps for sid, q in s.cites}
    notes = re.findall(r"<sup>\[(\d+)\]</sup>", html)
    assert {int(n) for n in notes} == set(range(1, len(cites) + 1))
    for sid, quote in cites:
        source = award.program.source(sid)
        assert quote in html and source.title in html
        assert source.url is not None and source.url in html
    assert "confidence: copy of the official text" in html
    assert "Disclaimer (2026-01-15): amounts are maxima under the published texts" in html
    assert re.search(r"\d+ programs of other places", html)


def test_report_in_chinese() -> None:
    html = report_html(quickstart(), "zh", today=TODAY)
    assert '<html lang="zh-CN">' in html
    assert "预计可获补贴" in html and "训力券" in html and "免责声明（2026-01-15）" in html
    assert "Training-compute voucher" not in html


def test_report_names_the_missing_fact_that_narrows_the_range() -> None:
    data = profile(
        {"item": "compute", "use": "training", "amount": "800万", "signed": "2025-03-01"}
    )
    html = report_html(aivoucher.estimate(data, as_of="2025-06-30"), "en", today=TODAY)
    assert "400万–480万" in html
    assert "Stating these facts settles the amount: applicant.startup (start-up)" in html


def test_report_without_programs_or_purchases() -> None:
    est = aivoucher.estimate({"applicant": {"kind": "enterprise", "city": "foshan"}})
    html = report_html(est, "en", today=TODAY)
    assert "No program covers Foshan or Guangdong" in html and "No purchases" in html
    assert "Programs in detail" not in html and "No program counts towards the total" in html


def test_report_command(capsys: Any, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = ["report", str(QUICKSTART), "-o", str(out), "--as-of", "2025-06-30"]
    assert main([*args, "--locale", "zh", "--assume-renewal"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "人工智能算力补贴估算报告" in html and "480万" in html
    assert capsys.readouterr().out == ""
    assert main([*args[:3], str(tmp_path / "missing" / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert main(["report", str(QUICKSTART)]) == 2  # -o is required
    assert "-o" in capsys.readouterr().err


def test_estimate_to_report_html() -> None:
    html = quickstart().to_report_html(locale="en")
    assert "AI compute-subsidy estimate" in html
    assert f"produced {dt.date.today().isoformat()}" in html


def test_report_chart_is_drawn_from_the_sweep() -> None:
    est = quickstart()
    html = report_html(est, "en", today=TODAY)
    chart = html[
        html.index('<section class="chart">') : html.index("</section>", html.index("<svg"))
    ]
    assert "<svg" in chart and chart.count("<polyline") == 1  # one counted program
    assert "now 800万" in chart and "Training-compute voucher" in chart
    assert "<circle" in chart  # the cap's bend, marked
    assert "stops growing at" in chart  # and said in words
    assert html.index("What narrows") < html.index("<svg") < html.index("Programs in detail")


def test_report_has_no_chart_without_a_counted_award() -> None:
    est = aivoucher.estimate({"applicant": {"kind": "enterprise", "city": "guangzhou"}})
    assert "<svg" not in report_html(est, "en", today=TODAY)


def test_report_of_your_own_rules_charts_them(rules_dir: Path) -> None:
    rules = aivoucher.load_rules(rules_dir)
    est = aivoucher.estimate(profile(amount="100万"), as_of="2025-06-30", rules=rules)
    html = est.to_report_html(locale="en", rules=rules)
    assert "Test voucher" in html and "50万" in html
    chart = html[html.index('<section class="chart">') :]
    assert "<polyline" in chart and "stops growing at" in chart  # the 100万 cap at 200万 spend


def test_the_renderer_draws_the_curve_it_is_given_and_computes_none() -> None:
    # the chart's sweep is made on the questions floor and handed over: without it, no chart
    from aivoucher.questions.report import report_curve
    from aivoucher.render.parts import parts
    from aivoucher.render.report import render_report

    est = quickstart()
    curve = report_curve(est, parts(est).counted)
    assert curve is not None and curve.spend > 0 and curve.top == curve.spend * 3
    bare = render_report(est, "en", today=TODAY)
    assert '<section class="chart">' not in bare
    drawn = render_report(est, "en", today=TODAY, curve=curve)
    assert drawn == report_html(est, "en", today=TODAY)
    assert '<section class="chart">' in drawn
