"""Typed exceptions.

Every error the library raises for bad input is an :class:`InputError` that knows where the
problem is (``file``, ``line``, ``field``) and renders as one line::

    rules/shenzhen/x.yaml:12: caps[0].amount: not an amount: '12 bananas'

The CLI prints that line and exits with status 2; Python callers catch the typed exception.
"""

from __future__ import annotations

__all__ = [
    "AivoucherError",
    "AmountError",
    "InputError",
    "MissingDependencyError",
    "ProfileError",
    "RuleFileError",
    "TableError",
    "UnknownCityError",
    "UnknownProgramError",
    "YamlError",
]


class AivoucherError(Exception):
    """Base class of every exception aivoucher raises on purpose."""


class InputError(AivoucherError, ValueError):
    """Bad input: a value, a profile or a rule file that cannot be used.

    ``file`` is the path or name of the document, ``line`` its 1-based line when known, and
    ``field`` the dotted path of the offending value (``purchases[0].amount``).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def located(
        self, *, file: str | None = None, line: int | None = None, field: str | None = None
    ) -> InputError:
        """Fill in location details that were not known where the error was raised."""
        if self.file is None:
            self.file = file
        if self.line is None:
            self.line = line
        if self.field is None:
            self.field = field
        return self

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file + (f":{self.line}" if self.line is not None else "") + ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class AmountError(InputError):
    """A money amount or a rate that cannot be parsed or is out of range."""


class YamlError(InputError):
    """A YAML or JSON document that is malformed or uses a forbidden construct."""


class ProfileError(InputError):
    """An applicant profile that does not follow the profile contract."""


class RuleFileError(InputError):
    """A rule file that does not follow the rule-file schema."""


class UnknownCityError(InputError):
    """A city or province name that is not in the jurisdiction table."""


class UnknownProgramError(InputError):
    """A program id that no loaded rule file defines."""


class TableError(InputError):
    """A table given to :mod:`aivoucher.batch` with a column of the wrong type, a value outside
    the profile contract, or a required column missing; ``field`` names the column."""


class MissingDependencyError(AivoucherError, ImportError):
    """An optional dependency a feature needs is not installed: pandas or matplotlib
    (``pip install 'aivoucher[notebook]'``), numpy (``pip install 'aivoucher[batch]'``)."""

    def __init__(self, message: str, *, package: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.package = package

    def __str__(self) -> str:
        return self.message
