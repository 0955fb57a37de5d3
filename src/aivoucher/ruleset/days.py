"""Plans in months and quarters: an estimate over every day a purchase may be dated.

A purchase planned but not signed may give ``signed``, ``start`` or ``end`` as a month or a
quarter (:class:`~aivoucher.base.dates.Span`). No evaluator judges a span; an estimate of such
a profile is the estimates of the days that can matter, combined:

* **Which days.** What a purchase gets changes with a day only where a rule compares it with a
  date — a version's window, a contract window, a term of N years from another date — or with
  another purchase's day (the order in which a binding limit is shared). Between two such
  change points an award is constant, or moves one way (the days a proration or a first-years
  share counts). So the first and last day of each span, and each day just before, on and
  after every change point inside it, are the days to try: :func:`candidate_days`. The change
  points are every date the rule files compare a purchase with (:func:`rule_dates`), every day
  the profile gives, and, for each term of N years the rule files limit a contract to, each
  of those days and each rule date inside a span N years on or back. (A first-years rate
  needs none: the share it pays moves one way with the term.)
* **Each combination.** A profile with several spans is estimated for each combination of
  their candidate days (up to :data:`MOST_DAYS` of them; past that the profile is refused
  with ``date.too_vague``, naming the spans): :func:`day_profiles`.
* **Combined.** :func:`combine_days`: the totals run from the lowest to the highest of the
  days' totals (each made as the rules stack that day's awards). An award runs from its
  lowest to its highest over the days; a day on which the program does not pay the purchase
  counts as 0. Where an award changes with the day it carries a ``day_matters`` reason per
  span naming the days and what each pays; its steps are those of the day on which it pays
  most. The renewal figures, confidence, freshness and notes are combined the same way.

The estimate keeps the profile as given (with its spans), so that reading its JSON back makes
it again the same way (:meth:`~aivoucher.vocabulary.result.Estimate.from_json`). Batch tables
judge each row on its day and refuse a month (:func:`~aivoucher.vocabulary.profile.read_values`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..base.dates import Span, add_years, last_day
from ..errors import ProfileError
from ..vocabulary.result import Award, Estimate, Reason, ReasonCode
from ..vocabulary.schema import weakest

if TYPE_CHECKING:
    from ..vocabulary.profile import Profile
    from .registry import RuleSet

__all__ = [
    "MOST_DAYS",
    "candidate_days",
    "combine_days",
    "day_profiles",
    "day_runs",
    "estimate_days",
    "rule_dates",
]

#: The most combinations of days one estimate tries; a profile needing more is refused.
MOST_DAYS = 4096
_ONE_DAY = dt.timedelta(days=1)
_ZERO = Decimal(0)


#: Parts of a rule file whose dates say nothing about a purchase's day: when a source was
#: published or read, the examples' dates of knowledge, the file's history.
_NOT_ABOUT_PURCHASES = frozenset({"sources", "examples", "checked", "history"})


def rule_dates(programs: Iterable[Any]) -> tuple[frozenset[dt.date], frozenset[int]]:
    """Every date the programs' rule files compare a purchase with (effective periods,
    contract windows, date conditions, proration periods, application windows), and every
    term in years a condition limits a contract to (``max_years``: a term's end changes what
    is paid N years after its start)."""
    found: set[dt.date] = set()
    terms: set[int] = set()

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dt.date):
            found.add(value)
        elif key == "max_years" and isinstance(value, int) and value > 0:
            terms.add(value)
        elif isinstance(value, dict):
            for name, item in value.items():
                walk(item, str(name))
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                walk(item)

    for program in programs:
        dumped = program.model_dump()
        walk({k: v for k, v in dumped.items() if k not in _NOT_ABOUT_PURCHASES})
    return frozenset(found), frozenset(terms)


def _change_points(
    rules: tuple[frozenset[dt.date], frozenset[int]], profile: Profile
) -> list[dt.date]:
    """The days at which what a purchase gets may change: the rule files' dates, every day
    the profile gives (first and last of each span), and, for each term the rule files
    limit contracts to, each of those days and each rule date inside a span that many years
    on or back (a term's end changes what is paid with its start)."""
    dates, terms = rules
    given: set[dt.date] = set()
    spans: list[Span] = []
    for purchase in profile.purchases:
        for name in ("signed", "start", "end"):
            day = getattr(purchase, name)
            if isinstance(day, Span):
                given.update((day.first, day.last))
                spans.append(day)
            elif day is not None:
                given.add(day)
    inside = {d for d in dates if any(s.first <= d <= s.last for s in spans)}
    points = set(dates) | given
    for day in given | inside:
        for years in terms:
            points.add(add_years(day, years))
            points.add(add_years(day, -years))
    return sorted(points)


def _own(
    span: Span, rules: tuple[frozenset[dt.date], frozenset[int]], profile: Profile
) -> set[dt.date]:
    """The span's first and last day where nothing else puts a change point: not a rule
    date, nor a day another date of the profile gives."""
    others: set[dt.date] = set()
    for purchase in profile.purchases:
        for name in ("signed", "start", "end"):
            day = getattr(purchase, name)
            if day is None or day is span:
                continue
            others.update((day.first, day.last) if isinstance(day, Span) else (day,))
    return {span.first, span.last} - rules[0] - others


def candidate_days(
    span: Span, points: Sequence[dt.date], own: Iterable[dt.date] = ()
) -> list[dt.date]:
    """The days of ``span`` to try: its first and last, and the day before, on and after
    each change point inside it (``points`` sorted). ``own`` are points that are there only
    because they are this span's own first or last day: nothing changes next to them."""
    first, last = span.first, span.last
    days = {first, last}
    skip = set(own)
    for point in points:
        if point > last + _ONE_DAY:
            break
        if point in skip:
            continue
        for day in (point - _ONE_DAY, point, point + _ONE_DAY):
            if first <= day <= last:
                days.add(day)
    return sorted(days)


def day_profiles(
    profile: Profile, rules: tuple[frozenset[dt.date], frozenset[int]]
) -> tuple[
    list[tuple[tuple[int, str, Span], list[dt.date]]], list[tuple[Profile, tuple[dt.date, ...]]]
]:
    """The spans of ``profile`` with their candidate days, and one profile with days for
    each combination that is a possible purchase (a service that ends before it starts is
    not), with the days chosen (one per span, in order).

    Raises :class:`~aivoucher.errors.ProfileError` (``date.too_vague``) past
    :data:`MOST_DAYS` combinations."""
    spans = profile.spans
    points = _change_points(rules, profile)
    choices = [
        (where, candidate_days(where[2], points, _own(where[2], rules, profile))) for where in spans
    ]
    count = 1
    for _, tried in choices:
        count *= len(tried)
    if count > MOST_DAYS:
        named = ", ".join(f"purchases[{i}].{name} {span}" for i, name, span in spans)
        raise ProfileError(
            f"{len(spans)} dates given as months or quarters ({named}) need {count:,} "
            f"estimates, more than {MOST_DAYS:,}: give the day of some of them",
            field=f"purchases[{spans[0][0]}].{spans[0][1]}",
            code="date.too_vague",
            zh=f"{len(spans)} 个日期只写了月份或季度，需要估算 {count:,} 次，超过 "
            f"{MOST_DAYS:,} 次：请为其中一些写明具体日期",
        )
    made: list[tuple[Profile, tuple[dt.date, ...]]] = []
    for chosen in itertools.product(*(d for _, d in choices)):
        days = tuple(chosen)
        purchases = list(profile.purchases)
        changed: dict[int, dict[str, dt.date]] = {}
        for (index, name, _), day in zip(spans, days, strict=True):
            changed.setdefault(index, {})[name] = day
        possible = True
        for index, fields in changed.items():
            # the model is copied without validation: each day lies inside a span that was
            # validated, and the one contradiction a choice of days can make is checked here
            purchase = purchases[index].model_copy(update=fields)
            if purchase.start is not None and purchase.end is not None:
                possible = possible and purchase.end >= purchase.start
            purchases[index] = purchase
        if possible:
            made.append((profile.model_copy(update={"purchases": tuple(purchases)}), days))
    return choices, made


def combine_days(
    profile: Profile,
    spans: Sequence[tuple[tuple[int, str, Span], list[dt.date]]],
    estimates: Sequence[tuple[Estimate, tuple[dt.date, ...]]],
) -> Estimate:
    """One estimate of ``profile`` from the estimates of its days (see the module's
    docstring); ``estimates`` pairs each with the days it was made for, in the order of
    ``spans``."""
    first = estimates[0][0]
    keys: dict[tuple[str, str | None, bool], None] = {}
    for made, _ in estimates:
        keys.update((_key(a), None) for a in made.awards)
    order = _award_order(estimates)
    awards = tuple(
        _combined_award(key, spans, estimates, profile) for key in sorted(keys, key=order)
    )
    renewed = [made.if_renewed for made, _ in estimates]
    levels = [made.confidence for made, _ in estimates if made.confidence is not None]
    checked = [made.checked for made, _ in estimates if made.checked is not None]
    return Estimate(
        as_of=first.as_of,
        profile=profile,
        awards=awards,
        total_low=min(made.total_low for made, _ in estimates),
        total_high=max(made.total_high for made, _ in estimates),
        stacking=_union(made.stacking for made, _ in estimates),
        uncounted=_union(made.uncounted for made, _ in estimates),
        if_renewed_low=min(low for low, _ in renewed),
        if_renewed_high=max(high for _, high in renewed),
        checked=min(checked) if checked else None,
        unchecked=_union(made.unchecked for made, _ in estimates),
        confidence=weakest(levels),
        rules=first.rules,
        assume=first.assume,
        assume_renewal=first.assume_renewal,
    )


def _key(award: Award) -> tuple[str, str | None, bool]:
    return (award.program.id, award.program.version, award.renewal)


def _award_order(
    estimates: Sequence[tuple[Estimate, tuple[dt.date, ...]]],
) -> Any:
    """Awards in the order the estimates list them: a program's place where it first appears,
    then its versions in the order of their windows, the renewal award last."""
    place: dict[str, int] = {}
    for made, _ in estimates:
        for award in made.awards:
            place.setdefault(award.program.id, len(place))

    def order(key: tuple[str, str | None, bool]) -> tuple[int, bool, dt.date, str]:
        version = _program_of(key, estimates)
        start = version.window[0] if version.window[0] is not None else dt.date.min
        return (place[key[0]], key[2], start, key[1] or "")

    return order


def _program_of(
    key: tuple[str, str | None, bool], estimates: Sequence[tuple[Estimate, tuple[dt.date, ...]]]
) -> Any:
    for made, _ in estimates:
        for award in made.awards:
            if _key(award) == key:
                return award.program
    raise KeyError(key)


def _union(groups: Iterable[Iterable[Any]]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))


