"""Every program for every applicant of one table: :func:`aivoucher.batch.screen`.

The table is read and grouped once (``_run._Rows``); each program then costs its kernel's
passes over the rows already read, so a screen of N programs costs far less than N calls of
:func:`aivoucher.batch.evaluate`.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ...base.money import CURRENCY
from ...errors import InputError
from ...evaluate.table import Table, read_table
from ...evaluate.vector import Kernel, _source, _Unsupported, kernel
from ...plan.conditions import APPLICANT, PURCHASE, SWITCHES, Test
from ...ruleset.versions import Coverage
from ._columns import (
    APPLICANT_COLUMNS,
    PURCHASE_COLUMNS,
    PURCHASE_QUALIFICATION_PREFIX,
    QUALIFICATION_PREFIX,
    check_columns,
    contract_names,
    pandas_module,
)
from ._run import _fits, _read, _Rows, _scalar, _vectorised, covered

if TYPE_CHECKING:
    from ...ruleset.registry import RuleSet

__all__ = ["REASONS", "Screening", "Skipped", "screen_table"]

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: Why a row pays nothing, as the batch path tells (the estimate's reason codes, and
#: ``zero_amount`` where the estimate gives no reason: an applicant that qualifies for
#: nothing), with the words in English and Chinese.
REASONS: dict[str, tuple[str, str]] = {
    "not_in_force": (
        "no version of the program is in force or known on the date",
        "该日期没有生效或已公布的项目版本",
    ),
    "before_effective": (
        "every purchase was signed before the program took effect",
        "所有采购都签于项目生效之前",
    ),
    "after_end": (
        "every purchase was signed after the program's last known version ends (paid only if "
        "it is renewed: assume_renewal)",
        "所有采购都签于项目最后一个已知版本结束之后（仅在项目延续时支付：assume_renewal）",
    ),
    "below_minimum": (
        "the amount that qualifies is below the program's minimum",
        "符合条件的金额低于项目的最低额",
    ),
    "below_threshold": (
        "the year's qualifying spending is below the program's threshold",
        "当年符合条件的支出未达到项目门槛",
    ),
    "other_version": (
        "no purchase was signed in a window a version of the program judges",
        "没有采购签于项目任一版本适用的期间内",
    ),
    "no_qualifying_purchase": (
        "the applicant qualifies, but none of its purchases judged by the program does (a "
        "condition on the purchase fails, or no rate tier fits it)",
        "申请主体符合条件，但其适用期间内的采购都不符合条件（采购条件不满足或没有适用的比例档）",
    ),
    "condition_failed": (
        "the applicant fails one of the program's conditions",
        "申请主体不满足项目条件",
    ),
    "zero_amount": (
        "the applicant qualifies, but the amounts that qualify come to nothing",
        "申请主体符合条件，但符合条件的金额为零",
    ),
}
_REASON_CODES = list(REASONS)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A program version that :func:`~aivoucher.batch.screen` did not evaluate, and why:
    ``code`` is ``rate_unpublished`` (no amount to compute), ``other_currency`` (it pays in
    another currency than a table's yuan, and a table gives no rate), ``no_column`` (a
    condition reads ``fact``, which a batch table has no column for) or ``scalar_only`` (the
    kernel cannot express it and ``scalar=False``); ``en`` and ``zh`` say it in words."""

    program: str
    code: str
    en: str
    zh: str
    fact: str | None = None

    def __str__(self) -> str:
        return f"{self.program}: {self.zh} / {self.en}"


@dataclass(frozen=True, slots=True, eq=False)
class Screening:
    """What :func:`~aivoucher.batch.screen` found: ``frame``, one row per (applicant,
    program), as a pandas DataFrame or a pyarrow Table; ``skipped``, the program versions
    left out and why; ``scalar``, the program versions the scalar engine evaluated."""

    frame: Any
    skipped: tuple[Skipped, ...]
    scalar: tuple[str, ...]

    @staticmethod
    def reason_text(code: str, locale: str = "en") -> str:
        """The words of a ``reason`` code of the frame, in English (``en``) or Chinese
        (``zh``)."""
        if code not in REASONS or locale not in ("en", "zh"):
            raise InputError(
                f"没有理由代码 {code!r} 或语言 {locale!r}（可用：{', '.join(REASONS)}；en, zh）"
                f" / no reason code {code!r} or locale {locale!r} (one of: "
                f"{', '.join(REASONS)}; en, zh)",
                field="code",
            )
        en, zh = REASONS[code]
        return en if locale == "en" else zh


