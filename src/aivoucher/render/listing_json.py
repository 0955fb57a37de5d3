"""The JSON contracts of the program list and of the command line's error document, as pydantic
models: their JSON Schemas (``aivoucher schema --output programs|error``), for tools that read
``aivoucher programs --format json`` and the JSON errors of ``--format json``. A test checks
every such document the suite writes against these schemas."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, JsonValue

from ..errors import CODES
from ..vocabulary.schema import Confidence as ConfidenceText
from .estimate_json import DateText, GeneratorDoc, _Doc

__all__ = ["ErrorDocument", "ProgramsDocument", "error_schema", "programs_schema"]

#: The error codes, as the schema's enumeration (errors.CODES is the one table).
_CODE = Field(
    description="A stable code (docs/errors.md).",
    json_schema_extra={"enum": list[JsonValue](sorted(CODES))},
)


class ProgramRowDoc(_Doc):
    """One program version, as ``aivoucher programs`` lists it (words in the chosen locale)."""

    id: str
    version: str | None
    jurisdiction: str
    place: str = Field(description="The place's name in the locale.")
    name: str = Field(description="The program's name in the locale.")
    status: Literal["in_force", "draft", "superseded", "expired"]
    from_: DateText = Field(alias="from")
    to: DateText | None
    rates: list[str] = Field(description="Each rate tier in words, or that none is published.")
    caps: list[str]
    pool: str | None
    confidence: list[ConfidenceText] = Field(description="The labels of the program's sources.")
    switches: list[str]
    qualifications: list[str]
    application: list[str] = Field(description="How and when to apply, a clause each.")
    checked: DateText | None = Field(description="When its texts were last checked.")
    ended: bool = Field(
        description="The last known version of this program ended before the list's as_of."
    )


class ProgramsDocument(_Doc):
    """The JSON of ``aivoucher programs --format json``."""

    model_config = ConfigDict(title="aivoucher program list")

    generator: GeneratorDoc
    as_of: DateText
    programs: list[ProgramRowDoc]


class ProblemDoc(_Doc):
    """One problem found in the input."""

    code: str = _CODE
    message: str
    message_zh: str | None = Field(
        default=None, description="The problem in Chinese (the command line writes it)."
    )
    file: str | None
    line: int | None
    field: str | None
    suggestions: list[str] | None = Field(default=None, description="Close matches, if any.")


class ErrorHeadDoc(ProblemDoc):
    """The first problem, and every problem found (``errors``)."""

    errors: list[ProblemDoc]


class ErrorDocument(_Doc):
    """The JSON error document the command line writes on standard error with
    ``--format json``."""

    model_config = ConfigDict(title="aivoucher error")

    error: ErrorHeadDoc
    generator: GeneratorDoc


def _schema(model: type[_Doc]) -> dict[str, Any]:
    # validation: a key the writer leaves out when empty (suggestions) is not required
    schema = model.model_json_schema(mode="validation", by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def programs_schema() -> dict[str, Any]:
    """The JSON Schema of the program list (draft 2020-12)."""
    return _schema(ProgramsDocument)


def error_schema() -> dict[str, Any]:
    """The JSON Schema of the command line's JSON error document (draft 2020-12)."""
    return _schema(ErrorDocument)
