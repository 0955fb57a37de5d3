"""The estimate's JSON contract: its schema, codes beside sentences, and reading it back."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import estimate_json, profile, rule, write_rule
from hypothesis import given
from hypothesis import strategies as st

import aivoucher
from aivoucher.cli import main
from aivoucher.errors import EstimateError, UnknownProgramError
from aivoucher.render.estimate_json import DETAILS
from aivoucher.render.messages import messages
from aivoucher.render.schema_export import estimate_schema
from aivoucher.ruleset.registry import bundled_rules, load_rules
from aivoucher.testing import profiles, profiles_for
from aivoucher.vocabulary.details import CapDetail, RateDetail
from aivoucher.vocabulary.result import Award, Estimate, StepKind

RULES = bundled_rules()
PROGRAMS = sorted({e.program.id for e in RULES})
SWITCHES = sorted(RULES.switches)
AS_OF = st.dates(dt.date(2023, 1, 1), dt.date(2027, 12, 31))

SHENZHEN = profile(
    {
        "id": "gpu",
        "item": "compute",
        "use": "training",
        "amount": "800万",
        "signed": "2025-03-01",
        "start": "2025-03-01",
        "end": "2026-06-30",
    },
    startup=True,
)


def _award_fields(award: Award) -> tuple[Any, ...]:
    return (
        award.program,
        award.eligible,
        award.renewal,
        award.low,
        award.high,
        award.reasons,
        award.assumptions,
        award.steps,
        award.missing,
        award.purchases,
    )


def assert_round_trip(est: Estimate, *, rules: Any = None) -> None:
    """from_json(to_json(e)) equals e field by field, with the same types; to_json is a
    fixpoint; and the JSON follows the published schema."""
    text = est.to_json()
    estimate_json(text)
    back = Estimate.from_json(text, rules=rules)
    assert back.as_of == est.as_of and back.profile == est.profile
    assert (back.total_low, back.total_high) == (est.total_low, est.total_high)
    assert back.stacking == est.stacking and back.uncounted == est.uncounted
    assert len(back.awards) == len(est.awards)
    for mine, theirs in zip(est.awards, back.awards, strict=True):
        assert _award_fields(theirs) == _award_fields(mine), mine.program.key
        for a, b in zip(mine.steps, theirs.steps, strict=True):
            assert a.detail == b.detail, (a.kind, a.detail, b.detail)
            assert _types(a.detail.items()) == _types(b.detail.items()), (a.kind, a.detail)
        for a, b in zip(mine.reasons, theirs.reasons, strict=True):
            assert _types(a.expected) == _types(b.expected) and _types(a.actual) == _types(
                b.actual
            ), a
    assert back == est
    assert back.rules is (rules if rules is not None else RULES)
    assert back.to_json() == text
    assert back.to_json(locale="zh") == est.to_json(locale="zh")


def _types(value: Any) -> Any:
    """The value's shape with each leaf replaced by its type: equal values of different types
    (a list for a tuple, a str for a date) differ here."""
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_types(v) for v in value))
    return type(value)


@pytest.mark.parametrize("program", PROGRAMS)
@given(data=st.data())
def test_round_trip_every_bundled_program(program: str, data: st.DataObject) -> None:
    prof = data.draw(profiles_for(RULES.get(program).program))
    as_of = data.draw(AS_OF)
    assume = data.draw(st.lists(st.sampled_from(SWITCHES), max_size=1)) if SWITCHES else []
    renewal = data.draw(st.booleans())
    est = RULES.estimate(
        prof,
        programs=[program],
        as_of=as_of,
        include_all=True,
        assume=assume,
        assume_renewal=renewal,
    )
    assert_round_trip(est)


@given(prof=profiles(), as_of=AS_OF)
def test_round_trip_all_programs_together(prof: Any, as_of: dt.date) -> None:
    assert_round_trip(RULES.estimate(prof, as_of=as_of, include_all=True))


def test_round_trip_examples_and_a_rich_estimate() -> None:
    est = aivoucher.estimate(SHENZHEN, as_of="2025-06-30", include_all=True)
    assert_round_trip(est)
    for entry in RULES:
        for example in entry.program.examples:
            prof = aivoucher.parse_profile(example.profile)
            assert_round_trip(RULES.estimate(prof, as_of=example.as_of, include_all=True))


def test_round_trip_with_a_users_rules(tmp_path: Path) -> None:
    write_rule(tmp_path / "rules", rule())
    rules = load_rules(tmp_path / "rules")
    est = rules.estimate(profile(amount="300万"), as_of="2025-06-30")
    assert_round_trip(est, rules=rules)
    with pytest.raises(UnknownProgramError) as info:
        Estimate.from_json(est.to_json())  # the bundled rules do not define it
    assert info.value.field == "awards[0].program"


@pytest.mark.parametrize("many", [False, True])
def test_written_piece_by_piece_is_the_same_text(many: bool) -> None:
    import io

    from aivoucher.render.json import COMPACT_ABOVE, estimate_to_dict, render_json, write_json

    purchases = [
        {"item": "compute", "amount": 1000 + i, "signed": f"2025-0{1 + i % 9}-01"}
        for i in range(COMPACT_ABOVE + 1 if many else 2)
    ]
    est = aivoucher.estimate(
        profile(*purchases), programs=["shenzhen.training-compute"], as_of="2025-06-30"
    )
    out = io.StringIO()
    write_json(est, out)
    text = out.getvalue()
    assert text == render_json(est) + "\n"
    assert ("\n" in text.rstrip("\n")) is not many  # a long profile's JSON is one line
    # written piece by piece, it is the document the dictionaries make, with the full trace
    assert json.loads(text) == json.loads(json.dumps(estimate_to_dict(est), ensure_ascii=False))
    assert len(json.loads(text)["awards"][0]["steps"]) == len(est.awards[0].steps)
    estimate_json(text)


def test_types_come_back() -> None:
    est = Estimate.from_json(aivoucher.estimate(SHENZHEN, as_of="2025-06-30").to_json())
    award = est.award("shenzhen.training-compute")
    assert isinstance(award.high, Decimal) and award.high == Decimal(4_800_000)
    cap = next(s for s in award.steps if s.kind is StepKind.CAP)
    assert isinstance(cap.detail, CapDetail)
    assert isinstance(cap.detail.cap, tuple) and isinstance(cap.detail.cap[0], Decimal)
    rate = next(s for s in award.steps if s.kind is StepKind.RATE)
    assert isinstance(rate.detail, RateDetail)
    assert rate.detail.tiers == (0,) and isinstance(rate.rate, tuple)
    assert isinstance(est.as_of, dt.date) and isinstance(est.profile, aivoucher.Profile)
    assert est.profile.purchases[0].amount == Decimal(8_000_000)


def test_codes_beside_sentences() -> None:
    data = estimate_json(aivoucher.estimate(SHENZHEN, as_of="2025-06-30").to_json())
    assert data["schema_version"] == 3
    est = aivoucher.estimate(SHENZHEN, as_of="2025-06-30")
    assert data["profile"] == est.profile.model_dump(mode="json")
    first = data["profile"]["purchases"][0]
    assert (first["id"], first["amount"], first["signed"], first["end"]) == (
        "gpu",
        "8000000",
        "2025-03-01",
        "2026-06-30",
    )
    assert first["settled"] is None and first["related_party"] is False
    awards = {a["program"]: a for a in data["awards"]}
    other, reason = next(
        (a["program"], r)
        for a in data["awards"]
        for r in a["reasons"]
        if r["fact"] == "applicant.city"
    )
    city = other.split(".")[0]
    assert reason["code"] == "condition_failed"
    assert (reason["expected"], reason["actual"]) == ([city], "shenzhen")
    assert messages("en").value(city) in reason["text"]
    training = awards["shenzhen.training-compute"]
    assert training["purchases"] == ["gpu"] and training["purchase_indices"] == [0]
    rules_ = [a for a in training["assumptions"] if a["code"] == "rule"]
    program = RULES.get("shenzhen.training-compute").program
    assert rules_ and all(a["id"] in {x.id for x in program.ambiguities} for a in rules_)
    assert all(a["text"] for a in training["assumptions"])
    zh = estimate_json(aivoucher.estimate(SHENZHEN, as_of="2025-06-30").to_json(locale="zh"))
    zh_reason = next(
        r
        for a in zh["awards"]
        if a["program"] == other
        for r in a["reasons"]
        if r["fact"] == "applicant.city"
    )
    assert zh_reason["code"] == reason["code"]
    assert messages("zh").value(city) in zh_reason["text"]


def test_every_step_kind_has_its_parameters_described() -> None:
    assert set(DETAILS) == set(StepKind)
    steps = estimate_schema()["$defs"]["AwardDoc"]["properties"]["steps"]["items"]
    assert set(steps["discriminator"]["mapping"]) == {k.value for k in StepKind}


def test_schema_command(capsys: Any) -> None:
    assert main(["schema", "--output", "estimate"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == estimate_schema()
    # it writes 3 and reads 2 as well
    assert printed["properties"]["schema_version"]["enum"] == [2, 3]
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "aivoucher rule file"


def _good() -> dict[str, Any]:
    return json.loads(aivoucher.estimate(SHENZHEN, as_of="2025-06-30").to_json())


def _broken(change: Any) -> str:
    data = _good()
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[1, 2]",
        _broken(lambda d: d.pop("awards")),
        _broken(lambda d: d.update(total_low=1.5)),
        _broken(lambda d: d.update(total_low="-1")),
        _broken(lambda d: d.update(as_of="2025-02-30")),
        _broken(lambda d: d.update(extra=True)),
        _broken(lambda d: d["awards"][0].update(eligible="yes")),
        _broken(lambda d: d["awards"][0]["reasons"].append({"code": "nope"})),
        _broken(lambda d: d["awards"][0].update(purchase_indices=[7])),
        _broken(lambda d: d["profile"]["purchases"][0].update(amount="lots")),
        _broken(
            lambda d: next(a for a in d["awards"] if a["steps"])["steps"][0].update(
                kind="proration", detail={"from": "yesterday"}
            )
        ),
    ],
)
def test_bad_json_is_a_typed_error(text: str) -> None:
    with pytest.raises(EstimateError) as info:
        Estimate.from_json(text)
    assert info.value.code == "estimate.invalid"
    assert all(e.code == "estimate.invalid" for e in info.value.errors)
    assert "\n" not in str(info.value)


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.sampled_from(["", "x", "0", "-1", "1.5", "2025-02-30", "2025-06-30", "condition"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [path] + [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [path] + [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return [path]


_RICH = json.loads(aivoucher.estimate(SHENZHEN, as_of="2025-06-30", include_all=True).to_json())
_PATHS = [p for p in _leaves(_RICH) if p]


@given(path=st.sampled_from(_PATHS), value=_JSON)
def test_any_damaged_estimate_is_a_typed_error_or_reads(path: tuple[Any, ...], value: Any) -> None:
    """Replacing any one value of a real estimate's JSON with any JSON value: from_json reads it
    (into an estimate that renders) or raises an InputError, never anything else."""
    data = json.loads(json.dumps(_RICH))
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    try:
        back = Estimate.from_json(json.dumps(data))
    except aivoucher.InputError as exc:
        # tests/render/test_estimate_json_verify.py: which code for which damage
        assert exc.code.startswith("estimate.") or exc.code == "program.unknown", exc.code
    else:
        back.to_json(locale="zh")
        back.to_text()


def test_a_wrong_version_of_a_program_is_unknown() -> None:
    with pytest.raises(UnknownProgramError):
        Estimate.from_json(_broken(lambda d: d["awards"][0].update(version="1999")))
