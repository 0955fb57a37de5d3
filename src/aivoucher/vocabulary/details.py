"""The parameters of each kind of trace step: one frozen record per :class:`StepKind`.

A :class:`~aivoucher.vocabulary.trace.Step` carries its parameters in ``detail``: the fact and
values of a condition, the cap's kind and amount, the tiers a rate chose. Each kind has its
record here (:data:`aivoucher.vocabulary.trace.DETAILS` maps each kind to it), so that the
evaluator that writes a field and the views that read it (:mod:`aivoucher.render.steps`,
:mod:`aivoucher.questions.curves` …) agree on its name, and ``mypy --strict`` catches a
misspelt one.

The estimate's JSON writes a record as an object (:meth:`Detail.items`): one key per field in
the order the fields are declared, a trailing ``_`` dropped (``from_`` is ``from``); a field
whose default is ``None`` is left out while it is ``None`` (a key the step does not always
carry), any other is written. The JSON contract's models of the details
(:mod:`aivoucher.render.estimate_json`) are derived from these records; a field's ``doc`` is its
description there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Literal

__all__ = [
    "NO_DETAIL",
    "AllocationDetail",
    "BaseDetail",
    "Bounds",
    "CapDetail",
    "ConditionDetail",
    "ConversionDetail",
    "Detail",
    "FirstYearsDetail",
    "MinimumDetail",
    "NoDetail",
    "PoolDetail",
    "ProrationDetail",
    "RateDetail",
    "RoundingDetail",
    "Share",
    "SupportYearsDetail",
    "ThresholdDetail",
    "TotalDetail",
    "YearDetail",
]

#: A ``(low, high)`` pair of amounts or rates.
Bounds = tuple[Decimal, Decimal]
CapPer = Literal["purchase", "tier", "applicant_year", "applicant_total"]
PoolPeriod = Literal["year", "program"]


def _doc(text: str, **more: Any) -> Any:
    """Field metadata: its description in the JSON contract (and, with ``minimum``, the least
    value of each entry)."""
    return {"doc": text, **more}


@dataclass(frozen=True, slots=True, kw_only=True)
class Detail:
    """The parameters of one step (each kind has its subclass)."""

    def items(self) -> dict[str, Any]:
        """The record as the JSON writes it (see the module docstring), values as they are."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and f.default is None:
                continue
            if isinstance(value, tuple) and value and isinstance(value[0], Detail):
                value = [v.items() for v in value]
            out[f.name.rstrip("_")] = value
        return out

    # Read access by key, as when ``detail`` was a dict: code written against the earlier
    # form keeps working. New code reads the fields, which mypy checks.
    def __getitem__(self, key: str) -> Any:
        return self.items()[key]

    def __contains__(self, key: object) -> bool:
        return key in self.items()

    def get(self, key: str, default: Any = None) -> Any:
        return self.items().get(key, default)


@dataclass(frozen=True, slots=True, kw_only=True)
class NoDetail(Detail):
    """A step without parameters."""


#: The detail of every step without parameters.
NO_DETAIL = NoDetail()


@dataclass(frozen=True, slots=True, kw_only=True)
class ConditionDetail(Detail):
    """An eligibility condition or purchase filter, and the profile's answer."""

    fact: str = field(metadata=_doc("The fact tested (`applicant.city`)."))
    expected: tuple[Any, ...] = field(metadata=_doc("What the condition accepts."))
    actual: Any = field(metadata=_doc("The profile's value; null: not given."))
    ok: bool | None = field(metadata=_doc("Met, not met, or unknown (null)."))


