"""The fast path: a plan compiled for profiles, without a trace.

Most evaluations — sweeps, comparisons, a finance team's what-ifs — read profiles that state
every fact a program asks about, or leave out only a fact a condition reads (the district, the
provider's city). For those the three-valued engine's machinery (tier domains, a trace recorded
as it goes) decides little: each condition is true, false or unknown, one rate tier applies,
each amount is a single number carried as a ``(low, high)`` pair only where the text gives a
range or a condition is unknown. :class:`FastPlan` computes exactly that, in the engine's order
of operations and with the same ``Decimal`` operations, and records no trace.

It reads the same :class:`~aivoucher.plan.compiled.CompiledPlan` as the traced evaluator
(:mod:`aivoucher.evaluate.traced`). :meth:`FastPlan.decide` is the all-known case; at the first
unknown fact a condition reads it hands over to ``FastPlan._unsure``, which decides in the
traced evaluator's three-valued logic (an applicant whose eligibility is unknown gets nothing
at the low end; a purchase whose qualifying is unknown counts from a base of nothing at the
low end; the facts are named as missing in the traced evaluator's order). Where a rate tier
reads an unknown fact — the traced evaluator then tries every answer — ``decide`` returns
``None`` and :meth:`aivoucher.evaluate.engine.Plan.explain` evaluates the profile. Plans with
mechanisms the fast path does not cover (proration, first years of service, a rate tier on
the year's total, service-period windows) never take it.

An award decided here carries its amounts, the purchases it counts and its missing facts; its
``reasons``, ``assumptions`` and ``steps`` are built on first access by the general engine
from the same inputs (:meth:`aivoucher.vocabulary.result.Award.explained_later`), so they are
identical by construction. ``tests/evaluate/test_fast.py`` checks that both paths give the same
awards on random profiles, complete and with facts left unknown.

Where each stage lives (the traced evaluator's counterpart in brackets):

* whether the plan takes the fast path at all: :func:`compile_fast`; the plan laid out as
  tuples of getters, tests and amount pairs: ``FastPlan.__init__``;
* applicant conditions, an unpublished rate, an applicant's lump sum: :meth:`FastPlan.decide`
  (``traced.explain``); lifetime caps and pool, eligibility left uncertain, rounding:
  ``FastPlan._lifetime``;
* purchase conditions: ``FastPlan._qualifies`` (``traced._conditions``); conditions in
  three-valued logic, for ``FastPlan._unsure``: ``_three_valued``;
* each purchase's base, tier, base × rate, tier and per-purchase caps, the minimum:
  ``FastPlan._amounts`` and ``FastPlan._tier`` (``traced._purchases``, ``traced._amount``,
  :mod:`aivoucher.evaluate.rates`);
* per calendar year: the sum, the spend threshold, per-year caps and the yearly pool, then
  the support years: ``FastPlan._total`` and ``FastPlan._year`` (:mod:`aivoucher.evaluate.years`,
  whose ``support_period`` both read).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..base.indices import indices
from ..base.money import ZERO
from ..plan.compiled import CompiledPlan
from ..plan.conditions import PURCHASE, Test
from .years import support_period

if TYPE_CHECKING:
    from ..vocabulary.profile import Profile

__all__ = ["Decision", "FastPlan", "compile_fast"]

Window = tuple[dt.date, dt.date | None]
#: eligible, low, high, the indices of the purchases the award counts and the facts it names
#: as missing (the profile fields, as the general engine names them, in its order).
Decision = tuple[bool | None, Decimal | None, Decimal | None, tuple[int, ...], tuple[str, ...]]
#: A compiled condition: which subject holds the fact, its getter and its test.
_Check = tuple[int, Callable[[Any], Any], Callable[[Any], bool]]

#: index, calendar year of signing, award low and high, base low and high.
_Entry = tuple[int, int, Decimal, Decimal, Decimal, Decimal]

_NOT_ELIGIBLE: Decision = (False, ZERO, ZERO, (), ())
_UNCHOSEN = object()
# Shared one-purchase index tuples: an award kept in a list of many costs one object fewer for
# the garbage collector to track.
_ONE = tuple((i,) for i in range(64))


def _checks(tests: Sequence[Test]) -> tuple[_Check, ...]:
    return tuple((t.scope, t.get, t.test) for t in tests)


def compile_fast(plan: CompiledPlan) -> FastPlan | None:
    """The fast evaluator of ``plan``, or ``None`` where the plan uses a mechanism only the
    general engine has."""
    program = plan.program
    if (
        plan.prorate is not None
        or plan.threshold is not None
        or any(t.first_years is not None for t in plan.tiers)
        or (program.contracts is not None and program.contracts.by == "service")
    ):
        return None
    return FastPlan(plan)


class FastPlan:
    """One plan's conditions, tiers and limits, laid out for the all-known case."""

    __slots__ = (
        "applicant",
        "applicant_tests",
        "base_of",
        "caps_program",
        "caps_purchase",
        "caps_year",
        "each_step",
        "lump_applicant",
        "lump_purchase",
        "minimum",
        "other_reads",
        "profile_reads",
        "purchase",
        "purchase_tests",
        "quantize",
        "rounding",
        "same_tier",
        "spend",
        "support",
        "tier_reads",
        "tiers",
        "unpublished",
    )

    def __init__(self, plan: CompiledPlan) -> None:
        self.applicant = _checks(plan.applicant_tests)
        self.purchase = _checks(plan.purchase_tests)
        # the tests themselves, for a profile that leaves a fact unknown (``_unsure``)
        self.applicant_tests = tuple(plan.applicant_tests)
        self.purchase_tests = tuple(plan.purchase_tests)
        self.unpublished = plan.unpublished is not None
        lump = plan.lump_sum
        self.lump_applicant = lump.amount if lump is not None and lump.per == "applicant" else None
        self.lump_purchase = lump.amount if lump is not None and lump.per != "applicant" else None
        base = plan.base
        # "contract": the contract amount; "settled": the settled amount where known, else the
        # contract amount (rule's reading) or anything up to it.
        self.base_of = (
            "contract"
            if base.of == "contract"
            else ("settled_or_contract" if base.if_unknown == "contract" else "settled")
        )
        ceiling = plan.ceiling.amount[1] if plan.ceiling is not None else None
        tiers = []
        for tier in plan.tiers:
            low, high = tier.rate
            if ceiling is not None and high > ceiling:
                low, high = min(low, ceiling), ceiling
            tiers.append((_checks(tier.tests), low, high, tier.cap))
        self.tiers = tuple(tiers)
        # every fact any tier reads: one unknown among them, where a purchase takes a tier,
        # sends the profile to the general engine, which tries each of its values. The
        # applicant's are read once per profile; where no tier reads a purchase, every purchase
        # takes the same tier.
        reads = {(t.scope, t.fact, t.field): t for r in plan.tiers for t in r.tests}
        self.tier_reads = tuple((t.scope, t.get) for t in reads.values() if t.scope == PURCHASE)
        # in the all-known case a fact an applicant condition reads is known by the time the
        # tiers' reads are checked (an unknown one has sent the profile to ``_unsure``)
        checked = {(t.scope, t.fact, t.field) for t in plan.applicant_tests}
        self.profile_reads = tuple(
            (t.scope, t.get)
            for key, t in reads.items()
            if t.scope != PURCHASE and key not in checked
        )
        # every fact a tier reads outside the purchase, for ``_amounts`` (where an applicant
        # condition's fact may have been unknown)
        self.other_reads = tuple((t.scope, t.get) for t in reads.values() if t.scope != PURCHASE)
        self.same_tier = not self.tier_reads
        self.caps_purchase = tuple(c.amount for c in plan.caps_purchase)
        self.caps_year = tuple(c.amount for c in plan.caps_year)
        if plan.pool is not None and plan.pool.per == "year":
            self.caps_year += (plan.pool.amount,)
        self.caps_program = tuple(c.amount for c in plan.caps_program)
        if plan.pool is not None and plan.pool.per == "program":
            self.caps_program += (plan.pool.amount,)
        self.minimum = plan.minimum.amount[0] if plan.minimum is not None else None
        self.spend = plan.spend_threshold[:2] if plan.spend_threshold is not None else None
        self.support = plan.support_years.years if plan.support_years is not None else None
        self.quantize = plan.rounding.quantizer()
        self.rounding = plan.rounding.arguments
        self.each_step = plan.rounding.each_step

    def decide(
        self, profile: Profile, switches: frozenset[str], window: Window | None
    ) -> Decision | None:
        """Eligibility, amounts, counted purchases and missing facts, or ``None`` where a fact
        a rate tier reads is unknown (the general engine decides then: it tries each answer).

        This is the all-known case; the first unknown fact a condition reads hands the profile
        to :meth:`_unsure`, which starts again in three-valued logic."""
        subjects: list[Any] = [profile.applicant, None, None, switches]
        for scope, get, test in self.applicant:
            value = get(subjects[scope])
            if value is None:
                return self._unsure(profile, switches, window)
            if not test(value):
                return _NOT_ELIGIBLE
        purchases = profile.purchases
        if self.unpublished:
            qualifying = []
            for index, purchase in zip(indices(len(purchases)), purchases, strict=False):
                subjects[PURCHASE] = purchase
                ok = self._qualifies(subjects)
                if ok is None:
                    return self._unsure(profile, switches, window)
                if ok:
                    qualifying.append(index)
            return (None, None, None, tuple(qualifying), ()) if qualifying else _NOT_ELIGIBLE
        if self.lump_applicant is not None:
            total = self.lump_applicant
            used: tuple[int, ...] = ()
        else:
            if not purchases:
                return _NOT_ELIGIBLE
            if len(purchases) == 1:  # most profiles: the same steps, without the loops
                one = self._single(purchases[0], subjects, window)
                if not one:
                    return self._unsure(profile, switches, window) if one is None else _NOT_ELIGIBLE
                total, used = one, _ONE[0]
            else:
                entries = self._amounts(purchases, subjects, window)
                if entries is None:
                    return self._unsure(profile, switches, window)
                if not entries:
                    return _NOT_ELIGIBLE
                total = self._total(entries)
                if len(entries) == 1 and entries[0][0] < 64:
                    used = _ONE[entries[0][0]]
                else:
                    used = tuple(e[0] for e in entries)
        return self._lifetime(total, used, (), False)

    def _lifetime(
        self,
        total: tuple[Decimal, Decimal],
        used: tuple[int, ...],
        missing: tuple[str, ...],
        uncertain: bool,
    ) -> Decision:
        """The award of an eligible applicant: lifetime caps and pool on ``total``, nothing
        at the low end where the applicant's eligibility is ``uncertain``, then rounding."""
        for cap_low, cap_high in self.caps_program:
            t_low, t_high = total
            total = (
                cap_low if cap_low < t_low else t_low,
                cap_high if cap_high < t_high else t_high,
            )
        if uncertain:
            total = (ZERO, total[1])
        quantum, mode = self.rounding
        return (
            True,
            total[0].quantize(quantum, mode),
            total[1].quantize(quantum, mode),
            used,
            missing,
        )

    def _unsure(
        self, profile: Profile, switches: frozenset[str], window: Window | None
    ) -> Decision | None:
        """:meth:`decide` for a profile that leaves a fact a condition reads unknown, in the
        general engine's three-valued logic (``traced.explain``): a condition on an unknown
        fact is met, not met or unknown as its ``if_unknown`` says; an applicant whose
        eligibility is unknown gets nothing at the low end, a purchase whose qualifying is
        unknown is counted from a base of nothing at the low end; the facts are named as
        missing where nothing else refuses the applicant or the purchase. ``None`` where a rate
        tier reads an unknown fact."""
        subjects: list[Any] = [profile.applicant, None, None, switches]
        missing: dict[str, None] = {}
        applicant_ok = _three_valued(self.applicant_tests, subjects, None, missing)
        if applicant_ok is False:
            return _NOT_ELIGIBLE
        purchases = profile.purchases
        nothing: Decision = (False, ZERO, ZERO, (), tuple(missing))
        if self.unpublished:
            qualifying = []
            for index, purchase in zip(indices(len(purchases)), purchases, strict=False):
                subjects[PURCHASE] = purchase
                if _three_valued(self.purchase_tests, subjects, index, missing) is not False:
                    qualifying.append(index)
            if not qualifying:
                return nothing
            return None, None, None, tuple(qualifying), tuple(missing)
        if self.lump_applicant is not None:
            total = self.lump_applicant
            used: tuple[int, ...] = ()
        else:
            if not purchases:
                return nothing
            entries = self._amounts(purchases, subjects, window, missing)
            if entries is None:
                return None
            if not entries:
                return (False, ZERO, ZERO, (), tuple(missing))
            total = self._total(entries)
            used = tuple(e[0] for e in entries)
        return self._lifetime(total, used, tuple(missing), applicant_ok is None)

    def _qualifies(self, subjects: list[Any]) -> bool | None:
        for scope, get, test in self.purchase:
            value = get(subjects[scope])
            if value is None:
                return None
            if not test(value):
                return False
        return True

    def _amounts(
        self,
        purchases: Sequence[Any],
        subjects: list[Any],
        window: Window | None,
        missing: dict[str, None] | None = None,
    ) -> list[_Entry] | None:
        """Each counted purchase's award before per-year limits, with its base (as the
        traced evaluator's ``_purchases`` and ``_amount``); ``None`` where a fact is unknown.

        With ``missing`` (from :meth:`_unsure`), a purchase whose qualifying turns on an
        unknown fact counts from a base of nothing at the low end and its facts are added to
        ``missing``; ``None`` then only where a rate tier reads an unknown fact."""
        entries: list[_Entry] = []
        start, end = window if window is not None else (None, None)
        lump = self.lump_purchase
        base_of = self.base_of
        chosen: Any = _UNCHOSEN  # the tier every purchase takes (``same_tier``), once chosen
        read = False  # whether the facts tiers read outside the purchase are known
        for index, purchase in zip(indices(len(purchases)), purchases, strict=False):
            if start is not None:
                day = purchase.signed
                if day < start or (end is not None and day > end):
                    continue
            subjects[PURCHASE] = purchase
            ok = self._qualifies(subjects)
            if ok is None:
                if missing is None:
                    return None
                ok = _three_valued(self.purchase_tests, subjects, index, missing)
            if ok is not False:
                amount = purchase.amount
                if base_of == "contract":
                    low = high = amount
                else:
                    settled = purchase.settled
                    if settled is not None:
                        low = high = settled
                    elif base_of == "settled_or_contract":
                        low = high = amount
                    else:
                        low, high = ZERO, amount
                if ok is None:  # qualifying unknown: nothing at the low end
                    low = ZERO
                if lump is not None:
                    a_low, a_high = lump
                    if ok is None:
                        a_low = ZERO
                else:
                    if not read:
                        # only a purchase that takes a tier needs them (as choose_rate)
                        for scope, get in self.other_reads:
                            if get(subjects[scope]) is None:
                                return None  # the general engine tries each answer
                        read = True
                    if self.same_tier:
                        if chosen is _UNCHOSEN:
                            chosen = self._tier(subjects)
                        tier = chosen
                    else:
                        for scope, get in self.tier_reads:
                            if get(subjects[scope]) is None:
                                return None  # the general engine tries each answer
                        tier = self._tier(subjects)
                    if tier is None:
                        continue  # no rate tier applies: nothing for this purchase
                    a_low, a_high = low * tier[1], high * tier[2]
                    if self.each_step:
                        a_low, a_high = self.quantize(a_low), self.quantize(a_high)
                    cap = tier[3]
                    if cap is not None:
                        c_low, c_high = cap
                        a_low = c_low if c_low < a_low else a_low
                        a_high = c_high if c_high < a_high else a_high
                for cap_low, cap_high in self.caps_purchase:
                    a_low = cap_low if cap_low < a_low else a_low
                    a_high = cap_high if cap_high < a_high else a_high
                floor = self.minimum
                if floor is not None and lump is None:  # a fixed award has no minimum
                    a_low = a_low if a_low >= floor else ZERO
                    a_high = a_high if a_high >= floor else ZERO
                entries.append((index, purchase.signed.year, a_low, a_high, low, high))
        return entries

    def _single(
        self, purchase: Any, subjects: list[Any], window: Window | None
    ) -> tuple[Decimal, Decimal] | tuple[()] | None:
        """:meth:`_amounts` and :meth:`_total` for a profile of one purchase, step for step:
        its total before lifetime limits, ``()`` where it counts for nothing, ``None`` where a
        fact is unknown."""
        if window is not None:
            start, end = window
            day = purchase.signed
            if day < start or (end is not None and day > end):
                return ()
        subjects[PURCHASE] = purchase
        for scope, get, test in self.purchase:
            value = get(subjects[scope])
            if value is None:
                return None
            if not test(value):
                return ()
        amount = purchase.amount
        base_of = self.base_of
        if base_of == "contract":
            low = high = amount
        else:
            settled = purchase.settled
            if settled is not None:
                low = high = settled
            elif base_of == "settled_or_contract":
                low = high = amount
            else:
                low, high = ZERO, amount
        lump = self.lump_purchase
        if lump is not None:
            a_low, a_high = lump
        else:
            for scope, get in self.profile_reads:
                if get(subjects[scope]) is None:
                    return None  # the general engine tries each answer
            if not self.same_tier:
                for scope, get in self.tier_reads:
                    if get(subjects[scope]) is None:
                        return None  # the general engine tries each answer
            for tier in self.tiers:
                for scope, get, test in tier[0]:
                    if not test(get(subjects[scope])):
                        break
                else:
                    break
            else:
                return ()  # no rate tier applies: nothing for this purchase
            a_low, a_high = low * tier[1], high * tier[2]
            if self.each_step:
                a_low, a_high = self.quantize(a_low), self.quantize(a_high)
            cap = tier[3]
            if cap is not None:
                c_low, c_high = cap
                a_low = c_low if c_low < a_low else a_low
                a_high = c_high if c_high < a_high else a_high
        for cap_low, cap_high in self.caps_purchase:
            a_low = cap_low if cap_low < a_low else a_low
            a_high = cap_high if cap_high < a_high else a_high
        floor = self.minimum
        if floor is not None and lump is None:  # a fixed award has no minimum
            a_low = a_low if a_low >= floor else ZERO
            a_high = a_high if a_high >= floor else ZERO
        return self._year(a_low, a_high, low, high)

    def _tier(self, subjects: list[Any]) -> Any:
        """The first tier whose conditions hold (every fact known), or ``None``."""
        for tier in self.tiers:
            for scope, get, test in tier[0]:
                if not test(get(subjects[scope])):
                    break
            else:
                return tier
        return None

    def _total(self, entries: list[_Entry]) -> tuple[Decimal, Decimal]:
        """Per calendar year of signing: the sum, the spend threshold, per-year caps and the
        yearly pool; then the sum over years."""
        if len(entries) == 1:
            _, _, low, high, base_low, base_high = entries[0]
            return self._year(low, high, base_low, base_high)
        years: dict[int, list[Decimal]] = {}
        for _, year, a_low, a_high, b_low, b_high in entries:
            sums = years.get(year)
            if sums is None:
                years[year] = [a_low, a_high, b_low, b_high]
            else:
                sums[0] += a_low
                sums[1] += a_high
                sums[2] += b_low
                sums[3] += b_high
        low = high = ZERO
        per_year = []
        for year in sorted(years):
            y_low, y_high = self._year(*years[year])
            low += y_low
            high += y_high
            per_year.append((year, (y_low, y_high)))
        if self.support is not None:
            kept = support_period(self.support, per_year)
            if kept is not None and kept[0] != (low, high):  # as traced ``_support_years``
                return kept[0]
        return low, high

    def _year(
        self, low: Decimal, high: Decimal, base_low: Decimal, base_high: Decimal
    ) -> tuple[Decimal, Decimal]:
        spend = self.spend
        if spend is not None:
            amount, inclusive = spend
            if (base_low >= amount) if inclusive else (base_low > amount):
                pass
            elif (base_high >= amount) if inclusive else (base_high > amount):
                low = ZERO
            else:
                low = high = ZERO
        for cap_low, cap_high in self.caps_year:
            # as min(), which is several times slower on two Decimals: the first of equals
            low = cap_low if cap_low < low else low
            high = cap_high if cap_high < high else high
        return low, high


def _three_valued(
    tests: Sequence[Test], subjects: list[Any], index: int | None, missing: dict[str, None]
) -> bool | None:
    """``tests`` in three-valued logic, as the general engine checks them
    (``traced._conditions``): ``False`` if one fails, else ``None`` if one turns on an unknown
    fact (whose profile fields are then added to ``missing``, in the tests' order), else
    ``True``. A rule file's ``if_unknown: pass`` or ``fail`` decides its unknown fact."""
    unknown: list[str] = []
    for test in tests:
        value = test.get(subjects[test.scope])
        if value is None:
            rule = test.if_unknown
            if rule == "range":
                unknown.append(test.path(index))
            elif rule != "pass":
                return False
        elif not test.test(value):
            return False
    if not unknown:
        return True
    for path in unknown:
        missing[path] = None
    return None
