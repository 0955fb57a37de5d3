"""Versions the batch kernel evaluates natively that once went the scalar way — proration over
a base period (Nanning), a rate tier limited to the first years of service (Shanghai) — equal
the scalar engine to the fen on random tables, and ``batch.screen`` gives the estimate's
eligibility and reasons for them; none of their applicants takes the scalar path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import rule, write_rule
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.base import jurisdictions
from aivoucher.errors import InputError, TableError
from aivoucher.ruleset.registry import bundled_rules, example_profile, load_rules

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
batch = pytest.importorskip("aivoucher.batch")

from test_batch import _as_of, _check_against_scalar, _entry, _home, tables  # noqa: E402
from test_screen import _check  # noqa: E402

#: Bundled versions that need no scalar applicant, with the days after they took effect on
#: which they are evaluated (before it, a version is not in force).
NATIVE = ["nanning.compute-voucher", "shanghai.compute-voucher"]


def _dated(table: dict[str, Any], data: Any) -> dict[str, Any]:
    """Service periods around the base period (2025), ending on or after their start: every
    overlap of a contract with it, and dates left out (null), are drawn."""
    n = len(table["applicant"])
    day = st.dates(dt.date(2024, 3, 1), dt.date(2026, 3, 31))
    starts = [None if data.draw(st.integers(0, 4)) == 0 else data.draw(day) for _ in range(n)]
    table["purchase.start"] = np.array(starts, dtype=object)
    table["purchase.end"] = np.array(
        [
            None
            if s is None or data.draw(st.integers(0, 5)) == 0
            else s + dt.timedelta(days=data.draw(st.integers(0, 800)))
            for s in starts
        ],
        dtype=object,
    )
    if data.draw(st.booleans()):
        # most purchases of a round qualify: through the certified platform, or unknown
        table["purchase.via_platform"] = np.array(
            [data.draw(st.sampled_from([True, True, None])) for _ in range(n)], dtype=object
        )
    return table


#: What may become of each field of an example, per applicant or per row: kept (most often),
#: unknown, or the random table's value.
FATE = st.sampled_from(["keep"] * 5 + ["null", "other"])
REQUIRED = ("applicant.kind", "applicant.city", "purchase.item")
#: Columns whose random values stay (amounts, dates: drawn to vary).
UNTOUCHED = (*REQUIRED, "purchase.amount_fen", "purchase.settled_fen", "purchase.signed")
UNTOUCHED += ("purchase.start", "purchase.end")


def _like_example(table: dict[str, Any], data: Any, program: str) -> dict[str, Any]:
    """The random table moved towards the program's first paying example, so that many rows
    qualify: each field the example states is kept on most applicants or rows, made unknown
    (null) on some, left random on others; the signing date is the example's, moved by up to
    200 days, on half the rows. A district is kept only with the example's city."""
    entry = _entry(program)
    paying = [
        (not e.profile.get("purchases"), i)
        for i, e in enumerate(entry.program.examples)
        if not e.assume and e.expect.eligible
    ]
    index = min(paying)[1]  # one with a purchase where there is one
    profile = example_profile(entry.program, index)
    applicant = profile.applicant.model_dump(exclude_defaults=True)
    first = profile.purchases[0] if profile.purchases else None
    purchase = {} if first is None else first.model_dump(exclude_defaults=True)
    given_ = {f"applicant.{k}": v for k, v in applicant.items() if k != "qualifications"}
    given_ |= {
        f"applicant.qualifications.{k}": v for k, v in applicant.get("qualifications", {}).items()
    }
    made = {
        f"purchase.{k}": v
        for k, v in purchase.items()
        if k not in ("amount", "settled", "signed", "start", "end", "qualifications", "id")
    }
    made |= {
        f"purchase.qualifications.{k}": v for k, v in purchase.get("qualifications", {}).items()
    }
    keys = table["applicant"].tolist()
    n = len(keys)

    def fill(name: str, value: Any, fates: list[str]) -> None:
        old = table.get(name)
        column = [None] * n if old is None else list(old)
        for i, fate in enumerate(fates):
            if fate == "keep" or (fate == "null" and name in REQUIRED):
                column[i] = value
            elif fate == "null":
                column[i] = None
        table[name] = np.array(column, dtype=object)

    kept_city: dict[int, bool] = {}
    for name, value in given_.items():
        fate = {k: data.draw(FATE) for k in set(keys)}
        if name == "applicant.city":
            kept_city = {k: f == "keep" for k, f in fate.items()}
        if name == "applicant.district":  # the example's district with its city only
            fate = {k: "keep" if f == "keep" and kept_city[k] else "null" for k, f in fate.items()}
        fill(name, value, [fate[k] for k in keys])
    for name, value in made.items():
        fill(name, value, [data.draw(FATE) for _ in keys])
    # a field the example leaves out is mostly left out here too (its default, or unknown)
    for name in sorted(set(table) - set(given_) - set(made)):
        if name.startswith(("applicant.", "purchase.")) and name not in UNTOUCHED:
            scope = "applicant" if name.startswith("applicant.") else "purchase"
            if scope == "applicant":
                fate = {k: data.draw(FATE) for k in set(keys)}
                fill(name, None, [fate[k] for k in keys])
            else:
                fill(name, None, [data.draw(FATE) for _ in keys])
    near = purchase.get("signed", entry.program.effective.from_)
    table["purchase.signed"] = np.array(
        [
            near + dt.timedelta(days=data.draw(st.integers(-200, 200)))
            if data.draw(st.booleans())
            else day.item()
            for day in table["purchase.signed"]
        ],
        dtype="datetime64[D]",
    )
    return table