@dataclass(frozen=True, slots=True, kw_only=True)
class BaseDetail(Detail):
    """The amount the rate applies to: the contract's, or the settled amount."""

    of: Literal["contract", "settled"]
    from_contract: bool | None = field(
        default=None, metadata=_doc("No settled amount: the contract amount was used.")
    )
    settled_unknown: bool | None = field(
        default=None, metadata=_doc("No settled amount: the base runs from 0 to the contract's.")
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ProrationDetail(Detail):
    """The share of a contract's days inside the base period."""

    from_: dt.date = field(metadata=_doc("The base period's first day."))
    to: dt.date = field(metadata=_doc("The base period's last day."))
    days: int | None = field(default=None, metadata=_doc("The contract's days, if known."))
    inside: int | None = field(default=None, metadata=_doc("Its days inside the period."))


@dataclass(frozen=True, slots=True, kw_only=True)
class RateDetail(Detail):
    """The rate tiers that may apply, and the rate ceiling."""

    tiers: tuple[int, ...] = field(
        metadata=_doc("Indices of the rate tiers that may apply.", minimum=0)
    )
    ceiling: Decimal | None = field(default=None, metadata=_doc("The rate ceiling, if any."))


@dataclass(frozen=True, slots=True, kw_only=True)
class FirstYearsDetail(Detail):
    """A tier's rate limited to a contract's first years of service (the contract's days come
    first where its dates are known)."""

    days: int | None = field(default=None, metadata=_doc("The contract's days, if known."))
    inside: int | None = field(default=None, metadata=_doc("Its days in the first years."))
    years: int = field(metadata=_doc("The tier's rate holds for this many years of service."))
    rate: Bounds = field(metadata=_doc("The tier's rate."))
    rest: Bounds = field(metadata=_doc("The rate for the rest of the contract's term."))


@dataclass(frozen=True, slots=True, kw_only=True)
class CapDetail(Detail):
    """A cap: what it is per, its amount, whether it lowered the amount."""

    per: CapPer
    cap: Bounds
    binding: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolDetail(Detail):
    """The program's budget (per year, or over its life), and whether it lowered the amount."""

    period: PoolPeriod
    pool: Decimal
    binding: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ThresholdDetail(Detail):
    """The qualifying spend a year must reach before it pays."""

    threshold: Decimal = field(metadata=_doc("The year's qualifying spend must reach this."))
    inclusive: bool = field(metadata=_doc("Reaching it exactly counts."))
    spend: Bounds = field(metadata=_doc("The year's qualifying spend."))
    met: bool | None = field(metadata=_doc("Reached, not reached, or unknown (null)."))


@dataclass(frozen=True, slots=True, kw_only=True)
class MinimumDetail(Detail):
    """The least award paid, and whether it zeroed the amount."""

    minimum: Decimal
    binding: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class YearDetail(Detail):
    """A calendar year's purchases summed."""

    purchases: int = field(metadata=_doc("How many purchases the year sums."))


@dataclass(frozen=True, slots=True, kw_only=True)
class Share(Detail):
    """One purchase's part of a binding yearly limit."""

    purchase: str
    amount: Bounds
    share: Bounds


@dataclass(frozen=True, slots=True, kw_only=True)
class AllocationDetail(Detail):
    """How a binding yearly limit falls on the year's purchases."""

    shares: tuple[Share, ...] = field(metadata=_doc("Each purchase's share, in signing order."))


@dataclass(frozen=True, slots=True, kw_only=True)
class SupportYearsDetail(Detail):
    """Support limited to the first years of paying: how many, and the years it keeps."""

    count: int
    years: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class TotalDetail(Detail):
    """The years summed."""

    years: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversionDetail(Detail):
    """Amounts converted between currencies at the profile's rate (``fx``): the purchases
    into the currency the program pays in, or its award into the profile's. The step's
    ``rate`` is the units of ``to`` per unit of ``from``."""

    from_: str = field(metadata=_doc("The currency converted from (ISO 4217)."))
    to: str = field(metadata=_doc("The currency converted into (ISO 4217)."))


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundingDetail(Detail):
    """How the program rounds."""

    unit: Literal["fen", "yuan", "wan"]
    places: int
    mode: Literal["half_up", "truncate"]
    at: Literal["end", "each_step"]
