"""Conditions on named facts (who is eligible, which rate tier applies), and the switches and
qualifications a condition may name."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from ...base import jurisdictions
from ...base.types import Date
from ..facts import FACTS as _FACTS
from .fields import AmountValue, Fact, Ident, Prose, Strict, Text

__all__ = ["Condition", "EligibilityCondition", "Qualification", "Switch"]

# How the values a condition names are resolved to place ids, by the fact's kind.
_PLACES = {
    "city": jurisdictions.city,
    "province": jurisdictions.province,
    "district": jurisdictions.district,
}


class Condition(Strict):
    """A test on one fact of the applicant or of a purchase."""

    fact: Fact
    in_: list[str] | None = Field(default=None, alias="in")
    is_: bool | None = Field(default=None, alias="is")
    from_: Date | None = Field(default=None, alias="from")
    to: Date | None = None
    has: Ident | None = Field(
        default=None, description="applicant.qualifications, purchase.qualifications: an id"
    )
    max_years: int | None = Field(default=None, ge=1, le=50, description="purchase.term")
    max: AmountValue | None = Field(default=None, description="year.contracts_total")
    id: Ident | None = Field(
        default=None, description="switch: the name of a user-switchable assumption (--assume)"
    )
    if_unknown: Literal["range", "pass", "fail"] = Field(
        default="range",
        description="range: an unknown fact widens the estimate to both answers; pass / fail: "
        "it is taken as meeting / not meeting the condition, and the estimate says so (needs an "
        "`assumption`)",
    )
    source: Ident | None = None
    quote: Text | None = None
    assumption: Ident | None = None

    @property
    def expected(self) -> tuple[Any, ...]:
        """The values the condition accepts: the ``in`` list, the ``is`` value, or the
        ``(from, to)`` window."""
        if self.in_ is not None:
            return tuple(self.in_)
        if self.is_ is not None:
            return (self.is_,)
        for single in (self.has, self.max_years, self.max, self.id):
            if single is not None:
                return (single,)
        return (self.from_, self.to)

    @model_validator(mode="after")
    def _operator_fits(self) -> Condition:
        op = _FACTS[self.fact].operator
        given = [
            name
            for name, value in (
                ("in", self.in_),
                ("is", self.is_),
                ("from", self.from_),
                ("to", self.to),
                ("has", self.has),
                ("max_years", self.max_years),
                ("max", self.max),
                ("id", self.id),
            )
            if value is not None
        ]
        allowed = op.split("/")
        if not given or any(g not in allowed for g in given):
            raise ValueError(f"`{self.fact}` takes `{op}`")
        if self.in_ is not None:
            if not self.in_:
                raise ValueError("`in` needs at least one value")
            fact = _FACTS[self.fact]
            if fact.kind == "enum":
                domain = [str(v) for v in fact.domain or ()]
                bad = [v for v in self.in_ if v not in domain]
                if bad:
                    raise ValueError(
                        f"{bad[0]!r} is not a value of {self.fact} (one of: {', '.join(domain)})"
                    )
            else:  # a place: names and aliases become ids
                place = _PLACES[fact.kind]
                object.__setattr__(self, "in_", [place(v) for v in self.in_])
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError("`to` is before `from`")
        if self.source is not None and self.quote is None:
            raise ValueError("a `source` needs the `quote` of the original wording")
        if self.if_unknown != "range" and self.assumption is None:
            raise ValueError(
                f"`if_unknown: {self.if_unknown}` needs the `assumption` that justifies it"
            )
        return self


class EligibilityCondition(Condition):
    """A condition of eligibility, with the text (or the assumption) that sets it."""

    @model_validator(mode="after")
    def _justified(self) -> EligibilityCondition:
        if self.source is None and self.assumption is None:
            raise ValueError("cite a `source` (with its `quote`) or name an `assumption`")
        return self


class Switch(Strict):
    """A reading the user may switch on with ``--assume NAME`` (off by default)."""

    id: Ident
    description: Prose


class Qualification(Strict):
    """A status no arithmetic decides (a national list, a model's size) that the profile
    declares under ``applicant.qualifications``."""

    id: Ident
    zh: Text
    en: Text
    description: Prose
