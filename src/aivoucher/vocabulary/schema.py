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
"""

from __future__ import annotations

import datetime as dt
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

from ..base import jurisdictions
from ..base.money import canonical, parse_amount, parse_rate
from ..base.types import Amount, Date
from ..errors import RuleFileError, UnknownCityError
from .facts import FACTS as _FACTS
from .facts import FactName
from .profile import Purchase
from .rule_text import refuse_control

__all__ = [
    "CONFIDENCE_ORDER",
    "FACTS",
    "Ambiguity",
    "Base",
    "Cap",
    "Condition",
    "ContractWindow",
    "Example",
    "Expect",
    "Fact",
    "Pool",
    "Program",
    "Prose",
    "RateSpec",
    "RoundingSpec",
    "Source",
    "Tier",
]

#: A fact's name, as a condition or an example's expected reason gives it (the names of
#: :data:`aivoucher.vocabulary.facts.FACTS`, where each fact is defined).
Fact = FactName
#: Each fact and the operator it takes (read from the fact table; kept for code that reads it
#: here).
FACTS: dict[str, str] = {name: fact.operator for name, fact in _FACTS.items()}
# How the values a condition names are resolved to place ids, by the fact's kind.
_PLACES = {
    "city": jurisdictions.city,
    "province": jurisdictions.province,
    "district": jurisdictions.district,
}

Confidence = Literal["official", "copy", "report", "seed"]
#: Source labels, strongest first (the order of :data:`Confidence`).
CONFIDENCE_ORDER: tuple[str, ...] = get_args(Confidence)
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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Prose(_Strict):
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


class Cited(_Strict):
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


class Source(_Strict):
    """A document the rule file relies on."""

    id: Ident
    title: Text
    url: Text | None = None
    seed: Text | None = Field(default=None, description="File name under shared/seeds.")
    date: Date | None = None
    confidence: Confidence = Field(
        description="official: read on a government site; copy: full official text reproduced "
        "elsewhere; report: news or secondary summary; seed: only in the seed articles."
    )
    quote: Text = Field(description="The passage relied on, verbatim.")
    language: Literal["zh", "en"] = Field(
        default="zh",
        description="The language of the source's wording: zh, or en for a text read only in "
        "English (a government's English pages, an English report); its quotes are English.",
    )
    note: Prose | None = None

    @model_validator(mode="after")
    def _locatable(self) -> Source:
        if self.url is None and self.seed is None:
            raise ValueError("a source needs a `url` or a `seed` file name")
        return self


class Condition(_Strict):
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


class RateSpec(_Strict):
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


class Switch(_Strict):
    """A reading the user may switch on with ``--assume NAME`` (off by default)."""

    id: Ident
    description: Prose


class Qualification(_Strict):
    """A status no arithmetic decides (a national list, a model's size) that the profile
    declares under ``applicant.qualifications``."""

    id: Ident
    zh: Text
    en: Text
    description: Prose


class SupportYears(Cited):
    """Support for a period of at most ``count`` calendar years ("补助期限不超过3年"), counted
    from the first calendar year that pays: with ``count: 3`` and a first paying year 2026,
    purchases of 2026, 2027 and 2028 count, later ones do not, whether or not every year in
    between had purchases."""

    count: int = Field(ge=1, le=50)


class RoundingSpec(_Strict):
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
        return Decimal(10) ** (4 - self.places)


class Effective(Cited):
    from_: Date = Field(alias="from")
    to: Date | None = Field(default=None, description="Last day in force; null if open-ended.")

    @model_validator(mode="after")
    def _order(self) -> Effective:
        if self.to is not None and self.to < self.from_:
            raise ValueError("`to` is before `from`")
        return self


class ContractWindow(Cited):
    """Which contracts a version covers, where the text (or a declared reading) says so:
    contracts signed before it took effect ("2023年9月1日及以后签订的合同"), only part of its
    period, or — ``by: service`` — every contract whose service period overlaps the window
    (a round that pays for the days of service inside a base period, whenever signed)."""

    by: Literal["signed", "service"] = "signed"
    signed_from: Date | None = None
    signed_to: Date | None = None

    @model_validator(mode="after")
    def _given(self) -> ContractWindow:
        if self.by == "signed" and self.signed_from is None and self.signed_to is None:
            raise ValueError("give `signed_from`, `signed_to` or both (or `by: service`)")
        if (
            self.signed_from is not None
            and self.signed_to is not None
            and self.signed_to < self.signed_from
        ):
            raise ValueError("`signed_to` is before `signed_from`")
        return self


MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class YearlyDays(_Strict):
    """The same days every year: ``{from: "01-04", to: "01-23"}`` (month-day, inclusive)."""

    from_: MonthDay = Field(alias="from")
    to: MonthDay


class Window(Cited):
    """When applications are taken: dates (``from``/``to``, either may be open) or the same days
    every year (``every_year``). ``covers`` says which contracts or usage a window takes where the
    text says: those of the year before the window opens, or of the same year."""

    from_: Date | None = Field(default=None, alias="from")
    to: Date | None = None
    every_year: YearlyDays | None = None
    covers: Literal["previous_year", "same_year"] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Window:
        dated = self.from_ is not None or self.to is not None
        if dated == (self.every_year is not None):
            raise ValueError("give `from`/`to` dates or `every_year`, not both")
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError("`to` is before `from`")
        if self.every_year is not None:
            for day in (self.every_year.from_, self.every_year.to):
                month, dom = map(int, day.split("-"))
                try:
                    dt.date(2024, month, dom)  # a leap year: 02-29 is a valid yearly day
                except ValueError:
                    raise ValueError(f"not a day of the year: {day!r}") from None
        return self


class Frequency(Cited):
    """How often applications are taken."""

    every: Literal["once", "yearly", "half_yearly", "quarterly", "monthly", "rolling"]


class Office(Cited):
    """Where to apply: the portal or the office."""

    name: Prose
    url: Text | None = None


class Material(Cited):
    """One document the applicant is asked to submit."""

    item: Prose


class Payment(Cited):
    """When (or how) the money is paid."""

    text: Prose


class Application(_Strict):
    """How to apply, as far as a text says: windows, frequency, office, materials, payment.
    Every element cites its text or names an assumption; what no text gives is left out (and
    reported as unknown)."""

    windows: list[Window] = Field(default_factory=list)
    frequency: Frequency | None = None
    office: Office | None = None
    materials: list[Material] = Field(default_factory=list)
    payment: Payment | None = None


class Names(_Strict):
    zh: Text
    en: Text

    def text(self, locale: str) -> str:
        """The name in ``locale`` (``zh`` or ``en``)."""
        return self.zh if locale == "zh" else self.en


class Document(_Strict):
    title: Text
    number: Text | None = None


class Ambiguity(_Strict):
    """A point the text leaves open, and how this file reads it."""

    id: Ident
    question: Prose
    choice: Prose = Field(description="The interpretation this file encodes.")
    why: Prose


class HistoryEntry(_Strict):
    """An earlier or draft version of the program, kept for the record."""

    version: Text
    status: Status
    date: Date
    summary: Prose
    source: Ident


class Expect(_Strict):
    """What an example must produce. ``amount`` is shorthand for ``low`` = ``high``."""

    eligible: bool | None = True
    amount: AmountValue | None = None
    low: AmountValue | None = None
    high: AmountValue | None = None
    reason: Fact | None = Field(
        default=None, description="A fact that must appear among the failed conditions."
    )
    missing: list[str] = Field(default_factory=list, description="Profile fields named missing.")

    @model_validator(mode="after")
    def _coherent(self) -> Expect:
        if self.amount is not None and (self.low is not None or self.high is not None):
            raise ValueError("give `amount` or `low`/`high`, not both")
        if (
            self.eligible is True
            and self.amount is None
            and (self.low is None or self.high is None)
        ):
            raise ValueError("an eligible example needs `amount` or both `low` and `high`")
        if self.eligible is not True and (self.amount or self.low or self.high):
            raise ValueError("an ineligible example has no amount")
        return self


class Example(_Strict):
    """A named case that documents the program and runs as a test."""

    name: Text
    as_of: Date
    profile: dict[str, Any]
    assume: list[Ident] = Field(
        default_factory=list, description="Switches on for this example (`--assume`)."
    )
    expect: Expect


class Program(_Strict):
    """One program (one version of it), as a rule file states it."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z-]*\.[a-z0-9][a-z0-9-]*$", max_length=80)]
    version: Ident | None = Field(default=None, description="Set where several files share an id.")
    jurisdiction: str
    name: Names
    status: Status
    effective: Effective
    issuer: Text
    document: Document
    responsible: Text | None = None
    summary: Prose | None = None
    sources: list[Source] = Field(min_length=1)
    eligibility: list[EligibilityCondition] = Field(default_factory=list)
    base: Base
    rate: RateSpec
    caps: list[Cap] = Field(default_factory=list)
    pool: Pool | None = None
    support_years: SupportYears | None = None
    minimum: Minimum | None = None
    threshold: Threshold | None = Field(
        default=None, description="An annual spend a year must reach before anything is paid."
    )
    stacking: list[Stacking] = Field(default_factory=list)
    switches: list[Switch] = Field(default_factory=list)
    qualifications: list[Qualification] = Field(default_factory=list)
    contracts: ContractWindow | None = Field(
        default=None,
        description="The signing dates this version covers, where they differ from `effective` "
        "(by default a contract is covered by the version in force on the day it was signed).",
    )
    version_by: Literal["signed"] = Field(
        default="signed",
        description="Each purchase is judged under the version in force on its signing date "
        "(the only reading; kept so that older rule files stay valid).",
    )
    rounding: RoundingSpec = Field(default_factory=RoundingSpec)
    ambiguities: list[Ambiguity] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)
    examples: list[Example] = Field(min_length=1)
    application: Application | None = Field(
        default=None, description="How and when to apply, where a text says."
    )
    checked: Date | None = Field(
        default=None,
        description="The day this file's texts were last read against their sources "
        "(YYYY-MM-DD): how old the library's knowledge of the program is.",
    )

    @model_validator(mode="after")
    def _references(self) -> Program:
        try:
            jurisdictions.jurisdiction(self.jurisdiction)
        except ValueError as exc:
            raise UnknownCityError(f"jurisdiction: {exc}") from None
        if self.id.split(".", 1)[0] != self.jurisdiction:
            raise ValueError(
                f"id: {self.id!r} must start with the jurisdiction {self.jurisdiction!r}"
            )
        sources = _unique([s.id for s in self.sources], "source")
        ambiguities = _unique([a.id for a in self.ambiguities], "ambiguity")
        for where, cited in self._cited():
            if cited.source is not None and cited.source not in sources:
                raise RuleFileError(
                    f"{where}: unknown source {cited.source!r}", code="rules.unknown_reference"
                )
            if cited.assumption is not None and cited.assumption not in ambiguities:
                raise RuleFileError(
                    f"{where}: unknown assumption {cited.assumption!r}",
                    code="rules.unknown_reference",
                )
        switches = _unique([w.id for w in self.switches], "switch")
        quals = _unique([q.id for q in self.qualifications], "qualification")
        for where, cond in self._conditions():
            if cond.id is not None and cond.id not in switches:
                raise RuleFileError(
                    f"{where}: unknown switch {cond.id!r} (declare it in `switches`)",
                    code="rules.unknown_reference",
                )
            if cond.has is not None and cond.has not in quals:
                raise RuleFileError(
                    f"{where}: unknown qualification {cond.has!r} (declare it in `qualifications`)",
                    code="rules.unknown_reference",
                )
            # a year's facts exist only once its purchases are known: rate tiers read them
            if _FACTS[cond.fact].scope == "year" and where.startswith("eligibility"):
                raise ValueError(f"{where}: {cond.fact} is a rate-tier condition")
        for i, example in enumerate(self.examples):
            for name in example.assume:
                if name not in switches:
                    raise ValueError(f"examples[{i}]: unknown switch {name!r}")
        for i, entry in enumerate(self.history):
            if entry.source not in sources:
                raise RuleFileError(
                    f"history[{i}]: unknown source {entry.source!r}", code="rules.unknown_reference"
                )
        for i, relation in enumerate(self.stacking):
            if relation.program == self.id:
                raise RuleFileError(
                    f"stacking[{i}].program: the relation names this program itself "
                    f"({self.id!r}); a program does not stack with itself: remove the relation / "
                    f"叠加关系指向本项目自身（{self.id!r}）；项目不与自身叠加，请删除该关系",
                    code="rules.self_stacking",
                )
        if self.contracts is not None:
            cw = self.contracts
            start = cw.signed_from or self.effective.from_
            end = cw.signed_to if cw.signed_to is not None else self.effective.to
            if end is not None and end < start:
                raise ValueError("contracts: the window ends before it starts")
        if self.rounding.source is not None and self.rounding.source not in sources:
            raise RuleFileError(
                f"rounding: unknown source {self.rounding.source!r}", code="rules.unknown_reference"
            )
        return self

    def _conditions(self) -> list[tuple[str, Condition]]:
        out: list[tuple[str, Condition]] = [
            (f"eligibility[{i}]", c) for i, c in enumerate(self.eligibility)
        ]
        for i, tier in enumerate(self.rate.tiers):
            out += [(f"rate.tiers[{i}].when[{j}]", c) for j, c in enumerate(tier.when)]
        return out

    def amount_confidence(self) -> str | None:
        """The weakest label (``official`` > ``copy`` > ``report`` > ``seed``) among the sources
        the program's amount rests on: who is eligible, the base, the rates, caps, pool,
        threshold, minimum and support years; ``None`` where none of them cites a source."""
        amount_parts = ("effective", "stacking", "contracts", "application")
        cited = {
            element.source
            for path, element in self._cited()
            if not path.startswith(amount_parts) and element.source is not None
        }
        levels = [s.confidence for s in self.sources if s.id in cited]
        return max(levels, key=CONFIDENCE_ORDER.index) if levels else None

    def _cited(self) -> list[tuple[str, Cited | Condition]]:
        out: list[tuple[str, Cited | Condition]] = [
            ("effective", self.effective),
            ("base", self.base),
        ]
        out += [(f"eligibility[{i}]", c) for i, c in enumerate(self.eligibility)]
        out += [(f"rate.tiers[{i}]", t) for i, t in enumerate(self.rate.tiers)]
        if self.rate.ceiling is not None:
            out.append(("rate.ceiling", self.rate.ceiling))
        out += [(f"caps[{i}]", c) for i, c in enumerate(self.caps)]
        if self.pool is not None:
            out.append(("pool", self.pool))
        if self.support_years is not None:
            out.append(("support_years", self.support_years))
        if self.base.prorate is not None:
            out.append(("base.prorate", self.base.prorate))
        if self.contracts is not None:
            out.append(("contracts", self.contracts))
        if self.rate.lump_sum is not None:
            out.append(("rate.lump_sum", self.rate.lump_sum))
        if self.minimum is not None:
            out.append(("minimum", self.minimum))
        if self.threshold is not None:
            out.append(("threshold", self.threshold))
        out += [(f"stacking[{i}]", c) for i, c in enumerate(self.stacking)]
        app = self.application
        if app is not None:
            out += [(f"application.windows[{i}]", w) for i, w in enumerate(app.windows)]
            out += [(f"application.materials[{i}]", m) for i, m in enumerate(app.materials)]
            out += [
                (f"application.{name}", element)
                for name, element in (
                    ("frequency", app.frequency),
                    ("office", app.office),
                    ("payment", app.payment),
                )
                if element is not None
            ]
        return out

    @property
    def key(self) -> str:
        """``id`` or ``id@version``: unique among loaded rule files."""
        return self.id if self.version is None else f"{self.id}@{self.version}"

    def covers(self, purchase: Purchase, window: tuple[dt.date, dt.date | None]) -> bool:
        """Whether ``window`` (this version's, or one derived from it) covers a purchase: by
        its signing date, or — ``contracts.by: service`` — by its service period overlapping
        the window (the signing date where the period is not given)."""
        start, end = window
        if self.contracts is not None and self.contracts.by == "service":
            first = purchase.start or purchase.signed
            last = purchase.end or purchase.signed
            return (end is None or first <= end) and start <= last
        day = purchase.signed
        return start <= day and (end is None or day <= end)

    @property
    def window(self) -> tuple[dt.date, dt.date | None]:
        """The signing dates this version covers: its effective period unless ``contracts``
        says otherwise."""
        eff = self.effective
        cw = self.contracts
        if cw is None:
            return eff.from_, eff.to
        return (
            cw.signed_from or eff.from_,
            cw.signed_to if cw.signed_to is not None else eff.to,
        )

    def known(self, as_of: dt.date) -> bool:
        """Published by ``as_of``: not a draft, and in effect on or before that date (the date
        of knowledge; a version that takes effect later is not known yet)."""
        return self.status != "draft" and self.effective.from_ <= as_of

    def in_force(self, as_of: dt.date) -> bool:
        """In force on ``as_of``: not a draft, and the date inside the effective window (a
        superseded or expired version was in force during its window)."""
        eff = self.effective
        return self.status != "draft" and eff.from_ <= as_of and (eff.to is None or as_of <= eff.to)

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)

    def ambiguity(self, ambiguity_id: str) -> Ambiguity:
        return next(a for a in self.ambiguities if a.id == ambiguity_id)


def _unique(ids: list[str], what: str) -> set[str]:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise RuleFileError(f"duplicate {what} id {i!r}", code="rules.duplicate_id")
        seen.add(i)
    return seen
