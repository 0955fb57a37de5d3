"""Estimate.from_json believes nothing the rules do not give: a document is read back only if it
is exactly the JSON of the estimate made again from its own profile (docs/json.md)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import profile
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.base.paths import error_path
from aivoucher.cli import main
from aivoucher.errors import CODES, EstimateError
from aivoucher.questions.whatif import what_narrows
from aivoucher.render import estimate_fields, estimate_read
from aivoucher.ruleset.registry import bundled_rules
from aivoucher.testing import profiles, profiles_for
from aivoucher.vocabulary.result import Estimate

RULES = bundled_rules()
PROGRAM_IDS = sorted({p.id for p in RULES.programs})
TRAINING = "shenzhen.training-compute"
#: 4,000,000 to 4,800,000 from the Shenzhen training-compute voucher alone: 50% of a 800万
#: contract, or 60% if the applicant is a start-up (not given)
SHENZHEN = profile(
    {"id": "gpu", "item": "compute", "use": "training", "amount": "800万", "signed": "2025-03-01"}
)
#: What a document that is not what the rules give is refused with (besides estimate.invalid)
FORGED = {c for c in CODES if c.startswith("estimate.")} - {"estimate.invalid"}


def _estimate(**options: Any) -> Estimate:
    return aivoucher.estimate(SHENZHEN, as_of="2025-06-30", **options)


def _data(**options: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_estimate(**options).to_json())
    return data


def _index(data: dict[str, Any], program: str = TRAINING) -> int:
    return next(i for i, a in enumerate(data["awards"]) if a["program"] == program)


def _refused(data: Any, code: str, field: str | None) -> EstimateError:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    with pytest.raises(EstimateError) as info:
        Estimate.from_json(text)
    error = info.value
    assert (error.code, error.field) == (code, field), str(error)
    assert len(error.errors) <= estimate_read.MAX_PROBLEMS
    assert "\n" not in str(error)
    return error


# -- the forged documents found -----------------------------------------------------------------


def test_the_real_document_reads_back() -> None:
    data = _data()
    awards = [a for a in data["awards"] if a["low"] is not None]
    assert sum(int(a["high"]) for a in awards if a["eligible"]) >= 4_800_000
    assert Estimate.from_json(json.dumps(data)) == _estimate()


def test_totals_above_what_the_awards_add_up_to() -> None:
    data = _data()
    assert (data["total_low"], data["total_high"]) == ("4000000", "4800000")
    data["total_low"] = data["total_high"] = "99999999"
    error = _refused(data, "estimate.totals", "total_low")
    assert [e.field for e in error.errors] == ["total_low", "total_high"]
    assert "4000000" in error.message and "4800000" in error.errors[1].message


def test_an_award_whose_amount_contradicts_its_steps() -> None:
    data = _data()
    i = _index(data)
    steps = data["awards"][i]["steps"]
    assert steps[-1]["after"] == {"low": "4000000", "high": "4800000"}
    data["awards"][i].update(low="9000000", high="9000000")
    _refused(data, "estimate.inconsistent", f"awards[{i}].low")
    # and a trace changed to match the forged amount is not the rules' trace either
    steps[-1]["after"] = {"low": "9000000", "high": "9000000"}
    _refused(data, "estimate.inconsistent", f"awards[{i}].low")
    data["awards"][i].update(low="4000000", high="4800000")
    _refused(data, "estimate.inconsistent", f"awards[{i}].steps[{len(steps) - 1}].after.low")


def test_low_above_high() -> None:
    data = _data()
    i = _index(data)
    data["awards"][i]["low"] = "5000000"
    _refused(data, "estimate.bounds", f"awards[{i}].low")
    data = _data()
    data["total_low"] = "5000000"
    _refused(data, "estimate.bounds", "total_low")


def test_two_thousand_copies_of_one_award() -> None:
    data = _data()
    i = _index(data)
    data["awards"] = [data["awards"][i]] * 2000
    error = _refused(data, "estimate.duplicate_award", "awards[1]")
    assert len(error.errors) == estimate_read.MAX_PROBLEMS
    # two copies among the real awards: the same
    data = _data()
    data["awards"].append(data["awards"][i])
    _refused(data, "estimate.duplicate_award", f"awards[{len(data['awards']) - 1}]")


@pytest.mark.parametrize("version", [1, 4, "2", "3", 2.0, 3.0, True, None, [2]])
def test_schema_version_an_integer_this_version_reads(version: Any) -> None:
    data = _data()
    data["schema_version"] = version
    _refused(data, "estimate.schema_version", "schema_version")
    data.pop("schema_version")
    _refused(data, "estimate.schema_version", "schema_version")


def test_whatif_never_sees_forged_totals() -> None:
    est = _estimate()
    back = Estimate.from_json(est.to_json())
    assert what_narrows(back) == what_narrows(est)
    data = json.loads(est.to_json())
    data["total_high"] = "99999999"
    with pytest.raises(EstimateError):
        what_narrows(Estimate.from_json(json.dumps(data)))


def test_every_part_is_compared() -> None:
    """A changed sentence, reason, step, purchase label or uncounted program, an award left out:
    each refused where it is."""
    data = _data(include_all=True)
    i = _index(data)
    changes: list[tuple[Callable[[dict[str, Any]], object], str, str]] = [
        (lambda d: d["awards"][i]["name"].update(en="Gift"), "estimate.inconsistent", "name.en"),
        (
            lambda d: d["awards"][i]["assumptions"][0].update(text="trust me"),
            "estimate.inconsistent",
            "assumptions[0].text",
        ),
        (
            lambda d: d["awards"][i]["steps"][0]["sources"][0].update(quote="最高1亿元"),
            "estimate.inconsistent",
            "steps[0].sources[0].quote",
        ),
        (
            lambda d: d["awards"][i].update(purchases=["other"]),
            "estimate.inconsistent",
            "purchases[0]",
        ),
        (lambda d: d["awards"][i].update(eligible=None), "estimate.inconsistent", "eligible"),
        (lambda d: d["awards"][i]["steps"].pop(), "estimate.inconsistent", "steps"),
        (lambda d: d["awards"][i]["reasons"].append(d["awards"][0]["reasons"][0]), "", "reasons"),
    ]
    for change, code, field in changes:
        forged = json.loads(json.dumps(data))
        change(forged)
        with pytest.raises(EstimateError) as info:
            Estimate.from_json(json.dumps(forged))
        assert info.value.code in FORGED, (field, str(info.value))
        assert (info.value.field or "").startswith(f"awards[{i}].{field}"), str(info.value)
        if code:
            assert info.value.code == code
    other = next(k for k, a in enumerate(data["awards"]) if a["reasons"])
    forged = json.loads(json.dumps(data))
    forged["awards"][other]["reasons"][0]["text"] = "never"
    _refused(forged, "estimate.inconsistent", f"awards[{other}].reasons[0].text")
    # a program left out entirely reads as an estimate of the others (programs=…), whose
    # totals are not these
    forged = json.loads(json.dumps(data))
    del forged["awards"][i]
    _refused(forged, "estimate.totals", "total_low")
    forged = json.loads(json.dumps(data))
    forged["uncounted"] = [forged["awards"][0]["program"]]
    _refused(forged, "estimate.inconsistent", "uncounted[0]")


def test_what_may_be_left_out_and_what_may_not() -> None:
    """An estimate lists the versions out of force only with include_all (or a program named):
    leaving those out still reads; leaving out an award that pays does not."""
    full = _data(include_all=True)
    nothing = [
        k
        for k, a in enumerate(full["awards"])
        if [r["code"] for r in a["reasons"]] == ["not_in_force"]
    ]
    assert nothing
    short = dict(full, awards=[a for k, a in enumerate(full["awards"]) if k not in nothing])
    assert Estimate.from_json(json.dumps(short)).awards == tuple(
        a for k, a in enumerate(_estimate(include_all=True).awards) if k not in nothing
    )


def test_malformed_values_are_invalid_not_inconsistent() -> None:
    data = _data()
    i = _index(data)
    data["awards"][i]["steps"][0]["before"] = {"low": 5, "high": "1"}
    error = _refused(data, "estimate.invalid", f"awards[{i}].steps[0].before.low")
    assert all(e.code == "estimate.invalid" for e in error.errors)
    data = _data()
    data["awards"][i]["steps"][0]["detail"]["surprise"] = True
    _refused(data, "estimate.invalid", f"awards[{i}].steps[0].detail.surprise")
    data = _data()
    data["awards"][i]["application"] = {"state": "open"}
    error = _refused(data, "estimate.invalid", f"awards[{i}].application.opens")
    data = _data()
    data["profile"]["purchases"][0]["amount"] = "8000000.00"
    _refused(data, "estimate.invalid", "profile.purchases[0].amount")


def test_rules_not_loaded_say_so(tmp_path: Path) -> None:
    from conftest import rule, write_rule

    from aivoucher.errors import UnknownProgramError
    from aivoucher.ruleset.registry import load_rules

    write_rule(tmp_path / "rules", rule())
    rules = load_rules(tmp_path / "rules")
    est = rules.estimate(profile(amount="300万"), as_of="2025-06-30")
    with pytest.raises(UnknownProgramError) as info:
        Estimate.from_json(est.to_json())
    assert "made with other rules" in str(info.value) and "--rules" in str(info.value)
    assert Estimate.from_json(est.to_json(), rules=rules) == est


# -- settings, locales, round trips --------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"include_all": True},
        {"programs": [TRAINING, "shanghai.compute-voucher"]},
        {"programs": ["shanghai.compute-voucher", TRAINING]},
        {"assume_renewal": True},
        {"assume": sorted(RULES.switches)[:1]},
    ],
    ids=repr,
)
@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_settings_are_read_from_the_document(options: dict[str, Any], locale: str) -> None:
    late = profile(
        {"item": "compute", "use": "training", "amount": "300万", "signed": "2025-03-01"},
        {"item": "compute", "use": "training", "amount": "200万", "signed": "2031-03-01"},
        startup=True,
    )
    est = aivoucher.estimate(late, as_of="2025-06-30", **options)
    back = Estimate.from_json(est.to_json(locale=locale))
    assert back == est
    assert back.to_json(locale=locale) == est.to_json(locale=locale)
    assert back.assume_renewal == any(
        a.code.value == "renewal" for x in est.awards for a in x.assumptions
    )
    used = {a.field for x in est.awards for a in x.assumptions if a.code.value == "switch"}
    assert set(back.assume) == used


def test_a_document_in_two_locales_is_refused() -> None:
    est = _estimate(include_all=True)
    en, zh = json.loads(est.to_json()), json.loads(est.to_json(locale="zh"))
    texts = [k for k, a in enumerate(en["awards"]) if a["reasons"]]
    mixed = dict(en, awards=list(en["awards"]))
    mixed["awards"][texts[-1]] = zh["awards"][texts[-1]]
    with pytest.raises(EstimateError) as info:
        Estimate.from_json(json.dumps(mixed, ensure_ascii=False))
    assert info.value.code == "estimate.inconsistent"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prof=profiles(), as_of=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
def test_random_profiles_round_trip(prof: Any, as_of: dt.date) -> None:
    est = RULES.estimate(prof, as_of=as_of)
    text = est.to_json()
    back = Estimate.from_json(text)
    assert back == est and back.to_json() == text


def _figures(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The paths of every amount, rate or year written as decimal text, outside the profile
    (and the programs' versions, which name them)."""
    if isinstance(value, dict):
        return [
            p
            for k, v in value.items()
            if k not in ("profile", "version")
            for p in _figures(v, (*path, k))
        ]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _figures(v, (*path, i))]
    if isinstance(value, str) and re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        return [path]
    return []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=st.sampled_from(sorted(RULES.programs, key=lambda p: p.key)), data=st.data())
