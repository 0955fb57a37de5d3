"""JSON Schema of rule files, of profiles and of the estimate JSON (pydantic's export), for
editors and other tools.

``rules/schema.json`` is this module's output; a test keeps it current.
"""

from __future__ import annotations

from typing import Any

from ..vocabulary.profile import Profile
from ..vocabulary.schema import Program

__all__ = [
    "comparison_schema",
    "error_schema",
    "estimate_schema",
    "profile_schema",
    "programs_schema",
    "rule_file_schema",
]


def rule_file_schema() -> dict[str, Any]:
    schema = Program.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "aivoucher rule file"
    return schema


def estimate_schema(detail: str = "full") -> dict[str, Any]:
    """The JSON Schema of ``aivoucher estimate --format json`` (schema_version 2) at a level
    of ``--detail`` (``summary``, ``awards``, ``full``)."""
    from .estimate_json import estimate_schema as build
    from .json import check_detail

    return build(check_detail(detail))


def profile_schema() -> dict[str, Any]:
    schema = Profile.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "aivoucher applicant profile"
    return schema


def comparison_schema() -> dict[str, Any]:
    """The JSON Schema of ``aivoucher compare --format json``."""
    from .comparison_json import comparison_schema as build

    return build()


def programs_schema() -> dict[str, Any]:
    """The JSON Schema of ``aivoucher programs --format json``."""
    from .listing_json import programs_schema as build

    return build()


def error_schema() -> dict[str, Any]:
    """The JSON Schema of the command line's JSON error document (``--format json``)."""
    from .listing_json import error_schema as build

    return build()


#: ``aivoucher schema --output NAME``: each document's schema.
SCHEMAS = {
    "rules": rule_file_schema,
    "estimate": estimate_schema,
    "profile": profile_schema,
    "comparison": comparison_schema,
    "programs": programs_schema,
    "error": error_schema,
}
