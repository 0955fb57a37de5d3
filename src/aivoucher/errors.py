"""Typed exceptions, each with a stable ``code``.

Every error the library raises for bad input is an :class:`InputError` that knows where the
problem is (``file``, ``line``, ``field``) and renders as one line::

    rules/shenzhen/x.yaml:12: caps[0].amount: not an amount: '12 bananas'

``code`` names the kind of problem (``profile.unknown_field``, ``amount.too_large``); tools
branch on it, never on the wording. :data:`CODES` is the one table of codes (docs/errors.md
lists them). ``errors`` holds every problem found in the input, each a located
:class:`InputError` of its own; the exception itself describes the first and its ``str`` adds
the others on the same line.

The CLI prints that line and exits with status 2; Python callers catch the typed exception.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from .base.visible import visible

__all__ = [
    "CODES",
    "AivoucherError",
    "AmountError",
    "EstimateError",
    "InputError",
    "MissingDependencyError",
    "ProfileError",
    "RuleFileError",
    "TableError",
    "UnknownCityError",
    "UnknownProgramError",
    "YamlError",
    "error_dict",
]

#: Every error code, with its meaning. A test keeps this table, the codes the library raises
#: and docs/errors.md in step.
CODES: dict[str, str] = {
    "input.invalid": "bad input that no more specific code describes",
    "cli.usage": "the command line itself is wrong: an unknown option, a missing argument",
    "document.unreadable": "the file cannot be read (missing, a directory, no permission)",
    "document.too_large": "the document is larger than the limit (rule files 1 MiB, "
    "profiles 256 MiB)",
    "document.too_deep": "the document is nested deeper than the limit (32 levels)",
    "document.too_many_values": "the document holds more values than the limit",
    "document.encoding": "the document is not valid UTF-8",
    "document.forbidden": "a YAML construct that is refused: tags, anchors, aliases, merge "
    "keys, several documents, a non-scalar key, NaN or Infinity in JSON",
    "document.duplicate_key": "a mapping repeats a key",
    "document.nul_byte": "the document contains a NUL byte (it is not a text file)",
    "number.form": "a number YAML 1.1 would read as another number (octal 0500000, "
    "hexadecimal 0x10, sexagesimal 1:00:00, 1_000): write plain decimal digits",
    "number.too_long": "a number with more digits than any amount, rate or count needs (40)",
    "yaml.malformed": "the text is not well-formed YAML",
    "json.malformed": "the text is not well-formed JSON",
    "amount.invalid": "not an amount in a notation the library reads",
    "amount.negative": "a negative amount",
    "amount.too_large": "an amount above the supported maximum, 1万亿 (10^12) yuan",
    "amount.sub_fen": "an amount with fractions of a fen (0.01 yuan)",
    "rate.invalid": "not a rate, or a rate outside 0–100%",
    "date.invalid": "not a date in an accepted form",
    "city.unknown": "a city or province the jurisdiction table does not know",
    "profile.invalid": "a profile value of the wrong type or not among the allowed values",
    "profile.unknown_field": "a field the profile contract does not define",
    "profile.missing_field": "a required profile field is missing",
    "rules.invalid": "a rule-file value of the wrong type or not among the allowed values",
    "rules.unknown_field": "a field the rule-file schema does not define",
    "rules.missing_field": "a required rule-file field is missing",
    "rules.unknown_reference": "a rule file names a source, assumption, switch or "
    "qualification it does not declare, or a stacking relation names a program no rule file "
    "in the set defines",
    "rules.duplicate_id": "an id declared twice: a program (and version) in two rule files, or "
    "a source, ambiguity, switch or qualification within one file",
    "rules.file_name": "a rule file's name does not match its id and version",
    "rules.not_a_directory": "the rule directory does not exist or is not a directory",
    "rules.empty": "the rule directory holds no rule file",
    "rules.missing": "the bundled rule files are missing from the installation",
    "rules.digest_mismatch": "a pickled rule set (or an estimate made with one) refers to "
    "bundled rules other than this installation's: a process pool mixes aivoucher versions",
    "rules.versions_overlap": "two published versions of one program whose effective periods "
    "(or the contract signing dates they cover) overlap, so one purchase would be paid by both",
    "rules.self_stacking": "a program declares a stacking relation with itself",
    "program.unknown": "no loaded rule file defines this program id",
    "program.ambiguous": "a program name matches several programs",
    "switch.unknown": "an assumption to switch on that no rule file offers",
    "qualification.unknown": "a qualification no rule file defines",
    "locale.unsupported": "a locale other than zh and en",
    "estimate.invalid": "text that is not an estimate in the JSON contract",
    # Estimate.from_json refuses a document that is not what the rules give (docs/json.md)
    "estimate.schema_version": "an estimate's JSON of a schema_version this version does not "
    "read (it reads the integer 2)",
    "estimate.too_large": "an estimate's JSON with more awards than the rule set can give, more "
    "purchases than 1,000,000, or more notes than its awards allow",
    "estimate.bounds": "an estimate's JSON with a low amount above its high one (an award's or "
    "the totals)",
    "estimate.duplicate_award": "an estimate's JSON listing one program version's award twice",
    "estimate.totals": "an estimate's JSON whose totals are not its awards added up as the rule "
    "files stack them",
    "estimate.inconsistent": "an estimate's JSON whose awards, trace, reasons or notes are not "
    "what the rules give for its profile and date (altered, or made with other rules)",
    "output.unwritable": "the file to write (a report) cannot be written",
    "table.invalid": "a batch table with a column of the wrong type, named twice or missing "
    "(a value the profile contract refuses keeps the code a profile gets for it)",
    "fact.unknown": "a fact to vary that the profile contract does not define",
    "dependency.missing": "an optional dependency the call needs is not installed",
    "rules.control_character": "a rule file's name or text holds a control character (a line "
    "break, a tab, a terminal escape sequence, a bidirectional override)",
    "limit.exceeded": "a call or command line past a documented limit (amounts of a sweep, "
    "combinations of vary, place names, command-line arguments)",
    "places.empty": "a list of places that names no place (--places , or places=[])",
    "output.is_input": "the file to write is one of the command's inputs (the profile)",
    # the MCP server's tools (aivoucher.agents, docs/agents.md)
    "mcp.arguments": "a tool call's arguments that the tool does not take: an unknown "
    "argument, a required one missing, a value of the wrong JSON type",
    "mcp.unknown_tool": "a tool call naming a tool the MCP server does not offer",
    "mcp.unknown_resource": "a resource the MCP server does not offer",
    "output.option": "--format xlsx without -o FILE (a workbook is not printed), or -o with a "
    "format that is printed",
}

#: How many further problems ``str()`` lists after the first (``errors`` keeps them all).
SHOWN = 5


class AivoucherError(Exception):
    """Base class of every exception aivoucher raises on purpose.

    ``code`` is stable (see :data:`CODES`); each class has a default that a raise site may
    refine. ``errors`` lists every problem found, each a located :class:`InputError`.
    """

    default_code: ClassVar[str] = "input.invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.suggestions: tuple[str, ...] = ()
        self._errors: tuple[InputError, ...] = ()

    @property
    def errors(self) -> tuple[InputError, ...]:
        if self._errors:
            return self._errors
        return (self,) if isinstance(self, InputError) else ()

    def __str__(self) -> str:
        # one line, no control character obeyed, whatever a value quoted in it holds
        return visible(self.message)


class InputError(AivoucherError, ValueError):
    """Bad input: a value, a profile or a rule file that cannot be used.

    ``file`` is the path or name of the document, ``line`` its 1-based line when known, and
    ``field`` the dotted path of the offending value (``purchases[0].amount``).
    ``suggestions`` are the close matches of an unknown name ("did you mean …").
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        code: str | None = None,
        suggestions: Iterable[str] = (),
        errors: Iterable[InputError] = (),
    ) -> None:
        super().__init__(message, code=code)
        self.file = file
        self.line = line
        self.field = field
        self.suggestions = tuple(suggestions)
        found = tuple(errors)
        # a single problem is its own list; only several get a tuple of their own
        self._errors = found if len(found) > 1 else ()

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
        for other in self._errors:
            if other.file is None:
                other.file = file
        return self

    def _where(self) -> str:
        if self.file is not None:
            return self.file + (f":{self.line}" if self.line is not None else "") + ": "
        if self.line is not None:
            return f"line {self.line}: "
        return ""

    def problem(self) -> str:
        """The field and the message, without the file: ``purchases[0].amount: not an …``."""
        return f"{self.field}: {self.message}" if self.field else self.message

    def __str__(self) -> str:
        text = self._where() + self.problem()
        more = self._errors[1:]
        if more:
            shown = "; ".join(e.problem() for e in more[:SHOWN])
            rest = "; …" if len(more) > SHOWN else ""
            text += f"; and {len(more)} more: {shown}{rest}"
        # one line whatever a document's keys or values hold, with no control character obeyed
        return visible(text)


