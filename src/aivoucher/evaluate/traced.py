"""The traced evaluator: eligibility → base → rate → caps → award, recording every step.

It reads a :class:`~aivoucher.plan.compiled.CompiledPlan` (conditions as small objects with
their constants ready, rates and caps as ``Decimal`` pairs); evaluating a profile builds no
pydantic models, reads no files and formats nothing. Any profile, any plan: the fast path's
awards (:mod:`aivoucher.evaluate.fast`) are explained by it, and the batch kernel
(:mod:`aivoucher.evaluate.vector`) sends it the applicants it does not cover.

Every amount is a ``(low, high)`` pair. The computation is monotone (products of non-negative
numbers, sums and minimums), so carrying both ends through each step gives exact bounds:

* a rate range in the text (50%–60%) gives a rate pair;
* a cap range ("原则上100万, 最高200万") gives a cap pair;
* a condition on a fact the profile leaves unknown makes a purchase's inclusion, or a tier's
  choice, uncertain: the low end takes the unfavourable answer, the high end the favourable one,
  and the missing field is named.

The one exception to monotonicity is a rate tier conditioned on the year's contracts in total
(Hangzhou's SME rate for "年申报智算合同累计金额50万元(含)以下"); :attr:`CompiledPlan.monotone`
says whether a program has one.

Order of operations (documented in docs/engine.md): per purchase, conditions and base
(prorated to a base period where the text says so); per purchase, rate, base × rate,
per-purchase caps and the minimum; purchases summed per calendar year of signing, then per-year
caps and a yearly pool; the first N years where support is time-limited; years summed, then
lifetime caps and a lifetime pool; finally rounding (or after every step, where the program
says so).

Where each stage lives (the conditions themselves are in :mod:`aivoucher.plan.conditions`, the
compiled plan in :mod:`aivoucher.plan.compiled`):

* applicant and purchase conditions, three-valued and traced: ``_conditions``;
* which purchases this version covers, and each one's base: ``_purchases``, ``_base``
  (proration: ``_prorate``);
* the rate (tiers over every answer to an unknown fact), tier caps and first years of service:
  :mod:`aivoucher.evaluate.rates`; base × rate, per-purchase caps, the minimum: ``_amount``
  (a lump sum instead: ``_lump_sum``, ``_lump_each``);
* the yearly stage — year sums, the annual spend threshold, per-year caps and the yearly pool,
  their allocation in signing order, support years: :mod:`aivoucher.evaluate.years`;
* lifetime caps, the program's pool, eligibility left uncertain and rounding: :func:`explain`.

Every step is recorded by one helper, :meth:`~aivoucher.evaluate.recording.Trace.step`, with the
text it cites and the reading it rests on; every cap and pool by
:meth:`~aivoucher.evaluate.recording.Trace.cap`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..base.indices import indices
from ..base.money import ZERO
from ..plan.compiled import CompiledPlan
from ..plan.conditions import PURCHASE, YEAR, Test, YearContext, cite
from ..vocabulary.details import (
    BaseDetail,
    ConditionDetail,
    MinimumDetail,
    ProrationDetail,
    RoundingDetail,
)
from ..vocabulary.profile import Profile, Purchase
from ..vocabulary.result import Award
from ..vocabulary.trace import (
    Assumption,
    AssumptionCode,
    Bounds,
    Reason,
    ReasonCode,
    Step,
    StepKind,
)
from .rates import choose_rate, first_years, round_step, tier_caps
from .recording import Candidate, Trace
from .years import years_total

__all__ = ["EXCLUDED_SHOWN", "Window", "explain"]

_NOTHING: Bounds = (ZERO, ZERO)
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


def explain(
    plan: CompiledPlan,
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
    trace = Trace(steps)
    trace.rule(plan.effective_assumption)
    on = frozenset(switches)
    for name in sorted(on & plan.switches):
        trace.assume(Assumption(AssumptionCode.SWITCH, field=name))
    subjects: list[Any] = [profile.applicant, None, None, on]
    applicant_ok = _conditions(plan, plan.applicant_tests, subjects, None, None, trace, passes=True)
    trace.renewal = renewal
    if applicant_ok is False:
        return _award(plan, False, _NOTHING, trace, ())
    if plan.unpublished is not None:
        return _unpublished(plan, profile.purchases, subjects, trace)
    if plan.lump_sum is not None and plan.lump_sum.per == "applicant":
        total = _lump_sum(plan, trace)
        used: tuple[int, ...] = ()
    else:
        if not profile.purchases:
            trace.reasons.append(Reason(ReasonCode.NO_PURCHASES))
            return _award(plan, False, _NOTHING, trace, ())
        years = _purchases(plan, profile.purchases, subjects, trace, window, coverage)
        if not years:
            trace.reasons.append(Reason(ReasonCode.NO_QUALIFYING_PURCHASE))
            return _award(plan, False, _NOTHING, trace, ())
        used = tuple(sorted(c.index for cands in years.values() for c, _ in cands))
        total = years_total(plan, years, trace)
    total = trace.caps(plan.caps_program, total, None)
    if plan.pool is not None and plan.pool.per == "program":
        total = trace.cap(plan.pool, StepKind.POOL, total, None)
    if applicant_ok is None:
        after = (ZERO, total[1])
        trace.step(StepKind.UNCERTAIN, before=total, after=after)
        total = after
    rounded = (plan.rounding.apply(total[0]), plan.rounding.apply(total[1]))
    if rounded != total:
        trace.step(StepKind.ROUNDING, before=total, after=rounded, detail=_rounding_detail(plan))
    return _award(plan, True, rounded, trace, used)


def _unpublished(
    plan: CompiledPlan, purchases: Sequence[Purchase], subjects: list[Any], trace: Trace
) -> Award:
    """No amount can be computed; still say whether any purchase would qualify."""
    qualifying = []
    for index, purchase in zip(indices(len(purchases)), purchases, strict=False):
        subjects[PURCHASE] = purchase
        label = purchase.label(index)
        if (
            _conditions(plan, plan.purchase_tests, subjects, label, index, trace, passes=False)
            is not False
        ):
            qualifying.append(index)
    if not qualifying:
        trace.reasons.append(
            Reason(ReasonCode.NO_PURCHASES if not purchases else ReasonCode.NO_QUALIFYING_PURCHASE)
        )
        return _award(plan, False, _NOTHING, trace, ())
    trace.reasons.append(Reason(ReasonCode.RATE_UNPUBLISHED, text=plan.unpublished))
    return _award(plan, None, None, trace, tuple(qualifying))


def _award(
    plan: CompiledPlan,
    eligible: bool | None,
    amount: Bounds | None,
    trace: Trace,
    used: tuple[int, ...],
) -> Award:
    return Award(
        program=plan.program,
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
    plan: CompiledPlan,
    tests: Sequence[Test],
    subjects: Sequence[Any],
    label: str | None,
    index: int | None,
    trace: Trace,
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
    if not passes:
        # most purchases meet every condition: nothing is traced then (passes are not shown)
        for test in tests:
            value = test.get(subjects[test.scope])
            if value is None or not test.test(value):
                break
        else:
            return True
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
            _condition(plan, test, ok, value, label, index, trace)
    if failed:
        return False
    return None if unknown else True


def _condition(
    plan: CompiledPlan,
    test: Test,
    ok: bool | None,
    value: Any,
    subject: str | None,
    index: int | None,
    trace: Trace,
) -> None:
    trace.step(
        StepKind.CONDITION,
        subject=subject,
        detail=ConditionDetail(fact=test.fact, expected=test.expected, actual=value, ok=ok),
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
    plan: CompiledPlan,
    purchases: Sequence[Purchase],
    subjects: list[Any],
    trace: Trace,
    window: Window | None,
    coverage: Window | None,
) -> dict[int, list[tuple[Candidate, Bounds]]]:
    """Every purchase's award before per-year caps, grouped by the year it was signed."""
    candidates: list[Candidate] = []
    excluded = 0
    program, tests = plan.program, plan.purchase_tests
    for index, purchase in zip(indices(len(purchases)), purchases, strict=False):
        subjects[PURCHASE] = purchase
        label = purchase.label(index)
        if window is not None and not program.covers(purchase, window):
            trace.reasons.append(_outside(purchase.signed, window, coverage, label))
            continue
        record = excluded < EXCLUDED_SHOWN
        ok = _conditions(plan, tests, subjects, label, index, trace, passes=False, record=record)
        if ok is False:
            excluded += 1
            continue
        base = _base(plan, purchase, label, index, trace)
        if ok is None:
            base = (ZERO, base[1])
        candidates.append(Candidate(purchase, index, base, ok is True, label))
    if excluded > EXCLUDED_SHOWN:
        trace.reasons.append(Reason(ReasonCode.MORE_EXCLUDED, actual=excluded - EXCLUDED_SHOWN))
    contexts: dict[int, YearContext] = {}
    if plan.threshold is not None:
        for year in {c.purchase.year for c in candidates}:
            same = [c for c in candidates if c.purchase.year == year]
            low = sum((c.purchase.amount for c in same if c.certain), ZERO)
            high = sum((c.purchase.amount for c in same), ZERO)
            contexts[year] = YearContext((low, high), plan.threshold)
    years: dict[int, list[tuple[Candidate, Bounds]]] = {}
    for cand in candidates:
        purchase = cand.purchase
        year = purchase.signed.year  # purchase.year
        subjects[PURCHASE] = purchase
        subjects[YEAR] = contexts.get(year) if contexts else None
        amount = _amount(plan, cand, subjects, trace)
        if amount is not None:
            found = years.get(year)
            if found is None:
                years[year] = [(cand, amount)]
            else:
                found.append((cand, amount))
    return years


