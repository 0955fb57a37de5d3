"""Hypothesis strategies and invariants for any rule file, bundled or your own.

Install with the extra: ``pip install 'aivoucher[testing]'``.

Strategies (each draws objects that always validate):

* :func:`applicants`, :func:`purchases`, :func:`profiles` — anywhere in the contract's space;
* :func:`profiles_for` — aimed at one program's edges, derived from its rule file: contract
  amounts at, just below and just above every cap, minimum and threshold (divided by each rate),
  each rate tier's conditions met and not met, each eligibility condition true, false and
  unknown, signing dates at the edges of the effective period, the base period and calendar
  years.

Invariants: :func:`check_invariants` runs them all against a program (a rule file path, a
:class:`~aivoucher.vocabulary.schema.Program` or a loaded entry) and raises
:class:`InvariantViolation` with the failing profile; :func:`invariant_violations` checks one
profile. See
docs/reliability.md for the list and what each guards against.

Example (a pytest test for your own rule file)::

    from aivoucher.testing import check_invariants

    def test_my_rule_file():
        check_invariants("rules/mycity/compute-voucher.yaml", max_examples=200)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "aivoucher.testing needs hypothesis: pip install 'aivoucher[testing]'"
    ) from exc

from ..base import jurisdictions
from ..base.money import FEN, MAX_AMOUNT, ZERO
from ..evaluate.engine import Plan, compile_program
from ..render.json import award_to_dict
from ..vocabulary.facts import DOMAINS, FACTS
from ..vocabulary.profile import Profile, Purchase
from ..vocabulary.result import Award, Estimate, StepKind
from ..vocabulary.schema import Condition, Program

__all__ = [
    "InvariantViolation",
    "applicants",
    "check_invariants",
    "estimate_violations",
    "invariant_violations",
    "profiles",
    "profiles_for",
    "purchases",
]

# Values are drawn from the facts' domains (aivoucher.vocabulary.facts), so that a new value is
# drawn as soon as the contract has it; None (unknown) where the profile may leave a fact out.
_KINDS = DOMAINS["applicant.kind"]
_ITEMS: tuple[str, ...] = tuple(map(str, DOMAINS["purchase.item"]))
_MAYBE = st.sampled_from((True, False, None))
#: Each fact with a closed domain: one of its values, or None.
_VALUE_OR_NONE = {name: st.sampled_from((*domain, None)) for name, domain in DOMAINS.items()}
_LIMIT_FEN = 10**11  # 10亿 yuan: large enough for every cap, small enough to stay readable


class InvariantViolation(AssertionError):
    """A program broke a universal invariant (or its own examples) for some profile."""


def _amounts(max_fen: int = _LIMIT_FEN) -> st.SearchStrategy[Decimal]:
    return st.integers(0, max_fen).map(lambda fen: Decimal(fen).scaleb(-2))


def _dates(
    start: dt.date = dt.date(2022, 1, 1), end: dt.date = dt.date(2029, 12, 31)
) -> st.SearchStrategy[dt.date]:
    return st.dates(start, end)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


@st.composite
def _applicant_data(
    draw: st.DrawFn,
    cities: Sequence[str] | None = None,
    qualifications: Sequence[str] = (),
    districts: Sequence[str] = (),
) -> dict[str, Any]:
    city_pool = list(cities) if cities else sorted(jurisdictions.CITIES)
    data: dict[str, Any] = {
        "kind": draw(st.sampled_from(_KINDS)),
        "city": draw(st.sampled_from(city_pool)),
        "sector": draw(_VALUE_OR_NONE["applicant.sector"]),
        "sme": draw(_MAYBE),
        "startup": draw(_MAYBE),
        "opc": draw(_MAYBE),
        "good_standing": draw(st.booleans()),
    }
    quals = {q: v for q in qualifications if (v := draw(_MAYBE)) is not None}
    if quals:
        data["qualifications"] = quals
    own = [d for d in districts if jurisdictions.city_of(d) == data["city"]]
    if own:
        data["district"] = draw(st.sampled_from([None, *own]))
    return _clean(data)


@st.composite
def _purchase_data(
    draw: st.DrawFn,
    amounts: st.SearchStrategy[Decimal] | None = None,
    dates: st.SearchStrategy[dt.date] | None = None,
    items: Sequence[str] = _ITEMS,
    cities: Sequence[str] | None = None,
    qualifications: Sequence[str] = (),
) -> dict[str, Any]:
    amount = draw(amounts if amounts is not None else _amounts())
    signed = draw(dates if dates is not None else _dates())
    data: dict[str, Any] = {
        "item": draw(st.sampled_from(items)),
        "amount": amount,
        "signed": signed,
        "use": draw(_VALUE_OR_NONE["purchase.use"]),
        "chip_origin": draw(_VALUE_OR_NONE["purchase.chip_origin"]),
        "via_platform": draw(_MAYBE),
        "related_party": draw(st.booleans()),
        "other_subsidy": draw(_MAYBE),
        "role": draw(_VALUE_OR_NONE["purchase.role"]),
    }
    quals = {q: v for q in qualifications if (v := draw(_MAYBE)) is not None}
    if quals:
        data["qualifications"] = quals
    if draw(st.booleans()):
        data["provider_city"] = draw(st.sampled_from(list(cities or sorted(jurisdictions.CITIES))))
    if draw(st.booleans()):
        data["settled"] = draw(
            st.integers(0, int(amount * 100)).map(lambda f: Decimal(f).scaleb(-2))
        )
    if draw(st.booleans()):
        start = draw(st.dates(signed, signed + dt.timedelta(days=60)))
        data["start"] = start
        data["end"] = draw(st.dates(start + dt.timedelta(days=1), start + dt.timedelta(days=800)))
    return _clean(data)


def applicants() -> st.SearchStrategy[dict[str, Any]]:
    """Applicant data (as a mapping) that always validates."""
    return _applicant_data()


def purchases() -> st.SearchStrategy[Purchase]:
    """A purchase anywhere in the contract's space."""
    return _purchase_data().map(Purchase.model_validate)


