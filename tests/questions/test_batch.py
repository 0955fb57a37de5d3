"""Batch evaluation: identical to the scalar engine on random tables; typed errors."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import prorated_rule, rule, write_rule
from hypothesis import given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.base import jurisdictions
from aivoucher.base.jurisdictions import CITIES as CITIES_BY_ID
from aivoucher.errors import InputError, MissingDependencyError, TableError
from aivoucher.ruleset.registry import bundled_rules, load_rules

np = pytest.importorskip("numpy")
batch = pytest.importorskip("aivoucher.batch")

CITIES = [
    *("shenzhen", "深圳", "chengdu", "hangzhou", "wuhan", "beijing", "shanghai", "nanning"),
    *("qingyang", "dongguan", "合肥", "guiyang", "suzhou", "zhangzhou", "nanjing", "tianjin"),
]
APPLICANT_FIELDS = {
    "applicant.kind": st.sampled_from(["enterprise", "university", "research_institute"]),
    "applicant.city": st.sampled_from(CITIES),
    "applicant.sector": st.sampled_from([None, "software", "manufacturing", "other"]),
    "applicant.sme": st.sampled_from([None, True, False]),
    "applicant.startup": st.sampled_from([None, True, False]),
    "applicant.opc": st.sampled_from([None, True, False]),
    "applicant.good_standing": st.sampled_from([None, True, False]),
}
PURCHASE_FIELDS = {
    "purchase.item": st.sampled_from(["compute"] * 4 + ["model", "corpus", "rnd", "scenario"]),
    "purchase.use": st.sampled_from([None, "training", "training", "inference", "other"]),
    "purchase.chip_origin": st.sampled_from([None, "domestic", "foreign"]),
    "purchase.provider_city": st.sampled_from([None, "shenzhen", "guiyang", "qingyang", "合肥"]),
    "purchase.via_platform": st.sampled_from([None, True, False]),
    "purchase.related_party": st.sampled_from([None, False, True]),
    "purchase.other_subsidy": st.sampled_from([None, True, False]),
}
AMOUNTS = st.one_of(
    st.integers(0, 10**9),
    st.integers(0, 10**11),
    st.sampled_from([1, 5, 15, 99, 10**8, 2 * 10**9, 5 * 10**9, 10**14]),
)


@st.composite
def tables(
    draw: Any,
    home: str = "shenzhen",
    max_applicants: int = 5,
    max_rows: int = 12,
    qualifications: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A table of purchases: several applicants, several purchases each, unknowns as None;
    most applicants are registered in ``home``."""
    keys = draw(st.lists(st.integers(0, max_applicants), min_size=1, max_size=max_rows))
    fields = {
        **APPLICANT_FIELDS,
        "applicant.city": st.one_of(st.just(home), st.just(home), st.sampled_from(CITIES)),
    }
    applicants = {k: {f: draw(s) for f, s in fields.items()} for k in set(keys)}
    held = {"chengdu-major-project", *qualifications}
    qualified = {
        (k, q): draw(st.sampled_from([None, True, False])) for k in set(keys) for q in held
    }
    columns: dict[str, list[Any]] = {"applicant": keys}
    for field in APPLICANT_FIELDS:
        columns[field] = [applicants[k][field] for k in keys]
    for q in sorted(held):
        columns[f"applicant.qualifications.{q}"] = [qualified[k, q] for k in keys]
    for field, strategy in PURCHASE_FIELDS.items():
        columns[field] = [draw(strategy) for _ in keys]
    amounts = [draw(AMOUNTS) for _ in keys]
    columns["purchase.amount_fen"] = amounts
    columns["purchase.settled_fen"] = [
        draw(st.one_of(st.none(), st.integers(0, a))) for a in amounts
    ]
    day = st.dates(dt.date(2022, 6, 1), dt.date(2027, 6, 1))
    columns["purchase.signed"] = [draw(day) for _ in keys]
    starts = [draw(st.one_of(st.none(), day)) for _ in keys]
    columns["purchase.start"] = starts
    columns["purchase.end"] = [
        None if s is None else s + dt.timedelta(days=draw(st.integers(1, 1500))) for s in starts
    ]
    table: dict[str, Any] = {}
    for name, values in columns.items():
        if name in ("applicant", "purchase.amount_fen"):
            table[name] = np.array(values, dtype=np.int64)
        elif name == "purchase.signed":
            table[name] = np.array(values, dtype="datetime64[D]")
        else:
            table[name] = np.array(values, dtype=object)
    # drop some optional columns altogether: a missing column is unknown
    for name in draw(
        st.sets(st.sampled_from(sorted(set(PURCHASE_FIELDS) - {"purchase.item"})), max_size=2)
    ):
        del table[name]
    return table


