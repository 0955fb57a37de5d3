"""The estimate's JSON contract as pydantic models: its JSON Schema, and reading it back.

:mod:`aivoucher.render.json` writes the document; the models here describe it
(:func:`estimate_schema`, printed by ``aivoucher schema --output estimate``) and validate it when
:func:`estimate_from_json` reads it back into an :class:`~aivoucher.result.Estimate` with the
same Python types as the engine's: ``Decimal`` amounts, ``datetime.date`` dates, ``(low, high)``
pairs. JSON has no such types, so each value is decoded by where it stands: a step's parameter
by the step's kind and the parameter's name, a condition's expected and actual values by the
fact's type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    create_model,
)

from .errors import EstimateError, InputError
from .profile import Profile
from .result import (
    ApplicationStatus,
    Assumption,
    AssumptionCode,
    Award,
    Bounds,
    Estimate,
    Reason,
    ReasonCode,
    StackingNote,
    Step,
    StepKind,
)

if TYPE_CHECKING:
    from .registry import RuleSet
    from .schema import Program

__all__ = ["EstimateDocument", "estimate_from_json", "estimate_schema"]

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


class ConditionDetail(_Detail):
    fact: str = Field(description="The fact tested (`applicant.city`).")
    expected: list[Any] = Field(description="What the condition accepts.")
    actual: Any = Field(description="The profile's value; null: not given.")
    ok: StrictBool | None = Field(description="Met, not met, or unknown (null).")


class BaseDetail(_Detail):
    of: Literal["contract", "settled"]
    from_contract: StrictBool | None = Field(
        default=None, description="No settled amount: the contract amount was used."
    )
    settled_unknown: StrictBool | None = Field(
        default=None, description="No settled amount: the base runs from 0 to the contract's."
    )


class ProrationDetail(_Detail):
    from_: DateText = Field(alias="from", description="The base period's first day.")
    to: DateText = Field(description="The base period's last day.")
    days: StrictInt | None = Field(default=None, description="The contract's days, if known.")
    inside: StrictInt | None = Field(default=None, description="Its days inside the period.")


class RateDetail(_Detail):
    tiers: list[Annotated[StrictInt, Field(ge=0)]] = Field(
        description="Indices of the rate tiers that may apply."
    )
    ceiling: DecimalText | None = Field(default=None, description="The rate ceiling, if any.")


class FirstYearsDetail(_Detail):
    years: StrictInt = Field(description="The tier's rate holds for this many years of service.")
    rate: BoundsDoc = Field(description="The tier's rate.")
    rest: BoundsDoc = Field(description="The rate for the rest of the contract's term.")
    days: StrictInt | None = Field(default=None, description="The contract's days, if known.")
    inside: StrictInt | None = Field(default=None, description="Its days in the first years.")


class CapDetail(_Detail):
    per: Literal["purchase", "tier", "applicant_year", "applicant_total"]
    cap: BoundsDoc
    binding: StrictBool


class PoolDetail(_Detail):
    period: Literal["year", "program"]
    pool: DecimalText
    binding: StrictBool


class ThresholdDetail(_Detail):
    threshold: DecimalText = Field(description="The year's qualifying spend must reach this.")
    inclusive: StrictBool = Field(description="Reaching it exactly counts.")
    spend: BoundsDoc = Field(description="The year's qualifying spend.")
    met: StrictBool | None = Field(description="Reached, not reached, or unknown (null).")


class MinimumDetail(_Detail):
    minimum: DecimalText
    binding: StrictBool


class YearDetail(_Detail):
    purchases: StrictInt = Field(description="How many purchases the year sums.")


class ShareDoc(_Detail):
    purchase: str
    amount: BoundsDoc
    share: BoundsDoc


class AllocationDetail(_Detail):
    shares: list[ShareDoc] = Field(description="Each purchase's share, in signing order.")


class SupportYearsDetail(_Detail):
    count: StrictInt
    years: list[StrictInt]


class TotalDetail(_Detail):
    years: list[StrictInt]


class RoundingDetail(_Detail):
    unit: Literal["fen", "yuan", "wan"]
    places: StrictInt
    mode: Literal["half_up", "truncate"]
    at: Literal["end", "each_step"]


class NoDetail(_Detail):
    """A step without parameters."""


#: Each step kind and the form of its ``detail``; a kind missing here fails a test.
DETAILS: dict[StepKind, type[_Detail]] = {
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
}


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


if TYPE_CHECKING:
    StepDoc = Any
else:
    # one model per kind, told apart by `kind`: the schema gives each kind's parameters
    StepDoc = Annotated[
        Union[tuple(_step_model(k, d) for k, d in DETAILS.items())],  # noqa: UP007
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
    confidence: Literal["official", "copy", "report", "seed"]


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


class AwardDoc(_Doc):
    """One program's result."""

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
    steps: list[StepDoc]
    sources: dict[str, SourceDoc]