def _has_column(name: str) -> bool:
    """Whether a batch table can hold the fact ``name`` (no other can be known from one)."""
    return (
        name in APPLICANT_COLUMNS
        or name in PURCHASE_COLUMNS
        or name.startswith((QUALIFICATION_PREFIX, PURCHASE_QUALIFICATION_PREFIX))
    )


def _missing_fact(entry: Any) -> str | None:
    """The first fact a condition of ``entry`` reads that no batch column holds."""
    for tests in kernel(entry.plan).facts.values():
        t = tests[0]
        if t.scope == SWITCHES or t.fact in ("purchase.signed", "purchase.term"):
            continue
        if t.fact.startswith("year."):
            continue  # computed from the purchases; the kernel says whether it can
        name, _ = _source(t)
        if not _has_column(name):
            return name
    return None


def _skip(program: str, code: str, fact: str | None = None) -> Skipped:
    if code == "rate_unpublished":
        en = "the program publishes no rate, so there is no amount to compute"
        zh = "项目未公布比例，无法计算金额"
    elif code == "other_currency":
        en = (
            "the program pays in another currency than the table's yuan, and a table gives no "
            "exchange rate: estimate the applicants with a rate (fx)"
        )
        zh = "项目以其他币种支付，表格金额为人民币且不含汇率：请在估算时给出汇率（fx）"
    elif code == "no_column":
        en = f"a condition reads {fact}, which a batch table has no column for"
        zh = f"项目条件读取 {fact}，批量表格没有这一列"
    else:
        en = (
            "the vectorised kernel cannot express this version (it needs the scalar engine, "
            "one applicant at a time): pass scalar=True to include it"
        )
        zh = "向量化计算无法表达此版本（需逐个申请主体用标量引擎计算）：传入 scalar=True 可包含它"
    return Skipped(program, code, en, zh, fact)


def _inside(rows: _Rows, entry: Any, window: tuple[Any, Any] | None) -> Bools:
    """Per row: whether ``window`` covers the purchase, as ``Program.covers`` decides it."""
    if window is None:
        return np.ones(rows.n, dtype=bool)
    return covered(entry.program, rows, window)


def _per_applicant(rows: _Rows, values: Bools, how: Any) -> Bools:
    """A per-row flag reduced per applicant (``np.logical_or`` or ``np.logical_and``)."""
    if rows.single:
        return values
    out: Bools = how.reduceat(rows.sort(values), rows.starts)
    return out


def _program_rows(
    covered: list[Coverage], rows: _Rows, scalar: bool
) -> tuple[I64, I64, Bools, list[Coverage]] | Coverage:
    """One program over the rows, its versions summed as :func:`evaluate` sums them, and the
    versions that went the scalar way; or, with ``scalar`` off, the first version that needs
    the scalar engine."""
    count = len(rows.applicants)
    found: list[tuple[I64, I64, Bools]] = []
    slow: list[Coverage] = []
    for entry, window, always in covered:
        k = kernel(entry.plan)
        if k.unsupported is None and _fits(k, rows):
            try:
                found.append(_vectorised(k, rows, window, always))
            except _Unsupported:
                pass
            else:
                continue
        if not scalar:
            return entry, window, always
        slow.append((entry, window, always))
    if slow:
        found.append(_scalar(slow, rows))
    if not found:
        zero = np.zeros(count, dtype=np.int64)
        return zero, zero, np.zeros(count, dtype=bool), slow
    low, high, eligible = found[0]
    for a_lo, a_hi, a_ok in found[1:]:
        low, high, eligible = low + a_lo, high + a_hi, eligible | a_ok
    return low, high, eligible, slow


Part = tuple[str, str, I64, I64, Bools, Bools, npt.NDArray[np.int8]]