def _profiles(table: dict[str, Any]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for i, key in enumerate(table["applicant"].tolist()):
        entry = out.setdefault(key, {"applicant": {}, "purchases": []})
        purchase: dict[str, Any] = {}
        for name, values in table.items():
            value = values[i]
            if value is None or name == "applicant":
                continue
            value = value.item() if hasattr(value, "item") else value
            scope, _, field = name.partition(".")
            if name.startswith("applicant.qualifications."):
                entry["applicant"].setdefault("qualifications", {})[field.split(".")[1]] = value
            elif name.startswith("purchase.qualifications."):
                purchase.setdefault("qualifications", {})[field.split(".")[1]] = value
            elif scope == "applicant":
                entry["applicant"][field] = value
            elif field.endswith("_fen"):
                purchase[field[:-4]] = Decimal(value).scaleb(-2)
            else:
                purchase[field] = value
        entry["purchases"].append(purchase)
    return out


def _fen(amount: Decimal | None) -> int:
    assert amount is not None
    return int(amount * 100)


def _check_against_scalar(
    program: str, table: dict[str, Any], as_of: dt.date, rules: Any = None
) -> Any:
    before = {name: values.copy() for name, values in table.items()}
    result = batch.evaluate(program, table, as_of=as_of, rules=rules)
    # the caller's columns are read, never written
    assert all(np.array_equal(before[k], v) for k, v in table.items())
    profiles = _profiles(table)
    assert result.applicant.tolist() == sorted(profiles)
    for i, key in enumerate(result.applicant.tolist()):
        est = aivoucher.estimate(profiles[key], programs=[program], as_of=as_of, rules=rules)
        # awards that depend on a renewal are not paid (the batch path counts them only when
        # a renewal is assumed, which extends the last version)
        awards = [a for a in est.awards if a.program.id == program and not a.renewal]
        low = sum(_fen(a.low) for a in awards)
        high = sum(_fen(a.high) for a in awards)
        eligible = any(a.eligible for a in awards)
        got = (int(result.low_fen[i]), int(result.high_fen[i]), bool(result.eligible[i]))
        assert got == (low, high, eligible), (key, profiles[key])
    return result


MAIN = ["shenzhen.training-compute", "chengdu.compute-voucher"]
#: Every version with a rate that is or was in force (its key: id or id@version).
PROGRAMS = sorted(
    e.program.key
    for e in bundled_rules()
    if e.program.status != "draft" and e.plan.unpublished is None
)


def _entry(key: str) -> Any:
    return next(e for e in bundled_rules() if e.program.key == key)


def _home(program: str) -> str:
    """A city where the program's applicants are registered (a district's city)."""
    place = _entry(program).program.jurisdiction
    if place == jurisdictions.NATIONAL:
        return "beijing"
    if place in jurisdictions.DISTRICTS:
        return jurisdictions.city_of(place)
    if place in CITIES_BY_ID:
        return place
    return next(c.id for c in CITIES_BY_ID.values() if c.province == place)


def _as_of(program: str, offset: int) -> dt.date:
    """A date ``offset`` days after the version took effect (before it, when negative)."""
    return _entry(program).program.effective.from_ + dt.timedelta(days=offset)


@pytest.mark.parametrize("program", MAIN)
@settings(max_examples=150)
@given(data=st.data(), offset=st.integers(0, 400))
def test_batch_equals_scalar_engine(program: str, data: Any, offset: int) -> None:
    table = data.draw(tables(_home(program)))
    result = _check_against_scalar(program, table, _as_of(program, offset))
    assert result.scalar_applicants == 0


@pytest.mark.parametrize("program", PROGRAMS)
@settings(max_examples=25)
@given(data=st.data(), offset=st.integers(-30, 400))
def test_batch_equals_scalar_engine_for_every_program(program: str, data: Any, offset: int) -> None:
    held = tuple(q.id for q in _entry(program).program.qualifications)
    table = data.draw(tables(_home(program), max_rows=8, qualifications=held))
    pid, day = program.split("@")[0], _as_of(program, offset)
    if bundled_rules().get(pid, day).program.currency != "CNY":
        # a table's amounts are yuan and it gives no rate: batch refuses a program paying in
        # another currency (Hong Kong's), as docs/batch.md says
        with pytest.raises(InputError):
            batch.evaluate(pid, table, as_of=day)
        return
    if bundled_rules().get(pid, day).plan.unpublished is not None:
        # the version given for that day publishes no rate (Xiamen's 2026 R&D measure, around
        # its 2025 edition): there is no amount to compare, and batch evaluation refuses it
        with pytest.raises(InputError):
            batch.evaluate(pid, table, as_of=day)
        return
    _check_against_scalar(pid, table, day)


@settings(max_examples=40)
@given(table=tables(max_applicants=2, max_rows=10))
def test_yearly_caps_across_purchases(table: dict[str, Any]) -> None:
    """Several purchases of one applicant in one year share Shenzhen's 1000万 yearly cap."""
    table["applicant.city"] = np.array(["shenzhen"] * len(table["applicant"]), dtype=object)
    table["purchase.use"] = np.array(["training"] * len(table["applicant"]), dtype=object)
    table["purchase.item"] = np.array(["compute"] * len(table["applicant"]), dtype=object)
    _check_against_scalar("shenzhen.training-compute", table, dt.date(2026, 6, 30))


def _versions_by_signing_date(directory: Path) -> Any:
    def cite(quote: str) -> dict[str, str]:
        return {"source": "text", "quote": quote}

    old = rule(
        version="2024",
        status="superseded",
        effective={"from": "2024-01-01", "to": "2024-12-31", **cite("2024年版")},
        rate={"tiers": [{"rate": "20%", **cite("20%")}]},
        version_by="signed",
    )
    old["examples"][0]["as_of"] = "2024-06-30"
    old["examples"][0]["profile"]["purchases"][0]["signed"] = "2024-03-01"
    old["examples"][0]["expect"] = {"amount": "20万"}
    write_rule(directory, old, name="test-voucher.2024.yaml")
    write_rule(directory, rule(version_by="signed"))
    return load_rules(directory)


@pytest.fixture(scope="module")
def versioned(tmp_path_factory: Any) -> Any:
    return _versions_by_signing_date(tmp_path_factory.mktemp("rules"))


@settings(max_examples=40)
@given(data=st.data(), offset=st.integers(-200, 400))
def test_versions_by_signing_date(versioned: Any, data: Any, offset: int) -> None:
    rules = versioned
    table = data.draw(tables("shenzhen"))
    del table["applicant.qualifications.chengdu-major-project"]
    _check_against_scalar(
        "shenzhen.test-voucher", table, dt.date(2025, 1, 1) + dt.timedelta(days=offset), rules
    )


def test_rows_may_sit_anywhere_and_order_does_not_matter() -> None:
    table = {
        "applicant": np.array([7, 3, 7, 3]),
        "applicant.kind": np.array(["enterprise"] * 4),
        "applicant.city": np.array(["shenzhen", "shenzhen", "深圳", "shenzhen"]),
        "applicant.startup": np.array([True, False, True, False]),
        "purchase.item": np.array(["compute"] * 4),
        "purchase.use": np.array(["training"] * 4),
        "purchase.amount_fen": np.array([10**9, 10**9, 10**9, 10**9]),
        "purchase.signed": np.array(["2025-03-01", "2025-03-01", "2026-01-05", "2025-04-01"]),
    }
    result = batch.evaluate("shenzhen.training-compute", table, as_of="2026-06-30")
    assert result.applicant.tolist() == [3, 7]
    # applicant 3: 2 × 500万 in 2025 = 1000万 (the cap); applicant 7: 600万 in each of two years
    assert result.high_fen.tolist() == [10**9, 12 * 10**8]
    assert result.low_fen.tolist() == result.high_fen.tolist()
    assert result.eligible.tolist() == [True, True]
    assert result.scalar_applicants == 0


def test_not_in_force_pays_nothing() -> None:
    table = {
        "applicant": np.array([1]),
        "applicant.kind": np.array(["enterprise"]),
        "applicant.city": np.array(["shenzhen"]),
        "purchase.item": np.array(["compute"]),
        "purchase.use": np.array(["training"]),
        "purchase.amount_fen": np.array([10**9]),
        "purchase.signed": np.array(["2024-03-01"]),
    }
    result = batch.evaluate("shenzhen.training-compute", table, as_of="2024-01-01")
    assert result.high_fen.tolist() == [0]
    assert result.eligible.tolist() == [False]


def test_scalar_path_is_counted(tmp_path: Path) -> None:
    # a contract prorated to a base period without rounding at each step carries its share of
    # days into every sum: the scalar engine evaluates it
    write_rule(tmp_path, prorated_rule())
    table = {
        "applicant": np.array([1, 1, 2]),
        "applicant.kind": np.array(["enterprise"] * 3),
        "applicant.city": np.array(["shenzhen"] * 3),
        "purchase.item": np.array(["compute"] * 3),
        "purchase.amount_fen": np.array([10**8, 2 * 10**8, 10**8]),
        "purchase.signed": np.array(["2025-03-01"] * 3, dtype="datetime64[D]"),
    }
    rules = load_rules(tmp_path)
    result = batch.evaluate("shenzhen.test-voucher", table, as_of="2025-06-30", rules=rules)
    assert result.scalar_applicants == 2
    assert result.scalar_rows == 3


def test_what_the_kernel_cannot_hold_goes_the_scalar_way(monkeypatch: Any) -> None:
    table = {k: np.array(v) for k, v in SMALL.items()}
    table["purchase.chip_origin"] = np.array(SMALL["purchase.chip_origin"], dtype=object)
    fast = batch.evaluate("chengdu.compute-voucher", table, as_of="2025-12-31")
    monkeypatch.setattr("aivoucher.batch._kernel.LUT_MAX", 1)
    slow = batch.evaluate("chengdu.compute-voucher", table, as_of="2025-12-31")
    assert (fast.scalar_applicants, slow.scalar_applicants) == (0, 2)
    assert slow.low_fen.tolist() == fast.low_fen.tolist()
    assert slow.high_fen.tolist() == fast.high_fen.tolist()
    # sums that could leave int64 are left to the scalar engine too
    table["purchase.amount_fen"] = np.array([10**14, 10**14])
    table["applicant"] = np.array([1, 1])
    monkeypatch.setattr("aivoucher.batch._kernel.LUT_MAX", 1 << 16)
    monkeypatch.setattr("aivoucher.batch._run.SAFE", 10**10)
    assert batch.evaluate("chengdu.compute-voucher", table, as_of="2025-12-31").scalar_rows == 2


SMALL = {
    "applicant": [1, 2],
    "applicant.kind": ["enterprise", "enterprise"],
    "applicant.city": ["chengdu", "成都"],
    "purchase.item": ["compute", "compute"],
    "purchase.chip_origin": ["domestic", None],
    "purchase.amount_fen": [100_000_000, 100_000_000],
    "purchase.signed": ["2025-09-15", "2025-09-15"],
}


def _expected_small(result: Any) -> None:
    assert result.applicant.tolist() == [1, 2]
    assert result.low_fen.tolist() == [50_000_000, 30_000_000]
    assert result.high_fen.tolist() == [60_000_000, 60_000_000]


def test_pandas_and_arrow_tables() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(SMALL)
    _expected_small(batch.evaluate("chengdu.compute-voucher", frame, as_of="2025-12-31"))
    frame["applicant.city"] = frame["applicant.city"].astype("category")
    frame["purchase.chip_origin"] = frame["purchase.chip_origin"].astype("category")
    frame["purchase.signed"] = pd.to_datetime(frame["purchase.signed"])
    result = batch.evaluate("chengdu.compute-voucher", frame, as_of="2025-12-31")
    _expected_small(result)
    assert list(result.to_frame().columns) == ["applicant", "low_fen", "high_fen", "eligible"]
    pa = pytest.importorskip("pyarrow")
    arrow = pa.table(SMALL)
    _expected_small(batch.evaluate("chengdu.compute-voucher", arrow, as_of="2025-12-31"))
    arrow = arrow.set_column(
        4, "purchase.chip_origin", arrow.column("purchase.chip_origin").dictionary_encode()
    )
    _expected_small(batch.evaluate("chengdu.compute-voucher", arrow, as_of="2025-12-31"))


def test_polars_tables() -> None:
    pl = pytest.importorskip("polars")
    pytest.importorskip("pyarrow")
    frame = pl.DataFrame(SMALL)
    _expected_small(batch.evaluate("chengdu.compute-voucher", frame, as_of="2025-12-31"))
    frame = frame.with_columns(
        pl.col("applicant.city").cast(pl.Categorical), pl.col("purchase.signed").str.to_date()
    )
    _expected_small(batch.evaluate("chengdu.compute-voucher", frame, as_of="2025-12-31"))


def test_masked_arrays_are_unknown() -> None:
    table = {k: np.array(v, dtype=object) for k, v in SMALL.items()}
    table["applicant"] = np.array(SMALL["applicant"])
    table["purchase.amount_fen"] = np.array(SMALL["purchase.amount_fen"])
    table["purchase.chip_origin"] = np.ma.masked_array(
        np.array(["domestic", "domestic"]), mask=[False, True]
    )
    _expected_small(batch.evaluate("chengdu.compute-voucher", table, as_of="2025-12-31"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"purchase.amount_fen": [1.5, 2.0]}, "purchase.amount_fen"),
        ({"purchase.amount_fen": [-1, 2]}, "purchase.amount_fen"),
        ({"purchase.amount_fen": ["1", "2"]}, "purchase.amount_fen"),
        ({"applicant.kind": ["company", "enterprise"]}, "applicant.kind"),
        ({"applicant.city": ["atlantis", "chengdu"]}, "applicant.city"),
        ({"purchase.signed": ["2025-13-01", "2025-01-01"]}, "purchase.signed"),
        ({"purchase.signed": [3, 4]}, "purchase.signed"),
        ({"applicant": ["a", "b"]}, "applicant"),
        ({"purchase.chip_origin": [True, False]}, "purchase.chip_origin"),
        ({"purchase.amount": [1, 2]}, "purchase.amount"),
        ({"applicant.startups": [True, True]}, "applicant.startups"),
        ({"applicant.qualifications.nope": [True, True]}, "applicant.qualifications.nope"),
        ({"purchase.chip_origin": ["domestic"]}, None),
    ],
)
def test_bad_columns_raise_typed_errors(change: dict[str, Any], field: str | None) -> None:
    table = {k: np.array(v) for k, v in {**SMALL, **change}.items()}
    with pytest.raises(TableError) as info:
        batch.evaluate("chengdu.compute-voucher", table, as_of="2025-12-31")
    assert isinstance(info.value, InputError)
    if field is not None:
        assert info.value.field == field


