"""Estimates made together across places, grids and amounts are the plain estimates.

Each fast route (:mod:`aivoucher.ruleset.across`, :func:`aivoucher.compare`) is checked against
the plain route — one :meth:`RuleSet.estimate` per profile — on generated plans: the same
estimates, equal and written alike (JSON), with the same reasons and open facts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.base import jurisdictions
from aivoucher.questions.comparison import summarise
from aivoucher.questions.places import places_with_programs, register
from aivoucher.ruleset.across import estimates_across_places, jurisdiction_index
from aivoucher.ruleset.registry import bundled_rules

RULES = bundled_rules()
PLACES = places_with_programs(p.jurisdiction for p in RULES.programs)
QUALIFICATIONS = sorted(RULES.qualifications)
SWITCHES = sorted(RULES.switches)
NAMED_CITIES = sorted(
    {v for p in RULES.programs for c in p.eligibility if c.in_ for v in c.in_}
    & set(jurisdictions.CITIES)
)
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), values)


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    """A plan as a user writes one: some facts stated, others left out."""
    applicant: dict[str, Any] = {
        "kind": draw(st.sampled_from(["enterprise", "university", "research_institute"])),
        "city": draw(st.sampled_from(NAMED_CITIES)),
    }
    for name in ("sme", "startup", "opc"):
        value = draw(_maybe(st.booleans()))
        if value is not None:
            applicant[name] = value
    sector = draw(_maybe(st.sampled_from(["software", "manufacturing", "other"])))
    if sector is not None:
        applicant["sector"] = sector
    applicant["good_standing"] = draw(st.booleans().filter(lambda b: b) | st.booleans())
    if QUALIFICATIONS:
        held = draw(st.dictionaries(st.sampled_from(QUALIFICATIONS), st.booleans(), max_size=2))
        applicant["qualifications"] = held
    purchases = []
    for _ in range(draw(st.integers(1, 3))):
        purchase: dict[str, Any] = {
            "item": draw(st.sampled_from(["compute", "model", "corpus", "data", "scenario"])),
            "amount": draw(st.integers(1, 5_000)) * 10_000,
            "signed": draw(st.dates(dt.date(2023, 6, 1), dt.date(2028, 6, 30))).isoformat(),
        }
        use = draw(_maybe(st.sampled_from(["training", "inference", "other"])))
        if use is not None:
            purchase["use"] = use
        chips = draw(_maybe(st.sampled_from(["domestic", "foreign"])))
        if chips is not None:
            purchase["chip_origin"] = chips
        provider = draw(_maybe(st.sampled_from(NAMED_CITIES)))
        if provider is not None:
            purchase["provider_city"] = provider
        purchases.append(purchase)
    return {"applicant": applicant, "purchases": purchases}


as_of_dates = st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31))
switch_sets = (
    st.lists(st.sampled_from(SWITCHES), max_size=2, unique=True) if SWITCHES else st.just([])
)


def _same(fast: aivoucher.Estimate, plain: aivoucher.Estimate) -> None:
    assert fast == plain
    assert fast.to_json() == plain.to_json()
    assert fast.if_renewed == plain.if_renewed
    assert [a.missing for a in fast.awards] == [a.missing for a in plain.awards]


@SLOW
@given(plans(), as_of_dates, switch_sets, st.booleans(), st.data())
def test_places_together_are_each_estimate(
    plan: dict[str, Any], as_of: dt.date, assume: list[str], renewal: bool, data: st.DataObject
) -> None:
    places = data.draw(st.lists(st.sampled_from(PLACES), min_size=1, max_size=12, unique=True))
    district = data.draw(st.booleans())
    profiles = [register(plan, p.city) for p in places]
    if district:  # a district the applicant declared: its program reads it
        inside = [d for d in jurisdictions.DISTRICTS if jurisdictions.city_of(d) == places[0].city]
        if inside:
            applicant = profiles[0].applicant.model_copy(update={"district": inside[0]})
            profiles[0] = profiles[0].model_copy(update={"applicant": applicant})
    fast = estimates_across_places(
        RULES, profiles, as_of=as_of, assume=assume, assume_renewal=renewal
    )
    for profile, estimate in zip(profiles, fast, strict=True):
        plain = RULES.estimate(profile, as_of=as_of, assume=assume, assume_renewal=renewal)
        _same(estimate, plain)


@SLOW
@given(plans(), as_of_dates, st.booleans())
def test_compare_rows_are_each_estimate(
    plan: dict[str, Any], as_of: dt.date, renewal: bool
) -> None:
    comparison = aivoucher.compare(plan, as_of=as_of, assume_renewal=renewal)
    assert len(comparison.rows) == len(PLACES)
    for row in comparison.rows:
        plain = RULES.estimate(register(plan, row.place.city), as_of=as_of, assume_renewal=renewal)
        # what ranks and summarises the row, read before its estimate is assembled
        assert (row.total_low, row.total_high) == (plain.total_low, plain.total_high)
        assert (row.if_renewed_low, row.if_renewed_high) == plain.if_renewed
        assert row.confidence == plain.confidence
        assert row == summarise(row.place, plain)
        _same(row.estimate, plain)


def test_profiles_that_differ_otherwise_are_estimated_one_by_one() -> None:
    plan = {
        "applicant": {"kind": "enterprise", "city": "shenzhen", "sme": True},
        "purchases": [
            {"item": "compute", "amount": "800万", "signed": "2026-03-01", "use": "training"}
        ],
    }
    other = {**plan, "applicant": {**plan["applicant"], "sme": False, "city": "beijing"}}
    fast = estimates_across_places(RULES, [plan, other], as_of="2026-02-01")
    for profile, estimate in zip([plan, other], fast, strict=True):
        _same(estimate, RULES.estimate(profile, as_of="2026-02-01"))


def test_the_index_refuses_by_the_programs_own_conditions() -> None:
    index = jurisdiction_index(RULES)
    assert jurisdiction_index(RULES) is index  # built once per rule set
    shenzhen = register(
        {"applicant": {"kind": "enterprise"}, "purchases": []}, "shenzhen"
    ).applicant
    refused = index.refused(shenzhen)
    assert "beijing.compute-voucher" in refused
    assert "shenzhen.training-compute" not in refused
    # a district left out fails no condition: the district's own program is still evaluated
    assert "shenzhen-longhua.compute-voucher" not in refused
    # a program that takes applicants from anywhere (its condition is on the provider)
    assert not index.reads_place("guizhou.compute-voucher")
    assert "guizhou.compute-voucher" not in refused


def _plain_grid(plan: Any, as_of: dt.date, **facts: list[Any]) -> list[aivoucher.Estimate]:
    """The grid as each cell was made before: registered, then each fact set, then estimated."""
    import itertools

    from aivoucher.questions.whatif import _PLACE, _set_fact
    from aivoucher.vocabulary.profile import parse_profile

    names = list(facts)
    place_first = sorted(names, key=lambda n: n not in _PLACE)
    out = []
    for combination in itertools.product(*facts.values()):
        chosen = dict(zip(names, combination, strict=True))
        current: Any = plan
        for name in place_first:
            if name in _PLACE:
                current = register(current, chosen[name])
        current = parse_profile(current)
        for name in place_first:
            if name not in _PLACE:
                current = _set_fact(current, name, chosen[name])
        out.append(RULES.estimate(current, as_of=as_of))
    return out


@SLOW
@given(plans(), as_of_dates, st.data())
def test_vary_over_places_is_each_estimate(
    plan: dict[str, Any], as_of: dt.date, data: st.DataObject
) -> None:
    cities = data.draw(st.lists(st.sampled_from(NAMED_CITIES), min_size=1, max_size=6, unique=True))
    startup = data.draw(st.lists(st.sampled_from([True, False, None]), min_size=1, max_size=2))
    chips = data.draw(st.lists(st.sampled_from(["domestic", "foreign"]), min_size=1, max_size=2))
    order = data.draw(st.permutations(["startup", "chip_origin", "place"]))
    given_facts = {"startup": startup, "chip_origin": chips, "place": cities}
    facts = {name: given_facts[name] for name in order}
    grid = aivoucher.vary(plan, as_of=as_of, **facts)
    plain = _plain_grid(plan, as_of, **facts)
    assert len(grid.cases) == len(plain)
    for case, estimate in zip(grid.cases, plain, strict=True):
        _same(case.estimate, estimate)


def _plain_sweep(
    plan: Any, amounts: list[int], places: list[str], as_of: dt.date, renewal: bool
) -> aivoucher.Sweep:
    """The sweep as it was made before: a full estimate at every amount and every knot, and an
    estimate of the one program at each amount its bends are looked for at."""
    from decimal import Decimal

    from aivoucher.base.money import FEN
    from aivoucher.questions.bends import Curve, find_bends
    from aivoucher.questions.curves import SweepPoint, _with_amount, registered_in
    from aivoucher.vocabulary.profile import parse_profile

    profile = parse_profile(register(plan, places[0]))
    values = sorted({Decimal(a) for a in amounts})
    entries = {e.program.key: e for e in RULES}
    points, bends, knots, programs = [], [], [], {}

    def estimate(p: Any, **more: Any) -> aivoucher.Estimate:
        return RULES.estimate(p, as_of=as_of, assume_renewal=renewal, **more)

    for place in places:
        base = registered_in(profile, place)
        estimates = [estimate(_with_amount(base, 0, v)) for v in values]
        paying: dict[str, Any] = {}
        for est in estimates:
            for award in est.awards:
                if award.eligible is not False:
                    paying.setdefault(award.program.key, award.program)

        def point(
            v: Decimal, est: aivoucher.Estimate, paying: Any = paying, place: str = place
        ) -> SweepPoint:
            shown = {a.program.key: (a.low, a.high) for a in est.awards if a.program.key in paying}
            return SweepPoint(place, v, shown, (est.total_low, est.total_high))

        points += [point(v, est) for v, est in zip(values, estimates, strict=True)]
        for key, program in paying.items():
            programs.setdefault(key, program)
            if program.rate.unpublished is not None or program.rate.lump_sum is not None:
                continue

            def single(amount: Decimal, program: Any = program, base: Any = base) -> Any:
                est = estimate(_with_amount(base, 0, amount), programs=[program.id])
                return est.award(program.key)

            lo, hi = (int(v.scaleb(2)) for v in (values[0], values[-1]))
            if lo == hi:
                continue
            bends += find_bends(Curve(single), entries[key].plan, base, 0, place, key, lo, hi)
        spots = sorted({v for b in bends if b.place == place for v in (b.at - FEN, b.at)})
        knots += [point(v, estimate(_with_amount(base, 0, v))) for v in spots]
    return aivoucher.Sweep(
        profile=profile,
        purchase=0,
        amounts=tuple(values),
        places=tuple(places),
        as_of=as_of,
        points=tuple(points),
        bends=tuple(bends),
        programs=programs,
        knots=tuple(knots),
    )


@SLOW
@given(plans(), as_of_dates, st.booleans(), st.data())
def test_sweep_is_made_of_each_estimate(
    plan: dict[str, Any], as_of: dt.date, renewal: bool, data: st.DataObject
) -> None:
    places = data.draw(st.lists(st.sampled_from(NAMED_CITIES), min_size=1, max_size=2, unique=True))
    amounts = data.draw(st.lists(st.integers(0, 50_000_000), min_size=1, max_size=6))
    fast = aivoucher.sweep(
        register(plan, places[0]),
        amounts,
        places=places,
        as_of=as_of,
        assume_renewal=renewal,
    )
    plain = _plain_sweep(plan, amounts, places, as_of, renewal)
    assert fast == plain
    assert fast.describe("zh") == plain.describe("zh")


#: Facts a grid may vary, with values to try (None: unknown).
GRID_FACTS: dict[str, list[Any]] = {
    "kind": ["enterprise", "university"],
    "sme": [True, False, None],
    "startup": [True, None],
    "opc": [True, False],
    "sector": ["software", "manufacturing", None],
    "good_standing": [True, False],
    "district": [None],
    "use": ["training", "inference", None],
    "item": ["compute", "model", "corpus"],
    "chip_origin": ["domestic", "foreign", None],
    "provider_city": [*NAMED_CITIES[:3], None],
    "amount": [100_000, 8_000_000, 90_000_000],
    "signed": ["2024-05-01", "2026-03-01"],
    "via_platform": [True, None],
    "qualifications": [{}, dict.fromkeys(QUALIFICATIONS[:1], True)],
}


@SLOW
@given(plans(), as_of_dates, st.data())
def test_vary_over_any_facts_is_each_estimate(
    plan: dict[str, Any], as_of: dt.date, data: st.DataObject
) -> None:
    names = data.draw(st.lists(st.sampled_from(sorted(GRID_FACTS)), min_size=1, max_size=2))
    facts: dict[str, list[Any]] = {}
    for name in names:
        facts[name] = data.draw(
            st.lists(st.sampled_from(GRID_FACTS[name]), min_size=1, max_size=3, unique_by=repr)
        )
    if data.draw(st.booleans()):
        cities = st.lists(st.sampled_from(NAMED_CITIES), min_size=1, max_size=4, unique=True)
        facts["place"] = data.draw(cities)
    grid = aivoucher.vary(plan, as_of=as_of, **facts)
    plain = _plain_grid(plan, as_of, **facts)
    assert len(grid.cases) == len(plain)
    for case, estimate in zip(grid.cases, plain, strict=True):
        _same(case.estimate, estimate)


def _fresh_rows(plan: Any, as_of: str) -> list[Any]:
    return list(aivoucher.compare(plan, as_of=as_of).rows)


def test_rows_and_cells_assembled_on_read_are_the_same_values() -> None:
    """A comparison's rows and a grid's cells assemble their estimates when first read: that
    is invisible — equality, repr, copies and pickles give the same as rows made
    with the whole estimate, whether the estimate was read before or not."""
    import copy
    import pickle
    from dataclasses import replace

    from aivoucher.questions.assembled import known

    plan = {
        "applicant": {"kind": "enterprise", "startup": True, "sme": True},
        "purchases": [
            {"item": "compute", "use": "training", "amount": "800万", "signed": "2026-03-01"}
        ],
    }
    day = "2026-02-01"
    rows = _fresh_rows(plan, day)
    for row in rows:
        plain = RULES.estimate(register(plan, row.place.city), as_of=day)
        # ranked and summarised before the estimate is assembled, on the same totals
        assert known(row).total_low == plain.total_low
        assert (row.total_low, row.total_high) == (plain.total_low, plain.total_high)
        assert (row.if_renewed_low, row.if_renewed_high) == plain.if_renewed
        assert row.confidence == plain.confidence
        assert "estimate" in row.__dict__
    # each kind of use, on rows whose estimates were never read
    for use in (
        lambda r: (r.estimate, r)[1],  # read first
        lambda r: pickle.loads(pickle.dumps(r)),
        copy.copy,
        copy.deepcopy,
        lambda r: replace(r, notes=r.notes),
        lambda r: r,
    ):
        fresh, other = _fresh_rows(plan, day), _fresh_rows(plan, day)
        for a, b in zip(fresh, other, strict=True):
            made = use(a)
            assert made == b and repr(made) == repr(b)
            _same(b.estimate, RULES.estimate(register(plan, b.place.city), as_of=day))
    grid = aivoucher.vary(plan, as_of=day, startup=[True, False], place=["shenzhen", "beijing"])
    again = aivoucher.vary(plan, as_of=day, startup=[True, False], place=["shenzhen", "beijing"])
    assert [repr(c) for c in grid.cases] == [repr(c) for c in again.cases]
    read = pickle.loads(pickle.dumps(grid))
    assert read == again
    for case in again.cases:
        assert isinstance(case.estimate, aivoucher.Estimate)


def test_rows_read_from_several_threads_at_once_are_the_same_values() -> None:
    """Threads that read the same rows' estimates at once, each assembling them, get equal
    estimates, equal to the plain ones."""
    from concurrent.futures import ThreadPoolExecutor

    plan = {
        "applicant": {"kind": "enterprise", "sme": True},
        "purchases": [{"item": "compute", "amount": "300万", "signed": "2026-03-01"}],
    }
    rows = _fresh_rows(plan, "2026-02-01")
    with ThreadPoolExecutor(4) as pool:
        read = list(pool.map(lambda _: [r.estimate for r in rows], range(8)))
    for row, *made in zip(rows, *read, strict=True):
        plain = RULES.estimate(register(plan, row.place.city), as_of="2026-02-01")
        assert all(m == plain for m in made)
