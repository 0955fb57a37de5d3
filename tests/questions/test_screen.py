"""``batch.screen``: every program for every applicant in one call, equal per row to
``aivoucher.estimate``; programs a table cannot evaluate are reported; partitions screened
apart and concatenated equal one call (pandas always, Dask where installed)."""

from __future__ import annotations

import datetime as dt
import doctest
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.errors import InputError
from aivoucher.ruleset.registry import bundled_rules, example_profile

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
batch = pytest.importorskip("aivoucher.batch")

from test_batch import _profiles, tables  # noqa: E402  (numpy first)

#: Each bundled example a table can carry: (program key, index), with its profile and date.
EXAMPLES = [
    (entry.program.key, i)
    for entry in bundled_rules()
    for i, example in enumerate(entry.program.examples)
    if not example.assume and example.profile.get("purchases")
]


def _table_of(profiles: dict[int, Any]) -> dict[str, Any] | None:
    """A batch table of the given profiles (key → profile data), or None where a profile says
    what no column holds."""
    rows: list[dict[str, Any]] = []
    for key, data in profiles.items():
        profile = aivoucher.parse_profile(data)
        applicant = profile.applicant.model_dump(exclude_defaults=True)
        qualifications = applicant.pop("qualifications", {})
        head: dict[str, Any] = {f"applicant.{k}": v for k, v in applicant.items()}
        head |= {f"applicant.qualifications.{k}": v for k, v in qualifications.items()}
        for purchase in profile.purchases:
            values = purchase.model_dump(exclude_defaults=True)
            held = values.pop("qualifications", {})
            row = {"applicant": key, **head}
            row |= {f"purchase.qualifications.{k}": v for k, v in held.items()}
            row["purchase.amount_fen"] = int(values.pop("amount") * 100)
            if "settled" in values:
                row["purchase.settled_fen"] = int(values.pop("settled") * 100)
            row |= {f"purchase.{k}": v for k, v in values.items()}
            rows.append(row)
    names = sorted({name for row in rows for name in row})
    table: dict[str, Any] = {}
    for name in names:
        values = [row.get(name) for row in rows]
        if name in ("applicant", "purchase.amount_fen"):
            table[name] = np.array(values, dtype=np.int64)
        else:
            table[name] = np.array(values, dtype=object)
    return table


def _expected(
    profile: Any, as_of: dt.date, program: str, renewal: bool = False
) -> tuple[int, int, bool, set[str]]:
    """The estimate's counted awards of ``program``: low and high fen, eligible, and the codes
    of its reasons ({"not_in_force"} where it has no award)."""
    est = aivoucher.estimate(profile, programs=[program], as_of=as_of, assume_renewal=renewal)
    awards = [a for a in est.awards if a.program.id == program and not a.renewal]
    low = sum(int((a.low or Decimal(0)) * 100) for a in awards)
    high = sum(int((a.high or Decimal(0)) * 100) for a in awards)
    codes = {str(r.code) for a in awards for r in a.reasons} if awards else {"not_in_force"}
    return low, high, any(bool(a.eligible) for a in awards), codes


