"""The yearly mechanisms the batch kernel evaluates over (applicant, year) groups — an annual
spend threshold, support years, rate tiers on the year's contracts in total — equal the scalar
engine on random tables, with purchases whose inclusion is unknown (``via_platform`` left out
or null), so that the low and the high ends of each year differ."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import rule, write_rule
from hypothesis import given, settings
from hypothesis import strategies as st

from aivoucher.evaluate.vector import kernel
from aivoucher.ruleset.registry import load_rules

np = pytest.importorskip("numpy")
batch = pytest.importorskip("aivoucher.batch")

from test_batch import _check_against_scalar, tables  # noqa: E402  (numpy first)


def _cite(quote: str) -> dict[str, str]:
    return {"source": "text", "quote": quote}


#: Purchases must go through a platform; where that is unknown, their inclusion is.
PLATFORM = {"fact": "purchase.via_platform", "is": True, **_cite("经平台购买")}


def _rules(directory: Path, **changes: Any) -> Any:
    data = rule(**changes)
    data["eligibility"].append(PLATFORM)
    data["examples"][0]["profile"]["purchases"][0]["via_platform"] = True
    write_rule(directory, data)
    return load_rules(directory)


@pytest.fixture(scope="module")
def spend(tmp_path_factory: Any) -> Any:
    threshold = {"amount": "50万", "inclusive": True, **_cite("年度支出50万元(含)以上")}
    return _rules(tmp_path_factory.mktemp("spend"), threshold=threshold)


@pytest.fixture(scope="module")
def support(tmp_path_factory: Any) -> Any:
    return _rules(
        tmp_path_factory.mktemp("support"), support_years={"count": 2, **_cite("支持2年")}
    )


@pytest.fixture(scope="module")
def totals(tmp_path_factory: Any) -> Any:
    tiers = [
        {
            "when": [{"fact": "year.contracts_total", "max": "50万", **_cite("50万元以下")}],
            "rate": "50%",
            **_cite("50万元以下按50%"),
        },
        {"rate": "30%", **_cite("其余按30%")},
    ]
    return _rules(tmp_path_factory.mktemp("totals"), rate={"tiers": tiers})


def _check(rules: Any, data: Any, offset: int) -> None:
    entry = next(iter(rules))
    assert kernel(entry.plan).unsupported is None  # the kernel, not the scalar engine
    table = data.draw(tables("shenzhen", max_rows=10))
    del table["applicant.qualifications.chengdu-major-project"]
    # amounts around the limits: sums of a year cross 50万 one way or the other
    amounts = data.draw(
        st.lists(
            st.integers(0, 4 * 10**7),
            min_size=len(table["applicant"]),
            max_size=len(table["applicant"]),
        )
    )
    table["purchase.amount_fen"] = np.array(amounts, dtype=np.int64)
    table["purchase.settled_fen"] = np.array([None] * len(amounts), dtype=object)
    result = _check_against_scalar(
        "shenzhen.test-voucher", table, dt.date(2025, 1, 1) + dt.timedelta(days=offset), rules
    )
    assert result.scalar_applicants == 0


@settings(max_examples=80, deadline=None)
@given(data=st.data(), offset=st.integers(0, 900))
def test_annual_spend_threshold(spend: Any, data: Any, offset: int) -> None:
    _check(spend, data, offset)


@settings(max_examples=80, deadline=None)
@given(data=st.data(), offset=st.integers(0, 900))
def test_support_years(support: Any, data: Any, offset: int) -> None:
    _check(support, data, offset)


@settings(max_examples=80, deadline=None)
@given(data=st.data(), offset=st.integers(0, 900))
def test_rate_tiers_on_the_years_contracts(totals: Any, data: Any, offset: int) -> None:
    _check(totals, data, offset)
