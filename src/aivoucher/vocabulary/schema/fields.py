"""The field types and the two bases every part of a rule file is built on.

``Strict`` refuses any field the schema does not define (and freezes the model); ``Cited`` is
anything the policy text states, so it names the ``source`` it quotes or the ``assumption`` it
relies on. ``Prose`` is text a reader sees, always in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    model_validator,
)

from ...base.money import canonical, parse_amount, parse_rate
from ...base.types import Amount
from ..facts import FACTS as _FACTS
from ..facts import FactName
from ..rule_text import refuse_control

__all__ = [
    "CONFIDENCE_ORDER",
    "FACTS",
    "AmountBounds",
    "AmountValue",
    "Cited",
    "Confidence",
    "Fact",
    "Ident",
    "Prose",
    "RateBounds",
    "Status",
    "Strict",
    "Text",
    "weakest",
]

#: A fact's name, as a condition or an example's expected reason gives it (the names of
#: :data:`aivoucher.vocabulary.facts.FACTS`, where each fact is defined).
Fact = FactName
#: Each fact and the operator it takes (read from the fact table; kept for code that reads it
#: here).
FACTS: dict[str, str] = {name: fact.operator for name, fact in _FACTS.items()}

Confidence = Literal["official", "copy", "report", "seed"]
#: Source labels, strongest first (the order of :data:`Confidence`).
CONFIDENCE_ORDER: tuple[str, ...] = get_args(Confidence)


def weakest(levels: Iterable[str]) -> str | None:
    """The weakest of some source labels (``None`` where there are none): what a figure resting
    on all of them rests on."""
    return max(levels, key=CONFIDENCE_ORDER.index, default=None)


Status = Literal["in_force", "draft", "superseded", "expired"]


def _bounds(parse: Any, what: str) -> Any:
    def parse_bounds(value: object) -> tuple[Decimal, Decimal]:
        if isinstance(value, (list, tuple)):
            if len(value) != 2:
                raise ValueError(f"a {what} range is written [low, high]")
            low, high = parse(value[0]), parse(value[1])
            if low > high:
                raise ValueError(f"{what} range [low, high] has low above high")
            return low, high
        single = parse(value)
        return single, single

    return parse_bounds


_BOUNDS_OUT = PlainSerializer(
    lambda b: [canonical(b[0]), canonical(b[1])], return_type=list[str], when_used="json"
)
RateBounds = Annotated[
    tuple[Decimal, Decimal],
    PlainValidator(_bounds(parse_rate, "rate"), json_schema_input_type=str | list[str]),
    _BOUNDS_OUT,
]
AmountBounds = Annotated[
    tuple[Decimal, Decimal],
    PlainValidator(_bounds(parse_amount, "amount"), json_schema_input_type=str | int | list[str]),
    _BOUNDS_OUT,
]
AmountValue = Amount
# Names, titles, quotes and prose: no control character (a newline or an escape sequence in a
# name would forge or recolour a line of every text view; aivoucher.base.visible).
Text = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(refuse_control)]
Ident = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Prose(Strict):
    """Text a reader sees, in Chinese and English: ``{zh: …, en: …}``, both required."""

    zh: Text
    en: Text

    @model_validator(mode="before")
    @classmethod
    def _both_languages(cls, value: object) -> object:
        if isinstance(value, str):
            raise ValueError("write this text in both languages: {zh: …, en: …}")
        return value

    def text(self, locale: str) -> str:
        """The text in ``locale`` (``zh`` or ``en``)."""
        return self.zh if locale == "zh" else self.en

    def __str__(self) -> str:
        return self.en


class Cited(Strict):
    """Something the policy text states: which source, in its own words."""

    source: Ident | None = Field(default=None, description="id of an entry in `sources`.")
    quote: Text | None = Field(default=None, description="Verbatim Chinese wording.")
    assumption: Ident | None = Field(
        default=None, description="id of the entry in `ambiguities` this encoding relies on."
    )

    @model_validator(mode="after")
    def _justified(self) -> Cited:
        if self.source is None and self.assumption is None:
            raise ValueError("cite a `source` (with its `quote`) or name an `assumption`")
        if self.source is not None and self.quote is None:
            raise ValueError("a `source` needs the `quote` of the original wording")
        return self
