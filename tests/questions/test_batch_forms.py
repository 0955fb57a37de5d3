"""One table, any text form: pandas ``category``, ``object`` and ``str`` columns, numpy text and
arrow strings are coded once and read through the profile's one reader, so they give the same
awards — and refuse the same bad value with the same code, in the same row."""

from __future__ import annotations

import contextlib
import importlib.util
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aivoucher.errors import TableError

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
batch = pytest.importorskip("aivoucher.batch")

PROGRAMS = ["shenzhen.training-compute", "chengdu.compute-voucher"]
AS_OF = "2025-12-31"
HAS_ARROW = importlib.util.find_spec("pyarrow") is not None


def mostly(valid: list[str], invalid: list[str]) -> st.SearchStrategy[str]:
    """Valid values nineteen times in twenty: most tables are accepted, some are refused."""
    return st.integers(0, 19).flatmap(lambda k: st.sampled_from(invalid if k == 0 else valid))


TEXT = {
    "applicant.kind": mostly(["enterprise", "university"], ["Enterprise", " enterprise"]),
    "applicant.city": mostly(["shenzhen", "深圳", "chengdu", "成都", "beijing"], ["gotham"]),
    "purchase.item": mostly(["compute", "compute", "model"], ["toaster"]),
    "purchase.use": mostly(["training", "inference", "other"], ["Training"]),
    "purchase.chip_origin": mostly(["domestic", "foreign"], ["martian"]),
    "purchase.signed": mostly(
        ["2025-03-01", "2025/9/15", "2025年10月1日", "2024-12-31"], ["today", "2025-02-30"]
    ),
}


@st.composite
def tables(draw: Any) -> tuple[dict[str, Any], dict[str, list[str | None]]]:
    """Numeric columns, and each text column as a list of strings (None: unknown)."""
    n = draw(st.integers(1, 30))
    keys = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    applicant_text = {}
    for name in ("applicant.kind", "applicant.city"):
        # rows of one applicant agree on the applicant's columns
        per_key = {k: draw(TEXT[name]) for k in sorted(set(keys))}
        applicant_text[name] = [per_key[k] for k in keys]
    text: dict[str, list[str | None]] = {**applicant_text}
    for name in ("purchase.item", "purchase.use", "purchase.chip_origin", "purchase.signed"):
        nullable = name in ("purchase.use", "purchase.chip_origin")
        cell = st.one_of(st.none(), TEXT[name]) if nullable else TEXT[name]
        text[name] = [draw(cell) for _ in range(n)]
    numbers = {
        "applicant": np.array(keys, dtype=np.int64),
        "purchase.amount_fen": np.array(
            draw(st.lists(st.integers(0, 10**10), min_size=n, max_size=n)), dtype=np.int64
        ),
    }
    return numbers, text


def _fresh(value: str | None) -> str | None:
    """An equal string that is another object (tables built row by row hold such strings)."""
    return None if value is None else "".join(list(value))


def forms(numbers: dict[str, Any], text: dict[str, list[str | None]]) -> dict[str, Any]:
    def objects(values: list[str | None], fresh: bool) -> Any:
        column = np.empty(len(values), dtype=object)
        column[:] = [_fresh(v) for v in values] if fresh else values
        return column

    def numpy_text(values: list[str | None]) -> Any:
        if all(v is not None for v in values):
            return np.array(values)
        masked = np.ma.masked_array(
            np.array([v or "" for v in values]), mask=[v is None for v in values]
        )
        return masked

    out: dict[str, Any] = {
        "numpy text": {**numbers, **{k: numpy_text(v) for k, v in text.items()}},
        "numpy objects": {**numbers, **{k: objects(v, False) for k, v in text.items()}},
        "numpy fresh objects": {**numbers, **{k: objects(v, True) for k, v in text.items()}},
        "pandas category": pd.DataFrame(
            {**numbers, **{k: pd.Categorical(v) for k, v in text.items()}}
        ),
        "pandas object": pd.DataFrame(
            {**numbers, **{k: pd.Series(objects(v, True), dtype=object) for k, v in text.items()}}
        ),
        "pandas string": pd.DataFrame(
            {**numbers, **{k: pd.Series(v, dtype="string") for k, v in text.items()}}
        ),
    }
    if HAS_ARROW:
        import pyarrow as pa

        arrow = {k: pa.array(v, type=pa.string()) for k, v in text.items()}
        out["arrow strings"] = pa.table({**numbers, **arrow})
        out["arrow large strings"] = pa.table(
            {**numbers, **{k: a.cast(pa.large_string()) for k, a in arrow.items()}}
        )
        out["arrow dictionaries"] = pa.table(
            {**numbers, **{k: a.dictionary_encode() for k, a in arrow.items()}}
        )
    return out


