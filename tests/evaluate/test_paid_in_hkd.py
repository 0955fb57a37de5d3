"""Money has a currency: Hong Kong's AI Subsidy Scheme pays in HKD. An award is in its
program's currency; a program judges purchases in another currency only at the profile's
rate, each conversion in its trace; without a rate nothing in another currency is counted, and
a refusal on facts that are not money stands. Every path gives the same answer."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pytest
from aivoucher.registry import bundled_rules
from aivoucher.result import Estimate
from hypothesis import given
from hypothesis import strategies as st

import aivoucher
from aivoucher.base.money import convert
from aivoucher.errors import AivoucherError, InputError
from aivoucher.evaluate.stacking import combine
from aivoucher.vocabulary.profile import parse_profile
from aivoucher.vocabulary.trace import ReasonCode, StepKind

HK = "hong-kong.ai-subsidy-scheme"
AS_OF = "2025-06-30"
RATE = Decimal("0.70")


def plan(amount: object = "92万", city: str = "hong-kong", **more: Any) -> dict[str, Any]:
    return {
        "applicant": {"kind": "enterprise", "city": city},
        "purchases": [
            {
                "id": "aisc",
                "item": "compute",
                "amount": amount,
                "signed": "2025-03-01",
                "via_platform": True,
            }
        ],
        **more,
    }


def hk_award(estimate: Estimate) -> aivoucher.Award:
    return estimate.award(HK)


def test_without_a_rate_a_yuan_plan_gets_no_amount_naming_the_rate() -> None:
    estimate = aivoucher.estimate(plan(), as_of=AS_OF)
    award = hk_award(estimate)
    assert award.eligible is None and award.low is None and award.high is None
    assert [r.code for r in award.reasons] == [ReasonCode.RATE_NEEDED]
    assert award.reasons[0].expected == ("HKD",) and award.reasons[0].actual == "CNY"
    assert estimate.total_high == 0  # nothing in HKD reaches a yuan total


def test_a_refusal_on_facts_that_are_not_money_stands_in_any_currency() -> None:
    award = hk_award(aivoucher.estimate(plan(city="shenzhen"), as_of=AS_OF))
    assert award.eligible is False
    assert any(r.fact == "applicant.city" for r in award.reasons)


@given(
    fen=st.integers(min_value=0, max_value=10**11),
    rate=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("1.5"), places=4),
)
def test_with_a_rate_the_award_is_hkd_and_the_total_its_conversion(fen: int, rate: Decimal) -> None:
    amount = Decimal(fen) / 100
    estimate = aivoucher.estimate(plan(amount), as_of=AS_OF, fx={"HKD": str(rate)})
    award = hk_award(estimate)
    profile = estimate.profile
    into, back = profile.rate("CNY", "HKD"), profile.rate("HKD", "CNY")
    assert into is not None and back is not None
    in_hkd = convert(amount, into)
    expected = (in_hkd * RATE).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert award.eligible is True and award.low == award.high == expected
    # the trace: the purchase converted first, the award converted back last, with the rate
    first, last = award.steps[0], award.steps[-1]
    assert first.kind is StepKind.CONVERSION and first.after == (in_hkd, in_hkd)
    assert first.rate == (into, into) and first.subject == "aisc"
    assert last.kind is StepKind.CONVERSION and last.rate == (back, back)
    assert last.after == (convert(expected, back),) * 2
    # what the total adds is that last step's figure, and only that
    others = [a for a in estimate.awards if a.program.id != HK]
    rest = combine(others, profile)[:2]
    assert estimate.total_high - rest[1] == convert(expected, back)


def test_a_profile_in_hkd_is_judged_directly_and_yuan_programs_need_a_rate() -> None:
    direct = aivoucher.estimate(plan("100万", currency="HKD"), as_of=AS_OF)
    award = hk_award(direct)
    assert award.low == award.high == Decimal("700000.00")
    assert not any(s.kind is StepKind.CONVERSION for s in award.steps)
    assert direct.total_low == Decimal("700000.00")
    # Qingyang's voucher pays buyers anywhere, in yuan: a Hong Kong profile in HKD needs a rate
    buyer = plan("100万", currency="HKD")
    buyer["purchases"][0]["provider_city"] = "qingyang"
    qingyang = aivoucher.estimate(buyer, as_of=AS_OF).award("qingyang.compute-voucher")
    assert qingyang.eligible is None and qingyang.reasons[0].code is ReasonCode.RATE_NEEDED
    rated = aivoucher.estimate(buyer, as_of=AS_OF, fx={"HKD": "0.92"})
    award = rated.award("qingyang.compute-voucher")
    assert award.eligible and award.high is not None and award.high > 0
    assert award.steps[0].kind is StepKind.CONVERSION
    assert award.steps[0].after == (Decimal("920000.00"),) * 2


def test_the_fast_and_traced_paths_agree_in_another_currency() -> None:
    entry = bundled_rules().get(HK)
    for data in (
        plan(),
        plan(fx={"HKD": "0.92"}),
        plan(city="shenzhen"),
        plan("1", currency="HKD"),
    ):
        profile = parse_profile(data)
        fast, traced = entry.plan.evaluate(profile), entry.plan.explain(profile)
        assert (fast.eligible, fast.low, fast.high) == (traced.eligible, traced.low, traced.high)
        assert fast.steps == traced.steps and fast.reasons == traced.reasons


def test_a_streamed_trace_holds_the_same_steps_in_order() -> None:
    entry = bundled_rules().get(HK)
    profile = parse_profile(plan(fx={"HKD": "0.92"}))
    streamed: list[Any] = []
    entry.plan.explain(profile, steps=streamed.append)
    assert tuple(streamed) == entry.plan.explain(profile).steps


def test_the_json_round_trip_keeps_the_currency_and_refuses_a_forged_one() -> None:
    estimate = aivoucher.estimate(plan(), as_of=AS_OF, fx={"HKD": "0.92"})
    text = estimate.to_json()
    assert Estimate.from_json(text) == estimate
    data = json.loads(text)
    assert data["currency"] == "CNY" and data["profile"]["fx"] == {"HKD": "0.92"}
    award = next(a for a in data["awards"] if a["program"] == HK)
    assert award["currency"] == "HKD"
    award["currency"] = "CNY"  # the same figures claimed in yuan
    with pytest.raises(AivoucherError) as caught:
        Estimate.from_json(json.dumps(data))
    assert caught.value.code.startswith("estimate.")
    data = json.loads(text)
    data["profile"]["fx"] = {"HKD": "0.5"}  # another rate: the figures no longer follow
    with pytest.raises(AivoucherError):
        Estimate.from_json(json.dumps(data))


def test_the_comparison_ranks_hong_kong_only_with_a_rate_and_agrees_with_estimate() -> None:
    data = plan()
    del data["applicant"]["city"]
    without = aivoucher.compare(data, places=["香港", "深圳"], as_of=AS_OF)
    row = next(r for r in without.rows if r.place.id == "hong-kong")
    assert row.total_high == 0
    assert any(
        a.program.id == HK and a.reasons[0].code is ReasonCode.RATE_NEEDED for a in row.awards
    )
    rated = aivoucher.compare(data, places=["香港", "深圳"], as_of=AS_OF, fx={"HKD": "0.92"})
    row = next(r for r in rated.rows if r.place.id == "hong-kong")
    plain = aivoucher.estimate(plan(), as_of=AS_OF, fx={"HKD": "0.92"})
    assert (row.total_low, row.total_high) == (plain.total_low, plain.total_high)
    assert row.estimate.to_json() == plain.to_json()
    payload = json.loads(rated.to_json())
    hk_row = next(r for r in payload["rows"] if r["place"] == "hong-kong")
    assert hk_row["currency"] == "CNY"
    assert next(a for a in hk_row["awards"] if a["program"] == HK)["currency"] == "HKD"
    text = without.to_text(locale="en")
    assert "HKD" in text and "--fx" in text
    assert "HK$" in rated.to_text(locale="zh")


def test_batch_refuses_a_program_in_another_currency_and_screen_says_why() -> None:
    table = {
        "applicant": np.array([1]),
        "applicant.kind": np.array(["enterprise"]),
        "applicant.city": np.array(["hong-kong"]),
        "purchase.item": np.array(["compute"]),
        "purchase.amount_fen": np.array([92_000_000]),
        "purchase.signed": np.array(["2025-03-01"], dtype="datetime64[D]"),
    }
    with pytest.raises(InputError) as caught:
        aivoucher.batch.evaluate(HK, table, as_of=AS_OF)
    assert "HKD" in str(caught.value)
    found = aivoucher.batch.screen(table, as_of=AS_OF)
    skipped = {s.program: s for s in found.skipped}
    assert skipped[HK].code == "other_currency"
    assert skipped[HK].zh and skipped[HK].en


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_views_write_each_award_in_its_currency(locale: str) -> None:
    estimate = aivoucher.estimate(plan(), as_of=AS_OF, fx={"HKD": "0.92"})
    text = estimate.to_text(locale=locale, detail="full")
    assert "HK$" in text and "0.92" in text
    html = estimate.to_html(locale=locale)
    assert "HK$" in html


def test_a_sweep_shows_each_award_as_the_total_adds_it() -> None:
    profile = parse_profile(plan(fx={"HKD": "0.92"}))
    swept = aivoucher.sweep(profile, ["92万", "184万"], as_of=AS_OF)
    for point in swept.points:
        estimate = aivoucher.estimate(
            plan(point.amount, fx={"HKD": "0.92"}), programs=[HK], as_of=AS_OF
        )
        assert point.awards[HK] == (estimate.total_low, estimate.total_high)
    without = aivoucher.sweep(parse_profile(plan()), ["92万"], as_of=AS_OF)
    assert without.points[0].awards.get(HK, (None, None)) == (None, None)
