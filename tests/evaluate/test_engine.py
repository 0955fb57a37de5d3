"""Each rule mechanism on a small synthetic program (see conftest.rule)."""

from decimal import Decimal
from typing import Any

from conftest import plan, profile

from aivoucher.vocabulary.profile import parse_profile
from aivoucher.vocabulary.result import AssumptionCode, ReasonCode, StepKind

W = Decimal(10_000)  # 1万


def run(p: Any, data: dict[str, Any]) -> Any:
    return p.evaluate(parse_profile(data))


def cite(quote: str) -> dict[str, str]:
    return {"source": "text", "quote": quote}


def test_rate_times_base_under_the_cap() -> None:
    award = run(plan(), profile(amount="60万"))
    assert (award.eligible, award.low, award.high) == (True, 30 * W, 30 * W)
    kinds = [s.kind for s in award.steps]
    assert kinds.index(StepKind.BASE) < kinds.index(StepKind.RATE) < kinds.index(StepKind.AMOUNT)
    cap = next(s for s in award.steps if s.kind is StepKind.CAP)
    assert cap.detail.binding is False
    assert cap.cites == (("text", "最高100万元"),)


def test_yearly_cap_groups_by_signing_year() -> None:
    data = profile(
        {"item": "compute", "amount": "150万", "signed": "2025-01-10"},
        {"item": "compute", "amount": "150万", "signed": "2025-12-31"},
        {"item": "compute", "amount": "150万", "signed": "2026-01-01"},
    )
    award = run(plan(), data)
    assert award.high == 175 * W  # 2025: 150万 capped at 100万; 2026: 75万
    years = [s.subject for s in award.steps if s.kind is StepKind.YEAR]
    assert years == ["2025", "2026"]


def test_tiers_first_match_wins_and_unknown_fact_gives_range() -> None:
    tiers = {
        "tiers": [
            {"when": [{"fact": "applicant.startup", "is": True}], "rate": "60%", **cite("初创60%")},
            {"rate": "50%", **cite("一般50%")},
        ]
    }
    p = plan(rate=tiers, caps=[])
    assert run(p, profile(amount="100万", startup=True)).high == 60 * W
    assert run(p, profile(amount="100万", startup=False)).high == 50 * W
    award = run(p, profile(amount="100万"))
    assert (award.low, award.high) == (50 * W, 60 * W)
    assert award.missing == ("applicant.startup",)
    assert any(a.code is AssumptionCode.MISSING_FACT for a in award.assumptions)


def test_tiers_covering_a_closed_domain_give_exact_bounds() -> None:
    tiers = {
        "tiers": [
            {
                "when": [{"fact": "purchase.chip_origin", "in": ["domestic"]}],
                "rate": ["50%", "60%"],
                **cite("国产"),
            },
            {
                "when": [{"fact": "purchase.chip_origin", "in": ["foreign"]}],
                "rate": ["30%", "40%"],
                **cite("非国产"),
            },
        ]
    }
    p = plan(rate=tiers, caps=[])
    award = run(p, profile(amount="100万"))
    assert (award.low, award.high) == (30 * W, 60 * W)  # not 0: one tier always applies
    assert award.missing == ("purchases[0].chip_origin",)


def test_no_tier_for_some_answers_means_low_zero() -> None:
    tiers = {
        "tiers": [
            {"when": [{"fact": "purchase.use", "in": ["training"]}], "rate": "50%", **cite("训练")}
        ]
    }
    p = plan(rate=tiers, caps=[])
    award = run(p, profile(amount="100万"))
    assert (award.low, award.high) == (0, 50 * W)
    inference = profile(
        {"item": "compute", "use": "inference", "amount": "100万", "signed": "2025-01-01"}
    )
    award = run(p, inference)
    assert award.eligible is False
    assert any(r.code is ReasonCode.NO_RATE_TIER for r in award.reasons)