class StackingDoc(_Doc):
    programs: Annotated[list[str], Field(min_length=2, max_length=2)]
    relation: Literal["stackable", "exclusive", "unknown"]
    purchases: list[str]
    ceiling: DecimalText | None
    note: str


class EstimateDocument(_Doc):
    """The JSON of ``aivoucher estimate --format json`` and ``Estimate.to_json()``."""

    model_config = ConfigDict(title="aivoucher estimate")

    schema_version: Literal[2]
    as_of: DateText
    currency: Literal["CNY"]
    total_low: DecimalText
    total_high: DecimalText
    profile: Profile
    awards: list[AwardDoc]
    uncounted: list[str]
    stacking: list[StackingDoc]


def estimate_schema() -> dict[str, Any]:
    """The JSON Schema of the estimate JSON (draft 2020-12)."""
    schema = EstimateDocument.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# -- reading back ------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal:
    return Decimal(value)


def _bounds(value: Any) -> Bounds:
    return Decimal(value["low"]), Decimal(value["high"])


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(value)


def _opt(decode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: None if v is None else decode(v)


def _as_is(value: Any) -> Any:
    return value


def _generic(value: Any) -> Any:
    """A parameter no table names: pairs back to tuples, the rest as JSON has it."""
    if isinstance(value, dict) and set(value) == {"low", "high"}:
        return _bounds(value)
    return value


#: How each fact's values are written: dates and amounts as text, a term's actual value as
#: its days (in a reason) or its (start, end) dates (in a step).
_FACT_VALUES: dict[str, Callable[[Any], Any]] = {
    "purchase.signed": _opt(_date),
    "year.contracts_total": _opt(_dec),
    "year.spend": _opt(_dec),
}


def _fact_value(fact: str | None) -> Callable[[Any], Any]:
    return _FACT_VALUES.get(fact or "", _as_is)


def _condition_detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    fact = detail.get("fact")
    value = _fact_value(fact)
    out = {k: _generic(v) for k, v in detail.items()}
    if "expected" in detail:
        out["expected"] = tuple(value(v) for v in detail["expected"])
    if "actual" in detail:
        actual = detail["actual"]
        if fact == "purchase.term" and actual is not None:
            out["actual"] = tuple(_date(d) for d in actual)
        else:
            out["actual"] = value(actual)
    return out


def _shares(value: Any) -> list[dict[str, Any]]:
    return [
        {"purchase": s["purchase"], "amount": _bounds(s["amount"]), "share": _bounds(s["share"])}
        for s in value
    ]


#: Each step kind's parameters whose JSON form is not their Python form.
_DETAIL: dict[StepKind, dict[str, Callable[[Any], Any]]] = {
    StepKind.PRORATION: {"from": _date, "to": _date},
    StepKind.RATE: {"tiers": tuple, "ceiling": _dec},
    StepKind.FIRST_YEARS: {"rate": _bounds, "rest": _bounds},
    StepKind.CAP: {"cap": _bounds},
    StepKind.POOL: {"pool": _dec},
    StepKind.MINIMUM: {"minimum": _dec},
    StepKind.THRESHOLD: {"threshold": _dec, "spend": _bounds},
    StepKind.ALLOCATION: {"shares": _shares},
    StepKind.TOTAL: {"years": list},
    StepKind.SUPPORT_YEARS: {"years": list},
}


def _detail(kind: StepKind, detail: Mapping[str, Any]) -> dict[str, Any]:
    if kind is StepKind.CONDITION:
        return _condition_detail(detail)
    table = _DETAIL.get(kind, {})
    return {k: table.get(k, _generic)(v) for k, v in detail.items()}


def _step(doc: Any, detail: Mapping[str, Any]) -> Step:
    """A step from its validated document; ``detail`` is the validated parameters as written
    (their order kept, so that writing the step again gives the same text)."""
    kind = StepKind(doc.kind)
    return Step(
        kind=kind,
        subject=doc.subject,
        before=None if doc.before is None else _bounds(doc.before.model_dump()),
        after=None if doc.after is None else _bounds(doc.after.model_dump()),
        rate=None if doc.rate is None else _bounds(doc.rate.model_dump()),
        detail=_detail(kind, detail),
        cites=tuple((c.id, c.quote) for c in doc.sources),
        assumption=doc.assumption,
    )


def _reason_values(doc: ReasonDoc) -> tuple[tuple[Any, ...], Any]:
    code, expected, actual = doc.code, doc.expected, doc.actual
    if code in (ReasonCode.NOT_IN_FORCE, ReasonCode.OTHER_VERSION):
        return tuple(_opt(_date)(v) for v in expected), _opt(_date)(actual)
    if code is ReasonCode.BELOW_MINIMUM:
        return tuple(_dec(v) for v in expected), _opt(_dec)(actual)
    if doc.fact == "purchase.term":
        days = None if actual is None else dt.timedelta(days=actual)
        return tuple(expected), days
    value = _fact_value(doc.fact)
    return tuple(value(v) for v in expected), value(actual)


def _reason(doc: ReasonDoc) -> Reason:
    from .schema import Prose

    expected, actual = _reason_values(doc)
    text: Any = doc.detail
    if isinstance(text, ProseDoc):
        text = Prose.model_validate(text.model_dump())
    return Reason(
        code=doc.code,
        fact=doc.fact,
        expected=expected,
        actual=actual,
        subject=doc.subject,
        source=doc.source,
        text=text,
    )


def _assumption(doc: AssumptionDoc, program: Program, where: str) -> Assumption:
    known: list[str] | None = None
    if doc.code is AssumptionCode.SWITCH:
        known = [w.id for w in program.switches]
    elif doc.code is AssumptionCode.RULE:
        known = [a.id for a in program.ambiguities]
    if known is not None and doc.id not in known:
        what = "switch" if doc.code is AssumptionCode.SWITCH else "ambiguity"
        raise EstimateError(
            f"{doc.id!r} is not a {what} of {program.key}",
            field=f"{where}.id",
            code="estimate.invalid",
        )
    if doc.code is AssumptionCode.SWITCH:
        return Assumption(doc.code, field=doc.id, subject=doc.subject)
    return Assumption(doc.code, ambiguity=doc.id, field=doc.field, subject=doc.subject)


def _program(rules: RuleSet, doc: AwardDoc, index: int) -> Program:
    from .naming import unknown_program

    key = doc.program if doc.version is None else f"{doc.program}@{doc.version}"
    entry = rules.index.entry(key)
    if entry is not None and entry.program.id == doc.program:
        return entry.program
    raise unknown_program(rules.programs, key, field=f"awards[{index}].program")


def _award(rules: RuleSet, doc: AwardDoc, index: int, raw: Mapping[str, Any]) -> Award:
    program = _program(rules, doc, index)
    where = f"awards[{index}].assumptions"
    return Award(
        program=program,
        eligible=doc.eligible,
        renewal=doc.renewal,
        low=_opt(_dec)(doc.low),
        high=_opt(_dec)(doc.high),
        reasons=tuple(_reason(r) for r in doc.reasons),
        assumptions=tuple(
            _assumption(a, program, f"{where}[{i}]") for i, a in enumerate(doc.assumptions)
        ),
        steps=tuple(_step(s, raw["steps"][i]["detail"]) for i, s in enumerate(doc.steps)),
        missing=tuple(doc.missing),
        purchases=tuple(doc.purchase_indices),
        application=_application(doc.application),
    )


def _application(doc: ApplicationDoc | None) -> ApplicationStatus | None:
    if doc is None:
        return None
    return ApplicationStatus(
        state=doc.state,
        opens=_opt(_date)(doc.opens),
        closes=_opt(_date)(doc.closes),
        covers=doc.covers,
        closed_for=tuple(doc.closed_for),
    )


def estimate_from_json(text: str | bytes, *, rules: RuleSet | None = None) -> Estimate:
    """Read an estimate's JSON back (see :meth:`Estimate.from_json`)."""
    from .documents import parse_json
    from .problems import from_validation
    from .render.json import estimate_to_dict
    from .render.text import render_text

    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise EstimateError("not valid UTF-8", code="estimate.invalid") from None
    if not isinstance(text, str):
        raise TypeError(f"an estimate's JSON is text, not {type(text).__name__}")
    try:
        data = parse_json(text, source="<estimate>")
    except InputError as exc:
        raise EstimateError(exc.message, line=exc.line, code="estimate.invalid") from None
    except ValueError:  # e.g. an integer longer than Python converts
        raise EstimateError(
            "not a JSON document this library reads", code="estimate.invalid"
        ) from None
    if not isinstance(data, dict):
        raise EstimateError("an estimate's JSON is an object", code="estimate.invalid")
    version = data.get("schema_version")
    if version != 2:
        raise EstimateError(
            f"schema_version {version!r} is not one this version reads (2)",
            field="schema_version",
            code="estimate.invalid",
        )
    try:
        doc = EstimateDocument.model_validate(data)
    except ValidationError as exc:
        raise from_validation(
            exc, EstimateError, scope="estimate", model=EstimateDocument, code="estimate.invalid"
        ) from None
    if rules is None:
        from .registry import bundled_rules

        rules = bundled_rules()
    try:
        estimate = _estimate(doc, rules, data)
        # The free-form parts (a step's parameters, a reason's values) are checked by use: the
        # estimate read back must render, as JSON and as text, as the one written did.
        estimate_to_dict(estimate)
        render_text(estimate)
    except InputError:
        raise
    except (ValueError, TypeError, LookupError, ArithmeticError, AssertionError, StopIteration):
        raise EstimateError(
            "a step's parameters or a reason's values are not of their kind's form",
            code="estimate.invalid",
        ) from None
    return estimate


def _estimate(doc: EstimateDocument, rules: RuleSet, raw: Mapping[str, Any]) -> Estimate:
    awards = []
    count = len(doc.profile.purchases)
    for i, award_doc in enumerate(doc.awards):
        award = _award(rules, award_doc, i, raw["awards"][i])
        if any(p >= count for p in award.purchases):
            raise EstimateError(
                "a purchase index beyond the profile's purchases",
                field=f"awards[{i}].purchase_indices",
                code="estimate.invalid",
            )
        awards.append(award)
    return Estimate(
        as_of=_date(doc.as_of),
        profile=doc.profile,
        awards=tuple(awards),
        total_low=_dec(doc.total_low),
        total_high=_dec(doc.total_high),
        stacking=tuple(
            StackingNote(
                programs=(s.programs[0], s.programs[1]),
                relation=s.relation,
                purchases=tuple(s.purchases),
                ceiling=_opt(_dec)(s.ceiling),
            )
            for s in doc.stacking
        ),
        uncounted=tuple(doc.uncounted),
        rules=rules,
    )
