"""The applicant profile: who applies and what they buy (public input contract, v1).

A profile is a YAML/JSON file, a ``dict`` or a :class:`Profile`. Optional facts left out are
*unknown*, not false: a rule that needs one reports the range over both answers and names the
missing field instead of guessing. Only ``good_standing`` (true) and ``related_party`` (false)
have defaults, as the contract states.

Example::

    applicant:
      kind: enterprise
      city: shenzhen
      startup: true
    purchases:
      - id: gpu-2025
        item: compute
        use: training
        amount: 800万
        signed: 2025-03-01
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from ..base import jurisdictions
from ..base.dates import Span, last_day
from ..base.documents import PROFILE_LIMITS, load_document, read_text
from ..base.money import CURRENCY, Currency, canonical, convert
from ..base.types import Amount, Bool, CityId, Date, FxRate, PlanDate
from ..errors import InputError, ProfileError
from .facts import ApplicantKind, ChipOrigin, Item, Role, Sector, Use, value_from_words

__all__ = [
    "Applicant",
    "ApplicantKind",
    "Item",
    "Profile",
    "Purchase",
    "Role",
    "load_profile",
    "parse_profile",
    "read_values",
    "with_rates",
]

# The enumerated fields' values are defined with their facts (aivoucher.vocabulary.facts), which
# the rule files' conditions name: ApplicantKind, Sector, Item, Use, ChipOrigin, Role.


def _ids_or_mapping(value: object) -> object:
    """Qualifications as a list of the ids held, or a mapping id → true/false."""
    if isinstance(value, (list, tuple)):
        if not all(isinstance(v, str) for v in value):
            raise ValueError("qualifications are ids (text)")
        return dict.fromkeys(value, True)
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# An enumerated value may be given by its id or its words, in Chinese or English (国产, 训练):
# the profile, the batch tables and the command line all read it through these types.
_Words = BeforeValidator(value_from_words)
KindIn = Annotated[ApplicantKind, _Words]
SectorIn = Annotated[Sector, _Words]
ItemIn = Annotated[Item, _Words]
UseIn = Annotated[Use, _Words]
ChipOriginIn = Annotated[ChipOrigin, _Words]
RoleIn = Annotated[Role, _Words]


class Applicant(_Model):
    """The entity that applies."""

    name: str | None = Field(default=None, max_length=200, description="Optional display name.")
    kind: KindIn = Field(
        description="enterprise | university | research_institute (or 企业, 高等院校, 科研机构)"
    )
    city: CityId = Field(description="Registered city: pinyin id; Chinese name accepted.")
    district: str | None = Field(
        default=None,
        max_length=100,
        description="District of the registered city (龙华区, longhua, shenzhen-longhua); "
        "optional: a district program reports a range when it is left out.",
    )
    sector: SectorIn | None = Field(default=None, description="software | manufacturing | other")
    sme: Bool | None = Field(default=None, description="Small or medium-sized enterprise.")
    startup: Bool | None = Field(default=None, description="Start-up (初创企业).")
    opc: Bool | None = Field(default=None, description="One-person AI company (OPC).")
    good_standing: Bool = Field(default=True, description="No dishonesty or major-penalty record.")
    qualifications: dict[str, Bool] = Field(
        default_factory=dict,
        description="Statuses the rule files define (a national list, a model's size): a list "
        "of the ids the applicant holds, or a mapping id → true/false. An id left out is unknown.",
    )

    @field_validator("qualifications", mode="before")
    @classmethod
    def _list_or_mapping(cls, value: object) -> object:
        return _ids_or_mapping(value)

    @model_validator(mode="after")
    def _district_of_city(self) -> Applicant:
        if self.district is not None:
            object.__setattr__(self, "district", jurisdictions.district(self.district, self.city))
        return self


class Purchase(_Model):
    """One contract: compute, a model, a corpus, a scenario build or R&D spending."""

    id: str | None = Field(default=None, max_length=100, description="Label echoed in the trace.")
    item: ItemIn
    use: UseIn | None = None
    amount: Amount = Field(description="Contract amount, in the profile's currency (CNY).")
    settled: Amount | None = Field(default=None, description="Actually delivered/settled amount.")
    signed: PlanDate = Field(
        description="Contract date: a day, or for a plan a month (2027-03, 2027年3月) or a "
        "quarter (2027-Q1, 2027年第一季度), which the estimate covers day by day."
    )
    start: PlanDate | None = Field(default=None, description="First day of service (or month).")
    end: PlanDate | None = Field(default=None, description="Last day of service (or month).")
    chip_origin: ChipOriginIn | None = None
    provider_city: CityId | None = None
    via_platform: Bool | None = Field(
        default=None,
        description="Bought through the program's designated platform or listed supplier.",
    )
    related_party: Bool = False
    other_subsidy: Bool | None = Field(
        default=None, description="Already subsidised by another fund of the same government."
    )
    role: RoleIn = Field(
        default="buyer",
        description="buyer: the applicant bought the item (the default); producer: the applicant "
        "made it (an evaluated model, a corpus) and `amount` is what making it cost.",
    )
    qualifications: dict[str, Bool] = Field(
        default_factory=dict,
        description="Statuses of this item the rule files define (a model that passed a "
        "national evaluation): a list of ids or a mapping id → true/false; left out: unknown.",
    )

    @field_validator("qualifications", mode="before")
    @classmethod
    def _list_or_mapping(cls, value: object) -> object:
        return _ids_or_mapping(value)

    @model_validator(mode="after")
    def _consistent(self) -> Purchase:
        # Contradictions are refused rather than resolved: any choice (the smaller amount, the
        # swapped dates) would be a guess at what the contract says.
        # a month or quarter contradicts only if even its latest day is before the other's
        # earliest
        if self.start is not None and self.end is not None and last_day(self.end) < self.start:
            raise ValueError(end_before_start(self.start, self.end))
        if self.settled is not None and self.settled > self.amount:
            raise ValueError(settled_above_amount(self.settled, self.amount))
        return self

    @property
    def year(self) -> int:
        """The calendar year whose caps this purchase counts against (the year it was signed)."""
        return self.signed.year

    @property
    def spans(self) -> tuple[tuple[str, Span], ...]:
        """The dates given as a month or a quarter: ``(field, span)`` pairs, in the order
        ``signed``, ``start``, ``end``."""
        return tuple(
            (name, day)
            for name in ("signed", "start", "end")
            if isinstance(day := getattr(self, name), Span)
        )

    def label(self, index: int) -> str:
        """The purchase's ``id``, or ``#n`` (1-based) when it has none."""
        return self.id if self.id else f"#{index + 1}"


