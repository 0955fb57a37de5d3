"""An estimate arranged for a reader: the awards that count, largest first; those that depend
on a qualification or a renewal; those with no published amount; and the ineligible ones grouped
by reason. Text, notebook HTML and the report share this arrangement; it chooses no words and
does no arithmetic beyond picking the extremes of the trace's rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..base import jurisdictions
from ..vocabulary.details import CapDetail, PoolDetail
from ..vocabulary.result import Award, Bounds, Estimate, Reason, ReasonCode, Step, StepKind

__all__ = [
    "Group",
    "Parts",
    "binding_caps",
    "covers_home",
    "depends_on_renewal",
    "needed_qualifications",
    "parts",
    "rate_bounds",
]

# a program of another district is a program of another place, like one of another city
_PLACE_FACTS = ("applicant.city", "applicant.province", "applicant.district")


@dataclass(frozen=True, slots=True)
class Group:
    """Ineligible programs that share a reason: ``other_places``, ``not_in_force``, or
    ``reason`` (then ``reason`` is the shared one, without its purchase label)."""

    kind: str
    awards: tuple[Award, ...]
    reason: Reason | None = None


@dataclass(frozen=True, slots=True)
class Parts:
    counted: tuple[Award, ...]
    conditional: tuple[Award, ...]
    unpublished: tuple[Award, ...]
    ineligible: tuple[Group, ...]


def depends_on_renewal(award: Award) -> bool:
    """Whether the award depends on a renewal of its program and is left out of the total."""
    return award.renewal


def needed_qualifications(award: Award) -> list[str]:
    """The qualification ids an uncounted award turns on."""
    return [m.rsplit(".", 1)[-1] for m in award.missing if ".qualifications." in m]


def _sort_key(award: Award) -> tuple[Decimal, str]:
    return (-(award.high or Decimal(0)), award.program.key)


def _group_of(award: Award) -> tuple[str, tuple[object, ...], Reason | None]:
    reasons = award.reasons
    for r in reasons:
        if r.code is ReasonCode.CONDITION_FAILED and r.fact in _PLACE_FACTS:
            return "other_places", (), None
    for code in (ReasonCode.NOT_IN_FORCE,):
        if any(r.code is code for r in reasons):
            return "not_in_force", (), None
    for code in (ReasonCode.NO_PURCHASES, ReasonCode.NO_QUALIFYING_PURCHASE):
        for r in reasons:
            if r.code is code:
                return "reason", (code,), Reason(code)
    if not reasons:
        return "reason", (), None
    r = reasons[0]
    shared = Reason(r.code, r.fact, r.expected, r.actual, None, r.source, r.text)
    return "reason", (r.code, r.fact, repr(r.expected), repr(r.actual), repr(r.text)), shared


def parts(estimate: Estimate) -> Parts:
    uncounted = set(estimate.uncounted)
    counted: list[Award] = []
    conditional: list[Award] = []
    unpublished: list[Award] = []
    groups: dict[tuple[object, ...], tuple[str, Reason | None, list[Award]]] = {}
    for award in estimate.awards:
        if award.eligible is None:
            unpublished.append(award)
        elif award.eligible:
            if award.program.key in uncounted or depends_on_renewal(award):
                conditional.append(award)
            else:
                counted.append(award)
        else:
            kind, key, reason = _group_of(award)
            groups.setdefault((kind, *key), (kind, reason, []))[2].append(award)
    ordered = sorted(groups.values(), key=lambda g: (-len(g[2]), g[0]))
    return Parts(
        counted=tuple(sorted(counted, key=_sort_key)),
        conditional=tuple(sorted(conditional, key=_sort_key)),
        unpublished=tuple(sorted(unpublished, key=lambda a: a.program.key)),
        ineligible=tuple(
            Group(kind, tuple(sorted(awards, key=lambda a: a.program.key)), reason)
            for kind, reason, awards in ordered
        ),
    )


def rate_bounds(award: Award) -> Bounds | None:
    """The lowest and highest rate the trace applied, or ``None`` (a fixed award)."""
    rates = [s.rate for s in award.steps if s.kind is StepKind.RATE and s.rate is not None]
    if not rates:
        return None
    return min(r[0] for r in rates), max(r[1] for r in rates)


def binding_caps(award: Award) -> list[Step]:
    """The caps and pools that reduced the award."""
    return [
        s for s in award.steps if isinstance(s.detail, (CapDetail, PoolDetail)) and s.detail.binding
    ]


def covers_home(estimate: Estimate) -> bool:
    """Whether some evaluated program belongs to the applicant's city, one of its districts or
    its province."""
    city = estimate.profile.applicant.city
    home = {city, jurisdictions.province_of(city)}
    return any(
        a.program.jurisdiction in home
        or (
            a.program.jurisdiction in jurisdictions.DISTRICTS
            and jurisdictions.city_of(a.program.jurisdiction) == city
        )
        for a in estimate.awards
    )
