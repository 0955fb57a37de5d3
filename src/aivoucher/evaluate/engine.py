"""The engine: eligibility → base → rate → caps → award, with a structured trace.

A validated :class:`~aivoucher.vocabulary.schema.Program` is compiled once into a :class:`Plan`
(conditions as small objects with their constants ready, rates and caps as ``Decimal`` pairs);
evaluating a
profile against a plan builds no pydantic models, reads no files and formats nothing.

Every amount is a ``(low, high)`` pair. The computation is monotone (products of non-negative
numbers, sums and minimums), so carrying both ends through each step gives exact bounds:

* a rate range in the text (50%–60%) gives a rate pair;
* a cap range ("原则上100万, 最高200万") gives a cap pair;
* a condition on a fact the profile leaves unknown makes a purchase's inclusion, or a tier's
  choice, uncertain: the low end takes the unfavourable answer, the high end the favourable one,
  and the missing field is named.

The one exception to monotonicity is a rate tier conditioned on the year's contracts in total
(Hangzhou's SME rate for "年申报智算合同累计金额50万元(含)以下"); :attr:`Plan.monotone` says
whether a program has one.

Order of operations (documented in docs/engine.md): per purchase, conditions and base
(prorated to a base period where the text says so); per purchase, rate, base × rate,
per-purchase caps and the minimum; purchases summed per calendar year of signing, then per-year
caps and a yearly pool; the first N years where support is time-limited; years summed, then
lifetime caps and a lifetime pool; finally rounding (or after every step, where the program
says so).

Where each stage lives (the conditions themselves are in :mod:`aivoucher.plan.conditions`):

* applicant and purchase conditions, three-valued and traced: ``Plan._conditions``;
* which purchases this version covers, and each one's base: ``Plan._purchases``, ``Plan._base``
  (proration: ``Plan._prorate``);
* the rate (tiers over every answer to an unknown fact): ``Plan._rate``; base × rate, tier and
  per-purchase caps, the minimum: ``Plan._amount`` (first years of service: ``Plan._first_years``);
* the annual spend threshold: ``Plan._spend_threshold``;
* per-year caps and the yearly pool, their allocation in signing order, support years:
  ``Plan._years``, ``Plan._allocate``, ``Plan._support_years``;
* lifetime caps, the program's pool, eligibility left uncertain and rounding:
  ``Plan.explain``.

Every step is recorded by one helper, ``_Trace.step``, with the text it cites and the reading it
rests on; :meth:`Plan.evaluate` first tries the fast path (:mod:`aivoucher.evaluate.fast`), which
decides the amounts where every fact the plan reads is known and leaves the trace to
``Plan.explain``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from ..base.dates import add_years
from ..base.indices import indices
from ..base.money import ZERO, Rounding
from ..plan.conditions import (
    PURCHASE,
    YEAR,
    Cites,
    Test,
    YearContext,
    cite,
    domain_of,
)
from ..vocabulary.profile import Profile, Purchase
from ..vocabulary.result import Award
from ..vocabulary.schema import Program, Tier
from ..vocabulary.trace import (
    Assumption,
    AssumptionCode,
    Bounds,
    Reason,
    ReasonCode,
    Step,
    StepKind,
    discard_step,
)
from .fast import FastPlan, compile_fast

__all__ = ["Plan", "compile_program", "not_in_force"]

_NOTHING: Bounds = (ZERO, ZERO)
_NO_SWITCHES: frozenset[str] = frozenset()
#: Above this many purchases, an award evaluated by the general engine keeps its amounts and
#: missing facts and builds its trace when first read (a 100,000-purchase trace takes hundreds
#: of megabytes; an estimate holds dozens of awards).
TRACE_ON_ACCESS_ABOVE = 1_000
#: How many excluded purchases an award explains one by one; the rest are counted.
EXCLUDED_SHOWN = 20
Window = tuple[dt.date, dt.date | None]


def _outside(day: dt.date, window: Window, coverage: Window | None, label: str) -> Reason:
    """Why a purchase signed outside this version's window is left out of its award."""
    span = coverage or window
    if day < span[0]:
        return Reason(ReasonCode.BEFORE_EFFECTIVE, "purchase.signed", (span[0],), day, label)
    if span[1] is not None and day > span[1]:
        return Reason(ReasonCode.AFTER_END, "purchase.signed", (span[1],), day, label)
    return Reason(ReasonCode.OTHER_VERSION, "purchase.signed", window, day, label)


class _Tier:
    __slots__ = ("assumption", "cap", "cites", "first_years", "rate", "tests")

    def __init__(self, tier: Tier) -> None:
        self.tests = [Test(c) for c in tier.when]
        self.rate: Bounds = tier.rate
        self.cap: Bounds | None = tier.cap
        self.first_years: int | None = tier.first_years
        self.cites = cite(tier)
        self.assumption = tier.assumption


class _Limit:
    """A cap, pool, minimum or lump sum: an amount pair, its kind, citations and assumption."""

    __slots__ = ("amount", "assumption", "cites", "per")

    def __init__(self, per: str, amount: Bounds, element: Any) -> None:
        self.per = per
        self.amount = amount
        self.cites = cite(element)
        self.assumption: str | None = element.assumption


