"""Batch tables are read as profiles are: the same values accepted and refused, the same awards.

Each row of a table is a purchase; the profile built from it (the row's values as a profile
would carry them) must be accepted by ``parse_profile`` exactly when the batch path accepts the
row, and then pay the same, to the fen. There is no batch command on the command line, so the
refusals are tested through the API (``TableError`` and its ``code``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.errors import InputError, ProfileError, TableError

np = pytest.importorskip("numpy")
batch = pytest.importorskip("aivoucher.batch")

PROGRAM, AS_OF = "shenzhen.training-compute", "2025-06-30"
UTC8 = dt.timezone(dt.timedelta(hours=8))


def mostly(valid: st.SearchStrategy[Any], invalid: st.SearchStrategy[Any]) -> Any:
    """Valid values nine times in ten: most rows are then accepted, and so are some tables."""
    return st.integers(0, 9).flatmap(lambda k: invalid if k == 0 else valid)


# Valid and invalid values of each column, as a table may hold them.
KINDS = mostly(
    st.sampled_from(["enterprise", "enterprise", "university"]),
    st.sampled_from([" enterprise", "Enterprise", 5]),
)
CITIES = mostly(st.sampled_from(["shenzhen", "深圳", "beijing"]), st.sampled_from(["gotham", None]))
BOOLS = mostly(st.sampled_from([True, False, None]), st.sampled_from(["yes", 1]))
ITEMS = mostly(st.sampled_from(["compute", "compute", "model"]), st.just("toaster"))
USES = mostly(st.sampled_from(["training", "inference", None]), st.sampled_from(["Training", 3]))
FEN = mostly(
    st.one_of(st.integers(0, 10**11), st.sampled_from([0, 1, 10**14])),
    st.sampled_from([10**14 + 1, -1, -(10**9), 2**63, 2**70, -(2**64), None]),
)
IDS = mostly(
    st.one_of(st.none(), st.text(max_size=6), st.just("x" * 100 + "  ")),
    st.sampled_from(["x" * 101, 7, True]),
)
GOOD_DAYS = st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31))
DAYS = mostly(
    st.one_of(
        GOOD_DAYS,
        GOOD_DAYS.map(dt.date.isoformat),
        GOOD_DAYS.map(lambda d: f"{d.year}/{d.month}/{d.day}"),
        GOOD_DAYS.map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
        GOOD_DAYS.map(lambda d: dt.datetime(d.year, d.month, d.day)),
    ),
    st.one_of(
        GOOD_DAYS.map(lambda d: dt.datetime(d.year, d.month, d.day, 7)),
        GOOD_DAYS.map(lambda d: dt.datetime(d.year, d.month, d.day, tzinfo=UTC8)),
        st.sampled_from(
            [
                "today",
                "2025",
                "2025-05",
                "2024-12-18T07:00+08:00",
                "2024-12-18 00:00",
                "2025-02-30",
                "20250301",
                "3/1/2025",
                "2025-W09-6",
                20250301,
            ]
        ),
    ),
)


@st.composite
def tables(draw: Any) -> dict[str, Any]:
    """One purchase per applicant; every column an object array (so types may mix), or a
    typed array where its values allow one."""
    n = draw(st.integers(1, 5))
    rows: dict[str, list[Any]] = {
        "applicant.kind": [draw(KINDS) for _ in range(n)],
        "applicant.city": [draw(CITIES) for _ in range(n)],
        "applicant.startup": [draw(BOOLS) for _ in range(n)],
        "purchase.item": [draw(ITEMS) for _ in range(n)],
        "purchase.id": [draw(IDS) for _ in range(n)],
        "purchase.use": [draw(USES) for _ in range(n)],
        "purchase.amount_fen": [draw(FEN) for _ in range(n)],
        "purchase.signed": [draw(DAYS) for _ in range(n)],
    }
    amounts = rows["purchase.amount_fen"]
    rows["purchase.settled_fen"] = [
        draw(
            mostly(
                st.one_of(st.none(), st.integers(0, a) if isinstance(a, int) and a >= 0 else FEN),
                st.one_of(st.integers(0, 10**11), FEN),  # above the amount, at times
            )
        )
        for a in amounts
    ]
    starts = [draw(st.one_of(st.none(), GOOD_DAYS)) for _ in range(n)]
    rows["purchase.start"] = starts
    rows["purchase.end"] = [
        None if s is None else s + dt.timedelta(days=draw(st.integers(-10, 800))) for s in starts
    ]
    table: dict[str, Any] = {"applicant": np.arange(n, dtype=np.int64)}
    for name, values in rows.items():
        column = np.empty(n, dtype=object)
        column[:] = values
        table[name] = column
    # typed columns where the values allow them: the fast paths must read alike
    fen = rows["purchase.amount_fen"]
    if all(isinstance(v, int) and -(2**63) <= v < 2**63 for v in fen) and draw(st.booleans()):
        table["purchase.amount_fen"] = np.array(fen, dtype=np.int64)
    signed = rows["purchase.signed"]
    if all(type(v) is dt.date for v in signed) and draw(st.booleans()):
        table["purchase.signed"] = np.array(signed, dtype="datetime64[D]")
    elif all(isinstance(v, dt.datetime) and v.tzinfo is None for v in signed):
        table["purchase.signed"] = np.array(signed, dtype="datetime64[s]")
    if all(isinstance(v, str) for v in rows["applicant.kind"]) and draw(st.booleans()):
        table["applicant.kind"] = np.array(rows["applicant.kind"])
    return table


def _value(cell: Any) -> Any:
    """A table cell as a profile carries it."""
    if isinstance(cell, np.datetime64):
        return cell.astype("datetime64[us]").item()
    return cell.item() if isinstance(cell, np.generic) else cell


def _profile(table: dict[str, Any], i: int) -> dict[str, Any]:
    applicant: dict[str, Any] = {}
    purchase: dict[str, Any] = {}
    for name, column in table.items():
        value = _value(column[i])
        if name == "applicant" or value is None:
            continue
        scope, _, field = name.partition(".")
        if field.endswith("_fen"):
            field, value = field[:-4], Decimal(value).scaleb(-2)
        (applicant if scope == "applicant" else purchase)[field] = value
    return {"applicant": applicant, "purchases": [purchase]}


def _row(table: dict[str, Any], i: int) -> dict[str, Any]:
    return {name: column[i : i + 1] for name, column in table.items()}


def _award(profile: dict[str, Any]) -> tuple[int, int, bool]:
    est = aivoucher.estimate(profile, programs=[PROGRAM], as_of=AS_OF)
    awards = [a for a in est.awards if a.program.id == PROGRAM and not a.renewal]
    low = sum(int((a.low or 0) * 100) for a in awards)
    high = sum(int((a.high or 0) * 100) for a in awards)
    return low, high, any(a.eligible for a in awards)


def _accepted(profile: dict[str, Any]) -> bool:
    """Whether a table may hold the profile's purchase: the profile reads it, on a day (a
    profile may plan by the month, which its estimate covers day by day; a table's row is one
    purchase on its day, docs/profile.md)."""
    try:
        return not aivoucher.parse_profile(profile).spans
    except ProfileError:
        return False


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables(), frame=st.booleans())
def test_a_row_is_refused_exactly_when_its_profile_is(table: dict[str, Any], frame: bool) -> None:
    n = len(table["applicant"])
    accepted = []
    for i in range(n):
        profile = _profile(table, i)
        ok = _accepted(profile)
        accepted.append(ok)
        try:
            result = batch.evaluate(PROGRAM, _row(table, i), as_of=AS_OF)
        except TableError as exc:
            assert not ok, (profile, exc)
            assert exc.row == 0 and exc.field in table
            continue
        assert ok, profile
        got = (int(result.low_fen[0]), int(result.high_fen[0]), bool(result.eligible[0]))
        assert got == _award(profile), profile
    # the whole table (as it is, or as a pandas DataFrame): refused when any row is, naming a
    # refused row of the named column
    whole: Any = table
    if frame:
        pd = pytest.importorskip("pandas")
        whole = pd.DataFrame(table)
    try:
        result = batch.evaluate(PROGRAM, whole, as_of=AS_OF)
    except TableError as exc:
        assert not all(accepted)
        assert exc.row is not None and not accepted[exc.row], exc
        alone = _row(table, exc.row)
        with pytest.raises(TableError) as again:
            batch.evaluate(PROGRAM, alone, as_of=AS_OF)
        assert (again.value.field, again.value.code) == (exc.field, exc.code)
        event(f"table refused ({sum(accepted)} of {n} rows accepted alone)")
        return
    event("table accepted")
    assert all(accepted)
    assert result.applicant.tolist() == list(range(n))


# -- each class of bad input, directly ----------------------------------------------------------


def _shenzhen(n: int = 3, **columns: Any) -> dict[str, Any]:
    table = {
        "applicant": np.arange(n),
        "applicant.kind": np.array(["enterprise"] * n),
        "applicant.city": np.array(["shenzhen"] * n),
        "purchase.item": np.array(["compute"] * n),
        "purchase.use": np.array(["training"] * n),
        "purchase.amount_fen": np.full(n, 100_0000_00),
        "purchase.signed": np.array(["2024-12-18"] * n),
    }
    table.update(columns)
    return table


def _refusal(table: Any, program: str = PROGRAM, as_of: str = AS_OF) -> TableError:
    with pytest.raises(TableError) as info:
        batch.evaluate(program, table, as_of=as_of)
    assert isinstance(info.value, InputError)
    assert "\n" not in str(info.value)
    return info.value


def _objects(*values: Any) -> Any:
    column = np.empty(len(values), dtype=object)
    column[:] = list(values)
    return column


def test_settled_above_the_amount_is_refused_as_in_a_profile() -> None:
    # Dongguan would pay 100万 on a 1万 contract settled at 1000万
    table = {
        "applicant": np.array([1, 2]),
        "applicant.kind": np.array(["enterprise"] * 2),
        "applicant.city": np.array(["dongguan"] * 2),
        "purchase.item": np.array(["compute"] * 2),
        "purchase.amount_fen": np.array([1_0000_00, 1_0000_00]),
        "purchase.settled_fen": np.array([1_0000_00, 1000_0000_00]),
        "purchase.signed": np.array(["2025-03-01"] * 2),
    }
    exc = _refusal(table, "dongguan.compute-voucher")
    assert (exc.code, exc.field, exc.row) == ("profile.invalid", "purchase.settled_fen", 1)
    purchase = {"item": "compute", "amount": "1万", "settled": "1000万", "signed": "2025-03-01"}
    with pytest.raises(ProfileError) as profile:
        aivoucher.parse_profile(
            {"applicant": {"kind": "enterprise", "city": "dongguan"}, "purchases": [purchase]}
        )
    assert profile.value.code == exc.code
    assert profile.value.message in exc.message


def test_end_before_start_is_refused_as_in_a_profile() -> None:
    table = _shenzhen(
        **{
            "purchase.start": np.array(["2025-01-01", "2025-06-01", None], dtype=object),
            "purchase.end": np.array(["2025-12-31", "2025-01-01", None], dtype=object),
        }
    )
    exc = _refusal(table)
    assert (exc.code, exc.field, exc.row) == ("profile.invalid", "purchase.end", 1)


@pytest.mark.parametrize(
    "text",
    [
        "today",
        "2025",
        "2025-05",
        "2024-12-18T07:00+08:00",
        "2024-12-18T00:00",
        "2024-12-18 07:00",
        "20241218",
        "2025-02-30",
    ],
)
@pytest.mark.parametrize("form", ["numpy", "object", "category"])
def test_dates_outside_the_documented_forms_are_refused(text: str, form: str) -> None:
    signed = np.array(["2024-12-18", "2024-12-19", text])
    column: Any = signed if form == "numpy" else signed.astype(object)
    table: Any = _shenzhen(**{"purchase.signed": column})
    if form == "category":
        pd = pytest.importorskip("pandas")
        table = pd.DataFrame(table)
        table["purchase.signed"] = table["purchase.signed"].astype("category")
    exc = _refusal(table)
    assert (exc.code, exc.field, exc.row) == ("date.invalid", "purchase.signed", 2)
    plan = {
        "applicant": {"kind": "enterprise", "city": "shenzhen"},
        "purchases": [{"item": "compute", "amount": 1, "signed": text}],
    }
    if text == "2025-05":
        # a profile may plan by the month (its estimate covers each day); a table's row is one
        # purchase on its day
        assert aivoucher.parse_profile(plan).spans
        return
    with pytest.raises(ProfileError) as profile:
        aivoucher.parse_profile(plan)
    assert profile.value.code == "date.invalid"


def test_the_day_written_is_the_day_read() -> None:
    # 18 December 2024 in Shenzhen: the text form pays what the profile pays, whatever the zone
    table = _shenzhen(1)
    result = batch.evaluate(PROGRAM, table, as_of=AS_OF)
    profile = {
        "applicant": {"kind": "enterprise", "city": "shenzhen"},
        "purchases": [
            {"item": "compute", "use": "training", "amount": "100万", "signed": "2024-12-18"}
        ],
    }
    expected = _award(profile)
    assert expected[1] > 0
    assert (int(result.low_fen[0]), int(result.high_fen[0]), bool(result.eligible[0])) == expected
    for signed in (
        np.array(["2024-12-18"], dtype="datetime64[D]"),
        np.array(["2024-12-18T00:00"], dtype="datetime64[s]"),
        np.array(["2024-12-18T00:00"], dtype="datetime64[ns]"),
        _objects(dt.date(2024, 12, 18)),
        _objects(dt.datetime(2024, 12, 18)),
    ):
        got = batch.evaluate(PROGRAM, {**table, "purchase.signed": signed}, as_of=AS_OF)
        assert int(got.high_fen[0]) == expected[1], signed.dtype


@pytest.mark.parametrize(
    "signed",
    [
        np.array(["2024-12-18", "2024-12-18T07:00"], dtype="datetime64[s]"),
        np.array(["2024-12-18", "2024-12-18T00:00:00.000000001"], dtype="datetime64[ns]"),
        np.array(["2024-12", "2025-05"], dtype="datetime64[M]"),
        np.array(["2024", "2025"], dtype="datetime64[Y]"),
        np.array(["2024-12-18", "10000-01-01"], dtype="datetime64[D]"),
        _objects(dt.date(2024, 12, 18), dt.datetime(2024, 12, 18, 7)),
        _objects(dt.date(2024, 12, 18), dt.datetime(2024, 12, 18, tzinfo=UTC8)),
    ],
)
def test_datetimes_that_are_not_whole_days_are_refused(signed: Any) -> None:
    exc = _refusal(_shenzhen(2, **{"purchase.signed": signed}))
    assert (exc.code, exc.field) == ("date.invalid", "purchase.signed")
    assert exc.row == (
        0 if signed.dtype.kind == "M" and signed.dtype.str[-3:] in ("[M]", "[Y]") else 1
    )


def test_zone_aware_pandas_dates_are_refused() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(_shenzhen(2))
    frame["purchase.signed"] = pd.to_datetime(["2024-12-18", "2024-12-18"]).tz_localize(
        "Asia/Shanghai"
    )
    exc = _refusal(frame)
    assert (exc.code, exc.field, exc.row) == ("date.invalid", "purchase.signed", 0)


def test_datetimes_are_refused_by_profiles_too() -> None:
    for signed in (dt.datetime(2024, 12, 18, 7), dt.datetime(2024, 12, 18, tzinfo=UTC8)):
        with pytest.raises(ProfileError) as info:
            aivoucher.parse_profile(
                {
                    "applicant": {"kind": "enterprise", "city": "shenzhen"},
                    "purchases": [{"item": "compute", "amount": 1, "signed": signed}],
                }
            )
        assert info.value.code == "date.invalid"
    midnight = {"item": "compute", "amount": 1, "signed": dt.datetime(2024, 12, 18)}
    profile = aivoucher.parse_profile(
        {"applicant": {"kind": "enterprise", "city": "shenzhen"}, "purchases": [midnight]}
    )
    assert profile.purchases[0].signed == dt.date(2024, 12, 18)


@pytest.mark.parametrize(
    ("amounts", "code", "row"),
    [
        (_objects(1, 2, 2**64), "amount.too_large", 2),
        (_objects(1, 2**63, 2), "amount.too_large", 1),
        (_objects(1, -(2**64), 2), "amount.negative", 1),
        (np.array([1, 10**14 + 1, 3]), "amount.too_large", 1),
        (np.array([1, 2, -5]), "amount.negative", 2),
        (np.array([1, 2**64 - 1, 3], dtype=np.uint64), "amount.too_large", 1),
        (np.array([1.0, 2.0, 3.0]), "table.invalid", None),
        (_objects(1, "2", 3), "table.invalid", 1),
        (_objects(1, True, 3), "table.invalid", 1),
        (_objects(1, None, 3), "profile.missing_field", 1),
    ],
)
def test_amounts_are_integers_a_profile_accepts(amounts: Any, code: str, row: int | None) -> None:
    exc = _refusal(_shenzhen(**{"purchase.amount_fen": amounts}))
    assert (exc.code, exc.field, exc.row) == (code, "purchase.amount_fen", row)


def test_the_largest_amount_is_accepted() -> None:
    table = _shenzhen(**{"purchase.amount_fen": _objects(1, 10**14, 3)})
    assert len(batch.evaluate(PROGRAM, table, as_of=AS_OF)) == 3


def test_applicant_keys_beyond_int64_are_refused() -> None:
    exc = _refusal(_shenzhen(**{"applicant": _objects(1, 2, 2**64)}))
    assert (exc.code, exc.field, exc.row) == ("table.invalid", "applicant", 2)


def test_a_column_named_twice_is_refused() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(_shenzhen())
    twice = pd.concat([frame, frame[["purchase.item"]]], axis=1)
    exc = _refusal(twice)
    assert (exc.code, exc.field) == ("table.invalid", "purchase.item")
    table: dict[Any, Any] = {**_shenzhen(), 1: np.arange(3), "1": np.arange(3)}
    exc = _refusal(table)
    assert (exc.code, exc.field) == ("table.invalid", "1")


@pytest.mark.parametrize(
    ("name", "values", "code", "row"),
    [
        ("purchase.use", _objects("training", "training", 5), "profile.invalid", 2),
        ("purchase.use", _objects("training", " training", "x"), "profile.invalid", 1),
        ("applicant.kind", _objects("enterprise", 1, "enterprise"), "profile.invalid", 1),
        ("applicant.city", _objects("shenzhen", "深圳", "gotham"), "city.unknown", 2),
        ("applicant.startup", _objects(True, 1, False), "profile.invalid", 1),
        ("applicant.startup", _objects(True, None, "yes"), "profile.invalid", 2),
        ("purchase.signed", _objects("2024-12-18", dt.date(2024, 12, 18), 5), "date.invalid", 2),
        ("purchase.id", _objects("a", "b" * 101, "c"), "profile.invalid", 1),
        ("purchase.id", np.array(["a", "b" * 101, "c"]), "profile.invalid", 1),
        ("purchase.id", _objects("a", "b", 3), "profile.invalid", 2),
        ("applicant.name", _objects("a", "b" * 201, "c"), "profile.invalid", 1),
    ],
)
def test_values_and_mixed_types_are_refused_with_their_row(
    name: str, values: Any, code: str, row: int
) -> None:
    exc = _refusal(_shenzhen(**{name: values}))
    assert (exc.code, exc.field, exc.row) == (code, name, row)


def test_free_text_is_read_as_a_profile_reads_it() -> None:
    # ids are often all distinct: checked as a whole where the types allow, exactly otherwise
    ids = np.array([f"p{i}" for i in range(5000)])
    table = _shenzhen(5000, **{"purchase.id": ids})
    assert len(batch.evaluate(PROGRAM, table, as_of=AS_OF)) == 5000
    table["purchase.id"] = ids.astype(object)
    assert len(batch.evaluate(PROGRAM, table, as_of=AS_OF)) == 5000
    table["purchase.id"] = np.array([" x "] * 4999 + ["y" * 100 + "   "], dtype=object)
    assert len(batch.evaluate(PROGRAM, table, as_of=AS_OF)) == 5000  # stripped, as in a profile


def test_a_value_of_another_type_is_named_as_such() -> None:
    exc = _refusal(_shenzhen(**{"purchase.use": _objects("training", "training", 5)}))
    assert "mixed types (int among str)" in exc.message
    exc = _refusal(_shenzhen(**{"purchase.use": _objects("training", "inference", "x")}))
    assert "mixed types" not in exc.message


def test_a_boolean_column_does_not_read_one_as_true() -> None:
    # True == 1 in Python: a hash table would merge them; the reader sees each
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(_shenzhen(**{"applicant.startup": _objects(True, 1, 1.0)}))
    exc = _refusal(frame)
    assert (exc.field, exc.row) == ("applicant.startup", 1)


def test_mixed_but_valid_date_forms_are_read_alike() -> None:
    signed = _objects("2024-12-18", dt.date(2024, 12, 18), "2024年12月18日")
    result = batch.evaluate(PROGRAM, _shenzhen(**{"purchase.signed": signed}), as_of=AS_OF)
    assert len(set(result.high_fen.tolist())) == 1


def test_profiles_take_true_or_false_only() -> None:
    for value in ("yes", 1, "Y", "true"):
        with pytest.raises(ProfileError) as info:
            aivoucher.parse_profile(
                {"applicant": {"kind": "enterprise", "city": "shenzhen", "startup": value}}
            )
        assert info.value.field == "applicant.startup"
    profile = aivoucher.parse_profile(
        {"applicant": {"kind": "enterprise", "city": "shenzhen", "startup": np.True_}}
    )
    assert profile.applicant.startup is True
