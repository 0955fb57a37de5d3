"""Qingdao's producer awards: an evaluated model is paid by the model voucher and not by the
buyer-side compute programs, and a qualification no rule file declares is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aivoucher import InputError
from aivoucher.ruleset.registry import bundled_rules

W = Decimal(10_000)


def test_producer_awards_and_their_qualifications_are_checked() -> None:
    rules = bundled_rules()
    entry = {"item": "model", "role": "producer", "amount": "300万", "signed": "2026-01-15"}
    profile = {
        "applicant": {"kind": "enterprise", "city": "qingdao"},
        "purchases": [{**entry, "qualifications": ["qingdao-model-evaluated"]}],
    }
    est = rules.estimate(profile, as_of="2026-06-30")
    assert est.award("qingdao.model-voucher").high == 100 * W
    # a product is no compute purchase: the buyer-side programs do not pay for it
    assert est.award("qingdao.opc-compute").eligible is False
    with pytest.raises(InputError, match=r"purchases\[0\]\.qualifications"):
        rules.estimate({**profile, "purchases": [{**entry, "qualifications": ["nonsense"]}]})