class _Trace:
    """Collects steps, reasons, assumptions and missing fields during one evaluation."""

    __slots__ = ("assumptions", "missing", "reasons", "renewal", "seen", "steps", "visit")

    def __init__(self, visit: Callable[[Step], None] | None = None) -> None:
        self.visit = visit  # where steps go as they are recorded; None: kept in ``steps``
        self.renewal = False
        self.steps: list[Step] = []
        self.reasons: list[Reason] = []
        self.assumptions: list[Assumption] = []
        self.missing: dict[str, None] = {}  # an ordered set: one entry per field, in order
        self.seen: set[Any] = set()

    def step(
        self,
        kind: StepKind,
        subject: str | None = None,
        *,
        before: Bounds | None = None,
        after: Bounds | None = None,
        rate: Bounds | None = None,
        detail: dict[str, Any] | None = None,
        cites: Cites = (),
        assumption: str | None = None,
    ) -> None:
        """Record a step with the text it cites and the reading it rests on (listed among
        the assumptions once)."""
        (self.steps.append if self.visit is None else self.visit)(
            Step(
                kind,
                subject,
                before,
                after,
                rate,
                {} if detail is None else detail,
                cites,
                assumption,
            )
        )
        self.rule(assumption)

    def assume(self, assumption: Assumption) -> None:
        if assumption not in self.seen:
            self.seen.add(assumption)
            self.assumptions.append(assumption)

    def rule(self, ambiguity: str | None) -> None:
        if ambiguity is not None and ambiguity not in self.seen:
            self.seen.add(ambiguity)
            self.assumptions.append(Assumption(AssumptionCode.RULE, ambiguity=ambiguity))

    def unknown(self, field: str, subject: str | None = None) -> None:
        self.missing[field] = None
        self.assume(Assumption(AssumptionCode.MISSING_FACT, field=field, subject=subject))


class _Candidate:
    """A purchase that may qualify, between the base and the rate steps."""

    __slots__ = ("base", "certain", "index", "label", "purchase")

    def __init__(self, purchase: Purchase, index: int, base: Bounds, certain: bool) -> None:
        self.purchase = purchase
        self.index = index
        self.label = purchase.label(index)
        self.base = base
        self.certain = certain


