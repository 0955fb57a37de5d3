"""Grouping rows per applicant and per calendar year, and the scalar path for the rest."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ...base.log import logger
from ...errors import InputError, ProfileError, TableError
from ...vocabulary.profile import CONTRADICTION, end_before_start, settled_above_amount

__all__ = ["run"]
from ...evaluate.table import (
    Column,
    Table,
    categorical,
    dates,
    fen,
    integers,
    read_contract,
    read_table,
)
from ...evaluate.vector import SAFE, YEAR_TOTAL, Kernel, _cap, _Unsupported, kernel
from ...ruleset.versions import Coverage
from ._columns import (
    APPLICANT_COLUMNS,
    PURCHASE_COLUMNS,
    PURCHASE_QUALIFICATION_PREFIX,
    QUALIFICATION_PREFIX,
    BatchResult,
    check_columns,
    contract_names,
)

if TYPE_CHECKING:
    from ...ruleset.registry import RuleSet
    from ...vocabulary.profile import Profile

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Index = npt.NDArray[np.intp]

_log = logger("batch")


def _column(table: Table, name: str) -> Column:
    column = table.get(name)
    if column is None:
        raise TableError("required column is missing", field=name)
    return column


def _amounts(table: Table, name: str, required: bool) -> tuple[I64 | None, Bools | None]:
    column = table.get(name)
    if column is None:
        if required:
            raise TableError("required column is missing", field=name)
        return None, None
    values, null = fen(column)
    if required:
        _no_nulls(column, null)
    return values, null


def _no_nulls(column: Column, null: Bools | None) -> None:
    """A required field is known on every row (a profile cannot leave it out)."""
    if column.codes is not None and len(column.codes) and (column.codes < 0).any():
        null = column.codes < 0
    if null is not None and null.any():
        code = None if column.name == "applicant" else "profile.missing_field"
        raise TableError(
            "required column has nulls", field=column.name, row=int(np.argmax(null)), code=code
        )


#: How each column of the contract is read (docs/batch.md): keys, fen, dates; the others are
#: profile fields, read as categories.
KINDS = {
    "applicant": "key",
    "applicant.name": "text",
    "purchase.id": "text",
    "purchase.amount_fen": "fen",
    "purchase.settled_fen": "fen",
    "purchase.signed": "date",
    "purchase.start": "date",
    "purchase.end": "date",
}


def _read(table: Table) -> None:
    kinds = {
        name: KINDS.get(name, "field")
        for name in table.columns
        if name in KINDS
        or name in APPLICANT_COLUMNS
        or name in PURCHASE_COLUMNS
        or name.startswith((QUALIFICATION_PREFIX, PURCHASE_QUALIFICATION_PREFIX))
    }
    read_contract(table, kinds)
    _districts(table)


#: Up to this many (district text, city) combinations, the pairs present are marked in an
#: array indexed by both codes rather than sorted.
DENSE_PAIRS = 1 << 24


def _districts(table: Table) -> None:
    """The district column as a profile reads it: each distinct (district, city) pair read
    once into the district's id, with the row's city (a district's own name, 龙华, names one
    only together with its city); a district that is not one of its city's is refused with the
    profile's code and words. Idempotent: an id reads as itself."""
    from ...base import jurisdictions

    column, city = table.get("applicant.district"), table.get("applicant.city")
    if column is None:
        return
    codes, names = categorical(column)
    cities: list[Any] = []
    city_codes: npt.NDArray[np.integer[Any]] = np.full(len(codes), -1, dtype=np.intp)
    if city is not None:
        city_codes, cities = categorical(city)
    present = np.flatnonzero(codes >= 0)
    if not len(present):
        return
    width = len(cities) + 1
    pair = codes[present].astype(np.intp) * width + (city_codes[present] + 1)
    dense = len(names) * width <= DENSE_PAIRS
    if dense:  # the pairs present, marked in one pass (no sort): few districts, few cities
        seen = np.zeros(len(names) * width, dtype=bool)
        seen[pair] = True
        values, at_pair = np.flatnonzero(seen), pair
    else:  # many distinct texts: sorted once
        values, at_pair = np.unique(pair, return_inverse=True)
        at_pair = at_pair.reshape(-1)
    ids: list[str] = []
    mapped = np.full(len(seen) if dense else len(values), -1, dtype=np.intp)
    for n, value in enumerate(values.tolist()):
        name, at = names[value // width], value % width - 1
        try:
            canonical = jurisdictions.district(name, cities[at] if at >= 0 else None)
        except InputError as exc:
            if at < 0:  # no city: the row is refused for that (a required column)
                continue
            row = int(present[np.argmax(pair == value)])
            raise TableError(exc.message, field=column.name, row=row, code=exc.code) from None
        if canonical not in ids:
            ids.append(canonical)
        mapped[value if dense else n] = ids.index(canonical)
    out = np.full(len(codes), -1, dtype=np.intp)
    out[present] = mapped[at_pair]
    column.codes, column.categories = out, ids


class _Rows:
    """The table's rows in applicant order, with the group boundaries."""

    def __init__(self, table: Table) -> None:
        self.table = table
        n = table.rows
        keys, null = integers(_column(table, "applicant"), "applicant keys")
        _no_nulls(table.columns["applicant"], null)
        amount, _ = _amounts(table, "purchase.amount_fen", True)
        assert amount is not None
        self.amount = amount
        self.settled, self.settled_null = _amounts(table, "purchase.settled_fen", False)
        for name in ("applicant.kind", "applicant.city", "purchase.item"):
            _no_nulls(_column(table, name), None)
        signed_column = _column(table, "purchase.signed")
        self.signed, signed_null = dates(signed_column)
        _no_nulls(signed_column, signed_null)
        self._contradictions()
        self.keys = keys
        self.n = n
        # one purchase per applicant in key order: no grouping at all
        self.single = bool(n < 2 or (keys[1:] > keys[:-1]).all())
        self.order: Index | None = None
        if self.single:
            self.applicants = keys
            self.rows_per_applicant = 1
            return
        year = self.signed.astype("datetime64[Y]").astype(np.int64)
        y_min, y_max = int(year.min()), int(year.max())
        one_year = y_min == y_max
        same = keys[1:] == keys[:-1]
        in_order = keys[1:] > keys[:-1]
        in_order |= same if one_year else same & (year[1:] >= year[:-1])
        if not in_order.all():
            self.order = self._order(keys, year, y_min, y_max)
            keys, year = keys[self.order], year[self.order]
            same = keys[1:] == keys[:-1]
        applicant_start = np.concatenate(([True], ~same))
        year_start = applicant_start if one_year else applicant_start.copy()
        if not one_year:
            year_start[1:] |= year[1:] != year[:-1]
        self.year_starts = np.flatnonzero(year_start)
        #: the calendar year of each (applicant, year) group
        self.group_years = year[self.year_starts]
        self.starts = np.flatnonzero(applicant_start)
        self.applicants = keys[self.starts]
        # where each applicant's first year group sits among the year groups
        self.year_of_start = np.flatnonzero(applicant_start[self.year_starts])
        self.rows_per_applicant = int(np.diff(np.append(self.starts, n)).max())
        self._check_applicant_columns()

    def _contradictions(self) -> None:
        """Purchases a profile refuses as contradicting themselves, with the same words."""
        if self.settled is not None:
            above = self.settled > self.amount
            if self.settled_null is not None:
                above &= ~self.settled_null
            if above.any():
                row = int(np.argmax(above))
                message = settled_above_amount(
                    Decimal(int(self.settled[row])).scaleb(-2),
                    Decimal(int(self.amount[row])).scaleb(-2),
                )
                raise TableError(message, field="purchase.settled_fen", row=row, code=CONTRADICTION)
        start, end = self.table.get("purchase.start"), self.table.get("purchase.end")
        if start is not None and end is not None:
            first, first_null = dates(start)
            last, last_null = dates(end)
            bad = last < first
            for null in (first_null, last_null):
                if null is not None:
                    bad &= ~null
            if bad.any():
                row = int(np.argmax(bad))
                message = end_before_start(first[row].item(), last[row].item())
                raise TableError(message, field="purchase.end", row=row, code=CONTRADICTION)

    @staticmethod
    def _order(keys: I64, year: I64, y_min: int, y_max: int) -> Index:
        """Rows sorted by applicant, then year (the order within a year does not matter)."""
        span = y_max - y_min + 1
        k_min, k_max = int(keys.min()), int(keys.max())
        if (k_max - k_min + 1) * span < 2**62:
            combined = (keys - k_min) * span + (year - y_min) if span > 1 else keys
            return np.argsort(combined)
        return np.lexsort((year, keys))

    def _check_applicant_columns(self) -> None:
        """Rows of one applicant must describe the same applicant."""
        names = [c for c in self.table.columns if c in APPLICANT_COLUMNS[1:]]
        names += [c for c in self.table.columns if c.startswith(QUALIFICATION_PREFIX)]
        first = np.repeat(self.starts, np.diff(np.append(self.starts, self.n)))
        for name in names:
            codes, _ = categorical(self.table.columns[name])
            codes = self.sort(codes)
            differ = codes != codes[first]
            if differ.any():
                at = np.searchsorted(self.starts, np.argmax(differ), "right") - 1
                bad = self.applicants[at]
                raise TableError(f"rows of applicant {bad} disagree", field=name)

    def sort(self, values: Any) -> Any:
        return values if self.order is None else values[self.order]

    def bases(self, settled: bool, fallback: bool) -> tuple[I64, I64]:
        """Base low and high per row, in fen."""
        if not settled or self.settled is None:
            if settled and not fallback:
                return np.zeros(self.n, dtype=np.int64), self.amount
            return self.amount, self.amount
        if self.settled_null is None:
            return self.settled, self.settled
        high = np.where(self.settled_null, self.amount, self.settled)
        low = high if fallback else np.where(self.settled_null, 0, self.settled)
        return low, high


def run(
    program: str,
    covered: list[Coverage],
    table_in: object,
    rules: RuleSet,
    columns: Mapping[str, str] | None = None,
) -> BatchResult:
    table = table_in if isinstance(table_in, Table) else read_table(table_in)
    contract_names(table, columns)
    check_columns(table, rules)
    _read(table)
    rows = _Rows(table)
    count = len(rows.applicants)
    low: I64 = np.zeros(0, dtype=np.int64)
    high: I64 = low
    eligible: Bools = np.zeros(0, dtype=bool)
    scalar: list[Coverage] = []
    first = True
    for entry, window, always in covered:
        k = kernel(entry.plan)
        if k.unsupported is not None or not _fits(k, rows):
            scalar.append((entry, window, always))
            continue
        try:
            a_lo, a_hi, a_ok = _vectorised(k, rows, window, always)
        except _Unsupported:
            scalar.append((entry, window, always))
            continue
        if first:
            low, high, eligible, first = a_lo, a_hi, a_ok, False
        else:
            low, high, eligible = low + a_lo, high + a_hi, eligible | a_ok
    if first:
        low, high, eligible = (np.zeros(count, dtype=t) for t in (np.int64, np.int64, bool))
    scalar_rows = 0
    if scalar:
        _log.debug(
            "%s: %d applicants (%d rows) evaluated by the scalar engine for %s",
            program,
            count,
            rows.n,
            ", ".join(entry.program.key for entry, _, _ in scalar),
        )
        s_lo, s_hi, s_ok = _scalar(scalar, rows)
        low, high, eligible = low + s_lo, high + s_hi, eligible | s_ok
        scalar_rows = rows.n
    return BatchResult(
        program=program,
        applicant=rows.applicants,
        low_fen=low,
        high_fen=high,
        eligible=eligible,
        scalar_applicants=count if scalar else 0,
        scalar_rows=scalar_rows,
    )


def _fits(k: Kernel, rows: _Rows) -> bool:
    """Whether every sum stays far from int64's limit (else the scalar engine decides)."""
    if not rows.n:
        return True
    top = int(rows.amount.max())
    if rows.settled is not None:
        top = max(top, int(rows.settled.max()))
    if k.lump is not None:  # a fixed award per entry adds up like an amount
        top = max(top, -(-k.lump[1] // k.scale))
    return (top + 1) * k.scale * rows.rows_per_applicant < SAFE


def _vectorised(
    k: Kernel, rows: _Rows, window: tuple[Any, Any] | None, always: bool = True
) -> tuple[I64, I64, Bools]:
    base_lo, base_hi = rows.bases(k.settled, k.settled_fallback)
    if k.plan.prorate is not None:
        base_lo, base_hi = k.prorate(rows.table, rows.n, base_lo, base_hi)
    table = rows.table if k.plan.threshold is None else _with_year_totals(k, rows, window)
    lo, hi, counts = k.amounts(table, rows.n, base_lo, base_hi)
    if k.lump is not None and not k.lump_each:
        return _lump_sums(k, rows, lo, hi, counts, window if not always else None)
    if window is not None:
        inside = covered(k.plan.program, rows, window)
        counts = counts & inside
        hi = np.where(inside, hi, 0)
        lo = hi if lo is hi else np.where(inside, lo, 0)
    spend = _spend(k, rows, counts, base_lo, base_hi)
    if rows.single:
        if spend is not None:
            lo, hi = _threshold(k, spend, lo, hi)
        # each applicant's only purchase is its year and its total: one minimum for all caps
        caps = [*k.caps_year, *k.caps_program]
        if caps:
            lo, hi = _cap(lo, hi, min(c[0] for c in caps), min(c[1] for c in caps))
        ok = counts
    else:
        shared = hi is lo
        lo, hi, counts = rows.sort(lo), rows.sort(hi), rows.sort(counts)
        y_lo = np.add.reduceat(lo, rows.year_starts)
        y_hi = y_lo if shared else np.add.reduceat(hi, rows.year_starts)
        if spend is not None:
            per_year = tuple(np.add.reduceat(rows.sort(s), rows.year_starts) for s in spend)
            y_lo, y_hi = _threshold(k, (per_year[0], per_year[1]), y_lo, y_hi)
        for c_lo, c_hi in k.caps_year:
            y_lo, y_hi = _cap(y_lo, y_hi, c_lo, c_hi)
        if k.plan.support_years is not None:
            lo, hi = _support_years(k.plan.support_years[0], rows, y_lo, y_hi)
        else:
            lo = np.add.reduceat(y_lo, rows.year_of_start)
            hi = lo if y_hi is y_lo else np.add.reduceat(y_hi, rows.year_of_start)
        for c_lo, c_hi in k.caps_program:
            lo, hi = _cap(lo, hi, c_lo, c_hi)
        ok = np.logical_or.reduceat(counts, rows.starts)
    high = k.to_fen(hi)
    low = high if lo is hi else k.to_fen(lo)
    return low, high, ok


def covered(program: Any, rows: _Rows, window: tuple[Any, Any]) -> Bools:
    """Per row: whether ``window`` covers the purchase, as ``Program.covers`` decides it: by
    the signing date, or — ``contracts.by: service`` — by the service period overlapping the
    window (the signing date standing in for a date not given)."""
    first = last = rows.signed
    contracts = program.contracts
    if contracts is not None and contracts.by == "service":
        for name in ("purchase.start", "purchase.end"):
            column = rows.table.get(name)
            if column is None:
                continue
            days, null = dates(column)
            days = days if null is None else np.where(null, rows.signed, days)
            first, last = (days, last) if name == "purchase.start" else (first, days)
    inside: Bools = last >= np.datetime64(window[0], "D")
    if window[1] is not None:
        inside &= first <= np.datetime64(window[1], "D")
    return inside


def _support_years(count: int, rows: _Rows, y_lo: I64, y_hi: I64) -> tuple[I64, I64]:
    """Per applicant, its years inside a period of ``count`` calendar years from the first
    that pays (``evaluate.years._support_years``): the low end sums the lows of the paying
    years from the first that may pay; the high end is the best period over the starts up
    to the first year that certainly pays."""
    years, first_group = rows.group_years, rows.year_of_start
    groups = len(years)
    owner = np.repeat(np.arange(len(first_group)), np.diff(np.append(first_group, groups)))
    paying = y_hi > 0
    never, always = np.iinfo(np.int64).max, np.iinfo(np.int64).min
    first = np.minimum.reduceat(np.where(paying, years, never), first_group)
    sure = np.minimum.reduceat(np.where(paying & (y_lo > 0), years, never), first_group)
    last = np.maximum.reduceat(np.where(paying, years, always), first_group)
    certain = np.where(sure == never, last, sure)
    start = first[owner]
    kept = paying & (years >= start) & (years < start + count)
    low = np.add.reduceat(np.where(kept, y_lo, 0), first_group)
    # each paying year as the period's start: the paying highs of its applicant's years in
    # [year, year + count), added group by group (an applicant has a few years at most)
    high_paying = np.where(paying, y_hi, 0)
    period = np.zeros(groups, dtype=np.int64)
    index = np.arange(groups)
    for offset in range(int(np.diff(np.append(first_group, groups)).max())):
        at = index + offset
        valid = at < groups
        at = np.where(valid, at, 0)
        valid &= (owner[at] == owner) & (years[at] < years + count)
        period += np.where(valid, high_paying[at], 0)
    starts = paying & (years <= certain[owner])
    high = np.maximum.reduceat(np.where(starts, period, 0), first_group)
    return low, high


def _spend(
    k: Kernel, rows: _Rows, counts: Bools, base_lo: I64, base_hi: I64
) -> tuple[I64, I64] | None:
    """Per row, what a purchase adds to its year's qualifying spend (low, high, in fen) where
    the plan has an annual spend threshold: its base where it may count, and 0 at the low end
    where its own conditions are unknown (as the scalar engine's candidates hold it)."""
    if k.plan.spend_threshold is None:
        return None
    sure = counts & _purchase_sure(k, rows)
    return np.where(sure, base_lo, 0), np.where(counts, base_hi, 0)


def _purchase_sure(k: Kernel, rows: _Rows) -> Bools:
    """Per row: whether every condition on the purchase is certainly met (an unknown fact
    counts as met only where the rule file says so)."""
    return _purchase_answers(k, rows)[1]


def _purchase_answers(k: Kernel, rows: _Rows) -> tuple[Bools, Bools]:
    """Per row: whether no condition on the purchase fails, and whether all are certainly
    met (an unknown fact counts as met or failed only where the rule file says so)."""
    by_fact: dict[str, list[Any]] = {}
    for t in k.plan.purchase_tests:
        by_fact.setdefault(t.fact + t.field, []).append(t)
    possible = np.ones(rows.n, dtype=bool)
    sure = np.ones(rows.n, dtype=bool)
    for key, tests in by_fact.items():
        fact = k.fact(key, tests, rows.table, rows.n)
        answers = [[_answer(t, a[id(t)]) for t in tests] for a in fact.answers]
        can = np.array([False not in a for a in answers])
        met = np.array([all(x is True for x in a) for a in answers])
        if fact.codes is None:
            possible &= bool(can[0])
            sure &= bool(met[0])
        else:
            possible &= can[fact.codes]
            sure &= met[fact.codes]
    return possible, sure


def _answer(test: Any, answer: bool | None) -> bool | None:
    if answer is None and test.if_unknown != "range":
        return bool(test.if_unknown == "pass")
    return answer


def _with_year_totals(k: Kernel, rows: _Rows, window: tuple[Any, Any] | None) -> Table:
    """The table with each row's yearly contracts total (``YEAR_TOTAL``), as the scalar
    engine's ``YearContext`` holds it: the contract amounts of the (applicant, year)'s
    purchases that may qualify — all of them at the high end, those certain to at the low end
    — and, where the limit falls between the two, unknown."""
    assert k.plan.threshold is not None
    possible, sure = _purchase_answers(k, rows)
    if window is not None:
        possible &= covered(k.plan.program, rows, window)
    sure &= possible
    high = np.where(possible, rows.amount, 0)
    low = np.where(sure, rows.amount, 0)
    if not rows.single:
        sizes = np.diff(np.append(rows.year_starts, rows.n))
        group_high = np.add.reduceat(rows.sort(high), rows.year_starts)
        group_low = np.add.reduceat(rows.sort(low), rows.year_starts)
        high_sorted = np.repeat(group_high, sizes)
        low_sorted = np.repeat(group_low, sizes)
        if rows.order is None:
            high, low = high_sorted, low_sorted
        else:
            high, low = np.empty_like(high), np.empty_like(low)
            high[rows.order], low[rows.order] = high_sorted, low_sorted
    limit = int(k.plan.threshold * 100)
    value = np.where(low > limit, low, high)
    unknown = (low <= limit) & (limit < high)
    column = Column(YEAR_TOTAL, values=value, null=unknown if unknown.any() else None, read=True)
    return Table({**rows.table.columns, YEAR_TOTAL: column}, rows.n)


def _threshold(k: Kernel, spend: tuple[I64, I64], lo: I64, hi: I64) -> tuple[I64, I64]:
    """A year pays only if its spend reaches the threshold: where only the high end of the
    spend does, the year's low end is 0 (``evaluate.years._spend_threshold``)."""
    assert k.plan.spend_threshold is not None
    amount, inclusive = k.plan.spend_threshold[:2]
    limit = amount * 100  # in fen; integer spends compare exactly with its ceiling or floor
    if inclusive:
        at_least = math.ceil(limit)
        sure, maybe = spend[0] >= at_least, spend[1] >= at_least
    else:
        above = math.floor(limit)
        sure, maybe = spend[0] > above, spend[1] > above
    return np.where(sure, lo, 0), np.where(maybe, hi, 0)


def _lump_sums(
    k: Kernel, rows: _Rows, lo: I64, hi: I64, counts: Bools, window: tuple[Any, Any] | None
) -> tuple[I64, I64, Bools]:
    """A fixed award: once per applicant that qualifies (a version chosen by signing date pays
    it only to applicants with a purchase in its window), then lifetime caps and the program
    pool; per-year limits do not apply."""
    if window is not None:
        counts = counts & covered(k.plan.program, rows, window)
    if rows.single:
        ok = counts
    else:
        counts = rows.sort(counts)
        ok = np.logical_or.reduceat(counts, rows.starts)
        # every row of an applicant carries the same award: take it once
        lo, hi = rows.sort(lo)[rows.starts], rows.sort(hi)[rows.starts]
    lo, hi = np.where(ok, lo, 0), np.where(ok, hi, 0)
    for c_lo, c_hi in k.caps_program:
        lo, hi = _cap(lo, hi, c_lo, c_hi)
    return k.to_fen(lo), k.to_fen(hi), ok


# -- the scalar path --------------------------------------------------------------------------


def _python_columns(table: Table) -> dict[str, list[Any]]:
    """Every contract column as a list of Python values (None where unknown)."""
    out: dict[str, list[Any]] = {}
    for name, column in table.columns.items():
        if name in ("purchase.amount_fen", "purchase.settled_fen"):
            fen, null = integers(column, "amounts in fen")
            out[name[: -len("_fen")]] = [
                None if null is not None and null[i] else Decimal(int(v)).scaleb(-2)
                for i, v in enumerate(fen.tolist())
            ]
        elif name in ("purchase.signed", "purchase.start", "purchase.end"):
            days, null = dates(column)
            out[name] = [
                None if null is not None and null[i] else d for i, d in enumerate(days.tolist())
            ]
        elif name.startswith(("applicant.", "purchase.")):
            codes, canonical = categorical(column)
            out[name] = [None if c < 0 else canonical[c] for c in codes.tolist()]
    return out


def _profile(columns: dict[str, list[Any]], indices: list[int]) -> Profile:
    from ...vocabulary.profile import parse_profile

    first = indices[0]
    applicant: dict[str, Any] = {}
    qualifications: dict[str, bool] = {}
    purchases: list[dict[str, Any]] = [{} for _ in indices]
    for name, values in columns.items():
        scope, _, field = name.partition(".")
        if scope == "applicant":
            value = values[first]
            if value is None:
                continue
            if name.startswith(QUALIFICATION_PREFIX):
                qualifications[name[len(QUALIFICATION_PREFIX) :]] = value
            else:
                applicant[field] = value
        elif name.startswith(PURCHASE_QUALIFICATION_PREFIX):
            held = name[len(PURCHASE_QUALIFICATION_PREFIX) :]
            for purchase, i in zip(purchases, indices, strict=True):
                if values[i] is not None:
                    purchase.setdefault("qualifications", {})[held] = values[i]
        else:
            for purchase, i in zip(purchases, indices, strict=True):
                if values[i] is not None:
                    purchase[field] = values[i]
    if qualifications:
        applicant["qualifications"] = qualifications
    try:
        return parse_profile({"applicant": applicant, "purchases": purchases})
    except ProfileError as exc:
        raise TableError(exc.message, field=exc.field) from None


def _scalar(covered: list[Coverage], rows: _Rows) -> tuple[I64, I64, Bools]:
    """Each applicant through the scalar engine, as :func:`aivoucher.estimate` evaluates it."""
    columns = _python_columns(rows.table)
    for name in ("applicant.kind", "applicant.city", "purchase.item"):
        if name not in columns:
            raise TableError("required column is missing", field=name)
    count = len(rows.applicants)
    low = np.zeros(count, dtype=np.int64)
    high = np.zeros(count, dtype=np.int64)
    eligible = np.zeros(count, dtype=bool)
    if rows.single:
        groups = [[i] for i in range(rows.n)]
    else:
        order = np.arange(rows.n) if rows.order is None else rows.order
        bounds = np.append(rows.starts, rows.n)
        groups = [order[a:b].tolist() for a, b in itertools.pairwise(bounds)]
    for g, indices in enumerate(groups):
        profile = _profile(columns, indices)
        for entry, window, always in covered:
            if (
                not always
                and window is not None
                and not any(entry.program.covers(p, window) for p in profile.purchases)
            ):
                continue
            award = entry.plan.evaluate(profile, window=window)
            assert award.low is not None and award.high is not None
            low[g] += int(award.low * 100)
            high[g] += int(award.high * 100)
            eligible[g] |= bool(award.eligible)
    return low, high, eligible
