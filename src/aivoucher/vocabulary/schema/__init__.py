"""The rule-file schema: one program, as data, with a source for every number.

A rule file is validated once by these pydantic models (``extra="forbid"`` everywhere) and then
compiled into an evaluation plan (:mod:`aivoucher.plan`). The vocabulary is closed: conditions on
named facts, rate tiers, caps of named kinds, a pool and a rounding rule. There is no expression
language, so a rule file can describe a program but never run code.

Citations: every rate, cap, pool, date window and eligibility condition names a ``source`` (the
``id`` of an entry in ``sources``) and quotes the original Chinese wording, or names the
``assumption`` (the ``id`` of an entry in ``ambiguities``) under which it was encoded.

``rules/schema.json`` is generated from these models (``aivoucher schema``), so editors can check
rule files while they are written.

The models live in one module per part of a rule file, and every name is importable from here
(``from aivoucher.vocabulary.schema import Program``):

- ``fields``: the field types (text, ids, rate and amount ranges, source labels) and the bases
  ``Strict`` (no unknown field) and ``Cited`` (a source and its quote, or an assumption);
- ``sources``: sources, names, the document, ambiguities and history;
- ``conditions``: conditions on facts, switches and qualifications;
- ``amounts``: base, rate, caps, pool, threshold, minimum, support years, stacking, rounding;
- ``application``: how and when to apply;
- ``program``: the program itself, its examples, and the checks across its parts.
"""

from __future__ import annotations

from .amounts import (
    Base,
    Cap,
    CitedRate,
    LumpSum,
    Minimum,
    Pool,
    Proration,
    RateSpec,
    RoundingSpec,
    Stacking,
    SupportYears,
    Threshold,
    Tier,
)
from .application import (
    Application,
    Frequency,
    Material,
    MonthDay,
    Office,
    Payment,
    Window,
    YearlyDays,
)
from .conditions import Condition, EligibilityCondition, Qualification, Switch
from .fields import (
    CONFIDENCE_ORDER,
    FACTS,
    AmountBounds,
    AmountValue,
    Cited,
    Confidence,
    Fact,
    Ident,
    Prose,
    RateBounds,
    Status,
    Strict,
    Text,
    weakest,
)
from .program import ContractWindow, Effective, Example, Expect, Program
from .sources import Ambiguity, Document, HistoryEntry, Names, Source

__all__ = [
    "CONFIDENCE_ORDER",
    "FACTS",
    "Ambiguity",
    "AmountBounds",
    "AmountValue",
    "Application",
    "Base",
    "Cap",
    "Cited",
    "CitedRate",
    "Condition",
    "Confidence",
    "ContractWindow",
    "Document",
    "Effective",
    "EligibilityCondition",
    "Example",
    "Expect",
    "Fact",
    "Frequency",
    "HistoryEntry",
    "Ident",
    "LumpSum",
    "Material",
    "Minimum",
    "MonthDay",
    "Names",
    "Office",
    "Payment",
    "Pool",
    "Program",
    "Proration",
    "Prose",
    "Qualification",
    "RateBounds",
    "RateSpec",
    "RoundingSpec",
    "Source",
    "Stacking",
    "Status",
    "Strict",
    "SupportYears",
    "Switch",
    "Text",
    "Threshold",
    "Tier",
    "Window",
    "YearlyDays",
    "weakest",
]
