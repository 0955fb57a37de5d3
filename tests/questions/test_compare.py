"""Comparing places, what-if grids and the value of declaring a fact."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.base import jurisdictions
from aivoucher.cli import main
from aivoucher.errors import InputError, UnknownCityError
from aivoucher.evaluate.stacking import counted
from aivoucher.questions.places import places_with_programs

PLAN = {
    "applicant": {"kind": "enterprise", "startup": True, "sme": True},
    "purchases": [
        {
            "id": "train-2026",
            "item": "compute",
            "use": "training",
            "amount": "800万",
            "signed": "2026-03-01",
            "chip_origin": "domestic",
        }
    ],
}
AS_OF = "2026-02-01"


@pytest.fixture(scope="module")
def comparison() -> aivoucher.Comparison:
    return aivoucher.compare(PLAN, as_of=AS_OF)


def test_every_place_any_program_covers_is_a_row(comparison: Any) -> None:
    rules = aivoucher.bundled_rules()
    ids = {r.place.id for r in comparison.rows}
    for program in rules.programs:
        jid = program.jurisdiction
        if jid == jurisdictions.NATIONAL:  # reaches every row, has none of its own
            continue
        if jid in jurisdictions.DISTRICTS:
            jid = jurisdictions.city_of(jid)
        assert jid in ids or any(r.place.province == jid for r in comparison.rows), jid
    assert ids == {p.id for p in places_with_programs(p.jurisdiction for p in rules.programs)}


def test_rows_are_ranked(comparison: Any) -> None:
    keys = [(-r.total_high, -r.total_low, r.place.id) for r in comparison.rows]
    assert keys == sorted(keys)
    assert comparison.rows[0].place.id == "shenzhen"
    assert comparison.rows[0].total_high == Decimal(4_800_000)


def test_each_row_is_exactly_the_estimate_for_that_place(comparison: Any) -> None:
    for row in comparison.rows:
        plan = {**PLAN, "applicant": {**PLAN["applicant"], "city": row.place.city}}
        est = aivoucher.estimate(plan, as_of=AS_OF)
        assert (row.total_low, row.total_high) == (est.total_low, est.total_high)
        assert [(a.program.key, a.low, a.high) for a in row.estimate.awards] == [
            (a.program.key, a.low, a.high) for a in est.awards
        ]
        paying = {a.program.key for a in est.awards if counted(a) and a.high}
        assert paying <= {a.program.key for a in row.awards}


def test_effective_rate_is_total_over_eligible_spend(comparison: Any) -> None:
    row = comparison.row("深圳")
    assert row.spend == Decimal(8_000_000)
    assert row.effective_rate_low == row.effective_rate_high == Decimal("0.6")
    chengdu = comparison.row("chengdu")
    assert chengdu.effective_rate_low == Decimal("0.5")


def test_a_province_s_other_cities_share_a_row(comparison: Any) -> None:
    anhui = comparison.row("anhui")
    assert anhui.place.whole_province and anhui.place.province == "anhui"
    assert any(a.program.id == "anhui.compute-subsidy" for a in anhui.awards)


def test_places_limit_the_rows_and_unknown_places_are_refused() -> None:
    two = aivoucher.compare(PLAN, as_of=AS_OF, places=["chengdu", "深圳"])
    assert [r.place.id for r in two.rows] == ["shenzhen", "chengdu"]
    guangzhou = aivoucher.compare(PLAN, as_of=AS_OF, places=["广州"])
    assert guangzhou.rows[0].total_high == 0
    with pytest.raises(UnknownCityError, match="unknown place 'gotham'"):
        aivoucher.compare(PLAN, as_of=AS_OF, places=["gotham"])
    with pytest.raises(TypeError, match="places must be a list"):
        aivoucher.compare(PLAN, as_of=AS_OF, places="chengdu")


def test_the_plan_s_own_city_is_ignored() -> None:
    with_city = {**PLAN, "applicant": {**PLAN["applicant"], "city": "beijing"}}
    a = aivoucher.compare(with_city, as_of=AS_OF, places=["shenzhen"])
    b = aivoucher.compare(PLAN, as_of=AS_OF, places=["shenzhen"])
    assert a.rows[0].total_high == b.rows[0].total_high == Decimal(4_800_000)


def test_expiry_and_renewal_notes() -> None:
    later = {**PLAN, "purchases": [{**PLAN["purchases"][0], "signed": "2027-03-01"}]}
    row = aivoucher.compare(later, as_of="2026-11-24", places=["shenzhen"]).rows[0]
    assert row.total_high == 0
    notes = [n.code for n in row.notes if n.program == "shenzhen.training-compute"]
    assert notes == ["renewal"]
    renewed = aivoucher.compare(
        later, as_of="2026-11-24", places=["shenzhen"], assume_renewal=True
    ).rows[0]
    assert renewed.total_high == Decimal(4_800_000)
    assert [n.code for n in renewed.notes if n.program == "shenzhen.training-compute"] == [
        "renewal_assumed"
    ]


def test_cli_compare_json(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(PLAN), encoding="utf-8")
    args = ["compare", str(path), "--as-of", AS_OF, "--format", "json", "--places", "sz,chengdu"]
    assert main(args) == 2  # "sz" is not a place
    assert "unknown place 'sz'" in capsys.readouterr().err
    args[-1] = "shenzhen,chengdu"
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {
        "schema_version",
        "generator",
        "as_of",
        "currency",
        "spend",
        "min_confidence",
        "rows",
    }
    rules = aivoucher.bundled_rules()
    assert out["generator"] == {
        "name": "aivoucher",
        "version": aivoucher.__version__,
        "rules": {"digest": rules.digest, "count": len(rules)},
    }
    first = out["rows"][0]
    assert (first["place"], first["total_high"], first["effective_rate_high"]) == (
        "shenzhen",
        "4800000",
        "0.6",
    )
    assert {"program", "low", "high", "counted"} <= set(first["awards"][0])
    assert main(["compare", str(path), "--as-of", AS_OF, "--locale", "zh"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[3].startswith(" 1. 深圳市：480万")


def test_vary_grid() -> None:
    chengdu = {
        "applicant": {"kind": "enterprise", "city": "chengdu"},
        "purchases": [{"item": "compute", "amount": "800万", "signed": "2025-10-01"}],
    }
    grid = aivoucher.vary(chengdu, as_of="2025-12-31", chip_origin=["domestic", "foreign"])
    assert [dict(c.facts) for c in grid] == [
        {"chip_origin": "domestic"},
        {"chip_origin": "foreign"},
    ]
    assert [c.estimate.total_high for c in grid] == [Decimal(4_800_000), Decimal(3_200_000)]
    places = aivoucher.vary(chengdu, as_of="2025-12-31", place=["chengdu", "shenzhen"])
    assert places.cases[1].estimate.profile.applicant.city == "shenzhen"
    with pytest.raises(InputError, match="did you mean 'startup'"):
        aivoucher.vary(chengdu, startpu=[True])
    with pytest.raises(TypeError, match="list of values"):
        aivoucher.vary(chengdu, startup=True)


def test_what_narrows_ranks_the_facts_and_reports_each_answer() -> None:
    est = aivoucher.estimate(
        {
            "applicant": {"kind": "enterprise", "city": "chengdu"},
            "purchases": [{"item": "compute", "amount": "800万", "signed": "2025-10-01"}],
        },
        as_of="2025-12-31",
    )
    [chip] = [n for n in aivoucher.what_narrows(est) if n.field.endswith("chip_origin")]
    answers = {a.value: (a.total_low, a.total_high, a.low_change) for a in chip.answers}
    assert answers["domestic"] == (Decimal(4_000_000), Decimal(4_800_000), Decimal(1_600_000))
    assert answers["foreign"][1] == Decimal(3_200_000)


@settings(max_examples=15, deadline=None)
@given(
    startup=st.sampled_from([True, False, None]),
    chip=st.sampled_from(["domestic", "foreign", None]),
    amount=st.integers(min_value=1, max_value=5000),
)
def test_declaring_a_fact_never_widens_the_total(
    startup: bool | None, chip: str | None, amount: int
) -> None:
    """Every answer to a fact a counted award misses lies inside the estimate's range (unknown
    is the union of answers); an answer to a fact that adds an award never lowers it."""
    applicant: dict[str, Any] = {"kind": "enterprise", "city": "chengdu", "startup": startup}
    purchase: dict[str, Any] = {"item": "compute", "amount": f"{amount}万", "signed": "2025-10-01"}
    if chip is not None:
        purchase["chip_origin"] = chip
    est = aivoucher.estimate(
        {
            "applicant": {k: v for k, v in applicant.items() if v is not None},
            "purchases": [purchase],
        },
        as_of="2025-12-31",
    )
    for item in aivoucher.what_narrows(est):
        for answer in item.answers:
            if item.adds:  # a fact no counted award misses can only add an award
                assert est.total_low <= answer.total_low
            else:
                assert est.total_low <= answer.total_low <= answer.total_high <= est.total_high


def test_the_notebook_view_says_what_narrows_the_range() -> None:
    est = aivoucher.estimate(
        {
            "applicant": {"kind": "enterprise", "city": "chengdu"},
            "purchases": [{"item": "compute", "amount": "800万", "signed": "2025-10-01"}],
        },
        as_of="2025-12-31",
    )
    html = est.to_html(locale="en")
    assert "What narrows the range most" in html
    assert "domestic → 400万–480万 (low end +160万)" in html
    zh = est.to_html(locale="zh")
    assert "国产 → 400万–480万（下限+160万）" in zh
    # the estimate remembers how it was made: the same switches and rule set are reused
    assert est.rules is aivoucher.bundled_rules() and est.assume == ()
    certain = aivoucher.estimate(
        {
            "applicant": {"kind": "enterprise", "city": "chengdu"},
            "purchases": [
                {"item": "compute", "amount": "800万", "signed": "2025-10-01",
                 "chip_origin": "domestic", "via_platform": True}
            ],
        },
        as_of="2025-12-31",
    )  # fmt: skip
    # every fact the counted award reads is declared: what is left to find out can only add
    # an award not yet counted (a provider city's voucher)
    assert all(n.adds for n in aivoucher.what_narrows(certain))
    assert not any("chip_origin" in n.field for n in aivoucher.what_narrows(certain))


def test_a_profile_is_registered_by_any_name_of_a_place() -> None:
    # a Profile is registered without validating again: the place is read as a profile reads
    # it, and an unknown one is refused with its code, never a KeyError
    profile = aivoucher.parse_profile(
        {
            "applicant": {"kind": "enterprise", "city": "shenzhen"},
            "purchases": [{"item": "compute", "amount": "100万", "signed": "2025-03-01"}],
        }
    )
    grid = aivoucher.vary(profile, place=["深圳", "Chengdu"], as_of="2025-06-30")
    assert [c.estimate.profile.applicant.city for c in grid] == ["shenzhen", "chengdu"]
    with pytest.raises(aivoucher.InputError) as caught:
        aivoucher.vary(profile, place=["gotham"], as_of="2025-06-30")
    assert caught.value.code == "city.unknown"
