"""The trace vocabulary: what an award's explanation is made of.

A :class:`Step` is one stage of the computation (its kind, the amounts before and after, the
parameters, the quoted text it relies on); a :class:`Reason` says why a program pays nothing or
may pay nothing; an :class:`Assumption` names a reading or a missing fact the amount rests on;
a :class:`StackingNote` says how programs that share purchases are totalled. The codes
(:class:`StepKind`, :class:`ReasonCode`, :class:`AssumptionCode`) are stable: tools branch on
them and the JSON carries them. The engine builds these records; the results
(:mod:`aivoucher.vocabulary.result`) hold them; the renderers turn them into words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .details import (
    NO_DETAIL,
    AllocationDetail,
    BaseDetail,
    Bounds,
    CapDetail,
    ConditionDetail,
    ConversionDetail,
    Detail,
    FirstYearsDetail,
    MinimumDetail,
    NoDetail,
    PoolDetail,
    ProrationDetail,
    RateDetail,
    RoundingDetail,
    SupportYearsDetail,
    ThresholdDetail,
    TotalDetail,
    YearDetail,
)

if TYPE_CHECKING:
    from .schema import Prose

__all__ = [
    "DETAILS",
    "Assumption",
    "AssumptionCode",
    "Bounds",
    "Detail",
    "Reason",
    "ReasonCode",
    "StackingNote",
    "Step",
    "StepKind",
    "discard_step",
]


class StepKind(StrEnum):
    """The kinds of trace step, in the order the engine takes them."""

    CONDITION = "condition"  # an eligibility condition on the applicant, or a purchase filter
    BASE = "base"  # the amount the rate applies to
    PRORATION = "proration"  # the share of a contract's days inside the base period
    RATE = "rate"  # the rate, and the tier that chose it
    AMOUNT = "amount"  # base × rate for one purchase
    FIRST_YEARS = "first_years"  # a tier's rate limited to a contract's first N years of service
    CAP = "cap"  # a cap (per purchase, per year, over the program's life)
    MINIMUM = "minimum"  # an award below the program's minimum is not paid
    LUMP_SUM = "lump_sum"  # a fixed award
    THRESHOLD = "threshold"  # a year's qualifying spend must reach an amount before it pays
    POOL = "pool"  # the program's budget bounding the award
    YEAR = "year"  # a calendar year's purchases summed
    ALLOCATION = "allocation"  # how a binding yearly limit falls on the purchases, in signing order
    SUPPORT_YEARS = "support_years"  # support limited to the first N years
    TOTAL = "total"  # the years summed
    UNCERTAIN = "uncertain"  # eligibility turns on an unknown fact: the low end becomes 0
    ROUNDING = "rounding"
    CONVERSION = "conversion"  # amounts converted between currencies at the profile's rate


#: Each step kind and the record of its ``detail`` (:mod:`aivoucher.vocabulary.details`); a test
#: checks that every kind has one.
DETAILS: Mapping[StepKind, type[Detail]] = MappingProxyType(
    {
        StepKind.CONDITION: ConditionDetail,
        StepKind.BASE: BaseDetail,
        StepKind.PRORATION: ProrationDetail,
        StepKind.RATE: RateDetail,
        StepKind.FIRST_YEARS: FirstYearsDetail,
        StepKind.AMOUNT: NoDetail,
        StepKind.CAP: CapDetail,
        StepKind.MINIMUM: MinimumDetail,
        StepKind.THRESHOLD: ThresholdDetail,
        StepKind.LUMP_SUM: NoDetail,
        StepKind.POOL: PoolDetail,
        StepKind.YEAR: YearDetail,
        StepKind.ALLOCATION: AllocationDetail,
        StepKind.SUPPORT_YEARS: SupportYearsDetail,
        StepKind.TOTAL: TotalDetail,
        StepKind.UNCERTAIN: NoDetail,
        StepKind.ROUNDING: RoundingDetail,
        StepKind.CONVERSION: ConversionDetail,
    }
)


class ReasonCode(StrEnum):
    NOT_IN_FORCE = "not_in_force"
    CONDITION_FAILED = "condition_failed"
    CONDITION_UNKNOWN = "condition_unknown"
    NO_PURCHASES = "no_purchases"
    NO_QUALIFYING_PURCHASE = "no_qualifying_purchase"
    NO_RATE_TIER = "no_rate_tier"
    RATE_UNPUBLISHED = "rate_unpublished"
    BELOW_MINIMUM = "below_minimum"
    BELOW_THRESHOLD = "below_threshold"  # the year's qualifying spend is below the threshold
    MORE_EXCLUDED = "more_excluded"  # further purchases excluded, counted but not itemised
    OTHER_VERSION = "other_version"  # signed outside this version's window: another version applies
    BEFORE_EFFECTIVE = "before_effective"  # signed before the program took effect (no version)
    AFTER_END = "after_end"  # signed after the last known version ends: depends on renewal
    DAY_MATTERS = "day_matters"  # a month or quarter given: what each of its days would pay
    RATE_NEEDED = "rate_needed"  # pays in another currency than the profile's: a rate is needed


class AssumptionCode(StrEnum):
    RULE = "rule"  # an interpretation the rule file declares in `ambiguities`
    MISSING_FACT = "missing_fact"  # a profile fact is unknown: the range covers both answers
    SETTLED_FROM_CONTRACT = "settled_from_contract"  # no settled amount: the contract amount used
    SETTLED_UNKNOWN = "settled_unknown"  # no settled amount: range from 0 to the contract amount
    ASSUMED_MET = "assumed_met"  # an unknown fact taken as meeting the condition, as the rule says
    ASSUMED_NOT_MET = "assumed_not_met"  # an unknown fact taken as not meeting it, as the rule says
    SWITCH = "switch"  # a user-switchable assumption that is on
    RENEWAL = "renewal"  # the last known version assumed extended past its end (field: the end)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the computation.

    ``subject`` is the purchase label (``gpu-2025`` or ``#1``), the calendar year (``"2025"``)
    or ``None`` for the program as a whole. ``before``/``after`` are the amounts the step took
    and gave; ``rate`` the rate it applied. ``detail`` holds the step's parameters (the fact and
    values of a condition, the cap's kind and amount), a record of the kind's type in
    :data:`DETAILS`. ``cites`` pairs the id of each program
    source the step relies on with the quoted wording; ``assumption`` is the id of the
    ambiguity the step relies on.
    """

    kind: StepKind
    subject: str | None = None
    before: Bounds | None = None
    after: Bounds | None = None
    rate: Bounds | None = None
    detail: Detail = NO_DETAIL
    cites: tuple[tuple[str, str], ...] = ()
    assumption: str | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a program pays nothing (or may pay nothing): a failed or undetermined condition."""

    code: ReasonCode
    fact: str | None = None
    expected: tuple[Any, ...] = ()
    actual: Any = None
    subject: str | None = None
    source: str | None = None
    text: str | Prose | None = None  # the rule file's text (what is unpublished), or a status


@dataclass(frozen=True, slots=True)
class Assumption:
    """A choice the estimate rests on: a rule file's declared reading, or a missing fact."""

    code: AssumptionCode
    ambiguity: str | None = None
    field: str | None = None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class StackingNote:
    """Programs that draw on the same purchases, and how the totals treat them.

    ``relation`` is ``stackable`` or ``exclusive`` (a pair the rule files relate), or ``unknown``
    (no rule file says: every program of the group, which may be more than two);
    ``ceiling`` is the combined rate limit a stackable pair declares, if any.
    """

    programs: tuple[str, ...]
    relation: str
    purchases: tuple[str, ...]
    ceiling: Decimal | None = None


def discard_step(step: Step) -> None:
    """A step visitor that keeps nothing (the trace's steps are not wanted, only its reasons
    and assumptions)."""
