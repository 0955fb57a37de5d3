"""Workbooks (openpyxl, ``aivoucher[notebook]``): an estimate or a comparison with everything
its figures rest on, for a finance team's spreadsheet.

An estimate's workbook has three sheets: the summary (the totals, counted and if renewed, their
confidence, the date of the estimate and of the texts), the awards (the rows of
``--format csv``, :func:`aivoucher.render.csv_rows.estimate_table`) and the steps of each paying
award, worded as the text view words them, with the policy text each quotes. A comparison's
has the summary, the places (the rows of ``compare --format csv``) and each place's counted
awards and steps.

Money is written as numbers (the exact ``Decimal``, to the fen, which a spreadsheet's 15
significant digits hold: amounts stop at 1万亿 yuan) with a number format, never as floats
computed here. Every text is a string cell: a program name or a purchase id that begins with
``=``, ``+``, ``-`` or ``@`` is shown as written and never run as a formula, and a control
character a workbook cannot hold is written as U+FFFD.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base.version import VERSION
from ..evaluate.stacking import counted
from .csv_rows import COMPARISON_COLUMNS, ESTIMATE_COLUMNS, comparison_table, estimate_table
from .messages import Messages, messages

if TYPE_CHECKING:
    from ..questions.comparison import Comparison
    from ..vocabulary.result import Award, Estimate

__all__ = ["comparison_workbook", "estimate_workbook", "write_workbook"]

MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.00%"
DATE_FORMAT = "yyyy-mm-dd"
#: Characters a workbook's XML cannot hold (C0 controls other than tab, line feed and return).
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: Sheet names and headers, ``(zh, en)``.
_WORDS: dict[str, tuple[str, str]] = {
    "sheet.summary": ("摘要", "Summary"),
    "sheet.awards": ("各项资助", "Awards"),
    "sheet.steps": ("计算步骤", "Steps"),
    "sheet.places": ("各地比较", "Places"),
    "item": ("项目", "item"),
    "value": ("值", "value"),
    "as_of": ("估算基准日", "as of"),
    "total_low": ("合计（下限，元）", "total, low (yuan)"),
    "total_high": ("合计（上限，元）", "total, high (yuan)"),
    "if_renewed_low": ("如续期合计（下限，元）", "total if renewed, low (yuan)"),
    "if_renewed_high": ("如续期合计（上限，元）", "total if renewed, high (yuan)"),
    "confidence": ("来源可信度", "confidence"),
    "checked": ("政策文本核对日", "texts checked"),
    "counted_programs": ("计入合计的项目", "programs in the total"),
    "places": ("比较的地区数", "places compared"),
    "best": ("最高的地区", "pays most"),
    "made_with": ("生成工具", "made with"),
    "program": ("项目编号", "program"),
    "version": ("版本", "version"),
    "name": ("名称", "name"),
    "place": ("地区", "place"),
    "eligible": ("是否符合条件", "eligible"),
    "low": ("下限", "low"),
    "high": ("上限", "high"),
    "currency": ("币种", "currency"),
    "counted": ("计入合计", "counted"),
    "renewal": ("依赖续期", "renewal"),
    "sources": ("来源", "sources"),
    "number": ("序号", "no."),
    "step": ("步骤", "step"),
    "quoted": ("引用的政策原文", "quoted policy text"),
    "rank": ("排名", "rank"),
    "effective_rate_low": ("实际补贴比例（下限）", "effective rate, low"),
    "effective_rate_high": ("实际补贴比例（上限）", "effective rate, high"),
    "programs": ("计入的项目", "programs counted"),
}
_MONEY = {"low", "high", "total_low", "total_high", "if_renewed_low", "if_renewed_high"}
_RATES = {"effective_rate_low", "effective_rate_high"}
_WIDTHS = {"name": 40, "sources": 60, "step": 70, "quoted": 80, "programs": 50, "item": 28}


def _word(key: str, locale: str) -> str:
    return _WORDS[key][0 if locale == "zh" else 1]


def _sheet(
    book: Any,
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    locale: str,
) -> None:
    """A sheet with a header row of ``columns`` (in ``locale``) and ``rows``, typed cells."""
    sheet = book.create_sheet(title)
    sheet.append([_word(c, locale) for c in columns])
    for row in rows:
        sheet.append([None] * len(columns))
        line = sheet.max_row
        for index, (column, value) in enumerate(zip(columns, row, strict=True), 1):
            _put(sheet.cell(row=line, column=index), value, column)
    sheet.freeze_panes = "A2"
    letters = _openpyxl().utils.get_column_letter
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[letters(index)].width = _WIDTHS.get(column, 16)


def _put(cell: Any, value: object, column: str) -> None:
    """One typed cell: a number with a format, a date, a boolean, or a string that is never a
    formula."""
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, Decimal):
        cell.value = value
        cell.number_format = RATE_FORMAT if column in _RATES else MONEY_FORMAT
    elif isinstance(value, int):
        cell.value = value
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = _UNWRITABLE.sub("\ufffd", str(value))
        cell.data_type = "s"  # openpyxl reads a leading "=" as a formula: this text is not one


def _summary(book: Any, pairs: Sequence[tuple[str, object]], locale: str) -> None:
    """The summary sheet: one labelled value a line (money cells formatted as money)."""
    sheet = book.active
    sheet.title = _word("sheet.summary", locale)
    sheet.append([_word("item", locale), _word("value", locale)])
    for key, value in pairs:
        sheet.append([_word(key, locale), None])
        _put(sheet.cell(row=sheet.max_row, column=2), value, key)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 40


def _estimate_pairs(estimate: Estimate, m: Messages) -> list[tuple[str, object]]:
    low, high = estimate.if_renewed
    paying = [a.program.key for a in estimate.awards if counted(a)]
    return [
        ("as_of", estimate.as_of),
        ("total_low", estimate.total_low),
        ("total_high", estimate.total_high),
        ("if_renewed_low", low),
        ("if_renewed_high", high),
        ("confidence", _confidence(estimate.confidence, m)),
        ("checked", estimate.checked),
        ("counted_programs", m.sep.join(paying)),
        ("made_with", f"aivoucher {VERSION}"),
    ]


def _confidence(label: str | None, m: Messages) -> str | None:
    return None if label is None else f"{m.confidence(label)} ({label})"


def _worded(rows: list[tuple[object, ...]], at: int, m: Messages) -> list[tuple[object, ...]]:
    """The rows with the confidence label in column ``at`` put in words beside the label."""
    out = []
    for row in rows:
        label = row[at]
        worded = _confidence(label, m) if isinstance(label, str) else None
        out.append((*row[:at], worded, *row[at + 1 :]))
    return out


def _award_rows(estimate: Estimate, m: Messages) -> list[tuple[object, ...]]:
    """The CSV's rows, with the confidence in words."""
    return _worded(estimate_table(estimate, m.locale), ESTIMATE_COLUMNS.index("confidence"), m)