def test_booleans_must_be_booleans() -> None:
    table = {k: np.array(v) for k, v in SMALL.items()}
    table["applicant.city"] = np.array(["shenzhen", "shenzhen"])
    table["applicant.startup"] = np.array(["yes", "no"], dtype=object)
    with pytest.raises(TableError) as info:
        batch.evaluate("shenzhen.training-compute", table, as_of="2025-12-31")
    assert info.value.field == "applicant.startup"


@pytest.mark.parametrize(
    "missing",
    [
        "applicant",
        "purchase.amount_fen",
        "purchase.signed",
        "applicant.kind",
        "applicant.city",
        "purchase.item",
    ],
)
def test_required_columns(missing: str) -> None:
    table = {k: np.array(v) for k, v in SMALL.items() if k != missing}
    with pytest.raises(TableError) as info:
        batch.evaluate("chengdu.compute-voucher", table, as_of="2025-12-31")
    assert info.value.field == missing


def test_disagreeing_applicant_rows() -> None:
    table = {k: np.array(v) for k, v in SMALL.items()}
    table["applicant"] = np.array([1, 1])
    table["applicant.city"] = np.array(["chengdu", "wuhan"])
    with pytest.raises(TableError, match="rows of applicant 1 disagree"):
        batch.evaluate("chengdu.compute-voucher", table, as_of="2025-12-31")