def _amount(
    plan: CompiledPlan, cand: Candidate, subjects: list[Any], trace: Trace
) -> Bounds | None:
    """Rate × base, per-purchase caps and the minimum, for one purchase."""
    if plan.lump_sum is not None:  # a fixed award for each qualifying entry
        return _lump_each(plan, cand, trace)
    chosen = choose_rate(plan, subjects, cand.label, cand.index, trace)
    if chosen is None:
        return None
    rate, tiers, no_tier_possible = chosen
    base = cand.base
    amount = (base[0] * rate[0], base[1] * rate[1])
    if plan.rounding.each_step:
        amount = round_step(plan, amount)
    trace.step(StepKind.AMOUNT, subject=cand.label, before=base, after=amount, rate=rate)
    # the tiers' first years and caps, told without a generator where one tier applies (most)
    if len(tiers) == 1:
        first, capped = tiers[0].first_years is not None, tiers[0].cap is not None
    else:
        first = any(t.first_years is not None for t in tiers)
        capped = any(t.cap is not None for t in tiers)
    if first:
        amount = first_years(plan, cand, tiers, no_tier_possible, subjects, amount, trace)
    if capped:
        amount = tier_caps(plan, tiers, no_tier_possible, base, amount, cand.label, trace)
    if plan.caps_purchase:
        amount = trace.caps(plan.caps_purchase, amount, cand.label)
    if plan.minimum is not None:
        amount = _minimum(plan, amount, cand.label, trace)
    return amount


