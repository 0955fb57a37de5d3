"""Turning pydantic's validation errors into located, coded :class:`InputError` lists, and
"did you mean …" suggestions for unknown names.

Every problem pydantic finds becomes one :class:`~aivoucher.errors.InputError` with its field
path, its line (where the document's text is at hand) and a code: the code of the library's own
error where a parser raised one (``amount.too_large``, ``city.unknown``), else one derived from
pydantic's error type and the document's kind (``profile.unknown_field``,
``rules.missing_field``, ``profile.invalid``).
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import AivoucherError, InputError
from .paths import error_path, parse_path

__all__ = [
    "add_lines",
    "did_you_mean",
    "from_validation",
    "lines_of",
    "model_fields_at",
    "suggest",
]


def suggest(
    name: object, candidates: Iterable[str], *, n: int = 3, cutoff: float = 0.6
) -> tuple[str, ...]:
    """The candidates closest to ``name`` (difflib's ratio of at least ``cutoff``), best
    first."""
    if not isinstance(name, str) or not name or len(name) > 200:
        return ()
    pool = list(dict.fromkeys(candidates))
    exact = [c for c in pool if c.casefold() == name.casefold() and c != name]
    close = difflib.get_close_matches(name, pool, n=n, cutoff=cutoff)
    return tuple(dict.fromkeys([*exact, *close]))[:n]


def did_you_mean(suggestions: Sequence[str]) -> str:
    """``" (did you mean 'x'?)"`` (or ``'x' or 'y'``), or nothing without suggestions."""
    if not suggestions:
        return ""
    return " (did you mean " + " or ".join(repr(s) for s in suggestions) + "?)"


def _unwrap(tp: Any) -> list[Any]:
    """The alternatives of an annotation: ``X | None`` → ``[X]``; ``Annotated[X, …]`` → ``[X]``."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [a for arg in typing.get_args(tp) if arg is not type(None) for a in _unwrap(arg)]
    return [tp]


def _step(tp: Any, part: str | int) -> Any:
    for alt in _unwrap(tp):
        origin = typing.get_origin(alt)
        args = typing.get_args(alt)
        if isinstance(alt, type) and issubclass(alt, BaseModel) and isinstance(part, str):
            for name, info in alt.model_fields.items():
                if part in (name, info.alias):
                    return info.annotation
        elif origin in (list, tuple, Sequence) and isinstance(part, int) and args:
            return args[0]
        elif origin is dict and isinstance(part, str) and len(args) == 2:
            return args[1]
    return None


def model_fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The field names (aliases where set) of the model at ``loc`` inside ``model``."""
    tp: Any = model
    for part in loc:
        tp = _step(tp, part)
        if tp is None:
            return []
    for alt in _unwrap(tp):
        if isinstance(alt, type) and issubclass(alt, BaseModel):
            return [info.alias or name for name, info in alt.model_fields.items()]
    return []


def _clean_loc(loc: Sequence[int | str]) -> tuple[int | str, ...]:
    # pydantic inserts validator and union-member names ("function-after[...]") into paths
    return tuple(p for p in loc if not (isinstance(p, str) and "[" in p and p.endswith("]")))


def from_validation(
    exc: ValidationError,
    error_class: type[InputError],
    *,
    scope: str,
    model: type[BaseModel],
    file: str | None = None,
    split: Callable[[str], tuple[tuple[int | str, ...], str]] | None = None,
    code: str | None = None,
) -> InputError:
    """One ``error_class`` describing every problem of ``exc``: the first as itself, all of
    them in ``errors``. ``scope`` (``profile`` or ``rules``) prefixes the derived codes;
    ``split`` takes a field path out of a whole-document check's message
    (``eligibility[0]: unknown source 'x'``); ``code``, where given, is every problem's code.
    :func:`add_lines` adds the lines."""
    found: list[InputError] = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        ctx: dict[str, Any] = err.get("ctx") or {}
        cause = ctx.get("error")
        suggestions: tuple[str, ...] = ()
        if isinstance(cause, AivoucherError):
            message, kind = cause.message, cause.code
            suggestions = cause.suggestions
        elif err["type"] == "extra_forbidden":
            kind = f"{scope}.unknown_field"
            what = {"rules": "rule-file schema", "estimate": "estimate JSON"}.get(scope, "contract")
            suggestions = suggest(loc[-1] if loc else None, model_fields_at(model, loc[:-1]))
            message = f"unknown field (not part of the {what})" + did_you_mean(suggestions)
        elif err["type"] == "missing":
            message, kind = "required field is missing", f"{scope}.missing_field"
        else:
            message, kind = str(err["msg"]).removeprefix("Value error, "), f"{scope}.invalid"
        if not loc and split is not None:
            loc, message = split(message)
        if code is not None:
            kind = code
        found.append(
            error_class(
                message,
                file=file,
                field=error_path(loc) or None,
                code=kind,
                suggestions=suggestions,
            )
        )
    first = found[0]
    return error_class(
        first.message,
        file=first.file,
        line=first.line,
        field=first.field,
        code=first.code,
        suggestions=first.suggestions,
        errors=found,
    )


def lines_of(text: str, paths: Iterable[Sequence[int | str]]) -> dict[tuple[int | str, ...], int]:
    """The 1-based line of each path in a YAML text (or of its nearest ancestor found), in one
    reading however many paths are asked for. The text has been parsed once already, so its
    events are well formed; any error here only means fewer lines are known."""
    import yaml
    from yaml.events import (
        CollectionStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        NodeEvent,
        ScalarEvent,
        SequenceEndEvent,
        StreamEndEvent,
    )

    asked = [tuple(p) for p in paths]
    prefixes = {p[:n] for p in asked for n in range(1, len(p) + 1)}
    seen: dict[tuple[int | str, ...], int] = {}
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    # one frame per open container: [is_mapping, next index, pending key, expecting a key]
    frames: list[list[Any]] = []
    where: list[int | str] = []  # the position of each open container in its parent
    try:
        while not isinstance(event := loader.get_event(), StreamEndEvent):
            if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                frames.pop()
                if where:
                    where.pop()
                if frames and frames[-1][0]:
                    frames[-1][3] = True
                continue
            if not isinstance(event, NodeEvent):
                continue
            position: int | str | None = None
            if frames:
                frame = frames[-1]
                if frame[0] and frame[3]:  # a mapping key
                    frame[2] = event.value if isinstance(event, ScalarEvent) else None
                    frame[3] = False
                    if isinstance(event, CollectionStartEvent):  # refused earlier; stay balanced
                        frames.append([isinstance(event, MappingStartEvent), 0, None, True])
                        where.append("")
                    continue
                if frame[0]:
                    position = frame[2]
                    if not isinstance(event, CollectionStartEvent):
                        frame[3] = True
                else:
                    position = frame[1]
                    frame[1] += 1
                if position is not None:
                    here = (*where, position)
                    mark = event.start_mark
                    if here in prefixes and here not in seen and mark is not None:
                        seen[here] = mark.line + 1
            if isinstance(event, CollectionStartEvent):
                frames.append([isinstance(event, MappingStartEvent), 0, None, True])
                if position is not None or frames[:-1]:
                    where.append(position if position is not None else "")
    except yaml.YAMLError:
        pass
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    out: dict[tuple[int | str, ...], int] = {}
    for path in asked:
        for n in range(len(path), 0, -1):
            if path[:n] in seen:
                out[path] = seen[path[:n]]
                break
    return out


def add_lines(error: InputError, text: str) -> InputError:
    """Set the line of every problem of ``error`` that names a field, from the YAML text."""

    problems = [e for e in (error, *error.errors) if e.field and e.line is None]
    if problems:
        lines = lines_of(text, {parse_path(e.field or "") for e in problems})
        for e in problems:
            e.line = lines.get(parse_path(e.field or ""))
    return error