def test_not_a_table_and_unpublished_rates() -> None:
    with pytest.raises(TableError):
        batch.evaluate("chengdu.compute-voucher", [1, 2, 3], as_of="2025-12-31")
    with pytest.raises(InputError, match="publishes no rate"):
        batch.evaluate("nanjing.compute-voucher", SMALL)


def test_missing_numpy_is_a_typed_error() -> None:
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "from aivoucher import batch\n"
        "from aivoucher.errors import MissingDependencyError\n"
        "try:\n"
        "    batch.evaluate('chengdu.compute-voucher', {})\n"
        "except MissingDependencyError as exc:\n"
        "    print(type(exc).__name__, isinstance(exc, ImportError))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["MissingDependencyError", "True"]
    assert issubclass(MissingDependencyError, ImportError)


def test_to_frame_without_pandas_is_a_typed_error() -> None:
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "import numpy as np\n"
        "from aivoucher import batch\n"
        "from aivoucher.errors import MissingDependencyError\n"
        "r = batch.BatchResult('x', *(np.zeros(1, dtype=np.int64),) * 3, np.ones(1, bool))\n"
        "try:\n"
        "    r.to_frame()\n"
        "except MissingDependencyError:\n"
        "    print('typed')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "typed"


def test_text_columns_with_many_values() -> None:
    # more distinct values than one comparison pass per value is worth: sorted instead
    cities = [
        "chengdu",
        "成都",
        "wuhan",
        "beijing",
        "shanghai",
        "tianjin",
        "nanjing",
        "suzhou",
        "hangzhou",
        "xiamen",
        "chongqing",
    ]
    n = len(cities)
    table = {
        "applicant": np.arange(n),
        "applicant.kind": np.array(["enterprise"] * n),
        "applicant.city": np.array(cities),
        "purchase.item": np.array(["compute"] * n),
        "purchase.chip_origin": np.array(["domestic"] * n),
        "purchase.amount_fen": np.full(n, 100),
        "purchase.signed": np.array(["2025-09-15"] * n),
    }
    result = batch.evaluate("chengdu.compute-voucher", table, as_of="2025-12-31")
    assert result.high_fen.tolist() == [60, 60] + [0] * (n - 2)