@pytest.mark.parametrize("program", NATIVE)
@settings(max_examples=150, deadline=None)
@given(data=st.data(), offset=st.integers(-30, 600))
def test_native_versions_equal_the_scalar_engine(program: str, data: Any, offset: int) -> None:
    table = _dated(data.draw(tables(_home(program), max_rows=10)), data)
    table = _like_example(table, data, program)
    result = _check_against_scalar(program, table, _as_of(program, offset))
    assert result.scalar_applicants == 0


@pytest.mark.parametrize("program", NATIVE)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), offset=st.integers(-30, 600))
def test_native_versions_screen_as_the_estimate(program: str, data: Any, offset: int) -> None:
    table = _dated(data.draw(tables(_home(program), max_rows=8)), data)
    table = _like_example(table, data, program)
    found = _check(table, _as_of(program, offset), [program])
    assert not found.scalar and not found.skipped


def _cite(quote: str) -> dict[str, str]:
    return {"source": "text", "quote": quote}


ROUNDINGS = {
    "half_up": {"unit": "fen", "mode": "half_up"},
    "truncate": {"unit": "wan", "places": 4, "mode": "truncate"},
}


@pytest.fixture(scope="module", params=sorted(ROUNDINGS))
def prorated(tmp_path_factory: Any, request: Any) -> Any:
    """A settled base (0 to the contract where it is unknown) prorated to a base period,
    45% (scale 20), rounded at each step: to the fen half up, or to the yuan truncated."""
    data = rule(
        base={
            "of": "settled",
            "if_unknown": "range",
            **_cite("实际结算金额"),
            "prorate": {"from": "2025-03-01", "to": "2025-12-31", **_cite("基准期")},
        },
        rate={"tiers": [{"rate": "45%", **_cite("45%")}]},
        rounding={**ROUNDINGS[request.param], "at": "each_step", **_cite("每一步取整")},
    )
    example = data["examples"][0]
    example["profile"]["purchases"][0].update(
        {"settled": "100万", "start": "2025-03-01", "end": "2025-12-31"}
    )
    example["expect"] = {"amount": "45万"}
    directory = tmp_path_factory.mktemp(f"prorate-{request.param}")
    write_rule(directory, data)
    return load_rules(directory)


@settings(max_examples=120, deadline=None)
@given(data=st.data(), offset=st.integers(0, 500))
def test_proration_rounds_as_the_scalar_engine(prorated: Any, data: Any, offset: int) -> None:
    table = _dated(data.draw(tables("shenzhen", max_rows=10)), data)
    table.pop("applicant.qualifications.chengdu-major-project")
    day = dt.date(2025, 1, 1) + dt.timedelta(days=offset)
    result = _check_against_scalar("shenzhen.test-voucher", table, day, prorated)
    assert result.scalar_applicants == 0


# -- the applicant's district --------------------------------------------------------------

#: Bundled versions with a condition on the applicant's district and a published rate.
DISTRICT_PROGRAMS = sorted(
    e.program.key
    for e in bundled_rules()
    if e.plan.unpublished is None
    and any(t.fact == "applicant.district" for t in e.plan.applicant_tests)
)


def _spellings(city: str) -> list[str]:
    """The ways a profile may name each district of ``city``: its id, its Chinese name, its
    own pinyin name (the last two read with the city)."""
    found = []
    for d in jurisdictions.DISTRICTS.values():
        if d.city == city:
            found += [d.id, d.zh, f"  {d.en.lower()} "]
    return found


