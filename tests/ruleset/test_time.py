"""Time: each purchase under the version of its signing date; as-of is the date of knowledge;
nothing retroactive unless the text says so; expiry and renewal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import estimate_json, profile, rule, write_rule
from hypothesis import given
from hypothesis import strategies as st

import aivoucher
from aivoucher.cli import main
from aivoucher.ruleset.registry import RuleSet, load_rules
from aivoucher.vocabulary.result import AssumptionCode, ReasonCode

W = Decimal(10_000)


def cite(quote: str) -> dict[str, str]:
    return {"source": "text", "quote": quote}


def _versions(tmp_path: Path, **new: Any) -> RuleSet:
    """A 2024 version (20%, ends 2024-12-31) and a 2025 version (50%, from 2025-01-01)."""
    old = rule(
        version="2024",
        status="superseded",
        effective={"from": "2024-01-01", "to": "2024-12-31", **cite("2024年版")},
        rate={"tiers": [{"rate": "20%", **cite("20%")}]},
        caps=[],
    )
    old["examples"][0].update(
        as_of="2024-06-30",
        profile=profile({"item": "compute", "amount": "100万", "signed": "2024-03-01"}),
        expect={"amount": "20万"},
    )
    write_rule(tmp_path, old, name="test-voucher.2024.yaml")
    write_rule(tmp_path, rule(caps=[], **new))
    return load_rules(tmp_path)


def _bought(*dates: str) -> dict[str, Any]:
    return profile(*({"id": d, "item": "compute", "amount": "100万", "signed": d} for d in dates))


def test_each_purchase_under_the_version_of_its_signing_date(tmp_path: Path) -> None:
    rules = _versions(tmp_path)
    est = rules.estimate(_bought("2024-06-01", "2025-02-01"), as_of="2025-06-30")
    assert {a.program.key: (a.high, a.purchases) for a in est.awards} == {
        "shenzhen.test-voucher@2024": (20 * W, (0,)),
        "shenzhen.test-voucher": (50 * W, (1,)),
    }
    assert est.total_high == 70 * W
    # the as-of date does not move a purchase between versions
    later = rules.estimate(_bought("2024-06-01"), as_of="2026-06-30")
    assert [(a.program.key, a.high) for a in later.awards if a.eligible] == [
        ("shenzhen.test-voucher@2024", 20 * W)
    ]


def test_as_of_is_the_date_of_knowledge(tmp_path: Path) -> None:
    rules = _versions(tmp_path)
    est = rules.estimate(_bought("2025-02-01"), as_of="2024-12-31")
    # the 2025 version is not known yet: the contract lies past the 2024 version's end
    assert est.total_high == 0
    [renewal] = [a for a in est.awards if a.renewal]
    assert (renewal.program.key, renewal.high) == ("shenzhen.test-voucher@2024", 20 * W)


def test_not_retroactive_by_default(tmp_path: Path) -> None:
    rules = _versions(tmp_path)
    est = rules.estimate(_bought("2023-12-31"), as_of="2025-06-30")
    assert est.total_high == 0
    reasons = [r for a in est.awards for r in a.reasons]
    before = [r for r in reasons if r.code is ReasonCode.BEFORE_EFFECTIVE]
    assert before and before[0].expected[0].isoformat() == "2024-01-01"


def test_a_text_that_covers_earlier_contracts(tmp_path: Path) -> None:
    rules = _versions(
        tmp_path,
        effective={"from": "2025-03-01", **cite("自2025年3月1日起施行")},
        contracts={"signed_from": "2025-01-01", **cite("2025年1月1日以后签订的合同")},
    )
    est = rules.estimate(_bought("2025-02-01"), as_of="2025-06-30")
    assert est.award("shenzhen.test-voucher").high == 50 * W


def test_service_period_coverage(tmp_path: Path) -> None:
    rules = _versions(tmp_path, contracts={"by": "service", **cite("基准期")})
    signed_before = profile(
        {
            "item": "compute",
            "amount": "100万",
            "signed": "2024-11-01",
            "start": "2024-12-01",
            "end": "2025-11-30",
        }
    )
    keys = {a.program.key for a in rules.estimate(signed_before, as_of="2025-06-30").awards}
    assert "shenzhen.test-voucher" in keys


def test_expiry_and_renewal(tmp_path: Path) -> None:
    data = rule(effective={"from": "2025-01-01", "to": "2025-12-31", **cite("有效期至2025年底")})
    write_rule(tmp_path, data)
    rules = load_rules(tmp_path)
    bought = _bought("2025-06-01", "2026-03-01")
    est = rules.estimate(bought, as_of="2025-11-30")
    paid = [a for a in est.awards if not a.renewal]
    pending = [a for a in est.awards if a.renewal]
    assert [(a.high, a.purchases) for a in paid] == [(50 * W, (0,))]
    assert [(a.high, a.purchases) for a in pending] == [(50 * W, (1,))]
    assert est.total_high == 50 * W
    assert any(r.code is ReasonCode.AFTER_END for r in paid[0].reasons)
    renewed = rules.estimate(bought, as_of="2025-11-30", assume_renewal=True)
    [award] = renewed.awards
    assert (award.high, award.purchases, award.renewal) == (100 * W, (0, 1), False)
    assert award.assumptions[-1].code is AssumptionCode.RENEWAL
    assert renewed.total_high == 100 * W
    # a renewal assumption is listed only where it counted a purchase past the end
    only_2025 = rules.estimate(_bought("2025-06-01"), as_of="2025-11-30", assume_renewal=True)
    assert all(a.code is not AssumptionCode.RENEWAL for a in only_2025.awards[0].assumptions)


@given(st.lists(st.dates(min_value=dt.date(2023, 1, 1)), min_size=1, max_size=4))
def test_every_purchase_is_counted_at_most_once(dates: list[Any]) -> None:
    rules = aivoucher.bundled_rules()
    plan = _bought(*(d.isoformat() for d in dates))
    plan["applicant"]["city"] = "hangzhou"
    for renewal in (False, True):
        est = rules.estimate(plan, as_of="2026-11-24", assume_renewal=renewal)
        seen: dict[str, list[int]] = {}
        for a in est.awards:
            if a.eligible and (renewal or not a.renewal):
                seen.setdefault(a.program.id, []).extend(a.purchases)
        for used in seen.values():
            assert len(used) == len(set(used))


SHENZHEN_2027 = """
applicant: {kind: enterprise, city: shenzhen, startup: true}
purchases:
  - {id: gpu-2027, item: compute, use: training, amount: 800万, signed: 2027-03-01}
