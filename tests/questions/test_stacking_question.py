"""The stacking question: programs that share a purchase and whose rule files say nothing of
each other make a range (the better award alone to both together); what_narrows asks whether
they may both be paid, and each answer's totals are the same awards totalled that way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

import aivoucher
from aivoucher.evaluate.stacking import UNDECLARED, combine
from aivoucher.questions.whatif import STACKING
from aivoucher.testing import profiles
from aivoucher.vocabulary.profile import Profile

W = Decimal(10_000)
AS_OF = "2026-12-07"
WUHAN = {
    "applicant": {"kind": "enterprise", "city": "wuhan", "sme": True},
    "purchases": [
        {"item": "compute", "use": "training", "amount": "800万", "signed": "2026-03-15"}
    ],
}


def test_wuhan_asks_whether_its_two_vouchers_stack() -> None:
    est = aivoucher.estimate(WUHAN, as_of=AS_OF)
    assert any(note.relation == "unknown" for note in est.stacking)
    [question] = [n for n in aivoucher.what_narrows(est) if n.field == STACKING]
    keys = {p.key for p in question.programs}
    assert {"wuhan.compute-voucher", "wuhan.opc-compute"} <= keys
    answers = {a.value: (a.total_low, a.total_high) for a in question.answers}
    assert set(answers) == {"stackable", "exclusive"}
    assert answers["exclusive"][0] == est.total_low
    assert answers["stackable"][1] == est.total_high
    for locale, words in (("en", "may both be paid"), ("zh", "可否同时享受")):
        assert words in est.to_text(locale=locale) or words in _narrowing_text(est, locale)


def _narrowing_text(est: aivoucher.Estimate, locale: str) -> str:
    from aivoucher.render.whatif import render_narrowing

    return render_narrowing(aivoucher.what_narrows(est), locale)


def test_the_answers_are_refused_outside_the_three_readings() -> None:
    est = aivoucher.estimate(WUHAN, as_of=AS_OF)
    with pytest.raises(ValueError):
        combine(est.awards, est.profile, undeclared="maybe")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(max_purchases=3))
def test_the_unknown_range_runs_from_exclusive_to_stackable(profile: Profile) -> None:
    est = aivoucher.estimate(profile, as_of=AS_OF)
    low, high, _ = combine(est.awards, est.profile)
    assert (low, high) == (est.total_low, est.total_high)
    totals = {u: combine(est.awards, est.profile, undeclared=u)[:2] for u in UNDECLARED}
    ex_low, ex_high = totals["exclusive"]
    st_low, st_high = totals["stackable"]
    assert ex_low == est.total_low and st_high == est.total_high
    assert ex_low <= st_low and ex_high <= st_high
    assert est.total_low <= ex_high <= est.total_high
    unknown = any(n.relation == "unknown" for n in est.stacking)
    if not unknown:
        assert totals["exclusive"] == totals["stackable"] == (est.total_low, est.total_high)
