"""Reading back the estimate of a long profile: each trace is made once, and a tampered or cut
trace of a version the general engine judges is refused as before."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from aivoucher.result import Estimate

import aivoucher
from aivoucher.errors import EstimateError
from aivoucher.evaluate import engine

# the general engine judges this one for the profile below, which leaves unknown whether the
# applicant is a start-up (a fact its rate tiers read); it pays the profile
GENERAL = "shenzhen.training-compute"
AS_OF = "2025-06-30"


def _profile(purchases: int) -> dict[str, Any]:
    return {
        "applicant": {"kind": "enterprise", "city": "shenzhen"},
        "purchases": [
            {
                "item": "compute",
                "use": "training",
                "amount": 10_000 + 37 * i,
                "signed": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
            }
            for i in range(purchases)
        ],
    }


@pytest.fixture
def long_profile(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A profile longer than the length above which a trace is left to be made when read."""
    monkeypatch.setattr(engine, "TRACE_ON_ACCESS_ABOVE", 3)
    return _profile(8)


def _award(document: dict[str, Any], program: str) -> dict[str, Any]:
    return next(a for a in document["awards"] if a["program"] == program)


def test_the_general_engine_judges_the_program_tested() -> None:
    from aivoucher.vocabulary.profile import parse_profile

    fast = aivoucher.bundled_rules().get(GENERAL).plan.fast
    assert fast is not None
    assert fast.decide(parse_profile(_profile(2)), frozenset(), None) is None


def test_a_long_estimate_reads_back_with_each_trace_made_once(
    long_profile: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    est = aivoucher.estimate(long_profile, as_of=AS_OF)
    text = est.to_json()
    assert _award(json.loads(text), GENERAL)["high"] != "0"
    made: Counter[str] = Counter()
    explain = engine.Plan.explain

    def counted(plan: engine.Plan, *args: Any, **kwargs: Any) -> Any:
        made[plan.program.key] += 1
        return explain(plan, *args, **kwargs)

    monkeypatch.setattr(engine.Plan, "explain", counted)
    back = Estimate.from_json(text)
    assert made[GENERAL] == 1
    assert max(made.values()) == 1
    assert back == est
    assert back.to_json() == text


@pytest.mark.parametrize("cut", ["changed", "shorter", "longer"])
def test_a_long_estimate_with_a_tampered_trace_is_refused(
    long_profile: dict[str, Any], cut: str
) -> None:
    document = json.loads(aivoucher.estimate(long_profile, as_of=AS_OF).to_json())
    steps = _award(document, GENERAL)["steps"]
    if cut == "changed":
        last = next(s for s in reversed(steps) if s["after"] is not None)
        last["after"]["high"] = str(int(float(last["after"]["high"])) + 1)
    elif cut == "shorter":
        steps.pop()
    else:
        steps.append(steps[-1])
    with pytest.raises(EstimateError) as caught:
        Estimate.from_json(json.dumps(document, ensure_ascii=False))
    assert caught.value.code == "estimate.inconsistent"
    assert any("steps" in str(e.field) for e in [caught.value, *caught.value.errors])
