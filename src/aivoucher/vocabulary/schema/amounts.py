"""How the award is computed: the base, the rate (tiers, a ceiling, a lump sum), caps, the
pool, an annual threshold, a minimum, support years, stacking with other programs and rounding."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ...base.types import Date
from .conditions import Condition
from .fields import AmountBounds, AmountValue, Cited, Ident, Prose, RateBounds, Strict, Text

__all__ = [
    "Base",
    "Cap",
    "CitedRate",
    "LumpSum",
    "Minimum",
    "Pool",
    "Proration",
    "RateSpec",
    "RoundingSpec",
    "Stacking",
    "SupportYears",
    "Threshold",
    "Tier",
]


class Tier(Cited):
    """A rate that applies when all ``when`` conditions hold (an empty ``when`` always holds)."""

    when: list[Condition] = Field(default_factory=list)
    rate: RateBounds = Field(description="`60%`, or a range `[50%, 60%]` where the text gives one.")
    cap: AmountBounds | None = Field(
        default=None,
        description='A per-purchase ceiling that belongs to this tier ("20%, 最高5000万" for one '
        'class of project, "15%, 最高1000万" for another); cited by the tier\'s quote.',
    )
    first_years: int | None = Field(
        default=None,
        ge=1,
        le=50,
        description="The tier's rate applies only to the first N years of each contract's "
        "service period (start to end), by share of days; the rest of the contract takes the "
        "rate of the next tier that applies (Shanghai's 最多1年、最高100%). Without dates, "
        "the range runs from the rest rate to the tier's rate on the whole contract.",
    )

    @model_validator(mode="after")
    def _first_years_alone(self) -> Tier:
        if self.first_years is not None and self.cap is not None:
            raise ValueError("a tier limited to `first_years` takes no tier `cap`")
        return self


class CitedRate(Cited):
    rate: RateBounds


class LumpSum(Cited):
    """A fixed award ("奖励100万元", or "最高2000万元" read as its maximum): paid once to an
    applicant that meets the conditions, whatever it buys (``per: applicant``), or once for each
    qualifying entry of the profile (``per: purchase``: "每个给予最高100万元", an award for each
    evaluated model or corpus the applicant made)."""

    amount: AmountBounds
    per: Literal["applicant", "purchase"] = "applicant"


class RateSpec(Strict):
    """The rate: the first tier whose conditions hold wins; an optional ceiling bounds them all.

    Where the text publishes no rate, write ``unpublished`` (what is missing) instead of tiers:
    the program is then reported with no amount. A fixed award is a ``lump_sum``.
    """

    tiers: list[Tier] = Field(default_factory=list)
    ceiling: CitedRate | None = None
    unpublished: Prose | None = None
    lump_sum: LumpSum | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> RateSpec:
        if sum(map(bool, (self.tiers, self.unpublished, self.lump_sum))) != 1:
            raise ValueError("give one of `tiers`, `lump_sum` or `unpublished`")
        if self.ceiling is not None and not self.tiers:
            raise ValueError("a `ceiling` bounds `tiers`")
        return self


class Proration(Cited):
    """The base period: a contract counts by the share of its days inside [from, to].

    Days are counted as date differences (end − start), both for the contract and for its part
    inside the period; a purchase without start and end dates is counted in full at the high
    end and not at all at the low end.
    """

    from_: Date = Field(alias="from")
    to: Date

    @model_validator(mode="after")
    def _order(self) -> Proration:
        if self.to <= self.from_:
            raise ValueError("`to` must be after `from`")
        return self


class Base(Cited):
    """What the rate applies to: the contract amount or the settled (delivered) amount."""

    of: Literal["contract", "settled"]
    prorate: Proration | None = Field(
        default=None,
        description="Count only the share of each contract's days inside a base period.",
    )
    if_unknown: Literal["contract", "range"] | None = Field(
        default=None,
        description="settled only: when a purchase gives no `settled`, use the contract amount "
        "(reported as an assumption) or report the range 0 to the contract amount.",
    )

    @model_validator(mode="after")
    def _fallback(self) -> Base:
        if self.of == "settled" and self.if_unknown is None:
            raise ValueError("a settled base needs `if_unknown: contract` or `if_unknown: range`")
        if self.of == "contract" and self.if_unknown is not None:
            raise ValueError("`if_unknown` applies to a settled base only")
        return self


class Cap(Cited):
    """A ceiling on the award: per purchase, per applicant per calendar year, or over the
    program's life. A range ``[100万, 200万]`` encodes "原则上100万, 最高200万"."""

    per: Literal["purchase", "applicant_year", "applicant_total"]
    amount: AmountBounds


class Pool(Cited):
    """The program's budget; it also bounds any single applicant's award."""

    amount: AmountValue
    period: Literal["year", "program"]


class Threshold(Cited):
    """An annual spend threshold ("年度购买总额达到30万元以上的"): a calendar year pays nothing
    unless its qualifying purchases' bases add up to ``amount`` (``inclusive``: reaching it is
    enough, "(含)"; otherwise the total must exceed it). Once reached, the rate applies to the
    whole spend of the year, as every text seen so far says ("按实际支出费用"), not to the
    excess."""

    amount: AmountValue
    inclusive: bool


class Minimum(Cited):
    """The smallest award per purchase (application); a smaller one is not paid."""

    amount: AmountValue


class Stacking(Cited):
    """How this program combines with another on the same purchase.

    ``stackable``: both pay (``ceiling``, if given, bounds their combined rate on the shared
    purchases); ``exclusive``: the applicant gets one of them. Pairs with no declared relation
    are reported as unknown, never silently summed.
    """

    program: Annotated[str, Field(pattern=r"^[a-z][a-z-]*\.[a-z0-9][a-z0-9-]*$")]
    relation: Literal["stackable", "exclusive"]
    ceiling: RateBounds | None = None


class SupportYears(Cited):
    """Support for a period of at most ``count`` calendar years ("补助期限不超过3年"), counted
    from the first calendar year that pays: with ``count: 3`` and a first paying year 2026,
    purchases of 2026, 2027 and 2028 count, later ones do not, whether or not every year in
    between had purchases."""

    count: int = Field(ge=1, le=50)


class RoundingSpec(Strict):
    """Rounding of amounts: to the fen, the yuan or 万元 with ``places`` decimals; half-up or
    truncated; at the end only or after every step."""

    unit: Literal["fen", "yuan", "wan"] = "fen"
    places: int = Field(default=0, ge=0, le=6)
    mode: Literal["half_up", "truncate"] = "half_up"
    at: Literal["end", "each_step"] = "end"
    source: Ident | None = None
    quote: Text | None = None

    @model_validator(mode="after")
    def _places(self) -> RoundingSpec:
        if self.places and self.unit != "wan":
            raise ValueError("`places` applies to unit `wan` only")
        return self

    @property
    def quantum(self) -> Decimal:
        if self.unit == "fen":
            return Decimal("0.01")
        if self.unit == "yuan":
            return Decimal(1)
        # 万元 with ``places`` decimals: 10^(4 − places) yuan, as an exponent (quantize reads
        # only a quantum's exponent: 10 ** 4 would be Decimal('10000'), the yuan)
        return Decimal(1).scaleb(4 - self.places)
