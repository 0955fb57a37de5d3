"""The fast path (aivoucher.fast) and the general engine give the same awards.

``Plan.evaluate`` takes the fast path where every fact the plan reads is known and builds the
trace on first access; ``Plan.explain`` is the general three-valued engine. Profiles here state
every fact (so that the fast path decides) or leave some out (so that it hands over).
"""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aivoucher.base import jurisdictions
from aivoucher.evaluate.engine import Plan
from aivoucher.ruleset.registry import Entry, bundled_rules
from aivoucher.testing import profiles_for
from aivoucher.vocabulary.profile import Profile, parse_profile
from aivoucher.vocabulary.result import Award

ENTRIES = [pytest.param(e.program.key, id=e.program.key) for e in bundled_rules()]
_BY_KEY = {e.program.key: e for e in bundled_rules()}
_AMOUNTS = st.one_of(
    st.sampled_from([Decimal(0), Decimal("0.01"), Decimal(1_000_000), Decimal(50_000_000)]),
    st.integers(0, 10**11).map(lambda f: Decimal(f).scaleb(-2)),
)


def _wanted(entry: Entry) -> dict[str, list[Any]]:
    """The values a program's conditions (eligibility and rate tiers) ask for, by fact."""
    program = entry.program
    wanted: dict[str, list[Any]] = {}
    for c in (*program.eligibility, *(x for t in program.rate.tiers for x in t.when)):
        values = list(c.in_ or ()) if c.in_ is not None else [c.is_] if c.is_ is not None else []
        if c.has is not None:
            values, fact = [True], f"{c.fact}.{c.has}"
        else:
            fact = c.fact
        wanted.setdefault(fact, []).extend(values)
    return wanted


def _home_cities(place: str) -> list[str]:
    """The cities where a program's applicants may be registered."""
    if place in jurisdictions.DISTRICTS:
        return [jurisdictions.city_of(place)]
    if place in jurisdictions.CITIES:
        return [place]
    return sorted(c.id for c in jurisdictions.CITIES.values() if c.province == place)[:3]


#: The facts a profile may leave unknown (the applicant's and each purchase's).
_OPTIONAL_APPLICANT = ("sector", "sme", "startup", "opc", "good_standing", "district")
_OPTIONAL_PURCHASE = (
    "use",
    "chip_origin",
    "provider_city",
    "via_platform",
    "related_party",
    "other_subsidy",
    "role",
    "start",
    "end",
)


@st.composite
def known_profiles(draw: st.DrawFn, entry: Entry, drop: bool = False) -> Profile:
    """A profile stating every fact a program could read, mostly with the values the
    program's conditions ask for (so that many profiles qualify) and sometimes others; with
    ``drop``, some of those facts (and qualifications) are left unknown."""
    program = entry.program
    wanted = _wanted(entry)

    def pick(fact: str, others: list[Any]) -> Any:
        return draw(st.sampled_from(sorted(set(wanted.get(fact, [])), key=str) * 6 + others))

    booleans = [True, False]
    city = pick("applicant.city", [*_home_cities(program.jurisdiction), "beijing"])
    if city not in jurisdictions.CITIES:
        city = draw(st.sampled_from([*_home_cities(program.jurisdiction), "beijing"]))
    quals = {q.id for q in program.qualifications}
    quals |= {c.has for c in program.eligibility if c.has}
    quals |= {c.has for t in program.rate.tiers for c in t.when if c.has}
    applicant: dict[str, Any] = {
        "kind": pick("applicant.kind", ["enterprise", "university", "research_institute"]),
        "city": city,
        "sector": pick("applicant.sector", ["software", "manufacturing", "other"]),
        "sme": pick("applicant.sme", booleans),
        "startup": pick("applicant.startup", booleans),
        "opc": pick("applicant.opc", booleans),
        "good_standing": pick("applicant.good_standing", booleans),
        "qualifications": {
            q: pick(f"applicant.qualifications.{q}", booleans) for q in sorted(quals)
        },
    }
    districts = sorted(d for d in jurisdictions.DISTRICTS if jurisdictions.city_of(d) == city)
    if districts:
        district = pick("applicant.district", districts)
        if jurisdictions.city_of(district) == city:
            applicant["district"] = district
    start = program.window[0]
    purchases = []
    for _ in range(draw(st.integers(0, 3))):
        amount = draw(_AMOUNTS)
        signed = start + dt.timedelta(days=draw(st.integers(-30, 900)))
        data: dict[str, Any] = {
            "item": pick("purchase.item", ["compute", "model", "corpus"]),
            "amount": amount,
            "signed": signed,
            "use": pick("purchase.use", ["training", "inference", "other"]),
            "chip_origin": pick("purchase.chip_origin", ["domestic", "foreign"]),
            "provider_city": pick("purchase.provider_city", [city, "beijing"]),
            "via_platform": pick("purchase.via_platform", booleans),
            "related_party": pick("purchase.related_party", booleans),
            "other_subsidy": pick("purchase.other_subsidy", booleans),
            "role": pick("purchase.role", ["buyer", "producer"]),
            "start": signed,
            "end": signed + dt.timedelta(days=draw(st.integers(1, 800))),
            "qualifications": {
                q: pick(f"purchase.qualifications.{q}", booleans) for q in sorted(quals)
            },
        }
        if data["provider_city"] not in jurisdictions.CITIES:
            data["provider_city"] = city
        if draw(st.booleans()):
            data["settled"] = draw(
                st.integers(0, int(amount * 100)).map(lambda f: Decimal(f).scaleb(-2))
            )
        purchases.append(data)
    if drop:
        for key in draw(st.sets(st.sampled_from(_OPTIONAL_APPLICANT), max_size=3)):
            applicant.pop(key, None)
        for q in draw(st.sets(st.sampled_from(sorted(quals)))) if quals else ():
            applicant["qualifications"].pop(q)
        for data in purchases:
            for key in draw(st.sets(st.sampled_from(_OPTIONAL_PURCHASE), max_size=3)):
                data.pop(key, None)
            for q in draw(st.sets(st.sampled_from(sorted(quals)))) if quals else ():
                data["qualifications"].pop(q)
            if "start" not in data or "end" not in data:
                data.pop("start", None)
                data.pop("end", None)
    return parse_profile({"applicant": applicant, "purchases": purchases})


