"""The compiled plan: what a validated rule file becomes before anything is evaluated.

:func:`compile_plan` turns a :class:`~aivoucher.vocabulary.schema.Program` into a
:class:`CompiledPlan` once per rule file: its conditions as :class:`~.conditions.Test` objects
with their constants ready, split into the applicant's and the purchases'; its rate tiers, caps,
pools, minimum and lump sum as ``Decimal`` pairs with the text they cite; its proration, spend
threshold, support years and rounding. The record is frozen: every evaluator reads the same one
and none changes it —

* the traced evaluator (:mod:`aivoucher.evaluate.traced`), which records every step;
* the fast path (:mod:`aivoucher.evaluate.fast`), for profiles whose facts are all known;
* the batch kernel (:mod:`aivoucher.evaluate.vector`), for columns of applicants.

:class:`aivoucher.evaluate.engine.Plan` is this record with those evaluators wired to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from ..base.money import Rounding
from ..vocabulary.schema import Base, Program, Prose, Tier
from ..vocabulary.trace import Bounds
from .conditions import PURCHASE, Cites, Test, cite

__all__ = [
    "CompiledPlan",
    "CompiledTier",
    "Limit",
    "Proration",
    "SpendThreshold",
    "SupportYears",
    "compile_plan",
]


@dataclass(frozen=True, slots=True, eq=False)
class CompiledTier:
    """A rate tier: its conditions, rate pair, own cap and first years of service.

    Tiers compare by identity: the traced evaluator names the tiers it chose by their place in
    :attr:`CompiledPlan.tiers`, and two tiers may hold the same numbers.
    """

    tests: tuple[Test, ...]
    rate: Bounds
    cap: Bounds | None
    first_years: int | None
    cites: Cites
    assumption: str | None

    @classmethod
    def of(cls, tier: Tier) -> CompiledTier:
        return cls(
            tuple(Test(c) for c in tier.when),
            tier.rate,
            tier.cap,
            tier.first_years,
            cite(tier),
            tier.assumption,
        )


@dataclass(frozen=True, slots=True, eq=False)
class Limit:
    """A cap, pool, minimum, ceiling or lump sum: what it is per (``purchase``,
    ``applicant_year``, ``year``, ``program``, ``minimum`` …), its amount pair, the text it
    cites and the reading it rests on."""

    per: str
    amount: Bounds
    cites: Cites
    assumption: str | None

    @classmethod
    def of(cls, per: str, amount: Bounds, element: Any) -> Limit:
        return cls(per, amount, cite(element), element.assumption)


class Proration(NamedTuple):
    """The base period a contract's base is prorated to (its share of days inside)."""

    from_: dt.date
    to: dt.date
    cites: Cites


class SpendThreshold(NamedTuple):
    """The qualifying spend a calendar year must reach (or exceed) before it pays."""

    amount: Decimal
    inclusive: bool
    cites: Cites
    assumption: str | None


class SupportYears(NamedTuple):
    """Support limited to ``years`` calendar years from the first that pays."""

    years: int
    cites: Cites
    assumption: str | None


@dataclass(frozen=True, slots=True, eq=False)
class CompiledPlan:
    """A program compiled for evaluation (see the module docstring). Build with
    :func:`compile_plan`."""

    program: Program
    applicant_tests: tuple[Test, ...]
    purchase_tests: tuple[Test, ...]
    effective_assumption: str | None
    base: Base
    prorate: Proration | None
    #: The rule file's words for a rate it does not publish (no amount can be computed).
    unpublished: Prose | None
    lump_sum: Limit | None
    tiers: tuple[CompiledTier, ...]
    #: The limit of a tier conditioned on the year's contracts in total, if any.
    threshold: Decimal | None
    #: Whether a larger purchase can never lower the award (see :func:`compile_plan`).
    monotone: bool
    #: The user-switchable assumptions the program declares.
    switches: frozenset[str]
    ceiling: Limit | None
    caps_purchase: tuple[Limit, ...]
    caps_year: tuple[Limit, ...]
    caps_program: tuple[Limit, ...]
    #: The budget: per ``year`` or over the ``program``'s life.
    pool: Limit | None
    minimum: Limit | None
    spend_threshold: SpendThreshold | None
    support_years: SupportYears | None
    rounding: Rounding


def compile_plan(program: Program) -> CompiledPlan:
    """Compile a validated program (done once per rule file)."""
    tests = [Test(c) for c in program.eligibility]
    prorate = program.base.prorate
    rate = program.rate
    lump = rate.lump_sum
    caps = [Limit.of(c.per, c.amount, c) for c in program.caps]
    pool = program.pool
    minimum = program.minimum
    spend = program.threshold
    years = program.support_years
    threshold = next((c.max for t in rate.tiers for c in t.when if c.max is not None), None)
    r = program.rounding
    return CompiledPlan(
        program=program,
        applicant_tests=tuple(t for t in tests if t.scope != PURCHASE),
        purchase_tests=tuple(t for t in tests if t.scope == PURCHASE),
        effective_assumption=program.effective.assumption,
        base=program.base,
        prorate=None if prorate is None else Proration(prorate.from_, prorate.to, cite(prorate)),
        unpublished=rate.unpublished,
        lump_sum=None if lump is None else Limit.of(lump.per, lump.amount, lump),
        tiers=tuple(CompiledTier.of(t) for t in rate.tiers),
        threshold=threshold,
        # A yearly-total tier, and support limited to the first N paying years, can make a
        # larger purchase lower the award (a new paying year displaces a later, larger one).
        monotone=threshold is None and years is None,
        switches=frozenset(w.id for w in program.switches),
        ceiling=None
        if rate.ceiling is None
        else Limit.of("ceiling", rate.ceiling.rate, rate.ceiling),
        caps_purchase=tuple(c for c in caps if c.per == "purchase"),
        caps_year=tuple(c for c in caps if c.per == "applicant_year"),
        caps_program=tuple(c for c in caps if c.per == "applicant_total"),
        pool=None if pool is None else Limit.of(pool.period, (pool.amount, pool.amount), pool),
        minimum=None
        if minimum is None
        else Limit.of("minimum", (minimum.amount, minimum.amount), minimum),
        spend_threshold=None
        if spend is None
        else SpendThreshold(spend.amount, spend.inclusive, cite(spend), spend.assumption),
        support_years=None
        if years is None
        else SupportYears(years.count, cite(years), years.assumption),
        rounding=Rounding(r.quantum, r.mode, r.at == "each_step"),
    )
