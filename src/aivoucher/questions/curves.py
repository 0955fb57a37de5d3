"""Spend curves: what each program pays as one purchase's amount varies, and where each curve bends.

Every award is piecewise linear in one purchase's amount: a rate times the amount until a cap,
a pool, a minimum, a yearly-total threshold or a support-years limit changes the formula. A
:class:`Sweep` evaluates the engine at the amounts asked for and reports each **bend**
exactly; :mod:`aivoucher.questions.bends` says how they are found.

A bend's ``at`` is the smallest spend, in fen, at which the award follows the new piece's
formula: for a cap, the smallest spend at which the award has reached the cap (spending more
adds nothing). ``exact`` is the rational point where the two lines meet (``None`` for a jump).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..base import jurisdictions
from ..base.limits import (
    MAX_AMOUNTS,
    MAX_PLACES,
    MAX_SWEEP_ESTIMATES,
    check_count,
    no_place,
    take,
)
from ..base.money import FEN, ZERO, parse_amount
from ..errors import InputError
from ..vocabulary.profile import Profile, parse_profile
from ..vocabulary.result import Award, Bounds, Estimate
from .bends import Bend, Curve, find_bends
from .places import register

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from pandas import DataFrame

    from ..ruleset.registry import RuleSet
    from ..vocabulary.schema import Program

__all__ = ["Bend", "Sweep", "SweepPoint", "registered_in", "sweep"]


def registered_in(profile: Profile, place: str) -> Profile:
    """``profile`` with its applicant registered in ``place`` (a city id or name)."""
    return register(profile, jurisdictions.city(place))


def _with_amount(profile: Profile, index: int, amount: Decimal) -> Profile:
    """``profile`` with purchase ``index`` at ``amount``; a declared settled amount follows it
    (the swept spend is what is paid)."""
    purchase = profile.purchases[index]
    update: dict[str, Any] = {"amount": amount}
    if purchase.settled is not None:
        update["settled"] = amount
    purchases = list(profile.purchases)
    purchases[index] = purchase.model_copy(update=update)
    return profile.model_copy(update={"purchases": tuple(purchases)})


@dataclass(frozen=True, slots=True)
class SweepPoint:
    """Every curve's value at one amount in one place: program key → (low, high), and the
    place's total. An award with no computable amount is ``(None, None)``."""

    place: str
    amount: Decimal
    awards: Mapping[str, tuple[Decimal | None, Decimal | None]]
    total: Bounds


@dataclass(frozen=True)
class Sweep:
    """Spend curves of one profile as purchase ``purchase`` takes each of ``amounts``.

    ``points`` holds one :class:`SweepPoint` per place and amount (places in the order given,
    amounts ascending); ``bends`` every confirmed bend inside the swept range, by place,
    program and spend; ``programs`` the programs that pay at some amount, by key.
    """

    profile: Profile
    purchase: int
    amounts: tuple[Decimal, ...]
    places: tuple[str, ...]
    as_of: dt.date
    points: tuple[SweepPoint, ...]
    bends: tuple[Bend, ...]
    programs: Mapping[str, Program] = field(repr=False)
    #: Points at each bend and one fen below it (for drawing totals through the bends).
    knots: tuple[SweepPoint, ...] = field(default=(), repr=False)

    def at(self, amount: object, place: str | None = None) -> SweepPoint:
        """The point at one swept amount (in one place; default the first)."""
        value = parse_amount(amount)
        where = self._place(place)
        for point in self.points:
            if point.place == where and point.amount == value:
                return point
        raise InputError(f"{value} is not one of the swept amounts", field="amount")

    def curve(
        self, program: str, place: str | None = None
    ) -> list[tuple[Decimal, Decimal | None, Decimal | None]]:
        """``(amount, low, high)`` of one program in one place (default: the first)."""
        where = self._place(place)
        if program not in self.programs:
            raise InputError(f"no curve for {program!r} in this sweep", field="program")
        return [
            (p.amount, *p.awards.get(program, (ZERO, ZERO)))
            for p in self.points
            if p.place == where
        ]

    def describe(self, locale: str = "en") -> list[str]:
        """One sentence per bend, in ``locale`` (zh or en)."""
        from ..render.messages import messages

        m = messages(locale)
        many = len(self.places) > 1
        return [
            (m.text("sweep.in_place", place=m.place(b.place)) if many else "")
            + m.bend(b, self.programs[b.program])
            for b in self.bends
        ]

    def _place(self, place: str | None) -> str:
        if place is None:
            return self.places[0]
        where = jurisdictions.city(place)
        if where not in self.places:
            raise InputError(f"{place!r} is not one of the swept places", field="place")
        return where

    def __repr__(self) -> str:
        from ..render.messages import messages

        m = messages("en")
        low, high = self.amounts[0], self.amounts[-1]
        head = (
            f"<Sweep purchase #{self.purchase + 1}: {m.short_money(low)} – {m.short_money(high)}"
            f" ({len(self.amounts)} amounts) · {', '.join(self.places)} · "
            f"{len(self.programs)} programs · {len(self.bends)} bends>"
        )
        from ..base.visible import joined

        return joined([head, *(f"  {line}" for line in self.describe("en"))])

    def _repr_html_(self) -> str:
        from ..render.html import render_sweep_html

        return render_sweep_html(self)

    def to_frame(self, *, locale: str = "en") -> DataFrame:
        """One row per place, amount and program (plus a ``total`` row per place and amount);
        money columns hold exact ``Decimal`` values (see :mod:`aivoucher.render.frames`)."""
        from ..render.frames import sweep_frame

        return sweep_frame(self, locale=locale)

    def bends_frame(self, *, locale: str = "en") -> DataFrame:
        """One row per bend."""
        from ..render.frames import bends_frame

        return bends_frame(self, locale=locale)

    def plot(
        self,
        *,
        program: str | None = None,
        place: str | None = None,
        locale: str = "en",
        ax: Axes | None = None,
    ) -> Axes:
        """The curves (low dashed, high solid) with the bends marked: the axes of a figure of
        their own, which show themselves in a notebook, or ``ax`` drawn into; see
        :mod:`aivoucher.render.plot`."""
        from ..render.plot import plot_sweep

        return plot_sweep(self, program=program, place=place, locale=locale, ax=ax)