def end_before_start(start: dt.date, end: dt.date) -> str:
    """The refusal of a purchase whose service period ends before it starts."""
    return f"end {end} is before start {start}"


def settled_above_amount(settled: Decimal, amount: Decimal) -> str:
    """The refusal of a purchase settled above its contract amount."""
    return f"settled {canonical(settled)} is above the contract amount {canonical(amount)}"


#: The code of a purchase that contradicts itself (settled above the amount, end before
#: start), on every path that reads purchases.
CONTRADICTION = "profile.invalid"


class Profile(_Model):
    """An applicant and its purchases."""

    applicant: Applicant
    purchases: tuple[Purchase, ...] = ()
    currency: Currency = Field(
        default=CURRENCY,
        description="The currency of the profile's amounts (ISO 4217): CNY or HKD. A program "
        "that pays in another currency judges the purchases only with a rate in fx.",
    )
    fx: dict[Currency, FxRate] = Field(
        default_factory=dict,
        description="Exchange rates, in yuan (CNY) per unit of each other currency "
        "({HKD: '0.92'}): with them, purchases are converted into a program's currency and "
        "its award into the profile's, each conversion in the trace with its rate.",
    )

    @field_validator("fx")
    @classmethod
    def _rates_of_others(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        if CURRENCY in value:
            raise InputError(
                f"rates are in yuan per unit of another currency; {CURRENCY} itself is 1",
                code="fx.invalid",
            )
        return value

    def rate(self, source: str, target: str) -> Decimal | None:
        """Units of ``target`` per unit of ``source``, from ``fx`` (``None``: no rate given).
        Both are read against the yuan, so HKD→CNY is ``fx["HKD"]`` and CNY→HKD its
        inverse."""
        if source == target:
            return Decimal(1)
        fx: dict[str, Decimal] = {CURRENCY: Decimal(1)}
        fx.update(self.fx.items())
        if source not in fx or target not in fx:
            return None
        return fx[source] / fx[target]

    def in_currency(self, currency: str, rate: Decimal) -> Profile:
        """This profile with its amounts converted into ``currency`` at ``rate`` (units of it
        per unit of the profile's), each rounded half-up to the cent
        (:func:`~aivoucher.base.money.convert`)."""
        purchases = tuple(
            p.model_copy(
                update={
                    "amount": convert(p.amount, rate),
                    "settled": None if p.settled is None else convert(p.settled, rate),
                }
            )
            for p in self.purchases
        )
        return self.model_copy(update={"purchases": purchases, "currency": currency})

    @property
    def spans(self) -> tuple[tuple[int, str, Span], ...]:
        """Every purchase date given as a month or a quarter: ``(purchase index, field,
        span)``. An estimate covers each day of them (:mod:`aivoucher.ruleset.days`)."""
        return tuple(
            (i, name, span) for i, p in enumerate(self.purchases) for name, span in p.spans
        )


_MODELS: dict[str, type[_Model]] = {"applicant": Applicant, "purchase": Purchase}


#: The purchase dates a table gives as days (a profile may give a month or a quarter).
_DAYS = frozenset({"signed", "start", "end"})


@functools.cache
def _values_adapter(field: str) -> TypeAdapter[list[Any]]:
    scope, _, name = field.partition(".")
    model = _MODELS.get(scope)
    if model is None:
        raise KeyError(field)
    if name.startswith("qualifications."):
        annotation: Any = Bool  # the value type of the qualifications mapping
    elif name in _DAYS:
        # a table's row is one purchase judged on its day: a month or a quarter is for a
        # profile, whose estimate covers each day of it
        annotation = Date
    else:
        info = model.model_fields.get(name)
        if info is None or name == "qualifications":
            raise KeyError(field)
        annotation = (
            Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        )
    config = ConfigDict(str_strip_whitespace=bool(model.model_config.get("str_strip_whitespace")))
    return TypeAdapter(list[annotation], config=config)


def text_limit(field: str) -> int | None:
    """The most characters the text field ``field`` (``purchase.id``) takes, if it is one."""
    scope, _, name = field.partition(".")
    model = _MODELS.get(scope)
    info = None if model is None else model.model_fields.get(name)
    if info is None:
        return None
    return next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)


