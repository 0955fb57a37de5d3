"""Guizhou's compute voucher: the 2024 terms (3% of the contract, as reported), the revision
reported on 2026-03-19, and the 2024 pool shared among the first quarter's firms. The figures of
each version alone are examples in rules/guizhou/; these tests check what the examples cannot:
which version judges a purchase, and the pool simulation. Every expected figure is worked out by
hand from the quoted texts (the comment beside it shows the sum)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from aivoucher.ruleset.registry import bundled_rules

W = Decimal(10_000)


def _guizhou(item: str, amount: str, signed: str, city: str = "guiyang") -> Any:
    profile = {
        "applicant": {"kind": "enterprise", "city": "shanghai"},
        "purchases": [{"item": item, "amount": amount, "signed": signed, "provider_city": city}],
    }
    est = bundled_rules().estimate(
        profile, programs=["guizhou.compute-voucher"], as_of="2026-12-07"
    )
    return est.awards[0]


def test_a_2024_purchase_is_judged_by_the_2024_terms_after_the_revision() -> None:
    # 经济日报: "按合同成交额的3%获得返现": 3% × 250万 = 7.5万, compute and data products alike
    for item in ("compute", "data"):
        a = _guizhou(item, "250万", "2024-08-01")
        assert (a.low, a.high, a.program.version) == (
            Decimal("7.5") * W,
            Decimal("7.5") * W,
            "2024",
        )
    # corpus purchases came in only with the 2026 revision
    assert _guizhou("corpus", "250万", "2024-08-01").eligible is False


def test_guizhou_revision_splits_the_versions_at_2026_03_19() -> None:
    # the day before the report: 2024 terms, 3% × 40万 = 1.2万
    before = _guizhou("model", "40万", "2026-03-18")
    assert before.eligible is False  # large-model services were not covered before
    data_before = _guizhou("data", "40万", "2026-03-18")
    assert data_before.high == Decimal("1.2") * W
    # from the report on: 30% × 40万 = 12万 for models, data and corpora
    for item in ("model", "data", "corpus"):
        a = _guizhou(item, "40万", "2026-03-19")
        assert (a.low, a.high, a.program.version) == (12 * W, 12 * W, None)
    # compute keeps an unreported rate: 3% to 30% of 40万 = 1.2万 to 12万
    c = _guizhou("compute", "40万", "2026-06-01")
    assert (c.low, c.high) == (Decimal("1.2") * W, 12 * W)


def test_guizhou_versions_do_not_overlap() -> None:
    versions = [p for p in bundled_rules().programs if p.id == "guizhou.compute-voucher"]
    assert len(versions) == 2
    old, new = sorted(versions, key=lambda p: p.effective.from_)
    assert old.effective.to is not None and old.effective.to < new.effective.from_


def test_guizhou_first_quarter_2024_pool() -> None:
    # 经济日报: "一季度,贵州向72家企业发放算力券,合同金额累计19.79亿元"; pool 8000万 a year.
    # 71 firms at 2748万 and one at 2792万 make 19.79亿; 3% of each is under the 200万 cap,
    # so the awards add up to 3% × 19.79亿 = 5937万, inside the pool: everyone is paid in full.
    np = pytest.importorskip("numpy")
    from aivoucher.questions import pool

    n = 72
    amounts = np.full(n, 2748 * 10**6, dtype=np.int64)  # 2748万 in fen
    amounts[-1] = 2792 * 10**6
    assert int(amounts.sum()) == 197_900_000_000  # 19.79亿 in fen
    table = {
        "applicant": np.arange(n),
        "applicant.kind": np.array(["enterprise"] * n),
        "applicant.city": np.array(["guiyang"] * n),
        "purchase.item": np.array(["compute"] * n),
        "purchase.provider_city": np.array(["guiyang"] * n),
        "purchase.amount_fen": amounts,
        "purchase.signed": np.array(["2024-03-15"] * n),
    }
    shared = pool.simulate("guizhou.compute-voucher", table, as_of="2024-06-30")
    assert shared.pool_fen == 8000 * 10**6
    assert int(shared.award_high_fen.sum()) == 5937 * 10**6
    assert shared.paid_high_fen.tolist() == shared.award_high_fen.tolist()
    # at the same pace for the whole year each firm would sign 4 × 2748万 (3% = 329.76万), capped
    # at 200万 a year: 72 × 200万 = 14400万 > 8000万, so the pool is shared pro rata:
    # 8000万 / 72 = 111.11万 each (the 8 fen left over to the earliest applicants)
    year = {k: np.concatenate([v] * 4) for k, v in table.items()}
    year["applicant"] = np.tile(np.arange(n), 4)
    year["purchase.signed"] = np.repeat(
        np.array(["2024-03-15", "2024-06-15", "2024-09-15", "2024-12-15"]), n
    )
    full = pool.simulate("guizhou.compute-voucher", year, as_of="2024-12-31")
    assert full.award_high_fen.tolist() == [200 * 10**6] * n
    assert int(full.paid_high_fen.sum()) == 8000 * 10**6
    assert sorted(set(full.paid_high_fen.tolist())) == [111_111_111, 111_111_112]
