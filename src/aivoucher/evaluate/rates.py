"""The rate stage of the traced evaluator: which tier applies, base × rate, and what a tier
limits (its own cap, its first years of service).

Where a tier condition reads a fact the profile leaves unknown, every value of that fact is
tried (:func:`~aivoucher.plan.conditions.domain_of`), so the rate pair is exactly the lowest and
highest rate any answer would give. :mod:`aivoucher.evaluate.traced` calls these per purchase
and records their steps in its trace; the fast path and the batch kernel decide the same tier
their own way (:mod:`aivoucher.evaluate.fast`, :mod:`aivoucher.evaluate.vector`).

Where each part lives:

* the tier, over every answer to an unknown fact, and the rate ceiling: :func:`choose_rate`
  (the first tier that holds: ``_first_tier``);
* a tier limited to a contract's first N years of service: :func:`first_years` (the rate of
  the rest of the contract: ``_rest_rate``);
* caps that belong to tiers: :func:`tier_caps`;
* rounding after every arithmetic step, where the program says so: :func:`round_step`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..base.dates import add_years
from ..base.money import ZERO
from ..plan.compiled import CompiledPlan, CompiledTier
from ..plan.conditions import PURCHASE, Test, domain_of
from ..vocabulary.details import CapDetail, FirstYearsDetail, RateDetail
from ..vocabulary.trace import Bounds, Reason, ReasonCode, StepKind

if TYPE_CHECKING:
    from .recording import Candidate, Trace

__all__ = ["choose_rate", "first_years", "round_step", "tier_caps"]


def round_step(plan: CompiledPlan, amount: Bounds) -> Bounds:
    if not plan.rounding.each_step:
        return amount
    return plan.rounding.apply(amount[0]), plan.rounding.apply(amount[1])


def choose_rate(
    plan: CompiledPlan, subjects: list[Any], label: str, index: int, trace: Trace
) -> tuple[Bounds, list[CompiledTier], bool] | None:
    """The first tier whose conditions hold wins.

    Where a tier condition reads a fact the profile leaves unknown, every value of that fact
    is tried (facts have small domains), so the rate pair is exactly the lowest and highest
    rate any answer would give; an answer under which no tier applies counts as 0.
    """
    unknown: dict[str, list[Test]] | None = None  # made where a fact is unknown (few)
    for tier in plan.tiers:
        for t in tier.tests:
            if t.get(subjects[t.scope]) is None:
                if unknown is None:
                    unknown = {}
                unknown.setdefault(t.fact + t.field, []).append(t)
    outcomes: list[CompiledTier | None]
    if not unknown:
        outcomes = [_first_tier(plan, subjects, _NOTHING_FIXED)]
    else:
        keys = list(unknown)
        for tests in unknown.values():
            t = tests[0]
            trace.unknown(t.path(index), label if t.scope == PURCHASE else None)
        domains = [domain_of(unknown[k]) for k in keys]
        outcomes = [
            _first_tier(plan, subjects, dict(zip(keys, values, strict=True)))
            for values in itertools.product(*domains)
        ]
    key = (id(plan), id(outcomes[0])) if len(outcomes) == 1 else (id(plan), *map(id, outcomes))
    known = _RATES.get(key)
    if known is not None and known[0] is plan:
        # the same tiers as before: the same rate, readings and step (the rest of this
        # function, as it would run again)
        _, rate, tiers, kept_readings, kept_detail, kept_cites = known
        for reading in kept_readings:
            trace.rule(reading)
        trace.step(StepKind.RATE, subject=label, rate=rate, detail=kept_detail, cites=kept_cites)
        return rate, list(tiers), None in outcomes
    chosen = [t for t in plan.tiers if t in outcomes]
    if not chosen:
        trace.reasons.append(Reason(ReasonCode.NO_RATE_TIER, subject=label))
        return None
    readings = [tier.assumption for tier in chosen]
    low = ZERO if None in outcomes else min(t.rate[0] for t in chosen)
    high = max(t.rate[1] for t in chosen)
    cites = tuple(dict.fromkeys(c for tier in chosen for c in tier.cites))
    for tier in chosen:
        trace.rule(tier.assumption)
    ceiling: Decimal | None = None
    if plan.ceiling is not None:
        ceiling = plan.ceiling.amount[1]
        if high > ceiling:
            low, high = min(low, ceiling), ceiling
            cites += plan.ceiling.cites
        trace.rule(plan.ceiling.assumption)
        readings.append(plan.ceiling.assumption)
    detail = RateDetail(tiers=tuple(plan.tiers.index(tier) for tier in chosen), ceiling=ceiling)
    trace.step(StepKind.RATE, subject=label, rate=(low, high), detail=detail, cites=cites)
    if len(_RATES) >= 4096:
        _RATES.clear()
    _RATES[key] = (plan, (low, high), tuple(chosen), tuple(readings), detail, cites)
    return (low, high), chosen, None in outcomes


#: What :func:`choose_rate` found for each plan and outcome of its tiers (by ``id()``, with the
#: plan kept to check it is the same object): the rate, the tiers chosen, the readings listed,
#: the step's detail and citations. A long profile takes the same tier purchase after purchase.
_RATES: dict[
    tuple[int, ...],
    tuple[Any, Bounds, tuple[CompiledTier, ...], tuple[str | None, ...], RateDetail, Any],
] = {}


_NOTHING_FIXED: dict[str, Any] = {}  # read only


def _first_tier(
    plan: CompiledPlan, subjects: Sequence[Any], fixed: dict[str, Any]
) -> CompiledTier | None:
    for tier in plan.tiers:
        for t in tier.tests:
            key = t.fact + t.field
            value = fixed[key] if key in fixed else t.get(subjects[t.scope])
            if not t.test(value):
                break
        else:
            return tier
    return None


def _rest_rate(plan: CompiledPlan, limited: CompiledTier, subjects: Sequence[Any]) -> Bounds:
    """The rate range of the first tier after ``limited`` that applies, trying every value
    of a fact the profile leaves unknown; 0 where no later tier applies."""
    later = plan.tiers[plan.tiers.index(limited) + 1 :]
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


def first_years(
    plan: CompiledPlan,
    cand: Candidate,
    tiers: list[CompiledTier],
    no_tier_possible: bool,
    subjects: list[Any],
    amount: Bounds,
    trace: Trace,
) -> Bounds:
    """A tier limited to the first N years of a contract's service period.

    The share of the contract's days inside its first N years (date differences, as for
    proration) takes the tier's rate; the rest takes the rate of the next tier that applies
    (nothing if none does). Without start and end dates the share is unknown: the range runs
    from the rest rate to the tier's rate on the whole contract. Each possible tier is
    computed on its own, then the extremes are taken (as for tier caps).
    """
    base = cand.base
    ceiling = plan.ceiling.amount[1] if plan.ceiling is not None else None
    start, end = cand.purchase.start, cand.purchase.end
    dated = start is not None and end is not None and start < end
    if start is None or end is None:
        trace.unknown(f"purchases[{cand.index}].start/end", cand.label)
    lows, highs = [], []
    detail: FirstYearsDetail | None = None  # the first limited tier's
    for tier in tiers:
        r0, r1 = tier.rate
        if ceiling is not None:
            r0, r1 = min(r0, ceiling), min(r1, ceiling)
        if tier.first_years is None:
            lo, hi = round_step(plan, (base[0] * r0, base[1] * r1))
        else:
            q0, q1 = _rest_rate(plan, tier, subjects)
            if ceiling is not None:
                q0, q1 = min(q0, ceiling), min(q1, ceiling)
            shares: tuple[Decimal, ...] = (ZERO, Decimal(1))
            if dated:
                assert start is not None and end is not None
                days = (end - start).days
                inside = min(days, (add_years(start, tier.first_years) - start).days)
                shares = (Decimal(inside) / days,)
            lo = min(base[0] * (s * r0 + (1 - s) * q0) for s in shares)
            hi = max(base[1] * (s * r1 + (1 - s) * q1) for s in shares)
            lo, hi = round_step(plan, (lo, hi))
            if detail is None:
                detail = FirstYearsDetail(
                    days=days if dated else None,
                    inside=inside if dated else None,
                    years=tier.first_years,
                    rate=(r0, r1),
                    rest=(q0, q1),
                )
        lows.append(lo)
        highs.append(hi)
    after = (ZERO if no_tier_possible else min(lows), max(highs))
    limited = [t for t in tiers if t.first_years is not None]
    assert detail is not None
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


def tier_caps(
    plan: CompiledPlan,
    tiers: list[CompiledTier],
    no_tier_possible: bool,
    base: Bounds,
    amount: Bounds,
    label: str,
    trace: Trace,
) -> Bounds:
    """Caps that belong to tiers: each possible tier's own amount, then the extremes."""
    ceiling = plan.ceiling.amount[1] if plan.ceiling is not None else None
    lows, highs = [], []
    for tier in tiers:
        r0, r1 = tier.rate
        if ceiling is not None:
            r0, r1 = min(r0, ceiling), min(r1, ceiling)
        lo, hi = round_step(plan, (base[0] * r0, base[1] * r1))
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
        detail=CapDetail(per="tier", cap=cap, binding=after != amount),
        cites=tuple(dict.fromkeys(c for t in tiers if t.cap is not None for c in t.cites)),
    )
    return after