def screen_table(
    table_in: object,
    program_ids: Sequence[str],
    day: dt.date,
    assume_renewal: bool,
    rules: RuleSet,
    columns: Mapping[str, str] | None,
    scalar: bool,
    eligible_only: bool,
    output: str,
) -> Screening:
    table = table_in if isinstance(table_in, Table) else read_table(table_in)
    contract_names(table, columns)
    check_columns(table, rules)
    _read(table)
    rows = _Rows(table)
    count = len(rows.applicants)
    parts: list[Part] = []
    skipped: list[Skipped] = []
    slow_keys: list[str] = []
    for program_id in program_ids:
        choice = rules.choose(program_id, day, assume_renewal)
        covered = list(choice.judges)
        version = (choice.current or rules.get(program_id, day)).program.key
        reason = np.full(count, -1, dtype=np.int8)
        if not covered:
            reason[:] = _REASON_CODES.index("not_in_force")
            zero = np.zeros(count, dtype=np.int64)
            no = np.zeros(count, dtype=bool)
            parts.append((program_id, version, zero, zero, no, no, reason))
            continue
        refused = next((e for e, _, _ in covered if e.plan.unpublished is not None), None)
        if refused is not None:
            skipped.append(_skip(refused.program.key, "rate_unpublished"))
            continue
        foreign = next((e for e, _, _ in covered if e.program.currency != CURRENCY), None)
        if foreign is not None:
            skipped.append(_skip(foreign.program.key, "other_currency"))
            continue
        missing = next(((e, f) for e, _, _ in covered if (f := _missing_fact(e))), None)
        if missing is not None:
            skipped.append(_skip(missing[0].program.key, "no_column", missing[1]))
            continue
        found = _program_rows(covered, rows, scalar)
        if not isinstance(found, tuple) or len(found) == 3:
            skipped.append(_skip(found[0].program.key, "scalar_only"))
            continue
        low, high, eligible, slow_used = found
        slow_keys += [e.program.key for e, _, _ in slow_used]
        # purchases after the last known version ends: paid only with assume_renewal
        end = rules.choose(program_id, day, False).end
        late = np.zeros(count, dtype=bool)
        if end is not None:
            late = _per_applicant(rows, rows.signed > np.datetime64(end, "D"), np.logical_or)
        inside = np.zeros(rows.n, dtype=bool)
        for entry, window, _ in covered:
            inside |= _inside(rows, entry, window)
        reason = _reasons(covered, rows, high == 0, eligible, inside, late)
        parts.append((program_id, version, low, high, eligible, late, reason))
    frame = _frame(rows.applicants, parts, eligible_only, output)
    return Screening(frame, tuple(skipped), tuple(slow_keys))


def _reasons(
    covered: list[Coverage],
    rows: _Rows,
    nothing: Bools,
    eligible: Bools,
    inside: Bools,
    late: Bools,
) -> npt.NDArray[np.int8]:
    """Why each applicant is paid nothing, in the order the estimate judges it: the
    applicant's conditions, then the purchases' signing dates, then whether any purchase
    qualifies; for an applicant that qualifies, a spending threshold or minimum not reached, or
    amounts that come to nothing. ``inside`` says per row whether a version judges it."""
    code = _REASON_CODES.index
    reason = np.full(len(nothing), -1, dtype=np.int8)
    plans = [entry.plan for entry, _, _ in covered]
    short = nothing & eligible
    if any(p.spend_threshold is not None for p in plans):
        reason[short] = code("below_threshold")
    else:
        reason[short] = code("zero_amount")
        if any(p.minimum is not None for p in plans):
            # a minimum is named where some amount falls below it, not where all are 0
            k = kernel(covered[-1][0].plan)
            counted = inside & (rows.amount > 0) & _passes(k, k.plan.purchase_tests, rows)
            some = _per_applicant(rows, counted, np.logical_or)
            reason[short & some] = code("below_minimum")
    failed = nothing & ~eligible
    if not failed.any():
        return reason
    reason[failed] = code("condition_failed")
    k = kernel(covered[-1][0].plan)
    applicant = _per_applicant(rows, _passes(k, k.plan.applicant_tests, rows), np.logical_and)
    judged = _per_applicant(rows, inside, np.logical_or)
    outside = failed & applicant & ~judged
    if outside.any():
        start = min(entry.program.window[0] for entry, _, _ in covered)
        before = _per_applicant(rows, rows.signed < np.datetime64(start, "D"), np.logical_and)
        reason[outside] = code("other_version")
        reason[outside & before] = code("before_effective")
        reason[outside & late] = code("after_end")
    # the applicant qualifies and a version judges its purchases, but none of them qualifies
    # (its conditions, or no rate tier fits it)
    reason[failed & applicant & judged] = code("no_qualifying_purchase")
    return reason


