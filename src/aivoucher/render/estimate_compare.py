"""Telling an estimate's JSON from what is written for the estimate made again.

:class:`Problems` collects what is wrong (each with its field, at most :data:`MAX_PROBLEMS`);
:func:`difference` finds where a document's part first differs from what the writer makes;
:class:`Compare` does that in every locale still possible and records the problem: malformed
there (the part is validated against its model where it differs, to say how:
:func:`malformed_parts`), or not what the rules give. :mod:`aivoucher.render.estimate_read`
reads a document with them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from ..base.i18n import LOCALES
from ..base.paths import error_path
from ..errors import EstimateError, InputError

if TYPE_CHECKING:
    from .messages import Messages

__all__ = [
    "MAX_PROBLEMS",
    "Compare",
    "Full",
    "Path",
    "Problems",
    "difference",
    "malformed_parts",
    "part_at",
    "show",
]

#: The reader stops after this many problems (each names its field).
MAX_PROBLEMS = 20

Path = tuple[int | str, ...]


class Full(Exception):
    """Raised when :data:`MAX_PROBLEMS` problems have been collected."""


class Problems:
    """The problems found so far, at most :data:`MAX_PROBLEMS`."""

    def __init__(self) -> None:
        self.found: list[InputError] = []

    def add(self, message: str, path: Path | str | None, code: str) -> None:
        field = path if isinstance(path, str) or path is None else error_path(path)
        self.found.append(EstimateError(message, field=field or None, code=code))
        if len(self.found) >= MAX_PROBLEMS:
            raise Full

    def add_error(self, error: InputError, prefix: Path) -> None:
        """A problem found by a validation of the part at ``prefix``."""
        field = error_path(prefix)
        inner = error.field or ""
        if field and inner and not inner.startswith("["):
            field += "."
        self.found.append(
            EstimateError(
                error.message,
                field=(field + inner) or None,
                code=error.code,
                suggestions=error.suggestions,
            )
        )
        if len(self.found) >= MAX_PROBLEMS:
            raise Full

    def error(self) -> EstimateError:
        first = self.found[0]
        assert isinstance(first, EstimateError)
        return EstimateError(
            first.message,
            field=first.field,
            code=first.code,
            suggestions=first.suggestions,
            errors=self.found,
        )

    def check(self) -> None:
        if self.found:
            raise self.error()


def show(value: Any) -> str:
    """A value as a short JSON-like text for a message."""
    if isinstance(value, (dict, list)):
        text = "an object" if isinstance(value, dict) else f"a list of {len(value)}"
    elif isinstance(value, str):
        text = repr(value)
    elif value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


# -- comparing a document with what is written for the estimate made again --------------------


def difference(raw: Any, made: Any, path: Path = ()) -> Path | None:
    """The path of the first place where ``raw`` (parsed JSON) is not ``made`` (what the writer
    puts there), or ``None``. Strict: ``1`` is not ``true``, nor ``1.0``; no key may be added
    or left out (their order is free, as in any JSON object). It recurses only as deep as
    ``made`` goes (a few levels)."""
    cls = made.__class__
    if (cls is dict or cls is list) and raw == made and _textual(made):
        return None  # equal, and text throughout: the same JSON (text equals nothing else)
    found = _unlike(raw, made)
    return None if found is None else (*path, *reversed(found))


_TEXT = frozenset({str, type(None)})
_TEXT_OR_NESTED = frozenset({str, type(None), dict, list})


def _textual(value: dict[Any, Any] | list[Any]) -> bool:
    """Whether ``value`` (as written) holds nothing but text and ``None``, in objects and
    lists: where it does, ``==`` tells a document's part from it as strictly as
    :func:`difference` (a reason or an assumption, which are; a step's number is not)."""
    inner = value.values() if value.__class__ is dict else value
    kinds = set(map(type, inner))
    if kinds <= _TEXT:
        return True
    if not kinds <= _TEXT_OR_NESTED:
        return False
    for part in inner:
        if (part.__class__ is dict or part.__class__ is list) and not _textual(part):
            return False
    return True


#: The values a list is told equal of at once where all its entries are of one of them: equal
#: values of one of these types are the same JSON (not so ``1`` and ``true``, of two types).
_SCALARS = frozenset({str, int, bool, type(None)})


def _unlike(raw: Any, made: Any) -> list[int | str] | None:
    """:func:`difference`'s path, innermost part first (built only where they differ)."""
    cls = made.__class__
    if raw.__class__ is not cls:
        return []
    if cls is dict:
        for key, value in made.items():
            if key not in raw:
                return [key]
            inner = raw[key]
            kind = value.__class__
            # a value that is neither an object nor a list is told here: one call fewer for
            # each of the many text fields of a long trace's reasons
            if kind is dict or kind is list:
                found = _unlike(inner, value)
                if found is not None:
                    found.append(key)
                    return found
            elif inner.__class__ is not kind or not bool(inner == value):
                return [key]
        if len(raw) != len(made):
            return [next(k for k in raw if k not in made)]
        return None
    if cls is list:
        if raw == made:
            # a long list of one kind of scalar (an award's purchases, their indices), told in
            # one go: the lists are equal, and of one and the same type throughout
            kinds = set(map(type, made))
            if len(kinds) == 1 and kinds <= _SCALARS and set(map(type, raw)) == kinds:
                return None
        for i, (r, m) in enumerate(zip(raw, made, strict=False)):
            kind = m.__class__
            if kind is dict or kind is list:
                found = _unlike(r, m)
                if found is not None:
                    found.append(i)
                    return found
            elif r.__class__ is not kind or not bool(r == m):
                return [i]
        if len(raw) != len(made):
            return [min(len(raw), len(made))]
        return None
    return None if raw == made else []


def part_at(value: Any, path: Path) -> tuple[bool, Any]:
    """``(found, value)`` at ``path`` inside ``value``."""
    for part in path:
        if isinstance(value, dict):
            ok = isinstance(part, str) and part in value
        else:
            ok = isinstance(value, list) and isinstance(part, int) and part < len(value)
        if not ok:
            return False, None
        value = value[part]
    return True, value


_SMALL = 64


def _small(value: Any, budget: list[int]) -> Any:
    """A copy of ``value`` with at most a few entries per container and a few hundred in all:
    what a validation of one problem needs, whatever the document holds there."""
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if isinstance(value, dict):
        return {k: _small(v, budget) for k, v in list(value.items())[:_SMALL]}
    if isinstance(value, list):
        return [_small(v, budget) for v in value[:_SMALL]]
    return value


def _probe(raw: Any, made: Any, path: Path) -> Any:
    """``made`` (a valid document part) with the document's value put at ``path`` (or its key
    left out where the document has none there): validating it finds whether that value is
    malformed, in bounded time whatever the rest of the document holds."""
    if not path:
        return _small(raw, [5000])
    head, rest = path[0], path[1:]
    if isinstance(made, dict) and isinstance(raw, dict):
        copy = dict(made)
        if head not in raw:
            copy.pop(head, None)
        else:
            copy[head] = _probe(raw[head], made.get(head), rest)
        return copy
    if isinstance(made, list) and isinstance(raw, list) and isinstance(head, int):
        copy_list = list(made)
        if head < len(raw):
            inner = _probe(raw[head], made[head] if head < len(made) else None, rest)
            if head < len(made):
                copy_list[head] = inner
            else:
                copy_list.append(inner)
        else:
            del copy_list[head:]
        return copy_list
    return _small(raw, [5000])


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(model: Any) -> TypeAdapter[Any]:
    found = _ADAPTERS.get(model)
    if found is None:
        found = _ADAPTERS[model] = TypeAdapter(model)
    return found


def malformed_parts(
    model: Any, raw: Any, made: Any, path: Path, *, whole: bool
) -> list[InputError]:
    """The problems of the document's value at ``path`` inside a part described by ``model``,
    if it is malformed; an empty list where it is well-formed but not what the rules give.
    ``whole``: validate the document's part itself (a small one: a step, a reason), else the
    part as written for the estimate with the document's value put at ``path``."""
    from ..base.problems import from_validation

    # the part as written with the document's whole field put where they first differ: a
    # field's other problems are found with it
    probe = _small(raw, [5000]) if whole else _probe(raw, made, path[:1])
    try:
        _adapter(model).validate_python(probe)
    except ValidationError as exc:
        error = from_validation(
            exc, EstimateError, scope="estimate", model=model, code="estimate.invalid"
        )
        return list(error.errors)
    return []


class Compare:
    """Compares the document's parts with what the writer makes of the estimate made again, in
    the locales still possible (a document is in one locale: its first sentence that differs
    between them settles which)."""

    def __init__(self, problems: Problems) -> None:
        from .messages import messages

        self.problems = problems
        self.locales: list[tuple[str, Messages]] = [(loc, messages(loc)) for loc in LOCALES]

    def same(
        self,
        raw: Any,
        make: Callable[[str, Messages], Any],
        where: Path,
        model: Any,
        *,
        whole: bool = False,
    ) -> bool:
        """Whether ``raw`` is what ``make(locale, messages)`` writes in a locale still possible;
        if not, the problem is recorded at ``where`` (see :meth:`refuse`)."""
        kept: list[tuple[str, Messages]] = []
        first: tuple[Path, Any] | None = None
        for loc, m in self.locales:
            made = make(loc, m)
            found = difference(raw, made)
            if found is None:
                kept.append((loc, m))
            elif first is None:
                first = (found, made)
        if kept:
            self.locales = kept
            return True
        assert first is not None
        path, made = first
        self.refuse(raw, made, where, path, model, whole=whole)
        return False

    def refuse(
        self, raw: Any, made: Any, where: Path, path: Path, model: Any, *, whole: bool = False
    ) -> None:
        """Record that the document's part ``raw`` at ``where`` first differs from ``made`` (as
        written for the estimate made again) at ``path``: malformed there (described by
        ``model``, see :func:`malformed_parts`), or not what the rules give."""
        malformed = malformed_parts(model, raw, made, path, whole=whole)
        for error in malformed:
            self.problems.add_error(error, where)
        if malformed:
            return
        found, value = part_at(raw, path)
        known, expected = part_at(made, path)
        if not found:
            message = f"missing; the rules give {show(expected)}"
        elif not known:
            message = f"{show(value)}: the rules give nothing here"
        else:
            message = f"{show(value)}, but the rules give {show(expected)}"
        self.problems.add(message, (*where, *path), "estimate.inconsistent")
