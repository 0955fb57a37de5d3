"""Workbooks (``to_excel``, ``--format xlsx``): read back with openpyxl, they hold the estimate's
own figures exactly, its steps as the text view words them, and no formula."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, profile, rule, write_rule
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher import MissingDependencyError
from aivoucher.cli import main
from aivoucher.errors import CODES, InputError
from aivoucher.evaluate.stacking import counted
from aivoucher.render.csv_rows import COMPARISON_COLUMNS, ESTIMATE_COLUMNS, estimate_table
from aivoucher.render.messages import messages

openpyxl = pytest.importorskip("openpyxl")

QUICKSTART = ROOT / "examples" / "profiles" / "shenzhen-startup.yaml"
PLAN = {
    "applicant": {"kind": "enterprise", "startup": True},
    "purchases": [
        {"item": "compute", "use": "training", "amount": "800万", "signed": "2027-03-01"}
    ],
}


@pytest.fixture(scope="module")
def estimate() -> aivoucher.Estimate:
    return aivoucher.estimate(aivoucher.load_profile(QUICKSTART), as_of="2025-06-30")


def _sheets(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def _money(value: object) -> Decimal:
    """A money cell read back: openpyxl gives an int or a float; its shortest text is the
    amount written (to the fen, at most 15 significant digits)."""
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return Decimal(str(value))


def _same(cell: object, value: object) -> bool:
    if isinstance(value, Decimal):
        return _money(cell) == value
    if isinstance(value, dt.date):
        return isinstance(cell, dt.datetime) and cell.date() == value
    return cell == value


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_an_estimate_workbook_holds_its_own_figures(
    estimate: aivoucher.Estimate, tmp_path: Path, locale: str
) -> None:
    path = estimate.to_excel(tmp_path / "estimate.xlsx", locale=locale)
    sheets = _sheets(path)
    summary_name, awards_name, steps_name = sheets  # in this order
    assert (summary_name, awards_name, steps_name) == (
        ("摘要", "各项资助", "计算步骤") if locale == "zh" else ("Summary", "Awards", "Steps")
    )
    summary = {row[0]: row[1] for row in sheets[summary_name][1:]}
    words = ("合计（下限，元）", "合计（上限，元）", "如续期合计（上限，元）", "估算基准日")
    if locale == "en":
        words = (
            "total, low (yuan)",
            "total, high (yuan)",
            "total if renewed, high (yuan)",
            "as of",
        )
    assert _money(summary[words[0]]) == estimate.total_low
    assert _money(summary[words[1]]) == estimate.total_high
    assert _money(summary[words[2]]) == estimate.if_renewed[1]
    assert summary[words[3]].date() == estimate.as_of

    header, *rows = sheets[awards_name]
    assert len(header) == len(ESTIMATE_COLUMNS) and len(set(header)) == len(header)
    table = estimate_table(estimate, locale)
    assert len(rows) == len(table) == len(estimate.awards)
    confidence = ESTIMATE_COLUMNS.index("confidence")
    for cells, row in zip(rows, table, strict=True):
        for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
            if index == confidence and value is not None:  # the label, in words beside it
                assert isinstance(cell, str) and cell.endswith(f"({value})")
            else:
                assert _same(cell, value), (ESTIMATE_COLUMNS[index], cell, value)

    m = messages(locale)
    header, *steps = sheets[steps_name]
    expected = [
        (a.program.key, n, m.step(s), "\n".join(m.citation(a.program, i, q) for i, q in s.cites))
        for a in estimate.awards
        if a.eligible
        for n, s in enumerate(a.steps, 1)
    ]
    assert [(p, n, s, q or "") for p, n, s, q in steps] == expected
    paying = estimate.award("shenzhen.training-compute")
    assert any(paying.program.key == row[0] and "60%" in (row[3] or "") for row in steps)


def test_money_cells_are_numbers_with_a_money_format(
    estimate: aivoucher.Estimate, tmp_path: Path
) -> None:
    path = estimate.to_excel(tmp_path / "e.xlsx")
    book = openpyxl.load_workbook(path)
    awards = book["Awards"]
    high = ESTIMATE_COLUMNS.index("high") + 1
    cells = [awards.cell(row=r, column=high) for r in range(2, awards.max_row + 1)]
    assert all(c.data_type == "n" and c.number_format == "#,##0.00" for c in cells)
    assert sum((_money(c.value) for c in cells), Decimal(0)) >= estimate.total_high


def test_no_cell_is_a_formula(tmp_path: Path) -> None:
    data = rule()
    data["name"] = {"zh": '=HYPERLINK("http://x","点我")', "en": "+1+cmd|' /C calc'!A0"}
    write_rule(tmp_path / "rules", data)
    rules = aivoucher.load_rules(tmp_path / "rules")
    hostile = profile({"id": "@SUM(1+1)", "item": "compute", "amount": "100万",
                       "signed": "2025-03-01"})  # fmt: skip
    est = aivoucher.estimate(hostile, as_of="2025-06-30", rules=rules)
    for locale in ("zh", "en"):
        path = est.to_excel(tmp_path / f"hostile-{locale}.xlsx", locale=locale)
        book = openpyxl.load_workbook(path)
        texts = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value]
        assert all(c.data_type != "f" for c in texts)
        names = [c.value for c in texts if isinstance(c.value, str) and c.value[:1] in "=+-@"]
        assert data["name"][locale] in names  # the program's name, as written
        steps = book.worksheets[2]
        assert any("@SUM(1+1)" in str(c.value) for row in steps.iter_rows() for c in row)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(min_size=1, max_size=40),
    amount=st.decimals(min_value=0, max_value=Decimal(10) ** 12, places=2),
)
def test_any_text_stays_text_and_any_amount_reads_back_exactly(text: str, amount: Decimal) -> None:
    import io

    from aivoucher.render.excel import _put

    book = openpyxl.Workbook()
    sheet = book.active
    _put(sheet.cell(row=1, column=1), text, "name")
    _put(sheet.cell(row=1, column=2), amount, "high")
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    cell, money = openpyxl.load_workbook(data).active[1]
    assert cell.data_type == "s"
    # characters a workbook cannot hold become U+FFFD; every other one is kept
    kept = "".join("\ufffd" if ord(c) < 32 and c not in "\t\n\r" else c for c in text)
    assert cell.value == kept.replace("\r\n", "\n").replace("\r", "\n") or cell.value == kept
    assert _money(money.value) == amount


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_comparison_workbook(tmp_path: Path, locale: str) -> None:
    comparison = aivoucher.compare(
        PLAN, places=["shenzhen", "chengdu"], as_of="2026-12-07", assume_renewal=True
    )
    sheets = _sheets(comparison.to_excel(tmp_path / "places.xlsx", locale=locale))
    summary, places, awards, steps = sheets.values()
    header, *rows = places
    assert len(header) == len(COMPARISON_COLUMNS)
    at = {name: i for i, name in enumerate(COMPARISON_COLUMNS)}
    assert [r[at["place"]] for r in rows] == [r.place.id for r in comparison.rows]
    for cells, row in zip(rows, comparison.rows, strict=True):
        assert _money(cells[at["total_low"]]) == row.total_low
        assert _money(cells[at["total_high"]]) == row.total_high
        assert _money(cells[at["if_renewed_high"]]) == row.if_renewed_high
        assert cells[at["name"]] == row.place.text(locale)
    chosen = [(r.place.id, a.program.id) for r in comparison.rows for a in r.estimate.awards
              if counted(a)]  # fmt: skip
    assert [(row[0], row[1]) for row in awards[1:]] == chosen
    assert {row[0] for row in steps[1:]} == {place for place, _ in chosen}
    best = comparison.rows[0]
    assert summary[3][1] == best.place.text(locale) and _money(summary[5][1]) == best.total_high


# -- the command line ----------------------------------------------------------------------------


def test_format_xlsx_writes_the_workbook(tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "out.xlsx"
    args = ["estimate", str(QUICKSTART), "--as-of", "2025-06-30"]
    assert main([*args, "--format", "xlsx", "-o", str(target), "--locale", "zh"]) == 0
    assert capsys.readouterr().out == ""
    summary = _sheets(target)["摘要"]
    assert _money(summary[2][1]) == Decimal(4_800_000)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN), encoding="utf-8")
    cmp_args = ["compare", str(plan), "--places", "shenzhen,chengdu", "--as-of", "2026-12-07"]
    assert main([*cmp_args, "--format", "xlsx", "--output", str(target)]) == 0
    assert list(_sheets(target)) == ["Summary", "Places", "Awards", "Steps"]


def _one_line(capsys: Any, argv: list[str]) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    return err


def test_a_workbook_needs_a_file_and_only_a_workbook_takes_one(tmp_path: Path, capsys: Any) -> None:
    base = ["estimate", str(QUICKSTART)]
    for argv in (
        [*base, "--format", "xlsx"],
        [*base, "-o", str(tmp_path / "x.xlsx")],
        ["compare", str(QUICKSTART), "--format", "xlsx"],
    ):
        err = _one_line(capsys, argv)
        assert "-o" in err and "FILE" in err and "文件名" not in err  # the locale's language
        err = _one_line(capsys, [*argv, "--locale", "zh"])
        assert "-o" in err and "文件名" in err and "FILE" not in err
    assert not (tmp_path / "x.xlsx").exists()
    assert "output.option" in CODES
    assert "`output.option`" in (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    err = _one_line(capsys, [*base, "--format", "xlsx", "-o", str(QUICKSTART)])
    assert "input" in err  # never written over the profile it reads
    err = _one_line(capsys, [*base, "--format", "json", "-o", str(tmp_path / "x.json")])
    assert json.loads(err)["error"]["code"] == "output.option"


def test_without_openpyxl(
    monkeypatch: pytest.MonkeyPatch, estimate: aivoucher.Estimate, tmp_path: Path, capsys: Any
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingDependencyError) as info:
        estimate.to_excel(tmp_path / "e.xlsx")
    assert info.value.code == "dependency.missing" and info.value.package == "openpyxl"
    assert isinstance(info.value, ImportError) and not isinstance(info.value, InputError)
    target = str(tmp_path / "e.xlsx")
    argv = ["estimate", str(QUICKSTART), "--format", "xlsx", "-o", target]
    err = _one_line(capsys, argv)
    assert "openpyxl" in err and "needs" in err and "需要" not in err  # the locale's half
    err = _one_line(capsys, [*argv, "--locale", "zh"])
    assert "openpyxl" in err and "需要" in err and "needs" not in err
    assert not (tmp_path / "e.xlsx").exists()
