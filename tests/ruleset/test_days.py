"""Plans in months and quarters (aivoucher.ruleset.days): the estimate covers every day."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher import cli
from aivoucher.base.dates import Span, parse_plan_date
from aivoucher.errors import InputError, ProfileError
from aivoucher.ruleset.registry import bundled_rules
from aivoucher.vocabulary.result import ReasonCode

AS_OF = "2026-12-01"


def plan(signed: Any, *, city: str = "shenzhen", **purchase: Any) -> dict[str, Any]:
    return {
        "applicant": {"kind": "enterprise", "city": city, "startup": True, "sme": True},
        "purchases": [
            {
                "id": "gpu",
                "item": "compute",
                "use": "training",
                "chip_origin": "domestic",
                "amount": "800万",
                "signed": signed,
                **purchase,
            }
        ],
    }


# -- the forms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2027-03", dt.date(2027, 3, 1), dt.date(2027, 3, 31)),
        ("2027年3月", dt.date(2027, 3, 1), dt.date(2027, 3, 31)),
        ("2027年03月", dt.date(2027, 3, 1), dt.date(2027, 3, 31)),
        ("2028-02", dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        ("2027-Q1", dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
        ("2027-q4", dt.date(2027, 10, 1), dt.date(2027, 12, 31)),
        ("2027年第一季度", dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
        ("2027年第3季度", dt.date(2027, 7, 1), dt.date(2027, 9, 30)),
    ],
)
def test_months_and_quarters_are_read_as_spans(text: str, first: dt.date, last: dt.date) -> None:
    span = parse_plan_date(text)
    assert isinstance(span, Span)
    assert (span.first, span.last) == (first, last)
    assert span.days == (last - first).days + 1
    # the canonical form reads back as the same span
    assert parse_plan_date(str(span)) == span
    assert pickle.loads(pickle.dumps(span)) == span


@pytest.mark.parametrize(
    "text",
    [
        "2027-13",
        "2027-00",
        "2027-Q5",
        "2027-Q0",
        "2027-3",
        "2027年第五季度",
        "27-03",
        "2027-03-1x",
        "２０２７-03",
    ],
)
def test_other_forms_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_plan_date(text)
    with pytest.raises(ProfileError) as caught:
        aivoucher.parse_profile(plan(text))
    assert caught.value.code == "date.invalid"


def test_a_span_is_never_the_day_it_starts_on() -> None:
    span = parse_plan_date("2027-03")
    assert span != dt.date(2027, 3, 1) and dt.date(2027, 3, 1) != span
    assert aivoucher.parse_profile(plan("2027-03")) != aivoucher.parse_profile(plan("2027-03-01"))
    assert parse_plan_date("2027-03-01") == dt.date(2027, 3, 1)
    assert type(parse_plan_date("2027-03-01")) is dt.date


def test_service_months_contradict_only_when_no_day_fits() -> None:
    aivoucher.parse_profile(plan("2027-03", start="2027-03", end="2027-03"))
    aivoucher.parse_profile(plan("2027-03", start="2027-03-20", end="2027-03"))
    with pytest.raises(ProfileError) as caught:
        aivoucher.parse_profile(plan("2027-03", start="2027-04", end="2027-03"))
    assert caught.value.code == "profile.invalid"


# -- the estimate ----------------------------------------------------------------------------


def test_a_month_across_the_end_of_a_measure_gives_a_range_naming_the_days() -> None:
    # Shenzhen's 训力券 pays 60% to a start-up for contracts signed until 2026-12-17
    est = aivoucher.estimate(plan("2026-12"), as_of=AS_OF)
    assert (est.total_low, est.total_high) == (Decimal(0), Decimal(4_800_000))
    award = est.award("shenzhen.training-compute")
    assert (award.low, award.high) == (Decimal(0), Decimal(4_800_000))
    (reason,) = [r for r in award.reasons if r.code is ReasonCode.DAY_MATTERS]
    assert reason.fact == "purchase.signed" and reason.subject == "gpu"
    assert reason.actual == parse_plan_date("2026-12")
    assert reason.expected == (
        (dt.date(2026, 12, 1), dt.date(2026, 12, 17), Decimal(4_800_000), Decimal(4_800_000)),
        (dt.date(2026, 12, 18), dt.date(2026, 12, 31), Decimal(0), Decimal(0)),
    )
    text = est.to_text(detail="full")
    assert "2026-12-01 to 2026-12-17" in text
    assert "2026-12-01至2026-12-17" in est.to_text(locale="zh", detail="full")
    # what narrows the range names the signing day, with the totals of each run of days
    (day,) = [n for n in aivoucher.what_narrows(est) if n.field == "purchases[0].signed"]
    assert [(a.value, a.total_low, a.total_high) for a in day.answers] == [
        ("2026-12-01/2026-12-17", Decimal(4_800_000), Decimal(4_800_000)),
        ("2026-12-18/2026-12-31", Decimal(0), Decimal(0)),
    ]


def test_a_month_inside_one_version_is_the_exact_amount() -> None:
    est = aivoucher.estimate(plan("2025-03"), as_of="2025-06-30")
    exact = aivoucher.estimate(plan("2025-03-15"), as_of="2025-06-30")
    assert (est.total_low, est.total_high) == (exact.total_low, exact.total_high)
    award = est.award("shenzhen.training-compute")
    assert award.high == Decimal(4_800_000)
    assert award == exact.award("shenzhen.training-compute").replace(application=award.application)
    # Guangming's voucher took effect on 2025-03-20 (as reported): only its award turns on the day
    (reason,) = [
        r
        for r in est.award("shenzhen-guangming.compute-voucher").reasons
        if r.code is ReasonCode.DAY_MATTERS
    ]
    assert [run[:2] for run in reason.expected] == [
        (dt.date(2025, 3, 1), dt.date(2025, 3, 19)),
        (dt.date(2025, 3, 20), dt.date(2025, 3, 31)),
    ]


def test_chinese_forms_give_the_same_estimate() -> None:
    for month, quarter in (("2027年3月", "2027年第一季度"), ("2027-03", "2027-Q1")):
        a = aivoucher.estimate(plan(month), as_of=AS_OF, assume_renewal=True)
        b = aivoucher.estimate(plan(quarter), as_of=AS_OF, assume_renewal=True)
        assert a.total_high == b.total_high == Decimal(4_800_000)


def test_the_json_keeps_the_month_and_reads_back() -> None:
    est = aivoucher.estimate(plan("2026-12", start="2027-01", end="2027-Q4"), as_of=AS_OF)
    text = est.to_json()
    purchase = json.loads(text)["profile"]["purchases"][0]
    assert (purchase["signed"], purchase["start"], purchase["end"]) == (
        "2026-12",
        "2027-01",
        "2027-Q4",
    )
    again = aivoucher.Estimate.from_json(text)
    assert again == est
    # the Chinese document too
    assert aivoucher.Estimate.from_json(est.to_json(locale="zh")) == est


def test_too_many_months_are_refused_naming_them() -> None:
    vague = plan("2026-Q4", start="2026-Q4", end="2027-Q4")
    vague["purchases"] = vague["purchases"] * 3
    with pytest.raises(ProfileError) as caught:
        aivoucher.estimate(vague, as_of=AS_OF)
    assert caught.value.code == "date.too_vague"
    assert caught.value.field == "purchases[0].signed"


def test_rule_file_examples_and_batch_tables_take_days_only(tmp_path: Any) -> None:
    np = pytest.importorskip("numpy")
    from aivoucher import batch

    table = {
        "applicant": np.array([1]),
        "applicant.kind": np.array(["enterprise"]),
        "applicant.city": np.array(["shenzhen"]),
        "purchase.item": np.array(["compute"]),
        "purchase.use": np.array(["training"]),
        "purchase.amount_fen": np.array([800_0000_00]),
        "purchase.signed": np.array(["2025-03"]),
    }
    with pytest.raises(InputError) as caught:
        batch.evaluate("shenzhen.training-compute", table, as_of="2025-06-30")
    assert caught.value.code == "date.invalid"


def test_the_command_line_reads_months(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(json.dumps(plan("2026年12月")), encoding="utf-8")
    assert cli.main(["estimate", str(path), "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert "2026-12-18 to 2026-12-31" in out
    assert cli.main(["estimate", str(path), "--as-of", AS_OF, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["profile"]["purchases"][0]["signed"] == "2026-12"
    fields = [f["field"] for f in doc["open_facts"]]
    assert "purchases[0].signed" in fields


# -- the days tried are enough: brute force over every day agrees ---------------------------

_RULES = bundled_rules()
_PLACES = ["shenzhen", "chengdu", "hangzhou", "shanghai", "beijing", "guiyang", "nanning"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    year=st.integers(2023, 2027),
    month=st.integers(1, 12),
    city=st.sampled_from(_PLACES),
    amount=st.integers(1, 3000).map(lambda n: n * 10_000),
    use=st.sampled_from(["training", "inference"]),
    field=st.sampled_from(["signed", "start", "end"]),
)
def test_a_month_covers_exactly_its_days(
    year: int, month: int, city: str, amount: int, use: str, field: str
) -> None:
    span = Span.of_month(year, month)
    base = plan("2025-01-15", city=city, start="2025-01-15", end="2027-12-31", use=use)
    base["purchases"][0]["amount"] = amount
    if field == "end":
        base["purchases"][0]["start"] = f"{year - 1}-06-01"
    if field == "start":
        base["purchases"][0]["end"] = f"{year + 1}-12-31"
    base["purchases"][0][field] = span.isoformat()
    est = _RULES.estimate(base, as_of="2026-06-30")
    days = [span.first + dt.timedelta(days=i) for i in range(span.days)]
    each = []
    for day in days:
        exact = json.loads(json.dumps(base))
        exact["purchases"][0][field] = day.isoformat()
        each.append(_RULES.estimate(exact, as_of="2026-06-30"))
    assert est.total_low == min(e.total_low for e in each)
    assert est.total_high == max(e.total_high for e in each)
    for award in est.awards:
        key = (award.program.id, award.program.version, award.renewal)
        found = [
            next(
                (a for a in e.awards if (a.program.id, a.program.version, a.renewal) == key),
                None,
            )
            for e in each
        ]
        lows = [Decimal(0) if a is None else a.low for a in found]
        highs = [Decimal(0) if a is None else a.high for a in found]
        if award.low is not None and None not in lows:
            assert award.low == min(lows)
        if award.high is not None and None not in highs:
            assert award.high == max(highs)


def test_a_rule_file_example_with_a_month_is_refused(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import profile, rule, write_rule

    data = rule()
    data["examples"][0]["profile"] = profile(
        {"item": "compute", "amount": "100万", "signed": "2025-03"}
    )
    write_rule(tmp_path / "rules", data)
    assert cli.main(["check", str(tmp_path / "rules")]) != 0
    out = capsys.readouterr()
    said = out.out + out.err
    assert "examples[0].profile.purchases[0].signed" in said
    assert "2025-03" in said and "Traceback" not in said


def test_the_json_of_a_plan_meets_the_published_schema() -> None:
    from conftest import estimate_json

    est = aivoucher.estimate(plan("2026-12", start="2027-Q1", end="2027年12月"), as_of=AS_OF)
    doc = estimate_json(est.to_json(narrowing=aivoucher.what_narrows(est)))
    assert doc["profile"]["purchases"][0]["end"] == "2027-12"
    (day,) = [f for f in doc["open_facts"] if f["field"] == "purchases[0].signed"]
    assert day["answers"][0]["value"] == "2026-12-01/2026-12-17"


def test_questions_over_a_month_plan_are_its_estimates() -> None:
    # compare, vary and sweep take faster routes for exact days; a month goes through the
    # estimate that covers its days, so each answer is that estimate's
    month = plan("2026-12")
    del month["applicant"]["city"]
    places = ["shenzhen", "chengdu", "hangzhou"]
    comparison = aivoucher.compare(month, places=places, as_of=AS_OF)
    for row in comparison.rows:
        registered = json.loads(json.dumps(month))
        registered["applicant"]["city"] = row.place.city
        alone = aivoucher.estimate(registered, as_of=AS_OF)
        assert (row.estimate.total_low, row.estimate.total_high) == (
            alone.total_low,
            alone.total_high,
        )
    month["applicant"]["city"] = "shenzhen"
    amounts = ["100万", "800万", "3000万"]
    swept = aivoucher.sweep(month, amounts, as_of=AS_OF)
    for point, amount in zip(swept.points, amounts, strict=True):
        at = json.loads(json.dumps(month))
        at["purchases"][0]["amount"] = amount
        alone = aivoucher.estimate(at, as_of=AS_OF)
        assert point.total == (alone.total_low, alone.total_high)
    assert swept.points[1].total == (Decimal(0), Decimal(4_800_000))