def profiles(max_purchases: int = 4) -> st.SearchStrategy[Profile]:
    """A profile anywhere in the contract's space (any city, any facts, some unknown)."""
    return st.builds(
        lambda a, ps: Profile.model_validate({"applicant": a, "purchases": ps}),
        _applicant_data(),
        st.lists(_purchase_data(), max_size=max_purchases),
    )


# -- aimed at one program --------------------------------------------------------------------


def _program(target: Program | Plan | Any | str | Path) -> Program:
    if isinstance(target, Program):
        return target
    if isinstance(target, Plan):
        return target.program
    if isinstance(target, (str, Path)):
        from ..ruleset.registry import load_program

        return load_program(target)
    program = getattr(target, "program", None)
    if isinstance(program, Program):
        return program
    raise TypeError(
        f"expected a Program, a Plan, a loaded entry or a rule-file path, got {target!r}"
    )


def _conditions(program: Program) -> list[Condition]:
    return [c for _, c in program._conditions()]


def _edge_amounts(program: Program) -> list[Decimal]:
    """Contract amounts where something changes: caps, minimums and thresholds over each rate."""
    rates = {r for t in program.rate.tiers for r in t.rate if r > 0}
    if program.rate.ceiling is not None:
        rates.add(program.rate.ceiling.rate[1])
    limits = {a for c in program.caps for a in c.amount}
    limits |= {a for t in program.rate.tiers if t.cap for a in t.cap}
    if program.pool is not None:
        limits.add(program.pool.amount)
    if program.minimum is not None:
        limits.add(program.minimum.amount)
    points = {c.max for c in _conditions(program) if c.max is not None}
    if program.threshold is not None:
        points.add(program.threshold.amount)  # a spend threshold is on the amount itself
    for limit in limits:
        for rate in rates:
            points.add((limit / rate).quantize(FEN))
    edges = {ZERO, FEN, Decimal(1)}
    for p in points:
        for delta in (ZERO, FEN, -FEN, Decimal(1), -Decimal(1)):
            edges.add(p + delta)
    return sorted(e for e in edges if ZERO <= e <= MAX_AMOUNT)


