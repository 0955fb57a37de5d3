"""The engine: eligibility → base → rate → caps → award, with a structured trace.

A validated :class:`~aivoucher.schema.Program` is compiled once into a :class:`Plan` (conditions
as small objects with their constants ready, rates and caps as ``Decimal`` pairs); evaluating a
profile against a plan builds no pydantic models, reads no files and formats nothing.

Every amount is a ``(low, high)`` pair. The computation is monotone (products of non-negative
numbers, sums and minimums), so carrying both ends through each step gives exact bounds:

* a rate range in the text (50%–60%) gives a rate pair;
* a cap range ("原则上100万, 最高200万") gives a cap pair;
* a condition on a fact the profile leaves unknown makes a purchase's inclusion, or a tier's
  choice, uncertain: the low end takes the unfavourable answer, the high end the favourable one,
  and the missing field is named.

Order of operations (documented in docs/engine.md): per purchase, base × rate, then per-purchase
caps; purchases summed per calendar year of signing, then per-year caps and a yearly pool; the
first N years where support is time-limited; years summed, then lifetime caps and a lifetime
pool; finally rounding (or after every step, where the program says so).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from .jurisdictions import province_of
from .money import ZERO, Rounding
from .profile import Applicant, Profile, Purchase
from .result import (
    Assumption,
    AssumptionCode,
    Award,
    Bounds,
    Reason,
    ReasonCode,
    Step,
    StepKind,
)
from .schema import DOMAINS, Condition, Program

__all__ = ["Plan", "compile_program", "not_in_force"]

_NOTHING: Bounds = (ZERO, ZERO)
Cites = tuple[tuple[str, str], ...]


def _cite(element: Any) -> Cites:
    """``((source id, quote),)`` for an element that cites its text, else ``()``."""
    source = getattr(element, "source", None)
    quote = getattr(element, "quote", None)
    return ((source, quote),) if source and quote else ()


class _Test:
    """A compiled condition: reads one fact and answers True, False or None (unknown)."""

    __slots__ = (
        "assumption",
        "cites",
        "domain",
        "expected",
        "fact",
        "field",
        "get",
        "index",
        "scope",
        "source",
        "test",
    )

    def __init__(self, cond: Condition, index: int) -> None:
        self.fact = cond.fact
        self.field = cond.fact.split(".", 1)[1]
        self.scope = 0 if cond.fact.startswith("applicant.") else 1
        self.domain: tuple[Any, ...] | None = DOMAINS.get(cond.fact)
        self.source = cond.source
        self.cites = _cite(cond)
        self.assumption = cond.assumption
        self.index = index
        self.get: Callable[[Any], Any] = _getter(self.field)
        self.expected: tuple[Any, ...] = cond.expected
        self.test: Callable[[Any], bool]
        if cond.in_ is not None:
            allowed = frozenset(cond.in_)
            self.test = lambda v: v in allowed
        elif cond.is_ is not None:
            want = cond.is_
            self.test = lambda v: v is want
        else:
            low, high = cond.from_, cond.to
            self.test = lambda v: (low is None or v >= low) and (high is None or v <= high)

    def check(self, subject: Any) -> tuple[bool | None, Any]:
        value = self.get(subject)
        if value is None:
            return None, None
        return self.test(value), value


def _getter(field: str) -> Callable[[Any], Any]:
    if field == "province":
        return lambda applicant: province_of(applicant.city)
    return lambda subject: getattr(subject, field)


_OTHER = object()  # stands for "any value no condition names" of an open-ended fact


def _domain(tests: Sequence[_Test]) -> tuple[Any, ...]:
    """The values to try for an unknown fact: its closed domain, or the values the conditions
    name plus one value that none names."""
    if tests[0].domain is not None:
        return tests[0].domain
    named = {v for t in tests for v in t.expected}
    return (*sorted(named, key=str), _OTHER)


class _Tier:
    __slots__ = ("assumption", "cites", "rate", "tests")

    def __init__(
        self, tests: list[_Test], rate: Bounds, cites: Cites, assumption: str | None
    ) -> None:
        self.tests = tests
        self.rate = rate
        self.cites = cites
        self.assumption = assumption


class _Cap:
    __slots__ = ("amount", "assumption", "cites", "per")

    def __init__(self, per: str, amount: Bounds, cites: Cites, assumption: str | None) -> None:
        self.per = per
        self.amount = amount
        self.cites = cites
        self.assumption = assumption


class _Trace:
    """Collects steps, reasons, assumptions and missing fields during one evaluation."""

    __slots__ = ("assumptions", "missing", "reasons", "seen", "steps")

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.reasons: list[Reason] = []
        self.assumptions: list[Assumption] = []
        self.missing: list[str] = []
        self.seen: set[Any] = set()

    def assume(self, assumption: Assumption) -> None:
        if assumption not in self.seen:
            self.seen.add(assumption)
            self.assumptions.append(assumption)

    def rule(self, ambiguity: str | None) -> None:
        if ambiguity is not None:
            self.assume(Assumption(AssumptionCode.RULE, ambiguity=ambiguity))

    def unknown(self, field: str, subject: str | None = None) -> None:
        if field not in self.missing:
            self.missing.append(field)
        self.assume(Assumption(AssumptionCode.MISSING_FACT, field=field, subject=subject))


def _field_path(test: _Test, index: int | None) -> str:
    return f"applicant.{test.field}" if index is None else f"purchases[{index}].{test.field}"


class Plan:
    """A program compiled for evaluation. Build with :func:`compile_program`."""

    __slots__ = (
        "applicant_tests",
        "base_assumption",
        "base_cites",
        "base_if_unknown",
        "base_of",
        "caps_program",
        "caps_purchase",
        "caps_year",
        "ceiling",
        "effective_assumption",
        "pool",
        "program",
        "purchase_tests",
        "rounding",
        "support_years",
        "tiers",
        "unpublished",
    )

    def __init__(self, program: Program) -> None:
        self.program = program
        tests = [_Test(c, i) for i, c in enumerate(program.eligibility)]
        self.applicant_tests = [t for t in tests if t.fact.startswith("applicant.")]
        self.purchase_tests = [t for t in tests if t.fact.startswith("purchase.")]
        self.effective_assumption = program.effective.assumption
        base = program.base
        self.base_of = base.of
        self.base_if_unknown = base.if_unknown
        self.base_cites = _cite(base)
        self.base_assumption = base.assumption
        rate = program.rate
        self.unpublished = rate.unpublished
        self.tiers = [
            _Tier(
                [_Test(c, i) for i, c in enumerate(t.when)],
                t.rate,
                _cite(t),
                t.assumption,
            )
            for t in rate.tiers
        ]
        self.ceiling: tuple[Decimal, Cites, str | None] | None = None
        if rate.ceiling is not None:
            self.ceiling = (rate.ceiling.rate[1], _cite(rate.ceiling), rate.ceiling.assumption)
        caps = [_Cap(c.per, c.amount, _cite(c), c.assumption) for c in program.caps]
        self.caps_purchase = [c for c in caps if c.per == "purchase"]
        self.caps_year = [c for c in caps if c.per == "applicant_year"]
        self.caps_program = [c for c in caps if c.per == "applicant_total"]
        pool = program.pool
        self.pool = (
            None if pool is None else (pool.amount, pool.period, _cite(pool), pool.assumption)
        )
        sy = program.support_years
        self.support_years = None if sy is None else (sy.count, _cite(sy), sy.assumption)
        r = program.rounding
        self.rounding = Rounding(r.quantum, r.mode, r.at == "each_step")

    # -- the steps -------------------------------------------------------------------------

    def evaluate(self, profile: Profile) -> Award:
        """Evaluate this program for ``profile``; the program is assumed to be in force."""
        trace = _Trace()
        trace.rule(self.effective_assumption)
        applicant_ok = self._applicant_eligibility(profile.applicant, trace)
        if applicant_ok is False:
            return self._award(False, _NOTHING, trace)
        if self.unpublished is not None:
            trace.reasons.append(Reason(ReasonCode.RATE_UNPUBLISHED, text=self.unpublished))
            return self._award(None, None, trace)
        if not profile.purchases:
            trace.reasons.append(Reason(ReasonCode.NO_PURCHASES))
            return self._award(False, _NOTHING, trace)
        years: dict[int, list[Bounds]] = {}
        for index, purchase in enumerate(profile.purchases):
            amount = self._purchase(profile.applicant, purchase, index, trace)
            if amount is not None:
                years.setdefault(purchase.year, []).append(amount)
        if not years:
            trace.reasons.append(Reason(ReasonCode.NO_QUALIFYING_PURCHASE))
            return self._award(False, _NOTHING, trace)
        total = self._years(years, trace)
        total = self._caps(self.caps_program, total, None, trace)
        if self.pool is not None and self.pool[1] == "program":
            total = self._pool(total, None, trace)
        if applicant_ok is None:
            after = (ZERO, total[1])
            trace.steps.append(Step(StepKind.UNCERTAIN, before=total, after=after))
            total = after
        rounded = (self.rounding.apply(total[0]), self.rounding.apply(total[1]))
        if rounded != total:
            trace.steps.append(
                Step(StepKind.ROUNDING, before=total, after=rounded, detail=self._rounding_detail())
            )
        return self._award(True, rounded, trace)

    def _award(self, eligible: bool | None, amount: Bounds | None, trace: _Trace) -> Award:
        return Award(
            program=self.program,
            eligible=eligible,
            low=None if amount is None else amount[0],
            high=None if amount is None else amount[1],
            reasons=tuple(trace.reasons),
            assumptions=tuple(trace.assumptions),
            steps=tuple(trace.steps),
            missing=tuple(trace.missing),
        )

    def _applicant_eligibility(self, applicant: Applicant, trace: _Trace) -> bool | None:
        """Every applicant condition, so that all failures are reported, not just the first."""
        return self._conditions(self.applicant_tests, applicant, None, None, trace, passes=True)

    def _conditions(
        self,
        tests: Sequence[_Test],
        subject: Any,
        label: str | None,
        index: int | None,
        trace: _Trace,
        *,
        passes: bool,
    ) -> bool | None:
        """Check ``tests`` in three-valued logic and trace them.

        Failures are always traced; unknowns only when nothing failed (a purchase that fails on
        one fact cannot be rescued by another, so its unknown facts are moot); passes only where
        ``passes`` asks for them (the applicant's conditions, shown as the program's checklist).
        """
        results = [(test, *test.check(subject)) for test in tests]
        failed = any(ok is False for _, ok, _ in results)
        for test, ok, value in results:
            if ok is False or (ok is None and not failed) or (ok is True and passes):
                self._condition(test, ok, value, label, index, trace)
        if failed:
            return False
        return None if any(ok is None for _, ok, _ in results) else True

    def _condition(
        self,
        test: _Test,
        ok: bool | None,
        value: Any,
        subject: str | None,
        index: int | None,
        trace: _Trace,
    ) -> None:
        trace.steps.append(
            Step(
                StepKind.CONDITION,
                subject=subject,
                detail={"fact": test.fact, "expected": test.expected, "actual": value, "ok": ok},
                cites=test.cites,
                assumption=test.assumption,
            )
        )
        trace.rule(test.assumption)
        if ok is True:
            return
        code = ReasonCode.CONDITION_FAILED if ok is False else ReasonCode.CONDITION_UNKNOWN
        trace.reasons.append(Reason(code, test.fact, test.expected, value, subject, test.source))
        if ok is None:
            trace.unknown(_field_path(test, index), subject)

    def _purchase(
        self, applicant: Applicant, purchase: Purchase, index: int, trace: _Trace
    ) -> Bounds | None:
        """One purchase's award before per-year caps, or None when it cannot qualify."""
        label = purchase.label(index)
        included = self._conditions(
            self.purchase_tests, purchase, label, index, trace, passes=False
        )
        if included is False:
            return None
        base = self._base(purchase, label, trace)
        rate = self._rate(applicant, purchase, label, index, trace)
        if rate is None:
            return None
        if included is None:
            base = (ZERO, base[1])
        step_round = self.rounding.apply if self.rounding.each_step else None
        amount = (base[0] * rate[0], base[1] * rate[1])
        if step_round is not None:
            amount = (step_round(amount[0]), step_round(amount[1]))
        trace.steps.append(
            Step(StepKind.AMOUNT, subject=label, before=base, after=amount, rate=rate)
        )
        return self._caps(self.caps_purchase, amount, label, trace)

    def _base(self, purchase: Purchase, label: str, trace: _Trace) -> Bounds:
        trace.rule(self.base_assumption)
        detail: dict[str, Any] = {"of": self.base_of}
        if self.base_of == "contract" or purchase.settled is not None:
            value = purchase.amount if self.base_of == "contract" else purchase.settled
            assert value is not None
            base = (value, value)
        elif self.base_if_unknown == "contract":
            base = (purchase.amount, purchase.amount)
            detail["from_contract"] = True
            trace.assume(Assumption(AssumptionCode.SETTLED_FROM_CONTRACT, subject=label))
        else:
            base = (ZERO, purchase.amount)
            detail["settled_unknown"] = True
            trace.assume(Assumption(AssumptionCode.SETTLED_UNKNOWN, subject=label))
        trace.steps.append(
            Step(
                StepKind.BASE,
                subject=label,
                after=base,
                detail=detail,
                cites=self.base_cites,
                assumption=self.base_assumption,
            )
        )
        return base

    def _rate(
        self, applicant: Applicant, purchase: Purchase, label: str, index: int, trace: _Trace
    ) -> Bounds | None:
        """The first tier whose conditions hold wins.

        Where a tier condition reads a fact the profile leaves unknown, every value of that fact
        is tried (facts have small closed domains), so the rate pair is exactly the lowest and
        highest rate any answer would give; an answer under which no tier applies counts as 0.
        """
        subjects = (applicant, purchase)
        unknown: dict[str, list[_Test]] = {}
        for tier in self.tiers:
            for t in tier.tests:
                if t.get(subjects[t.scope]) is None:
                    unknown.setdefault(t.fact, []).append(t)
        outcomes: list[_Tier | None]
        if not unknown:
            outcomes = [self._first_tier(subjects, {})]
        else:
            facts = list(unknown)
            for tests in unknown.values():
                t = tests[0]
                trace.unknown(
                    _field_path(t, None if t.scope == 0 else index), None if t.scope == 0 else label
                )
            domains = [_domain(unknown[f]) for f in facts]
            outcomes = [
                self._first_tier(subjects, dict(zip(facts, values, strict=True)))
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
            ceiling, ceiling_cites, assumption = self.ceiling
            detail["ceiling"] = ceiling
            if high > ceiling:
                low, high = min(low, ceiling), ceiling
                cites += ceiling_cites
            trace.rule(assumption)
        trace.steps.append(
            Step(StepKind.RATE, subject=label, rate=(low, high), detail=detail, cites=cites)
        )
        return low, high

    def _first_tier(self, subjects: tuple[Any, Any], fixed: dict[str, Any]) -> _Tier | None:
        for tier in self.tiers:
            for t in tier.tests:
                value = fixed[t.fact] if t.fact in fixed else t.get(subjects[t.scope])
                if not t.test(value):
                    break
            else:
                return tier
        return None

    def _caps(
        self, caps: Iterable[_Cap], amount: Bounds, subject: str | None, trace: _Trace
    ) -> Bounds:
        for cap in caps:
            after = (min(amount[0], cap.amount[0]), min(amount[1], cap.amount[1]))
            trace.steps.append(
                Step(
                    StepKind.CAP,
                    subject=subject,
                    before=amount,
                    after=after,
                    detail={"per": cap.per, "cap": cap.amount, "binding": after != amount},
                    cites=cap.cites,
                    assumption=cap.assumption,
                )
            )
            trace.rule(cap.assumption)
            amount = after
        return amount

    def _pool(self, amount: Bounds, subject: str | None, trace: _Trace) -> Bounds:
        assert self.pool is not None
        pool, period, cites, assumption = self.pool
        after = (min(amount[0], pool), min(amount[1], pool))
        trace.steps.append(
            Step(
                StepKind.POOL,
                subject=subject,
                before=amount,
                after=after,
                detail={"pool": pool, "period": period, "binding": after != amount},
                cites=cites,
                assumption=assumption,
            )
        )
        trace.rule(assumption)
        return after

    def _years(self, years: dict[int, list[Bounds]], trace: _Trace) -> Bounds:
        """Per calendar year: sum, per-year caps, yearly pool; then the support-years limit."""
        per_year: list[tuple[int, Bounds]] = []
        for year in sorted(years):
            amounts = years[year]
            subject = str(year)
            total = (sum((a[0] for a in amounts), ZERO), sum((a[1] for a in amounts), ZERO))
            trace.steps.append(
                Step(
                    StepKind.YEAR, subject=subject, after=total, detail={"purchases": len(amounts)}
                )
            )
            total = self._caps(self.caps_year, total, subject, trace)
            if self.pool is not None and self.pool[1] == "year":
                total = self._pool(total, subject, trace)
            per_year.append((year, total))
        result = (sum((t[0] for _, t in per_year), ZERO), sum((t[1] for _, t in per_year), ZERO))
        if self.support_years is not None:
            result = self._support_years(per_year, result, trace)
        trace.steps.append(
            Step(StepKind.TOTAL, after=result, detail={"years": [y for y, _ in per_year]})
        )
        return result

    def _support_years(
        self, per_year: list[tuple[int, Bounds]], total: Bounds, trace: _Trace
    ) -> Bounds:
        """Keep the first ``count`` years that pay.

        With uncertain years the bounds stay safe: the low end sums the lows of the first
        ``count`` years that may pay; the high end the ``count`` largest highs among the years
        up to the ``count``-th year that certainly pays.
        """
        assert self.support_years is not None
        count, cites, assumption = self.support_years
        trace.rule(assumption)
        paying = [(y, t) for y, t in per_year if t[1] > 0]
        if len(paying) <= count:
            return total
        certain = [i for i, (_, t) in enumerate(paying) if t[0] > 0]
        horizon = certain[count - 1] + 1 if len(certain) >= count else len(paying)
        low = sum((t[0] for _, t in paying[:count]), ZERO)
        high = sum(sorted((t[1] for _, t in paying[:horizon]), reverse=True)[:count], ZERO)
        counted = [y for y, _ in paying[:horizon]]
        trace.steps.append(
            Step(
                StepKind.SUPPORT_YEARS,
                before=total,
                after=(low, high),
                detail={"count": count, "years": counted},
                cites=cites,
                assumption=assumption,
            )
        )
        return low, high

    def _rounding_detail(self) -> dict[str, Any]:
        r = self.program.rounding
        return {"unit": r.unit, "places": r.places, "mode": r.mode, "at": r.at}


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