def _with_districts(table: dict[str, Any], data: Any) -> dict[str, Any]:
    """A district column: per applicant, one of its city's districts in any spelling, or
    unknown (null)."""
    keys = table["applicant"].tolist()
    cities = table["applicant.city"].tolist()
    chosen: dict[int, Any] = {}
    for key, city in zip(keys, cities, strict=True):
        if key not in chosen:
            names = _spellings(jurisdictions.city(city))
            chosen[key] = data.draw(st.sampled_from([None, *names])) if names else None
    table["applicant.district"] = np.array([chosen[k] for k in keys], dtype=object)
    return table


def test_district_programs_are_found() -> None:
    assert "shenzhen-longhua.compute-voucher" in DISTRICT_PROGRAMS
    assert "shenzhen.qianhai-llm-award" in DISTRICT_PROGRAMS


@pytest.mark.parametrize("program", DISTRICT_PROGRAMS)
@settings(max_examples=40, deadline=None)
@given(data=st.data(), offset=st.integers(-30, 400))
def test_district_programs_equal_the_scalar_engine(program: str, data: Any, offset: int) -> None:
    held = tuple(q.id for q in _entry(program).program.qualifications)
    table = data.draw(tables(_home(program), max_rows=8, qualifications=held))
    result = _check_against_scalar(program, _with_districts(table, data), _as_of(program, offset))
    assert result.scalar_applicants == 0


@pytest.mark.parametrize("program", DISTRICT_PROGRAMS)
@settings(max_examples=60, deadline=None)
@given(data=st.data(), offset=st.integers(-30, 400))
def test_district_programs_near_their_examples(program: str, data: Any, offset: int) -> None:
    held = tuple(q.id for q in _entry(program).program.qualifications)
    table = data.draw(tables(_home(program), max_rows=8, qualifications=held))
    table.pop("applicant.district", None)
    table = _like_example(table, data, program)
    result = _check_against_scalar(program, table, _as_of(program, offset))
    assert result.scalar_applicants == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), offset=st.integers(0, 400))
def test_district_programs_screen_as_the_estimate(data: Any, offset: int) -> None:
    table = _with_districts(data.draw(tables("shenzhen", max_rows=8)), data)
    programs = [p for p in DISTRICT_PROGRAMS if p.startswith("shenzhen")]
    found = _check(table, dt.date(2025, 1, 1) + dt.timedelta(days=offset), programs)
    assert not found.scalar and not found.skipped


@pytest.mark.parametrize(
    ("city", "district", "row"),
    [("shenzhen", "南山区", None), ("chengdu", "龙华区", 1), ("shenzhen", "nowhere", 1)],
)
def test_a_district_outside_its_city_is_refused(city: str, district: str, row: int | None) -> None:
    table = {
        "applicant": np.array([1, 2]),
        "applicant.kind": np.array(["enterprise"] * 2),
        "applicant.city": np.array(["shenzhen", city]),
        "applicant.district": np.array(["longhua", district]),
        "purchase.item": np.array(["compute"] * 2),
        "purchase.amount_fen": np.array([10**8] * 2),
        "purchase.signed": np.array(["2025-06-01"] * 2),
    }
    if row is None:
        result = batch.evaluate("shenzhen-longhua.compute-voucher", table, as_of="2025-12-31")
        assert result.eligible.tolist() == [True, False]
        return
    profile = {"applicant": {"kind": "enterprise", "city": city, "district": district}}
    with pytest.raises(InputError) as scalar:
        aivoucher.parse_profile({**profile, "purchases": []})
    with pytest.raises(TableError) as error:
        batch.evaluate("shenzhen-longhua.compute-voucher", table, as_of="2025-12-31")
    assert error.value.code == scalar.value.code
    assert (error.value.field, error.value.row) == ("applicant.district", row)


# -- a fixed award for each entry, its role and its qualifications -------------------------

#: Bundled versions paying a fixed award for each qualifying entry.
PER_ENTRY = sorted(
    e.program.key
    for e in bundled_rules()
    if e.plan.lump_sum is not None and e.plan.lump_sum.per != "applicant"
)