def _edge_dates(program: Program) -> list[dt.date]:
    eff = program.effective
    anchors = {eff.from_, eff.to or eff.from_ + dt.timedelta(days=730)}
    for c in _conditions(program):
        anchors |= {d for d in (c.from_, c.to) if d is not None}
    if program.base.prorate is not None:
        anchors |= {program.base.prorate.from_, program.base.prorate.to}
    days = set()
    for a in anchors:
        days |= {a - dt.timedelta(days=1), a, a + dt.timedelta(days=1)}
        days |= {dt.date(a.year, 1, 1), dt.date(a.year, 12, 31), dt.date(a.year - 1, 12, 31)}
    return sorted(d for d in days if dt.date(2000, 1, 1) <= d <= dt.date(2100, 12, 31))


def _edge_cities(program: Program) -> list[str]:
    named: set[str] = set()
    for c in _conditions(program):
        kind = FACTS[c.fact].kind
        if kind == "city" and c.in_:
            named |= set(c.in_)
        if kind == "province" and c.in_:
            named |= {x.id for x in jurisdictions.CITIES.values() if x.province in c.in_}
    j = program.jurisdiction
    named |= {x.id for x in jurisdictions.CITIES.values() if j in (x.id, x.province)}
    named |= {jurisdictions.city_of(d) for d in _edge_districts(program)}
    return [*sorted(named), "beijing", "urumqi"]  # plus cities most programs exclude


def _edge_districts(program: Program) -> list[str]:
    """The districts a program names, and one other district of each of their cities."""
    conds = _conditions(program)
    named = {v for c in conds if FACTS[c.fact].kind == "district" for v in c.in_ or ()}
    if program.jurisdiction in jurisdictions.DISTRICTS:
        named.add(program.jurisdiction)
    others = {
        next(d.id for d in jurisdictions.DISTRICTS.values() if d.city == city and d.id not in named)
        for city in {jurisdictions.city_of(d) for d in named}
    }
    return sorted(named | others)


def profiles_for(
    program: Program | Plan | Any | str | Path, max_purchases: int = 4
) -> st.SearchStrategy[Profile]:
    """Profiles aimed at one program's edges (see the module docstring)."""
    prog = _program(program)
    amounts = st.one_of(st.sampled_from(_edge_amounts(prog)), _amounts())
    dates = st.one_of(st.sampled_from(_edge_dates(prog)), _dates())
    named = {v for c in _conditions(prog) if c.fact == "purchase.item" for v in c.in_ or ()}
    # the program's own items, and one it does not cover, so that exclusion is exercised too
    items = [*sorted(named), next((i for i in _ITEMS if i not in named), "compute")]
    cities = _edge_cities(prog)
    conds = _conditions(prog)
    quals = sorted({c.has for c in conds if c.fact == "applicant.qualifications" and c.has})
    item_quals = sorted({c.has for c in conds if c.fact == "purchase.qualifications" and c.has})
    return st.builds(
        lambda a, ps: Profile.model_validate({"applicant": a, "purchases": ps}),
        _applicant_data(
            cities, quals or [q.id for q in prog.qualifications], _edge_districts(prog)
        ),
        st.lists(
            _purchase_data(amounts, dates, items, cities, item_quals),
            max_size=max_purchases,
        ),
    )


# -- invariants ------------------------------------------------------------------------------


def _max_rate(program: Program) -> Decimal:
    rate = max((t.rate[1] for t in program.rate.tiers), default=ZERO)
    if program.rate.ceiling is not None:
        rate = min(rate, program.rate.ceiling.rate[1])
    return rate


def _ceilings(program: Program, profile: Profile) -> list[tuple[str, Decimal]]:
    """Upper bounds any award must respect, for this profile."""
    years = len({p.year for p in profile.purchases}) or 1
    n = len(profile.purchases) or 1
    out: list[tuple[str, Decimal]] = []
    for cap in program.caps:
        factor = {"applicant_total": 1, "applicant_year": years, "purchase": n}[cap.per]
        out.append((f"{cap.per} cap", cap.amount[1] * factor))
    if program.pool is not None:
        factor = years if program.pool.period == "year" else 1
        out.append(("pool", program.pool.amount * factor))
    if program.rate.lump_sum is not None:
        lump = program.rate.lump_sum
        out.append(("lump sum", lump.amount[1] * (n if lump.per == "purchase" else 1)))
    else:
        base = sum((max(p.amount, p.settled or ZERO) for p in profile.purchases), ZERO)
        out.append(("max rate × base", _max_rate(program) * base + program.rounding.quantum))
    return out