"""


@pytest.mark.parametrize(("flag", "total"), [([], "0"), (["--assume-renewal"], "4800000")])
def test_shenzhen_after_expiry_through_the_cli(
    tmp_path: Path, capsys: Any, flag: list[str], total: str
) -> None:

    path = tmp_path / "p.yaml"
    path.write_text(SHENZHEN_2027, encoding="utf-8")
    args = ["estimate", str(path), "--as-of", "2026-11-24", "--format", "json", *flag]
    assert main(args) == 0
    out = estimate_json(capsys.readouterr().out)
    assert out["total_high"] == total
    award = next(
        a for a in out["awards"] if a["program"] == "shenzhen.training-compute" and a["eligible"]
    )
    assert award["high"] == "4800000" and award["renewal"] is (not flag)
    assert main(["estimate", str(path), "--as-of", "2026-11-24", *flag]) == 0
    text = capsys.readouterr().out
    assert ("Depends on renewal" in text) is (not flag)


@pytest.mark.parametrize(
    ("program", "city", "rate", "cap"),
    [
        ("beijing.compute-voucher", "beijing", 20, 200),
        ("zhengzhou.compute-voucher", "zhengzhou", 20, 100),
    ],
)
def test_caps_per_year_of_claiming_are_counted_by_year_of_signing(
    program: str, city: str, rate: int, cap: int
) -> None:
    def contract(signed: str) -> dict[str, str]:
        return {"item": "compute", "amount": "2000万", "signed": signed}

    def award(profile: dict[str, Any]) -> Any:
        return aivoucher.estimate(profile, programs=[program], as_of="2025-06-30").awards[0]

    applicant = {"kind": "enterprise", "city": city, "sector": "software"}
    # 20% × 2000万 = 400万 each, above either cap; December and January: two years' caps
    two = {"applicant": applicant, "purchases": [contract("2024-12-20"), contract("2025-01-05")]}
    a = award(two)
    assert a.high == 2 * cap * W
    assert "cap-year" in {x.ambiguity for x in a.assumptions}
    one = {"applicant": applicant, "purchases": [contract("2025-02-20"), contract("2025-03-05")]}
    assert award(one).high == cap * W
    assert rate * 2000 // 100 > cap