def outcome(program: str, table: Any) -> Any:
    try:
        result = batch.evaluate(program, table, as_of=AS_OF)
    except TableError as exc:
        return ("refused", exc.code, exc.field, exc.row)
    return (
        result.applicant.tolist(),
        result.low_fen.tolist(),
        result.high_fen.tolist(),
        result.eligible.tolist(),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tables(), program=st.sampled_from(PROGRAMS))
def test_every_text_form_gives_the_same_outcome(data: Any, program: str) -> None:
    numbers, text = data
    outcomes = {form: outcome(program, table) for form, table in forms(numbers, text).items()}
    expected = outcomes["pandas category"]
    for form, got in outcomes.items():
        assert got == expected, (form, got, expected)


def test_a_bad_value_is_refused_in_the_same_row_in_every_form() -> None:
    numbers = {"applicant": np.arange(4), "purchase.amount_fen": np.full(4, 10**8)}
    text: dict[str, list[str | None]] = {
        "applicant.kind": ["enterprise"] * 4,
        "applicant.city": ["shenzhen", "shenzhen", "gotham", "gotham"],
        "purchase.item": ["compute"] * 4,
        "purchase.signed": ["2025-03-01"] * 4,
    }
    for form, table in forms(numbers, text).items():
        with pytest.raises(TableError) as caught:
            batch.evaluate(PROGRAMS[0], table, as_of=AS_OF)
        assert (caught.value.code, caught.value.field, caught.value.row) == (
            "city.unknown",
            "applicant.city",
            2,
        ), form


def test_numpy_bytes_are_read_by_the_same_reader() -> None:
    """``S`` arrays are coded like text and their distinct values handed to the profile's
    reader as they are, so a bytes column is accepted or refused as a profile would take those
    values — identically to the same bytes held as Python objects."""
    numbers = {"applicant": np.arange(3), "purchase.amount_fen": np.full(3, 10**8)}
    base = {
        "applicant.kind": np.array(["enterprise"] * 3),
        "applicant.city": np.array(["shenzhen"] * 3),
        "purchase.signed": np.array(["2025-03-01"] * 3),
    }
    items = np.array([b"compute", b"compute", b"model"])
    as_bytes = outcome(PROGRAMS[0], {**numbers, **base, "purchase.item": items})
    as_objects = outcome(PROGRAMS[0], {**numbers, **base, "purchase.item": items.astype(object)})
    assert as_bytes == as_objects


@settings(max_examples=200, deadline=None)
@given(
    picks=st.lists(st.integers(0, 11), max_size=60),
    most=st.integers(1, 10),
    objects=st.booleans(),
)
def test_peeling_codes_each_distinct_value_once(picks: list[int], most: int, objects: bool) -> None:
    """The comparison passes that code text: equal codes exactly for equal values, each code's
    first row its value's first, and no codes when there are more than ``most`` values."""
    from aivoucher.evaluate.table import _addresses, _peel

    words = [f"w{i}" for i in range(12)]
    values = np.array([words[p] for p in picks])
    keys = values
    if objects:  # Python strings compared as objects, one object per word
        values = np.array([words[p] for p in picks], dtype=object)
        keys = _addresses(values)
    found = _peel(keys, most)
    distinct = list(dict.fromkeys(picks))
    if len(distinct) > most:
        assert found is None
        return
    assert found is not None
    codes, firsts = found
    assert [values[i] for i in firsts] == [words[p] for p in distinct]
    assert [firsts[c] for c in codes.tolist()] == [picks.index(p) for p in picks]


# -- the coding of long text columns ----------------------------------------------------------
#
# Long columns are coded by ways that only pay off on many rows (a sampled value set checked
# row by row, arrow's look-up in that set, comparison passes over Python strings). Here their
# thresholds are lowered and their sample shrunk to a row or two, so that small tables take
# them, with values the sample misses: the outcome must not change.


def more_forms(numbers: dict[str, Any], text: dict[str, list[str | None]]) -> dict[str, Any]:
    """``forms`` and pandas 3's ``str`` columns of either storage and arrow-backed pandas
    columns."""
    out = forms(numbers, text)

    def frame(dtype: Any) -> Any:
        return pd.DataFrame({**numbers, **{k: pd.Series(v, dtype=dtype) for k, v in text.items()}})

    storages = {}
    for storage in ("python", "pyarrow"):  # pandas 3's default ``str`` (NaN for null)
        # (not made by pandas before 2.3, nor of pyarrow storage without pyarrow)
        with contextlib.suppress(TypeError, ImportError):
            storages[storage] = pd.StringDtype(storage, na_value=np.nan)
    if "python" in storages:
        out["pandas str (python)"] = frame(storages["python"])
    if HAS_ARROW:
        import pyarrow as pa

        if "pyarrow" in storages:
            out["pandas str (pyarrow)"] = frame(storages["pyarrow"])
        out["pandas ArrowDtype"] = frame(pd.ArrowDtype(pa.string()))
        if hasattr(pa, "string_view"):  # (as polars may hand its strings over)
            views = {
                k: pa.array(v, type=pa.string()).cast(pa.string_view()) for k, v in text.items()
            }
            out["arrow string views"] = pa.table({**numbers, **views})
    return out


