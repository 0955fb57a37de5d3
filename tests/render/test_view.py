"""What a reader sees: the notebook view, the one-line repr, the locale setting, the levels of
detail of the text output, and wrapping for terminals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, estimate_json, profile
from hypothesis import given
from hypothesis import strategies as st

import aivoucher
from aivoucher.cli import main
from aivoucher.errors import InputError
from aivoucher.render.width import pad, width, wrap

PURCHASE = {"item": "compute", "use": "training", "amount": "800万", "signed": "2025-03-01"}
QUICKSTART = ROOT / "examples" / "profiles" / "shenzhen-startup.yaml"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    aivoucher.set_locale("en")
    yield
    aivoucher.set_locale("en")


def quickstart() -> aivoucher.Estimate:
    return aivoucher.estimate(aivoucher.load_profile(QUICKSTART), as_of="2025-06-30")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


# -- notebook view -----------------------------------------------------------------------------


def test_notebook_view_puts_the_decision_first() -> None:
    html = quickstart().to_html()
    assert "<script" not in html and "<style" not in html
    total = html.index("480万")
    counted = html.index("Training-compute voucher")
    conditional = html.index("Basic research and breakthrough funding")
    ineligible = html.index("programs of other places")
    assert total < counted < conditional < ineligible
    # Real column headers, and the trace behind a disclosure.
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", html)
    assert {"Program", "Award", "Rate", "Binding cap"} <= set(headers)
    assert all(headers), headers
    assert "<summary" in html and "Trace (9 steps)" in html
    # Ineligible programs are grouped, not one row each.
    assert html.count("<details") < 10
    assert re.search(r"\d+ programs of other places", html)


def test_notebook_view_names_what_the_total_depends_on() -> None:
    data = profile(PURCHASE)  # start-up status not given: a range
    html = aivoucher.estimate(data, as_of="2025-06-30").to_html()
    assert "Depends on" in html
    assert "applicant.startup" in html  # the missing fact, named
    assert "400万–480万" in html


def test_notebook_view_follows_the_locale() -> None:
    est = quickstart()
    assert "计入合计" not in est._repr_html_()
    aivoucher.set_locale("zh")
    html = est._repr_html_()
    assert "训力券" in html and "计入合计" in html and "Training-compute" not in html
    assert "Training-compute" in est.to_html(locale="en")


def test_award_view_and_repr() -> None:
    est = quickstart()
    award = est.award("shenzhen.training-compute")
    assert "480万" in award._repr_html_()
    assert repr(award) == "<Award shenzhen.training-compute eligible 480万>"
    assert repr(est.award("beijing.compute-voucher")) == (
        "<Award beijing.compute-voucher not eligible>"
    )


def test_repr_is_one_short_line() -> None:
    est = quickstart()
    text = repr(est)
    assert text == f"<Estimate 2025-06-30 total 480万, 1 paying of {len(est.awards)}>"
    aivoucher.set_locale("zh")
    assert repr(est).startswith("<Estimate 2025-06-30 合计 480万")
    ranged = aivoucher.estimate(profile(PURCHASE), as_of="2025-06-30")
    assert "400万–480万" in repr(ranged) and "\n" not in repr(ranged)


def test_set_locale_is_validated() -> None:
    with pytest.raises(InputError, match="locale"):
        aivoucher.set_locale("fr")
    assert aivoucher.get_locale() == "en"


def test_locale_default_applies_to_every_renderer() -> None:
    est = quickstart()
    aivoucher.set_locale("zh")
    assert "估算基准日" in est.to_text()
    assert "训力券" in est.to_json()
    estimate_json(est.to_json(locale="zh"))
    assert "人工智能算力补贴估算报告" in est.to_report_html()
    assert "Estimate as of" in est.to_text(locale="en")


def test_html_escapes_program_and_purchase_text() -> None:
    data = profile({"id": "<i>x</i>", "item": "compute", "amount": "1万", "signed": "2025-03-01"})
    est = aivoucher.estimate(data, as_of="2025-06-30")
    for html in (est.to_html(), est.to_report_html()):
        assert "<i>x</i>" not in html


# -- text output -------------------------------------------------------------------------------


def test_quickstart_fits_on_one_screen(capsys: Any) -> None:
    for locale in ("en", "zh"):
        out = run(capsys, "estimate", str(QUICKSTART), "--as-of", "2025-06-30", "--locale", locale)
        assert len(out.splitlines()) <= 40, out


def test_the_readme_demo_ends_on_the_total(capsys: Any) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (demo,) = [
        line
        for line in readme.splitlines()
        if line.startswith("python3 -m venv") and "estimate" in line
    ]
    args = demo.split("aivoucher estimate ", 1)[1].split()
    assert (ROOT / args[0]).is_file()
    for extra, total in (
        ([], "Total: CN¥4,800,000.00 (480万)"),
        (["--locale", "zh"], "合计：480万（¥4,800,000.00）"),
        (["--verbose"], "Total: CN¥4,800,000.00 (480万)"),
    ):
        out = run(capsys, "estimate", str(ROOT / args[0]), *args[1:], *extra)
        lines = out.splitlines()
        assert lines[-1] == total and out.count(total) == 1, extra  # once, and last
        assert "What narrows" in out or "缩小区间" in out  # before it
    est = aivoucher.estimate(aivoucher.load_profile(QUICKSTART), as_of="2025-06-30")
    assert est.to_text().splitlines()[-1] == "Total: CN¥4,800,000.00 (480万)"


def test_concise_counted_in_full_conditional_brief_ineligible_grouped(capsys: Any) -> None:
    out = run(capsys, "estimate", str(QUICKSTART), "--as-of", "2025-06-30")
    assert "对初创企业提高资助比例至60%" in out  # counted award: steps and their sources
    assert "shenzhen.basic-research): up to CN¥30,000,000.00" in out  # conditional: one line
    assert "depends on the qualification shenzhen-basic-research" in out
    assert "programs of other places: Anhui; Baoding; Beijing" in out
    assert "registered city is Shenzhen; the program requires Beijing" not in out
    assert "--verbose" in out


def test_verbose_prints_every_program(capsys: Any) -> None:
    out = run(capsys, "estimate", str(QUICKSTART), "--as-of", "2025-06-30", "--verbose")
    assert "registered city is Shenzhen; the program requires Beijing" in out
    assert "fixed award CN¥30,000,000.00" in out  # the conditional award's steps
    assert len(out.splitlines()) > 100


def test_awards_is_one_line_per_paying_program_with_its_sources(capsys: Any) -> None:
    out = run(capsys, "estimate", str(QUICKSTART), "--as-of", "2025-06-30", "--detail", "awards")
    lines = out.splitlines()
    assert lines[0].endswith(" · texts checked 2026-12-07")  # how fresh the texts are
    assert lines[1] == "Total: CN¥4,800,000.00 (480万)"
    table = lines[lines.index("") + 1 :]
    programs = [line for line in table if not line.lstrip().startswith("↳")]
    # the 训力券 pays; basic research and Qianhai's award (a Nanshan firm may be in the zone)
    # turn on qualifications the profile does not declare
    assert len(programs) == 3
    assert "shenzhen.training-compute" in programs[0] and "480万" in programs[0]
    assert all("not in the total" in line for line in programs[1:])
    # each with its sources below it, the first the 训力券's measure
    assert table[1] == (
        "      ↳ [measure] 深圳市打造人工智能先锋城市的若干措施 (copy of the official text) "
        "https://www.dutenews.com/n/article/8581793"
    )


def test_summary_is_the_totals_and_what_they_rest_on(capsys: Any) -> None:
    out = run(capsys, "estimate", str(QUICKSTART), "--as-of", "2025-06-30", "--summary")
    assert out == run(
        capsys, "estimate", str(QUICKSTART), "--as-of", "2025-06-30", "--detail", "summary"
    )
    lines = out.splitlines()
    assert lines[1] == "Total: CN¥4,800,000.00 (480万)"
    assert "The weakest source the total rests on: copy of the official text" in lines
    assert "applicant.qualifications.qianhai-firm" in out  # an open fact
    assert "[shenzhen.training-compute] 初创企业 (start-up) is not defined" in out  # a reading
    assert "CN¥30,000,000.00" not in out  # no award's line: the totals only


def test_verbose_and_summary_exclude_each_other(capsys: Any) -> None:
    code = main(["estimate", str(QUICKSTART), "--verbose", "--summary"])
    assert code == 2
    assert "not allowed" in capsys.readouterr().err


def test_place_without_programs_and_profile_without_purchases(capsys: Any, tmp_path: Path) -> None:
    # Foshan: neither the city, any of its districts nor Guangdong has a program
    # (Guangzhou does: its Tianhe district)
    path = tmp_path / "fs.yaml"
    path.write_text("applicant: {kind: enterprise, city: foshan}\n", encoding="utf-8")
    out = run(capsys, "estimate", str(path), "--as-of", "2025-06-30")
    assert "No program covers Foshan or Guangdong" in out
    assert "No purchases" in out
    out = run(capsys, "estimate", str(path), "--as-of", "2025-06-30", "--locale", "zh")
    assert "没有项目覆盖佛山市或广东省" in out and "未列出任何采购" in out
    est = aivoucher.estimate({"applicant": {"kind": "enterprise", "city": "foshan"}})
    assert "No program covers Foshan" in est.to_html()
    guangzhou = aivoucher.estimate({"applicant": {"kind": "enterprise", "city": "guangzhou"}})
    assert "No program covers" not in guangzhou.to_text()


def test_home_notice_absent_where_programs_exist(capsys: Any) -> None:
    out = run(capsys, "estimate", str(QUICKSTART), "--as-of", "2025-06-30")
    assert "No program covers" not in out and "No purchases" not in out
    # An estimate of chosen programs says nothing about the place's coverage.
    args = (
        "estimate",
        str(QUICKSTART),
        "--as-of",
        "2025-06-30",
        "--program",
        "beijing.compute-voucher",
    )
    assert "No program covers" not in run(capsys, *args)


def test_programs_and_show_wrap_and_align(capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    for locale in ("en", "zh"):
        out = run(capsys, "programs", "--locale", locale)
        assert all(width(line) <= 80 for line in out.splitlines()), locale
        heads = [line for line in out.splitlines() if not line.startswith(" ")]
        # the place column starts at the same terminal column on every program line
        starts = {width(re.match(r"\S+ +", line).group(0)) for line in heads}  # type: ignore[union-attr]
        assert len(starts) == 1
        out = run(capsys, "show", "shenzhen.training-compute", "--locale", locale)
        assert all(width(line) <= 80 for line in out.splitlines()), locale


# -- terminal width ----------------------------------------------------------------------------


def test_width_counts_chinese_as_two() -> None:
    assert width("训力券") == 6 and width("abc") == 3 and width("¥1") == 2
    assert width(pad("深圳", 6)) == 6


@given(
    st.lists(
        st.sampled_from(["算", "力", "券", "，", "compute", "voucher", "x", "60%", " "]),
        max_size=60,
    ),
    st.integers(min_value=12, max_value=60),
)
def test_wrap_keeps_the_text_and_the_width(tokens: list[str], columns: int) -> None:
    text = "".join(tokens).strip()
    lines = wrap(text, columns, "  ", "    ")
    # every line fits, except by a word longer than a line or by a punctuation mark that may
    # not begin a line (it hangs, two columns); and nothing is lost
    for line in lines:
        longest = max((width(w) for w in line.split()), default=0)
        assert width(line) <= columns + 2 or longest > columns - 4, line
    joined = "".join(line.strip() for line in lines)
    assert joined.replace(" ", "") == text.replace(" ", "")