def _base(plan: CompiledPlan, purchase: Purchase, label: str, index: int, trace: Trace) -> Bounds:
    base_rule = plan.base
    # the reading is listed before the settled-amount assumption it qualifies
    if base_rule.assumption is not None:
        trace.rule(base_rule.assumption)
    if base_rule.of == "contract" or purchase.settled is not None:
        value = purchase.amount if base_rule.of == "contract" else purchase.settled
        assert value is not None
        base = (value, value)
        detail = _base_detail(base_rule.of, None, None)
    elif base_rule.if_unknown == "contract":
        base = (purchase.amount, purchase.amount)
        detail = _base_detail(base_rule.of, True, None)
        trace.assume(Assumption(AssumptionCode.SETTLED_FROM_CONTRACT, subject=label))
    else:
        base = (ZERO, purchase.amount)
        detail = _base_detail(base_rule.of, None, True)
        trace.assume(Assumption(AssumptionCode.SETTLED_UNKNOWN, subject=label))
    trace.step(
        StepKind.BASE,
        subject=label,
        after=base,
        detail=detail,
        cites=cite(base_rule),
        assumption=base_rule.assumption,
    )
    if plan.prorate is not None:
        base = _prorate(plan, purchase, base, label, index, trace)
    return base


#: The base steps' details, made once each (a value: every purchase's base step shares it).
_BASE_DETAILS: dict[tuple[str, bool | None, bool | None], BaseDetail] = {}