def _combined_award(
    key: tuple[str, str | None, bool],
    spans: Sequence[tuple[tuple[int, str, Span], list[dt.date]]],
    estimates: Sequence[tuple[Estimate, tuple[dt.date, ...]]],
    profile: Profile,
) -> Award:
    found: list[tuple[Award | None, tuple[dt.date, ...]]] = [
        (next((a for a in made.awards if _key(a) == key), None), days) for made, days in estimates
    ]
    present = [award for award, _ in found if award is not None]
    if len(present) == len(found) and all(
        (a.eligible, a.low, a.high) == (present[0].eligible, present[0].low, present[0].high)
        for a in present
    ):
        return present[0]  # the day changes nothing this award pays
    # the day on which it pays most shows the steps
    shown = max(present, key=lambda a: (a.high is not None, a.high or _ZERO))
    lows = [_ZERO if a is None else a.low for a, _ in found]
    highs = [_ZERO if a is None else a.high for a, _ in found]
    eligible: bool | None
    if any(a is not None and a.eligible for a, _ in found):
        eligible = True
    elif all(a is None or a.eligible is False for a, _ in found):
        eligible = False
    else:
        eligible = None
    low = None if any(v is None for v in lows) else min(v for v in lows if v is not None)
    high = None if all(v is None for v in highs) else max(v for v in highs if v is not None)
    if low is None and high is not None:
        low = _ZERO
    reasons = [*shown.reasons]
    for position, (where, _) in enumerate(spans):
        groups = _day_groups(found, position)
        if len(groups) > 1:
            index, name, span = where
            reasons.append(
                Reason(
                    ReasonCode.DAY_MATTERS,
                    f"purchase.{name}",
                    tuple(groups),
                    span,
                    profile.purchases[index].label(index),
                )
            )
    return Award(
        shown.program,
        eligible,
        low,
        high,
        tuple(reasons),
        shown.assumptions,
        shown.steps,
        _union(a.missing for a in present),
        tuple(sorted(set().union(*(a.purchases for a in present)))),
        shown.renewal,
        shown.application,
    )


