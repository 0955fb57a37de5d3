"""Where a spend curve bends, found exactly (the work behind :func:`aivoucher.sweep`).

Every award is piecewise linear in one purchase's amount: a rate times the amount until a cap,
a pool, a minimum, a yearly-total threshold or a support-years limit changes the formula. The
engine is evaluated at whole fen and each **bend** is reported exactly:

1. *Candidates* come from the compiled plan: every cap, tier cap, pool and minimum (net of
   what the other purchases already take from a yearly or lifetime limit), divided by every
   rate that may apply to the purchase (and its proration share); every yearly-total threshold
   net of the other purchases of that year.
2. The engine is evaluated just below and above each candidate, on whole fen. Where the
   *regime* of an evaluation changes (which caps, pools and minimums bind at that end of the
   range, which rate tier applies), an exact bisection on fen finds the first fen of the new
   regime; the same bisection runs between any two grid points whose regimes differ, so a bend
   the candidates missed is still found.
3. A regime change is reported as a bend only when the engine confirms it: consecutive
   regimes whose exact (unrounded) values lie on one line are merged into one piece, and a bend
   is reported only between pieces whose lines differ in slope, or where the award jumps.

:class:`Curve` is one program's award as a function of the spend in fen (the engine's answers,
cached); :func:`find_bends` returns its :class:`Bend` list.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from ..base.money import ZERO
from ..vocabulary.details import (
    CapDetail,
    MinimumDetail,
    PoolDetail,
    RateDetail,
    SupportYearsDetail,
    ThresholdDetail,
)
from ..vocabulary.profile import Profile
from ..vocabulary.result import Award, Bounds, Step, StepKind

if TYPE_CHECKING:
    from ..evaluate.engine import Plan

__all__ = ["Bend", "Curve", "End", "find_bends", "support_start"]

End = Literal["low", "high"]
_ENDS: tuple[End, End] = ("low", "high")
_FEN_PER_YUAN = 100


@dataclass(frozen=True, slots=True)
class Bend:
    """Where one end (``low``/``high``, or both) of one program's curve changes formula.

    ``at`` is the smallest spend in fen at which the new piece holds; ``exact`` the rational
    spend where the two pieces' lines meet (``None`` where the award jumps, and for programs
    that round at every step, whose curve is a staircase: there ``at`` is the first fen at
    which the engine's limit binds and the slopes are the staircase's trend); ``jump`` whether
    the award jumps at ``at``. ``kind`` is the
    step that starts or stops binding: ``cap`` (``per`` purchase, tier, applicant_year or
    applicant_total), ``pool`` (``per`` year or program), ``minimum``, ``threshold`` (the
    year's spend reaches an annual spend threshold), ``tier`` (a yearly-total threshold chooses
    another rate), ``support_years`` or ``eligibility``; ``limit`` its amount;
    ``binds`` whether it starts (``True``) or stops binding. ``slope_before``/``slope_after``
    are yuan of award per yuan of spend; ``before``/``after`` the award one fen below ``at``
    and at ``at``. ``cites`` are the step's (source id, quote) pairs from the trace.
    """

    place: str
    program: str
    ends: tuple[End, ...]
    at: Decimal
    exact: Fraction | None
    jump: bool
    kind: str
    per: str | None
    limit: Decimal | None
    binds: bool
    slope_before: Fraction
    slope_after: Fraction
    before: Decimal
    after: Decimal
    cites: tuple[tuple[str, str], ...] = ()


# -- evaluation ------------------------------------------------------------------------------


def _exact(award: Award, end: int) -> Fraction:
    """The award before its final rounding (the rounding step's input), as a fraction."""
    for step in reversed(award.steps):
        if step.kind is StepKind.ROUNDING and step.before is not None:
            return Fraction(step.before[end])
    value = award.high if end else award.low
    return Fraction(value) if value is not None and award.eligible else Fraction(0)


def _rounded(award: Award, end: int) -> Decimal:
    value = award.high if end else award.low
    return value if value is not None and award.eligible else ZERO


Regime = tuple[Any, ...]


def _regime(award: Award, end: int) -> tuple[Regime, tuple[Step | None, ...]]:
    """What decides the formula at one end: eligibility, the rate tiers chosen, and which
    caps, pools, minimums and support-year limits bind; with the step behind each part."""
    parts: list[Any] = [("eligible", award.eligible)]
    steps: list[Step | None] = [None]
    per_year: dict[str | None, Bounds] = {}  # each year's amount after its own limits
    for step in award.steps:
        kind = step.kind
        if kind in (StepKind.YEAR, StepKind.CAP, StepKind.POOL) and step.after is not None:
            per_year[step.subject] = step.after
        if kind in (StepKind.CAP, StepKind.POOL, StepKind.MINIMUM, StepKind.THRESHOLD):
            assert step.before is not None and step.after is not None
            d = step.detail
            per = (
                d.per
                if isinstance(d, CapDetail)
                else (d.period if isinstance(d, PoolDetail) else None)
            )
            parts.append((kind, step.subject, per, step.before[end] != step.after[end]))
        elif kind is StepKind.RATE:
            assert isinstance(step.detail, RateDetail)
            parts.append((kind, step.subject, step.detail.tiers, step.rate))
        elif kind is StepKind.SUPPORT_YEARS:
            assert step.before is not None and step.after is not None
            # The years inside the support period decide the formula, and so does the year the
            # period starts at this end (at the high end, where paying years are uncertain, the
            # start that pays most): a purchase that moves it moves the period.
            assert isinstance(step.detail, SupportYearsDetail)
            years = step.detail.years
            start = support_start(years, step.detail.count, per_year, end)
            parts.append((kind, years, start, step.before[end] != step.after[end]))
        else:
            continue
        steps.append(step)
    return tuple(parts), tuple(steps)


def support_start(
    years: tuple[int, ...], count: int, per_year: dict[str | None, Bounds], end: int
) -> int | None:
    """The first year of the support period the engine keeps at one end (``end`` 0: low,
    1: high), from the years' amounts in the trace: the first paying year at the low end; at
    the high end the start, up to the first year that certainly pays, whose period pays most."""
    amounts = {y: per_year.get(str(y), (ZERO, ZERO)) for y in years}
    paying = sorted(y for y in amounts if amounts[y][1] > 0)
    if not paying:
        return None
    if end == 0:
        return paying[0]
    certain = next((y for y in paying if amounts[y][0] > 0), paying[-1])
    starts = [y for y in paying if y <= certain]

    def pays(start: int) -> Decimal:
        return sum((amounts[y][1] for y in paying if start <= y < start + count), ZERO)

    return max(starts, key=lambda s: (pays(s), -s))


class Curve:
    """One program's award in one place as a function of the swept purchase's amount in fen,
    evaluated by the engine and cached."""

    def __init__(self, evaluate: Callable[[Decimal], Award]) -> None:
        self._evaluate = evaluate
        self._cache: dict[int, Award] = {}
        # read from an award's trace, which does not change: each worked out once
        self._exact: dict[tuple[int, int], Fraction] = {}
        self._regimes: dict[tuple[int, int], Regime] = {}

    def award(self, fen: int) -> Award:
        found = self._cache.get(fen)
        if found is None:
            found = self._cache[fen] = self._evaluate(Decimal(fen).scaleb(-2))
        return found

    def exact(self, fen: int, end: int) -> Fraction:
        found = self._exact.get((fen, end))
        if found is None:
            found = self._exact[fen, end] = _exact(self.award(fen), end)
        return found

    def regime(self, fen: int, end: int) -> Regime:
        found = self._regimes.get((fen, end))
        if found is None:
            found = self._regimes[fen, end] = _regime(self.award(fen), end)[0]
        return found


# -- candidates ------------------------------------------------------------------------------


def _candidates(plan: Plan, profile: Profile, index: int, at_zero: Award) -> set[Fraction]:
    """Spends (in yuan) at which a limit of ``plan`` may start or stop binding for purchase
    ``index``: each limit, net of what the other purchases take, over each applicable rate."""
    purchase = profile.purchases[index]
    rates: set[Fraction] = set()
    for tier in plan.tiers:
        rates.update(Fraction(r) for r in tier.rate)
    if plan.ceiling is not None:
        rates.add(Fraction(plan.ceiling.amount[1]))
        ceiling = Fraction(plan.ceiling.amount[1])
        rates = {min(r, ceiling) for r in rates}
    shares = {Fraction(1)}
    if plan.prorate is not None and purchase.start is not None and purchase.end is not None:
        first, last, _ = plan.prorate
        days = (purchase.end - purchase.start).days
        inside = max(0, (min(purchase.end, last) - max(purchase.start, first)).days)
        if days > 0:
            shares.add(Fraction(inside, days))
    slopes = {r * s for r in rates for s in shares if r * s > 0}
    limits: set[Fraction] = set()
    for tier in plan.tiers:
        if tier.cap is not None:
            limits.update(Fraction(c) for c in tier.cap)
    for cap in (*plan.caps_purchase, *plan.caps_year, *plan.caps_program):
        limits.update(Fraction(c) for c in cap.amount)
    if plan.pool is not None:
        limits.add(Fraction(plan.pool.amount[0]))
    if plan.minimum is not None:
        limits.add(Fraction(plan.minimum.amount[0]))
    # What the other purchases already take from a yearly or lifetime limit.
    taken: set[Fraction] = {Fraction(0)}
    for step in at_zero.steps:
        if step.after is not None and (
            (step.kind is StepKind.YEAR and step.subject == str(purchase.year))
            or step.kind is StepKind.TOTAL
        ):
            taken.update(Fraction(v) for v in step.after)
    found = {(limit - t) / slope for limit in limits for t in taken for slope in slopes}
    # a yearly-total rate tier and an annual spend threshold both switch where the year's
    # purchases reach an amount (the spend threshold pays nothing below it: a jump)
    reached = [t for t in (plan.threshold, plan.spend_threshold) if t is not None]
    if reached:
        same_year = [
            p.amount
            for i, p in enumerate(profile.purchases)
            if i != index and p.year == purchase.year
        ]
        for amount in reached:
            edge = Fraction(amount if isinstance(amount, Decimal) else amount[0])
            for others in {Fraction(0), Fraction(sum(same_year, ZERO))}:
                found.add(edge - others)
                found.add(edge - others + Fraction(1, _FEN_PER_YUAN))
    if plan.support_years is not None:
        found.add(Fraction(1, _FEN_PER_YUAN))
    return {c for c in found if c > 0}


# -- bends -----------------------------------------------------------------------------------


def _first_change(curve: Curve, end: int, lo: int, hi: int) -> int:
    """The smallest fen in (lo, hi] whose regime differs from lo's (given that hi's does):
    exact bisection on whole fen."""
    start = curve.regime(lo, end)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if curve.regime(mid, end) == start:
            lo = mid
        else:
            hi = mid
    return hi


def _changes(curve: Curve, end: int, grid: list[int]) -> list[int]:
    """Every fen of the grid's span at which the regime changes (first fen of the new one)."""
    found: list[int] = []
    for lo, hi in itertools.pairwise(grid):
        target = curve.regime(hi, end)
        at = lo
        while curve.regime(at, end) != target:
            at = _first_change(curve, end, at, hi)
            found.append(at)
    return found


Line = tuple[Fraction, Fraction]  # (value at 0 fen, slope per fen)


class _Run:
    """Consecutive regime pieces ``start``..``stop`` (fen, inclusive) that follow one formula:
    ``line`` through the engine's exact values, or ``None`` for a single fen."""

    __slots__ = ("line", "start", "stop")

    def __init__(self, start: int, stop: int, line: Line | None) -> None:
        self.start, self.stop, self.line = start, stop, line


def _line(curve: Curve, end: int, a: int, b: int) -> Line:
    ya, yb = curve.exact(a, end), curve.exact(b, end)
    slope = (yb - ya) / (b - a)
    return ya - slope * a, slope


def _on(curve: Curve, end: int, line: Line, x: int, tolerance: Fraction) -> bool:
    return abs(line[0] + line[1] * x - curve.exact(x, end)) <= tolerance


def _runs(
    curve: Curve, end: int, changes: list[int], lo: int, hi: int, tolerance: Fraction
) -> list[_Run]:
    """Merge the regime pieces into runs of one formula each (the engine's values at every
    piece's ends on one line). A single-fen piece joins the run on its right where it lies on
    that line (a kink exactly on a fen), else the run on its left."""
    edges = [lo, *changes, hi + 1]
    runs = [
        _Run(a, b - 1, None if b - 1 == a else _line(curve, end, a, b - 1))
        for a, b in itertools.pairwise(edges)
    ]

    def fits(run: _Run, line: Line) -> bool:
        return _on(curve, end, line, run.start, tolerance) and _on(
            curve, end, line, run.stop, tolerance
        )

    merged = True
    while merged:
        merged = False
        for i in range(len(runs) - 1):
            left, right = runs[i], runs[i + 1]
            if left.line is None and right.line is not None and fits(left, right.line):
                line: Line | None = right.line
            elif i + 2 < len(runs) and right.line is None and runs[i + 2].line is not None:
                continue  # a single fen between two runs: let the right one claim it first
            elif (
                left.line is not None
                and (right.line is None or fits(left, right.line))
                and fits(right, left.line)
            ):
                line = left.line
            else:
                continue
            join = _Run(left.start, right.stop, line)
            if join.line is not None and join.start != join.stop:
                join.line = _line(curve, end, join.start, join.stop)
            runs[i : i + 2] = [join]
            merged = True
            break
    return runs


def _bend_between(
    curve: Curve, end: int, left: _Run, right: _Run, tolerance: Fraction
) -> tuple[Fraction, Fraction, Fraction | None, int, bool]:
    """Slopes (per yuan) on either side, where the lines meet (fen), the first fen of the new
    formula and whether the award jumps there. A single fen has no slope of its own: it is a
    jump off the other run's line."""
    change = right.start
    zero = (Fraction(0), Fraction(0))
    left_line = left.line or right.line or zero
    right_line = right.line or left.line or zero
    if left.line is None:
        left_line = (curve.exact(left.stop, end) - left_line[1] * left.stop, left_line[1])
    if right.line is None:
        right_line = (curve.exact(change, end) - right_line[1] * change, right_line[1])
    (a_left, b_left), (a_right, b_right) = left_line, right_line
    if tolerance:
        # Rounding at every step makes the curve a staircase: the lines are its trend, not
        # exact, so no meeting point is claimed; the bend is where the engine's regime changes.
        rise = curve.exact(change, end) - curve.exact(change - 1, end)
        jump = abs(rise - b_left) > tolerance
        return b_left * _FEN_PER_YUAN, b_right * _FEN_PER_YUAN, None, change, jump
    meet: Fraction | None = None
    if b_left != b_right:
        x = (a_right - a_left) / (b_left - b_right)
        if change - 1 <= x <= change:
            meet = x
    first = change - 1 if meet is not None and meet == change - 1 else change
    return b_left * _FEN_PER_YUAN, b_right * _FEN_PER_YUAN, meet, first, meet is None


def _cause(
    before: Award, after: Award, end: int, plan: Plan
) -> tuple[str, str | None, Decimal | None, bool, tuple[tuple[str, str], ...]]:
    """The step whose binding (or tier) changed between two evaluations."""
    parts_b, steps_b = _regime(before, end)
    parts_a, steps_a = _regime(after, end)
    step: Step | None = None
    binds = True
    if len(parts_a) == len(parts_b):
        for pb, pa, sb, sa in zip(parts_b, parts_a, steps_b, steps_a, strict=True):
            if pb != pa:
                step = sa or sb
                binds = bool(pa[-1]) if isinstance(pa[-1], bool) else True
                break
    else:
        extra = [s for s in steps_a if s is not None and s.kind is StepKind.SUPPORT_YEARS]
        step = extra[0] if extra else None
    if step is None:
        return "eligibility", None, None, bool(after.eligible), ()
    d = step.detail
    if isinstance(d, CapDetail):
        return "cap", d.per, d.cap[end], binds, step.cites
    if isinstance(d, PoolDetail):
        return "pool", d.period, d.pool, binds, step.cites
    if isinstance(d, MinimumDetail):
        # The minimum binds while the award is zeroed; paying starts when it stops binding.
        return "minimum", None, d.minimum, binds, step.cites
    if isinstance(d, ThresholdDetail):
        # Likewise the annual spend threshold: the year pays once its spend reaches it.
        return "threshold", None, d.threshold, binds, step.cites
    if step.kind is StepKind.RATE:
        return "tier", None, plan.threshold, True, step.cites
    return "support_years", None, None, binds, step.cites


def find_bends(
    curve: Curve,
    plan: Plan,
    profile: Profile,
    index: int,
    place: str,
    key: str,
    lo: int,
    hi: int,
) -> list[Bend]:
    candidates = _candidates(plan, profile, index, curve.award(0))
    grid = {lo, hi}
    for c in candidates:
        f = math.floor(c * _FEN_PER_YUAN)
        grid.update(x for x in (f - 1, f, f + 1, f + 2) if lo <= x <= hi)
    points = sorted(grid)
    quantum = Fraction(plan.rounding.quantum)
    tolerance = quantum * 4 if plan.rounding.each_step else Fraction(0)
    found: dict[tuple[Any, ...], Bend] = {}
    for end in (0, 1):
        runs = _runs(curve, end, _changes(curve, end, points), lo, hi, tolerance)
        for left, right in itertools.pairwise(runs):
            change = right.start
            slope_before, slope_after, meet, first, jump = _bend_between(
                curve, end, left, right, tolerance
            )
            kind, per, limit, binds, cites = _cause(
                curve.award(change - 1), curve.award(change), end, plan
            )
            identity = (first, kind, per, limit, binds, slope_before, slope_after, jump)
            bend = Bend(
                place=place,
                program=key,
                ends=(_ENDS[end],),
                at=Decimal(first).scaleb(-2),
                exact=None if meet is None else meet / _FEN_PER_YUAN,
                jump=jump,
                kind=kind,
                per=per,
                limit=limit,
                binds=binds,
                slope_before=slope_before,
                slope_after=slope_after,
                before=_rounded(curve.award(first - 1), end),
                after=_rounded(curve.award(first), end),
                cites=cites,
            )
            if identity in found:
                old = found[identity]
                bend = Bend(**{**_fields(old), "ends": (*old.ends, _ENDS[end])})
            found[identity] = bend
    return sorted(found.values(), key=lambda b: (b.at, b.ends))


def _fields(bend: Bend) -> dict[str, Any]:
    return {name: getattr(bend, name) for name in Bend.__slots__}