def _key(award: Award) -> tuple[Any, ...]:
    return (award.eligible, award.low, award.high)


def _splittable(plan: Plan) -> bool:
    p = plan.program
    return not (
        plan.caps_purchase
        or any(t.cap for t in p.rate.tiers)
        or p.minimum is not None
        or p.rate.lump_sum is not None
        or p.rounding.at == "each_step"
    )


def _trace_adds_up(award: Award) -> str | None:
    if not award.eligible or not award.steps:
        return None
    last = next((s.after for s in reversed(award.steps) if s.after is not None), None)
    if last != (award.low, award.high):
        return f"the last step gives {last}, the award is {(award.low, award.high)}"
    totals = [s for s in award.steps if s.kind is StepKind.TOTAL]
    if totals and not any(s.kind is StepKind.SUPPORT_YEARS for s in award.steps):
        final: dict[str, Any] = {}
        for s in award.steps:
            if s.subject and s.subject.isdigit() and s.after is not None:
                final[s.subject] = s.after
        summed = (
            sum((v[0] for v in final.values()), ZERO),
            sum((v[1] for v in final.values()), ZERO),
        )
        if totals[0].after != summed:
            return f"the years add up to {summed}, the total step says {totals[0].after}"
    return None


def invariant_violations(plan: Plan, profile: Profile) -> list[str]:
    """Every universal invariant this profile breaks (an empty list when none)."""
    program = plan.program
    award = plan.evaluate(profile)
    problems: list[str] = []
    if award.eligible is None:
        if award.low is not None or award.high is not None:
            problems.append("an award with no published amount carries an amount")
        return problems
    low, high = award.low, award.high
    if low is None or high is None or not ZERO <= low <= high:
        return [f"bounds out of order: low {low}, high {high}"]
    if award.eligible is False and (low, high) != (ZERO, ZERO):
        problems.append(f"ineligible but pays {low}–{high}")
    if award.eligible is False and not award.reasons:
        problems.append("ineligible without a reason")
    for name, bound in _ceilings(program, profile):
        if high > bound:
            problems.append(f"high {high} exceeds the {name} ({bound})")
    again = plan.evaluate(profile)
    if (_key(again), again.steps, again.reasons) != (_key(award), award.steps, award.reasons):
        problems.append("not deterministic: a second evaluation differs")
    reversed_profile = profile.model_copy(update={"purchases": tuple(reversed(profile.purchases))})
    if _key(plan.evaluate(reversed_profile)) != _key(award):
        problems.append("depends on the order of the purchases")
    data = award_to_dict(award)
    if json.loads(json.dumps(data, ensure_ascii=False)) != data or Decimal(data["high"]) != high:
        problems.append("the JSON form does not round-trip")
    adds_up = _trace_adds_up(award)
    if adds_up:
        problems.append(f"the trace does not add up: {adds_up}")
    for i, p in enumerate(profile.purchases):
        if plan.monotone:
            bigger = _replace(profile, i, [_grow(p)])
            grown = plan.evaluate(bigger)
            if grown.eligible is not None and (
                (grown.low or ZERO) < low or (grown.high or ZERO) < high
            ):
                problems.append(f"not monotone: raising purchase {i}'s amount lowers the award")
        if _splittable(plan) and p.settled is None and p.amount >= 2 * FEN:
            half = (p.amount / 2).quantize(FEN)
            parts = [
                p.model_copy(update={"amount": half}),
                p.model_copy(update={"amount": p.amount - half}),
            ]
            if _key(plan.evaluate(_replace(profile, i, parts))) != _key(award):
                problems.append(f"splitting purchase {i} into two changes the award")
    return problems