def _day_groups(
    found: Sequence[tuple[Award | None, tuple[dt.date, ...]]], position: int
) -> list[tuple[dt.date, dt.date, Decimal | None, Decimal | None]]:
    """For the span at ``position``: runs of its candidate days on which the award is the
    same, as ``(first day, last day, low, high)`` (low and high over the other spans' days).
    Between two runs that are not next to each other the award moves from one to the other."""
    by_day: dict[dt.date, tuple[Decimal | None, Decimal | None]] = {}
    for award, days in found:
        low = _ZERO if award is None else award.low
        high = _ZERO if award is None else award.high
        day = days[position]
        if day in by_day:
            was = by_day[day]
            low = None if low is None or was[0] is None else min(low, was[0])
            high = None if high is None or was[1] is None else max(high, was[1])
        by_day[day] = (low, high)
    groups: list[tuple[dt.date, dt.date, Decimal | None, Decimal | None]] = []
    for day in sorted(by_day):
        low, high = by_day[day]
        if groups and groups[-1][2:] == (low, high):
            groups[-1] = (groups[-1][0], day, low, high)
        else:
            groups.append((day, day, low, high))
    return groups


def estimate_days(
    ruleset: RuleSet,
    profile: Profile,
    **settings: Any,
) -> Estimate:
    """The estimate of ``profile`` (which has spans) under ``ruleset``: each day profile
    estimated with ``settings`` (the arguments of :meth:`RuleSet.estimate`), combined."""
    spans, made = day_profiles(profile, ruleset.rule_dates)
    if not made:
        from ..vocabulary.profile import end_before_start

        index = spans[0][0][0]
        purchase = profile.purchases[index]
        assert purchase.start is not None and purchase.end is not None
        raise ProfileError(
            end_before_start(purchase.start, purchase.end),
            field=f"purchases[{index}]",
            code="profile.invalid",
        )
    estimates = [(ruleset.estimate(day_profile, **settings), days) for day_profile, days in made]
    return combine_days(profile, spans, estimates)


