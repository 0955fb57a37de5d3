"""The words of trace steps: one entry per step kind, reading that kind's detail record, and
every kind the bundled programs' examples record reads as one line in both languages."""

from __future__ import annotations

import datetime as dt
import types
import typing
from decimal import Decimal

import pytest

from aivoucher.render import steps
from aivoucher.render.estimate_json import DETAILS as MODELS
from aivoucher.render.messages import messages
from aivoucher.render.steps import WORDS, step_line
from aivoucher.ruleset.registry import bundled_rules, example_profile
from aivoucher.vocabulary.details import Detail
from aivoucher.vocabulary.result import StepKind
from aivoucher.vocabulary.trace import DETAILS, Step


def test_every_step_kind_has_its_words_and_its_detail_record() -> None:
    """Each kind has its words, its detail record and the JSON model made from that record; the
    words read the kind's own record (so that mypy checks each field they read)."""
    assert set(WORDS) == set(StepKind) == set(DETAILS) == set(MODELS)
    for kind, words in WORDS.items():
        record = DETAILS[kind]
        assert issubclass(record, Detail)
        read = eval(words.__annotations__["d"], vars(steps))  # the annotation, postponed
        accepted = typing.get_args(read) if isinstance(read, types.UnionType) else (read,)
        assert record in accepted, (kind, read)
        keys = {f.rstrip("_") for f in record.__dataclass_fields__}
        model = MODELS[kind].model_fields
        assert {f.alias or name for name, f in model.items()} == keys, kind


def test_a_detail_reads_by_key_as_the_earlier_dict_did() -> None:
    from aivoucher.vocabulary.details import CapDetail, ProrationDetail

    cap = CapDetail(per="purchase", cap=(Decimal(1), Decimal(2)), binding=True)
    assert cap["binding"] is True and cap.get("per") == "purchase" and "cap" in cap
    proration = ProrationDetail(from_=dt.date(2025, 1, 1), to=dt.date(2025, 12, 31))
    assert proration["from"] == dt.date(2025, 1, 1) and "days" not in proration
    assert proration.get("days") is None
    with pytest.raises(KeyError):
        proration["days"]


def test_a_step_without_parameters_has_the_empty_record() -> None:
    step = Step(StepKind.AMOUNT)
    assert isinstance(step.detail, DETAILS[StepKind.AMOUNT]) and step.detail.items() == {}


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_every_recorded_step_reads_as_one_line(locale: str) -> None:
    m = messages(locale)
    seen: set[StepKind] = set()
    for entry in bundled_rules():
        for index, example in enumerate(entry.program.examples):
            profile = example_profile(entry.program, index, entry.path)
            award = entry.plan.explain(profile, frozenset(example.assume))
            for step in award.steps:
                assert type(step.detail) is DETAILS[step.kind], step
                line = m.step(step)
                assert line == step_line(m, step)
                assert line.strip() and "\n" not in line
                seen.add(step.kind)
    assert len(seen) >= 12  # the examples exercise most kinds
