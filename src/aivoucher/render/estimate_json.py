"""The estimate's JSON contract as pydantic models: its JSON Schema, and reading it back.

:mod:`aivoucher.render.json` writes the document; the models here describe it
(:func:`estimate_schema`, printed by ``aivoucher schema --output estimate``) and tell a malformed
value from a wrong one when an estimate is read back. Reading back
(:func:`aivoucher.render.estimate_read.estimate_from_json`) makes the estimate again from the
document's profile and compares:
what it returns is the estimate the rules give, with the engine's own types.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from decimal import Decimal
from types import UnionType
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Literal,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, create_model

from ..base.documents import PROFILE_LIMITS, Limits
from ..base.money import CURRENCY, Currency
from ..vocabulary.details import Bounds, Detail
from ..vocabulary.profile import Profile
from ..vocabulary.result import AssumptionCode, ReasonCode, StepKind
from ..vocabulary.schema import Confidence as ConfidenceText
from ..vocabulary.trace import DETAILS as RECORDS

if TYPE_CHECKING:
    pass

__all__ = [
    "DOCUMENTS",
    "ESTIMATE_LIMITS",
    "EstimateAwardsDocument",
    "EstimateDocument",
    "EstimateHead",
    "EstimateSummaryDocument",
    "estimate_schema",
]

#: The schema_version this library writes; it reads this one and those in READS.
SCHEMA_VERSION = 3
#: Every schema_version this library reads (2: written before ``open_facts``).
READS = (2, 3)
#: An estimate's JSON read from a file or standard input: the 100,000-purchase estimate the
#: test suite writes is over 500 MB.
ESTIMATE_LIMITS = Limits(max_bytes=1 << 30, max_nodes=PROFILE_LIMITS.max_nodes)

#: A decimal number as the JSON writes it: plain digits, no sign, no exponent.
DecimalText = Annotated[
    str,
    Field(
        pattern=r"^[0-9]+(\.[0-9]+)?$",
        max_length=40,
        description="A decimal number as text (parse it with Decimal, never float).",
    ),
]
DateText = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="ISO date.")]


class _Doc(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_serialization_defaults_required=True
    )


class BoundsDoc(_Doc):
    """A ``(low, high)`` pair of amounts or rates."""

    low: DecimalText
    high: DecimalText


class CitationDoc(_Doc):
    id: str = Field(description="Id of one of the award's `sources`.")
    quote: str = Field(description="The quoted wording of the source.")


# -- each step kind's parameters (`detail`) ----------------------------------------------------


class _Detail(BaseModel):
    # keys a step does not always carry are left out of the JSON, not written as null
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _doc_type(hint: Any, minimum: int | None = None) -> Any:
    """The JSON contract's type for a detail record's field type (``minimum``: the least value
    of an integer, or of each integer in a tuple)."""
    if hint is Decimal:
        return DecimalText
    if hint == Bounds:
        return BoundsDoc
    if hint is dt.date:
        return DateText
    if hint is bool:
        return StrictBool
    if hint is int:
        return StrictInt if minimum is None else Annotated[StrictInt, Field(ge=minimum)]
    if isinstance(hint, type) and issubclass(hint, Detail):
        return _detail_model(hint)
    origin, args = get_origin(hint), get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return list[_doc_type(args[0], minimum)]  # type: ignore[misc]
    if origin in (Union, UnionType):
        return Union[tuple(_doc_type(a) for a in args)]  # noqa: UP007
    return hint  # str, Any, a Literal


def _detail_model(record: type[Detail]) -> type[_Detail]:
    """The JSON contract's model of a detail record: the same fields, keys and descriptions
    (:mod:`aivoucher.vocabulary.details`), so that the record is the one definition."""
    name = record.__name__ if record.__name__.endswith("Detail") else record.__name__ + "Doc"
    model = _MODELS.get(name)
    if model is not None:
        return model
    hints = get_type_hints(record)
    definitions: dict[str, Any] = {}
    for f in fields(record):
        doc = f.metadata.get("doc")
        key = f.name.rstrip("_")
        options: dict[str, Any] = {}
        if doc is not None:
            options["description"] = doc
        if key != f.name:
            options["alias"] = key
        default = None if f.default is None else ...
        kind = _doc_type(hints[f.name], f.metadata.get("minimum"))
        definitions[f.name] = (kind, Field(default, **options))
    model = _MODELS[name] = create_model(
        name, __base__=_Detail, __doc__=" ".join((record.__doc__ or "").split()), **definitions
    )
    return model


_MODELS: dict[str, type[_Detail]] = {}

#: Each step kind and the form of its ``detail``, from the kind's record.
DETAILS: dict[StepKind, type[_Detail]] = {k: _detail_model(r) for k, r in RECORDS.items()}


class _StepDoc(_Doc):
    """One step of the trace."""

    subject: str | None = Field(
        description="The purchase label (its id, or #n), a calendar year, or null."
    )
    before: BoundsDoc | None
    after: BoundsDoc | None
    rate: BoundsDoc | None
    sources: list[CitationDoc]
    assumption: str | None = Field(description="Id of the ambiguity the step relies on.")


def _step_model(kind: StepKind, detail: type[_Detail]) -> type[_StepDoc]:
    name = "".join(part.title() for part in kind.value.split("_")) + "Step"
    model: type[_StepDoc] = create_model(
        name,
        __base__=_StepDoc,
        __doc__=f"A `{kind.value}` step.",
        kind=(Literal[kind.value], ...),  # type: ignore[arg-type]
        detail=(detail, ...),
    )
    return model


#: Each step kind's model, told apart by ``kind``.
STEP_MODELS: dict[str, type[_StepDoc]] = {k.value: _step_model(k, d) for k, d in DETAILS.items()}

if TYPE_CHECKING:
    StepDoc = Any
else:
    # one model per kind, told apart by `kind`: the schema gives each kind's parameters
    StepDoc = Annotated[
        Union[tuple(STEP_MODELS.values())],  # noqa: UP007
        Field(discriminator="kind"),
    ]


class ProseDoc(_Doc):
    zh: str | None
    en: str


class ReasonDoc(_Doc):
    """Why a program pays nothing, or may pay nothing."""

    code: ReasonCode
    text: str = Field(description="The reason as a sentence in the requested locale.")
    fact: str | None = Field(description="The fact a condition tests (`applicant.city`).")
    expected: list[Any] = Field(description="What the condition or limit requires.")
    actual: Any = Field(description="The profile's value (null: not given).")
    subject: str | None = Field(description="The purchase label, or null for the applicant.")
    source: str | None = Field(description="Id of the source that sets the condition.")
    detail: ProseDoc | str | None = Field(
        description="not_in_force: the program's status; rate_unpublished: the rule file's "
        "text on what is unpublished."
    )


class AssumptionDoc(_Doc):
    """A choice the estimate rests on."""

    code: AssumptionCode
    id: str | None = Field(
        description="rule: the rule file's ambiguity id; switch: the switch's name; else null."
    )
    field: str | None = Field(description="The profile field that is missing, if any.")
    subject: str | None
    text: str = Field(description="The assumption as a sentence in the requested locale.")


class NameDoc(_Doc):
    zh: str
    en: str


class SourceDoc(_Doc):
    title: str
    url: str | None
    seed: str | None
    confidence: ConfidenceText


class OfficeDoc(_Doc):
    name: str
    url: str | None


class ApplicationDoc(_Doc):
    """The award's application calendar on the estimate's date, and the rule file's facts."""

    state: Literal["open", "upcoming", "closed", "unknown"]
    opens: DateText | None
    closes: DateText | None
    covers: StrictInt | None = Field(description="The year of contracts or usage it takes.")
    closed_for: list[StrictInt] = Field(
        description="Signing years of the award's purchases whose window has closed."
    )
    text: str = Field(description="The same as a sentence in the requested locale.")
    frequency: Literal["once", "yearly", "half_yearly", "quarterly", "monthly", "rolling"] | None
    office: OfficeDoc | None
    materials: list[str]
    payment: str | None


