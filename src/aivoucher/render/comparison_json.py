"""The comparison's JSON contract as pydantic models: its JSON Schema
(``aivoucher schema --output comparison``), for tools that read ``aivoucher compare --format
json``. :mod:`aivoucher.render.comparison` writes the document; a test checks every comparison
it writes against this schema."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from ..base.money import Currency
from ..vocabulary.schema import Confidence as ConfidenceText
from .estimate_json import CheckedDoc, DateText, DecimalText, GeneratorDoc, _Doc

__all__ = ["ComparisonDocument", "comparison_schema"]


class NamesDoc(_Doc):
    zh: str
    en: str


class RowAwardDoc(_Doc):
    """An award that pays or may pay in the row's estimate."""

    program: str
    version: str | None
    name: str
    low: DecimalText | None
    high: DecimalText | None
    currency: Currency = Field(description="The currency of `low` and `high`: the program's.")
    counted: bool
    renewal: bool
    confidence: ConfidenceText | None


class NoteDoc(_Doc):
    """Something to know about one award's dates: its program's known end (``expires``), a
    renewal it depends on (``renewal``) or one assumed (``renewal_assumed``)."""

    code: Literal["expires", "renewal", "renewal_assumed"]
    program: str
    date: DateText
    text: str


class LeftOutDoc(_Doc):
    """An award the estimate counts that ``min_confidence`` leaves out of the row's totals."""

    program: str
    version: str | None
    name: str
    low: DecimalText | None
    high: DecimalText | None
    confidence: ConfidenceText | None


class RowDoc(_Doc):
    """One place: the plan's estimate as if the applicant were registered there."""

    place: str
    name: NamesDoc
    province: str
    whole_province: bool
    currency: Currency = Field(
        description="The currency of the row's totals: the plan's. An award in another "
        "currency counts in them only at the plan's rate (fx)."
    )
    total_low: DecimalText
    total_high: DecimalText
    if_renewed_low: DecimalText
    if_renewed_high: DecimalText
    confidence: ConfidenceText | None
    checked: CheckedDoc
    spend: DecimalText
    effective_rate_low: DecimalText | None
    effective_rate_high: DecimalText | None
    awards: list[RowAwardDoc]
    missing: list[str]
    notes: list[NoteDoc]
    #: With ``min_confidence``: the awards left out of the totals for weaker sources.
    left_out: list[LeftOutDoc] = Field(default_factory=list)


class ComparisonDocument(_Doc):
    """The JSON of ``aivoucher compare --format json`` and ``Comparison.to_json()``."""

    model_config = ConfigDict(title="aivoucher comparison")

    schema_version: Literal[3]
    generator: GeneratorDoc
    as_of: DateText
    currency: Currency = Field(description="The currency of the plan's amounts and the totals.")
    spend: DecimalText
    #: The weakest source label the totals rest on, when the comparison was asked for one.
    min_confidence: ConfidenceText | None = None
    rows: list[RowDoc]


def comparison_schema() -> dict[str, Any]:
    """The JSON Schema of the comparison JSON (draft 2020-12)."""
    schema = ComparisonDocument.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
