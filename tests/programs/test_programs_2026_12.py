"""The December 2026 reading: Guizhou's reported rates and its revision, the readings changed
in the twelve largest programs, and the programs found since. Every expected figure is worked
out by hand from the quoted texts (the comment beside it shows the sum)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aivoucher.ruleset.registry import bundled_rules

W = Decimal(10_000)


def _award(program: str, profile: dict[str, Any], as_of: str, assume: tuple[str, ...] = ()) -> Any:
    est = bundled_rules().estimate(profile, programs=[program], as_of=as_of, assume=list(assume))
    return est.awards[0]


def _guizhou(item: str, amount: str, signed: str, city: str = "guiyang") -> Any:
    profile = {
        "applicant": {"kind": "enterprise", "city": "shanghai"},
        "purchases": [{"item": item, "amount": amount, "signed": signed, "provider_city": city}],
    }
    return _award("guizhou.compute-voucher", profile, "2026-12-07")


# --- Guizhou ---------------------------------------------------------------------------------


def test_guizhou_2024_pays_three_percent_of_the_contract() -> None:
    # 经济日报: "按合同成交额的3%获得返现": 3% × 250万 = 7.5万, compute and data products alike
    for item in ("compute", "data"):
        a = _guizhou(item, "250万", "2024-08-01")
        assert (a.low, a.high, a.program.version) == (
            Decimal("7.5") * W,
            Decimal("7.5") * W,
            "2024",
        )
    # corpus purchases came in only with the 2026 revision
    assert _guizhou("corpus", "250万", "2024-08-01").eligible is False


def test_guizhou_2024_cap_is_two_million_a_year() -> None:
    # 3% × 8000万 = 240万 > 200万 ("同一主体年度累计兑现额度最高可达200万元")
    assert _guizhou("compute", "8000万", "2025-01-10").high == 200 * W
    # just under the cap: 3% × 6600万 = 198万
    assert _guizhou("compute", "6600万", "2025-01-10").high == 198 * W


def test_guizhou_revision_splits_the_versions_at_2026_03_19() -> None:
    # the day before the report: 2024 terms, 3% × 40万 = 1.2万
    before = _guizhou("model", "40万", "2026-03-18")
    assert before.eligible is False  # large-model services were not covered before
    data_before = _guizhou("data", "40万", "2026-03-18")
    assert data_before.high == Decimal("1.2") * W
    # from the report on: 30% × 40万 = 12万 for models, data and corpora
    for item in ("model", "data", "corpus"):
        a = _guizhou(item, "40万", "2026-03-19")
        assert (a.low, a.high, a.program.version) == (12 * W, 12 * W, None)
    # compute keeps an unreported rate: 3% to 30% of 40万 = 1.2万 to 12万
    c = _guizhou("compute", "40万", "2026-06-01")
    assert (c.low, c.high) == (Decimal("1.2") * W, 12 * W)


def test_guizhou_versions_do_not_overlap() -> None:
    versions = [p for p in bundled_rules().programs if p.id == "guizhou.compute-voucher"]
    assert len(versions) == 2
    old, new = sorted(versions, key=lambda p: p.effective.from_)
    assert old.effective.to is not None and old.effective.to < new.effective.from_


def test_guizhou_first_quarter_2024_pool() -> None:
    # 经济日报: "一季度,贵州向72家企业发放算力券,合同金额累计19.79亿元"; pool 8000万 a year.
    # 71 firms at 2748万 and one at 2792万 make 19.79亿; 3% of each is under the 200万 cap,
    # so the awards add up to 3% × 19.79亿 = 5937万, inside the pool: everyone is paid in full.
    np = pytest.importorskip("numpy")
    from aivoucher.questions import pool

    n = 72
    amounts = np.full(n, 2748 * 10**6, dtype=np.int64)  # 2748万 in fen
    amounts[-1] = 2792 * 10**6
    assert int(amounts.sum()) == 197_900_000_000  # 19.79亿 in fen
    table = {
        "applicant": np.arange(n),
        "applicant.kind": np.array(["enterprise"] * n),
        "applicant.city": np.array(["guiyang"] * n),
        "purchase.item": np.array(["compute"] * n),
        "purchase.provider_city": np.array(["guiyang"] * n),
        "purchase.amount_fen": amounts,
        "purchase.signed": np.array(["2024-03-15"] * n),
    }
    shared = pool.simulate("guizhou.compute-voucher", table, as_of="2024-06-30")
    assert shared.pool_fen == 8000 * 10**6
    assert int(shared.award_high_fen.sum()) == 5937 * 10**6
    assert shared.paid_high_fen.tolist() == shared.award_high_fen.tolist()
    # at the same pace for the whole year each firm would sign 4 × 2748万 (3% = 329.76万), capped
    # at 200万 a year: 72 × 200万 = 14400万 > 8000万, so the pool is shared pro rata:
    # 8000万 / 72 = 111.11万 each (the 8 fen left over to the earliest applicants)
    year = {k: np.concatenate([v] * 4) for k, v in table.items()}
    year["applicant"] = np.tile(np.arange(n), 4)
    year["purchase.signed"] = np.repeat(
        np.array(["2024-03-15", "2024-06-15", "2024-09-15", "2024-12-15"]), n
    )
    full = pool.simulate("guizhou.compute-voucher", year, as_of="2024-12-31")
    assert full.award_high_fen.tolist() == [200 * 10**6] * n
    assert int(full.paid_high_fen.sum()) == 8000 * 10**6
    assert sorted(set(full.paid_high_fen.tolist())) == [111_111_111, 111_111_112]


# --- readings changed or declared ------------------------------------------------------------


def _one(city: str, **purchase: Any) -> dict[str, Any]:
    applicant = {"kind": "enterprise", "city": city}
    applicant.update(purchase.pop("applicant", {}))
    return {"applicant": applicant, "purchases": [purchase]}


def test_shenzhen_training_compute_redeems_service_completed_from_2024_07_31() -> None:
    # 兑现指南: "在2024年7月31日(含)至2025年9月30日(含)期间完成的智能算力服务"
    august = _one(
        "shenzhen", item="compute", use="training", amount="300万", signed="2024-09-02",
        start="2024-09-02", end="2024-12-31", applicant={"startup": True},
    )  # fmt: skip
    # a start-up: 60% × 300万 = 180万
    assert _award("shenzhen.training-compute", august, "2025-06-30").high == 180 * W
    # signed the day before the window: not counted (the file's declared, lower reading)
    early = _one(
        "shenzhen", item="compute", use="training", amount="300万", signed="2024-07-30",
        applicant={"startup": False},
    )  # fmt: skip
    assert _award("shenzhen.training-compute", early, "2025-06-30").eligible is False
    # signed on 2024-07-31 itself ("(含)"): 50% × 300万 = 150万
    edge = _one(
        "shenzhen", item="compute", use="training", amount="300万", signed="2024-07-31",
        applicant={"startup": False},
    )  # fmt: skip
    assert _award("shenzhen.training-compute", edge, "2025-06-30").high == 150 * W


def test_wuhan_large_firm_gets_no_published_amount_rather_than_nothing() -> None:
    large = _one(
        "wuhan", item="compute", amount="60万", signed="2025-06-01", applicant={"sme": False}
    )
    a = _award("wuhan.compute-voucher", large, "2025-12-31")
    # 0% to the SME rate 50%: 0 to 30万
    assert (a.eligible, a.low, a.high) == (True, 0, 30 * W)
    sme = _one("wuhan", item="compute", amount="60万", signed="2025-06-01", applicant={"sme": True})
    assert _award("wuhan.compute-voucher", sme, "2025-12-31").high == 30 * W


def test_hangzhou_sme_tier_is_declared_as_counting_every_contract() -> None:
    profile = {
        "applicant": {"kind": "enterprise", "city": "hangzhou", "sme": True},
        "purchases": [
            {"item": "compute", "amount": "45万", "signed": "2025-07-01", "chip_origin": "domestic"}
        ],
    }
    # compute alone under 50万: 50% × 45万 = 22.5万
    assert _award("hangzhou.compute-voucher", profile, "2025-12-31").high == Decimal("22.5") * W
    # add 10万 of model services: the file counts 55万 > 50万, so domestic 30% × 45万 = 13.5万
    # plus 30% × 10万 = 3万 (the text, counting compute only, would pay 22.5万 + 3万)
    profile["purchases"].append({"item": "model", "amount": "10万", "signed": "2025-08-01"})
    a = _award("hangzhou.compute-voucher", profile, "2025-12-31")
    assert a.high == Decimal("16.5") * W


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

    applicant = {"kind": "enterprise", "city": city, "sector": "software"}
    # 20% × 2000万 = 400万 each, above either cap; December and January: two years' caps
    two = {"applicant": applicant, "purchases": [contract("2024-12-20"), contract("2025-01-05")]}
    a = _award(program, two, "2025-06-30")
    assert a.high == 2 * cap * W
    assert "cap-year" in {x.ambiguity for x in a.assumptions}
    one = {"applicant": applicant, "purchases": [contract("2025-02-20"), contract("2025-03-05")]}
    assert _award(program, one, "2025-06-30").high == cap * W
    assert rate * 2000 // 100 > cap


def test_shanghai_llm_rent_counts_compute_anywhere_as_a_declared_reading() -> None:
    p = _one("shanghai", item="compute", use="training", amount="320万", signed="2024-05-01",
             provider_city="wulanchabu")  # fmt: skip
    a = _award("shanghai.llm-rent", p, "2024-12-31")
    assert a.high == 32 * W  # 10% × 320万
    assert "compute-anywhere" in {x.ambiguity for x in a.assumptions}


# --- programs found since ----------------------------------------------------------------------

NEW = {
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
    "xiamen.ai-rnd": "copy",
}
UNPUBLISHED = {
    "chongqing.compute-voucher",
    "heilongjiang.compute-reward",
    "inner-mongolia.data-ai-policy",
    "shandong.model-corpus-vouchers",
}


def test_every_new_program_is_bundled_with_its_best_source() -> None:
    programs = {p.key: p for p in bundled_rules().programs}
    for key, confidence in NEW.items():
        best = {s.confidence for s in programs[key].sources}
        assert confidence in best, key
    for key in UNPUBLISHED:
        assert programs[key].rate.unpublished is not None, key
    assert programs["xiamen.ai-rnd@2025-12-draft"].status == "draft"


def test_beijing_etdz_pays_on_settled_fees() -> None:
    # "按照实际使用算力结算费用的30%": 30% × 450万 settled (of a 600万 contract) = 135万
    profile = {
        "applicant": {"kind": "enterprise", "city": "北京", "qualifications": ["beijing-etdz"]},
        "purchases": [
            {"item": "compute", "amount": "600万", "settled": "450万", "signed": "2025-04-01"}
        ],
    }
    assert _award("beijing.etdz-compute-voucher", profile, "2025-12-31").high == 135 * W
    # 30% × 7000万 = 2100万 > "最高2000万元"
    profile["purchases"][0].update(amount="7000万", settled="7000万")
    assert _award("beijing.etdz-compute-voucher", profile, "2025-12-31").high == 2000 * W


def test_guangming_thirty_percent_a_year_for_three_years() -> None:
    def year(signed: str, amount: str) -> dict[str, str]:
        return {"item": "compute", "amount": amount, "signed": signed}

    profile = {
        "applicant": {"kind": "enterprise", "city": "深圳", "district": "光明区"},
        "purchases": [
            year("2025-06-01", "2500万"),  # 30% = 750万 → 600万
            year("2026-06-01", "1000万"),  # 300万
            year("2027-06-01", "10万"),  # 3万
            year("2028-06-01", "1000万"),  # a fourth year: nothing ("连续资助3年")
        ],
    }
    assert _award("shenzhen-guangming.compute-voucher", profile, "2028-12-31").high == 903 * W


def test_tongxiang_quarter_of_project_purchases_up_to_ten_million() -> None:
    def project(amount: str) -> dict[str, Any]:
        return {"item": "scenario", "amount": amount, "signed": "2026-01-20"}

    applicant = {
        "kind": "enterprise",
        "city": "嘉兴",
        "district": "桐乡市",
        "qualifications": ["tongxiang-demo"],
    }
    # 25% × 120万 = 30万; 25% × 4400万 = 1100万 → 1000万 (per project)
    profile = {"applicant": applicant, "purchases": [project("120万"), project("4400万")]}
    assert _award("jiaxing-tongxiang.ai-application", profile, "2026-06-30").high == 1030 * W


def test_chongming_thirty_percent_once_up_to_five_million() -> None:
    profile = _one(
        "shanghai", item="rnd", amount="1200万", signed="2025-05-01",
        applicant={"district": "崇明区", "qualifications": ["chongming-recognised"]},
    )  # fmt: skip
    # 30% × 1200万 = 360万
    assert _award("shanghai-chongming.digital-rnd", profile, "2025-12-31").high == 360 * W


def test_producer_awards_of_qianhai_datong_and_suzhou() -> None:
    qianhai = {
        "applicant": {
            "kind": "enterprise",
            "city": "shenzhen",
            "district": "宝安区",
            "qualifications": ["qianhai-firm", "qianhai-industry-model"],
        }
    }
    assert _award("shenzhen.qianhai-llm-award", qianhai, "2024-06-30").high == 100 * W
    dataset = {"item": "data", "role": "producer", "amount": "10万", "signed": "2025-09-01"}
    datong = {
        "applicant": {"kind": "enterprise", "city": "大同"},
        "purchases": [
            {**dataset, "qualifications": ["datong-dataset", "national-typical-case"]},
            {**dataset, "qualifications": {"datong-dataset": True, "national-typical-case": False}},
        ],
    }
    # 300万 a dataset at most, twice; one of them also a national typical case: +50万
    assert _award("datong.dataset-award", datong, "2025-12-31").high == 600 * W
    assert _award("datong.dataset-typical-case", datong, "2025-12-31").high == 50 * W
    suzhou = {
        "applicant": {
            "kind": "enterprise",
            "city": "苏州",
            "qualifications": ["suzhou-tradable-dataset"],
        }
    }
    assert _award("suzhou.dataset-producer", suzhou, "2026-06-30").high == 200 * W
    platform = _one(
        "suzhou", item="rnd", amount="1600万", signed="2026-02-01",
        applicant={"qualifications": ["suzhou-corpus-platform"]},
    )  # fmt: skip
    # 30% × 1600万 = 480万, under the one-off 500万
    assert _award("suzhou.corpus-platform", platform, "2026-06-30").high == 480 * W


def test_fujian_grades_and_compute_threshold() -> None:
    grade_b = {"fujian-model-a": False, "fujian-model-b": True}
    model = _one(
        "fuzhou", item="rnd", amount="3000万", signed="2026-04-01",
        applicant={"qualifications": grade_b},
    )  # fmt: skip
    # 30% × 3000万 = 900万, grade B limited to 600万
    assert _award("fujian.vertical-model", model, "2026-06-30").high == 600 * W
    # compute: exactly 30万 in a year reaches "30万元(含)": first year 50% = 15万, second 40% =
    # 12万, third 30% = 9万; 29.99万 reaches nothing
    at = _one("putian", item="compute", amount="30万", signed="2024-03-01")
    assert _award("fujian.compute-purchase", at, "2024-12-31").high == 15 * W
    assert _award("fujian.compute-purchase", at, "2024-12-31", ("fujian-year-2",)).high == 12 * W
    assert _award("fujian.compute-purchase", at, "2024-12-31", ("fujian-year-3",)).high == 9 * W
    below = _one("putian", item="compute", amount="299999.99", signed="2024-03-01")
    assert _award("fujian.compute-purchase", below, "2024-12-31").high == 0


def test_kunming_and_xiamen() -> None:
    centre = _one(
        "kunming", item="compute", role="producer", amount="2亿", signed="2026-02-01",
        qualifications=["kunming-pue"],
    )  # fmt: skip
    assert _award("kunming.compute-centre-award", centre, "2026-06-30").high == 1000 * W
    national = _one(
        "xiamen", item="rnd", amount="2500万", signed="2025-07-01",
        applicant={"qualifications": ["national-ai-challenge"]},
    )  # fmt: skip
    # 50% × 2500万 = 1250万 → "单个项目最高不超过1000万元"
    assert _award("xiamen.ai-rnd", national, "2025-12-31").high == 1000 * W


def test_unreadable_programs_say_they_exist_without_an_amount() -> None:
    cases = {
        "chongqing.compute-voucher": _one(
            "chongqing", item="compute", amount="10万", signed="2026-01-05", via_platform=True
        ),
        "heilongjiang.compute-reward": _one(
            "harbin", item="compute", amount="10万", signed="2025-01-05"
        ),
        "inner-mongolia.data-ai-policy": _one(
            "鄂尔多斯", item="corpus", amount="10万", signed="2026-03-05"
        ),
    }
    for program, profile in cases.items():
        a = _award(program, profile, "2026-06-30")
        assert a.eligible is None and a.high is None, program


# --- when the texts were last checked -----------------------------------------------------------


def test_checked_is_set_on_every_file_of_this_reading() -> None:
    import datetime as dt

    programs = {p.key: p for p in bundled_rules().programs}
    touched = [*NEW, *UNPUBLISHED, "guizhou.compute-voucher", "guizhou.compute-voucher@2024"]
    touched += ["shenzhen.training-compute", "wuhan.compute-voucher", "hangzhou.compute-voucher"]
    touched += ["beijing.compute-voucher", "zhengzhou.compute-voucher", "shanghai.llm-rent"]
    for key in touched:
        assert programs[key].checked == dt.date(2026, 12, 7), key


@pytest.mark.parametrize("bad", ["2026-13-01", "last week", "2026-02-30"])
def test_checked_must_be_a_date(bad: str, tmp_path: Path, capsys: Any) -> None:
    from conftest import rule, write_rule

    from aivoucher.cli import main
    from aivoucher.errors import RuleFileError
    from aivoucher.ruleset.registry import load_program

    path = write_rule(tmp_path / "rules", rule(checked=bad))
    with pytest.raises(RuleFileError) as info:
        load_program(path)
    assert "checked" in str(info.value) and info.value.code
    # `check` reports an invalid file on one line and fails (exit 1, as for any invalid file)
    assert main(["check", str(tmp_path / "rules")]) == 1
    out, err = capsys.readouterr()
    lines = [line for line in (out + err).splitlines() if "checked" in line]
    assert len(lines) == 1 and "Traceback" not in out + err


def test_checked_may_be_left_out_or_given(tmp_path: Path) -> None:
    from conftest import rule, write_rule

    from aivoucher.ruleset.registry import load_program

    assert load_program(write_rule(tmp_path / "a", rule())).checked is None
    given = load_program(write_rule(tmp_path / "b", rule(checked="2026-12-07")))
    assert str(given.checked) == "2026-12-07"


def test_fujian_threshold_is_a_bend_of_the_spend_curve() -> None:
    import aivoucher

    profile = {"applicant": {"kind": "enterprise", "city": "fuzhou"}, "purchases": [
        {"item": "compute", "amount": "1万", "signed": "2025-03-01"}
    ]}  # fmt: skip
    s = aivoucher.sweep(profile, ["0", "200万"], as_of="2025-12-31")
    bends = [b for b in s.bends if b.program == "fujian.compute-purchase"]
    # nothing below 30万; at 30万 the year pays 50% = 15万 at once; 50万 caps it at 100万
    threshold = next(b for b in bends if b.kind == "threshold")
    assert threshold.at == 30 * W and threshold.jump and threshold.after == 15 * W
    cap = next(b for b in bends if b.kind == "cap")
    assert cap.at == 100 * W