def _check(
    table: dict[str, Any],
    as_of: dt.date,
    programs: list[str] | None = None,
    renewal: bool = False,
) -> Any:
    found = batch.screen(table, programs, as_of=as_of, assume_renewal=renewal)
    frame = found.frame
    profiles = _profiles(table)
    skipped = {s.program.partition("@")[0] for s in found.skipped}
    assert set(frame["program"].astype(str)).isdisjoint(skipped)
    count = len(set(table["applicant"].tolist()))
    assert len(frame) == count * frame["program"].nunique()
    for row in frame.itertuples(index=False):
        *want, reasons = _expected(profiles[row.applicant], as_of, str(row.program), renewal)
        got = [int(row.low_fen), int(row.high_fen), bool(row.eligible)]
        assert got == want, (row, profiles[row.applicant])
        # a reason exactly where nothing is paid: one the estimate gives
        assert (row.high_fen == 0) == (not pd.isna(row.reason)), row
        if row.reason == "zero_amount":  # eligible, for amounts that come to nothing
            assert want[1:] == [0, True], row
        elif row.high_fen == 0:
            assert str(row.reason) in reasons, (row, reasons, profiles[row.applicant])
    return found


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(example=st.sampled_from(EXAMPLES), raise_by=st.integers(0, 10**6))
def test_screen_equals_estimate_on_the_bundled_examples(
    example: tuple[str, int], raise_by: int
) -> None:
    key, index = example
    entry = next(e for e in bundled_rules() if e.program.key == key)
    data = example_profile(entry.program, index).model_dump(mode="python", exclude_defaults=True)
    other = {
        "applicant": dict(data["applicant"]),
        "purchases": [
            {**p, "amount": p["amount"] + Decimal(raise_by).scaleb(-2)} for p in data["purchases"]
        ],
    }
    table = _table_of({1: data, 2: other})
    if table is None:
        return
    _check(table, entry.program.examples[index].as_of)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    home=st.sampled_from(["shenzhen", "chengdu", "wuhan", "shanghai", "suzhou", "xiamen"]),
    as_of=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
)
def test_screen_equals_estimate_on_random_tables(data: Any, home: str, as_of: dt.date) -> None:
    table = data.draw(tables(home, max_applicants=3, max_rows=6))
    found = _check(table, as_of, renewal=data.draw(st.booleans()))
    # renewal: some purchase signed after the program's last known version ends
    profiles = _profiles(table)
    for row in found.frame.itertuples(index=False):
        end = bundled_rules().choose(str(row.program), as_of).end
        signed = [p["signed"] for p in profiles[row.applicant]["purchases"]]
        assert bool(row.renewal) == (end is not None and max(signed) > end), row


def _prorated_without_steps(directory: Path) -> Any:
    """A rule set whose one version prorates without rounding at each step (the kernel leaves
    it to the scalar engine)."""
    from conftest import prorated_rule, write_rule

    from aivoucher.ruleset.registry import load_rules

    write_rule(directory, prorated_rule())
    return load_rules(directory)


def test_programs_that_cannot_be_batched_are_reported(tmp_path: Path) -> None:
    table = {
        "applicant": np.array([1]),
        "applicant.kind": np.array(["enterprise"]),
        "applicant.city": np.array(["shenzhen"]),
        "purchase.item": np.array(["compute"]),
        "purchase.amount_fen": np.array([10**9]),
        "purchase.signed": np.array(["2025-03-01"]),
    }
    found = batch.screen(table, as_of="2025-06-30", scalar=False)
    by_code = {s.program: s.code for s in found.skipped}
    assert "rate_unpublished" in by_code.values()
    # every bundled version with a rate in yuan is screened natively: no scalar_only
    assert set(by_code.values()) <= {"rate_unpublished", "other_currency"}
    programs = set(found.frame["program"].astype(str))
    assert {"nanning.compute-voucher", "shenzhen-longhua.compute-voucher"} <= programs
    assert "shenzhen.training-compute" in programs
    # every bundled program is either screened or reported
    every = {e.program.id for e in bundled_rules()}
    assert programs | {s.program.partition("@")[0] for s in found.skipped} == every
    # a version the kernel cannot express: skipped without the scalar engine, else named
    rules = _prorated_without_steps(tmp_path)
    quick = batch.screen(table, as_of="2025-06-30", rules=rules, scalar=False)
    (skipped,) = quick.skipped
    assert (skipped.program, skipped.code) == ("shenzhen.test-voucher", "scalar_only")
    assert "scalar=True" in skipped.en and "scalar=True" in skipped.zh
    assert skipped.zh in str(skipped) and skipped.en in str(skipped)
    slow = batch.screen(table, as_of="2025-06-30", rules=rules)
    assert slow.scalar == ("shenzhen.test-voucher",)
    assert list(slow.frame["program"].astype(str)) == ["shenzhen.test-voucher"]


