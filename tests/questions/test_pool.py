"""Pool simulation: the pool is never exceeded, no one gets more than its award, pro-rata shares
are proportional to the fen, first come is paid in order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import SOURCE, rule, write_rule
from hypothesis import given, settings
from hypothesis import strategies as st

from aivoucher.errors import InputError, TableError
from aivoucher.ruleset.registry import load_rules

np = pytest.importorskip("numpy")
from aivoucher import pool  # noqa: E402

AWARDS = st.lists(st.integers(0, 10**13), max_size=30)
POOLS = st.integers(0, 10**13)


@given(awards=AWARDS, size=POOLS)
def test_pro_rata_shares(awards: list[int], size: int) -> None:
    paid = pool.share_pro_rata(awards, size)
    total = sum(awards)
    assert all(0 <= p <= a for p, a in zip(paid, awards, strict=True))
    if total <= size:
        assert paid == awards
        return
    assert sum(paid) == size
    for p, a in zip(paid, awards, strict=True):
        # within one fen of the exact share a × pool / total
        assert abs(p * total - a * size) < total


@given(awards=AWARDS, size=POOLS)
def test_first_come_shares(awards: list[int], size: int) -> None:
    paid = pool.share_first_come(awards, size)
    assert sum(paid) == min(size, sum(awards))
    assert all(0 <= p <= a for p, a in zip(paid, awards, strict=True))
    short = [i for i, (p, a) in enumerate(zip(paid, awards, strict=True)) if p < a]
    if short:
        # everyone before the first applicant paid short is paid in full; after it, nothing
        assert all(p == 0 for p in paid[short[0] + 1 :])


def _rules(tmp_path: Path, period: str) -> Any:
    cite = {"source": "text", "quote": SOURCE["quote"]}
    data = rule(pool={"amount": "150万", "period": period.split("-")[0], **cite})
    if period == "year-lifetime":
        data["caps"].append({"per": "applicant_total", "amount": "120万", **cite})
    write_rule(tmp_path, data)
    return load_rules(tmp_path)


@pytest.fixture(scope="module")
def rule_sets(tmp_path_factory: Any) -> dict[str, Any]:
    periods = ("program", "year", "year-lifetime")
    return {p: _rules(tmp_path_factory.mktemp(p), p) for p in periods}


@st.composite
def tables(draw: Any) -> dict[str, Any]:
    n = draw(st.integers(1, 25))
    keys = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
    return {
        "applicant": np.array(keys),
        "applicant.kind": np.array(["enterprise"] * n),
        "applicant.city": np.array(
            draw(st.lists(st.sampled_from(["shenzhen", "深圳"]), min_size=n, max_size=n))
        ),
        "purchase.item": np.array(["compute"] * n),
        "purchase.amount_fen": np.array(
            draw(st.lists(st.integers(0, 3 * 10**8), min_size=n, max_size=n))
        ),
        "purchase.signed": np.array(
            draw(st.lists(st.sampled_from(["2025-03-01", "2026-02-01"]), min_size=n, max_size=n))
        ),
        "order": np.array(draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))),
    }


@pytest.mark.parametrize("period", ["program", "year", "year-lifetime"])
@pytest.mark.parametrize("order", ["pro-rata", "first-come"])
@settings(max_examples=30)
@given(table=tables())
def test_simulate(rule_sets: Any, period: str, order: str, table: dict[str, Any]) -> None:
    rules = rule_sets[period]
    shared = pool.simulate("shenzhen.test-voucher", table, order, as_of="2026-06-30", rules=rules)
    limit = 150 * 10**6 * (1 if period == "program" else 2)
    for award, paid in (
        (shared.award_low_fen, shared.paid_low_fen),
        (shared.award_high_fen, shared.paid_high_fen),
    ):
        assert int(paid.sum()) <= limit
        assert (paid <= award).all() and (paid >= 0).all()
        if period == "program" and int(award.sum()) > limit:
            assert int(paid.sum()) == limit
            if order == "pro-rata":
                total = int(award.sum())
                for a, p in zip(award.tolist(), paid.tolist(), strict=True):
                    assert abs(p * total - a * limit) < total
            else:
                # in application order: paid in full, then one short, then nothing
                first = {}
                for k, o in zip(table["applicant"].tolist(), table["order"].tolist(), strict=True):
                    first[k] = min(first.get(k, o), o)
                ranked = sorted(
                    range(len(shared.applicant)), key=lambda i: (first[int(shared.applicant[i])], i)
                )
                seq = [(int(award[i]), int(paid[i])) for i in ranked]
                short = [j for j, (a, p) in enumerate(seq) if p < a]
                assert short and all(p == 0 for _, p in seq[short[0] + 1 :])
                assert all(p == a for a, p in seq[: short[0]])


def test_simulate_errors() -> None:
    table = {"applicant": np.array([1])}
    with pytest.raises(InputError, match="no pool"):
        pool.simulate("beijing.compute-voucher", table)
    with pytest.raises(InputError, match="order"):
        pool.simulate("shenzhen.training-compute", table, "lottery")  # type: ignore[arg-type]
    bad = {
        "applicant": np.array([1]),
        "applicant.kind": np.array(["enterprise"]),
        "applicant.city": np.array(["shenzhen"]),
        "purchase.item": np.array(["compute"]),
        "purchase.amount_fen": np.array([100]),
        "purchase.signed": np.array(["2025-03-01"]),
        "order": np.array(["first"]),
    }
    with pytest.raises(TableError) as info:
        pool.simulate("shenzhen.training-compute", bad, "first-come", as_of="2025-06-30")
    assert info.value.field == "order"
