"""Annotated field types shared by the profile contract and the rule-file schema.

Each wraps one parser from :mod:`aivoucher.money` or :mod:`aivoucher.jurisdictions`, so the
profile and the rule files accept exactly the same notations and give the same messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, ValidationError

from . import jurisdictions
from .dates import parse_date
from .errors import InputError
from .money import canonical, parse_amount

__all__ = ["Amount", "CityId", "Date", "error_path", "first_error", "parse_path"]


# Each type parses with one of the library's parsers and serialises back to a form it accepts
# (amounts and rates as exact decimal strings, dates as ISO text).
_DECIMAL_OUT = PlainSerializer(canonical, return_type=str, when_used="json")
_DATE_OUT = PlainSerializer(lambda d: d.isoformat(), return_type=str, when_used="json")

Amount = Annotated[
    Decimal, PlainValidator(parse_amount, json_schema_input_type=str | int), _DECIMAL_OUT
]
Date = Annotated[dt.date, PlainValidator(parse_date, json_schema_input_type=dt.date), _DATE_OUT]
CityId = Annotated[str, PlainValidator(jurisdictions.city, json_schema_input_type=str)]


def error_path(loc: Sequence[int | str]) -> str:
    """``('purchases', 0, 'amount')`` → ``purchases[0].amount``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_path(path: str) -> tuple[str | int, ...]:
    """``purchases[0].amount`` → ``('purchases', 0, 'amount')`` (the inverse of error_path)."""
    parts: list[str | int] = []
    for chunk in path.replace("[", ".[").split("."):
        if chunk.startswith("[") and chunk.endswith("]") and chunk[1:-1].isdigit():
            parts.append(int(chunk[1:-1]))
        elif chunk:
            parts.append(chunk)
    return tuple(parts)


def first_error(exc: ValidationError) -> tuple[tuple[int | str, ...], str]:
    """The location and a clean message of the first error of a pydantic ``ValidationError``."""
    errors = exc.errors(include_url=False)
    err = errors[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p and p.endswith("]")))
    ctx: dict[str, Any] = err.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, InputError):
        message = cause.message
    else:
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field (not part of the contract)"
        elif err["type"] == "missing":
            message = "required field is missing"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})"
    return loc, message
