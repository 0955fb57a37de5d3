"""What-if: the grid of estimates over some facts' values, and the value of declaring a fact.

``vary(profile, startup=[True, False], chip_origin=["domestic", "foreign"])`` estimates every
combination; an applicant fact is set on the applicant, a purchase fact on every purchase, and
``place`` (or ``city``) registers the applicant elsewhere. ``what_narrows(estimate)`` tries
every answer to each fact the estimate is missing and ranks the facts by how narrow the total's
range becomes under the least favourable answer: the fact worth declaring first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..base import jurisdictions
from ..base.limits import MAX_CASES, MAX_VALUES, check_count, take
from ..base.paths import parse_path
from ..errors import InputError
from ..vocabulary.facts import FACTS
from ..vocabulary.profile import Applicant, Profile, Purchase, parse_profile
from ..vocabulary.result import Estimate
from .assembled import assembled_on_read, known
from .places import register

if TYPE_CHECKING:
    from ..ruleset.registry import RuleSet
    from ..vocabulary.schema import Program

__all__ = ["STACKING", "Answer", "Case", "Grid", "Narrowing", "vary", "what_narrows"]

_PLACE = ("place", "city")
#: The field of the stacking question: whether programs that share a purchase, and whose rule
#: files say nothing of each other, may both pay. Only the authorities can answer it.
STACKING = "stacking"
#: At most this many missing facts are tried by :func:`what_narrows`.
MAX_NARROWING_FACTS = 24
_APPLICANT = frozenset(Applicant.model_fields) - {"city", "name"}
_PURCHASE = frozenset(Purchase.model_fields) - {"id"}


# without slots: the estimate is assembled when first read (questions.assembled)
@assembled_on_read
@dataclass(frozen=True)
class Case:
    """One combination of values and its estimate."""

    facts: tuple[tuple[str, Any], ...]
    estimate: Estimate

    def __repr__(self) -> str:
        facts = ", ".join(f"{k}={v!r}" for k, v in self.facts)
        made = known(self)
        return f"<Case {facts}: {made.total_low}–{made.total_high}>"


@dataclass(frozen=True, slots=True)
class Grid:
    """The estimates of every combination of the varied facts, in the order given."""

    names: tuple[str, ...]
    cases: tuple[Case, ...]

    def __iter__(self) -> Any:
        return iter(self.cases)

    def __len__(self) -> int:
        return len(self.cases)

    def __repr__(self) -> str:
        return f"<Grid {' × '.join(self.names)}: {len(self.cases)} cases>"

    def to_text(self, *, locale: str = "en") -> str:
        from ..render.whatif import render_grid_text

        return render_grid_text(self, locale)

    def to_frame(self, *, locale: str = "en") -> Any:
        """One row per case (pandas, ``aivoucher[notebook]``): the facts, then the totals and
        each paying program's high end; money columns exact."""
        from ..render.frames import frame
        from ..render.whatif import grid_rows

        rows = grid_rows(self, locale)
        money = [k for row in rows for k, v in row.items() if isinstance(v, Decimal)]
        return frame(rows, dict.fromkeys(money))

    def _repr_html_(self) -> str:
        from ..render.whatif import render_grid_html

        return render_grid_html(self, "en")


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer to a missing fact, and the totals it gives (with the change at each end).
    ``other`` marks an answer that stands for every value the rule files do not name (a
    district or a provider's city no program mentions)."""

    value: Any
    total_low: Decimal
    total_high: Decimal
    low_change: Decimal
    high_change: Decimal
    other: bool = False


@dataclass(frozen=True, slots=True)
class Narrowing:
    """A missing fact and what each answer to it gives; ``width`` is the widest range any
    answer leaves (the smaller, the more declaring the fact narrows the estimate)."""

    field: str
    answers: tuple[Answer, ...]
    width: Decimal
    #: The fact is missed by no counted award: its answers can only add an award not yet
    #: counted (a district's program, a provider city's voucher, a qualification's award), so
    #: they may raise the total above the estimate's range rather than narrow it.
    adds: bool = False
    #: For the stacking question (``field`` is :data:`STACKING`): the programs that share a
    #: purchase with no relation declared in their rule files; the answers are ``stackable``
    #: (both paid) and ``exclusive`` (the better one only).
    programs: tuple[Program, ...] = ()
    #: For a qualification: its name in the rule file that declares it, ``(zh, en)``.
    qualification: tuple[str, str] | None = None


def _set_fact(profile: Profile, name: str, value: Any) -> Profile:
    data = profile.model_dump(mode="python", exclude_none=True)
    if name in _APPLICANT:
        data["applicant"][name] = value
    else:
        for purchase in data["purchases"]:
            purchase[name] = value
    return parse_profile(data)


def _unknown(name: str) -> InputError:
    known = sorted({*_APPLICANT, *_PURCHASE, *_PLACE})
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; one of: {', '.join(known)}"
    return InputError(
        f"cannot vary unknown fact {name!r}{hint}",
        field=name,
        code="fact.unknown",
        suggestions=close,
    )


def vary(
    profile: Profile | Mapping[str, Any],
    *,
    as_of: dt.date | str | None = None,
    assume: Iterable[str] = (),
    assume_renewal: bool = False,
    rules: RuleSet | None = None,
    **facts: Iterable[Any],
) -> Grid:
    """Estimate ``profile`` for every combination of ``facts``' values.

    Each keyword names a fact of the profile contract — an applicant fact (``startup``,
    ``sme``, ``kind`` …), a purchase fact set on every purchase (``chip_origin``, ``use``,
    ``amount`` …) or ``place``/``city`` (where the applicant registers) — and gives the values
    to try (``None`` for unknown).

    A fact's values are read no further than 2,000, and the grid may hold at most 2,000
    combinations (:mod:`aivoucher.base.limits`): past either, :class:`InputError` (code
    ``limit.exceeded``) before anything is estimated.
    """
    from ..ruleset.across import deferred_together
    from ..ruleset.registry import bundled_rules

    ruleset = rules if rules is not None else bundled_rules()
    if not facts:
        raise TypeError("vary() needs at least one fact to vary, e.g. startup=[True, False]")
    names = tuple(facts)
    values: list[list[Any]] = []
    for name in names:
        if name not in _APPLICANT and name not in _PURCHASE and name not in _PLACE:
            raise _unknown(name)
        given = facts[name]
        if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
            raise TypeError(f"{name} takes a list of values, e.g. {name}=[{given!r}]")
        values.append(take(given, MAX_VALUES, "values", name))
    # the grid's size, checked before any estimate: each combination is a full estimate
    check_count(math.prod(len(v) for v in values), MAX_CASES, "cases", ",".join(names))
    place_first = sorted(names, key=lambda n: n not in _PLACE)  # register, then set facts
    base = profile if isinstance(profile, Profile) else None
    # Where one place fact varies over cities by id (and no district is set), the cells that
    # share the other facts differ only in the city: the first of them is made as any cell is,
    # the others are it registered elsewhere — the profile setting the facts in each would give
    # (a city id reads as itself; the district is dropped in either way).
    places = [i for i, name in enumerate(names) if name in _PLACE]
    by_city = (
        len(places) == 1
        and "district" not in names
        and all(isinstance(v, str) and v in jurisdictions.CITIES for v in values[places[0]])
    )
    combinations = []
    profiles: list[Profile] = []
    # cells by the values of the other facts, by position (a value need not be hashable)
    families: dict[tuple[int, ...], list[int]] = {}
    for at, picks in enumerate(itertools.product(*(range(len(v)) for v in values))):
        combination = tuple(values[i][k] for i, k in enumerate(picks))
        combinations.append(combination)
        chosen = dict(zip(names, combination, strict=True))
        family = tuple(k for i, k in enumerate(picks) if i not in places)
        head = families.get(family) if by_city else None
        if head is not None:
            profiles.append(register(profiles[head[0]], chosen[names[places[0]]]))
            head.append(at)
            continue
        families.setdefault(family, []).append(at)
        current: Profile | Mapping[str, Any] = base if base is not None else profile
        for name in place_first:
            if name in _PLACE:
                current = register(current, chosen[name])
        current = parse_profile(current)
        for name in place_first:
            if name not in _PLACE:
                current = _set_fact(current, name, chosen[name])
        if at == 0:
            # what the first estimate checks first, checked before any other cell is made
            ruleset.estimate(current, programs=(), as_of=as_of, assume=assume)
        profiles.append(current)
    # the cells are estimated together (aivoucher.ruleset.across): every estimate is what
    # ruleset.estimate returns for the cell's profile, each program's awards made once for the
    # cells that agree on the facts it reads (each cell's estimate assembled when first read)
    estimates = deferred_together(
        ruleset,
        profiles,
        varied=[name for name in names if name not in _PLACE],
        as_of=as_of,
        assume=assume,
        assume_renewal=assume_renewal,
    )
    cases = [
        Case(tuple(zip(names, combination, strict=True)), est)  # type: ignore[arg-type]
        for combination, est in zip(combinations, estimates, strict=True)
    ]
    return Grid(names, tuple(cases))


def _domain(field: str) -> tuple[Any, ...] | None:
    """The answers to try for a missing profile field, where the contract closes them."""
    path = parse_path(field)
    if path[:2] == ("applicant", "qualifications"):
        name = "applicant.qualifications"
    elif path[0] == "applicant" and len(path) == 2:
        name = f"applicant.{path[1]}"
    elif path[0] == "purchases" and len(path) == 3:
        name = f"purchase.{path[2]}"
    else:
        return None
    fact = FACTS.get(name)
    return None if fact is None else fact.domain


def _named_values(ruleset: RuleSet, facts: tuple[str, ...]) -> list[str]:
    """The values the rule set's conditions name for ``facts`` (in order, once each)."""
    named: dict[str, None] = {}
    for program in ruleset.programs:
        for condition in program.eligibility:
            if condition.fact in facts and condition.in_:
                named.update(dict.fromkeys(condition.in_))
    return list(named)


def _open_answers(
    field: str, profile: Profile, ruleset: RuleSet
) -> tuple[tuple[Any, ...], Any] | None:
    """For a field whose values are open (a district, a provider's city): the values the rule
    set names, and one value standing for any other (``None`` where there is none)."""
    path = parse_path(field)
    city = profile.applicant.city
    if path == ("applicant", "district"):
        inside = [d.id for d in jurisdictions.DISTRICTS.values() if d.city == city]
        named = [p.jurisdiction for p in ruleset.programs if p.jurisdiction in inside]
        named += [d for d in _named_values(ruleset, ("applicant.district",)) if d in inside]
        values = tuple(dict.fromkeys(named))
        rest = next((d for d in inside if d not in values), None)
        return values, rest
    if path[0] == "purchases" and path[-1] == "provider_city":
        cities = [
            c
            for c in _named_values(ruleset, ("purchase.provider_city",))
            if c in jurisdictions.CITIES
        ]
        provinces = set(_named_values(ruleset, ("purchase.provider_province",)))
        for province in sorted(provinces):
            cities += [c.id for c in jurisdictions.CITIES.values() if c.province == province][:1]
        values = tuple(dict.fromkeys([city, *cities]))
        named_provinces = provinces | {jurisdictions.CITIES[c].province for c in values}
        rest = next(
            (c.id for c in jurisdictions.CITIES.values() if c.province not in named_provinces),
            None,
        )
        return values, rest
    return None


def _answer(profile: Profile, field: str, value: Any) -> Profile:
    path = parse_path(field)
    data = profile.model_dump(mode="python", exclude_none=True)
    target: Any = data
    for part in path[:-1]:
        if isinstance(target, dict) and part not in target:
            target[part] = {}
        target = target[part]
    target[path[-1]] = value
    return parse_profile(data)


def what_narrows(
    estimate: Estimate,
    *,
    assume: Iterable[str] | None = None,
    assume_renewal: bool | None = None,
    rules: RuleSet | None = None,
) -> tuple[Narrowing, ...]:
    """For each fact the estimate's counted awards are missing, and each fact that would add an
    award not yet counted (a district, the provider's city, a qualification — open facts are
    tried with the values the rule files name and one standing for any other): the totals
    under each answer, ranked so that the fact that narrows the range most comes first. Facts
    no answer of which changes the totals are left out. The estimate is re-run with the same
    date, rule set, switches and renewal setting (those it was made with, unless given
    here)."""
    from ..evaluate.stacking import counted
    from ..ruleset.registry import bundled_rules

    if rules is None:
        rules = estimate.rules
    ruleset = rules if rules is not None else bundled_rules()
    if assume is None:
        assume = estimate.assume
    if assume_renewal is None:
        assume_renewal = estimate.assume_renewal
    # the facts counted awards miss, then those that would add an award not yet counted (a
    # district, the provider's city, a qualification: facts only the applicant can state)
    fields = dict.fromkeys(m for a in estimate.awards if counted(a) for m in a.missing)
    narrowing = set(fields)
    # an award not yet counted is asked about once per fact, for the first purchase missing it
    # (a provider's city: the answer is the same question for every purchase)
    asked: set[str] = set()
    for a in estimate.awards:
        if a.eligible is False or a.renewal or counted(a):
            continue
        for missing in a.missing:
            fact = re.sub(r"\[\d+\]", "[]", missing)
            if missing not in fields and fact not in asked:
                asked.add(fact)
                fields[missing] = None
    out = []
    # each answer is a full estimate: a long profile missing one fact per purchase is asked
    # about its first facts only
    for field in list(fields)[:MAX_NARROWING_FACTS]:
        domain = _domain(field)
        rest = None
        if domain is None:
            found = _open_answers(field, estimate.profile, ruleset)
            if found is None:
                continue
            domain, rest = found
        tries = [(value, False) for value in domain]
        if rest is not None:
            tries.append((rest, True))
        answers = []
        for value, is_other in tries:
            other = ruleset.estimate(
                _answer(estimate.profile, field, value),
                as_of=estimate.as_of,
                assume=assume,
                assume_renewal=assume_renewal,
            )
            answers.append(
                Answer(
                    value,
                    other.total_low,
                    other.total_high,
                    other.total_low - estimate.total_low,
                    other.total_high - estimate.total_high,
                    is_other,
                )
            )
        if not answers or all(a.low_change == a.high_change == 0 for a in answers):
            continue  # no answer changes anything: nothing to find out
        width = max(a.total_high - a.total_low for a in answers)
        out.append(
            Narrowing(
                field,
                tuple(answers),
                width,
                adds=field not in narrowing,
                qualification=_qualification(ruleset, field),
            )
        )
    out += _day_questions(estimate, ruleset, assume, assume_renewal)
    stacking = _stacking_question(estimate)
    if stacking is not None:
        out.append(stacking)
    out.sort(key=lambda n: (n.width, n.field))
    return tuple(out)


def _day_questions(
    estimate: Estimate, ruleset: RuleSet, assume: Iterable[str], assume_renewal: bool
) -> list[Narrowing]:
    """For each date given as a month or a quarter on which the totals turn: the runs of its
    days with their totals. An answer's value is the run as an ISO interval
    (``2027-03-01/2027-03-17``)."""
    from ..ruleset.days import day_runs

    out = []
    for where in estimate.profile.spans:
        runs = day_runs(
            ruleset,
            estimate.profile,
            where,
            as_of=estimate.as_of,
            assume=assume,
            assume_renewal=assume_renewal,
        )
        if len(runs) < 2:
            continue  # every day gives the same totals
        answers = tuple(
            Answer(
                f"{first.isoformat()}/{last.isoformat()}",
                made.total_low,
                made.total_high,
                made.total_low - estimate.total_low,
                made.total_high - estimate.total_high,
                False,
            )
            for first, last, made in runs
        )
        width = max(a.total_high - a.total_low for a in answers)
        index, name, _ = where
        out.append(Narrowing(f"purchases[{index}].{name}", answers, width))
    return out


def _qualification(ruleset: RuleSet, field: str) -> tuple[str, str] | None:
    """The words of the qualification a profile path names, from the rule file declaring it."""
    if ".qualifications." not in field:
        return None
    wanted = field.rsplit(".", 1)[-1]
    for program in ruleset.programs:
        for qualification in program.qualifications:
            if qualification.id == wanted:
                return (qualification.zh, qualification.en)
    return None


def _stacking_question(estimate: Estimate) -> Narrowing | None:
    """The totals if the programs whose relation no rule file declares were stackable, or
    exclusive: no new estimate, the same awards totalled the other ways."""
    from ..evaluate.stacking import combine

    keys = {
        key for note in estimate.stacking if note.relation == "unknown" for key in note.programs
    }
    programs = tuple(
        {a.program.key: a.program for a in estimate.awards if a.program.key in keys}.values()
    )
    if not programs:
        return None
    answers = []
    for value in ("stackable", "exclusive"):
        low, high, _ = combine(estimate.awards, estimate.profile, undeclared=value)
        answers.append(
            Answer(value, low, high, low - estimate.total_low, high - estimate.total_high)
        )
    if all(a.low_change == a.high_change == 0 for a in answers):
        return None
    width = max(a.total_high - a.total_low for a in answers)
    return Narrowing(STACKING, tuple(answers), width, programs=programs)
