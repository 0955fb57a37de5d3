"""How to apply, as the guides, rules and notices say: each program's window, office, materials
and payment reach the award (``Estimate.award(id).application``) and the JSON contract the way
the quoted text gives them, and a program whose guide was not found says so (state
``unknown``) instead of inventing one."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from conftest import estimate_json

import aivoucher
from aivoucher.ruleset.registry import bundled_rules


def _firm(city: str, **more: Any) -> dict[str, Any]:
    return {"kind": "enterprise", "city": city, **more}


def _buy(item: str, amount: str, signed: str, **more: Any) -> dict[str, Any]:
    return {"item": item, "amount": amount, "signed": signed, **more}


SHENZHEN_CORPUS: dict[str, Any] = {
    "applicant": {"kind": "enterprise", "city": "shenzhen"},
    "purchases": [
        {"item": "corpus", "amount": "300万", "signed": "2025-04-01", "via_platform": True}
    ],
}


def _app(program: str, profile: dict[str, Any], as_of: str) -> tuple[Any, dict[str, Any]]:
    """The award's application status and the same award's ``application`` in the JSON (zh)."""
    est = aivoucher.estimate(profile, programs=[program], as_of=as_of)
    award = est.award(program)
    assert award.eligible is not False, award
    row = next(r for r in json.loads(est.to_json(locale="zh"))["awards"] if r["program"] == program)
    return award.application, row["application"]


# --- Shenzhen 语料券: "申報時間為2025年9月1日至9月30日" (香港商報 on the 2025 guide) ----------


@pytest.mark.parametrize(
    ("as_of", "state", "opens", "closes"),
    [
        ("2025-08-20", "upcoming", dt.date(2025, 9, 1), dt.date(2025, 9, 30)),
        ("2025-09-01", "open", dt.date(2025, 9, 1), dt.date(2025, 9, 30)),
        ("2025-09-30", "open", dt.date(2025, 9, 1), dt.date(2025, 9, 30)),
        ("2025-10-01", "closed", None, dt.date(2025, 9, 30)),
    ],
)
def test_shenzhen_corpus_window_is_september_2025(
    as_of: str, state: str, opens: dt.date | None, closes: dt.date
) -> None:
    status, js = _app("shenzhen.corpus-voucher", SHENZHEN_CORPUS, as_of)
    assert (status.state, status.opens, status.closes) == (state, opens, closes)
    assert js["state"] == state
    assert js["closes"] == "2025-09-30"


def test_shenzhen_corpus_is_filed_online_and_paid_by_the_data_administration() -> None:
    # "企業可通過廣東政務服務網或「i深圳」APP提交材料,
    #  深圳市政務服務和數據管理局將負責審核並撥付資金"
    _, js = _app("shenzhen.corpus-voucher", SHENZHEN_CORPUS, "2025-09-10")
    assert "广东政务服务网" in js["office"]["name"]
    assert "i深圳" in js["office"]["name"]
    assert "政务服务和数据管理局" in js["payment"]


# --- Offices, materials and payment where no window is published --------------------------


CASES: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
    (
        # 实施细则: "市数据局负责审核算力券兑现申请" … "各县(市、区)、功能区财政部门负责…拨付"
        "yangzhou.compute-voucher",
        {
            "applicant": _firm("yangzhou", qualifications=["yangzhou-613"]),
            "purchases": [
                {"item": "compute", "amount": "100万", "signed": "2024-06-01", "via_platform": True}
            ],
        },
        "2024-12-31",
        {"office": "扬州市数据局", "materials": ["算力租用服务合同"], "payment": "财政部门"},
    ),
    (
        # 新华: "省级算力运营调度平台、数据流通交易平台为实施“算力券”的运营服务单位"
        "guizhou.compute-voucher",
        {
            "applicant": {"kind": "enterprise", "city": "shanghai"},
            "purchases": [_buy("compute", "250万", "2024-08-01", provider_city="guiyang")],
        },
        "2024-12-31",
        {"office": "算力运营调度平台"},
    ),
    (
        # "經評審認定,給予最高2000萬元支援。(責任部門:資訊技術産業局)"
        "beijing.etdz-compute-voucher",
        {
            "applicant": _firm("beijing", qualifications=["beijing-etdz"]),
            "purchases": [{"item": "compute", "amount": "1000万", "signed": "2025-02-01"}],
        },
        "2025-06-30",
        {"office": "信息技术产业局"},
    ),
    (
        # 操作规程(征求意见稿): "本规程资金采用事后资助方式"
        "shenzhen-guangming.compute-voucher",
        {
            "applicant": {"kind": "enterprise", "city": "shenzhen", "district": "光明区"},
            "purchases": [{"item": "compute", "amount": "1000万", "signed": "2025-05-01"}],
        },
        "2025-12-31",
        {"payment": "事后资助"},
    ),
    (
        # 2026 call of 省工信厅; "采取分阶段拨付方式"
        "fujian.vertical-model",
        {
            "applicant": _firm("fuzhou", qualifications=["fujian-model-a"]),
            "purchases": [{"item": "rnd", "amount": "5000万", "signed": "2026-03-01"}],
        },
        "2026-06-30",
        {"office": "福建省工业和信息化厅", "payment": "分阶段拨付"},
    ),
    (
        "fujian.compute-purchase",
        {
            "applicant": {"kind": "enterprise", "city": "fuzhou"},
            "purchases": [{"item": "compute", "amount": "80万", "signed": "2024-04-01"}],
        },
        "2024-12-31",
        {"office": "福建省工业和信息化厅"},
    ),
    (
        # 资金管理办法: "市经信局:负责…组织项目申报;…遴选第三方服务机构组织算力服务券发放";
        # 起草说明: "即领即用" (deducted at payment)
        "wuhan.compute-voucher",
        {
            "applicant": _firm("wuhan", sme=True),
            "purchases": [_buy("compute", "100万", "2025-05-01")],
        },
        "2025-12-31",
        {"office": "武汉市经济和信息化局", "payment": "即领即用"},
    ),
    (
        "dongguan.compute-voucher",
        {
            "applicant": {"kind": "enterprise", "city": "dongguan", "sector": "manufacturing"},
            "purchases": [
                {"item": "compute", "amount": "150万", "signed": "2025-04-01", "via_platform": True}
            ],
        },
        "2025-12-31",
        {"office": "东莞市人工智能算力服务平台"},
    ),
    (
        "zhongshan.compute-voucher",
        {
            "applicant": {"kind": "enterprise", "city": "zhongshan"},
            "purchases": [
                {
                    "item": "compute",
                    "use": "training",
                    "amount": "100万",
                    "signed": "2025-08-01",
                    "via_platform": True,
                }
            ],
        },
        "2025-12-31",
        {"office": "人工智能赋能平台"},
    ),
]


@pytest.mark.parametrize(("program", "profile", "as_of", "want"), CASES, ids=[c[0] for c in CASES])
def test_office_materials_and_payment_as_the_texts_say(
    program: str, profile: dict[str, Any], as_of: str, want: dict[str, Any]
) -> None:
    status, js = _app(program, profile, as_of)
    # no text gives these programs a window: the engine says so rather than guessing one
    assert status.state == "unknown"
    assert js["state"] == "unknown"
    if "office" in want:
        assert want["office"] in js["office"]["name"]
    for i, item in enumerate(want.get("materials", [])):
        assert item in js["materials"][i]
    if "payment" in want:
        assert want["payment"] in js["payment"]


def test_guizhou_platforms_belong_to_the_2024_terms_only() -> None:
    # the 2026 revision's report names no channel; a 2026 purchase gets no office
    profile = {
        "applicant": {"kind": "enterprise", "city": "shanghai"},
        "purchases": [_buy("compute", "40万", "2026-06-01", provider_city="guiyang")],
    }
    est = aivoucher.estimate(profile, programs=["guizhou.compute-voucher"], as_of="2026-12-07")
    award = est.award("guizhou.compute-voucher")
    assert award.program.version != "2024"
    assert award.program.application is None
    assert award.application is not None and award.application.state == "unknown"


# --- Every touched file records when its texts were read ------------------------------------

TOUCHED = [c[0] for c in CASES] + ["shenzhen.corpus-voucher"]


@pytest.mark.parametrize("program", TOUCHED)
def test_files_with_application_facts_were_checked(program: str) -> None:
    versions = [p for p in bundled_rules().programs if p.id == program and p.application]
    assert versions, program
    assert all(p.checked == dt.date(2026, 12, 7) for p in versions)


# --- Searched without a guide (2026-12-07): Chengdu, Hangzhou, Shanghai, Zhangzhou ----------


@pytest.mark.parametrize("place", ["chengdu", "hangzhou", "shanghai", "zhangzhou"])
def test_places_without_a_found_guide_publish_no_application(place: str) -> None:
    programs = [p for p in bundled_rules().programs if p.jurisdiction == place]
    assert programs
    assert all(p.application is None for p in programs)


def test_nanning_window_in_text_and_json() -> None:
    profile = {
        "applicant": {"kind": "enterprise", "city": "nanning"},
        "purchases": [
            {
                "item": "compute",
                "amount": "100万",
                "signed": "2025-03-01",
                "start": "2025-03-01",
                "end": "2025-12-31",
                "via_platform": True,
            }
        ],
    }
    rules = bundled_rules()
    during = rules.estimate(profile, programs=["nanning.compute-voucher"], as_of="2026-01-10")
    assert "open now, closes 2026-01-23 (for contracts or usage of 2025)" in during.to_text()
    after = rules.estimate(profile, programs=["nanning.compute-voucher"], as_of="2026-02-01")
    app = estimate_json(after.to_json())["awards"][0]["application"]
    assert app["state"] == "closed" and app["closed_for"] == [2025]
    assert app["payment"].startswith("Paid directly after use")


def test_programs_without_a_window_say_so() -> None:
    profile = {
        "applicant": {"kind": "enterprise", "city": "zhengzhou"},
        "purchases": [{"item": "compute", "amount": "300万", "signed": "2025-03-01"}],
    }
    est = bundled_rules().estimate(
        profile, programs=["zhengzhou.compute-voucher"], as_of="2025-06-30"
    )
    assert "Application: next window unknown" in est.to_text()
    assert "下一申报窗口未公布" in est.to_text(locale="zh")