# -- the entry point -------------------------------------------------------------------------


def sweep(
    profile: Profile | Mapping[str, Any],
    amounts: Iterable[object],
    *,
    purchase: int = 0,
    places: Iterable[str] | None = None,
    as_of: dt.date | str | None = None,
    assume: Iterable[str] = (),
    assume_renewal: bool = False,
    rules: RuleSet | None = None,
) -> Sweep:
    """Award low/high of every program (and the total) as purchase number ``purchase``
    (0-based) takes each of ``amounts`` (``"800万"``, ``Decimal``, ``int``), in the profile's
    own city or in each of ``places`` (city ids or names: the applicant registered there).
    ``assume_renewal`` counts a purchase signed after a program's last known version ends as
    if the program were renewed, as :func:`aivoucher.estimate` does (a plan for a later year).

    Bends are reported inside the swept range (smallest to largest amount), exactly: see the
    :mod:`aivoucher.questions.bends`. A declared ``settled`` amount follows the swept amount.
    """
    from ..base.dates import as_of_date
    from ..ruleset.registry import bundled_rules
    from ..vocabulary.naming import name_list

    ruleset = rules if rules is not None else bundled_rules()
    names: list[str] | None = None
    if places is not None:
        # read once, and no further than the limit: ``places`` may be any iterable
        names = (
            [places] if isinstance(places, str) else take(places, MAX_PLACES, "places", "places")
        )
        if not names:
            raise no_place()
    if names is not None and not isinstance(profile, Profile):
        # the places are the question: the profile's own city may be left out
        profile = register(profile, jurisdictions.city(names[0]))
    prof = parse_profile(profile)
    if isinstance(purchase, bool) or not isinstance(purchase, int):
        raise InputError("purchase must be the index of a purchase (0, 1, …)", field="purchase")
    if not 0 <= purchase < len(prof.purchases):
        raise InputError(
            f"purchase {purchase} does not exist (the profile lists {len(prof.purchases)})",
            field="purchase",
        )
    if isinstance(amounts, (str, bytes)):
        amounts = [amounts]
    # at most the limit and one more amount is read: an endless iterable is refused, not run
    values = sorted({parse_amount(a) for a in take(amounts, MAX_AMOUNTS, "amounts", "amounts")})
    if not values:
        raise InputError("give at least one amount to sweep", field="amounts")
    day = as_of_date(as_of)
    chosen = tuple(assume)
    where = (
        (prof.applicant.city,)
        if names is None
        else tuple(dict.fromkeys(jurisdictions.city(p) for p in names))
    )
    check_count(len(values) * len(where), MAX_SWEEP_ESTIMATES, "sweep", "amounts")
    entries = {e.program.key: e for e in ruleset}
    points: list[SweepPoint] = []
    bends: list[Bend] = []
    knots: list[SweepPoint] = []
    programs: dict[str, Program] = {}
    # what every estimate checks first, checked once: the amount changes nothing of it
    switches = ruleset._check_switches(name_list(chosen, "assume", "assumption names") or ())
    for place in where:
        base = registered_in(prof, place)
        ruleset._check_qualifications(base)
        if base.spans:
            # a plan by month or quarter: each point as its estimate covers the days, the
            # bends of each day's curves (aivoucher.ruleset.days)
            found = _over_days(
                ruleset, base, purchase, place, values, day, switches, assume_renewal, entries
            )
            points += found[0]
            bends += found[1]
            knots += found[2]
            for key, program in found[3].items():
                programs.setdefault(key, program)
            continue
        at = _Amounts(ruleset, base, purchase, day, switches, assume_renewal)
        made = [at.awards(v) for v in values]
        paying: dict[str, Program] = {}
        for _, awards in made:
            for award in awards:
                if award.eligible is not False:
                    paying.setdefault(award.program.key, award.program)
        for v, both in zip(values, made, strict=True):
            points.append(at.point(place, v, both, paying))
        for key, program in paying.items():
            programs.setdefault(key, program)
            if program.rate.unpublished is not None or program.rate.lump_sum is not None:
                continue  # no amount, or one that does not depend on spend
            curve = Curve(at.single(program))
            lo, hi = (int(v.scaleb(2)) for v in (values[0], values[-1]))  # in fen
            if lo == hi:
                continue
            bends += find_bends(curve, entries[key].plan, base, purchase, place, key, lo, hi)
        spots = sorted({v for b in bends if b.place == place for v in (b.at - FEN, b.at)})
        for v in spots:
            knots.append(at.point(place, v, at.awards(v), paying))
    return Sweep(
        profile=prof,
        purchase=purchase,
        amounts=tuple(values),
        places=where,
        as_of=day,
        points=tuple(points),
        bends=tuple(bends),
        programs=programs,
        knots=tuple(knots),
    )