STEP_COLUMNS = ("program", "number", "step", "quoted")


def _step_rows(awards: Iterable[Award], m: Messages) -> list[tuple[object, ...]]:
    """Each award's steps as the text view numbers and words them, with the quoted text
    (``source title: “quote”``, one a line) — for the awards whose steps the text view shows."""
    rows: list[tuple[object, ...]] = []
    for award in awards:
        if not award.eligible:
            continue
        for number, step in enumerate(award.steps, 1):
            quoted = "\n".join(m.citation(award.program, s, q) for s, q in step.cites)
            rows.append((award.program.key, number, m.step(step), quoted or None))
    return rows


def _openpyxl() -> Any:
    """openpyxl, or :class:`~aivoucher.errors.MissingDependencyError` saying so in both
    languages on one line (the command line prints it as it is)."""
    try:
        return importlib.import_module("openpyxl")  # untyped: no stubs are required
    except ImportError:
        from ..errors import MissingDependencyError

        why = " / ".join(
            messages(loc).text("missing_extra", what="to_excel()", package="openpyxl")
            for loc in ("zh", "en")
        )
        raise MissingDependencyError(why, package="openpyxl") from None


def estimate_workbook(estimate: Estimate, locale: str | None = None) -> Any:
    """An openpyxl ``Workbook`` of the estimate: summary, awards, steps."""
    openpyxl = _openpyxl()
    m = messages(locale)
    book = openpyxl.Workbook()
    _summary(book, _estimate_pairs(estimate, m), m.locale)
    _sheet(
        book, _word("sheet.awards", m.locale), ESTIMATE_COLUMNS, _award_rows(estimate, m), m.locale
    )
    _sheet(
        book,
        _word("sheet.steps", m.locale),
        STEP_COLUMNS,
        _step_rows(estimate.awards, m),
        m.locale,
    )
    return book


def comparison_workbook(comparison: Comparison, locale: str = "en") -> Any:
    """An openpyxl ``Workbook`` of the comparison: summary, places, counted awards, steps."""
    openpyxl = _openpyxl()
    m = messages(locale)
    book = openpyxl.Workbook()
    best = comparison.rows[0] if comparison.rows else None
    _summary(
        book,
        [
            ("as_of", comparison.as_of),
            ("places", len(comparison.rows)),
            ("best", None if best is None else best.place.text(m.locale)),
            ("total_low", None if best is None else best.total_low),
            ("total_high", None if best is None else best.total_high),
            ("made_with", f"aivoucher {VERSION}"),
        ],
        m.locale,
    )
    at = COMPARISON_COLUMNS.index("confidence")
    places = _worded(comparison_table(comparison, m.locale), at, m)
    _sheet(book, _word("sheet.places", m.locale), COMPARISON_COLUMNS, places, m.locale)
    awards: list[tuple[object, ...]] = []
    steps: list[tuple[object, ...]] = []
    for row in comparison.rows:
        chosen = [a for a in row.estimate.awards if counted(a)]
        keys = {a.program.key for a in chosen}
        awards += [
            (row.place.id, *r)
            for r in _award_rows(row.estimate, m)
            if f"{r[0]}@{r[1]}" in keys or r[0] in keys
        ]
        steps += [(row.place.id, *r) for r in _step_rows(chosen, m)]
    _sheet(book, _word("sheet.awards", m.locale), ("place", *ESTIMATE_COLUMNS), awards, m.locale)
    _sheet(book, _word("sheet.steps", m.locale), ("place", *STEP_COLUMNS), steps, m.locale)
    return book


def write_workbook(book: Any, path: str | Path) -> Path:
    """Save ``book`` to ``path`` whole or not at all (a failed write leaves the file that was
    there); :class:`~aivoucher.errors.InputError` ``output.unwritable`` where it cannot be."""
    from ..base.output import check_target, write_atomic

    target = check_target(path)
    data = io.BytesIO()
    book.save(data)
    write_atomic(target, data.getvalue(), shown=str(path))
    return Path(path)
