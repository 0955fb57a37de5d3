"""The totals of one paying award: the general bounds' steps, written out, give the same
digits (the shortcut where the sums are exact included), in any decimal precision."""

from __future__ import annotations

from decimal import Decimal, localcontext

from aivoucher.result import Award
from hypothesis import given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.base.money import ZERO
from aivoucher.evaluate.stacking import _bounded, combine

PROGRAM = aivoucher.bundled_rules().get("shenzhen.training-compute").program
PROFILE = aivoucher.parse_profile({"applicant": {"kind": "enterprise", "city": "shenzhen"}})

amounts = st.decimals(min_value=0, max_value=Decimal("1e40"), allow_nan=False, places=None).map(
    lambda d: d.normalize() if d.is_finite() and d < 10**6 else d
)


@settings(max_examples=300, deadline=None)
@given(low=amounts, high=amounts, precision=st.sampled_from([5, 28, 60]))
def test_one_award_totals_as_the_general_bounds_give_them(
    low: Decimal, high: Decimal, precision: int
) -> None:
    award = Award(PROGRAM, True, low, high)
    with localcontext() as context:
        context.prec = precision
        if high <= 0:  # pays nothing: not counted
            assert combine([award], PROFILE) == (ZERO, ZERO, ())
            return
        expected = _bounded([award], ZERO + low, ZERO + high, ZERO, ZERO)
        got_low, got_high, notes = combine([award], PROFILE)
    assert notes == ()
    assert (str(got_low), str(got_high)) == (str(expected[0]), str(expected[1]))