def _base_detail(of: Any, from_contract: bool | None, settled_unknown: bool | None) -> BaseDetail:
    """``BaseDetail(of=of, from_contract=…, settled_unknown=…)``."""
    key = (of, from_contract, settled_unknown)
    detail = _BASE_DETAILS.get(key)
    if detail is None:
        detail = _BASE_DETAILS[key] = BaseDetail(
            of=of, from_contract=from_contract, settled_unknown=settled_unknown
        )
    return detail


def _prorate(
    plan: CompiledPlan, purchase: Purchase, base: Bounds, label: str, index: int, trace: Trace
) -> Bounds:
    """The share of the contract's days inside the base period (date differences)."""
    assert plan.prorate is not None
    first, last, cites = plan.prorate
    detail = ProrationDetail(from_=first, to=last)
    start, end = purchase.start, purchase.end
    if start is None or end is None or end <= start:
        if start is None or end is None:
            trace.unknown(f"purchases[{index}].start/end", label)
        after = (ZERO, base[1])
    else:
        days = (end - start).days
        inside = max(0, (min(end, last) - max(start, first)).days)
        detail = ProrationDetail(from_=first, to=last, days=days, inside=inside)
        after = round_step(plan, (base[0] * inside / days, base[1] * inside / days))
    trace.step(
        StepKind.PRORATION,
        subject=label,
        before=base,
        after=after,
        detail=detail,
        cites=cites,
    )
    return after


def _minimum(plan: CompiledPlan, amount: Bounds, subject: str, trace: Trace) -> Bounds:
    """An award below the minimum is not paid."""
    assert plan.minimum is not None
    floor = plan.minimum.amount[0]
    after = (
        amount[0] if amount[0] >= floor else ZERO,
        amount[1] if amount[1] >= floor else ZERO,
    )
    trace.step(
        StepKind.MINIMUM,
        subject=subject,
        before=amount,
        after=after,
        detail=MinimumDetail(minimum=floor, binding=after != amount),
        cites=plan.minimum.cites,
        assumption=plan.minimum.assumption,
    )
    if after[1] == 0 and amount[1] > 0:
        trace.reasons.append(
            Reason(ReasonCode.BELOW_MINIMUM, expected=(floor,), actual=amount[1], subject=subject)
        )
    return after


def _lump_sum(plan: CompiledPlan, trace: Trace) -> Bounds:
    assert plan.lump_sum is not None
    amount = plan.lump_sum.amount
    trace.step(
        StepKind.LUMP_SUM,
        after=amount,
        cites=plan.lump_sum.cites,
        assumption=plan.lump_sum.assumption,
    )
    return amount


def _lump_each(plan: CompiledPlan, cand: Candidate, trace: Trace) -> Bounds:
    """A fixed award for one entry (an evaluated model, a corpus); nothing at the low end
    where the entry's qualifying turns on an unknown fact."""
    assert plan.lump_sum is not None
    amount = plan.lump_sum.amount
    after = amount if cand.certain else (ZERO, amount[1])
    trace.step(
        StepKind.LUMP_SUM,
        subject=cand.label,
        after=after,
        cites=plan.lump_sum.cites,
        assumption=plan.lump_sum.assumption,
    )
    amount = trace.caps(plan.caps_purchase, after, cand.label)
    return amount


def _rounding_detail(plan: CompiledPlan) -> RoundingDetail:
    r = plan.program.rounding
    return RoundingDetail(unit=r.unit, places=r.places, mode=r.mode, at=r.at)