def day_runs(
    ruleset: RuleSet, profile: Profile, where: tuple[int, str, Span], **settings: Any
) -> list[tuple[dt.date, dt.date, Estimate]]:
    """What the totals would be if the day of one span were known: runs of its days over
    which the totals are the same, ``(first day, last day, estimate)``, the estimate made
    with ``settings`` for the run's first day (other spans still covered day by day). Between
    two runs that are not next to each other the totals move from one to the other."""
    index, name, span = where
    days = candidate_days(
        span, _change_points(ruleset.rule_dates, profile), _own(span, ruleset.rule_dates, profile)
    )
    runs: list[tuple[dt.date, dt.date, Estimate]] = []
    for day in days:
        purchases = list(profile.purchases)
        purchase = purchases[index].model_copy(update={name: day})
        start, end = purchase.start, purchase.end
        if start is not None and end is not None and last_day(end) < start:
            continue  # not a possible purchase
        purchases[index] = purchase
        made = ruleset.estimate(
            profile.model_copy(update={"purchases": tuple(purchases)}), **settings
        )
        if runs and (runs[-1][2].total_low, runs[-1][2].total_high) == (
            made.total_low,
            made.total_high,
        ):
            runs[-1] = (runs[-1][0], day, runs[-1][2])
        else:
            runs.append((day, day, made))
    return runs
