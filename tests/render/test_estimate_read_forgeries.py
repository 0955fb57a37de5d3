"""Estimate.from_json refuses a document with any one value of its trace changed, and one with a
key written twice anywhere, however deep (docs/json.md, "Reading an estimate back").

The document is a real estimate whose trace holds every kind of step, a yearly limit's share of
each purchase among them: its steps are compared without being written again, and its text is
parsed once, so these say that neither leaves anything out."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from conftest import json_paths
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.cli import main
from aivoucher.errors import CODES, EstimateError
from aivoucher.render.estimate_compare import difference
from aivoucher.vocabulary.result import Estimate

#: A Shenzhen start-up's six contracts of 3 million yuan: past the yearly limits, which fall on
#: each purchase in turn (``allocation`` steps), as well as every usual kind of step.
PROFILE = {
    "applicant": {"kind": "enterprise", "city": "shenzhen", "startup": True},
    "purchases": [
        {
            "item": "compute",
            "use": "training",
            "amount": 3_000_000 + 37 * i,
            "signed": f"2025-{1 + 2 * i:02d}-{1 + 3 * i:02d}",
        }
        for i in range(6)
    ],
}
ESTIMATE = aivoucher.estimate(PROFILE, as_of="2025-06-30")
TEXT = ESTIMATE.to_json()
DOC: dict[str, Any] = json.loads(TEXT)
#: What a document that is not what the rules give is refused with.
REFUSED = {c for c in CODES if c.startswith("estimate.")}

STEPS = [(i, j) for i, a in enumerate(DOC["awards"]) for j in range(len(a["steps"]))]
KINDS = sorted({DOC["awards"][i]["steps"][j]["kind"] for i, j in STEPS})


def test_the_document_holds_every_kind_of_step_and_reads_back() -> None:
    assert {"allocation", "amount", "base", "cap", "condition", "rate"} <= set(KINDS)
    assert Estimate.from_json(TEXT) == ESTIMATE


# What a forger or a damaged file may put in place of a value: the same value of another type
# above all (1 for true, 1.0 for 1), text for a number, an empty container.
_VALUES = st.sampled_from([None, True, False, -1, 0, 1, 2, 0.5, 1.0, "", "0", "1", "#1", [], {}])


def _retyped(value: Any) -> Any:
    """An equal value of another type where there is one: what only a strict comparison tells
    apart (``True`` → ``1``, ``1`` → ``1.0``, read back as a decimal)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return float(value)
    return value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_one_value_of_any_step_changed_is_refused_there(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(KINDS))
    i, j = data.draw(
        st.sampled_from([s for s in STEPS if DOC["awards"][s[0]]["steps"][s[1]]["kind"] == kind])
    )
    doc = copy.deepcopy(DOC)
    step = doc["awards"][i]["steps"][j]
    path = data.draw(st.sampled_from(json_paths(step)))
    how = data.draw(st.sampled_from(["replace", "retype", "drop", "add"]))
    holder: Any = doc["awards"][i]["steps"]
    last: Any = j
    for part in path:
        holder, last = holder[last], part
    if how == "retype":
        holder[last] = _retyped(holder[last])
    elif how == "drop" and isinstance(holder, dict):
        del holder[last]
    elif how == "drop":
        holder.pop(last)
    elif how == "add" and isinstance(holder[last], dict):
        holder[last]["extra"] = data.draw(_VALUES)
    elif how == "add" and isinstance(holder[last], list):
        holder[last].append(data.draw(_VALUES))
    else:
        holder[last] = data.draw(_VALUES)
    original = DOC["awards"][i]["steps"][j]
    changed = doc["awards"][i]["steps"]
    assume(len(changed) != len(DOC["awards"][i]["steps"]) or difference(changed[j], original))
    try:
        Estimate.from_json(json.dumps(doc, ensure_ascii=False))
    except EstimateError as error:
        assert error.code in REFUSED, str(error)
        assert (error.field or "").startswith(f"awards[{i}].steps"), str(error)
    else:
        raise AssertionError(f"read back with awards[{i}].steps[{j}] changed ({how} {path})")


def _with_key_twice(doc: dict[str, Any], path: tuple[Any, ...], key: str, value: Any) -> str:
    """The document's text with ``key`` written a second time, with ``value``, in the object
    at ``path``."""
    marker = "\x01twice\x01"
    doc = copy.deepcopy(doc)
    target: Any = doc
    for part in path:
        target = target[part]
    items = [*target.items(), (key, value)]
    text = (
        "{"
        + ", ".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in items)
        + "}"
    )
    if not path:
        return text
    holder: Any = doc
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = marker
    return json.dumps(doc, ensure_ascii=False).replace(json.dumps(marker), text)


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


OBJECTS = [p for p in json_paths(DOC) if isinstance(_get(DOC, p), dict) and _get(DOC, p)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_key_written_twice_anywhere_is_refused(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(OBJECTS))
    target = _get(DOC, path)
    key = data.draw(st.sampled_from(sorted(target)))
    value = data.draw(st.sampled_from([target[key], None, "0"]))
    text = _with_key_twice(DOC, path, key, value)
    try:
        Estimate.from_json(text)
    except EstimateError as error:
        assert error.code == "estimate.invalid", str(error)
        assert "duplicate key" in error.message, str(error)
    else:
        raise AssertionError(f"read back with {key!r} twice at {path}")


def test_a_key_written_twice_deep_in_a_trace_is_refused_by_the_cli(
    tmp_path: Path, capsys: Any
) -> None:
    i, j = next(s for s in STEPS if DOC["awards"][s[0]]["steps"][s[1]]["kind"] == "allocation")
    path = ("awards", i, "steps", j, "detail", "shares", 0, "amount")
    bad = tmp_path / "twice.json"
    bad.write_text(_with_key_twice(DOC, path, "low", "0"), encoding="utf-8")
    assert main(["verify", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert "Traceback" not in captured.err and "duplicate key" in captured.err
    assert main(["verify", str(bad), "--format", "json"]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "estimate.invalid"
