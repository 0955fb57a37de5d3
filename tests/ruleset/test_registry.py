"""The bundled rule set: every program the research found is loaded, with its best source and
its status; a program whose rate is unpublished is reported without an amount; an award that
turns on an unstated fact is a range kept out of the estimate's totals."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import ROOT

import aivoucher
from aivoucher.ruleset.registry import bundled_rules

W = Decimal(10_000)

#: Programs found in the 2026 research round (versions, districts, thresholds, producer awards,
#: unconfirmed leads behind a switch, unpublished rates).
FOUND_2026 = {
    "xiamen.compute-voucher",
    "zhengzhou.compute-voucher",
    "henan.compute-voucher",
    "qingdao.opc-compute",
    "qingdao.model-voucher",
    "qingdao.corpus-voucher",
    "shenzhen-longhua.compute-voucher",
    "shenzhen-longgang.compute-voucher",
    "baoding.data-intelligence-voucher",
    "wuhu.compute-subsidy",
    "wuhu.data-voucher",
    "zhongshan.compute-voucher",
    "hohhot.ai-vouchers",
    "shanghai-pudong.model-voucher",
    "guangzhou-tianhe.compute-subsidy",
    "langfang.compute-voucher-lead",
    "langfang.settle-in-award-lead",
}
#: Programs found in the December 2026 reading, and the best confidence among their sources.
FOUND_2026_12 = {
    "beijing.etdz-compute-voucher": "official",
    "shenzhen-guangming.compute-voucher": "report",
    "jiaxing-tongxiang.ai-application": "copy",
    "shanghai-chongming.digital-rnd": "copy",
    "shenzhen.qianhai-llm-award": "report",
    "datong.dataset-award": "copy",
    "datong.dataset-typical-case": "copy",
    "suzhou.dataset-producer": "report",
    "suzhou.corpus-platform": "report",
    "fujian.vertical-model": "copy",
    "fujian.compute-purchase": "report",
    "kunming.compute-centre-award": "copy",
    "xiamen.ai-rnd@2025": "copy",
    "xiamen.ai-rnd": "official",
}
#: Programs whose texts publish no rate (some found in December 2026).
UNPUBLISHED = {
    "chongqing.compute-voucher",
    "heilongjiang.compute-reward",
    "inner-mongolia.data-ai-policy",
    "shandong.model-corpus-vouchers",
    "xiamen.ai-rnd",
}


def test_every_program_found_is_bundled() -> None:
    ids = {p.id for p in bundled_rules().programs}
    assert ids >= FOUND_2026, sorted(FOUND_2026 - ids)


def test_every_program_found_is_bundled_with_its_best_source() -> None:
    programs = {p.key: p for p in bundled_rules().programs}
    for key, confidence in FOUND_2026_12.items():
        best = {s.confidence for s in programs[key].sources}
        assert confidence in best, key
    for key in UNPUBLISHED:
        assert programs[key].rate.unpublished is not None, key
    assert programs["xiamen.ai-rnd@2025-12-draft"].status == "draft"


@pytest.mark.parametrize(
    "program",
    [
        "zhongshan.compute-voucher",
        "hohhot.ai-vouchers",
        "guangzhou-tianhe.compute-subsidy",
        "shanghai-pudong.model-voucher",
    ],
)
def test_unpublished_rates_report_no_amount(program: str) -> None:
    p = next(p for p in bundled_rules().programs if p.id == program)
    assert p.rate.unpublished is not None and not p.rate.tiers


def test_unknown_provider_city_is_a_range_kept_out_of_the_totals() -> None:
    buy = {"item": "compute", "amount": "100万", "signed": "2024-04-01"}
    firm = {"kind": "enterprise", "city": "shanghai"}
    est = aivoucher.estimate(
        {"applicant": firm, "purchases": [buy]},
        programs=["qingyang.compute-voucher"],
        as_of="2024-12-31",
    )
    award = est.awards[0]
    assert award.eligible and (award.low, award.high) == (0, 30 * W)
    assert "purchases[0].provider_city" in award.missing
    assert est.uncounted == ("qingyang.compute-voucher",)
    assert est.total_high == 0
    stated = aivoucher.estimate(
        {"applicant": firm, "purchases": [{**buy, "provider_city": "qingyang"}]},
        programs=["qingyang.compute-voucher"],
        as_of="2024-12-31",
    )
    assert stated.total_high == 30 * W and not stated.uncounted


#: A profile path as a developer writes it: never in the words a reader is shown.
PROFILE_PATH = re.compile(r"\bapplicant\.[a-z_]+|\bpurchases?\[?\d*\]?\.[a-z_]+")


def test_no_rule_file_shows_a_reader_a_profile_path() -> None:
    """The Chinese text views print a rule file's readings and notes as they are written, so a
    profile path in them would reach a Chinese reader (the views name facts in words)."""
    found = []
    for path in sorted((ROOT / "rules").rglob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            text = line.strip()
            if text.startswith(("zh:", "en:")) and PROFILE_PATH.search(text):
                found.append(f"{path.relative_to(ROOT)}:{number}: {text}")
    assert not found, found


def test_a_district_condition_comes_with_its_city() -> None:
    # an applicant registered in another city is refused by the city condition; a district
    # condition alone would leave it "unknown" wherever no district is given
    from aivoucher.base import jurisdictions
    from aivoucher.ruleset.registry import bundled_rules

    for program in bundled_rules().programs:
        districts = [c for c in program.eligibility if c.fact == "applicant.district" and c.in_]
        cities = {v for c in program.eligibility if c.fact == "applicant.city" for v in c.in_ or ()}
        for condition in districts:
            needed = {jurisdictions.city_of(d) for d in condition.in_ or ()}
            assert needed <= cities, (program.key, needed, cities)