def _over_days(
    ruleset: RuleSet,
    base: Profile,
    purchase: int,
    place: str,
    values: Sequence[Decimal],
    day: dt.date,
    switches: frozenset[str],
    assume_renewal: bool,
    entries: Mapping[str, Any],
) -> tuple[list[SweepPoint], list[Bend], list[SweepPoint], dict[str, Program]]:
    """A sweep of a profile whose dates include a month or a quarter: each point is the
    estimate at that amount (which covers every day that can matter), and the bends are
    those of each such day's curves, once each."""
    from ..ruleset.days import day_profiles

    def estimate(amount: Decimal) -> Estimate:
        return ruleset.estimate(
            _with_amount(base, purchase, amount),
            as_of=day,
            assume=sorted(switches),
            assume_renewal=assume_renewal,
        )

    made = [estimate(v) for v in values]
    paying: dict[str, Program] = {}
    for est in made:
        for award in est.awards:
            if award.eligible is not False:
                paying.setdefault(award.program.key, award.program)

    def point(amount: Decimal, est: Estimate) -> SweepPoint:
        shown = _shown(est.awards, est.profile, paying)
        return SweepPoint(place, amount, shown, (est.total_low, est.total_high))

    points = [point(v, est) for v, est in zip(values, made, strict=True)]
    bends: list[Bend] = []
    lo, hi = (int(v.scaleb(2)) for v in (values[0], values[-1]))  # in fen
    if lo != hi:
        _, days = day_profiles(base, ruleset.rule_dates)
        for one_day, _ in days:
            at = _Amounts(ruleset, one_day, purchase, day, switches, assume_renewal)
            for key, program in paying.items():
                if program.rate.unpublished is not None or program.rate.lump_sum is not None:
                    continue
                curve = Curve(at.single(program))
                for bend in find_bends(
                    curve, entries[key].plan, one_day, purchase, place, key, lo, hi
                ):
                    if bend not in bends:
                        bends.append(bend)
    spots = sorted({v for b in bends for v in (b.at - FEN, b.at)})
    knots = [point(v, estimate(v)) for v in spots]
    return points, bends, knots, paying