def test_rate_ceiling_bounds_every_tier() -> None:
    rate = {
        "tiers": [{"rate": ["50%", "80%"], **cite("比例")}],
        "ceiling": {"rate": "60%", **cite("不超过60%")},
    }
    award = run(plan(rate=rate, caps=[]), profile(amount="100万"))
    assert (award.low, award.high) == (50 * W, 60 * W)
    step = next(s for s in award.steps if s.kind is StepKind.RATE)
    assert ("text", "不超过60%") in step.cites


def test_cap_range_and_cap_kinds() -> None:
    caps = [
        {"per": "purchase", "amount": "80万", **cite("单个合同80万")},
        {"per": "applicant_year", "amount": ["100万", "200万"], **cite("原则上100万，最高200万")},
        {"per": "applicant_total", "amount": "250万", **cite("累计250万")},
    ]
    p = plan(caps=caps)
    one = run(p, profile(amount="300万"))  # 150万 → per purchase 80万
    assert (one.low, one.high) == (80 * W, 80 * W)
    three = profile(
        *[{"item": "compute", "amount": "300万", "signed": f"2025-0{m}-01"} for m in (1, 2, 3)]
    )
    award = run(p, three)  # 3 × 80万 = 240万 → year cap 100万–200万
    assert (award.low, award.high) == (100 * W, 200 * W)
    years = profile(
        *[{"item": "compute", "amount": "300万", "signed": f"{y}-01-01"} for y in (2025, 2026)]
    )
    award = run(p, years)  # 80万 + 80万 per year, lifetime cap 250万 not reached
    assert award.high == 160 * W
    many = profile(
        *[
            {"item": "compute", "amount": "300万", "signed": f"{y}-0{m}-01"}
            for y in (2025, 2026)
            for m in (1, 2, 3)
        ]
    )
    award = run(p, many)  # 2 × (100万–200万) = 200万–400万 → lifetime 250万
    assert (award.low, award.high) == (200 * W, 250 * W)


def test_pool_bounds_a_single_award() -> None:
    p = plan(caps=[], pool={"amount": "30万", "period": "year", **cite("每年30万")})
    award = run(p, profile(amount="100万"))
    assert award.high == 30 * W
    pool = next(s for s in award.steps if s.kind is StepKind.POOL)
    assert pool.detail.binding is True
    p = plan(caps=[], pool={"amount": "70万", "period": "program", **cite("三年共70万")})
    two = profile(
        *[{"item": "compute", "amount": "100万", "signed": f"{y}-01-01"} for y in (2025, 2026)]
    )
    assert run(p, two).high == 70 * W


def test_settled_base_and_its_fallbacks() -> None:
    base = {"of": "settled", "if_unknown": "contract", **cite("实际服务额")}
    p = plan(base=base, caps=[])
    settled = profile(
        {"item": "compute", "amount": "100万", "settled": "40万", "signed": "2025-01-01"}
    )
    assert run(p, settled).high == 20 * W
    award = run(p, profile(amount="100万"))
    assert award.high == 50 * W
    assert any(a.code is AssumptionCode.SETTLED_FROM_CONTRACT for a in award.assumptions)
    p = plan(base={**base, "if_unknown": "range"}, caps=[])
    award = run(p, profile(amount="100万"))
    assert (award.low, award.high) == (0, 50 * W)


def test_unknown_applicant_eligibility_makes_low_zero() -> None:
    eligibility = [{"fact": "applicant.sme", "is": True, **cite("中小企业")}]
    p = plan(eligibility=eligibility, caps=[])
    award = run(p, profile(amount="100万"))
    assert (award.eligible, award.low, award.high) == (True, 0, 50 * W)
    assert award.missing == ("applicant.sme",)
    assert any(s.kind is StepKind.UNCERTAIN for s in award.steps)
    award = run(p, profile(amount="100万", sme=False))
    assert (award.eligible, award.low, award.high) == (False, 0, 0)
    assert award.reasons[0].code is ReasonCode.CONDITION_FAILED
    assert award.reasons[0].fact == "applicant.sme"


