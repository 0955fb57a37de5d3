"""How to apply, as far as a text says: application windows, frequency, office, materials and
payment."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ...base.types import Date
from .fields import Cited, Prose, Strict, Text

__all__ = [
    "Application",
    "Frequency",
    "Material",
    "MonthDay",
    "Office",
    "Payment",
    "Window",
    "YearlyDays",
]

MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class YearlyDays(Strict):
    """The same days every year: ``{from: "01-04", to: "01-23"}`` (month-day, inclusive)."""

    from_: MonthDay = Field(alias="from")
    to: MonthDay


class Window(Cited):
    """When applications are taken: dates (``from``/``to``, either may be open) or the same days
    every year (``every_year``). ``covers`` says which contracts or usage a window takes where the
    text says: those of the year before the window opens, or of the same year."""

    from_: Date | None = Field(default=None, alias="from")
    to: Date | None = None
    every_year: YearlyDays | None = None
    covers: Literal["previous_year", "same_year"] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Window:
        dated = self.from_ is not None or self.to is not None
        if dated == (self.every_year is not None):
            raise ValueError("give `from`/`to` dates or `every_year`, not both")
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError("`to` is before `from`")
        if self.every_year is not None:
            for day in (self.every_year.from_, self.every_year.to):
                month, dom = map(int, day.split("-"))
                try:
                    dt.date(2024, month, dom)  # a leap year: 02-29 is a valid yearly day
                except ValueError:
                    raise ValueError(f"not a day of the year: {day!r}") from None
        return self


class Frequency(Cited):
    """How often applications are taken."""

    every: Literal["once", "yearly", "half_yearly", "quarterly", "monthly", "rolling"]


class Office(Cited):
    """Where to apply: the portal or the office."""

    name: Prose
    url: Text | None = None


class Material(Cited):
    """One document the applicant is asked to submit."""

    item: Prose


class Payment(Cited):
    """When (or how) the money is paid."""

    text: Prose


class Application(Strict):
    """How to apply, as far as a text says: windows, frequency, office, materials, payment.
    Every element cites its text or names an assumption; what no text gives is left out (and
    reported as unknown)."""

    windows: list[Window] = Field(default_factory=list)
    frequency: Frequency | None = None
    office: Office | None = None
    materials: list[Material] = Field(default_factory=list)
    payment: Payment | None = None
