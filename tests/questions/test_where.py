"""Where to register: the decision view of a comparison and the where-to-register report."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.cli import main
from aivoucher.errors import InputError
from aivoucher.questions.places import places_with_programs
from aivoucher.questions.where import MAX_LEADING, leading_rows, where_to_register
from aivoucher.render.decision import arrange
from aivoucher.ruleset.registry import bundled_rules

W = Decimal(10_000)
AS_OF = "2026-12-07"  # Shenzhen's 训力券 ends on 2026-12-17
#: The analyst's plan: a start-up SME, not registered yet, renting 800万 of domestic training
#: compute, signing in March 2027.
PLAN = {
    "applicant": {"kind": "enterprise", "startup": True, "sme": True},
    "purchases": [
        {
            "id": "gpu-2027",
            "item": "compute",
            "use": "training",
            "amount": "800万",
            "signed": "2027-03-15",
            "chip_origin": "domestic",
        }
    ],
}
PLACES = ["shenzhen", "chengdu", "hangzhou", "wuhan", "beijing", "datong"]
# a profile path written as a path, which a Chinese reader should never see
PATH = re.compile(r"purchases\[\d+\]|applicant\.[a-z_]+")


@pytest.fixture(scope="module")
def comparison() -> aivoucher.Comparison:
    return aivoucher.compare(PLAN, as_of=AS_OF)


def test_the_leading_places_include_one_a_renewal_would_put_ahead(
    comparison: aivoucher.Comparison,
) -> None:
    chosen = leading_rows(comparison)
    ids = [(row.place.id, renewal) for row, renewal in chosen]
    paying = [r.place.id for r in comparison.rows if r.total_high > 0]
    assert [i for i, renewal in ids if not renewal] == paying[:3]
    # Shenzhen counts 0 today: its 训力券 ends before the contract, and would pay 480万
    assert ("shenzhen", True) in ids
    shenzhen = comparison.row("shenzhen")
    assert (shenzhen.total_high, shenzhen.if_renewed_high) == (0, 480 * W)


def test_each_brief_rests_on_what_narrows_gives(comparison: aivoucher.Comparison) -> None:
    report = where_to_register(comparison)
    for brief in report.briefs:
        estimate = brief.row.estimate
        if brief.renewal_only:
            estimate = aivoucher.estimate(estimate.profile, as_of=AS_OF, assume_renewal=True)
        assert brief.narrowing == aivoucher.what_narrows(estimate)
        total = sum((a.high for a in brief.estimate_awards if a.high), Decimal(0))
        assert total >= estimate.total_high  # the awards listed are the ones counted
    shenzhen = next(b for b in report.briefs if b.row.place.id == "shenzhen")
    assert [a.program.key for a in shenzhen.estimate_awards] == ["shenzhen.training-compute"]


@pytest.mark.parametrize("leading", [0, MAX_LEADING + 1, True, 2.5, "3"])
def test_the_number_of_leading_places_is_checked(
    comparison: aivoucher.Comparison, leading: object
) -> None:
    with pytest.raises(InputError) as caught:
        where_to_register(comparison, leading=leading)  # type: ignore[arg-type]
    assert caught.value.code == "input.invalid"
    assert caught.value.field == "leading"


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_report_shows_the_decision_and_what_it_rests_on(
    comparison: aivoucher.Comparison, locale: str
) -> None:
    html = comparison.to_report_html(locale=locale, today=dt.date(2026, 12, 7))
    assert html.startswith("<!doctype html>") and "<script" not in html
    assert "2026-12-07" in html
    names = {row.place.id: row.place.text(locale) for row in comparison.rows}
    for row, _ in leading_rows(comparison):
        assert names[row.place.id] in html
    # Shenzhen's renewal, with the end of the measure
    assert "480万" in html and "2026-12-17" in html
    # what to find out is in words from the fact table, never a path; in Chinese nothing is
    body = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    heading = "尚需确认" if locale == "zh" else "What to find out"
    find_out = [part.split("</ul>", 1)[0] for part in body.split(heading)[1:]]
    assert find_out and not any(PATH.search(part) for part in find_out)
    if locale == "zh":
        assert not PATH.search(body)
    assert ("服务商所在城市" if locale == "zh" else "provider city") in body
    # what to prepare: the program's published application facts, or that none were found
    assert ("申报准备" if locale == "zh" else "What to prepare") in body


def test_the_report_escapes_what_the_rules_say() -> None:
    plan = {**PLAN, "applicant": {**PLAN["applicant"], "name": "<img src=x onerror=alert(1)>"}}
    html = aivoucher.compare(plan, as_of=AS_OF, places=["chengdu"]).to_report_html()
    assert "<img" not in html


def test_the_cli_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN), encoding="utf-8")
    out = tmp_path / "where.html"
    args = ["report", str(plan), "--compare", "-o", str(out), "--as-of", AS_OF]
    assert main([*args, "--places", ",".join(PLACES), "--locale", "zh"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "注册地选择报告" in html and "成都市" in html
    assert main(["report", str(plan), "--places", "chengdu", "-o", str(out)]) == 2
    assert "--compare" in capsys.readouterr().err
    assert main([*args, "--places", ","]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_the_decision_view_fits_on_a_screen(comparison: aivoucher.Comparison) -> None:
    for locale in ("en", "zh"):
        text = comparison.to_text(locale=locale)
        assert len(text.splitlines()) <= 40
        lines = text.splitlines()
        assert lines[3].startswith(" 1. ")
        # both totals where a renewal would change one: Shenzhen 0 today, 480万 if renewed
        shenzhen = next(line for line in lines if "Shenzhen" in line or "深圳" in line)
        assert "480万" in shenzhen and "2026-12-17" in shenzhen
    assert not PATH.search(comparison.to_text(locale="zh"))
    assert not PATH.search(comparison.to_text(locale="en"))
    full = comparison.to_text(detail="full")
    assert len(full.splitlines()) > 40  # every award of every place


@settings(max_examples=12, deadline=None)
@given(
    st.sets(
        st.sampled_from(
            [p.id for p in places_with_programs(p.jurisdiction for p in bundled_rules().programs)]
        ),
        min_size=1,
        max_size=5,
    )
)
def test_every_place_is_shown_once(places: set[str]) -> None:
    comparison = aivoucher.compare(PLAN, as_of=AS_OF, places=sorted(places))
    decision = arrange(comparison)
    shown = [row.place.id for _, row in decision.paying]
    shown += [row.place.id for row in decision.unpublished]
    shown += [row.place.id for row in decision.nothing]
    shown += [row.place.id for row in decision.needs_rate]
    assert sorted(shown) == sorted(row.place.id for row in comparison.rows)
    ranks = [rank for rank, _ in decision.paying]
    assert ranks == sorted(ranks)
    for _, row in decision.paying:
        assert (
            row.total_high > 0
            or row.if_renewed_high != row.total_high
            or (row.if_renewed_low != row.total_low)
        )
    lines = [line.split(". ", 1)[-1] for line in comparison.to_text().splitlines()]
    for _, row in decision.paying:
        name = row.place.text("en")
        assert sum(line.startswith((f"{name}:", f"{name} (")) for line in lines) == 1


def test_the_notebook_view_puts_the_decision_first(comparison: aivoucher.Comparison) -> None:
    html = comparison._repr_html_()
    assert html.index("Chengdu") < html.index("Shenzhen")
    assert "If renewed" in html and "480万" in html
    assert not PATH.search(html)
