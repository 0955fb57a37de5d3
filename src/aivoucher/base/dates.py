"""Dates: the forms profiles, rule files and the command line accept, and safe date arithmetic.

Accepted, and nothing else (docs/profile.md lists them):

* ISO ``2025-03-01``;
* ``2025/03/01`` (also ``2025/3/1``);
* ``2025年3月1日`` (also with leading zeros), as Chinese documents write dates.

Digits are ASCII only. ISO week dates (``2025-W09-6``), ordinal dates, compact ``20250301``
and times are refused, so that a date is never silently read as some other day.

A purchase planned but not yet signed may give a month or a quarter instead of a day
(:func:`parse_plan_date`): ``2027-03`` or ``2027年3月``; ``2027-Q1`` or ``2027年第一季度``. It is
read as a :class:`Span`, which the estimate covers day by day (:mod:`aivoucher.ruleset.days`).
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = [
    "DATE_FORMS",
    "PLAN_DATE_FORMS",
    "Span",
    "add_years",
    "as_of_date",
    "last_day",
    "parse_date",
    "parse_plan_date",
]

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


#: The forms of a month or a quarter, as shown in error messages.
PLAN_DATE_FORMS = "YYYY-MM, YYYY年M月, YYYY-Q1 … YYYY-Q4 or YYYY年第一季度 … YYYY年第四季度"

_MONTH_FORMS = (
    re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})", re.ASCII),
    re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月", re.ASCII),
)
_QUARTER_FORMS = (
    re.compile(r"(?P<y>[0-9]{4})-[Qq](?P<q>[1-4])", re.ASCII),
    re.compile(r"(?P<y>[0-9]{4})年第(?P<q>[1-4一二三四])季度", re.ASCII),
)
_QUARTER_NUMBERS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}


class Span(dt.date):
    """A month or a quarter that a date is known to fall in, not the day.

    It is a ``date`` (its first day) so that a profile holding one keeps its shape, with
    :attr:`last` (the last day) and :attr:`kind` (``month`` or ``quarter``). Two spans are
    equal when they cover the same days, and a span never equals a plain date: ``2027-03``
    is not ``2027-03-01``. ``str()`` and :meth:`isoformat` give the canonical form
    (``2027-03``, ``2027-Q1``), which :func:`parse_plan_date` reads back.

    No evaluator judges a span: :mod:`aivoucher.ruleset.days` estimates each day that can
    matter and combines the results.
    """

    last: dt.date
    kind: str

    def __new__(cls, first: dt.date, last: dt.date, kind: str) -> Span:
        made = super().__new__(cls, first.year, first.month, first.day)
        made.last = last
        made.kind = kind
        return made

    @classmethod
    def of_month(cls, year: int, month: int) -> Span:
        first = dt.date(year, month, 1)
        following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
        return cls(first, following - dt.timedelta(days=1), "month")

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Span:
        first = dt.date(year, 3 * quarter - 2, 1)
        return cls(first, cls.of_month(year, 3 * quarter).last, "quarter")

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, self.day)

    @property
    def days(self) -> int:
        """How many days the span covers."""
        return (self.last - self.first).days + 1

    def isoformat(self) -> str:
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{(self.month + 2) // 3}"
        return f"{self.year:04d}-{self.month:02d}"

    __str__ = isoformat

    def __repr__(self) -> str:
        return f"Span({self.isoformat()!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Span):
            return (self.first, self.last) == (other.first, other.last)
        if isinstance(other, dt.date):
            return False
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((self.first, self.last))

    def __reduce__(self) -> tuple[object, ...]:
        return (Span, (self.first, self.last, self.kind))


def parse_plan_date(value: object) -> dt.date:
    """A day as :func:`parse_date` reads it, or a month or a quarter (:data:`PLAN_DATE_FORMS`)
    as a :class:`Span`; ``ValueError`` otherwise.

    >>> parse_plan_date("2027年第一季度")
    Span('2027-Q1')
    >>> parse_plan_date("2027-03").last
    datetime.date(2027, 3, 31)
    """
    if isinstance(value, str):
        text = value.strip()
        for form in _MONTH_FORMS:
            match = form.fullmatch(text)
            if match is not None:
                month = int(match["m"])
                if not 1 <= month <= 12:
                    raise ValueError(f"no such month: {_shown(value)}")
                return Span.of_month(int(match["y"]), month)
        for form in _QUARTER_FORMS:
            match = form.fullmatch(text)
            if match is not None:
                return Span.of_quarter(int(match["y"]), _QUARTER_NUMBERS[match["q"]])
    try:
        return parse_date(value)
    except ValueError as exc:
        if "not a valid date" not in str(exc):
            raise
        raise ValueError(
            f"not a valid date (write {DATE_FORMS}, or a month or quarter: "
            f"{PLAN_DATE_FORMS}): {_shown(value)}"
        ) from None


def last_day(day: dt.date) -> dt.date:
    """The last day ``day`` may be: its last day for a :class:`Span`, else ``day`` itself."""
    return day.last if isinstance(day, Span) else day


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