class AwardEntryDoc(_Doc):
    """One program's result without its trace's steps: an award of an ``--detail awards``
    document."""

    program: str
    version: str | None
    name: NameDoc
    jurisdiction: str
    eligible: StrictBool | None
    renewal: StrictBool = Field(
        description="The award is for purchases signed after the program's last known version "
        "ends: it depends on renewal and is left out of the totals."
    )
    low: DecimalText | None
    high: DecimalText | None
    currency: Currency = Field(
        default=CURRENCY,
        description="The currency of `low` and `high`: the program's (ISO 4217); documents "
        "written without it are all in CNY.",
    )
    confidence: ConfidenceText | None = Field(
        default=None,
        description="The weakest label among the sources the award's steps cite (official > "
        "copy > report > seed); written since aivoucher 0.2.",
    )
    reasons: list[ReasonDoc]
    assumptions: list[AssumptionDoc]
    missing: list[str]
    purchases: list[str] = Field(description="Labels of the purchases that may count.")
    purchase_indices: list[Annotated[StrictInt, Field(ge=0)]] = Field(
        description="The same purchases as 0-based positions in `profile.purchases`."
    )
    application: ApplicationDoc | None = Field(
        description="The application calendar on `as_of`; null for an award that pays nothing."
    )
    sources: dict[str, SourceDoc]


