"""Annotated field types shared by the profile contract and the rule-file schema.

Each wraps one parser from :mod:`aivoucher.base.money` or :mod:`aivoucher.base.jurisdictions`, so
the profile and the rule files accept exactly the same notations and give the same messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer, PlainValidator, StringConstraints

from ..errors import InputError
from . import jurisdictions
from .dates import parse_date, parse_plan_date
from .money import canonical, parse_amount, parse_fx_rate

__all__ = ["Amount", "Bool", "CityId", "Date", "FxRate", "PlanDate", "parse_bool"]


def _dated(parse: Callable[[object], dt.date]) -> Callable[[object], dt.date]:
    """``parse`` with its refusals as the profile's and the rule files' ``date.invalid``."""

    def read(value: object) -> dt.date:
        try:
            return parse(value)
        except InputError:
            raise
        except ValueError as exc:
            raise InputError(str(exc), code="date.invalid") from None

    return read


_date = _dated(parse_date)
_plan_date = _dated(parse_plan_date)


def parse_bool(value: object) -> bool:
    """True or false (numpy's booleans too); anything else raises ``ValueError``: reading
    ``"yes"``, ``1`` or ``"N"`` as a boolean would be a guess. (YAML's ``yes``/``no`` are booleans
    by the time they arrive here.)"""
    if isinstance(value, bool):
        return value
    if type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_"):
        return bool(value)
    raise ValueError(f"not true or false: {value!r}"[:80])


# Each type parses with one of the library's parsers and serialises back to a form it accepts
# (amounts and rates as exact decimal strings, dates as ISO text).
_DECIMAL_OUT = PlainSerializer(canonical, return_type=str, when_used="json")
_DATE_OUT = PlainSerializer(lambda d: d.isoformat(), return_type=str, when_used="json")

Amount = Annotated[
    Decimal, PlainValidator(parse_amount, json_schema_input_type=str | int), _DECIMAL_OUT
]
#: An exchange rate: yuan per unit of another currency (``0.92``).
FxRate = Annotated[
    Decimal, PlainValidator(parse_fx_rate, json_schema_input_type=str | float), _DECIMAL_OUT
]
Date = Annotated[dt.date, PlainValidator(_date, json_schema_input_type=dt.date), _DATE_OUT]
#: A purchase's date: a day, or a month or a quarter (a :class:`~aivoucher.base.dates.Span`,
#: written back in its canonical form by its ``isoformat``).
# The JSON Schema of a purchase date: an ISO day (``format: date``), or text in one of the
# other forms the parser reads: a day with slashes or in Chinese, a month, a quarter.
_OTHER_DATE_FORMS = Annotated[
    str,
    StringConstraints(
        pattern=r"^[0-9]{4}(/[0-9]{1,2}/[0-9]{1,2}|年[0-9]{1,2}月([0-9]{1,2}日)?|-[0-9]{2}"
        r"|-[Qq][1-4]|年第[1-4一二三四]季度)$"
    ),
]
PlanDate = Annotated[
    dt.date,
    PlainValidator(_plan_date, json_schema_input_type=dt.date | _OTHER_DATE_FORMS),
    _DATE_OUT,
]
Bool = Annotated[bool, PlainValidator(parse_bool, json_schema_input_type=bool)]
CityId = Annotated[str, PlainValidator(jurisdictions.city, json_schema_input_type=str)]