def test_any_figure_changed_is_refused(program: Any, data: st.DataObject) -> None:
    """Any one amount, rate or year of a real estimate changed (in an award, its trace, its
    reasons, the totals or the notes): refused, naming that field."""
    prof = data.draw(profiles_for(program))
    as_of = data.draw(st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
    programs = [program.id, *data.draw(st.lists(st.sampled_from(PROGRAM_IDS), max_size=2))]
    est = RULES.estimate(prof, programs=programs, as_of=as_of, include_all=True)
    doc = json.loads(est.to_json())
    paths = _figures(doc)
    assume(paths)
    path = data.draw(st.sampled_from(paths))
    target = doc
    for part in path[:-1]:
        target = target[part]
    old = target[path[-1]]
    amounts = st.integers(0, 10**9).map(str)
    rates = st.decimals(0, 1, places=4).map(lambda d: format(d.normalize(), "f"))
    new = data.draw((amounts | rates).filter(lambda s: s != old))
    target[path[-1]] = new
    with pytest.raises(EstimateError) as info:
        Estimate.from_json(json.dumps(doc, ensure_ascii=False))
    assert info.value.code in FORGED, str(info.value)
    field = error_path(path)
    if info.value.code == "estimate.bounds":  # reported at the pair's low
        assert info.value.field == re.sub(r"(high|low)$", "low", field)
    else:
        assert info.value.field == field, str(info.value)


# -- bounded ------------------------------------------------------------------------------------


def test_a_large_malformed_document_fails_on_its_first_problems() -> None:
    data = _data()
    data["awards"] = [{}] * 100_000  # 400 KB of empty awards
    error = _refused(data, "estimate.too_large", "awards")
    assert len(error.errors) == 1
    # as many empty awards as the rules could give: stopped after the first few
    data["awards"] = [{}] * (len(RULES.programs) + 1)
    error = _refused(data, "estimate.invalid", "awards[0].program")
    assert len(error.errors) == estimate_read.MAX_PROBLEMS


def test_a_long_trace_of_nothing_stops_at_its_first_step() -> None:
    data = _data()
    i = _index(data)
    data["awards"][i]["steps"] = [{}] * 200_000
    error = _refused(data, "estimate.invalid", f"awards[{i}].steps[0]")
    assert len(error.errors) < estimate_read.MAX_PROBLEMS
    # the real trace ten thousand times: compared up to its end, the rest is not looked at
    steps = _data()["awards"][i]["steps"]
    data["awards"][i]["steps"] = steps * 10_000
    error = _refused(data, "estimate.inconsistent", f"awards[{i}].steps[{len(steps)}]")
    assert len(error.errors) == 1


def test_a_profile_of_many_malformed_purchases_stops_at_its_first_chunk() -> None:
    data = _data()
    data["profile"]["purchases"] = [{"amount": "lots"}] * 50_000
    error = _refused(data, "estimate.invalid", "profile.purchases[0].item")
    assert len(error.errors) == estimate_read.MAX_PROBLEMS


def test_more_purchases_than_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(estimate_fields, "MAX_PURCHASES", 3)  # where the profile is read
    data = _data()
    data["profile"]["purchases"] *= 4
    _refused(data, "estimate.too_large", "profile.purchases")


def test_long_lists_of_notes_are_counted_first() -> None:
    data = _data()
    data["stacking"] = [{}] * (len(data["awards"]) ** 2 + 1)
    _refused(data, "estimate.too_large", "stacking")
    data = _data()
    data["uncounted"] = ["x"] * (len(data["awards"]) + 1)
    _refused(data, "estimate.too_large", "uncounted")


# -- the command line ---------------------------------------------------------------------------


def test_cli_verify(tmp_path: Path, capsys: Any) -> None:
    good = tmp_path / "estimate.json"
    good.write_text(_estimate().to_json(), encoding="utf-8")
    assert main(["verify", str(good)]) == 0
    assert "Total:" in capsys.readouterr().out
    assert main(["verify", str(good), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(good.read_text(encoding="utf-8"))
    cases: list[tuple[Callable[[dict[str, Any]], object], str]] = [
        (lambda d: d.update(total_high="99999999"), "estimate.totals"),
        (lambda d: d["awards"][_index(d)].update(low="9000000"), "estimate.bounds"),
        (lambda d: d["awards"][_index(d)].update(low="1", high="1"), "estimate.inconsistent"),
        (lambda d: d.update(awards=[d["awards"][0]] * 2000), "estimate.duplicate_award"),
        (lambda d: d.update(awards=[{}] * 100_000), "estimate.too_large"),
        (lambda d: d.update(schema_version=2.0), "estimate.schema_version"),
    ]
    for change, code in cases:
        data = _data()
        change(data)
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps(data), encoding="utf-8")
        assert main(["verify", str(bad)]) == 2
        captured = capsys.readouterr()
        err = captured.err
        assert captured.out == "" and err.count("\n") == 1 and "Traceback" not in err
        assert err.startswith(f"error: {bad}: ")
        assert main(["verify", str(bad), "--format", "json"]) == 2
        report = json.loads(capsys.readouterr().err)["error"]
        assert report["code"] == code and report["file"] == str(bad)


# -- who made the document ---------------------------------------------------------------------


def test_the_document_names_its_maker_and_rules() -> None:
    est = aivoucher.estimate(profile(amount="800万", startup=True), as_of="2025-06-30")
    data = json.loads(est.to_json())
    assert data["generator"] == {
        "name": "aivoucher",
        "version": aivoucher.__version__,
        "rules": {"digest": RULES.digest, "count": len(RULES)},
    }
    assert list(data)[:2] == ["schema_version", "generator"]


def test_a_document_made_with_other_rules_is_refused_naming_them() -> None:
    est = aivoucher.estimate(profile(amount="800万", startup=True), as_of="2025-06-30")
    data = json.loads(est.to_json())
    data["generator"]["rules"]["digest"] = "0" * 64
    with pytest.raises(EstimateError) as caught:
        Estimate.from_json(json.dumps(data, ensure_ascii=False))
    assert (caught.value.code, caught.value.field) == (
        "estimate.inconsistent",
        "generator.rules.digest",
    )


def test_a_document_of_an_earlier_version_without_a_generator_still_reads_back() -> None:
    est = aivoucher.estimate(profile(amount="800万", startup=True), as_of="2025-06-30")
    data = json.loads(est.to_json())
    del data["generator"]
    assert Estimate.from_json(json.dumps(data, ensure_ascii=False)) == est