class AwardDoc(AwardEntryDoc):
    """One program's result."""

    steps: list[StepDoc]


class StackingDoc(_Doc):
    programs: Annotated[list[str], Field(min_length=2, max_length=2)]
    relation: Literal["stackable", "exclusive", "unknown"]
    purchases: list[str]
    ceiling: DecimalText | None
    note: str


class RulesUsedDoc(_Doc):
    """The rule files an estimate was made with: a SHA-256 of their validated content and
    their number (``RuleSet.digest``, ``len(rules)``)."""

    digest: Annotated[str, Field(pattern="^[0-9a-f]{64}$")]
    count: Annotated[StrictInt, Field(ge=0)]


class GeneratorDoc(_Doc):
    """Who made the document."""

    name: Literal["aivoucher"]
    version: str
    rules: RulesUsedDoc | None


class ReadingDoc(_Doc):
    """An assumption about a program as a whole that an award which pays or may pay rests on:
    the rule file's reading of its text, a switch, a renewal, a missing fact taken as met or
    not (a fact merely not given is in ``missing``)."""

    program: str
    version: str | None
    code: AssumptionCode
    id: str | None = Field(
        description="rule: the rule file's ambiguity id; switch: the switch's name; else null."
    )
    field: str | None = Field(description="The profile field it concerns, if any.")
    subject: None = Field(description="Always null: those about one purchase stay with the award.")
    text: str = Field(description="The assumption as a sentence in the requested locale.")


class CheckedDoc(_Doc):
    """How fresh the texts behind the total are."""

    oldest: DateText | None = Field(
        description="The oldest date on which a counted program's texts were checked."
    )
    unrecorded: list[str] = Field(description="Counted programs that record no such date.")


class LabelDoc(_Doc):
    zh: str
    en: str


class OpenAnswerDoc(_Doc):
    """One answer to an open fact, and the totals it gives."""

    value: Any = Field(description="The answer: a value of the fact (true, a city id …).")
    other: bool = Field(description="The answer stands for every value the rule files do not name.")
    total_low: DecimalText
    total_high: DecimalText


class OpenFactDoc(_Doc):
    """A fact the profile leaves open whose answer would change the totals (what_narrows)."""

    field: str = Field(description='A profile field, or "stacking" for the stacking question.')
    label: LabelDoc = Field(description="The fact in words, in Chinese and English.")
    adds: bool = Field(description="Its answers can only add an award not yet counted.")
    programs: list[str] = Field(description="For the stacking question: the programs it asks of.")
    answers: list[OpenAnswerDoc]


