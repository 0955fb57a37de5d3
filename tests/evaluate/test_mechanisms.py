"""The mechanisms national coverage needs: proration, minimum, lump sums, qualifications,
assumed-met conditions, contract terms, yearly-total tiers, switches, allocation, versions by
signing date, stacking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import estimate_json, plan, profile, rule, write_rule
from hypothesis import given, settings
from hypothesis import strategies as st

from aivoucher.base import jurisdictions
from aivoucher.errors import InputError
from aivoucher.ruleset.registry import load_rules
from aivoucher.vocabulary.profile import parse_profile
from aivoucher.vocabulary.result import AssumptionCode, ReasonCode, StepKind

W = Decimal(10_000)


def run(p: Any, data: dict[str, Any], **kw: Any) -> Any:
    return p.evaluate(parse_profile(data), **kw)


def cite(quote: str) -> dict[str, str]:
    return {"source": "text", "quote": quote}


PRORATED = {
    "of": "contract",
    "prorate": {"from": "2025-03-01", "to": "2025-12-31", **cite("基准期")},
    **cite("合同"),
}


def test_proration_by_days_inside_the_base_period() -> None:
    base = PRORATED
    p = plan(base=base, caps=[])
    inside = profile(
        {
            "item": "compute",
            "amount": "100万",
            "signed": "2025-01-01",
            "start": "2025-01-01",
            "end": "2026-01-01",
        }
    )
    award = run(p, inside)
    # 365 contract days, 305 of them between 2025-03-01 and 2025-12-31 (date differences)
    assert award.high == (Decimal(1_000_000) * 305 / 365 * Decimal("0.5")).quantize(Decimal("0.01"))
    step = next(s for s in award.steps if s.kind is StepKind.PRORATION)
    assert step.detail.days == 365 and step.detail.inside == 305
    outside = profile(
        {
            "item": "compute",
            "amount": "100万",
            "signed": "2024-01-01",
            "start": "2024-01-01",
            "end": "2025-01-01",
        }
    )
    assert run(p, outside).high == 0
    undated = run(p, profile(amount="100万"))
    assert (undated.low, undated.high) == (0, 50 * W)
    assert undated.missing == ("purchases[0].start/end",)


def test_truncation_in_wan_at_each_step() -> None:
    base = PRORATED
    rounding = {"unit": "wan", "places": 4, "mode": "truncate", "at": "each_step"}
    p = plan(
        base=base, caps=[], rounding=rounding, rate={"tiers": [{"rate": "30%", **cite("30%")}]}
    )
    data = profile(
        {
            "item": "compute",
            "amount": "100万",
            "signed": "2025-01-01",
            "start": "2025-01-01",
            "end": "2026-01-01",
        }
    )
    # 1,000,000 × 305/365 = 835,616.43… → 835,616 (万元 to 4 decimals = whole yuan, truncated)
    # × 30% = 250,684.8 → 250,684
    assert run(p, data).high == Decimal("250684")


@settings(max_examples=60, deadline=None)
@given(
    places=st.integers(0, 6),
    mode=st.sampled_from(["half_up", "truncate"]),
    fen=st.integers(0, 10**12),
)
def test_rounding_in_wan_keeps_its_places(places: int, mode: str, fen: int) -> None:
    """万元 with ``places`` decimals rounds to 10^(4 − places) yuan — 万 itself with none —
    on the scalar path, and the batch kernel rounds to the same quantum."""
    from fractions import Fraction

    from aivoucher.evaluate.vector import Kernel

    rounding = {"unit": "wan", "places": places, "mode": mode}
    p = plan(caps=[], rounding=rounding, rate={"tiers": [{"rate": "100%", **cite("100%")}]})
    amount = Decimal(fen).scaleb(-2)
    data = profile({"item": "compute", "amount": str(amount), "signed": "2025-06-01"})
    step = 10 ** (6 - places)  # the quantum in fen
    whole, part = divmod(fen, step)
    expected = whole + (1 if mode == "half_up" and Fraction(part, step) >= Fraction(1, 2) else 0)
    award = run(p, data)
    assert award.high == Decimal(expected * step).scaleb(-2)
    assert Kernel(p).quantum == step


def test_minimum_award() -> None:
    p = plan(minimum={"amount": "5000", **cite("最低不少于5000元")}, caps=[])
    assert run(p, profile(amount="1万")).high == 5000
    small = run(p, profile(amount="9999"))
    assert small.high == 0
    assert any(r.code is ReasonCode.BELOW_MINIMUM for r in small.reasons)


QUAL = [
    {
        "id": "top100",
        "zh": "百强",
        "en": "Top 100",
        "description": {"zh": "入选全国百强榜单", "en": "on the national top-100 list"},
    }
]


def test_lump_sum_gated_by_a_qualification() -> None:
    overrides = {
        "qualifications": QUAL,
        "eligibility": [{"fact": "applicant.qualifications", "has": "top100", **cite("入选百强")}],
        "rate": {"lump_sum": {"amount": ["0", "200万"], **cite("最高奖励200万元")}},
        "caps": [],
    }
    p = plan(**overrides)
    assert run(p, profile(qualifications=["top100"])).high == 200 * W
    unknown = run(p, profile())
    assert (unknown.low, unknown.high) == (0, 200 * W)
    assert unknown.missing == ("applicant.qualifications.top100",)
    declined = run(p, profile(qualifications={"top100": False}))
    assert declined.eligible is False


def test_unknown_fact_assumed_met_is_reported() -> None:
    eligibility = [
        {
            "fact": "purchase.other_subsidy",
            "is": False,
            "if_unknown": "pass",
            "assumption": "no-other",
            **cite("未获得其他市级补贴"),
        }
    ]
    ambiguities = [
        {
            "id": "no-other",
            "question": {"zh": "问", "en": "q"},
            "choice": {"zh": "选", "en": "c"},
            "why": {"zh": "因", "en": "w"},
        }
    ]
    p = plan(eligibility=eligibility, ambiguities=ambiguities, caps=[])
    award = run(p, profile(amount="10万"))
    assert (award.low, award.high) == (5 * W, 5 * W)
    assert any(a.code is AssumptionCode.ASSUMED_MET for a in award.assumptions)
    subsidised = profile(
        {"item": "compute", "amount": "10万", "signed": "2025-01-01", "other_subsidy": True}
    )
    assert run(p, subsidised).eligible is False


def test_contract_term() -> None:
    eligibility = [{"fact": "purchase.term", "max_years": 1, **cite("合同周期为一年及以内")}]
    p = plan(eligibility=eligibility, caps=[])
    one_year = profile(
        {
            "item": "compute",
            "amount": "10万",
            "signed": "2024-01-01",
            "start": "2024-01-01",
            "end": "2025-01-01",
        }
    )
    longer = profile(
        {
            "item": "compute",
            "amount": "10万",
            "signed": "2024-01-01",
            "start": "2024-01-01",
            "end": "2025-01-02",
        }
    )
    assert run(p, one_year).high == 5 * W
    assert run(p, longer).eligible is False
    assert run(p, profile(amount="10万")).missing == ("purchases[0].start/end",)


def test_yearly_total_tier_is_exact_and_not_monotone() -> None:
    tiers = {
        "tiers": [
            {
                "when": [
                    {"fact": "applicant.sme", "is": True},
                    {"fact": "year.contracts_total", "max": "50万"},
                ],
                "rate": "50%",
                **cite("年申报智算合同累计金额50万元(含)以下的中小企业"),
            },
            {"rate": "30%", **cite("一般30%")},
        ]
    }
    p = plan(rate=tiers, caps=[])
    assert not p.monotone
    assert run(p, profile(amount="50万", sme=True)).high == 25 * W
    assert run(p, profile(amount="51万", sme=True)).high == Decimal("153000")
    two = profile(
        {"item": "compute", "amount": "30万", "signed": "2025-01-01"},
        {"item": "compute", "amount": "30万", "signed": "2025-06-01"},
        sme=True,
    )
    assert run(p, two).high == 18 * W  # 60万 in the year: 30% on both
    uncertain = profile(
        {"item": "compute", "amount": "30万", "signed": "2025-01-01"},
        {"item": "compute", "amount": "30万", "signed": "2025-06-01", "chip_origin": "domestic"},
        sme=True,
    )
    p2 = plan(
        rate=tiers,
        caps=[],
        eligibility=[{"fact": "purchase.chip_origin", "in": ["domestic"], **cite("国产")}],
    )
    award = run(p2, uncertain)  # the first purchase may not count, so the year may stay ≤ 50万
    assert (award.low, award.high) == (9 * W, 15 * W + 15 * W)


def test_switch() -> None:
    overrides = {
        "switches": [
            {
                "id": "early-small",
                "description": {
                    "zh": "申请主体属于早期或小型企业",
                    "en": "the applicant counts as early or small",
                },
            }
        ],
        "rate": {
            "tiers": [
                {
                    "when": [{"fact": "switch", "id": "early-small"}],
                    "rate": "100%",
                    **cite("最高100%"),
                },
                {"rate": "30%", **cite("最高30%")},
            ]
        },
        "caps": [],
    }
    p = plan(**overrides)
    assert run(p, profile(amount="10万")).high == 3 * W
    award = run(p, profile(amount="10万"), switches={"early-small"})
    assert award.high == 10 * W
    assert any(a.code is AssumptionCode.SWITCH for a in award.assumptions)


def test_allocation_in_signing_order() -> None:
    caps = [{"per": "applicant_year", "amount": "200万", **cite("每年200万")}]
    p = plan(caps=caps, rate={"tiers": [{"rate": "20%", **cite("20%")}]})
    data = profile(
        {"id": "second", "item": "compute", "amount": "800万", "signed": "2024-09-01"},
        {"id": "first", "item": "compute", "amount": "1500万", "signed": "2024-05-01"},
    )
    award = run(p, data)
    assert award.high == 200 * W
    alloc = next(s for s in award.steps if s.kind is StepKind.ALLOCATION)
    shares = {s.purchase: s.share[1] for s in alloc.detail.shares}
    assert shares == {"first": 200 * W, "second": 0}


def _two_programs(tmp_path: Path, stacking: list[dict[str, Any]] | None) -> Path:
    a = rule(caps=[])
    b = rule(id="shenzhen.other-voucher", caps=[], rate={"tiers": [{"rate": "30%", **cite("30%")}]})
    if stacking is not None:
        b["stacking"] = stacking
    write_rule(tmp_path, a)
    write_rule(tmp_path, b)
    return tmp_path


@pytest.mark.parametrize(
    ("stacking", "low", "high", "relation"),
    [
        (None, 50, 80, "unknown"),
        (
            [{"program": "shenzhen.test-voucher", "relation": "exclusive", **cite("不重复支持")}],
            50,
            50,
            "exclusive",
        ),
        (
            [{"program": "shenzhen.test-voucher", "relation": "stackable", **cite("可叠加")}],
            80,
            80,
            "stackable",
        ),
        (
            [
                {
                    "program": "shenzhen.test-voucher",
                    "relation": "stackable",
                    "ceiling": "60%",
                    **cite("叠加至60%"),
                }
            ],
            60,
            60,
            "stackable",
        ),
    ],
)
def test_stacking(tmp_path: Path, stacking: Any, low: int, high: int, relation: str) -> None:
    rules = load_rules(_two_programs(tmp_path, stacking))
    est = rules.estimate(profile(amount="100万"), as_of="2025-06-30")
    assert (est.total_low, est.total_high) == (low * W, high * W)
    assert [n.relation for n in est.stacking] == [relation]
    assert est.stacking[0].purchases == ("#1",)
    assert "stack" in est.to_text() or "exclusive" in est.to_text()


def test_different_purchases_simply_add(tmp_path: Path) -> None:
    rules = load_rules(_two_programs(tmp_path, None))
    data = profile(
        {"item": "compute", "amount": "100万", "signed": "2025-01-01"},
    )
    est = rules.estimate(data, programs=["shenzhen.test-voucher"], as_of="2025-06-30")
    assert est.stacking == ()


def test_unknown_switch_and_qualification_are_errors(rules_dir: Path) -> None:
    rules = load_rules(rules_dir)
    with pytest.raises(InputError, match="unknown assumption 'nope'"):
        rules.estimate(profile(amount="1万"), assume=["nope"])
    with pytest.raises(InputError, match="unknown qualification 'nope'"):
        rules.estimate(profile(amount="1万", qualifications=["nope"]))


def test_schema_refuses_undeclared_switches_and_qualifications() -> None:
    from pydantic import ValidationError

    from aivoucher.vocabulary.schema import Program

    bad = rule(eligibility=[{"fact": "applicant.qualifications", "has": "ghost", **cite("x")}])
    with pytest.raises(ValidationError, match="unknown qualification 'ghost'"):
        Program.model_validate(bad)
    bad = rule(
        rate={"tiers": [{"when": [{"fact": "switch", "id": "ghost"}], "rate": "1%", **cite("x")}]}
    )
    with pytest.raises(ValidationError, match="unknown switch 'ghost'"):
        Program.model_validate(bad)
    bad = rule(eligibility=[{"fact": "year.contracts_total", "max": "1万", **cite("x")}])
    with pytest.raises(ValidationError, match="rate-tier condition"):
        Program.model_validate(bad)
    bad = rule(
        eligibility=[
            {"fact": "purchase.other_subsidy", "is": False, "if_unknown": "pass", **cite("x")}
        ]
    )
    with pytest.raises(ValidationError, match="needs the `assumption`"):
        Program.model_validate(bad)


# -- a rate tier limited to the first years of a contract's service period ---------------------

FIRST_YEAR = {
    "switches": [
        {"id": "early-small", "description": {"zh": "早期或小型", "en": "early or small"}}
    ],
    "rate": {
        "tiers": [
            {
                "when": [{"fact": "switch", "id": "early-small"}],
                "rate": "100%",
                "first_years": 1,
                **cite("最多1年、最高100%"),
            },
            {"rate": "30%", **cite("最高30%")},
        ]
    },
    "caps": [],
}


def _rent(amount: str, start: str | None, end: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {"item": "compute", "amount": amount, "signed": "2025-08-15"}
    if start is not None:
        item.update(start=start, end=end)
    return profile(item)


def test_first_year_tier_prorates_by_service_days() -> None:
    p = plan(**FIRST_YEAR)
    # 3 years of rent, 2400万: 365 of 1096 days at 100%, the rest at 30%
    award = run(p, _rent("2400万", "2025-09-01", "2028-09-01"), switches={"early-small"})
    expected = Decimal(24_000_000) * (Decimal(365) / 1096 + Decimal(731) / 1096 * Decimal("0.3"))
    assert award.high == award.low == expected.quantize(Decimal("0.01"))
    step = next(s for s in award.steps if s.kind is StepKind.FIRST_YEARS)
    assert (step.detail.days, step.detail.inside, step.detail.years) == (1096, 365, 1)
    # a contract of one year or less is paid in full at 100%
    short = run(p, _rent("100万", "2025-09-01", "2026-03-01"), switches={"early-small"})
    assert short.high == 100 * W
    # without the switch the ordinary tier applies and no first-year step is taken
    off = run(p, _rent("2400万", "2025-09-01", "2028-09-01"))
    assert off.high == 720 * W
    assert not any(s.kind is StepKind.FIRST_YEARS for s in off.steps)


def test_first_year_tier_without_dates_is_a_range() -> None:
    p = plan(**FIRST_YEAR)
    award = run(p, _rent("2400万", None, None), switches={"early-small"})
    assert (award.low, award.high) == (720 * W, 2400 * W)
    assert "purchases[0].start/end" in award.missing


def test_first_year_tier_takes_no_tier_cap() -> None:
    tiers = FIRST_YEAR["rate"]["tiers"]  # type: ignore[index]
    capped = [{**tiers[0], "cap": "100万"}, tiers[1]]
    with pytest.raises(ValueError, match="first_years"):
        plan(**{**FIRST_YEAR, "rate": {"tiers": capped}})


def test_support_period_counts_from_the_first_paying_year() -> None:
    p = plan(support_years={"count": 3, **cite("补助期限不超过3年")}, caps=[])
    gap = profile(
        *[
            {"item": "compute", "amount": "10万", "signed": f"{y}-03-01"}
            for y in (2026, 2028, 2029, 2030)
        ]
    )
    award = run(p, gap)  # 2026–2028: 2026 and 2028 pay, 2029 and 2030 are past the period
    assert award.high == award.low == 10 * W
    step = next(s for s in award.steps if s.kind is StepKind.SUPPORT_YEARS)
    assert step.detail.years == (2026, 2028)


_FIRST_YEAR_PLAN = plan(**FIRST_YEAR)


@given(
    amount=st.integers(min_value=1, max_value=10**10),
    start=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2030, 12, 31)),
    days=st.integers(min_value=1, max_value=3660),
    more=st.integers(min_value=0, max_value=10**9),
)
def test_first_year_tier_is_bounded_and_monotone(
    amount: int, start: dt.date, days: int, more: int
) -> None:
    p = _FIRST_YEAR_PLAN
    end = start + dt.timedelta(days=days)
    on = {"early-small"}

    def award(value: int) -> Any:
        return run(p, _rent(str(value), start.isoformat(), end.isoformat()), switches=on)

    got = award(amount)
    leap_day = (start.month, start.day) == (2, 29)
    a_year_on = start.replace(year=start.year + 1, day=28 if leap_day else start.day)
    first = min(days, (a_year_on - start).days)
    share = Decimal(first) / days
    bound = Decimal(amount) * (share + (1 - share) * Decimal("0.3"))
    assert got.low == got.high
    # 100% of at most one year, 30% of the rest; never less than the ordinary 30%
    assert got.high <= bound.quantize(Decimal("0.01")) + Decimal("0.01")
    assert got.high >= (Decimal(amount) * Decimal("0.3")).quantize(Decimal("0.01"))
    assert got.high <= amount
    assert award(amount + more).high >= got.high


_PERIOD_PLAN = plan(support_years={"count": 3, **cite("补助期限不超过3年")}, caps=[])
_UNLIMITED_PLAN = plan(caps=[])


@given(
    years=st.lists(st.integers(min_value=2025, max_value=2035), min_size=1, max_size=6),
    late=st.integers(min_value=3, max_value=10),
)
def test_support_period_bounds(years: list[int], late: int) -> None:
    purchases = [
        {"item": "compute", "amount": "10万", "signed": f"{y}-06-01"} for y in sorted(years)
    ]
    limited = run(_PERIOD_PLAN, profile(*purchases))
    # never more than without the limit, and never more than three years' worth
    assert limited.high <= run(_UNLIMITED_PLAN, profile(*purchases)).high
    assert limited.high == 5 * W * len([y for y in years if y < min(years) + 3])
    # a purchase past the period changes nothing
    after = {"item": "compute", "amount": "10万", "signed": f"{min(years) + late}-06-01"}
    assert run(_PERIOD_PLAN, profile(*purchases, after)).high == limited.high


# -- annual spend threshold, districts, producer awards, application windows ------------------

THRESHOLD = {"amount": "30万", "inclusive": True, **cite("年度购买总额达到30万元以上的")}


def test_spend_threshold_gates_the_year_and_pays_on_the_whole_spend() -> None:
    p = plan(threshold=THRESHOLD, caps=[])
    below = run(p, profile(amount="29万"))
    assert (below.low, below.high) == (0, 0)
    assert any(r.code is ReasonCode.BELOW_THRESHOLD for r in below.reasons)
    # reaching it is enough ("(含)"), and the rate applies to the whole year's spend
    assert run(p, profile(amount="30万")).high == 15 * W
    two = profile(
        {"item": "compute", "amount": "20万", "signed": "2025-02-01"},
        {"item": "compute", "amount": "20万", "signed": "2025-09-01"},
        {"item": "compute", "amount": "20万", "signed": "2026-02-01"},
    )
    award = run(p, two)
    # 2025: 40万 reaches 30万 → 20万; 2026: 20万 alone does not
    assert award.high == 20 * W
    steps = [s for s in award.steps if s.kind is StepKind.THRESHOLD]
    assert [s.detail.met for s in steps] == [True, False]


def test_exclusive_threshold_must_be_exceeded() -> None:
    p = plan(threshold={**THRESHOLD, "inclusive": False}, caps=[])
    assert run(p, profile(amount="30万")).high == 0
    assert run(p, profile(amount="300001")).high == Decimal("150000.50")


def test_threshold_with_unknown_inclusion_gives_a_range() -> None:
    eligibility = [
        {"fact": "purchase.item", "in": ["compute"], **cite("算力")},
        {"fact": "purchase.via_platform", "is": True, **cite("通过平台")},
    ]
    p = plan(threshold=THRESHOLD, caps=[], eligibility=eligibility)
    data = profile(
        {"item": "compute", "amount": "20万", "signed": "2025-02-01", "via_platform": True},
        {"item": "compute", "amount": "20万", "signed": "2025-03-01"},
    )
    award = run(p, data)
    # with the second purchase the year reaches 30万 (20万 paid); without it, nothing
    assert (award.low, award.high) == (0, 20 * W)
    assert "purchases[1].via_platform" in award.missing


@settings(max_examples=60, deadline=None)
@given(
    amounts=st.lists(st.integers(min_value=0, max_value=100_000_000), min_size=1, max_size=5),
    extra=st.integers(min_value=0, max_value=10_000_000),
    threshold=st.integers(min_value=0, max_value=50_000_000),
)
def test_threshold_is_monotone_and_never_pays_below_it(
    amounts: list[int], extra: int, threshold: int
) -> None:
    p = plan(threshold={**THRESHOLD, "amount": str(threshold)}, caps=[])
    items = [{"item": "compute", "amount": str(a), "signed": "2025-03-01"} for a in amounts]
    award = run(p, profile(*items))
    spend = sum(amounts)
    if spend < threshold:
        assert award.high == 0
    else:
        assert award.high == (Decimal(spend) / 2).quantize(Decimal("0.01"))
    more = [*items, {"item": "compute", "amount": str(extra), "signed": "2025-04-01"}]
    assert run(p, profile(*more)).high >= award.high


DISTRICT_RULE = {
    "id": "shenzhen-longhua.test-voucher",
    "jurisdiction": "shenzhen-longhua",
    "eligibility": [
        {"fact": "applicant.district", "in": ["深圳市龙华区"], **cite("实际经营地在龙华区")},
        {"fact": "purchase.item", "in": ["compute"], **cite("算力")},
    ],
}


def test_district_condition_and_aliases() -> None:
    p = plan(**DISTRICT_RULE, caps=[])
    for name in ("龙华区", "龙华", "longhua", "shenzhen-longhua", "深圳市龙华区"):
        assert run(p, profile(amount="100万", district=name)).high == 50 * W
    assert run(p, profile(amount="100万", district="南山区")).eligible is False
    unknown = run(p, profile(amount="100万"))
    assert (unknown.low, unknown.high) == (0, 50 * W)
    assert unknown.missing == ("applicant.district",)


def test_district_must_belong_to_the_city() -> None:
    with pytest.raises(InputError, match="haikou"):
        parse_profile(profile(district="海口市龙华区"))
    with pytest.raises(InputError, match="district"):
        parse_profile(profile(district="no such place"))
    # the same name in another city is that city's district
    haikou = parse_profile(
        {"applicant": {"kind": "enterprise", "city": "海口", "district": "龙华区"}}
    )
    assert haikou.applicant.district == "haikou-longhua"


def test_jurisdiction_table() -> None:
    j = jurisdictions
    assert j.city("深圳市") == j.city("深圳") == j.city("Shenzhen") == "shenzhen"
    assert j.province_of("shenzhen-longhua") == "guangdong"
    assert j.city_of("shenzhen-longhua") == "shenzhen"
    assert j.level("shenzhen-longhua") == "district" and j.level("guangdong") == "province"
    # two cities with one pinyin: the province tells them apart, the Chinese names still work
    assert j.city("宿州") == "suzhou-anhui" and j.city("苏州") == "suzhou"
    assert j.city("泰州") != j.city("台州")
    with pytest.raises(InputError):
        j.district("龙华区")  # Shenzhen's or Haikou's: the city is needed
    # every prefecture-level city has a province, every district a city
    assert len(j.CITIES) > 330 and len(j.DISTRICTS) > 2800
    assert all(c.province in j.PROVINCES for c in j.CITIES.values())
    assert all(d.city in j.CITIES for d in j.DISTRICTS.values())
    # one id names one place: a city shares its id only with its own municipality
    assert not set(j.DISTRICTS) & (set(j.CITIES) | set(j.PROVINCES))
    shared = set(j.CITIES) & set(j.PROVINCES)
    # the municipalities and the special administrative regions
    assert shared == {"beijing", "tianjin", "shanghai", "chongqing", "hong-kong", "macau"}
    assert all(j.CITIES[c].province == c for c in shared)


PRODUCER = {
    "qualifications": [
        {
            "id": "evaluated",
            "zh": "通过国家级评测",
            "en": "Passed a national evaluation",
            "description": {
                "zh": "通过国家级专业测评",
                "en": "passed a national professional evaluation",
            },
        }
    ],
    "eligibility": [
        {"fact": "purchase.item", "in": ["model"], **cite("垂直领域大模型产品")},
        {"fact": "purchase.role", "in": ["producer"], **cite("开展大模型推理或训练优化")},
        {"fact": "purchase.qualifications", "has": "evaluated", **cite("通过国家级专业评测")},
    ],
    "rate": {"lump_sum": {"amount": "100万", "per": "purchase", **cite("每个给予最高100万元")}},
    "caps": [],
}


def test_fixed_award_for_each_produced_item() -> None:
    p = plan(**PRODUCER)

    def model(**kw: Any) -> dict[str, Any]:
        return {"item": "model", "amount": "10万", "signed": "2025-05-01", **kw}

    two = profile(
        model(role="producer", qualifications=["evaluated"]),
        model(role="producer", qualifications=["evaluated"]),
    )
    assert run(p, two).high == 200 * W
    bought = run(p, profile(model(qualifications=["evaluated"])))
    assert bought.eligible is False  # a model the applicant bought is not its product
    unknown = run(p, profile(model(role="producer")))
    assert (unknown.low, unknown.high) == (0, 100 * W)
    assert unknown.missing == ("purchases[0].qualifications.evaluated",)


def _app_program(application: dict[str, Any]) -> Any:
    from aivoucher.vocabulary.schema import Program

    return Program.model_validate(rule(application=application))


def test_application_status_yearly_window() -> None:
    from aivoucher.evaluate.application import application_status

    prog = _app_program(
        {
            "windows": [
                {
                    "every_year": {"from": "01-04", "to": "01-23"},
                    "covers": "previous_year",
                    **cite("申报时间为1月4日至23日"),
                }
            ]
        }
    )
    import datetime as dt

    open_now = application_status(prog, dt.date(2026, 1, 10), [2025])
    assert (open_now.state, open_now.closes, open_now.covers) == (
        "open",
        dt.date(2026, 1, 23),
        2025,
    )
    later = application_status(prog, dt.date(2026, 2, 1), [2024, 2025])
    assert later.state == "upcoming" and later.opens == dt.date(2027, 1, 4)
    assert later.closed_for == (2024, 2025)
    assert application_status(prog, dt.date(2025, 6, 1), [2025]).closed_for == ()


def test_application_status_dated_and_unknown() -> None:
    from aivoucher.evaluate.application import application_status

    dated = _app_program({"windows": [{"from": "2025-09-01", "to": "2025-09-30", **cite("9月")}]})
    assert application_status(dated, dt.date(2025, 8, 1)).state == "upcoming"
    assert application_status(dated, dt.date(2025, 9, 30)).state == "open"
    closed = application_status(dated, dt.date(2025, 10, 1))
    assert (closed.state, closed.closes) == ("closed", dt.date(2025, 9, 30))
    none = _app_program(
        {"materials": [{"item": {"zh": "合同", "en": "the contract"}, **cite("合同")}]}
    )
    assert application_status(none, dt.date(2025, 1, 1)).state == "unknown"


def test_application_in_the_estimate_and_its_renderings(tmp_path: Path) -> None:

    data = rule(
        application={
            "windows": [{"from": "2025-09-01", "to": "2025-09-30", **cite("9月")}],
            "materials": [
                {"item": {"zh": "算力服务合同", "en": "the compute contract"}, **cite("合同")}
            ],
            "payment": {"text": {"zh": "事后拨付", "en": "paid afterwards"}, **cite("事后奖补")},
        }
    )
    write_rule(tmp_path, data)
    est = load_rules(tmp_path).estimate(profile(amount="100万"), as_of="2025-09-10")
    award = est.awards[0]
    assert award.application is not None and award.application.state == "open"
    text = est.to_text()
    assert "open now, closes 2025-09-30" in text and "the compute contract" in text
    assert "申报窗口开放中，2025-09-30截止" in est.to_text(locale="zh")
    app = estimate_json(est.to_json())["awards"][0]["application"]
    assert app["state"] == "open" and app["closes"] == "2025-09-30"
    assert app["materials"] == ["the compute contract"] and app["payment"] == "paid afterwards"


def test_application_schema_refuses_both_kinds_of_window() -> None:
    with pytest.raises(ValueError):
        _app_program(
            {"windows": [{"from": "2025-01-01", "every_year": {"from": "01-01", "to": "01-31"}}]}
        )
    with pytest.raises(ValueError):
        _app_program({"windows": [{"every_year": {"from": "02-30", "to": "03-01"}, **cite("x")}]})


@settings(max_examples=100, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2200, 12, 31)),
    start=st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2023, 12, 31)),
    length=st.integers(min_value=0, max_value=200),
)
def test_a_yearly_window_is_always_open_or_next(day: dt.date, start: dt.date, length: int) -> None:
    from aivoucher.evaluate.application import application_status

    end = start + dt.timedelta(days=length)
    yearly = {"from": start.strftime("%m-%d"), "to": end.strftime("%m-%d")}
    prog = _app_program({"windows": [{"every_year": yearly, **cite("每年")}]})
    status = application_status(prog, day)
    assert status.opens is not None and status.closes is not None
    assert status.opens <= status.closes
    if status.state == "open":
        assert status.opens <= day <= status.closes
    else:
        assert status.state == "upcoming"
        assert day < status.opens <= day + dt.timedelta(days=366)


_SHENZHEN_DISTRICTS = sorted(d.id for d in jurisdictions.DISTRICTS.values() if d.city == "shenzhen")


@settings(max_examples=40, deadline=None)
@given(district=st.sampled_from(_SHENZHEN_DISTRICTS), amount=st.integers(1, 10**9))
def test_a_district_program_pays_its_own_district_only(district: str, amount: int) -> None:
    p = plan(**DISTRICT_RULE, caps=[])
    award = run(p, profile(amount=str(amount), district=district))
    if district == "shenzhen-longhua":
        assert award.high == (Decimal(amount) / 2).quantize(Decimal("0.01"))
    else:
        assert award.eligible is False


@settings(max_examples=40, deadline=None)
@given(flags=st.lists(st.sampled_from([True, False, None]), max_size=6))
def test_producer_awards_count_entries(flags: list[bool | None]) -> None:
    p = plan(**PRODUCER)
    entries = []
    for flag in flags:
        entry: dict[str, Any] = {
            "item": "model",
            "role": "producer",
            "amount": "1万",
            "signed": "2025-05-01",
        }
        if flag is not None:
            entry["qualifications"] = {"evaluated": flag}
        entries.append(entry)
    award = run(p, profile(*entries))
    sure, maybe = flags.count(True), flags.count(None)
    if sure + maybe == 0:
        assert award.eligible is False
    else:
        assert (award.low, award.high) == (100 * W * sure, 100 * W * (sure + maybe))