def _long_paths(sampled: int) -> Any:
    """The coders of long columns on any table, their sample the first ``sampled`` rows."""
    from contextlib import ExitStack
    from unittest import mock

    from aivoucher.evaluate import table as module

    stack = ExitStack()
    stack.enter_context(mock.patch.object(module, "_BLOCK", 3))
    stack.enter_context(mock.patch.object(module, "_LONG_TEXT", 3))
    stack.enter_context(mock.patch.object(module, "_FEW", 0))
    stack.enter_context(mock.patch.object(module, "_sample", lambda n: np.arange(min(n, sampled))))
    return stack


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tables(), program=st.sampled_from(PROGRAMS), sampled=st.integers(1, 4))
def test_long_column_coders_give_the_category_outcome(
    data: Any, program: str, sampled: int
) -> None:
    numbers, text = data
    with _long_paths(sampled):
        outcomes = {form: outcome(program, t) for form, t in more_forms(numbers, text).items()}
    expected = outcomes["pandas category"]
    for form, got in outcomes.items():
        assert got == expected, (form, got, expected)


WORDS = ["enterprise", "enterprize", "university", "universe", "", "research_institute", "深圳"]


@settings(max_examples=300, deadline=None)
@given(
    picks=st.lists(st.integers(0, len(WORDS) - 1), min_size=1, max_size=40),
    nulls=st.lists(st.booleans(), min_size=40, max_size=40),
    sampled=st.integers(0, 6),
    block=st.integers(1, 8),
)
def test_numpy_text_codes_name_each_rows_own_value(
    picks: list[int], nulls: list[bool], sampled: int, block: int
) -> None:
    """Each row's code names exactly its value, null rows −1, whatever the sample saw:
    values that share the sample's telling character with a known value (``enterprize``)
    are told apart by the row's check."""
    from unittest import mock

    from aivoucher.evaluate import table as module

    values = np.array([WORDS[p] for p in picks])
    null = np.array(nulls[: len(picks)]) if any(nulls[: len(picks)]) else None
    with (
        mock.patch.object(module, "_BLOCK", block),
        mock.patch.object(module, "_sample", lambda n: np.arange(min(n, sampled))),
    ):
        coded = module._code_text(values, null)
    if coded is None:  # the sample held nothing, or no character tells its values apart
        return
    codes, categories = coded
    assert len(set(categories)) == len(categories)
    for i, value in enumerate(values.tolist()):
        if null is not None and null[i]:
            assert codes[i] == -1
        else:
            assert categories[codes[i]] == value


def test_a_long_numpy_column_refuses_a_value_the_sample_missed() -> None:
    """A refused value hidden among 40,000 rows, off the sample's rows and sharing the
    telling character of an accepted value, is refused in its row, as in every form."""
    from unittest import mock

    from aivoucher.evaluate import table as table_module

    n = 40_000
    kinds = np.array(["enterprise", "university"] * (n // 2))
    kinds[n - 7] = "enterprize"
    numbers = {"applicant": np.arange(n), "purchase.amount_fen": np.full(n, 10**8)}
    table = {
        **numbers,
        "applicant.kind": kinds,
        "applicant.city": np.array(["shenzhen"] * n),
        "purchase.item": np.array(["compute"] * n),
        "purchase.signed": np.array(["2025-03-01"] * n),
    }
    codes = set()
    for form in ("numpy text", "pandas category", "arrow"):
        t: Any = table
        if form == "pandas category":
            t = pd.DataFrame(
                {k: pd.Categorical(v) if v.dtype.kind == "U" else v for k, v in table.items()}
            )
        elif form == "arrow":
            if not HAS_ARROW:
                continue
            import pyarrow as pa

            t = pa.table({k: pa.array(v) for k, v in table.items()})
        # the numpy text coder of long columns, on this shorter one
        with (
            mock.patch.object(table_module, "_LONG_TEXT", 1 << 14),
            pytest.raises(TableError) as caught,
        ):
            batch.evaluate(PROGRAMS[0], t, as_of=AS_OF)
        assert (caught.value.field, caught.value.row) == ("applicant.kind", n - 7), form
        codes.add(caught.value.code)
    assert len(codes) == 1 and None not in codes