class EstimateDocument(_Doc):
    """The JSON of ``aivoucher estimate --format json`` and ``Estimate.to_json()``."""

    model_config = ConfigDict(title="aivoucher estimate")

    schema_version: Literal[2, 3]
    #: Written since aivoucher 0.2; documents of earlier versions have none.
    generator: GeneratorDoc | None = None
    as_of: DateText
    currency: Currency = Field(
        description="The currency of the totals: the profile's. An award in another currency "
        "is converted into it at the profile's rate (fx), or has no amount."
    )
    total_low: DecimalText
    total_high: DecimalText
    #: The totals if every program that has ended were renewed as last known (written since
    #: aivoucher 0.2; documents of earlier versions have none).
    if_renewed_low: DecimalText | None = None
    if_renewed_high: DecimalText | None = None
    #: Written since aivoucher 0.2, like the renewal figures.
    confidence: ConfidenceText | None = None
    checked: CheckedDoc | None = None
    profile: Profile
    awards: list[AwardDoc]
    uncounted: list[str]
    stacking: list[StackingDoc]
    #: What the totals rest on, written since aivoucher 0.2 (documents of earlier versions
    #: have neither): the open facts and the programs' readings.
    missing: list[str] | None = Field(
        default=None,
        description="The profile fields whose absence widens an award that pays or may pay.",
    )
    assumptions: list[ReadingDoc] | None = Field(
        default=None,
        description="The assumptions about a program as a whole that the awards which pay or "
        "may pay rest on.",
    )
    #: schema_version 3: what each open fact's answers give, ranked as what_narrows ranks
    #: them; null where it was not asked for (Estimate.to_json() without narrowing=).
    open_facts: list[OpenFactDoc] | None = Field(
        default=None,
        description="The facts whose answer would change the totals, most narrowing first, "
        "with each answer's totals; null where not asked for.",
    )


class EstimateSummaryDocument(_Doc):
    """The JSON of ``aivoucher estimate --format json --detail summary``: the totals and what
    they rest on. Every key is one of the whole estimate's, with the same value."""

    model_config = ConfigDict(title="aivoucher estimate (summary)")

    schema_version: Literal[3]
    generator: GeneratorDoc
    as_of: DateText
    currency: Currency = Field(
        description="The currency of the totals: the profile's. An award in another currency "
        "is converted into it at the profile's rate (fx), or has no amount."
    )
    total_low: DecimalText
    total_high: DecimalText
    if_renewed_low: DecimalText
    if_renewed_high: DecimalText
    confidence: ConfidenceText | None
    checked: CheckedDoc
    uncounted: list[str]
    stacking: list[StackingDoc]
    missing: list[str] = Field(
        description="The profile fields whose absence widens an award that pays or may pay."
    )
    assumptions: list[ReadingDoc] = Field(
        description="The assumptions about a program as a whole that the awards which pay or "
        "may pay rest on."
    )
    open_facts: list[OpenFactDoc] | None = Field(
        description="The facts whose answer would change the totals, most narrowing first, "
        "with each answer's totals; null where not asked for."
    )


class EstimateAwardsDocument(EstimateSummaryDocument):
    """The JSON of ``aivoucher estimate --format json --detail awards``: the summary and each
    award that pays or may pay, with its sources, reasons and assumptions (not its steps)."""

    model_config = ConfigDict(title="aivoucher estimate (awards)")

    awards: list[AwardEntryDoc]


class EstimateHead(EstimateDocument):
    """The document with its profile and awards left unread (they are checked on their own)."""

    profile: dict[str, Any]  # type: ignore[assignment]
    awards: list[Any]


#: Each ``--detail`` level's document.
DOCUMENTS: dict[str, type[_Doc]] = {
    "summary": EstimateSummaryDocument,
    "awards": EstimateAwardsDocument,
    "full": EstimateDocument,
}


def estimate_schema(detail: str = "full") -> dict[str, Any]:
    """The JSON Schema of the estimate JSON (draft 2020-12) at a level of ``--detail``."""
    schema = DOCUMENTS[detail].model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