def test_columns_and_types_of_the_frame() -> None:
    table = {
        "applicant": np.array([7, 8]),
        "applicant__kind": np.array(["enterprise", "university"]),
        "applicant__city": np.array(["shenzhen", "shenzhen"]),
        "purchase__item": np.array(["compute", "compute"]),
        "purchase__use": np.array(["training", "training"]),
        "amount": np.array([8 * 10**8, 10**8]),
        "purchase__signed": np.array(["2025-03-01", "2025-03-01"]),
    }
    found = batch.screen(
        table,
        ["shenzhen.training-compute", "成都算力券"],  # ids or names
        as_of="2025-06-30",
        columns={"amount": "purchase.amount_fen"},
    )
    frame = found.frame
    assert list(frame.columns) == [
        "applicant",
        "program",
        "version",
        "eligible",
        "low_fen",
        "high_fen",
        "renewal",
        "reason",
    ]
    assert frame["low_fen"].dtype == np.int64 and frame["high_fen"].dtype == np.int64
    shenzhen = frame[frame["program"] == "shenzhen.training-compute"]
    assert shenzhen["applicant"].tolist() == [7, 8]
    # 800万 at up to 60% (whether a start-up is unknown), in fen
    assert shenzhen["high_fen"].tolist()[0] == 480_000_000
    chengdu = frame[frame["program"] == "chengdu.compute-voucher"]
    assert chengdu["reason"].astype(str).tolist() == ["condition_failed"] * 2
    assert not chengdu["eligible"].any()
    only = batch.screen(
        table,
        ["shenzhen.training-compute", "chengdu.compute-voucher"],
        as_of="2025-06-30",
        columns={"amount": "purchase.amount_fen"},
        eligible_only=True,
    )
    assert only.frame["eligible"].all() and len(only.frame) == 2


def test_every_reason_has_words_in_both_languages() -> None:
    from aivoucher.questions.batch._screen import REASONS, Screening

    for code in REASONS:
        assert Screening.reason_text(code) and Screening.reason_text(code, "zh")
        assert Screening.reason_text(code, "zh") != Screening.reason_text(code)
    with pytest.raises(InputError):
        Screening.reason_text("nope")


def test_not_in_force_and_bad_output() -> None:
    table = {
        "applicant": np.array([1]),
        "applicant.kind": np.array(["enterprise"]),
        "applicant.city": np.array(["shenzhen"]),
        "purchase.item": np.array(["compute"]),
        "purchase.amount_fen": np.array([10**9]),
        "purchase.signed": np.array(["2020-03-01"]),
    }
    early = batch.screen(table, ["shenzhen.training-compute"], as_of="2020-06-30").frame
    assert early["reason"].astype(str).tolist() == ["not_in_force"]
    with pytest.raises(InputError) as caught:
        batch.screen(table, as_of="2025-06-30", output="excel")
    assert caught.value.field == "output"


def test_arrow_output() -> None:
    pa = pytest.importorskip("pyarrow")
    table = {
        "applicant": np.array([1, 2]),
        "applicant.kind": np.array(["enterprise"] * 2),
        "applicant.city": np.array(["shenzhen"] * 2),
        "purchase.item": np.array(["compute"] * 2),
        "purchase.use": np.array(["training"] * 2),
        "purchase.amount_fen": np.array([10**9, 0]),
        "purchase.signed": np.array(["2025-03-01"] * 2),
    }
    programs = ["shenzhen.training-compute", "chengdu.compute-voucher"]
    arrow = batch.screen(table, programs, as_of="2025-06-30", output="arrow").frame
    assert isinstance(arrow, pa.Table)
    frame = batch.screen(table, programs, as_of="2025-06-30").frame
    back = arrow.to_pandas()
    for name in frame.columns:
        assert [None if pd.isna(v) else str(v) for v in back[name]] == [
            None if pd.isna(v) else str(v) for v in frame[name]
        ], name