def estimate_violations(estimate: Estimate) -> list[str]:
    """What is wrong with an estimate's totals: a total is never below its largest counted
    award nor above the sum of its counted awards, and low never above high."""
    from ..evaluate.stacking import counted  # the definition of "counted" the totals use

    awards = [a for a in estimate.awards if counted(a) and a.high is not None]
    lows = [a.low or ZERO for a in awards]
    highs = [a.high or ZERO for a in awards]
    low, high = estimate.total_low, estimate.total_high
    problems = []
    if not ZERO <= low <= high:
        problems.append(f"total out of order: {low}–{high}")
    if lows and low < max(lows):
        problems.append(f"total low {low} is below the largest counted award's low {max(lows)}")
    if highs and high < max(highs):
        problems.append(f"total high {high} is below the largest counted award's high {max(highs)}")
    if high > sum(highs, ZERO) or low > sum(lows, ZERO):
        problems.append(f"total {low}–{high} is above the sum of the counted awards")
    return problems


def _grow(p: Purchase) -> Purchase:
    extra = Decimal(100_000)
    settled = None if p.settled is None else p.settled + extra
    return p.model_copy(update={"amount": p.amount + extra, "settled": settled})


def _replace(profile: Profile, index: int, parts: Iterable[Purchase]) -> Profile:
    items = list(profile.purchases)
    items[index : index + 1] = list(parts)
    return profile.model_copy(update={"purchases": tuple(items)})


def _static_problems(plan: Plan) -> list[str]:
    """What is wrong with the rule file itself: failing examples, tiers beyond their limits."""
    # checking imports the registry: keep it off import time
    from ..ruleset.checking import compare, evaluate_example

    program = plan.program
    problems: list[str] = []
    ceiling = program.rate.ceiling.rate[1] if program.rate.ceiling else None
    purchase_caps = [c.amount[1] for c in program.caps if c.per == "purchase"]
    for i, tier in enumerate(program.rate.tiers):
        if ceiling is not None and tier.rate[1] > ceiling:
            problems.append(f"rate.tiers[{i}] pays {tier.rate[1]} above the ceiling {ceiling}")
        if tier.cap is not None and purchase_caps and tier.cap[1] > min(purchase_caps):
            problems.append(
                f"rate.tiers[{i}] has a cap {tier.cap[1]} that the per-purchase cap "
                f"{min(purchase_caps)} always overrides"
            )
    lump = program.rate.lump_sum
    for cap in program.caps:
        if lump is not None and lump.amount[1] > cap.amount[1]:
            problems.append(f"the lump sum {lump.amount[1]} is above the cap {cap.amount[1]}")
    for i, example in enumerate(program.examples):
        try:
            profile = Profile.model_validate(example.profile)
        except ValueError as exc:
            problems.append(f"examples[{i}] ({example.name}): invalid profile: {exc}")
            continue
        for problem in compare(example, evaluate_example(plan, profile, example)):
            problems.append(f"examples[{i}] ({example.name}): {problem}")
    return problems


def check_invariants(
    program: Program | Plan | Any | str | Path,
    *,
    max_examples: int = 100,
    strategy: st.SearchStrategy[Profile] | None = None,
    deadline: int | None = None,
) -> None:
    """Check a program's own examples and limits, then the universal invariants on generated
    profiles (:func:`profiles_for` unless ``strategy`` is given). Raises
    :class:`InvariantViolation` naming the problem and the profile that shows it."""
    prog = _program(program)
    plan = program if isinstance(program, Plan) else compile_program(prog)
    static = _static_problems(plan)
    if static:
        raise InvariantViolation(f"{prog.key}: " + "; ".join(static))
    profiles_strategy = strategy if strategy is not None else profiles_for(prog)

    @settings(
        max_examples=max_examples,
        deadline=deadline,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(profiles_strategy)
    def run(profile: Profile) -> None:
        problems = invariant_violations(plan, profile)
        if problems:
            raise InvariantViolation(
                f"{prog.key}: " + "; ".join(problems) + f"\nprofile: {profile.model_dump_json()}"
            )

    run()