class AmountError(InputError):
    """A money amount or a rate that cannot be parsed or is out of range."""

    default_code = "amount.invalid"


class YamlError(InputError):
    """A YAML or JSON document that is malformed or uses a forbidden construct."""

    default_code = "yaml.malformed"


class ProfileError(InputError):
    """An applicant profile that does not follow the profile contract."""

    default_code = "profile.invalid"


class RuleFileError(InputError):
    """A rule file that does not follow the rule-file schema."""

    default_code = "rules.invalid"


class UnknownCityError(InputError):
    """A city or province name that is not in the jurisdiction table."""

    default_code = "city.unknown"


class UnknownProgramError(InputError, KeyError):
    """A program id that no loaded rule file defines (also a ``KeyError``, which
    :meth:`Estimate.award <aivoucher.vocabulary.result.Estimate.award>` raised before)."""

    default_code = "program.unknown"


class TableError(InputError):
    """A table given to :mod:`aivoucher.batch` with a column of the wrong type, a value outside
    the profile contract, or a required column missing; ``field`` names the column and ``row``
    the first offending row (its position, from 0), where one row is at fault.

    A value the profile contract refuses keeps the code a profile gives it (``date.invalid``,
    ``amount.negative`` …); problems of the table itself are ``table.invalid``."""

    default_code = "table.invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        row: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(
            f"row {row}: {message}" if row is not None else message, field=field, code=code
        )
        self.row = row