def _passes(k: Kernel, conditions: Sequence[Test], rows: _Rows) -> Bools:
    """Per row: whether none of ``conditions`` fails (unknowns as the rule file treats them;
    conditions on anything but the applicant and the purchase are taken as met)."""
    by_fact: dict[str, list[Test]] = {}
    for t in conditions:
        if t.scope in (APPLICANT, PURCHASE, SWITCHES):
            by_fact.setdefault(t.fact + t.field, []).append(t)
    fails = np.zeros(rows.n, dtype=bool)
    for key, tests in by_fact.items():
        fact = k.fact(key, tests, rows.table, rows.n)
        failing = np.array(
            [any(_fails(t, answers[id(t)]) for t in tests) for answers in fact.answers]
        )
        if fact.codes is None:
            fails |= bool(failing[0])
        else:
            fails |= failing[fact.codes]
    passes: Bools = ~fails
    return passes


def _fails(test: Test, answer: bool | None) -> bool:
    if answer is None and test.if_unknown != "range":
        answer = test.if_unknown == "pass"
    return answer is False


def _frame(applicants: I64, parts: list[Part], eligible_only: bool, output: str) -> Any:
    ids = [p[0] for p in parts]
    versions = [p[1] for p in parts]
    # codes as narrow as the categories allow: pandas would narrow them again, row by row
    code_type = np.int8 if len(parts) < 128 else np.int16 if len(parts) < 32768 else np.int32
    kept = [np.flatnonzero(p[4]) if eligible_only else None for p in parts]
    sizes = [len(applicants) if k is None else len(k) for k in kept]
    total = sum(sizes)
    columns: dict[str, Any] = {
        "applicant": np.empty(total, dtype=np.int64),
        "low_fen": np.empty(total, dtype=np.int64),
        "high_fen": np.empty(total, dtype=np.int64),
        "eligible": np.empty(total, dtype=bool),
        "renewal": np.empty(total, dtype=bool),
    }
    program_codes = np.empty(total, dtype=code_type)
    reason_codes = np.empty(total, dtype=np.int8)
    # each program's rows written once into the columns (no list of parts concatenated)
    at = 0
    for code, (part, rows, size) in enumerate(zip(parts, kept, sizes, strict=True)):
        end = at + size
        sources = (applicants, part[2], part[3], part[4], part[5])
        for name, values in zip(columns, sources, strict=True):
            columns[name][at:end] = values if rows is None else values[rows]
        program_codes[at:end] = code
        reason_codes[at:end] = part[6] if rows is None else part[6][rows]
        at = end
    if output == "arrow":
        return _arrow(columns, program_codes, reason_codes, ids, versions)
    pd = pandas_module()
    frame = pd.DataFrame(
        {
            "applicant": columns["applicant"],
            "program": pd.Categorical.from_codes(program_codes, categories=ids),
            "version": pd.Categorical.from_codes(program_codes, categories=versions),
            "eligible": columns["eligible"],
            "low_fen": columns["low_fen"],
            "high_fen": columns["high_fen"],
            "renewal": columns["renewal"],
            "reason": pd.Categorical.from_codes(reason_codes, categories=_REASON_CODES),
        },
        copy=False,  # the arrays are the frame's own: no copy into combined blocks
    )
    return frame


def _arrow(
    columns: dict[str, Any],
    program_codes: Any,
    reason_codes: Any,
    ids: list[str],
    versions: list[str],
) -> Any:
    try:
        pa = importlib.import_module("pyarrow")
    except ImportError:
        from ...errors import MissingDependencyError

        raise MissingDependencyError(
            "output='arrow' needs pyarrow: pip install pyarrow", package="pyarrow"
        ) from None
    reason_null = reason_codes < 0
    return pa.table(
        {
            "applicant": columns["applicant"],
            "program": pa.DictionaryArray.from_arrays(program_codes, pa.array(ids)),
            "version": pa.DictionaryArray.from_arrays(program_codes, pa.array(versions)),
            "eligible": columns["eligible"],
            "low_fen": columns["low_fen"],
            "high_fen": columns["high_fen"],
            "renewal": columns["renewal"],
            "reason": pa.DictionaryArray.from_arrays(
                pa.array(reason_codes.astype(np.int32), mask=reason_null),
                pa.array(_REASON_CODES),
            ),
        }
    )


def check_output(output: str) -> None:
    if output not in ("pandas", "arrow"):
        raise InputError(
            f"output 只能是 'pandas' 或 'arrow'，不能是 {output!r} / output is 'pandas' or "
            f"'arrow', not {output!r}",
            field="output",
        )