def _same(plan: Plan, profile: Profile, **setting: Any) -> Award:
    fast = plan.evaluate(profile, **setting)
    general = plan.explain(profile, **setting)
    decided = (fast.eligible, fast.low, fast.high, fast.purchases, fast.missing, fast.renewal)
    assert decided == (
        general.eligible,
        general.low,
        general.high,
        general.purchases,
        general.missing,
        general.renewal,
    )
    # the trace, built on first access, is the general engine's
    assert (fast.reasons, fast.assumptions, fast.steps) == (
        general.reasons,
        general.assumptions,
        general.steps,
    )
    assert fast == general
    return fast


@pytest.mark.parametrize("key", ENTRIES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_and_general_paths_agree(key: str, data: st.DataObject) -> None:
    entry = _BY_KEY[key]
    profile = data.draw(st.one_of(known_profiles(entry), profiles_for(entry.program)))
    names = sorted(s.id for s in entry.program.switches)
    switches = data.draw(st.sets(st.sampled_from(names)) if names else st.just(set()))
    window = data.draw(st.sampled_from([None, entry.program.window]))
    renewal = data.draw(st.booleans())
    _same(entry.plan, profile, switches=switches, window=window, renewal=renewal)


@pytest.mark.parametrize("key", ENTRIES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_and_general_paths_agree_where_facts_are_unknown(
    key: str, data: st.DataObject
) -> None:
    """Profiles that ask mostly what the program asks but leave some facts unknown: the fast
    path decides an unknown condition in three-valued logic (missing facts named in the same
    order), and hands over where a rate tier reads an unknown fact."""
    entry = _BY_KEY[key]
    profile = data.draw(known_profiles(entry, drop=True))
    names = sorted(s.id for s in entry.program.switches)
    switches = data.draw(st.sets(st.sampled_from(names)) if names else st.just(set()))
    window = data.draw(st.sampled_from([None, entry.program.window]))
    _same(entry.plan, profile, switches=switches, window=window, renewal=data.draw(st.booleans()))


def test_the_fast_path_decides_where_every_fact_is_known() -> None:
    """Shenzhen's 训力券 and Chengdu's 算力券 take the fast path for a complete profile, and
    hand over to the general engine when one fact they read is unknown."""
    rules = bundled_rules()
    cases = {
        "shenzhen.training-compute": (
            {"kind": "enterprise", "city": "shenzhen", "startup": True},
            {"item": "compute", "use": "training", "amount": "1000万", "signed": "2025-03-01"},
            "startup",
        ),
        "chengdu.compute-voucher": (
            {"kind": "enterprise", "city": "chengdu"},
            {
                "item": "compute",
                "chip_origin": "domestic",
                "amount": 2_000_000,
                "signed": "2025-06-01",
            },
            "chip_origin",
        ),
    }
    for program_id, (applicant, purchase, dropped) in cases.items():
        plan = rules.get(program_id).plan
        assert plan.fast is not None
        known = parse_profile({"applicant": applicant, "purchases": [purchase]})
        assert plan.fast.decide(known, frozenset(), None) is not None
        award = _same(plan, known)
        assert award.eligible is True and award.low is not None and award.low > 0
        partial = {
            "applicant": {k: v for k, v in applicant.items() if k != dropped},
            "purchases": [{k: v for k, v in purchase.items() if k != dropped}],
        }
        unknown = parse_profile(partial)
        assert plan.fast.decide(unknown, frozenset(), None) is None
        assert _same(plan, unknown).missing


def test_plans_outside_the_fast_path_are_named() -> None:
    """Proration, first years of service, a rate tier on the year's total:
    these plans always take the general engine; every other bundled plan has a fast path."""
    without = {e.program.key for e in bundled_rules() if e.plan.fast is None}
    assert without == {
        "nanning.compute-voucher",
        "shanghai.compute-voucher",
        "hangzhou.compute-voucher",
    }


_SUPPORTED_YEARS = [
    pytest.param(e.program.key, id=e.program.key)
    for e in bundled_rules()
    if e.plan.support_years is not None
]


@pytest.mark.parametrize("key", _SUPPORTED_YEARS)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_support_years_are_kept_alike_on_both_paths(key: str, data: st.DataObject) -> None:
    """Purchases spread over up to seven calendar years, some with their qualifying unknown,
    so that the support period binds and may start at several years: the fast path keeps
    the same years as the general engine."""
    entry = _BY_KEY[key]
    base = data.draw(known_profiles(entry)).model_dump(mode="json", exclude_none=True)
    purchases = []
    assume(base["purchases"])  # the purchases below are made from the profile's first
    for _ in range(data.draw(st.integers(2, 6))):
        purchase = dict(base["purchases"][0])
        year = entry.program.window[0].year + data.draw(st.integers(0, 6))
        purchase["signed"] = f"{year}-0{data.draw(st.integers(1, 9))}-15"
        purchase.pop("start", None)
        purchase.pop("end", None)
        purchase["amount"] = str(data.draw(_AMOUNTS))
        purchase.pop("settled", None)
        if data.draw(st.booleans()):
            purchase.pop(data.draw(st.sampled_from(_OPTIONAL_PURCHASE)), None)
        purchases.append(purchase)
    profile = parse_profile({**base, "purchases": purchases})
    assert entry.plan.fast is not None  # support years take the fast path
    _same(entry.plan, profile)


def test_an_award_explained_later_is_a_value() -> None:
    """Equal, hashable where its trace is, picklable, immutable and replaceable without losing
    what it was decided from."""
    plan = bundled_rules().get("shenzhen.training-compute").plan
    profile = parse_profile(
        {
            "applicant": {"kind": "enterprise", "city": "shenzhen", "startup": False},
            "purchases": [
                {"item": "compute", "use": "training", "amount": "300万", "signed": "2025-03-01"}
            ],
        }
    )
    award = plan.evaluate(profile)
    assert award.low == award.high == Decimal("1500000.00")
    again = pickle.loads(pickle.dumps(award))
    assert again == award and again.steps == award.steps
    changed = award.replace(renewal=True)
    assert changed.renewal and changed.steps == plan.explain(profile).steps
    with pytest.raises(AttributeError):
        award.low = Decimal(0)  # type: ignore[misc]
    with pytest.raises(TypeError, match="no field"):
        award.replace(amount=1)


def test_a_long_profile_gets_the_same_award_with_its_trace_built_when_read() -> None:
    """Above TRACE_ON_ACCESS_ABOVE purchases the general engine's awards keep their amounts and
    missing facts; the trace, built when read, is the one it would have recorded."""
    from aivoucher.evaluate.engine import TRACE_ON_ACCESS_ABOVE

    plan = bundled_rules().get("qingyang.compute-voucher").plan
    purchases = [
        {"item": "compute", "amount": 1000 + i, "signed": f"2025-0{1 + i % 9}-01"}
        for i in range(TRACE_ON_ACCESS_ABOVE + 1)
    ]
    profile = parse_profile(
        {"applicant": {"kind": "enterprise", "city": "shenzhen"}, "purchases": purchases}
    )
    award = plan.evaluate(profile)
    assert award.missing  # the provider's city is unknown: the general engine decided
    general = _same(plan, profile)
    streamed: list[Any] = []
    later = plan.evaluate(profile)
    assert later.explanation(streamed.append) == (general.reasons, general.assumptions)
    assert tuple(streamed) == general.steps


def test_a_long_estimate_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    import aivoucher

    purchases = [
        {"item": "compute", "use": "training", "amount": 1000 + i, "signed": "2025-03-01"}
        for i in range(1_001)
    ]
    long = {"applicant": {"kind": "enterprise", "city": "shenzhen"}, "purchases": purchases}
    programs = ["shenzhen.training-compute"]
    assert gc.isenabled()
    est = aivoucher.estimate(long, programs=programs, as_of="2025-06-30")
    assert gc.isenabled() and est.total_high > 0
    gc.disable()
    try:
        aivoucher.estimate(long, programs=programs, as_of="2025-06-30")
        assert not gc.isenabled()
    finally:
        gc.enable()
    from aivoucher.ruleset.registry import _collector_paused

    with pytest.raises(RuntimeError), _collector_paused(True):
        assert not gc.isenabled()
        raise RuntimeError("an error inside a long estimate")
    assert gc.isenabled()