class Plan:
    """A program compiled for evaluation. Build with :func:`compile_program`."""

    __slots__ = (
        "applicant_tests",
        "base",
        "caps_program",
        "caps_purchase",
        "caps_year",
        "ceiling",
        "effective_assumption",
        "explainers",
        "fast",
        "lump_sum",
        "minimum",
        "monotone",
        "pool",
        "program",
        "prorate",
        "purchase_tests",
        "rounding",
        "spend_threshold",
        "support_years",
        "switches",
        "threshold",
        "tiers",
        "unpublished",
    )

    def __init__(self, program: Program) -> None:
        self.program = program
        tests = [Test(c) for c in program.eligibility]
        self.applicant_tests = [t for t in tests if t.scope != PURCHASE]
        self.purchase_tests = [t for t in tests if t.scope == PURCHASE]
        self.effective_assumption = program.effective.assumption
        self.base = program.base
        prorate = program.base.prorate
        self.prorate = None if prorate is None else (prorate.from_, prorate.to, cite(prorate))
        rate = program.rate
        self.unpublished = rate.unpublished
        self.lump_sum = (
            None
            if rate.lump_sum is None
            else _Limit(rate.lump_sum.per, rate.lump_sum.amount, rate.lump_sum)
        )
        self.tiers = [_Tier(t) for t in rate.tiers]
        self.threshold: Decimal | None = next(
            (c.max for t in rate.tiers for c in t.when if c.max is not None), None
        )
        # A yearly-total tier, and support limited to the first N paying years, can make a
        # larger purchase lower the award (a new paying year displaces a later, larger one).
        self.monotone = self.threshold is None and program.support_years is None
        self.switches = {w.id for w in program.switches}
        self.ceiling = None
        if rate.ceiling is not None:
            self.ceiling = _Limit("ceiling", rate.ceiling.rate, rate.ceiling)
        caps = [_Limit(c.per, c.amount, c) for c in program.caps]
        self.caps_purchase = [c for c in caps if c.per == "purchase"]
        self.caps_year = [c for c in caps if c.per == "applicant_year"]
        self.caps_program = [c for c in caps if c.per == "applicant_total"]
        pool = program.pool
        self.pool = None if pool is None else _Limit(pool.period, (pool.amount, pool.amount), pool)
        minimum = program.minimum
        self.minimum = (
            None
            if minimum is None
            else _Limit("minimum", (minimum.amount, minimum.amount), minimum)
        )
        spend = program.threshold
        self.spend_threshold = (
            None
            if spend is None
            else (spend.amount, spend.inclusive, cite(spend), spend.assumption)
        )
        sy = program.support_years
        self.support_years = None if sy is None else (sy.count, cite(sy), sy.assumption)
        r = program.rounding
        self.rounding = Rounding(r.quantum, r.mode, r.at == "each_step")
        self.fast: FastPlan | None = compile_fast(self)
        # one explainer per setting (switches, window, coverage, renewal), shared by the
        # fast path's awards: an award then holds only its own profile
        self.explainers: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    # -- the steps -------------------------------------------------------------------------

    def evaluate(
        self,
        profile: Profile,
        switches: Iterable[str] = (),
        *,
        window: Window | None = None,
        coverage: Window | None = None,
        renewal: bool = False,
    ) -> Award:
        """Evaluate this program for ``profile``.

        ``switches`` are the names of user-switchable assumptions that are on (``--assume``).
        ``window`` limits the purchases to those signed inside it (the signing dates this
        version covers); ``coverage`` is the span all known versions of the program cover
        together, which tells why a purchase outside the window is left out: another version
        applies, the program had not taken effect, or it depends on a renewal. ``renewal``
        marks the award as one that pays only if the program is renewed.

        Where every fact the plan reads is known, the fast path (:mod:`aivoucher.evaluate.fast`)
        decides the amounts and the trace is built on first access; otherwise, and for plans
        the fast path does not cover, :meth:`explain` evaluates. The award is the same.
        """
        on = _NO_SWITCHES if not switches else frozenset(switches)
        setting = (on, window, coverage, renewal)
        fast = self.fast
        if fast is not None:
            decision = fast.decide(profile, on, window)
            if decision is not None:
                eligible, low, high, used = decision
                return Award.explained_later(
                    self.program,
                    eligible,
                    low,
                    high,
                    used,
                    renewal,
                    self._explainer(setting),
                    profile,
                )
        if len(profile.purchases) > TRACE_ON_ACCESS_ABOVE:
            # a long trace is built when read, not kept in every award of the estimate
            full = self.explain(
                profile, on, window=window, coverage=coverage, renewal=renewal, steps=discard_step
            )
            return Award.explained_later(
                self.program,
                full.eligible,
                full.low,
                full.high,
                full.purchases,
                renewal,
                self._explainer(setting),
                profile,
                full.missing,
            )
        return self.explain(profile, on, window=window, coverage=coverage, renewal=renewal)

    def _explainer(self, setting: tuple[frozenset[str], Any, Any, bool]) -> tuple[Any, ...]:
        """One explainer per setting (switches, window, coverage, renewal), shared by the
        awards whose trace is built on access: each award then holds only its profile."""
        explainer = self.explainers.get(setting)
        if explainer is None:
            explainer = self.explainers[setting] = (_explain, self, *setting)
        return explainer

    def explain(
        self,
        profile: Profile,
        switches: Iterable[str] = (),
        *,
        window: Window | None = None,
        coverage: Window | None = None,
        renewal: bool = False,
        steps: Callable[[Step], None] | None = None,
    ) -> Award:
        """The general engine: :meth:`evaluate` in three-valued logic, recording every step as
        it goes. Any profile, any plan; the fast path's awards are explained by it.

        ``steps``: a function each step is passed to as it is recorded, instead of keeping it
        in the award (whose ``steps`` are then empty), for writers that stream a long trace."""
        trace = _Trace(steps)
        trace.rule(self.effective_assumption)
        on = frozenset(switches)
        for name in sorted(on & self.switches):
            trace.assume(Assumption(AssumptionCode.SWITCH, field=name))
        subjects: list[Any] = [profile.applicant, None, None, on]
        applicant_ok = self._conditions(
            self.applicant_tests, subjects, None, None, trace, passes=True
        )
        trace.renewal = renewal
        if applicant_ok is False:
            return self._award(False, _NOTHING, trace, ())
        if self.unpublished is not None:
            return self._unpublished(profile.purchases, subjects, trace)
        if self.lump_sum is not None and self.lump_sum.per == "applicant":
            total = self._lump_sum(trace)
            used: tuple[int, ...] = ()
        else:
            if not profile.purchases:
                trace.reasons.append(Reason(ReasonCode.NO_PURCHASES))
                return self._award(False, _NOTHING, trace, ())
            years = self._purchases(profile.purchases, subjects, trace, window, coverage)
            if not years:
                trace.reasons.append(Reason(ReasonCode.NO_QUALIFYING_PURCHASE))
                return self._award(False, _NOTHING, trace, ())
            used = tuple(sorted(c.index for cands in years.values() for c, _ in cands))
            total = self._years(years, trace)
        total = self._caps(self.caps_program, total, None, trace)
        if self.pool is not None and self.pool.per == "program":
            total = self._cap(self.pool, StepKind.POOL, total, None, trace)
        if applicant_ok is None:
            after = (ZERO, total[1])
            trace.step(StepKind.UNCERTAIN, before=total, after=after)
            total = after
        rounded = (self.rounding.apply(total[0]), self.rounding.apply(total[1]))
        if rounded != total:
            trace.step(
                StepKind.ROUNDING, before=total, after=rounded, detail=self._rounding_detail()
            )
        return self._award(True, rounded, trace, used)

    def _unpublished(
        self, purchases: Sequence[Purchase], subjects: list[Any], trace: _Trace
    ) -> Award:
        """No amount can be computed; still say whether any purchase would qualify."""
        qualifying = []
        for index, purchase in zip(indices(len(purchases)), purchases, strict=False):
            subjects[PURCHASE] = purchase
            label = purchase.label(index)
            if (
                self._conditions(self.purchase_tests, subjects, label, index, trace, passes=False)
                is not False
            ):
                qualifying.append(index)
        if not qualifying:
            trace.reasons.append(
                Reason(
                    ReasonCode.NO_PURCHASES if not purchases else ReasonCode.NO_QUALIFYING_PURCHASE
                )
            )
            return self._award(False, _NOTHING, trace, ())
        trace.reasons.append(Reason(ReasonCode.RATE_UNPUBLISHED, text=self.unpublished))
        return self._award(None, None, trace, tuple(qualifying))

    def _award(
        self, eligible: bool | None, amount: Bounds | None, trace: _Trace, used: tuple[int, ...]
    ) -> Award:
        return Award(
            program=self.program,
            eligible=eligible,
            low=None if amount is None else amount[0],
            high=None if amount is None else amount[1],
            reasons=tuple(trace.reasons),
            assumptions=tuple(trace.assumptions),
            steps=tuple(trace.steps),
            missing=tuple(trace.missing),
            purchases=used,
            renewal=trace.renewal,
        )

    def _conditions(
        self,
        tests: Sequence[Test],
        subjects: Sequence[Any],
        label: str | None,
        index: int | None,
        trace: _Trace,
        *,
        passes: bool,
        record: bool = True,
    ) -> bool | None:
        """Check ``tests`` in three-valued logic and trace them.

        Failures are always traced; unknowns only when nothing failed (a purchase that fails on
        one fact cannot be rescued by another, so its unknown facts are moot); passes only where
        ``passes`` asks for them (the applicant's conditions, shown as the program's checklist).
        An unknown fact on a condition marked ``if_unknown: pass``/``fail`` counts as met/not
        met, and the estimate says so. With ``record`` false a failure is not traced at all
        (past the first :data:`EXCLUDED_SHOWN` excluded purchases, only their count is kept).
        """
        results = []
        assumed = []
        failed = unknown = False
        for test in tests:
            ok, value = test.check(subjects)
            if ok is None and test.if_unknown != "range":
                # the rule file decides this unknown fact; the estimate says so
                ok = test.if_unknown == "pass"
                code = AssumptionCode.ASSUMED_MET if ok else AssumptionCode.ASSUMED_NOT_MET
                assumed.append(Assumption(code, field=test.path(index), subject=label))
            if ok is False:
                failed = True
            elif ok is None:
                unknown = True
            if ok is not True or passes:
                results.append((test, ok, value))
        if failed and not record:
            return False
        for assumption in assumed:
            trace.assume(assumption)
        for test, ok, value in results:
            if ok is False or (ok is None and not failed) or ok is True:
                self._condition(test, ok, value, label, index, trace)
        if failed:
            return False
        return None if unknown else True

    def _condition(
        self,
        test: Test,
        ok: bool | None,
        value: Any,
        subject: str | None,
        index: int | None,
        trace: _Trace,
    ) -> None:
        trace.step(
            StepKind.CONDITION,
            subject=subject,
            detail={"fact": test.fact, "expected": test.expected, "actual": value, "ok": ok},
            cites=test.cites,
            assumption=test.assumption,
        )
        if ok is True:
            return
        code = ReasonCode.CONDITION_FAILED if ok is False else ReasonCode.CONDITION_UNKNOWN
        actual = value[1] - value[0] if test.fact == "purchase.term" and value else value
        trace.reasons.append(Reason(code, test.fact, test.expected, actual, subject, test.source))
        if ok is None:
            trace.unknown(test.path(index), subject)

    def _purchases(
        self,
        purchases: Sequence[Purchase],
        subjects: list[Any],
        trace: _Trace,
        window: Window | None,
        coverage: Window | None,
    ) -> dict[int, list[tuple[_Candidate, Bounds]]]:
        """Every purchase's award before per-year caps, grouped by the year it was signed."""
        candidates: list[_Candidate] = []
        excluded = 0
        for index, purchase in zip(indices(len(purchases)), purchases, strict=False):
            subjects[PURCHASE] = purchase
            label = purchase.label(index)
            if window is not None and not self.program.covers(purchase, window):
                trace.reasons.append(_outside(purchase.signed, window, coverage, label))
                continue
            record = excluded < EXCLUDED_SHOWN
            ok = self._conditions(
                self.purchase_tests, subjects, label, index, trace, passes=False, record=record
            )
            if ok is False:
                excluded += 1
                continue
            base = self._base(purchase, label, index, trace)
            if ok is None:
                base = (ZERO, base[1])
            candidates.append(_Candidate(purchase, index, base, ok is True))
        if excluded > EXCLUDED_SHOWN:
            trace.reasons.append(Reason(ReasonCode.MORE_EXCLUDED, actual=excluded - EXCLUDED_SHOWN))
        contexts: dict[int, YearContext] = {}
        if self.threshold is not None:
            for year in {c.purchase.year for c in candidates}:
                same = [c for c in candidates if c.purchase.year == year]
                low = sum((c.purchase.amount for c in same if c.certain), ZERO)
                high = sum((c.purchase.amount for c in same), ZERO)
                contexts[year] = YearContext((low, high), self.threshold)
        years: dict[int, list[tuple[_Candidate, Bounds]]] = {}
        for cand in candidates:
            subjects[PURCHASE] = cand.purchase
            subjects[YEAR] = contexts.get(cand.purchase.year)
            amount = self._amount(cand, subjects, trace)
            if amount is not None:
                years.setdefault(cand.purchase.year, []).append((cand, amount))
        return years

    def _amount(self, cand: _Candidate, subjects: list[Any], trace: _Trace) -> Bounds | None:
        """Rate × base, per-purchase caps and the minimum, for one purchase."""
        if self.lump_sum is not None:  # a fixed award for each qualifying entry
            return self._lump_each(cand, trace)
        chosen = self._rate(subjects, cand.label, cand.index, trace)
        if chosen is None:
            return None
        rate, tiers, no_tier_possible = chosen
        base = cand.base
        amount = self._round_step((base[0] * rate[0], base[1] * rate[1]))
        trace.step(StepKind.AMOUNT, subject=cand.label, before=base, after=amount, rate=rate)
        if any(t.first_years is not None for t in tiers):
            amount = self._first_years(cand, tiers, no_tier_possible, subjects, amount, trace)
        if any(t.cap is not None for t in tiers):
            amount = self._tier_caps(tiers, no_tier_possible, base, amount, cand.label, trace)
        amount = self._caps(self.caps_purchase, amount, cand.label, trace)
        if self.minimum is not None:
            amount = self._minimum(amount, cand.label, trace)
        return amount

    def _round_step(self, amount: Bounds) -> Bounds:
        if not self.rounding.each_step:
            return amount
        return self.rounding.apply(amount[0]), self.rounding.apply(amount[1])

    def _base(self, purchase: Purchase, label: str, index: int, trace: _Trace) -> Bounds:
        base_rule = self.base
        # the reading is listed before the settled-amount assumption it qualifies
        trace.rule(base_rule.assumption)
        detail: dict[str, Any] = {"of": base_rule.of}
        if base_rule.of == "contract" or purchase.settled is not None:
            value = purchase.amount if base_rule.of == "contract" else purchase.settled
            assert value is not None
            base = (value, value)
        elif base_rule.if_unknown == "contract":
            base = (purchase.amount, purchase.amount)
            detail["from_contract"] = True
            trace.assume(Assumption(AssumptionCode.SETTLED_FROM_CONTRACT, subject=label))
        else:
            base = (ZERO, purchase.amount)
            detail["settled_unknown"] = True
            trace.assume(Assumption(AssumptionCode.SETTLED_UNKNOWN, subject=label))
        trace.step(
            StepKind.BASE,
            subject=label,
            after=base,
            detail=detail,
            cites=cite(base_rule),
            assumption=base_rule.assumption,
        )
        if self.prorate is not None:
            base = self._prorate(purchase, base, label, index, trace)
        return base

    def _prorate(
        self, purchase: Purchase, base: Bounds, label: str, index: int, trace: _Trace
    ) -> Bounds:
        """The share of the contract's days inside the base period (date differences)."""
        assert self.prorate is not None
        first, last, cites = self.prorate
        detail: dict[str, Any] = {"from": first, "to": last}
        start, end = purchase.start, purchase.end
        if start is None or end is None or end <= start:
            if start is None or end is None:
                trace.unknown(f"purchases[{index}].start/end", label)
            after = (ZERO, base[1])
        else:
            days = (end - start).days
            inside = max(0, (min(end, last) - max(start, first)).days)
            detail.update(days=days, inside=inside)
            after = self._round_step((base[0] * inside / days, base[1] * inside / days))
        trace.step(
            StepKind.PRORATION,
            subject=label,
            before=base,
            after=after,
            detail=detail,
            cites=cites,
        )
        return after

    def _first_years(
        self,
        cand: _Candidate,
        tiers: list[_Tier],
        no_tier_possible: bool,
        subjects: list[Any],
        amount: Bounds,
        trace: _Trace,
    ) -> Bounds:
        """A tier limited to the first N years of a contract's service period.

        The share of the contract's days inside its first N years (date differences, as for
        proration) takes the tier's rate; the rest takes the rate of the next tier that applies
        (nothing if none does). Without start and end dates the share is unknown: the range runs
        from the rest rate to the tier's rate on the whole contract. Each possible tier is
        computed on its own, then the extremes are taken (as for tier caps).
        """
        base = cand.base
        ceiling = self.ceiling.amount[1] if self.ceiling is not None else None
        start, end = cand.purchase.start, cand.purchase.end
        dated = start is not None and end is not None and start < end
        if start is None or end is None:
            trace.unknown(f"purchases[{cand.index}].start/end", cand.label)
        lows, highs = [], []
        detail: dict[str, Any] = {}
        for tier in tiers:
            r0, r1 = tier.rate
            if ceiling is not None:
                r0, r1 = min(r0, ceiling), min(r1, ceiling)
            if tier.first_years is None:
                lo, hi = self._round_step((base[0] * r0, base[1] * r1))
            else:
                q0, q1 = self._rest_rate(tier, subjects)
                if ceiling is not None:
                    q0, q1 = min(q0, ceiling), min(q1, ceiling)
                shares: tuple[Decimal, ...] = (ZERO, Decimal(1))
                if dated:
                    assert start is not None and end is not None
                    days = (end - start).days
                    inside = min(days, (add_years(start, tier.first_years) - start).days)
                    shares = (Decimal(inside) / days,)
                    if not detail:
                        detail.update(days=days, inside=inside)
                lo = min(base[0] * (s * r0 + (1 - s) * q0) for s in shares)
                hi = max(base[1] * (s * r1 + (1 - s) * q1) for s in shares)
                lo, hi = self._round_step((lo, hi))
                if "years" not in detail:
                    detail.update(years=tier.first_years, rate=(r0, r1), rest=(q0, q1))
            lows.append(lo)
            highs.append(hi)
        after = (ZERO if no_tier_possible else min(lows), max(highs))
        limited = [t for t in tiers if t.first_years is not None]
        trace.step(
            StepKind.FIRST_YEARS,
            subject=cand.label,
            before=amount,
            after=after,
            detail=detail,
            cites=tuple(dict.fromkeys(c for t in limited for c in t.cites)),
            assumption=limited[0].assumption,
        )
        return after

    def _rest_rate(self, limited: _Tier, subjects: Sequence[Any]) -> Bounds:
        """The rate range of the first tier after ``limited`` that applies, trying every value
        of a fact the profile leaves unknown; 0 where no later tier applies."""
        later = self.tiers[self.tiers.index(limited) + 1 :]
        unknown: dict[str, list[Test]] = {}
        for tier in later:
            for t in tier.tests:
                if t.get(subjects[t.scope]) is None:
                    unknown.setdefault(t.fact + t.field, []).append(t)
        keys = list(unknown)
        lows, highs = [], []
        for values in itertools.product(*(domain_of(unknown[k]) for k in keys)):
            fixed = dict(zip(keys, values, strict=True))
            found = next(
                (
                    tier
                    for tier in later
                    if all(
                        t.test(
                            fixed[t.fact + t.field]
                            if t.fact + t.field in fixed
                            else t.get(subjects[t.scope])
                        )
                        for t in tier.tests
                    )
                ),
                None,
            )
            lows.append(ZERO if found is None else found.rate[0])
            highs.append(ZERO if found is None else found.rate[1])
        return min(lows), max(highs)

    def _tier_caps(
        self,
        tiers: list[_Tier],
        no_tier_possible: bool,
        base: Bounds,
        amount: Bounds,
        label: str,
        trace: _Trace,
    ) -> Bounds:
        """Caps that belong to tiers: each possible tier's own amount, then the extremes."""
        ceiling = self.ceiling.amount[1] if self.ceiling is not None else None
        lows, highs = [], []
        for tier in tiers:
            r0, r1 = tier.rate
            if ceiling is not None:
                r0, r1 = min(r0, ceiling), min(r1, ceiling)
            lo, hi = self._round_step((base[0] * r0, base[1] * r1))
            if tier.cap is not None:
                lo, hi = min(lo, tier.cap[0]), min(hi, tier.cap[1])
            lows.append(lo)
            highs.append(hi)
        after = (ZERO if no_tier_possible else min(lows), max(highs))
        caps = [t.cap for t in tiers if t.cap is not None]
        cap = (min(c[0] for c in caps), max(c[1] for c in caps))
        trace.step(
            StepKind.CAP,
            subject=label,
            before=amount,
            after=after,
            detail={"per": "tier", "cap": cap, "binding": after != amount},
            cites=tuple(dict.fromkeys(c for t in tiers if t.cap is not None for c in t.cites)),
        )
        return after

    def _rate(
        self, subjects: list[Any], label: str, index: int, trace: _Trace
    ) -> tuple[Bounds, list[_Tier], bool] | None:
        """The first tier whose conditions hold wins.

        Where a tier condition reads a fact the profile leaves unknown, every value of that fact
        is tried (facts have small domains), so the rate pair is exactly the lowest and highest
        rate any answer would give; an answer under which no tier applies counts as 0.
        """
        unknown: dict[str, list[Test]] = {}
        for tier in self.tiers:
            for t in tier.tests:
                if t.get(subjects[t.scope]) is None:
                    unknown.setdefault(t.fact + t.field, []).append(t)
        outcomes: list[_Tier | None]
        if not unknown:
            outcomes = [self._first_tier(subjects, {})]
        else:
            keys = list(unknown)
            for tests in unknown.values():
                t = tests[0]
                trace.unknown(t.path(index), label if t.scope == PURCHASE else None)
            domains = [domain_of(unknown[k]) for k in keys]
            outcomes = [
                self._first_tier(subjects, dict(zip(keys, values, strict=True)))
                for values in itertools.product(*domains)
            ]
        chosen = [t for t in self.tiers if t in outcomes]
        if not chosen:
            trace.reasons.append(Reason(ReasonCode.NO_RATE_TIER, subject=label))
            return None
        low = ZERO if None in outcomes else min(t.rate[0] for t in chosen)
        high = max(t.rate[1] for t in chosen)
        cites = tuple(dict.fromkeys(c for tier in chosen for c in tier.cites))
        for tier in chosen:
            trace.rule(tier.assumption)
        detail: dict[str, Any] = {"tiers": tuple(self.tiers.index(tier) for tier in chosen)}
        if self.ceiling is not None:
            ceiling = self.ceiling.amount[1]
            detail["ceiling"] = ceiling
            if high > ceiling:
                low, high = min(low, ceiling), ceiling
                cites += self.ceiling.cites
            trace.rule(self.ceiling.assumption)
        trace.step(StepKind.RATE, subject=label, rate=(low, high), detail=detail, cites=cites)
        return (low, high), chosen, None in outcomes

    def _first_tier(self, subjects: Sequence[Any], fixed: dict[str, Any]) -> _Tier | None:
        for tier in self.tiers:
            for t in tier.tests:
                key = t.fact + t.field
                value = fixed[key] if key in fixed else t.get(subjects[t.scope])
                if not t.test(value):
                    break
            else:
                return tier
        return None

    def _cap(
        self, limit: _Limit, kind: StepKind, amount: Bounds, subject: str | None, trace: _Trace
    ) -> Bounds:
        after = (min(amount[0], limit.amount[0]), min(amount[1], limit.amount[1]))
        detail: dict[str, Any]
        if kind is StepKind.CAP:
            detail = {"per": limit.per, "cap": limit.amount}
        else:
            detail = {"period": limit.per, "pool": limit.amount[0]}
        detail["binding"] = after != amount
        trace.step(
            kind,
            subject=subject,
            before=amount,
            after=after,
            detail=detail,
            cites=limit.cites,
            assumption=limit.assumption,
        )
        return after

    def _caps(
        self, caps: Iterable[_Limit], amount: Bounds, subject: str | None, trace: _Trace
    ) -> Bounds:
        for cap in caps:
            amount = self._cap(cap, StepKind.CAP, amount, subject, trace)
        return amount

    def _minimum(self, amount: Bounds, subject: str, trace: _Trace) -> Bounds:
        """An award below the minimum is not paid."""
        assert self.minimum is not None
        floor = self.minimum.amount[0]
        after = (
            amount[0] if amount[0] >= floor else ZERO,
            amount[1] if amount[1] >= floor else ZERO,
        )
        trace.step(
            StepKind.MINIMUM,
            subject=subject,
            before=amount,
            after=after,
            detail={"minimum": floor, "binding": after != amount},
            cites=self.minimum.cites,
            assumption=self.minimum.assumption,
        )
        if after[1] == 0 and amount[1] > 0:
            trace.reasons.append(
                Reason(
                    ReasonCode.BELOW_MINIMUM, expected=(floor,), actual=amount[1], subject=subject
                )
            )
        return after

    def _lump_sum(self, trace: _Trace) -> Bounds:
        assert self.lump_sum is not None
        amount = self.lump_sum.amount
        trace.step(
            StepKind.LUMP_SUM,
            after=amount,
            cites=self.lump_sum.cites,
            assumption=self.lump_sum.assumption,
        )
        return amount

    def _lump_each(self, cand: _Candidate, trace: _Trace) -> Bounds:
        """A fixed award for one entry (an evaluated model, a corpus); nothing at the low end
        where the entry's qualifying turns on an unknown fact."""
        assert self.lump_sum is not None
        amount = self.lump_sum.amount
        after = amount if cand.certain else (ZERO, amount[1])
        trace.step(
            StepKind.LUMP_SUM,
            subject=cand.label,
            after=after,
            cites=self.lump_sum.cites,
            assumption=self.lump_sum.assumption,
        )
        amount = self._caps(self.caps_purchase, after, cand.label, trace)
        return amount

    def _spend_threshold(
        self, entries: list[tuple[_Candidate, Bounds]], total: Bounds, year: str, trace: _Trace
    ) -> Bounds:
        """A year pays only if its qualifying spend (the purchases' bases) reaches the
        threshold; where that turns on purchases whose inclusion is unknown, the low end is 0."""
        assert self.spend_threshold is not None
        amount, inclusive, cites, assumption = self.spend_threshold
        spend = (
            sum((c.base[0] for c, _ in entries), ZERO),
            sum((c.base[1] for c, _ in entries), ZERO),
        )

        def reaches(value: Decimal) -> bool:
            return value >= amount if inclusive else value > amount

        met: bool | None = True if reaches(spend[0]) else (None if reaches(spend[1]) else False)
        after = total if met else (_NOTHING if met is False else (ZERO, total[1]))
        trace.step(
            StepKind.THRESHOLD,
            subject=year,
            before=total,
            after=after,
            detail={"threshold": amount, "inclusive": inclusive, "spend": spend, "met": met},
            cites=cites,
            assumption=assumption,
        )
        if met is False:
            trace.reasons.append(
                Reason(
                    ReasonCode.BELOW_THRESHOLD,
                    "year.spend",
                    (amount,),
                    spend[1],
                    year,
                    cites[0][0] if cites else None,
                )
            )
        return after

    def _years(self, years: dict[int, list[tuple[_Candidate, Bounds]]], trace: _Trace) -> Bounds:
        """Per calendar year: sum, per-year caps, yearly pool; then the support-years limit."""
        per_year: list[tuple[int, Bounds]] = []
        for year in sorted(years):
            entries = years[year]
            subject = str(year)
            total = (sum((a[0] for _, a in entries), ZERO), sum((a[1] for _, a in entries), ZERO))
            trace.step(
                StepKind.YEAR, subject=subject, after=total, detail={"purchases": len(entries)}
            )
            if self.spend_threshold is not None:
                total = self._spend_threshold(entries, total, subject, trace)
            capped = self._caps(self.caps_year, total, subject, trace)
            if self.pool is not None and self.pool.per == "year":
                capped = self._cap(self.pool, StepKind.POOL, capped, subject, trace)
            if capped != total and len(entries) > 1:
                self._allocate(entries, capped, subject, trace)
            per_year.append((year, capped))
        result = (sum((t[0] for _, t in per_year), ZERO), sum((t[1] for _, t in per_year), ZERO))
        if self.support_years is not None:
            result = self._support_years(per_year, result, trace)
        trace.step(StepKind.TOTAL, after=result, detail={"years": [y for y, _ in per_year]})
        return result

    def _allocate(
        self, entries: list[tuple[_Candidate, Bounds]], capped: Bounds, subject: str, trace: _Trace
    ) -> None:
        """Show how a binding yearly limit falls on the purchases: in signing order, each takes
        what the limit leaves (caps are counted as applications are made)."""
        ordered = sorted(entries, key=lambda e: (e[0].purchase.signed, e[0].index))
        left = list(capped)
        shares = []
        for cand, amount in ordered:
            share = (min(amount[0], left[0]), min(amount[1], left[1]))
            left = [left[0] - share[0], left[1] - share[1]]
            shares.append({"purchase": cand.label, "amount": amount, "share": share})
        trace.step(StepKind.ALLOCATION, subject=subject, after=capped, detail={"shares": shares})

    def _support_years(
        self, per_year: list[tuple[int, Bounds]], total: Bounds, trace: _Trace
    ) -> Bounds:
        """Keep the years inside a period of ``count`` calendar years from the first that pays.

        Where the first years' payment is uncertain the period may start at any year up to the
        first year that certainly pays: the low end sums the lows inside the period from the
        first year that may pay (the years it skips can pay nothing), the high end the best
        period over the possible starts.
        """
        assert self.support_years is not None
        count, cites, assumption = self.support_years
        trace.rule(assumption)
        paying = [(y, t) for y, t in per_year if t[1] > 0]
        if not paying:
            return total
        first = paying[0][0]
        certain = next((y for y, t in paying if t[0] > 0), paying[-1][0])
        starts = [y for y, _ in paying if y <= certain]

        def period(start: int, end: int) -> list[tuple[int, Bounds]]:
            return [(y, t) for y, t in paying if start <= y < end]

        low = sum((t[0] for _, t in period(first, first + count)), ZERO)
        high = max(sum((t[1] for _, t in period(s, s + count)), ZERO) for s in starts)
        if (low, high) == total:
            return total
        counted = sorted({y for s in starts for y, _ in period(s, s + count)})
        trace.step(
            StepKind.SUPPORT_YEARS,
            before=total,
            after=(low, high),
            detail={"count": count, "years": counted},
            cites=cites,
            assumption=assumption,
        )
        return low, high

    def _rounding_detail(self) -> dict[str, Any]:
        r = self.program.rounding
        return {"unit": r.unit, "places": r.places, "mode": r.mode, "at": r.at}


def _explain(
    plan: Plan,
    switches: frozenset[str],
    window: Window | None,
    coverage: Window | None,
    renewal: bool,
    profile: Profile,
    steps: Callable[[Step], None] | None,
) -> Award:
    """The general engine's award, for the trace of an award whose trace was left for later."""
    return plan.explain(
        profile, switches, window=window, coverage=coverage, renewal=renewal, steps=steps
    )


def compile_program(program: Program) -> Plan:
    """Compile a validated program into an evaluation plan (done once per rule file)."""
    return Plan(program)


def not_in_force(program: Program, as_of: dt.date) -> Award:
    """The award of a program that is not in force on ``as_of`` (a draft, superseded, expired
    or not yet effective): nothing, with the reason."""
    eff = program.effective
    return Award(
        program=program,
        eligible=False,
        low=ZERO,
        high=ZERO,
        reasons=(
            Reason(
                ReasonCode.NOT_IN_FORCE,
                expected=(eff.from_, eff.to),
                actual=as_of,
                text=program.status,
            ),
        ),
    )
