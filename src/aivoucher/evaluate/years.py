"""The yearly stage of the traced evaluator: purchases summed per calendar year of signing,
the spend threshold a year must reach, per-year caps and the yearly pool (and how a binding one
falls on the purchases), then support limited to the first N paying years.

Where each part lives: the year's sum, its caps and pool, the years summed: :func:`years_total`;
the spend threshold: ``_spend_threshold``; the allocation of a binding limit in signing order:
``_allocate``; support years: ``_support_years``, whose period :func:`support_period` works
out for the fast path too. :mod:`aivoucher.evaluate.traced` calls
:func:`years_total` with every counted purchase's award.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..base.money import ZERO
from ..plan.compiled import CompiledPlan
from ..vocabulary.details import (
    AllocationDetail,
    Share,
    SupportYearsDetail,
    ThresholdDetail,
    TotalDetail,
    YearDetail,
)
from ..vocabulary.trace import Bounds, Reason, ReasonCode, StepKind
from .recording import Candidate, Trace

__all__ = ["support_period", "years_total"]

_NOTHING: Bounds = (ZERO, ZERO)


def years_total(
    plan: CompiledPlan, years: dict[int, list[tuple[Candidate, Bounds]]], trace: Trace
) -> Bounds:
    """Per calendar year: sum, per-year caps, yearly pool; then the support-years limit."""
    per_year: list[tuple[int, Bounds]] = []
    for year in sorted(years):
        entries = years[year]
        subject = str(year)
        total = (sum((a[0] for _, a in entries), ZERO), sum((a[1] for _, a in entries), ZERO))
        trace.step(
            StepKind.YEAR, subject=subject, after=total, detail=YearDetail(purchases=len(entries))
        )
        if plan.spend_threshold is not None:
            total = _spend_threshold(plan, entries, total, subject, trace)
        capped = trace.caps(plan.caps_year, total, subject)
        if plan.pool is not None and plan.pool.per == "year":
            capped = trace.cap(plan.pool, StepKind.POOL, capped, subject)
        if capped != total and len(entries) > 1:
            _allocate(plan, entries, capped, subject, trace)
        per_year.append((year, capped))
    result = (sum((t[0] for _, t in per_year), ZERO), sum((t[1] for _, t in per_year), ZERO))
    if plan.support_years is not None:
        result = _support_years(plan, per_year, result, trace)
    trace.step(
        StepKind.TOTAL, after=result, detail=TotalDetail(years=tuple(y for y, _ in per_year))
    )
    return result


def _spend_threshold(
    plan: CompiledPlan,
    entries: list[tuple[Candidate, Bounds]],
    total: Bounds,
    year: str,
    trace: Trace,
) -> Bounds:
    """A year pays only if its qualifying spend (the purchases' bases) reaches the
    threshold; where that turns on purchases whose inclusion is unknown, the low end is 0."""
    assert plan.spend_threshold is not None
    amount, inclusive, cites, assumption = plan.spend_threshold
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
        detail=ThresholdDetail(threshold=amount, inclusive=inclusive, spend=spend, met=met),
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


def _allocate(
    plan: CompiledPlan,
    entries: list[tuple[Candidate, Bounds]],
    capped: Bounds,
    subject: str,
    trace: Trace,
) -> None:
    """Show how a binding yearly limit falls on the purchases: in signing order, each takes
    what the limit leaves (caps are counted as applications are made)."""
    ordered = sorted(entries, key=lambda e: (e[0].purchase.signed, e[0].index))
    left = list(capped)
    shares = []
    for cand, amount in ordered:
        share = (min(amount[0], left[0]), min(amount[1], left[1]))
        left = [left[0] - share[0], left[1] - share[1]]
        shares.append(Share(purchase=cand.label, amount=amount, share=share))
    trace.step(
        StepKind.ALLOCATION,
        subject=subject,
        after=capped,
        detail=AllocationDetail(shares=tuple(shares)),
    )


def _support_years(
    plan: CompiledPlan, per_year: list[tuple[int, Bounds]], total: Bounds, trace: Trace
) -> Bounds:
    """Keep the years inside the support period (:func:`support_period`), and record it."""
    assert plan.support_years is not None
    count, cites, assumption = plan.support_years
    trace.rule(assumption)
    kept = support_period(count, per_year)
    if kept is None or kept[0] == total:
        return total
    (low, high), counted = kept
    trace.step(
        StepKind.SUPPORT_YEARS,
        before=total,
        after=(low, high),
        detail=SupportYearsDetail(count=count, years=counted),
        cites=cites,
        assumption=assumption,
    )
    return low, high


def support_period(
    count: int, per_year: Sequence[tuple[int, Bounds]]
) -> tuple[Bounds, tuple[int, ...]] | None:
    """The total of the years inside a period of ``count`` calendar years from the first that
    pays, and the years any such period may count; ``None`` where no year pays. Read by the
    traced evaluator and the fast path (:mod:`aivoucher.evaluate.fast`) alike.

    Where the first years' payment is uncertain the period may start at any year up to the
    first year that certainly pays: the low end sums the lows inside the period from the
    first year that may pay (the years it skips can pay nothing), the high end the best
    period over the possible starts.
    """
    paying = [(y, t) for y, t in per_year if t[1] > 0]
    if not paying:
        return None
    first = paying[0][0]
    certain = next((y for y, t in paying if t[0] > 0), paying[-1][0])
    starts = [y for y, _ in paying if y <= certain]

    def period(start: int, end: int) -> list[tuple[int, Bounds]]:
        return [(y, t) for y, t in paying if start <= y < end]

    low = sum((t[0] for _, t in period(first, first + count)), ZERO)
    high = max(sum((t[1] for _, t in period(s, s + count)), ZERO) for s in starts)
    counted = sorted({y for s in starts for y, _ in period(s, s + count)})
    return (low, high), tuple(counted)