def _entries(table: dict[str, Any], data: Any, program: str) -> dict[str, Any]:
    """Entries the program may pay for: its items (or compute), made or bought (the role, or
    a null or missing column: a buyer), and each qualification it declares held, not held or
    unknown."""
    n = len(table["applicant"])
    items = ["compute", "model", "corpus", "data"]
    table["purchase.item"] = np.array([data.draw(st.sampled_from(items)) for _ in range(n)])
    if data.draw(st.integers(0, 3)):
        roles = st.sampled_from(["producer", "producer", "buyer", None])
        table["purchase.role"] = np.array([data.draw(roles) for _ in range(n)], dtype=object)
    for q in _entry(program).program.qualifications:
        if data.draw(st.integers(0, 3)):
            held = st.sampled_from([True, True, False, None])
            column = [data.draw(held) for _ in range(n)]
            table[f"purchase.qualifications.{q.id}"] = np.array(column, dtype=object)
    return table


def test_per_entry_programs_are_found() -> None:
    assert {"qingdao.model-voucher", "datong.dataset-award"} <= set(PER_ENTRY)


@pytest.mark.parametrize("program", PER_ENTRY)
@settings(max_examples=60, deadline=None)
@given(data=st.data(), offset=st.integers(-30, 400))
def test_per_entry_awards_equal_the_scalar_engine(program: str, data: Any, offset: int) -> None:
    table = _entries(data.draw(tables(_home(program), max_rows=10)), data, program)
    table = _like_example(table, data, program)
    result = _check_against_scalar(program, table, _as_of(program, offset))
    assert result.scalar_applicants == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), offset=st.integers(0, 400))
def test_per_entry_awards_screen_as_the_estimate(data: Any, offset: int) -> None:
    programs = [p for p in PER_ENTRY if p.startswith("qingdao")]
    table = data.draw(tables("qingdao", max_rows=8))
    for program in programs:
        table = _entries(table, data, program)
    found = _check(table, dt.date(2025, 1, 1) + dt.timedelta(days=offset), programs)
    assert not found.scalar and not found.skipped


def test_an_unknown_entry_qualification_is_refused() -> None:
    table = {
        "applicant": np.array([1]),
        "applicant.kind": np.array(["enterprise"]),
        "applicant.city": np.array(["qingdao"]),
        "purchase.item": np.array(["model"]),
        "purchase.role": np.array(["producer"]),
        "purchase.qualifications.no-such-status": np.array([True]),
        "purchase.amount_fen": np.array([10**8]),
        "purchase.signed": np.array(["2025-06-01"]),
    }
    with pytest.raises(TableError) as error:
        batch.evaluate("qingdao.model-voucher", table, as_of="2025-12-31")
    assert error.value.code == "table.invalid"
    assert error.value.field == "purchase.qualifications.no-such-status"
    assert "qingdao-model-evaluated" in error.value.message
    # a declared one is read as a profile reads it: not a boolean is refused
    del table["purchase.qualifications.no-such-status"]
    table["purchase.qualifications.qingdao-model-evaluated"] = np.array(["yes"], dtype=object)
    with pytest.raises(TableError) as error:
        batch.evaluate("qingdao.model-voucher", table, as_of="2025-12-31")
    assert error.value.field == "purchase.qualifications.qingdao-model-evaluated"
    table["purchase.qualifications.qingdao-model-evaluated"] = np.array([True])
    paid = batch.evaluate("qingdao.model-voucher", table, as_of="2025-12-31")
    assert paid.high_fen.tolist() == paid.low_fen.tolist() == [100_0000_00]


def test_districts_read_alike_however_many_spellings(monkeypatch: Any) -> None:
    spelt = ["longhua", "龙华区", "shenzhen-longhua", "深圳市龙华区", None, "南山", "成华区"]
    table = {
        "applicant": np.arange(7),
        "applicant.kind": np.array(["enterprise"] * 7),
        "applicant.city": np.array(["shenzhen"] * 6 + ["chengdu"]),
        "applicant.district": np.array(spelt, dtype=object),
        "purchase.item": np.array(["compute"] * 7),
        "purchase.amount_fen": np.array([10**8] * 7),
        "purchase.signed": np.array(["2025-06-01"] * 7),
    }
    marked = batch.evaluate("shenzhen-longhua.compute-voucher", table, as_of="2025-12-31")
    monkeypatch.setattr("aivoucher.questions.batch._run.DENSE_PAIRS", 1)
    sorted_ = batch.evaluate("shenzhen-longhua.compute-voucher", table, as_of="2025-12-31")
    assert marked == sorted_
    # the four spellings of Longhua qualify, an unknown district gives a range, others fail
    assert marked.eligible.tolist() == [True] * 5 + [False] * 2
    assert marked.low_fen.tolist()[4] == 0 < marked.high_fen.tolist()[4]
    assert len(set(marked.high_fen.tolist()[:5])) == 1
