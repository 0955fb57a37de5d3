"""Reading YAML and JSON documents safely, with line numbers for error messages.

Rule files and profiles come from other people, so the reader is deliberately narrow:

* YAML is read event by event (libyaml's parser when available) and built into plain ``dict``,
  ``list``, ``str``, ``int``, ``bool``, ``None`` and ``Decimal`` values by an iterative loop, never
  by PyYAML's object constructors: no tag can construct a Python object, and deep nesting cannot
  exhaust the interpreter's stack.
* Anchors and aliases are refused (they are what "billion laughs" bombs are made of, and no rule
  file needs them); so are duplicate keys, merge keys, custom tags and multi-document streams.
* Floats become ``Decimal`` from their written text; timestamps stay strings so that dates are
  validated by the schema, with a message naming the field, rather than by the YAML library.
* Size, depth and node-count limits bound time and memory.

When a later validation step fails on field paths, :func:`aivoucher.base.problems.lines_of` re-reads
the text once to find their lines; the fast path records no positions.
"""

from __future__ import annotations

import codecs
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

from ..errors import YamlError

__all__ = [
    "Limits",
    "load_document",
    "parse_json",
    "parse_yaml",
    "read_stream",
    "read_text",
]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: The YAML 1.1 spellings of true (the resolver has already decided the scalar is a boolean).
_TRUE = frozenset(("yes", "true", "on"))
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_ALLOWED_TAGS = {None, "!", _STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _MAP, _SEQ}

PathPart = str | int


class Limits:
    """Bounds on what a document may contain."""

    __slots__ = ("max_bytes", "max_depth", "max_nodes")

    def __init__(self, *, max_bytes: int, max_depth: int = 32, max_nodes: int) -> None:
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.max_nodes = max_nodes


#: Rule files are small, hand-written documents.
RULE_LIMITS = Limits(max_bytes=1 << 20, max_nodes=100_000)
#: Profiles may list very many purchases (a batch of 100,000 contracts is about 20 MB of YAML).
PROFILE_LIMITS = Limits(max_bytes=256 << 20, max_nodes=20_000_000)


_CHUNK = 1 << 16