# -- partitions -----------------------------------------------------------------------------


def _partitioned_equals_whole(table: dict[str, Any], parts: int, as_of: str) -> None:
    frame = pd.DataFrame(table)
    whole = batch.screen(frame, as_of=as_of, scalar=False).frame
    # partition by applicant: each applicant's rows in one partition
    which = frame["applicant"] % parts
    pieces = [
        batch.screen(frame[which == p], as_of=as_of, scalar=False).frame
        for p in range(parts)
        if (which == p).any()
    ]
    joined = pd.concat(pieces, ignore_index=True)
    key = ["applicant", "program"]
    left = whole.astype({"program": str, "version": str, "reason": str}).sort_values(key)
    right = joined.astype({"program": str, "version": str, "reason": str}).sort_values(key)
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), parts=st.integers(1, 4))
def test_partitions_screened_apart_equal_one_call(data: Any, parts: int) -> None:
    table = data.draw(tables("shenzhen", max_applicants=8, max_rows=16))
    _partitioned_equals_whole(table, parts, "2025-06-30")


def test_dask_map_partitions_equals_one_call() -> None:
    dd = pytest.importorskip("dask.dataframe")
    n = 40
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "applicant": np.repeat(np.arange(n), 2),
            "applicant__kind": np.repeat(rng.choice(["enterprise", "university"], n), 2),
            "applicant__city": np.repeat(rng.choice(["shenzhen", "chengdu", "wuhan"], n), 2),
            "purchase__item": ["compute"] * (2 * n),
            "purchase__use": rng.choice(["training", "inference"], 2 * n),
            "purchase__amount_fen": rng.integers(0, 10**10, 2 * n),
            "purchase__signed": rng.choice(["2025-03-01", "2025-08-01", "2024-11-30"], 2 * n),
        }
    )
    whole = batch.screen(frame, as_of="2025-12-31", scalar=False).frame
    meta = whole.iloc[:0]
    lazy = dd.from_pandas(frame, npartitions=4, sort=False)
    # by applicant: all rows of one applicant in one partition
    lazy = lazy.shuffle("applicant", npartitions=4)
    screened = lazy.map_partitions(
        lambda part: batch.screen(part, as_of="2025-12-31", scalar=False).frame, meta=meta
    ).compute()
    key = ["applicant", "program"]
    left = whole.astype({"program": str, "version": str, "reason": str}).sort_values(key)
    right = screened.astype({"program": str, "version": str, "reason": str}).sort_values(key)
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True))


# -- docs/scale.md ---------------------------------------------------------------------------

SCALE = Path(__file__).resolve().parents[2] / "docs" / "scale.md"


def _blocks(text: str) -> list[tuple[str, str]]:
    """Each ```python block of the page without doctest prompts, with the marker above it."""
    found = re.findall(r"(?:<!-- (.+?) -->\n)?```python\n(.*?)```", text, flags=re.S)
    return [(marker, code) for marker, code in found if not code.lstrip().startswith(">>>")]


def test_every_plain_block_of_the_scale_page_is_run_or_says_why_not() -> None:
    blocks = _blocks(SCALE.read_text(encoding="utf-8"))
    assert blocks, "the page shows Dask and Spark code"
    for marker, _ in blocks:
        assert marker in ("run: dask", "not run: needs a Spark cluster"), marker


def test_the_dask_example_of_the_scale_page_runs() -> None:
    pytest.importorskip("dask.dataframe")
    text = SCALE.read_text(encoding="utf-8")
    namespace: dict[str, Any] = {}
    # the page's doctests first: they define the table and the function the block uses
    for example in doctest.DocTestParser().get_examples(text):
        exec(example.source, namespace)
    for marker, code in _blocks(text):
        if marker == "run: dask":
            exec(code, namespace)
    assert namespace["screened"]["applicant"].nunique() == len(namespace["purchases"]) // 2
