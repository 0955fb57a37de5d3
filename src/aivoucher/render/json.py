"""The JSON contract of an estimate (documented in docs/json.md).

Amounts are decimal strings (``"4800000"``, ``"12.5"``): exact, and free of binary floats in any
consumer. Each reason and assumption carries its ``code`` and structured fields beside its
sentence (``text``, in the requested locale); ``steps`` keep the structure (kind, subject,
amounts before/after, rate, parameters, citations) for tools. The profile is included, so that
:meth:`Estimate.from_json <aivoucher.vocabulary.result.Estimate.from_json>` can read an estimate
back. :mod:`aivoucher.render.estimate_json` describes the document as a JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TextIO, get_args

from ..base.money import canonical
from ..base.version import VERSION
from ..base.visible import json_text
from ..vocabulary.details import Detail as StepDetail
from ..vocabulary.result import Assumption, AssumptionCode, Award, Bounds, Estimate, Reason, Step
from .messages import Messages, messages

if TYPE_CHECKING:
    from ..questions.whatif import Narrowing
    from ..ruleset.registry import RuleSet

__all__ = [
    "DETAILS",
    "SCHEMA_VERSION",
    "Detail",
    "assumption_to_dict",
    "award_to_dict",
    "check_detail",
    "estimate_head",
    "estimate_to_dict",
    "generator",
    "is_reading",
    "open_facts",
    "open_facts_doc",
    "paying",
    "readings",
    "reason_to_dict",
    "render_json",
    "write_json",
]

#: The schema_version written (render.estimate_json.SCHEMA_VERSION, which reads 2 as well).
SCHEMA_VERSION = 3

#: How much of an estimate a document carries (``--detail``): ``summary``, the totals and what
#: they rest on (range, confidence, renewal, freshness, stacking, the facts still open and the
#: rule files' readings relied on); ``awards``, that and each award that pays or may pay with
#: its sources, reasons and assumptions (its steps left out); ``full``, everything (the
#: default, and the only document that reads back). Each is the one before with more keys.
Detail = Literal["summary", "awards", "full"]
DETAILS: tuple[Detail, ...] = get_args(Detail)

#: The keys of an award's entry in an ``awards`` document: all but its trace's ``steps``.
AWARD_KEYS = (
    "program",
    "version",
    "name",
    "jurisdiction",
    "eligible",
    "renewal",
    "low",
    "high",
    "currency",
    "confidence",
    "reasons",
    "assumptions",
    "missing",
    "purchases",
    "purchase_indices",
    "application",
    "sources",
)
#: The keys a ``summary`` document leaves out: the profile and the awards.
_NOT_IN_SUMMARY = ("profile", "awards")

_UNKNOWN_DETAIL = {
    "zh": "未知的详细程度 {detail!r}：可选 summary、awards 或 full",
    "en": "unknown detail {detail!r}: choose summary, awards or full",
}


def check_detail(detail: object) -> Detail:
    """``detail`` if it is one of :data:`DETAILS`, else an :class:`InputError`."""
    if detail in DETAILS:
        return detail
    from ..base.i18n import get_locale
    from ..errors import InputError

    message = _UNKNOWN_DETAIL[get_locale()].format(detail=detail)
    raise InputError(message, field="detail")


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else canonical(value)


def _bounds(value: Bounds | None) -> dict[str, str] | None:
    return None if value is None else {"low": canonical(value[0]), "high": canonical(value[1])}


_AS_IS = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> Any:
    """Step parameters as JSON values: decimals as strings, dates ISO, pairs as low/high."""
    if value.__class__ in _AS_IS:  # most parameters: written as they are
        return value
    if isinstance(value, Decimal):
        return canonical(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # a contract's term: whole days
        return value.days
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, Decimal) for v in value):
        return _bounds(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _step(step: Step, detail: dict[str, Any] | None = None) -> dict[str, Any]:
    """A step as the JSON writes it (``detail``: its parameters, if not the step's own)."""
    return {
        "kind": step.kind.value,
        "subject": step.subject,
        "before": _bounds(step.before),
        "after": _bounds(step.after),
        "rate": _bounds(step.rate),
        "detail": _plain(detail_items(step.detail) if detail is None else detail),
        "sources": [{"id": sid, "quote": quote} for sid, quote in step.cites],
        "assumption": step.assumption,
    }


#: Per class of step detail, its fields as ``Detail.items`` writes them: (attribute, key, left
#: out where None); found once per class (``dataclasses.fields`` per step was a large share of
#: writing or reading a long trace).
_DETAIL_FIELDS: dict[type, tuple[tuple[str, str, bool], ...]] = {}


def detail_items(detail: Any) -> dict[str, Any]:
    """``detail.items()`` (:class:`aivoucher.vocabulary.details.Detail`), the same record, made
    without looking up the class's fields again."""
    cls = detail.__class__
    known = _DETAIL_FIELDS.get(cls)
    if known is None:
        from dataclasses import fields

        known = _DETAIL_FIELDS[cls] = tuple(
            (f.name, f.name.rstrip("_"), f.default is None) for f in fields(detail)
        )
    out: dict[str, Any] = {}
    for name, key, optional in known:
        value = getattr(detail, name)
        if value is None and optional:
            continue
        if isinstance(value, tuple) and value and isinstance(value[0], StepDetail):
            value = [detail_items(v) for v in value]
        out[key] = value
    return out


# -- telling whether a document's step is what _step writes, without writing it --------------


#: Amounts as :func:`canonical` writes them, by value (equal decimals are written alike): a
#: purchase's amount recurs in its steps of every program; emptied when it grows past
#: :data:`_KEPT` entries.
_CANONICAL: dict[Decimal, str] = {}
_KEPT = 4096


def _canonical(value: Decimal) -> str:
    text = _CANONICAL.get(value)
    if text is None:
        if len(_CANONICAL) >= _KEPT:
            _CANONICAL.clear()
        text = _CANONICAL[value] = _written_amount(value)
    return text


def _written_amount(value: Decimal) -> str:
    """:func:`canonical`, made from ``str``, which is quicker than the fixed-point format and
    writes the same digits where it writes no exponent."""
    if value.__class__ is not Decimal:
        return canonical(value)
    text = str(value)
    if "E" in text:
        return canonical(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _is(raw: Any, value: Any) -> bool:
    """``raw`` is ``value``, of the very same type (``1`` is not ``true``, nor ``1.0``)."""
    return raw.__class__ is value.__class__ and bool(raw == value)


def _is_bounds(raw: Any, value: Any) -> bool:
    """``raw`` is what :func:`_bounds` writes for ``value``."""
    if value is None:
        return raw is None
    if raw.__class__ is not dict or len(raw) != 2:
        return False
    low, high = raw.get("low"), raw.get("high")
    return (
        low.__class__ is str
        and high.__class__ is str
        and value[0].__class__ is Decimal
        and value[1].__class__ is Decimal
        and low == _canonical(value[0])
        and high == _canonical(value[1])
    )


def _is_plain(raw: Any, value: Any) -> bool:
    """``raw`` is what :func:`_plain` writes for ``value``; False where in doubt."""
    cls = value.__class__
    if cls in _AS_IS:
        return raw.__class__ is cls and bool(raw == value)
    if cls is Decimal:
        return raw.__class__ is str and raw == _canonical(value)
    if cls is dt.date or cls is dt.datetime:
        return raw.__class__ is str and raw == value.isoformat()
    if cls is dt.timedelta:
        return raw.__class__ is int and raw == value.days
    if cls is tuple and len(value) == 2 and all(v.__class__ is Decimal for v in value):
        return _is_bounds(raw, value)
    if cls is tuple or cls is list:
        if raw.__class__ is not list or len(raw) != len(value):
            return False
        # a loop, not all() over a generator: this runs for every value of a long trace
        for r, v in zip(raw, value, strict=True):  # noqa: SIM110
            if not _is_plain(r, v):
                return False
        return True
    if cls is dict:
        if raw.__class__ is not dict or len(raw) != len(value):
            return False
        for k, v in value.items():
            if k.__class__ is not str or k not in raw or not _is_plain(raw[k], v):
                return False
        return True
    return False  # anything else: the caller writes the value and compares


def _is_detail(raw: Any, detail: Any) -> bool:
    """``raw`` is what :func:`_step` writes for a step's ``detail``; False where in doubt.

    Text is compared with ``==`` (text equals nothing but text), and so is an amount, as the
    dict of text it is written as; a number or a boolean by type as well (``1 == True``), and
    anything else by :func:`_is_plain`. The common kinds of value are told here, without a
    call per value."""
    if raw.__class__ is not dict:
        return False
    cls = detail.__class__
    known = _DETAIL_FIELDS.get(cls)
    if known is None:
        return _is_plain(raw, detail_items(detail))  # finds the class's fields
    written = 0
    for name, key, optional in known:
        value = getattr(detail, name)
        kind = value.__class__
        if kind is str:
            if raw.get(key, _ABSENT) != value:
                return False
        elif kind is bool or kind is int:
            found = raw.get(key, _ABSENT)
            if found.__class__ is not kind or found != value:
                return False
        elif value is None:
            if not optional:
                if raw.get(key, _ABSENT) is not None:
                    return False
                written += 1
            continue
        elif kind is tuple:
            found = raw.get(key, _ABSENT)
            if len(value) == 2 and value[0].__class__ is Decimal and value[1].__class__ is Decimal:
                if found != _written_bounds(value):  # an amount: a dict of text
                    return False
            elif not _are_entries(found, value):
                return False
        elif key not in raw or not _is_plain(raw[key], value):
            return False
        written += 1
    return len(raw) == written


def _are_entries(raw: Any, values: tuple[Any, ...]) -> bool:
    """``raw`` is the list :func:`_step` writes for a tuple in a step's parameters: of
    records (each purchase's share of a yearly limit, where the first entry is one, as
    :func:`detail_items` tells), or of text, numbers and other values."""
    if raw.__class__ is not list or len(raw) != len(values):
        return False
    if values and isinstance(values[0], StepDetail):
        for r, v in zip(raw, values, strict=True):
            if not (isinstance(v, StepDetail) and _is_detail(r, v)):
                return False
        return True
    for r, v in zip(raw, values, strict=True):
        kind = v.__class__
        if kind is str or kind is int or kind is bool:
            if r.__class__ is not kind or r != v:
                return False
        elif not _is_plain(r, v):
            return False
    return True


#: Bounds as :func:`_bounds` writes them, by value (equal pairs are written alike, as
#: :func:`canonical` writes equal amounts alike; most steps that apply a rate share one), and
#: each step's ``sources`` as written, by its cites; both emptied when they grow past
#: :data:`_KEPT` entries. What is kept is only compared, never handed out.
_BOUNDS: dict[Any, dict[str, str]] = {}
_SOURCES: dict[tuple[tuple[str, str], ...], list[dict[str, str]]] = {}


def _written_bounds(value: Any) -> dict[str, str]:
    found = _BOUNDS.get(value)
    if found is None:
        if len(_BOUNDS) >= _KEPT:
            _BOUNDS.clear()
        found = _BOUNDS[value] = {"low": _canonical(value[0]), "high": _canonical(value[1])}
    return found


def _written_sources(cites: tuple[tuple[str, str], ...]) -> list[dict[str, str]] | None:
    """``cites`` as :func:`_step` writes them, or ``None`` where a value is not text (the
    caller then compares field by field)."""
    found = _SOURCES.get(cites)
    if found is None:
        if not all(sid.__class__ is str and quote.__class__ is str for sid, quote in cites):
            return None
        if len(_SOURCES) >= _KEPT:
            _SOURCES.clear()
        found = _SOURCES[cites] = [{"id": sid, "quote": quote} for sid, quote in cites]
    return found


#: The parameters of the steps read last, as :func:`_step` writes them, by the record itself
#: (most steps of a long trace that apply a rate, or take a base, share theirs), with where
#: they hold a number or a boolean (see :func:`_typed`); emptied when they grow past
#: :data:`_KEPT` entries. Kept alive while kept, so that no other record has their ``id``.
_DETAILS: dict[int, tuple[Any, Any, tuple[tuple[tuple[str | int, ...], type], ...] | None]] = {}
#: Parameters written with more values than this are not kept (a yearly limit's share of each
#: of a long profile's purchases): made for the one step, and let go.
_DETAIL_KEPT_VALUES = 64


def _written_detail(
    detail: Any,
) -> tuple[Any, tuple[tuple[tuple[str | int, ...], type], ...] | None] | None:
    """``detail`` as :func:`_step` writes it, with the paths of its numbers and booleans and
    their types (``None`` in place of those where it holds a value of another kind than text,
    numbers, booleans, ``None``, lists and objects), where the record was seen before; else
    ``None`` (most records are seen once, and are compared without being written)."""
    key = id(detail)
    kept = _DETAILS.get(key)
    if kept is not None and kept[0] is detail:
        return kept[1], kept[2]
    seen = _SEEN.get(key)
    if not seen:  # seen for the first time, or too large to keep
        if seen is None:
            if len(_SEEN) >= _KEPT:
                _SEEN.clear()
            _SEEN[key] = True
        return None
    written = _plain(detail_items(detail))
    typed: list[tuple[tuple[str | int, ...], type]] = []
    values = _typed(written, (), typed)
    found = None if values < 0 else tuple(typed)
    if values <= _DETAIL_KEPT_VALUES:
        if len(_DETAILS) >= _KEPT:
            _DETAILS.clear()
        _DETAILS[key] = (detail, written, found)
    else:  # compared field by field from now on, without being written
        _SEEN[key] = False
    return written, found


#: The ``id`` of each record seen once (see :func:`_written_detail`), ``False`` for one too
#: large to keep. The records are not kept alive (one may hold a share of each of a million
#: purchases): where one has gone and another has its ``id``, that one is written the first
#: time it is seen, or compared field by field, to no harm.
_SEEN: dict[int, bool] = {}


def _typed(
    value: Any, path: tuple[str | int, ...], out: list[tuple[tuple[str | int, ...], type]]
) -> int:
    """Add to ``out`` the path of each number and boolean in ``value`` (written JSON), with
    its type; the count of values in it, or -1 where one is of another kind."""
    cls = value.__class__
    if cls is str or value is None:
        return 1
    if cls is int or cls is bool:
        out.append((path, cls))
        return 1
    count = 0
    if cls is dict:
        for key, inner in value.items():
            found = _typed(inner, (*path, key), out) if key.__class__ is str else -1
            if found < 0:
                return -1
            count += found
        return count
    if cls is list:
        for i, inner in enumerate(value):
            found = _typed(inner, (*path, i), out)
            if found < 0:
                return -1
            count += found
        return count
    return -1


def step_written(raw: Any, step: Step) -> bool:
    """Whether ``raw`` (parsed JSON) is exactly what :func:`_step` writes for ``step``. True
    only where it is; False also where in doubt (a value of a kind this does not look into),
    and the caller then writes the step and compares.

    The step is compared at once, as one dict, with what is written for its parts (kept from
    earlier steps where they are alike: most of a long trace's rates, parameters and sources
    repeat, and its amounts recur from one program to the next). Python's ``==`` is as strict
    as the comparison must be but for numbers and booleans (``1 == True == Decimal(1)``, while
    text equals nothing but text): those, only ever in the parameters, are compared by type
    as well, where the written step has them."""
    if raw.__class__ is not dict:
        return False
    subject, assumption, cites = step.subject, step.assumption, step.cites
    sources = _SOURCES.get(cites)
    if sources is None:
        sources = _written_sources(cites)
    if (
        sources is None
        or (subject is not None and subject.__class__ is not str)
        or (assumption is not None and assumption.__class__ is not str)
    ):
        return _step_written_by_field(raw, step)
    before, after, rate = step.before, step.after, step.rate
    made = {
        "kind": step.kind,  # a StrEnum: equal to its text, and to nothing else
        "subject": subject,
        "before": None if before is None else _written_bounds(before),
        "after": None if after is None else _written_bounds(after),
        "rate": None if rate is None else _written_bounds(rate),
        # the document's own (the key must be there all the same), unless written below
        "detail": raw.get("detail", _ABSENT),
        "sources": sources,
        "assumption": assumption,
    }
    known = _written_detail(step.detail)
    if known is None or known[1] is None:  # told field by field, without writing it
        return raw == made and _is_detail(raw["detail"], step.detail)
    made["detail"], typed = known
    if raw != made:
        return False
    if typed:
        # equal, so of the same shape: each number or boolean is where the path says
        found = raw["detail"]
        for path, cls in typed:
            value = found
            for part in path:
                value = value[part]
            if value.__class__ is not cls:
                return False
    return True


_ABSENT = object()  # a value no document holds
_STEP_KEYS = 8  # kind, subject, before, after, rate, detail, sources, assumption


def _step_written_by_field(raw: Any, step: Step) -> bool:
    """:func:`step_written` for a step holding a value that is not text where text is
    expected, field by field and by type."""
    if raw.__class__ is not dict or len(raw) != _STEP_KEYS:
        return False
    try:
        kind, subject, assumption = raw["kind"], raw["subject"], raw["assumption"]
        before, after, rate = raw["before"], raw["after"], raw["rate"]
        sources, detail = raw["sources"], raw["detail"]
    except KeyError:
        return False
    return (
        kind.__class__ is str
        and kind == step.kind.value
        and (subject is None if step.subject is None else _is(subject, step.subject))
        and (assumption is None if step.assumption is None else _is(assumption, step.assumption))
        and (before is None if step.before is None else _is_bounds(before, step.before))
        and (after is None if step.after is None else _is_bounds(after, step.after))
        and (rate is None if step.rate is None else _is_bounds(rate, step.rate))
        and sources.__class__ is list
        and len(sources) == len(step.cites)
        and _are_sources(sources, step.cites)
        and _is_detail(detail, step.detail)
    )


def _are_sources(raw: list[Any], cites: tuple[tuple[str, str], ...]) -> bool:
    for s, (sid, quote) in zip(raw, cites, strict=True):
        if not (
            s.__class__ is dict
            and len(s) == 2
            and "id" in s
            and "quote" in s
            and _is(s["id"], sid)
            and _is(s["quote"], quote)
        ):
            return False
    return True


def _prose(value: Any) -> Any:
    """A rule file's text: ``{"zh", "en"}`` for bilingual prose, else as it is."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return value


def reason_to_dict(reason: Reason, m: Messages) -> dict[str, Any]:
    """A reason: its code and sentence, and the facts behind them."""
    return {
        "code": reason.code.value,
        "text": m.reason(reason),
        "fact": reason.fact,
        "expected": [_plain(v) for v in reason.expected],
        "actual": _plain(reason.actual),
        "subject": reason.subject,
        "source": reason.source,
        "detail": _prose(reason.text),
    }


def assumption_to_dict(assumption: Assumption, award: Award, m: Messages) -> dict[str, Any]:
    """An assumption: its code, the ambiguity id (or the switch's name) and the sentence."""
    switch = assumption.code is AssumptionCode.SWITCH
    return {
        "code": assumption.code.value,
        "id": assumption.field if switch else assumption.ambiguity,
        "field": None if switch else assumption.field,
        "subject": assumption.subject,
        "text": m.assumption(assumption, award),
    }


def award_to_dict(
    award: Award, locale: str | None = None, labels: Sequence[str] = (), *, trace: bool = True
) -> dict[str, Any]:
    """One award; ``labels`` are the profile's purchase labels (``id`` or ``#n``). Without
    ``trace``, its reasons, assumptions and steps are left empty (a writer streams them)."""
    m = messages(locale)
    p = award.program
    reasons, assumptions, steps = (
        (award.reasons, award.assumptions, award.steps) if trace else ((), (), ())
    )
    return {
        "program": p.id,
        "version": p.version,
        "name": {"zh": p.name.zh, "en": p.name.en},
        "jurisdiction": p.jurisdiction,
        "eligible": award.eligible,
        "renewal": award.renewal,
        "low": _amount(award.low),
        "high": _amount(award.high),
        "currency": p.currency,
        "confidence": award.confidence,
        "reasons": [reason_to_dict(r, m) for r in reasons],
        "assumptions": [assumption_to_dict(a, award, m) for a in assumptions],
        "missing": list(award.missing),
        "purchases": [labels[i] if labels else f"#{i + 1}" for i in award.purchases],
        "purchase_indices": list(award.purchases),
        "application": _application(award, locale),
        "steps": [_step(s) for s in steps],
        "sources": {
            s.id: {"title": s.title, "url": s.url, "seed": s.seed, "confidence": s.confidence}
            for s in p.sources
        },
    }


def _application(award: Award, locale: str | None) -> dict[str, Any] | None:
    """The award's application calendar on the as-of date, and the rule file's facts."""
    status = award.application
    if status is None:
        return None
    m = messages(locale)
    app = award.program.application
    return {
        "state": status.state,
        "opens": None if status.opens is None else status.opens.isoformat(),
        "closes": None if status.closes is None else status.closes.isoformat(),
        "covers": status.covers,
        "closed_for": list(status.closed_for),
        "text": m.application_status(status),
        "frequency": None if app is None or app.frequency is None else app.frequency.every,
        "office": (
            None
            if app is None or app.office is None
            else {"name": m.prose(app.office.name), "url": app.office.url}
        ),
        "materials": [] if app is None else [m.prose(x.item) for x in app.materials],
        "payment": None if app is None or app.payment is None else m.prose(app.payment.text),
    }


def generator(rules: RuleSet | None) -> dict[str, Any]:
    """Who made a JSON document: aivoucher, its version, and the rule files used — a digest
    of their validated content (:attr:`RuleSet.digest`) and how many there are — so that a
    reader can tell which rules a figure rests on."""
    used = None if rules is None else {"digest": rules.digest, "count": len(rules)}
    return {"name": "aivoucher", "version": VERSION, "rules": used}


def paying(awards: Iterable[Award]) -> list[Award]:
    """The awards that pay or may pay: counted, or left out of the total because they turn on
    a qualification, a missing fact or a renewal."""
    return [a for a in awards if a.eligible and a.high]


def open_facts(awards: Iterable[Award]) -> list[str]:
    """The profile fields whose absence widens the awards that pay or may pay, each once, in
    the order the awards name them."""
    return list(dict.fromkeys(fact for a in paying(awards) for fact in a.missing))


def readings(award: Award, assumptions: Iterable[Assumption], m: Messages) -> list[dict[str, Any]]:
    """The award's assumptions about the program as a whole (the rule file's readings,
    switches, a renewal, a missing fact taken as met or not), each with its program: those
    about one purchase stay with the award, and a fact merely not given is in ``missing``."""
    return [
        {"program": award.program.id, "version": award.program.version}
        | assumption_to_dict(a, award, m)
        for a in assumptions
        if is_reading(a)
    ]


def is_reading(assumption: Assumption) -> bool:
    """Whether an assumption is one the document's ``assumptions`` list (see :func:`readings`)."""
    return assumption.subject is None and assumption.code is not AssumptionCode.MISSING_FACT


def _readings(awards: Iterable[Award], locale: str | None) -> list[dict[str, Any]]:
    m = messages(locale)
    out: list[dict[str, Any]] = []
    for award in paying(awards):
        out += readings(award, award.assumptions, m)
    return out


def _head(
    estimate: Estimate,
    locale: str | None,
    *,
    profile: bool = True,
    rests_on: bool = True,
    narrowing: Sequence[Narrowing] | None = None,
) -> dict[str, Any]:
    """Everything but the awards (``awards`` is left ``None``, in its place; without
    ``profile``, so is the profile; without ``rests_on``, so are ``missing`` and
    ``assumptions``, which read the awards' traces). ``narrowing`` (what_narrows of the
    estimate, made on the questions floor) gives ``open_facts``; without it, ``null``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": generator(estimate.rules),
        "as_of": estimate.as_of.isoformat(),
        "currency": estimate.profile.currency,
        "total_low": canonical(estimate.total_low),
        "total_high": canonical(estimate.total_high),
        "if_renewed_low": canonical(estimate.if_renewed[0]),
        "if_renewed_high": canonical(estimate.if_renewed[1]),
        "confidence": estimate.confidence,
        "checked": {
            "oldest": None if estimate.checked is None else estimate.checked.isoformat(),
            "unrecorded": list(estimate.unchecked),
        },
        "profile": estimate.profile.model_dump(mode="json") if profile else None,
        "awards": None,
        "uncounted": list(estimate.uncounted),
        "stacking": [
            {
                "programs": list(note.programs),
                "relation": note.relation,
                "purchases": list(note.purchases),
                "ceiling": None if note.ceiling is None else canonical(note.ceiling),
                "note": messages(locale).stacking(note),
            }
            for note in estimate.stacking
        ],
        # what the totals rest on, after the awards they are read from
        "missing": open_facts(estimate.awards),
        "assumptions": _readings(estimate.awards, locale) if rests_on else None,
        "open_facts": None if narrowing is None else open_facts_doc(narrowing),
    }


def open_facts_doc(narrowing: Sequence[Narrowing]) -> list[dict[str, Any]]:
    """``open_facts``: each fact what_narrows names, in its order, in words in both languages,
    with each answer's totals."""
    zh, en = messages("zh"), messages("en")

    def plain(value: Any) -> Any:
        return canonical(value) if isinstance(value, Decimal) else value

    return [
        {
            "field": item.field,
            "label": {"zh": zh.narrowing_fact(item), "en": en.narrowing_fact(item)},
            "adds": item.adds,
            "programs": [p.key for p in item.programs],
            "answers": [
                {
                    "value": plain(a.value),
                    "other": a.other,
                    "total_low": canonical(a.total_low),
                    "total_high": canonical(a.total_high),
                }
                for a in item.answers
            ],
        }
        for item in narrowing
    ]


def estimate_head(estimate: Estimate, locale: str | None = None) -> dict[str, Any]:
    """The estimate's JSON without its profile and awards (both ``None``): the totals, the
    renewal figures, confidence, dates checked, stacking notes, as :func:`estimate_to_dict`
    writes them."""
    return _head(estimate, locale, profile=False)


def estimate_to_dict(
    estimate: Estimate,
    locale: str | None = None,
    detail: Detail = "full",
    narrowing: Sequence[Narrowing] | None = None,
) -> dict[str, Any]:
    """The document as Python values, at a level of :data:`DETAILS`; ``narrowing`` gives its
    ``open_facts``."""
    check_detail(detail)
    labels = [p.label(i) for i, p in enumerate(estimate.profile.purchases)]
    data = _head(estimate, locale, narrowing=narrowing)
    if detail == "summary":
        for key in _NOT_IN_SUMMARY:
            del data[key]
    elif detail == "awards":
        del data["profile"]
        data["awards"] = [_entry(award_to_dict(a, locale, labels)) for a in paying(estimate.awards)]
    else:
        data["awards"] = [award_to_dict(a, locale, labels) for a in estimate.awards]
    return data


def _entry(award: dict[str, Any]) -> dict[str, Any]:
    return {key: award[key] for key in AWARD_KEYS}


#: Above this many purchases the JSON is written on one line, one award and one trace entry at a
#: time: the indenting encoder is pure Python and some twenty times slower than the compact
#: one, and a long trace's dictionaries are several times the size of its text.
COMPACT_ABOVE = 1_000


def render_json(
    estimate: Estimate,
    locale: str | None = None,
    *,
    indent: int | None = 2,
    detail: Detail = "full",
    narrowing: Sequence[Narrowing] | None = None,
) -> str:
    """The JSON text at a level of :data:`DETAILS`; a whole estimate is indented unless the
    profile is very long (see :data:`COMPACT_ABOVE`)."""
    if check_detail(detail) == "full" and len(estimate.profile.purchases) > COMPACT_ABOVE:
        out = io.StringIO()
        _write_compact(estimate, out, locale, narrowing)
        return out.getvalue()
    data = estimate_to_dict(estimate, locale, detail, narrowing)
    return json_text(json.dumps(data, ensure_ascii=False, indent=indent))


def write_json(
    estimate: Estimate,
    stream: TextIO,
    locale: str | None = None,
    *,
    indent: int | None = 2,
    detail: Detail = "full",
    narrowing: Sequence[Narrowing] | None = None,
) -> None:
    """Write :func:`render_json`'s text and a newline to ``stream``; a long estimate is
    written piece by piece, never held whole (nor every award's trace at once)."""
    if check_detail(detail) == "full" and len(estimate.profile.purchases) > COMPACT_ABOVE:
        _write_compact(estimate, stream, locale, narrowing)
    else:
        text = render_json(estimate, locale, indent=indent, detail=detail, narrowing=narrowing)
        stream.write(text)
    stream.write("\n")


def _dumps(value: Any) -> str:
    return json_text(json.dumps(value, ensure_ascii=False))


class _Entries:
    """``[a, b, …]`` written one entry at a time, separated as the compact encoder does."""

    __slots__ = ("first", "write")

    def __init__(self, write: Callable[[str], object]) -> None:
        self.write = write
        self.first = True
        write("[")

    def begin(self) -> None:
        """Start an entry (its text is written next)."""
        if not self.first:
            self.write(", ")
        self.first = False

    def add(self, text: str) -> None:
        self.begin()
        self.write(text)

    def close(self) -> None:
        self.write("]")


def _write_entries(write: Callable[[str], object], texts: Iterable[str]) -> None:
    entries = _Entries(write)
    for text in texts:
        entries.add(text)
    entries.close()


def _write_compact(
    estimate: Estimate,
    stream: TextIO,
    locale: str | None,
    narrowing: Sequence[Narrowing] | None = None,
) -> None:
    """The one-line JSON, written as it is made: each award's reasons, assumptions and steps
    one entry at a time (a trace left for later is built for this and not kept)."""
    labels = [p.label(i) for i, p in enumerate(estimate.profile.purchases)]
    head = _head(estimate, locale, profile=False, rests_on=False, narrowing=narrowing)
    # the profile's other fields after its purchases, as its model_dump orders them
    rest = estimate.profile.model_dump(mode="json", exclude={"applicant", "purchases"})
    head["profile"] = {"applicant": _SLOT, "purchases": _SLOT, **rest}
    head["awards"] = head["assumptions"] = _SLOT
    first, to_purchases, to_awards, to_readings, last = _dumps(head).split(_dumps(_SLOT))
    del head
    write = stream.write
    write(first)
    profile = estimate.profile
    write(_dumps(profile.applicant.model_dump(mode="json")))
    write(to_purchases)
    _write_entries(write, (_dumps(p.model_dump(mode="json")) for p in profile.purchases))
    write(to_awards)
    awards = _Entries(write)
    found: list[dict[str, Any]] = []  # the readings the totals rest on, gathered on the way
    for award in estimate.awards:
        awards.begin()
        found += _write_award(award, write, locale, labels)
    awards.close()
    write(to_readings)
    write(_dumps(found))
    write(last)


def _write_award(
    award: Award, write: Callable[[str], object], locale: str | None, labels: Sequence[str]
) -> list[dict[str, Any]]:
    """Write the award; returns its readings for the document's ``assumptions``."""
    m = messages(locale)
    reasons, assumptions = award.explanation()
    found = readings(award, assumptions, m) if paying((award,)) else []
    data = award_to_dict(award, locale, labels, trace=False)
    data["reasons"] = data["assumptions"] = data["steps"] = _SLOT
    parts = _dumps(data).split(_dumps(_SLOT))
    write(parts[0])
    _write_entries(write, (_dumps(reason_to_dict(r, m)) for r in reasons))
    write(parts[1])
    _write_entries(write, (_dumps(assumption_to_dict(a, award, m)) for a in assumptions))
    del reasons, assumptions  # not alive while the steps are built again
    write(parts[2])
    steps = _Entries(write)

    def step(item: Step) -> None:
        steps.begin()
        _write_step(item, write)

    award.explanation(step)
    steps.close()
    write(parts[3])
    return found


#: A step parameter holding more entries than this (the allocation of a yearly cap over every
#: contract of the year) is written one entry at a time.
_LONG = 1_000


def _write_step(step: Step, write: Callable[[str], object]) -> None:
    detail = step.detail.items()
    long = {k: v for k, v in detail.items() if isinstance(v, list | tuple) and len(v) > _LONG}
    if not long:
        write(_dumps(_step(step, detail)))
        return
    data = _step(step, {k: _SLOT if k in long else v for k, v in detail.items()})
    parts = _dumps(data).split(_dumps(_SLOT))
    for part, values in zip(parts, long.values(), strict=False):
        write(part)
        _write_entries(write, (_dumps(_plain(v)) for v in values))
    write(parts[-1])


_SLOT = "\x00slot\x00"  # a string no field of an estimate can contain
