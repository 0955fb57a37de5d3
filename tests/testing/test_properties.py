"""Properties every bundled program must have, on generated profiles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aivoucher.base import jurisdictions
from aivoucher.ruleset.registry import Entry, bundled_rules
from aivoucher.vocabulary.profile import Profile

ENTRIES = [pytest.param(e, id=e.program.key) for e in bundled_rules()]
JURISDICTIONS = {e.program.jurisdiction for e in bundled_rules()}
# the districts with programs, by city, so that profiles of those cities name them sometimes
DISTRICTS: dict[str, list[str]] = {}
for _j in sorted(JURISDICTIONS & set(jurisdictions.DISTRICTS)):
    DISTRICTS.setdefault(jurisdictions.city_of(_j), []).append(_j)
CITIES = sorted(
    {
        jurisdictions.city_of(j)
        if j in jurisdictions.DISTRICTS
        else next(c.id for c in jurisdictions.CITIES.values() if c.id == j or c.province == j)
        for j in JURISDICTIONS
        if j != jurisdictions.NATIONAL  # a national program reaches every city: none to add
    }
)

maybe_bool = st.one_of(st.none(), st.booleans())
amounts = st.decimals(min_value=0, max_value=Decimal(5 * 10**8), places=2)


@st.composite
def purchases(draw: st.DrawFn) -> dict[str, Any]:
    amount = draw(amounts)
    data: dict[str, Any] = {
        "item": draw(st.sampled_from(["compute", "model", "corpus", "scenario", "rnd"])),
        "amount": amount,
        "signed": draw(st.dates(dt.date(2023, 1, 1), dt.date(2029, 12, 31))),
        "use": draw(st.sampled_from([None, "training", "inference", "other"])),
        "chip_origin": draw(st.sampled_from([None, "domestic", "foreign"])),
        "via_platform": draw(maybe_bool),
        "related_party": draw(st.booleans()),
        "other_subsidy": draw(maybe_bool),
    }
    if draw(st.booleans()):
        data["settled"] = draw(st.decimals(min_value=0, max_value=amount, places=2))
    return {k: v for k, v in data.items() if v is not None}


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    applicant = {
        "kind": draw(st.sampled_from(["enterprise", "university", "research_institute"])),
        "city": draw(st.sampled_from([*CITIES, "beijing"])),
        "sector": draw(st.sampled_from([None, "software", "manufacturing", "other"])),
        "sme": draw(maybe_bool),
        "startup": draw(maybe_bool),
        "opc": draw(maybe_bool),
        "good_standing": draw(st.booleans()),
    }
    districts = DISTRICTS.get(applicant["city"], [])
    if districts:
        applicant["district"] = draw(st.sampled_from([None, *districts]))
    applicant = {k: v for k, v in applicant.items() if v is not None}
    return Profile.model_validate(
        {"applicant": applicant, "purchases": draw(st.lists(purchases(), max_size=4))}
    )


def _max_rate(entry: Entry) -> Decimal:
    rate = max((t.rate[1] for t in entry.program.rate.tiers), default=Decimal(0))
    ceiling = entry.program.rate.ceiling
    return min(rate, ceiling.rate[1]) if ceiling else rate


@pytest.mark.parametrize("entry", ENTRIES)
@given(profile=profiles())
def test_bounds_caps_and_eligibility(entry: Entry, profile: Profile) -> None:
    award = entry.plan.evaluate(profile)
    if award.eligible is None:
        assert award.low is None and award.high is None
        return
    assert award.low is not None and award.high is not None
    assert 0 <= award.low <= award.high
    if award.eligible is False:
        assert award.low == award.high == 0
        assert award.reasons
    program = entry.program
    if program.rate.lump_sum is not None:
        assert award.high <= program.rate.lump_sum.amount[1]
        return
    base = sum((max(p.amount, p.settled or 0) for p in profile.purchases), Decimal(0))
    quantum = program.rounding.quantum
    assert award.high <= _max_rate(entry) * base + quantum
    years = {p.year for p in profile.purchases}
    for cap in program.caps:
        if cap.per == "applicant_total":
            assert award.high <= cap.amount[1]
        elif cap.per == "applicant_year":
            assert award.high <= cap.amount[1] * len(years)
        else:
            assert award.high <= cap.amount[1] * len(profile.purchases)
    if program.pool is not None:
        bound = program.pool.amount * (len(years) if program.pool.period == "year" else 1)
        assert award.high <= bound


@pytest.mark.parametrize("entry", ENTRIES)
@given(profile=profiles(), data=st.data())
def test_monotone_in_each_amount(entry: Entry, profile: Profile, data: st.DataObject) -> None:
    if not profile.purchases or not entry.plan.monotone:
        return  # a yearly-total tier (Hangzhou's SME rate) is not monotone by design
    i = data.draw(st.integers(0, len(profile.purchases) - 1))
    extra = data.draw(st.decimals(min_value=0, max_value=Decimal(10**8), places=2))
    bigger = list(profile.purchases)
    p = bigger[i]
    settled = None if p.settled is None else p.settled + extra
    bigger[i] = p.model_copy(update={"amount": p.amount + extra, "settled": settled})
    before = entry.plan.evaluate(profile)
    after = entry.plan.evaluate(profile.model_copy(update={"purchases": tuple(bigger)}))
    if before.eligible is None:
        return
    assert before.low is not None and after.low is not None
    assert before.high is not None and after.high is not None
    assert after.low >= before.low
    assert after.high >= before.high


@pytest.mark.parametrize("entry", ENTRIES)
@given(profile=profiles(), data=st.data())
def test_independent_of_purchase_order_and_deterministic(
    entry: Entry, profile: Profile, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(profile.purchases))
    a = entry.plan.evaluate(profile)
    b = entry.plan.evaluate(profile.model_copy(update={"purchases": tuple(shuffled)}))
    assert (a.eligible, a.low, a.high) == (b.eligible, b.low, b.high)
    again = entry.plan.evaluate(profile)
    assert (again.eligible, again.low, again.high, again.steps) == (
        a.eligible,
        a.low,
        a.high,
        a.steps,
    )
