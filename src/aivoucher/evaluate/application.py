"""Application windows: where an award stands in its program's calendar on a given date.

A rule file's ``application.windows`` are dated (``from``/``to``) or the same days every year
(``every_year``); this module turns them into concrete periods around the estimate's date and
says whether one is open, which comes next, or that all have passed — and, where a window
declares the contracts it takes (``covers``), for which of the award's years it has closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..vocabulary.profile import Profile
from ..vocabulary.result import ApplicationStatus, Award
from ..vocabulary.schema import Program, Window

__all__ = ["application_status", "status_of", "with_application"]

Period = tuple[dt.date | None, dt.date | None, int | None]  # first day, last day, year covered


def _day(year: int, month_day: str) -> dt.date:
    month, day = map(int, month_day.split("-"))
    if (month, day) == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        day = 28
    return dt.date(year, month, day)


def _covered(window: Window, year: int) -> int | None:
    if window.covers is None:
        return None
    return year - 1 if window.covers == "previous_year" else year


def periods(program: Program, years: Iterable[int]) -> list[Period]:
    """Concrete periods of the program's windows: dated ones as given, yearly ones for each of
    ``years`` (a yearly window whose end falls before its start runs into the next year)."""
    app = program.application
    if app is None:
        return []
    out: list[Period] = []
    for w in app.windows:
        if w.every_year is None:
            out.append((w.from_, w.to, None if w.from_ is None else _covered(w, w.from_.year)))
            continue
        for year in sorted(set(years)):
            first = _day(year, w.every_year.from_)
            last = _day(year, w.every_year.to)
            if last < first:
                last = _day(year + 1, w.every_year.to)
            out.append((first, last, _covered(w, year)))
    return out


def application_status(
    program: Program, as_of: dt.date, signed_years: Iterable[int] = ()
) -> ApplicationStatus:
    """The state of the program's application calendar on ``as_of``."""
    signed = sorted(set(signed_years))
    span = {as_of.year - 1, as_of.year, as_of.year + 1} | {y + 1 for y in signed} | set(signed)
    found = periods(program, span)
    if not found:
        return ApplicationStatus("unknown")
    closed_for = tuple(
        y
        for y in signed
        if any(c == y for _, _, c in found)
        and all(last is not None and last < as_of for _, last, c in found if c == y)
    )
    open_now = [
        p for p in found if (p[0] is None or p[0] <= as_of) and (p[1] is None or as_of <= p[1])
    ]
    if open_now:
        first, last, covers = min(open_now, key=lambda p: p[1] or dt.date.max)
        return ApplicationStatus("open", first, last, covers, closed_for)
    later = [p for p in found if p[0] is not None and p[0] > as_of]
    if later:
        first, last, covers = min(later, key=lambda p: p[0] or dt.date.max)
        return ApplicationStatus("upcoming", first, last, covers, closed_for)
    ended = [p for p in found if p[1] is not None]
    last_end = max(p[1] for p in ended if p[1] is not None) if ended else None
    return ApplicationStatus("closed", None, last_end, None, closed_for)


#: Statuses worked out: by program (its id(), with the program kept to check it is the same
#: object), date and signing years. Comparisons, grids and sweeps ask the same few again and
#: again; the status is a value, shared.
_STATUSES: dict[tuple[int, dt.date, object], tuple[Program, ApplicationStatus]] = {}


def with_application(award: Award, as_of: dt.date, profile: Profile) -> Award:
    """The award with its application status, for an award that pays or may pay."""
    status = status_of(award, as_of, profile)
    return award if status is None else award.replace(application=status)


def status_of(award: Award, as_of: dt.date, profile: Profile) -> ApplicationStatus | None:
    """The application status :func:`with_application` gives ``award`` (``None``: it is not
    eligible, and keeps none)."""
    if award.eligible is False:
        return None
    purchases = profile.purchases
    used = award.purchases
    program = award.program
    # the status depends on the set of signing years only
    years: object = (
        purchases[used[0]].signed.year
        if len(used) == 1
        else frozenset([purchases[i].signed.year for i in used])
    )
    key = (id(program), as_of, years)
    known = _STATUSES.get(key)
    if known is not None and known[0] is program:
        status = known[1]
    else:
        status = application_status(program, as_of, [purchases[i].signed.year for i in used])
        if len(_STATUSES) >= 4096:
            _STATUSES.clear()
        _STATUSES[key] = (program, status)
    return status