def test_every_failed_applicant_condition_is_reported() -> None:
    eligibility = [
        {"fact": "applicant.kind", "in": ["university"], **cite("高校")},
        {"fact": "applicant.city", "in": ["beijing"], **cite("在京注册")},
    ]
    award = run(plan(eligibility=eligibility), profile(amount="1万"))
    assert [r.fact for r in award.reasons] == ["applicant.kind", "applicant.city"]


def test_purchase_filters_and_dates() -> None:
    eligibility = [
        {"fact": "purchase.signed", "from": "2023-09-01", **cite("2023年9月1日及以后签订")}
    ]
    p = plan(eligibility=eligibility)
    late = profile({"item": "compute", "amount": "10万", "signed": "2023-09-01"})
    early = profile({"item": "compute", "amount": "10万", "signed": "2023-08-31"})
    assert run(p, late).high == 5 * W
    award = run(p, early)
    assert award.eligible is False
    failed = next(r for r in award.reasons if r.code is ReasonCode.CONDITION_FAILED)
    assert failed.fact == "purchase.signed" and str(failed.actual) == "2023-08-31"
    assert award.reasons[-1].code is ReasonCode.NO_QUALIFYING_PURCHASE


def test_no_purchases() -> None:
    award = run(plan(), profile())
    assert award.eligible is False
    assert award.reasons[0].code is ReasonCode.NO_PURCHASES


def test_unpublished_rate_gives_no_amount() -> None:
    p = plan(rate={"unpublished": {"zh": "比例未公布", "en": "the rate is not published"}})
    award = run(p, profile(amount="10万"))
    assert (award.eligible, award.low, award.high) == (None, None, None)
    assert award.reasons[0].code is ReasonCode.RATE_UNPUBLISHED
    # an applicant that fails eligibility is still told so
    award = run(p, profile(amount="10万", city="wuhan"))
    assert award.eligible is False


def test_support_years() -> None:
    p = plan(support_years={"count": 2, **cite("补助期限不超过2年")})
    four = profile(
        *[
            {"item": "compute", "amount": "10万", "signed": f"{y}-01-01"}
            for y in (2025, 2026, 2027, 2028)
        ]
    )
    award = run(p, four)
    assert award.high == 10 * W
    assert any(s.kind is StepKind.SUPPORT_YEARS for s in award.steps)


def test_rounding_at_the_end_and_each_step() -> None:
    odd = profile(amount="0.03")  # 50% = 0.015
    assert run(plan(caps=[]), odd).high == Decimal("0.02")  # half-up to the fen
    truncating = plan(caps=[], rounding={"unit": "fen", "mode": "truncate"})
    assert run(truncating, odd).high == Decimal("0.01")
    wan = plan(
        caps=[], rounding={"unit": "wan", "places": 4, "mode": "truncate", "at": "each_step"}
    )
    award = run(
        wan, profile(amount="12345.67")
    )  # 6172.835 → 6172 (万元 to 4 decimals = whole yuan)
    assert award.high == Decimal("6172")


def test_trace_chain_adds_up() -> None:
    data = profile(
        {"item": "compute", "amount": "150万", "signed": "2025-01-10"},
        {"item": "compute", "amount": "30万", "signed": "2026-01-01"},
    )
    award = run(plan(), data)
    total = next(s for s in award.steps if s.kind is StepKind.TOTAL)
    year_ends = {}
    for s in award.steps:
        if (
            s.kind in (StepKind.YEAR, StepKind.CAP, StepKind.POOL)
            and s.subject
            and s.subject.isdigit()
        ):
            year_ends[s.subject] = s.after
    assert total.after == (
        sum(v[0] for v in year_ends.values()),
        sum(v[1] for v in year_ends.values()),
    )
    assert total.after == (award.low, award.high)