def read_stream(stream: BinaryIO, limits: Limits, source: str) -> str:
    """Read a byte stream as UTF-8 text (a BOM is allowed), bounded by the bytes actually read.

    Devices and pipes report no useful size, and some never end (``/dev/zero``, an endless
    standard input): reading stops one chunk past the limit, and at the first NUL byte or
    invalid UTF-8 sequence, so neither time nor memory depends on what the stream would go on to
    send. Each refusal names the line where it happened.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    parts: list[str] = []
    total = 0
    lines = 1
    while True:
        try:
            chunk = stream.read(_CHUNK)
        except OSError as exc:
            raise YamlError(
                f"cannot read file: {exc.strerror or exc}", file=source, code="document.unreadable"
            ) from None
        if not chunk:
            break
        total += len(chunk)
        if total > limits.max_bytes:
            raise YamlError(
                f"file is too large (more than {limits.max_bytes:,} bytes)",
                file=source,
                code="document.too_large",
            )
        nul = chunk.find(b"\0")
        if nul >= 0:
            line = lines + chunk.count(b"\n", 0, nul)
            raise YamlError(
                "contains a NUL byte (not a text file)",
                file=source,
                line=line,
                code="document.nul_byte",
            )
        try:
            parts.append(decoder.decode(chunk))
        except UnicodeDecodeError as exc:
            offset = total - len(chunk) + exc.start
            line = lines + chunk.count(b"\n", 0, max(exc.start, 0))
            raise YamlError(
                f"not valid UTF-8 (byte 0x{chunk[max(exc.start, 0)]:02x} at offset {offset})",
                file=source,
                line=line,
                code="document.encoding",
            ) from None
        lines += chunk.count(b"\n")
    try:
        parts.append(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        raise YamlError(
            "not valid UTF-8 (the text ends inside a character)",
            file=source,
            line=lines,
            code="document.encoding",
        ) from None
    return "".join(parts)


def read_text(path: str | Path, limits: Limits) -> str:
    """Read a file as UTF-8 text (see :func:`read_stream` for the bounds)."""
    try:
        with open(path, "rb") as stream:
            return read_stream(stream, limits, str(path))
    except OSError as exc:
        raise YamlError(
            f"cannot read file: {exc.strerror or exc}", file=str(path), code="document.unreadable"
        ) from None


def load_document(path: str | Path, limits: Limits) -> Any:
    """Read and parse a ``.json`` file as JSON and anything else as YAML."""
    text = read_text(path, limits)
    if str(path).lower().endswith(".json"):
        return parse_json(text, source=str(path))
    return parse_yaml(text, source=str(path), limits=limits)


#: Flow brackets (``[`` ``{``) open at once beyond which a document is refused before the YAML
#: library sees it. libyaml stops at 1,000 with a message of its own; counting here (naively:
#: brackets inside quoted text count too, which only a document far past any real one reaches)
#: keeps our message, naming our depth limit, the one users see.
_FLOW_GUARD = 256
_BRACKET = re.compile(r"[\[\]{}]")


def _check_flow_depth(text: str, source: str, limits: Limits) -> None:
    if text.count("[") + text.count("{") <= _FLOW_GUARD:
        return
    depth = 0
    for match in _BRACKET.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > _FLOW_GUARD:
                line = text.count("\n", 0, match.start()) + 1
                raise YamlError(
                    f"document is nested deeper than {limits.max_depth} levels",
                    file=source,
                    line=line,
                    code="document.too_deep",
                )
        elif depth:
            depth -= 1


#: Numbers are read only in plain decimal notation. YAML 1.1 also reads ``0500000`` as octal
#: (163840), ``0x10`` as hexadecimal, ``1:00:00`` as sexagesimal (3600) and ``1_000`` with its
#: underscores dropped: each is refused, so that no amount is silently a number other than the
#: one its writer meant.
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)", re.ASCII)
_PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", re.ASCII)
#: More digits than any amount, rate or count needs; also far below Python's int-to-string limit.
MAX_DIGITS = 40


def _plain_number(value: str, plain: re.Pattern[str], event: Any, source: str) -> None:
    line = event.start_mark.line + 1
    if not plain.fullmatch(value):
        if ":" in value:
            form = "a sexagesimal (base 60) number"
        elif "_" in value:
            form = "a number with its underscores dropped"
        elif value.lstrip("+-").lower().startswith(("0x", "0b")):
            form = "a hexadecimal or binary number"
        else:
            form = "an octal number"
        raise YamlError(
            f"{_shown(value)} would be read as {form}; write plain decimal digits "
            "(or quote it if it is text)",
            file=source,
            line=line,
            code="number.form",
        )
    digits = sum(ch.isdigit() for ch in value)
    if digits > MAX_DIGITS:
        raise YamlError(
            f"number has {digits:,} digits (more than {MAX_DIGITS})",
            file=source,
            line=line,
            code="number.too_long",
        )


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 40 else repr(value[:37] + "...")


def _refuse_nul(text: str, source: str) -> None:
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise YamlError(
            "contains a NUL byte (not a text file)",
            file=source,
            line=line,
            code="document.nul_byte",
        )


def _scalar(event: Any, resolver: Any, source: str) -> Any:
    tag = event.tag
    if tag == "!" or (tag is None and not event.implicit[0]):
        return event.value  # quoted or explicitly non-specific: a string
    if tag is None:
        tag = resolver.resolve(ScalarNode, event.value, event.implicit)
    value = event.value
    if tag in (_STR, _TIMESTAMP):
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value.lower() in _TRUE
    if tag == _INT:
        _plain_number(value, _PLAIN_INT, event, source)
        return int(value)
    if tag == _FLOAT:
        text = value
        if not text.lstrip("+-").startswith("."):  # .inf and .nan are refused by the fields
            _plain_number(value, _PLAIN_FLOAT, event, source)
        try:
            number = Decimal(text)
        except InvalidOperation:
            return value  # .inf / .nan: left as text for the field's own validation to refuse
        return number if number.is_finite() else value
    what = "YAML merge keys (<<) are" if tag.endswith(":merge") else f"YAML tag {tag!r} is"
    raise YamlError(
        f"{what} not allowed",
        file=source,
        line=event.start_mark.line + 1,
        code="document.forbidden",
    )


def _walk(text: str, source: str, limits: Limits) -> Any:
    """Build the single document in ``text``."""
    _refuse_nul(text, source)
    _check_flow_depth(text, source, limits)
    loader = _Loader(text)
    stack: list[Any] = []  # open containers
    keys: list[Any] = []  # for each open mapping: the pending key (or _NO_KEY)
    result: Any = None
    documents = 0
    nodes = 0
    no_key = object()

    def fail(message: str, event: Any, code: str = "document.forbidden") -> YamlError:
        return YamlError(message, file=source, line=event.start_mark.line + 1, code=code)

    try:
        while True:
            event = loader.get_event()
            if isinstance(event, (StreamStartEvent, DocumentEndEvent)):
                continue
            if isinstance(event, StreamEndEvent):
                break
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise fail("only one YAML document is allowed per file", event)
                continue
            if isinstance(event, AliasEvent):
                raise fail("YAML aliases (*name) are not allowed", event)
            if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                value = stack.pop()
                if isinstance(event, MappingEndEvent):
                    keys.pop()
                is_value = True
            else:
                if getattr(event, "anchor", None) is not None:
                    raise fail("YAML anchors (&name) are not allowed", event)
                nodes += 1
                if nodes > limits.max_nodes:
                    raise fail(
                        f"document has more than {limits.max_nodes:,} values",
                        event,
                        code="document.too_many_values",
                    )
                if isinstance(event, ScalarEvent):
                    value = _scalar(event, loader, source)
                    is_value = True
                else:
                    tag = getattr(event, "tag", None)
                    if tag not in _ALLOWED_TAGS:
                        raise fail(f"YAML tag {tag!r} is not allowed", event)
                    if len(stack) >= limits.max_depth:
                        raise fail(
                            f"document is nested deeper than {limits.max_depth} levels",
                            event,
                            code="document.too_deep",
                        )
                    if isinstance(event, MappingStartEvent):
                        stack.append({})
                        keys.append(no_key)
                    else:
                        stack.append([])
                    continue
            if not is_value:  # pragma: no cover - every branch above sets it
                continue
            if not stack:
                result = value
                continue
            parent = stack[-1]
            if isinstance(parent, list):
                parent.append(value)
            elif keys[-1] is no_key:
                if isinstance(value, (dict, list)):
                    raise fail("a mapping key must be a plain value", event)
                if value in parent:
                    raise fail(f"duplicate key {value!r}", event, code="document.duplicate_key")
                keys[-1] = value
            else:
                parent[keys[-1]] = value
                keys[-1] = no_key
    except yaml.MarkedYAMLError as exc:
        mark: Any = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise YamlError(f"malformed YAML: {problem}", file=source, line=line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"malformed YAML: {exc}", file=source) from None
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    return result


def parse_yaml(text: str, *, source: str = "<string>", limits: Limits = PROFILE_LIMITS) -> Any:
    """Parse one YAML document into plain data (see the module docstring for what is refused)."""
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        raise YamlError(
            f"document is too large (the limit is {limits.max_bytes:,} bytes)",
            file=source,
            code="document.too_large",
        )
    return _walk(text, source, limits)


def parse_json(text: str, *, source: str = "<string>") -> Any:
    """Parse JSON with ``Decimal`` numbers, refusing NaN/Infinity, duplicate keys, NUL bytes and
    numbers longer than :data:`MAX_DIGITS` digits."""
    try:
        return _parse_json(text, source)
    except Exception:
        if "\0" not in text:
            raise
    # A NUL byte is what is named, before anything else the text holds. JSON has none where it
    # parses (not even inside a string), so a text that parses is not searched for one: that
    # was a pass over all of a long estimate read back.
    _refuse_nul(text, source)
    raise AssertionError("the text holds a NUL byte")  # pragma: no cover


def _parse_json(text: str, source: str) -> Any:

    def no_constants(name: str) -> Any:
        raise YamlError(
            f"{name} is not a number this library accepts",
            file=source,
            code="document.forbidden",
        )

    def too_long(text: str) -> None:
        if len(text) <= MAX_DIGITS:  # fewer characters than the limit: fewer digits too
            return
        digits = sum(ch.isdigit() for ch in text)
        if digits > MAX_DIGITS:
            raise YamlError(
                f"number has {digits:,} digits (more than {MAX_DIGITS})",
                file=source,
                code="number.too_long",
            )

    def integer(text: str) -> int:
        too_long(text)
        return int(text)

    def decimal(text: str) -> Decimal:
        too_long(text)
        return Decimal(text)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) == len(items):  # no key twice (the common case, decided in C)
            return out
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                raise YamlError(
                    f"duplicate key {key!r}", file=source, code="document.duplicate_key"
                )
            seen.add(key)
        raise AssertionError("a shorter dict has a repeated key")  # pragma: no cover

    try:
        return json.loads(
            text,
            parse_float=decimal,
            parse_int=integer,
            parse_constant=no_constants,
            object_pairs_hook=pairs,
        )
    except json.JSONDecodeError as exc:
        raise YamlError(
            f"malformed JSON: {exc.msg}", file=source, line=exc.lineno, code="json.malformed"
        ) from None
    except RecursionError:
        raise YamlError(
            "JSON document is nested too deeply", file=source, code="document.too_deep"
        ) from None