def read_values(field: str, values: Sequence[object]) -> tuple[list[Any], dict[int, InputError]]:
    """Each of ``values`` read as a profile reads the field ``field`` (``applicant.kind``,
    ``purchase.signed``, ``applicant.qualifications.<id>``): the values read, or, where some
    are refused, nothing and each refused value's index with the error the profile gives it
    (its code and message; no field). ``None`` is not a value here: leave unknowns out.

    The batch path reads its tables' distinct values through this, so that a table and a
    profile accept and refuse the same values with the same words.
    """
    try:
        read = _values_adapter(field).validate_python(list(values))
    except ValidationError as exc:
        from ..base.problems import from_validation

        found = from_validation(exc, ProfileError, scope="profile", model=Profile)
        refused: dict[int, InputError] = {}
        for raw, error in zip(exc.errors(include_url=False), found.errors, strict=True):
            index = next(p for p in raw["loc"] if isinstance(p, int))
            refused.setdefault(index, InputError(error.message, code=error.code))
        return [], refused
    return read, {}


def parse_profile(data: Profile | Mapping[str, Any], *, source: str | None = None) -> Profile:
    """Validate a profile given as data; :class:`~aivoucher.errors.ProfileError` names the field."""
    if isinstance(data, Profile):
        return data
    if not isinstance(data, Mapping):
        raise ProfileError(
            "a profile must be a mapping with 'applicant' and 'purchases'", file=source
        )
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        from ..base.problems import from_validation

        raise from_validation(
            exc, ProfileError, scope="profile", model=Profile, file=source
        ) from None


def with_rates(profile: Profile, fx: Mapping[str, object] | None) -> Profile:
    """``profile`` with the exchange rates ``fx`` (``{"HKD": "0.92"}``: yuan per unit) added
    to its own, which they replace currency by currency; each rate is read as a profile's
    ``fx`` reads it (:class:`~aivoucher.errors.ProfileError`, code ``fx.invalid``, naming the
    currency)."""
    if not fx:
        return profile
    if not isinstance(fx, Mapping):
        raise ProfileError(
            "exchange rates are a mapping such as {HKD: 0.92}", field="fx", code="fx.invalid"
        )
    data = {"applicant": {"kind": "enterprise", "city": "beijing"}, "fx": dict(fx)}
    try:  # the rates alone, through the profile's own field and its checks
        rates = Profile.model_validate(data).fx
    except ValidationError as exc:
        from ..base.problems import from_validation

        raise from_validation(exc, ProfileError, scope="profile", model=Profile) from None
    return profile.model_copy(update={"fx": {**profile.fx, **rates}})


def load_profile(path: str | Path) -> Profile:
    """Read a profile from a YAML or JSON file; errors carry the file, line and field (every
    problem found is in the error's ``errors``)."""
    data = load_document(path, PROFILE_LIMITS)
    try:
        return parse_profile(data, source=str(path))
    except ProfileError as exc:
        if exc.field:
            from ..base.problems import add_lines

            # JSON is YAML's flow style, so one YAML reading finds the lines of both
            add_lines(exc, read_text(path, PROFILE_LIMITS))
        raise
