"""A :class:`~aivoucher.plan.compiled.CompiledPlan` laid out for columns: exact integer
arithmetic in numpy.

Units. Amounts are int64 in ``fen / scale``, where ``scale`` is the least common denominator of
the plan's rates (60% and 50% give scale 10: 60% of a fen is 6 units). Rates become integer
numerators, caps ``fen × scale``; sums, minimums and products stay exact, and the program's
rounding turns units back into fen at the end (or after every product, where it says so).

Conditions. Every fact a condition reads is reduced, per row, to a small class code: the
pattern of answers its conditions give (``enterprise`` and ``university`` differ for
"kind in [enterprise]", ``university`` and ``research_institute`` do not), plus one code for
"unknown". A lookup table indexed by the codes of all facts holds, for each combination, what
the scalar engine decides: whether the applicant and the purchase qualify (three-valued, with
``if_unknown``), which rate tiers are possible when a tier fact is unknown (every value of its
domain is tried, as the traced evaluator's :func:`~aivoucher.evaluate.rates.choose_rate` does),
and the resulting low and high rate numerators. A row's rate is then one gather; a row that
does not count gets rate 0, and a row whose eligibility is uncertain gets a low rate of 0 (the
scalar engine's low end for it).

The kernel handles conditions on the applicant and the purchase (enumerations, cities,
districts and provinces, booleans, the applicant's and the entry's qualifications, roles,
switches, signing dates, contract terms), contract or settled bases, proration over a base
period where the program rounds every step (:meth:`Kernel.prorate`), rate tiers with ranges,
a ceiling and tier caps, fixed awards once per applicant or for each entry, per-purchase,
per-year and lifetime caps, yearly and program pools, the minimum, an annual spend threshold
and support limited to the first years that pay (both applied by the batch runner to the
(applicant, year) sums), rate tiers on the year's contracts in total (the runner hands each
row its year's total as the column ``year.contracts_total``) and both rounding modes. A rate
tier limited to the first years of service is fine while no row can take it (behind a switch
a batch does not turn on); a table where one may raises ``_Unsupported``. Plans with anything
else (proration without rounding at each step, such a tier with its own cap, a contract term
in a rate tier) report why in :attr:`Kernel.unsupported`, and their applicants go through the
scalar engine (docs/batch.md lists each exception and its reason).

Where each stage lives (the traced evaluator's counterpart in brackets):

* what the kernel covers: ``_unsupported``; the plan in units (scale, caps, pools, minimum,
  lump sum): ``Kernel.__init__``; one kernel per plan: :func:`kernel`;
* each fact's class codes per row: :meth:`Kernel.fact` (a contract term: ``Kernel._term``);
* conditions and tiers, three-valued, as one lookup table over the facts' classes:
  ``Kernel._table`` and ``Kernel._outcomes`` (``traced._conditions``,
  :func:`~aivoucher.evaluate.rates.choose_rate`); each row's rate pair: :meth:`Kernel.rates`;
* base × rate, tier caps, per-purchase caps and the minimum: :meth:`Kernel.amounts` and
  ``Kernel._tier_caps`` (``traced._amount``, :func:`~aivoucher.evaluate.rates.tier_caps`);
* rounding back to fen: :meth:`Kernel.round_units`, :meth:`Kernel.to_quanta`,
  :meth:`Kernel.to_fen`;
* per-year and lifetime caps and pools over the grouped rows (:attr:`Kernel.caps_year`,
  :attr:`Kernel.caps_program`): :mod:`aivoucher.questions.batch` (:mod:`aivoucher.evaluate.years`,
  ``traced.explain``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ..base import jurisdictions
from ..base.money import CURRENCY
from ..errors import TableError
from ..plan.compiled import CompiledPlan
from ..plan.conditions import APPLICANT, PURCHASE, SWITCHES, YEAR, Test, domain_of
from ..vocabulary.facts import FACTS
from .table import Table, categorical, dates

__all__ = ["Kernel", "kernel"]

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Index = npt.NDArray[np.intp]
# Values stay below this bound so that sums, rounding offsets and products cannot overflow.
SAFE = 2**61
LUT_MAX = 1 << 16
#: Up to this many categories, a column's own codes index the lookup table.
RAW_CATEGORIES = 16
#: Contract defaults for facts the profile cannot leave unknown.
DEFAULTS = {
    "applicant.good_standing": True,
    "purchase.related_party": False,
    "purchase.role": "buyer",
}


@dataclass(slots=True)
class _Fact:
    """Per-row class codes of one fact, with the answers each class gives."""

    codes: npt.NDArray[np.integer[Any]] | None  # None: one class for every row
    answers: list[dict[int, bool | None]]  # per class: test id → answer (None: unknown)
    unknown: int | None  # the class of an unknown value, if any row has one


def _answers(tests: Sequence[Test], value: Any) -> dict[int, bool | None]:
    return {id(t): t.test(value) for t in tests}


def _classes(
    values: list[Any], tests: Sequence[Test], codes: npt.NDArray[np.integer[Any]]
) -> _Fact:
    """The class codes of a categorical column: −1 codes are unknown.

    With few categories the category codes serve as class codes as they are (no pass over the
    rows); with many, categories that give the same answers share one class.
    """
    unknown_answers: dict[int, bool | None] = dict.fromkeys((id(t) for t in tests), None)
    has_null = bool(len(codes)) and bool((codes < 0).any())
    answers = [_answers(tests, v) for v in values]
    patterns = [*answers, unknown_answers] if has_null else answers
    unknown = len(answers) if has_null else None
    if not patterns or all(p == patterns[0] for p in patterns):
        return _Fact(None, patterns[:1] or [unknown_answers], 0 if not answers else unknown)
    if len(values) <= RAW_CATEGORIES:
        if has_null:
            codes = np.where(codes < 0, len(values), codes)
        return _Fact(codes, patterns, unknown)
    distinct: list[dict[int, bool | None]] = []
    of_value = np.empty(len(values) + 1, dtype=np.intp)
    for i, answer in enumerate(answers):
        if answer not in distinct:
            distinct.append(answer)
        of_value[i] = distinct.index(answer)
    if has_null:
        of_value[-1] = len(distinct)
        unknown = len(distinct)
        distinct.append(unknown_answers)
    return _Fact(of_value[codes], distinct, unknown)


class Kernel:
    """A plan compiled for columns (see the module docstring)."""

    def __init__(self, plan: CompiledPlan, switches: frozenset[str] = frozenset()) -> None:
        self.plan = plan
        self.switches = switches
        self.unsupported = _unsupported(plan)
        tier_tests = [t for tier in plan.tiers for t in tier.tests]
        self.tests = [*plan.applicant_tests, *plan.purchase_tests, *tier_tests]
        self.facts: dict[str, list[Test]] = {}
        for t in self.tests:
            self.facts.setdefault(t.fact + t.field, []).append(t)
        self.tier_keys = {t.fact + t.field for t in tier_tests}
        rates = [r for tier in plan.tiers for r in tier.rate]
        if plan.ceiling is not None:
            rates += list(plan.ceiling.amount)
        self.scale = math.lcm(1, *(Fraction(r).denominator for r in rates))
        self.quantum = int(plan.rounding.quantum * 100)  # in fen
        self.half_up = plan.rounding.mode == "half_up"
        self.each_step = plan.rounding.each_step
        self.tier_caps = any(t.cap is not None for t in plan.tiers)
        self.settled = plan.base.of == "settled"
        self.settled_fallback = plan.base.if_unknown == "contract"
        self._luts: dict[Any, _Lut] = {}

        def fen(amount: Any) -> int:
            return int(amount * 100) * self.scale

        self.caps_purchase = [(fen(c.amount[0]), fen(c.amount[1])) for c in plan.caps_purchase]
        after = [(fen(c.amount[0]), fen(c.amount[1])) for c in plan.caps_year]
        pool = plan.pool
        if pool is not None and pool.per == "year":
            after.append((fen(pool.amount[0]), fen(pool.amount[1])))
        self.caps_year = after
        lifetime = [(fen(c.amount[0]), fen(c.amount[1])) for c in plan.caps_program]
        if pool is not None and pool.per == "program":
            lifetime.append((fen(pool.amount[0]), fen(pool.amount[1])))
        self.caps_program = lifetime
        self.minimum = None if plan.minimum is None else fen(plan.minimum.amount[0])
        lump = plan.lump_sum
        #: A fixed award (paid once per applicant, whatever it buys), in units.
        self.lump = None if lump is None else (fen(lump.amount[0]), fen(lump.amount[1]))
        #: The fixed award is paid for each qualifying entry (a purchase row), not once.
        self.lump_each = lump is not None and lump.per != "applicant"
        constants = [c for pair in (*after, *lifetime, *self.caps_purchase) for c in pair]
        if self.unsupported is None and any(c >= SAFE for c in constants):
            self.unsupported = "caps too large for exact int64 arithmetic"

    # -- per row ---------------------------------------------------------------------------

    def fact(self, key: str, tests: list[Test], table: Table, rows: int) -> _Fact:
        """The class codes of one fact over the table's rows."""
        t = tests[0]
        if t.scope == SWITCHES:
            return _Fact(None, [_answers(tests, t.get(self.switches))], None)
        if t.fact == "purchase.signed":
            signed, _ = dates(_required(table, "purchase.signed"))
            code = np.zeros(rows, dtype=np.intp)
            for bit, test in enumerate(tests):
                lo, hi = test.expected
                ok = np.ones(rows, dtype=bool)
                if lo is not None:
                    ok &= signed >= np.datetime64(lo, "D")
                if hi is not None:
                    ok &= signed <= np.datetime64(hi, "D")
                code |= ok.astype(np.intp) << bit
            return _Fact(code, _bit_answers(tests), None)
        if t.fact == "purchase.term":
            return self._term(tests, table, rows)
        if t.scope == YEAR:
            return self._year(tests, table, rows)
        name, transform = _source(t)
        column = table.get(name)
        if column is None:
            if name in REQUIRED:
                raise TableError("required column is missing", field=name)
            if name in DEFAULTS:
                return _Fact(None, [_answers(tests, DEFAULTS[name])], None)
            return _Fact(None, [dict.fromkeys((id(x) for x in tests), None)], 0)
        codes, values = categorical(column)
        if name in DEFAULTS and len(codes) and (codes < 0).any():
            if DEFAULTS[name] not in values:
                values = [*values, DEFAULTS[name]]
            codes = np.where(codes < 0, values.index(DEFAULTS[name]), codes)
        elif name in REQUIRED and len(codes) and (codes < 0).any():
            raise TableError("required column has nulls", field=name)
        if transform is not None:
            values = [transform(v) for v in values]
        return _classes(values, tests, codes)

    def _term(self, tests: list[Test], table: Table, rows: int) -> _Fact:
        """Contract terms: end no later than start plus N years (29 February → 28th)."""
        start, end = table.get("purchase.start"), table.get("purchase.end")
        unknown_only = _Fact(None, [dict.fromkeys((id(x) for x in tests), None)], 0)
        if start is None or end is None:
            return unknown_only
        first, first_null = dates(start)
        last, last_null = dates(end)
        code = np.zeros(rows, dtype=np.intp)
        month = first.astype("datetime64[M]")
        day = first - month.astype("datetime64[D]")
        for bit, test in enumerate(tests):
            years = int(test.expected[0])
            target = month + np.timedelta64(12 * years, "M")
            month_end = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - 1
            limit = np.minimum(target.astype("datetime64[D]") + day, month_end)
            code |= (last <= limit).astype(np.intp) << bit
        answers = _bit_answers(tests)
        null = first_null if last_null is None else last_null
        if first_null is not None and last_null is not None:
            null = first_null | last_null
        if null is not None and null.any():
            code[null] = len(answers)
            answers.append(dict.fromkeys((id(x) for x in tests), None))
            return _Fact(code, answers, len(answers) - 1)
        return _Fact(code, answers, None)

    def _year(self, tests: list[Test], table: Table, rows: int) -> _Fact:
        """The year's contracts in total, per row (its (applicant, year) group's, which the
        batch runner puts in the column ``year.contracts_total``: int64 fen, null where the
        total's side of the limit is unknown): one bit per limit ("at most N")."""
        column = table.get(YEAR_TOTAL)
        unknown_only = _Fact(None, [dict.fromkeys((id(x) for x in tests), None)], 0)
        if column is None or column.values is None:
            return unknown_only
        values, null = column.values, column.null
        code = np.zeros(rows, dtype=np.intp)
        for bit, test in enumerate(tests):
            code |= (values <= _limit_fen(test)).astype(np.intp) << bit
        answers = _bit_answers(tests)
        if null is not None and null.any():
            code[null] = len(answers)
            answers.append(dict.fromkeys((id(x) for x in tests), None))
            return _Fact(code, answers, len(answers) - 1)
        return _Fact(code, answers, None)

    def rates(self, table: Table, rows: int) -> tuple[I64, I64, Bools, Index | None, Any]:
        """Per row: low and high rate numerators (0 where the row does not count), whether it
        counts, and the lookup index with the table (for tier caps)."""
        facts = [(key, self.fact(key, tests, table, rows)) for key, tests in self.facts.items()]
        sizes = [len(f.answers) for _, f in facts]
        if math.prod(sizes) > LUT_MAX:
            raise _Unsupported("too many combinations of condition answers")
        signature = tuple(
            (key, f.unknown, tuple(tuple(sorted(a.items())) for a in f.answers)) for key, f in facts
        )
        lut = self._luts.get(signature)
        if lut is None:
            lut = self._luts[signature] = self._table([f for _, f in facts], [k for k, _ in facts])
        # the index in the narrowest integer type that holds it: fewer bytes to pass over
        total = math.prod(sizes)
        kind: Any = np.int8 if total <= 127 else np.int16 if total <= 32767 else np.int32
        index: npt.NDArray[Any] | None = None
        stride = 1
        for (_, f), size in zip(facts, sizes, strict=True):
            if f.codes is not None:
                part: npt.NDArray[Any] = f.codes.astype(kind, copy=False)
                if stride != 1:
                    part = part * kind(stride)
                if index is None:
                    index = part.copy() if part is f.codes else part
                else:
                    index += part
            stride *= size
        if index is None:
            lo = np.full(rows, lut.lo[0], dtype=np.int64)
            hi = lo if lut.lo[0] == lut.hi[0] else np.full(rows, lut.hi[0], dtype=np.int64)
            return lo, hi, np.full(rows, lut.counts[0]), None, lut
        at = index.astype(np.intp)
        hi = lut.hi_small.take(at)
        lo = hi if lut.same else lut.lo_small.take(at)
        # where every counted combination has a rate above 0, a rate above 0 says "counts"
        counts = hi != 0 if lut.counts_by_rate else lut.counts.take(at)
        return lo, hi, counts, at, lut

    def _table(self, facts: list[_Fact], keys: list[str]) -> _Lut:
        plan = self.plan
        count = math.prod(len(f.answers) for f in facts)
        lo = np.zeros(count, dtype=np.int64)
        hi = np.zeros(count, dtype=np.int64)
        counts = np.zeros(count, dtype=bool)
        chosen = np.zeros(count, dtype=np.int64)
        low_zero = np.zeros(count, dtype=bool)
        ceiling = None if plan.ceiling is None else plan.ceiling.amount[1]
        tiers = plan.tiers
        # the last fact varies slowest, matching index = Σ code × stride
        for i, combo in enumerate(
            itertools.product(*(range(len(f.answers)) for f in reversed(facts)))
        ):
            picks = list(reversed(combo))
            answer: dict[int, bool | None] = {}
            unknown_keys = []
            for key, f, c in zip(keys, facts, picks, strict=True):
                answer.update(f.answers[c])
                if f.unknown is not None and c == f.unknown and key in self.tier_keys:
                    unknown_keys.append(key)
            app = _kleene(plan.applicant_tests, answer)
            if self.lump is not None:
                # "rate" 1 where the fixed award is paid: once per applicant, its conditions
                # alone; per entry, the entry's too, nothing at the low end where either is
                # uncertain (``traced._lump_each``)
                sure = app is True
                if self.lump_each:
                    pur = _kleene(plan.purchase_tests, answer)
                    if pur is False:
                        continue
                    sure = sure and pur is True
                if app is not False:
                    counts[i], hi[i], lo[i] = True, 1, int(sure)
                continue
            pur = _kleene(plan.purchase_tests, answer)
            if app is False or pur is False:
                continue
            outcomes = self._outcomes(answer, unknown_keys)
            picked = [n for n, _ in enumerate(tiers) if n in outcomes]
            if not picked:
                continue
            none_possible = None in outcomes
            r_lo = min(tiers[n].rate[0] for n in picked) if not none_possible else Decimal(0)
            r_hi = max(tiers[n].rate[1] for n in picked)
            if ceiling is not None:
                r_lo, r_hi = min(r_lo, ceiling), min(r_hi, ceiling)
            uncertain = app is None or pur is None
            counts[i] = True
            hi[i] = int(Fraction(r_hi) * self.scale)
            lo[i] = 0 if uncertain else int(Fraction(r_lo) * self.scale)
            low_zero[i] = uncertain or none_possible
            chosen[i] = sum(1 << n for n in picked)
        small = np.int32 if self.scale < 2**31 else np.int64
        limited = sum(1 << n for n, t in enumerate(tiers) if t.first_years is not None)
        return _Lut(
            lo,
            hi,
            counts,
            chosen,
            low_zero,
            bool(np.array_equal(lo, hi)),
            lo.astype(small),
            hi.astype(small),
            bool(np.array_equal(counts, hi != 0)),
            (chosen & limited) != 0 if limited else None,
        )

    def _outcomes(self, answer: dict[int, bool | None], unknown_keys: list[str]) -> set[int | None]:
        """The tiers that can apply: every value of each unknown tier fact is tried."""
        tiers = self.plan.tiers
        if not unknown_keys:
            return {_first(tiers, answer)}
        domains = []
        for key in unknown_keys:
            tests = [t for t in self.facts[key] if _is_tier(t, tiers)]
            domains.append([_answers(tests, v) for v in domain_of(tests)])
        found: set[int | None] = set()
        for values in itertools.product(*domains):
            fixed = dict(answer)
            for v in values:
                fixed.update(v)
            found.add(_first(tiers, fixed))
        return found

    def amounts(
        self, table: Table, rows: int, base_lo: I64, base_hi: I64
    ) -> tuple[I64, I64, Bools]:
        """Per purchase: base × rate, tier caps, per-purchase caps and the minimum (units)."""
        r_lo, r_hi, counts, index, lut = self.rates(table, rows)
        if lut.limited is not None and lut.limited.any():
            # the share of a contract's first years is a quotient the scalar engine takes in
            # 28-digit decimals, not exactly: a row that may take such a tier is its to judge
            may = lut.limited[0] if index is None else lut.limited.take(index).any()
            if may:
                raise _Unsupported("a row may take a rate tier limited to its first years")
        if self.lump is not None:
            hi = r_hi * np.int64(self.lump[1])
            lo = (
                hi
                if r_lo is r_hi and self.lump[0] == self.lump[1]
                else r_lo * np.int64(self.lump[0])
            )
            if self.lump_each:  # per-entry caps; no minimum and no rounding per entry
                for c_lo, c_hi in self.caps_purchase:
                    lo, hi = _cap(lo, hi, c_lo, c_hi)
            return lo, hi, counts
        same = r_lo is r_hi and base_lo is base_hi
        hi = base_hi * r_hi
        lo = hi if same else base_lo * r_lo
        if self.each_step:
            hi = self.round_units(hi)
            lo = hi if same else self.round_units(lo)
        if self.tier_caps:
            lo, hi = self._tier_caps(base_lo, base_hi, lo, hi, index, lut, rows)
        for c_lo, c_hi in self.caps_purchase:
            lo, hi = _cap(lo, hi, c_lo, c_hi)
        if self.minimum is not None:
            floor = self.minimum
            shared = lo is hi
            hi = np.where(hi >= floor, hi, 0)
            lo = hi if shared else np.where(lo >= floor, lo, 0)
        return lo, hi, counts

    def _tier_caps(
        self,
        base_lo: I64,
        base_hi: I64,
        lo: I64,
        hi: I64,
        index: Index | None,
        lut: _Lut,
        rows: int,
    ) -> tuple[I64, I64]:
        """Where a possible tier has its own cap: each possible tier's amount, the extremes."""
        plan = self.plan
        ceiling = None if plan.ceiling is None else plan.ceiling.amount[1]
        at = np.zeros(rows, dtype=np.intp) if index is None else index
        chosen = lut.chosen.take(at)
        capped = sum(1 << n for n, t in enumerate(plan.tiers) if t.cap is not None)
        use = (chosen & capped) != 0
        if not use.any():
            return lo, hi
        # only the rows a capped tier may pay are worked out again (often a few of them)
        where = np.flatnonzero(use)
        at, chosen = at[where], chosen[where]
        base_lo, base_hi = base_lo[where], base_hi[where]
        big = np.int64(2**62)
        low = np.full(len(where), big, dtype=np.int64)
        high = np.zeros(len(where), dtype=np.int64)
        for n, tier in enumerate(plan.tiers):
            r0, r1 = tier.rate
            if ceiling is not None:
                r0, r1 = min(r0, ceiling), min(r1, ceiling)
            t_lo = base_lo * int(Fraction(r0) * self.scale)
            t_hi = base_hi * int(Fraction(r1) * self.scale)
            if self.each_step:
                t_lo, t_hi = self.round_units(t_lo), self.round_units(t_hi)
            if tier.cap is not None:
                t_lo, t_hi = _cap(t_lo, t_hi, *(int(c * 100) * self.scale for c in tier.cap))
            on = (chosen >> n & 1).astype(bool)
            low = np.where(on, np.minimum(low, t_lo), low)
            high = np.where(on, np.maximum(high, t_hi), high)
        low = np.where(lut.low_zero.take(at), 0, low)
        out_lo, out_hi = lo.copy(), hi.copy()
        out_lo[where], out_hi[where] = low, high
        return out_lo, out_hi

    def prorate(self, table: Table, rows: int, base_lo: I64, base_hi: I64) -> tuple[I64, I64]:
        """Each base's share of the contract's days inside the base period, rounded as the
        program rounds every step (``traced._prorate``), in fen: ``base × inside / days``
        exactly, then to the quantum. Without both service dates (or with an end that is not
        after the start) the share is unknown: from 0 to the whole base, unrounded."""
        assert self.plan.prorate is not None
        first = np.datetime64(self.plan.prorate[0], "D")
        last = np.datetime64(self.plan.prorate[1], "D")
        start, end = table.get("purchase.start"), table.get("purchase.end")
        if start is None or end is None:
            return np.zeros(rows, dtype=np.int64), base_hi
        begin, begin_null = dates(start)
        stop, stop_null = dates(end)
        days = (stop - begin).astype(np.int64)
        dated = days > 0
        for null in (begin_null, stop_null):
            if null is not None:
                dated &= ~null
        inside = (np.minimum(stop, last) - np.maximum(begin, first)).astype(np.int64)
        np.maximum(inside, 0, out=inside)
        period = max(int((last - first).astype(np.int64)), 0)
        top = max(int(base_hi.max()), 0) if rows else 0
        q = self.quantum
        # base × inside, and its rounding offset, must stay inside int64
        if (top + 1) * (period + 1) * 2 >= SAFE or int(days.max(initial=0)) * q * 2 >= SAFE:
            raise _Unsupported("prorated amounts too large for exact int64 arithmetic")
        days = np.where(dated, days, 1)
        inside = np.where(dated, inside, 0)

        def share(base: I64) -> I64:
            whole = base * inside
            step = days * q
            # half up: ⌊x / q + ½⌋ = ⌊(2x + q) / 2q⌋ with x = base × inside / days
            quanta = (2 * whole + step) // (2 * step) if self.half_up else whole // step
            out: I64 = quanta * q
            return out

        high = np.where(dated, share(base_hi), base_hi)
        low = np.where(dated, share(base_lo), 0)
        return low, high

    def round_units(self, units: I64) -> I64:
        """Round to the program's quantum, staying in units."""
        q = self.quantum * self.scale
        if q == 1:
            return units
        quanta = self.to_quanta(units)
        np.multiply(quanta, q, out=quanta)
        return quanta

    def to_quanta(self, units: I64) -> I64:
        """Units → whole quanta (half-up or truncated), in place (``units`` is a temporary)."""
        q = self.quantum * self.scale
        if q == 1:
            return units
        if self.half_up:
            if q % 2:  # an odd quantum: (2u + q) // 2q
                np.multiply(units, 2, out=units)
                np.add(units, q, out=units)
                q *= 2
            else:
                np.add(units, q // 2, out=units)
        np.floor_divide(units, q, out=units)
        return units

    def to_fen(self, units: I64) -> I64:
        """Units → fen, rounded as the program says (in place)."""
        quanta = self.to_quanta(units)
        if self.quantum != 1:
            np.multiply(quanta, self.quantum, out=quanta)
        return quanta


@dataclass(slots=True)
class _Lut:
    lo: I64
    hi: I64
    counts: Bools
    chosen: I64
    low_zero: Bools
    same: bool
    lo_small: npt.NDArray[Any]  # the rates in the narrowest type that holds them
    hi_small: npt.NDArray[Any]
    counts_by_rate: bool
    #: per combination: whether it may take a tier limited to the first years of service
    #: (None: the plan has no such tier)
    limited: Bools | None


class _Unsupported(Exception):
    """The kernel cannot express this plan for this table."""


REQUIRED = ("applicant.kind", "applicant.city", "purchase.item")


def _required(table: Table, name: str) -> Any:
    column = table.get(name)
    if column is None:
        raise TableError("required column is missing", field=name)
    return column


def _source(test: Test) -> tuple[str, Callable[[Any], Any] | None]:
    """The column a condition reads, and how its value becomes the fact."""
    fact = FACTS[test.fact]
    if fact.kind == "province":  # read from the city the profile gives
        return f"{fact.scope}.{fact.field}", jurisdictions.province_of
    if test.field.startswith("qualifications."):  # the applicant's or the purchase's
        return f"{fact.scope}.{test.field}", None
    return test.fact, None


def _is_tier(test: Test, tiers: Sequence[Any]) -> bool:
    return any(test is t for tier in tiers for t in tier.tests)


def _bit_answers(tests: Sequence[Test]) -> list[dict[int, bool | None]]:
    """The answers of class ``c`` where bit ``b`` of ``c`` is the answer of ``tests[b]``."""
    return [{id(x): bool(c >> b & 1) for b, x in enumerate(tests)} for c in range(1 << len(tests))]


def _kleene(tests: Sequence[Test], answer: dict[int, bool | None]) -> bool | None:
    unknown = False
    for t in tests:
        ok = answer[id(t)]
        if ok is None and t.if_unknown != "range":
            ok = t.if_unknown == "pass"
        if ok is False:
            return False
        if ok is None:
            unknown = True
    return None if unknown else True


def _first(tiers: Sequence[Any], answer: dict[int, bool | None]) -> int | None:
    for n, tier in enumerate(tiers):
        if all(answer[id(t)] is True for t in tier.tests):
            return n
    return None


def _cap(lo: I64, hi: I64, c_lo: int, c_hi: int) -> tuple[I64, I64]:
    """Cap both ends, in place: ``lo`` and ``hi`` are temporaries of the caller's (the same
    array where the two ends agree); writing into them spares a fresh array per step."""
    if lo is hi:
        if c_lo != c_hi:
            lo = np.minimum(hi, c_lo)
        np.minimum(hi, c_hi, out=hi)
        return lo, hi
    np.minimum(lo, c_lo, out=lo)
    np.minimum(hi, c_hi, out=hi)
    return lo, hi


#: The column through which the batch runner hands the kernel each row's yearly total.
YEAR_TOTAL = "year.contracts_total"


def _limit_fen(test: Test) -> int:
    """The limit of an "at most N" condition on an amount, in fen (its domain is the limit and
    one fen above it)."""
    assert test.domain is not None
    return int(test.domain[0] * 100)


def _unsupported(plan: CompiledPlan) -> str | None:
    if plan.unpublished is not None:
        return "rate unpublished"
    if plan.program.currency != CURRENCY:
        # a table's amounts are yuan: the scalar engine's currency step judges them
        return "pays in another currency"
    if plan.prorate is not None and not plan.rounding.each_step:
        # an unrounded share of days carries a denominator of its own into every sum
        return "proration without rounding at each step"
    if plan.threshold is not None and plan.threshold * 100 != int(plan.threshold * 100):
        return "yearly-total rate tiers with a limit in fractions of a fen"
    if any(t.first_years is not None and t.cap is not None for t in plan.tiers):
        return "rate tier limited to the first years of service, with a cap of its own"
    tests = [*plan.applicant_tests, *plan.purchase_tests]
    tests += [t for tier in plan.tiers for t in tier.tests]
    for t in tests:
        if t.scope == YEAR and t.fact == YEAR_TOTAL and t.domain is not None:
            if plan.threshold is None or t not in [x for tier in plan.tiers for x in tier.tests]:
                return f"condition on {t.fact} outside a rate tier"
            if t.domain[0] != plan.threshold:
                return f"several limits on {t.fact}"
            continue
        if t.scope not in (APPLICANT, PURCHASE, SWITCHES):
            return f"condition on {t.fact}"
    for tier in plan.tiers:
        for t in tier.tests:
            if t.fact == "purchase.term":
                return f"rate tier on {t.fact}"
    return None


_CACHE: dict[int, tuple[CompiledPlan, Kernel]] = {}


def kernel(plan: CompiledPlan) -> Kernel:
    """The kernel of ``plan`` (compiled once per plan)."""
    hit = _CACHE.get(id(plan))
    if hit is not None and hit[0] is plan:
        return hit[1]
    compiled = Kernel(plan)
    _CACHE[id(plan)] = (plan, compiled)
    return compiled
