"""DataFrames: exact money columns, one row per award / step / program / point, typed errors
when pandas is missing."""

from __future__ import annotations

import math
import sys
from decimal import Decimal

import pytest

import aivoucher
from aivoucher import MissingDependencyError
from aivoucher.evaluate.stacking import counted
from aivoucher.render.catalog import program_rows
from aivoucher.render.frames import frame, wan
from aivoucher.render.messages import messages
from aivoucher.ruleset.registry import bundled_rules

PROFILE = {
    "applicant": {"kind": "enterprise", "city": "深圳", "startup": True},
    "purchases": [
        {"item": "compute", "use": "training", "amount": "800万", "signed": "2025-03-01"}
    ],
}


def _estimate() -> aivoucher.Estimate:
    return aivoucher.estimate(PROFILE, as_of="2025-06-30")


def test_estimate_frame_one_row_per_award_with_exact_money() -> None:
    est = _estimate()
    df = est.to_frame(locale="zh")
    assert list(df.columns) == [
        "program", "version", "place", "name", "eligible", "low", "high", "currency", "counted",
        "missing",
    ]  # fmt: skip
    assert len(df) == len(est.awards)
    for award, row in zip(est.awards, df.to_dict("records"), strict=True):
        assert row["program"] == award.program.id
        assert row["name"] == award.program.name.zh
        assert row["high"] == award.high
        assert type(row["high"]) is (Decimal if award.high is not None else type(None))
        assert bool(row["counted"]) == counted(award)
        assert list(row["missing"]) == list(award.missing)
    row = df[df["program"] == "shenzhen.training-compute"].iloc[0]
    assert row["high"] == Decimal("4800000.00")
    assert df["high"].dtype == object


def test_steps_frame_one_row_per_step() -> None:
    est = _estimate()
    df = est.to_frame(steps=True)
    assert len(df) == sum(len(a.steps) for a in est.awards)
    award = est.award("shenzhen.training-compute")
    rows = df[df["program"] == "shenzhen.training-compute"]
    m = messages("en")
    assert list(rows["text"]) == [m.step(s) for s in award.steps]
    assert list(rows["kind"]) == [str(s.kind) for s in award.steps]
    amounts = rows[rows["kind"] == "amount"]
    assert amounts.iloc[0]["after_high"] == Decimal("4800000.00")


def test_catalogue_frame_reuses_the_catalogue_rows() -> None:
    rules = bundled_rules()
    df = rules.to_frame()
    rows = program_rows(rules)
    assert len(df) == len(rules) == len(rows)
    assert list(df["id"]) == [r["id"] for r in rows]
    assert list(df.columns) == list(rows[0])


def test_sweep_frame_and_wan() -> None:
    s = aivoucher.sweep(PROFILE, ["0", "1000万", "2000万"], as_of="2025-06-30")
    df = s.to_frame()
    per_point = [len(p.awards) + 1 for p in s.points]
    assert len(df) == sum(per_point)
    totals = df[df["program"] == "total"]
    assert [(r["low"], r["high"]) for r in totals.to_dict("records")] == [p.total for p in s.points]
    shenzhen = df[df["program"] == "shenzhen.training-compute"]
    assert list(shenzhen["high"]) == [0, Decimal(600_0000), Decimal(1000_0000)]
    assert list(wan(shenzhen["high"])) == [0.0, 600.0, 1000.0]
    bends = s.bends_frame()
    assert list(bends["at"]) == [b.at for b in s.bends]
    assert bends.iloc[0]["exact"] == s.bends[0].exact
    exact = [x for x in wan(bends["exact"]) if not math.isnan(x)]  # NaN where no exact kink
    assert exact == [float(b.exact / 10_000) for b in s.bends if b.exact]
    assert frame([], ["x"], columns=["x"]).empty


def test_frame_helper_and_wan_of_missing_values() -> None:
    df = frame([{"a": "x", "m": Decimal("1.10")}, {"a": "y", "m": None}], ["m"])
    assert df["m"].dtype == object and df["m"][0] == Decimal("1.10")
    floats = wan(df["m"])
    assert floats[0] == pytest.approx(0.00011) and math.isnan(floats[1])
    assert wan(frame([{"m": Decimal("8333333.34")}], ["m"])["m"])[0] == 833.333334


def test_missing_pandas_is_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    est = _estimate()
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(MissingDependencyError) as info:
        est.to_frame()
    assert isinstance(info.value, ImportError)
    assert info.value.package == "pandas"
    assert "aivoucher[notebook]" in str(info.value)
    with pytest.raises(MissingDependencyError):
        bundled_rules().to_frame()