class MissingDependencyError(AivoucherError, ImportError):
    """An optional dependency a feature needs is not installed: pandas or matplotlib
    (``pip install 'aivoucher[notebook]'``), numpy (``pip install 'aivoucher[batch]'``)."""

    default_code = "dependency.missing"

    def __init__(self, message: str, *, package: str | None = None) -> None:
        super().__init__(message)
        self.package = package

    def __str__(self) -> str:
        return visible(self.message)


class EstimateError(InputError):
    """Text that is not an estimate in the JSON contract (:meth:`Estimate.from_json
    <aivoucher.vocabulary.result.Estimate.from_json>`)."""

    default_code = "estimate.invalid"


def _entry(error: InputError) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": error.code,
        "message": error.message,
        "file": error.file,
        "line": error.line,
        "field": error.field,
    }
    if error.suggestions:
        out["suggestions"] = list(error.suggestions)
    return out


def error_dict(error: AivoucherError) -> dict[str, Any]:
    """The JSON form of an error (``aivoucher … --format json`` writes it on standard error):
    the first problem's code, message and location, and every problem in ``errors``."""
    if isinstance(error, InputError):
        head = _entry(error)
        head["errors"] = [_entry(e) for e in error.errors]
    else:
        head = {"code": error.code, "message": error.message, "file": None, "line": None}
        head.update(field=None, errors=[])
    return {"error": head}