class _Amounts:
    """One place's profile as the swept purchase takes each amount: what each estimate of it
    would give, evaluated only where it can differ.

    A point needs the awards of the programs that pay at some amount and the estimate's
    totals. A program with a condition on the applicant that fails pays nothing at any amount
    (:func:`aivoucher.ruleset.across.refused_applicant`): it is not evaluated. One whose awards
    do not depend on spend (:func:`aivoucher.ruleset.across.spend_free`) is evaluated once.
    Every other program is judged at each amount as :meth:`RuleSet.estimate` judges it, and
    the totals combine the awards as the estimate combines them (the others count nowhere).

    A program's awards at one amount are judged once, for the points, the knots and the search
    for its bends alike (a knot lies at a bend, where that search has judged it already). The
    amounts are told apart as written (``Decimal`` digits and exponent), not only by value:
    each is judged in the very form its estimate would be given.
    """

    def __init__(
        self,
        ruleset: RuleSet,
        base: Profile,
        index: int,
        day: dt.date,
        switches: frozenset[str],
        assume_renewal: bool,
    ) -> None:
        from ..ruleset.across import refused_applicant, spend_free

        self.ruleset, self.base, self.index, self.day = ruleset, base, index, day
        self.switches, self.assume_renewal = switches, assume_renewal
        refused = refused_applicant(ruleset, base, switches)
        self.live = [pid for pid in ruleset.index.ids if pid not in refused]
        self.free = {pid for pid in self.live if spend_free(ruleset, pid)}
        self.fixed: dict[str, list[Award]] = {}
        self._profiles: dict[Any, Profile] = {}
        self._judged: dict[tuple[str, Any], list[Award]] = {}

    def profile(self, amount: Decimal, written: Any = None) -> Profile:
        """The profile at ``amount`` (made once per amount as written: ``written``, its
        ``as_tuple()``, where the caller has it)."""
        key = amount.as_tuple() if written is None else written
        found = self._profiles.get(key)
        if found is None:
            found = self._profiles[key] = _with_amount(self.base, self.index, amount)
        return found

    def judged(self, pid: str, amount: Decimal, written: Any = None) -> list[Award]:
        """A program's awards at ``amount``, as :meth:`RuleSet.estimate` makes them for an
        estimate of every program (or of that one: a program that pays at some amount is
        in force, where naming it changes nothing)."""
        found = self.fixed.get(pid)
        if found is not None:
            return found
        if written is None:
            written = amount.as_tuple()
        key = (pid, written)
        found = self._judged.get(key)
        if found is None:
            found = self._judged[key] = self.ruleset._program_awards(
                pid,
                self.profile(amount, written),
                self.day,
                self.switches,
                False,
                self.assume_renewal,
            )
            if pid in self.free:
                self.fixed[pid] = found
        return found

    def awards(self, amount: Decimal) -> tuple[Profile, list[Award]]:
        """The profile at ``amount``, and the awards of the programs that may pay there, in
        the estimate's order."""
        written = amount.as_tuple()
        out: list[Award] = []
        for pid in self.live:
            out += self.judged(pid, amount, written)
        return self.profile(amount, written), out

    @staticmethod
    def point(
        place: str,
        amount: Decimal,
        made: tuple[Profile, list[Award]],
        paying: Mapping[str, Program],
    ) -> SweepPoint:
        from ..evaluate.stacking import combine

        profile, awards = made
        low, high, _ = combine(awards, profile)
        return SweepPoint(place, amount, _shown(awards, profile, paying), (low, high))

    def single(self, program: Program) -> Callable[[Decimal], Award]:
        """The award of one program at each amount, as an estimate of that program alone
        gives it (the program pays at some swept amount)."""
        from ..evaluate.application import with_application

        live = program.id in self.live

        def evaluate(amount: Decimal) -> Award:
            profile = self.profile(amount)
            if live:
                awards = self.judged(program.id, amount)
            else:
                awards = self.ruleset._program_awards(
                    program.id,
                    profile,
                    self.day,
                    self.switches,
                    False,
                    self.assume_renewal,
                    named=True,
                )
            for award in awards:
                if program.key in (award.program.id, award.program.key):
                    return with_application(award, self.day, profile)
            return self.ruleset.estimate(  # no such award: the estimate says why
                profile,
                programs=[program.id],
                as_of=self.day,
                assume=sorted(self.switches),
                assume_renewal=self.assume_renewal,
            ).award(program.key)

        return evaluate


def _single(
    ruleset: RuleSet,
    profile: Profile,
    index: int,
    program: Program,
    day: dt.date,
    assume: tuple[str, ...],
    assume_renewal: bool = False,
) -> Callable[[Decimal], Award]:
    """One program's award at each amount through a whole estimate of it: what
    :meth:`_Amounts.single` gives without the estimate around it (the tests' reference)."""

    def evaluate(amount: Decimal) -> Award:
        est = ruleset.estimate(
            _with_amount(profile, index, amount),
            programs=[program.id],
            as_of=day,
            assume=assume,
            assume_renewal=assume_renewal,
        )
        return est.award(program.key)

    return evaluate


def _shown(
    awards: Iterable[Award], profile: Profile, paying: Mapping[str, Program]
) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    """Each paying program's award at a point, in the profile's currency, as the total adds it
    (an award in another currency converted at the profile's rate, as its trace's last step
    shows; without a rate it has no amount)."""
    from ..evaluate.stacking import in_profile_currency

    shown: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    for a in awards:
        if a.program.key not in paying:
            continue
        if a.program.currency != profile.currency:
            own = in_profile_currency(a, profile)
            shown[a.program.key] = (None, None) if own is None else (own.low, own.high)
        else:
            shown[a.program.key] = (a.low, a.high)
    return shown
