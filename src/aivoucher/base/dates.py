"""Dates: the forms profiles, rule files and the command line accept, and safe date arithmetic.

Accepted, and nothing else (docs/profile.md lists them):

* ISO ``2025-03-01``;
* ``2025/03/01`` (also ``2025/3/1``);
* ``2025年3月1日`` (also with leading zeros), as Chinese documents write dates.

Digits are ASCII only. ISO week dates (``2025-W09-6``), ordinal dates, compact ``20250301``
and times are refused, so that a date is never silently read as some other day.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["DATE_FORMS", "add_years", "as_of_date", "parse_date"]

#: The accepted forms, as shown in error messages.
DATE_FORMS = "YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日"

_FORMS = (
    re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})", re.ASCII),
    re.compile(r"(?P<y>[0-9]{4})/(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})", re.ASCII),
    re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日", re.ASCII),
)


def parse_date(value: object) -> dt.date:
    """A date from a ``date`` (a ``datetime`` at midnight without a time zone) or text in one
    of :data:`DATE_FORMS`; ``ValueError`` otherwise.

    >>> parse_date("2025年3月1日")
    datetime.date(2025, 3, 1)
    """
    if isinstance(value, dt.datetime):
        # a day only at midnight and without a time zone: another time (its UTC day, its
        # local day) would be a guess at which day the contract means
        nanosecond = getattr(value, "nanosecond", 0)  # pandas' Timestamp
        if value.tzinfo is not None or value.time() != dt.time() or nanosecond:
            raise ValueError(f"a time, not a date (write {DATE_FORMS}): {_shown(value)}")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date ({DATE_FORMS}): {_shown(value)}")
    text = value.strip()
    for form in _FORMS:
        match = form.fullmatch(text)
        if match is not None:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                raise ValueError(f"no such date: {_shown(value)}") from None
    raise ValueError(f"not a valid date (write {DATE_FORMS}): {_shown(value)}")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus ``years`` calendar years: 29 February becomes 28 February, and a result
    past the last representable day is that day (a term that long has no end in practice)."""
    year = day.year + years
    if year > dt.MAXYEAR:
        return dt.date.max
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def as_of_date(value: dt.date | str | None) -> dt.date:
    """An estimate's date of knowledge from an argument: today where ``None``, a date, a
    datetime's date or a text in one of :data:`DATE_FORMS`; anything else raises
    :class:`~aivoucher.errors.InputError` (code ``date.invalid``, field ``as_of``)."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except ValueError as exc:
        from ..errors import InputError

        raise InputError(str(exc), field="as_of", code="date.invalid") from None
