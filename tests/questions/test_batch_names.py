"""Column names a Spark or SQL table can carry: ``applicant__kind`` for ``applicant.kind``, or
a ``columns=`` mapping; a table that names one field twice is refused (``table.ambiguous``)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aivoucher.errors import InputError, TableError

np = pytest.importorskip("numpy")
batch = pytest.importorskip("aivoucher.batch")

PROGRAM, AS_OF = "chengdu.compute-voucher", "2025-12-31"
TABLE = {
    "applicant": np.array([1, 2, 3, 3]),
    "applicant.kind": np.array(["enterprise"] * 4),
    "applicant.city": np.array(["chengdu", "成都", "chengdu", "chengdu"]),
    "applicant.qualifications.chengdu-major-project": np.array([True, False, True, True]),
    "purchase.item": np.array(["compute"] * 4),
    "purchase.chip_origin": np.array(["domestic", None, "foreign", "domestic"], dtype=object),
    "purchase.amount_fen": np.array([300_0000_00, 100_0000_00, 400_0000_00, 600_0000_00]),
    "purchase.signed": np.array(["2025-09-15", "2025-09-15", "2025-10-01", "2025-09-15"]),
}


def spelt(name: str) -> str:
    return name.replace(".", "__")


def same(a: Any, b: Any) -> bool:
    return bool(a == b)


@settings(max_examples=30, deadline=None)
@given(how=st.lists(st.sampled_from(["dotted", "underscored", "mapped"]), min_size=8, max_size=8))
def test_any_mix_of_spellings_reads_the_same_table(how: list[str]) -> None:
    expected = batch.evaluate(PROGRAM, TABLE, as_of=AS_OF)
    table: dict[str, Any] = {}
    columns: dict[str, str] = {}
    for (name, values), spelling in zip(TABLE.items(), how, strict=True):
        if spelling == "underscored":
            table[spelt(name)] = values
        elif spelling == "mapped":
            table[f"col_{len(columns)}"] = values
            columns[f"col_{len(columns)}"] = name
        else:
            table[name] = values
    got = batch.evaluate(PROGRAM, table, as_of=AS_OF, columns=columns)
    assert same(got, expected)


def test_pandas_frames_with_spark_names() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({spelt(k): v for k, v in TABLE.items()})
    assert same(
        batch.evaluate(PROGRAM, frame, as_of=AS_OF), batch.evaluate(PROGRAM, TABLE, as_of=AS_OF)
    )


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        ({**TABLE, "applicant__kind": TABLE["applicant.kind"]}, None),
        ({**TABLE, "kind": TABLE["applicant.kind"]}, {"kind": "applicant.kind"}),
        (
            {
                **{k: v for k, v in TABLE.items() if k != "applicant.kind"},
                "a": TABLE["applicant.kind"],
                "b": TABLE["applicant.kind"],
            },
            {"a": "applicant.kind", "b": "applicant.kind"},
        ),
    ],
)
def test_one_field_named_twice_is_ambiguous(table: dict[str, Any], columns: Any) -> None:
    with pytest.raises(TableError) as caught:
        batch.evaluate(PROGRAM, table, as_of=AS_OF, columns=columns)
    assert caught.value.code == "table.ambiguous"
    assert caught.value.field == "applicant.kind"
    assert isinstance(caught.value, InputError)
    # the words are in both languages
    assert "同一字段" in str(caught.value) and "twice" in str(caught.value)


@pytest.mark.parametrize(
    "columns",
    [{"nope": "applicant.kind"}, {"applicant.kind": "kind"}, {"applicant.kind": 3}],
)
def test_a_bad_mapping_is_refused(columns: Any) -> None:
    with pytest.raises(TableError) as caught:
        batch.evaluate(PROGRAM, TABLE, as_of=AS_OF, columns=columns)
    assert caught.value.code == "table.invalid"


def test_errors_name_the_contract_field() -> None:
    table = {spelt(k): v for k, v in TABLE.items()}
    table["applicant__city"] = np.array(["gotham"] * 4)
    with pytest.raises(TableError) as caught:
        batch.evaluate(PROGRAM, table, as_of=AS_OF)
    assert (caught.value.code, caught.value.field, caught.value.row) == (
        "city.unknown",
        "applicant.city",
        0,
    )


def test_pools_take_spark_names_too() -> None:
    from aivoucher import pool

    n = 4
    firms = {
        "applicant": np.arange(n),
        "applicant.kind": np.array(["enterprise"] * n),
        "applicant.city": np.array(["dongguan"] * n),
        "purchase.item": np.array(["compute"] * n),
        "purchase.amount_fen": np.full(n, 10**9),
        "purchase.settled_fen": np.full(n, 10**9),
        "purchase.signed": np.array(["2025-03-01"] * n),
    }
    dotted = pool.simulate("dongguan.compute-voucher", firms, as_of="2025-06-30")
    underscored = pool.simulate(
        "dongguan.compute-voucher", {spelt(k): v for k, v in firms.items()}, as_of="2025-06-30"
    )
    assert dotted.paid_high_fen.tolist() == underscored.paid_high_fen.tolist()


def test_the_scalar_versions_are_listed_with_their_reason_in_the_docs() -> None:
    """docs/batch.md lists every bundled version the kernel leaves to the scalar engine."""
    import re
    from pathlib import Path

    from aivoucher.evaluate.vector import kernel
    from aivoucher.ruleset.registry import bundled_rules

    page = (Path(__file__).resolve().parents[2] / "docs" / "batch.md").read_text("utf-8")
    block = page.split("<!-- scalar versions -->")[1].split("<!-- /scalar versions -->")[0]
    listed = dict(re.findall(r"^\| ([a-z0-9-]+\.[a-z0-9.@-]+) \| ([^|]+?) \|", block, flags=re.M))
    expected = {}
    for entry in bundled_rules():
        reason = kernel(entry.plan).unsupported
        if entry.plan.unpublished is None and reason is not None:
            expected[entry.program.key] = reason
    assert set(listed) == set(expected)
    for key, reason in expected.items():
        assert reason.split(" (")[0] in listed[key], (key, reason, listed[key])
