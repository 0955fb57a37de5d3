"""A cache of rule files as read: their documents, so that a start reads JSON, not YAML.

Reading 77 YAML files event by event is most of what loading the bundled rules costs (the
command line pays it at every start). The documents it gives are plain data — ``dict``,
``list``, ``str``, ``int``, ``bool``, ``None`` and ``Decimal`` — so they are kept as one JSON
file per rule set, under the user's cache directory, and read back with :func:`json.loads`
(``Decimal`` from the numbers' text).

What the cache is trusted with, and why that is safe:

* It holds data, never objects: JSON builds no Python object but those plain values, so a
  changed cache file cannot run code (a pickle could; none is used).
* Every document read from it is validated by the same schema, checked against its file name
  and compiled exactly as a document read from YAML: the cache saves parsing, not validation,
  so a rule set that would be refused is refused the same way.
* It is keyed by a SHA-256 over the rule files' own bytes (and their paths), the aivoucher
  version and the source of the YAML reader: it is used only for the very bytes it was made
  from, read by the reader that made it; any other key is a miss.
* The file holds its key and a SHA-256 of its payload: a truncated or altered file is a miss.
* It holds the documents as read, before validation; it is written only when every file of
  the set was read and validated, only where the documents survive JSON exactly (same values,
  same types), by an atomic rename, and read only from a directory and file owned by the
  current user and writable by no one else (as ssh treats its keys), so that another account
  cannot substitute documents.

The bundled rule files are also kept as validated: their programs, pickled once a full
validation has accepted every file, so that a start of the command line neither validates nor
builds a validator (docs/rules.md, "Loading"). That form is trusted only as far as this:

* Its key adds to the files' key a SHA-256 of the source of everything that decides what a
  rule file validates to (``aivoucher.base``, ``aivoucher.vocabulary``, ``aivoucher.errors``,
  the loader, the package's data files) and the versions of Python, pydantic and
  pydantic-core: a change to any of them, or to a rule file, makes it a miss, never a stale
  answer.
* It is read by an unpickler that can build nothing but the rule-file models, ``Decimal`` and
  ``date`` (any other name in the file makes it a miss): like the JSON above, it cannot run
  code.
* It holds a SHA-256 of its payload and header, is checked to give a list of programs of the
  expected length, and is written only after it was read back (by that same unpickler) equal to the
  programs it was made from; a user's own rule files (``load_rules`` on another directory)
  are always validated.

A miss of any kind falls back to reading the YAML files, silently. ``AIVOUCHER_CACHE_DIR``
chooses the directory (empty: no cache); by default ``$XDG_CACHE_HOME/aivoucher`` or
``~/.cache/aivoucher``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import io
import json
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base import documents as _reader
from ..base.version import VERSION

if TYPE_CHECKING:
    from ..vocabulary.schema import Program

__all__ = [
    "cache_directory",
    "prepare",
    "programs_key",
    "read_documents",
    "read_programs",
    "rules_key",
    "write_documents",
    "write_programs",
]

#: The layout of a cache file; a file of another format is a miss.
FORMAT = 1
#: The layout of a file of validated programs (and the pickle protocol it is written with).
PROGRAMS_FORMAT = 1
_PROTOCOL = 5
#: Cache files kept per directory: the newest, so that editing rule files does not fill a disk.
KEEP = 8


def cache_directory() -> Path | None:
    """Where rule caches are kept, or None where caching is switched off."""
    chosen = os.environ.get("AIVOUCHER_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if base.startswith("~"):  # no home directory to expand into
        return None
    return Path(base) / "aivoucher"


def _reader_digest() -> bytes:
    """The YAML reader's source: a change to what it accepts makes every older cache a miss."""
    try:
        return hashlib.sha256(Path(_reader.__file__).read_bytes()).digest()
    except (OSError, TypeError):
        return b"no reader source"


def rules_key(files: list[tuple[str, bytes]]) -> str:
    """The cache key of rule files given as (path relative to their directory, bytes)."""
    sha = hashlib.sha256()
    for part in (f"aivoucher {VERSION} format {FORMAT}".encode(), _reader_digest()):
        sha.update(part)
        sha.update(b"\0")
    for name, data in files:
        sha.update(name.encode())
        sha.update(b"\0")
        sha.update(hashlib.sha256(data).digest())
    return sha.hexdigest()


def _private(path: Path, kind: int) -> bool:
    """Whether ``path`` is a ``kind`` (directory or regular file, not a link) owned by this
    user and writable by no one else."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if stat.S_IFMT(info.st_mode) != kind or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


def _payload_digest(payload: str) -> str:
    return hashlib.sha256(payload.encode()).hexdigest()


def read_documents(key: str) -> list[Any] | None:
    """The documents cached under ``key``, or None (no cache, or one not to be trusted)."""
    directory = cache_directory()
    if directory is None:
        return None
    path = directory / f"rules-{key}.json"
    if not (_private(directory, stat.S_IFDIR) and _private(path, stat.S_IFREG)):
        return None
    try:
        head, _, payload = path.read_text(encoding="utf-8").partition("\n")
        header = json.loads(head)
        if header != {"format": FORMAT, "key": key, "sha256": _payload_digest(payload)}:
            return None
        documents = json.loads(payload, parse_float=Decimal)
    except (OSError, ValueError):
        return None
    return documents if isinstance(documents, list) else None


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same types, all the way down (``1 == Decimal(1) == True`` is not
    enough: the schema may read them differently)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Decimal):
        return str(a) == str(b)
    return bool(a == b)


def _write(value: Any, out: list[str]) -> None:
    """``value`` as JSON text, each Decimal as a number written as its own text (``json``
    would need it turned into a float, which changes it)."""
    if isinstance(value, dict):
        out.append("{")
        for i, (k, v) in enumerate(value.items()):
            if not isinstance(k, str):
                raise TypeError("a key that is not text")
            out.append(("," if i else "") + json.dumps(k, ensure_ascii=False) + ":")
            _write(v, out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for i, v in enumerate(value):
            if i:
                out.append(",")
            _write(v, out)
        out.append("]")
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("a number that is not finite")
        out.append(str(value))
    elif value is None or isinstance(value, (str, bool, int)):
        out.append(json.dumps(value, ensure_ascii=False))
    else:
        raise TypeError(f"a {type(value).__name__} in a document")


def _encode(documents: list[Any]) -> str | None:
    """The documents as JSON, or None where JSON would not give them back exactly."""
    out: list[str] = []
    try:
        _write(documents, out)
        payload = "".join(out)
        back = json.loads(payload, parse_float=Decimal)
    except (TypeError, ValueError, RecursionError):
        return None
    return payload if _same(documents, back) else None


def prepare(documents: list[Any]) -> str | None:
    """What :func:`write_documents` keeps of ``documents``, taken as read (before validation
    may touch them); None where they cannot be kept exactly, or caching is switched off."""
    if cache_directory() is None:
        return None
    return _encode(documents)


def write_documents(key: str, payload: str | None) -> None:
    """Keep a payload made by :func:`prepare` under ``key`` where it can be done safely; never
    fails."""
    directory = cache_directory()
    if directory is None or payload is None:
        return
    header = json.dumps({"format": FORMAT, "key": key, "sha256": _payload_digest(payload)})
    try:
        data = (header + "\n" + payload).encode("utf-8")
    except UnicodeEncodeError:  # text JSON cannot carry (a lone surrogate): not kept
        return
    if _atomic_write(directory, f"rules-{key}.json", data):
        _prune(directory)


def _prune(directory: Path, pattern: str = "rules-*.json") -> None:
    """Remove all but the newest :data:`KEEP` cache files of one kind."""
    with contextlib.suppress(OSError):
        files = sorted(directory.glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in files[KEEP:]:
            with contextlib.suppress(OSError):
                old.unlink()


def _atomic_write(directory: Path, name: str, data: bytes) -> bool:
    """Write ``directory/name`` whole or not at all, in a private directory; never fails."""
    with contextlib.suppress(OSError):
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(directory, stat.S_IFDIR):
            return False
        handle, temporary = tempfile.mkstemp(prefix=".rules-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, directory / name)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            return False
        return True
    return False


# -- the bundled programs, as validated ------------------------------------------------------


def _validation_sources() -> Iterator[Path]:
    """The files whose content decides what a rule file validates to: the floors below the
    loader (the layer test keeps the schema from importing anything above them), the errors,
    the loader itself and the package's data (the divisions a city id is checked against)."""
    package = Path(__file__).resolve().parent.parent
    yield package / "errors.py"
    yield package / "ruleset" / "registry.py"
    yield Path(__file__).resolve()
    for floor in ("base", "vocabulary", "data"):
        yield from sorted(p for p in (package / floor).rglob("*") if _source_file(p))


def _source_file(path: Path) -> bool:
    return "__pycache__" not in path.parts and path.suffix in (".py", ".tsv", ".json", ".txt")


def _code_digest() -> bytes:
    """A SHA-256 of :func:`_validation_sources` and the versions of what runs them."""
    import pydantic_core
    from pydantic.version import VERSION as PYDANTIC

    sha = hashlib.sha256()
    versions = (sys.implementation.name, sys.version, PYDANTIC, pydantic_core.__version__)
    sha.update(repr(versions).encode())
    package = Path(__file__).resolve().parent.parent
    for path in _validation_sources():
        sha.update(b"\0" + path.relative_to(package).as_posix().encode() + b"\0")
        sha.update(hashlib.sha256(path.read_bytes()).digest())
    return sha.digest()


def programs_key(files_key: str) -> str | None:
    """The key of the validated programs of the rule files whose :func:`rules_key` is
    ``files_key``; None where the code that validates them cannot be read (no cache then)."""
    try:
        code = _code_digest()
    except (OSError, ImportError, AttributeError):
        return None
    sha = hashlib.sha256(f"programs {PROGRAMS_FORMAT} {files_key}".encode())
    sha.update(code)
    return sha.hexdigest()


def _model_classes() -> dict[tuple[str, str], type]:
    """What a file of programs may name: the rule-file models, and the two value types."""
    from pydantic import BaseModel

    from ..vocabulary import schema

    found: dict[tuple[str, str], type] = {
        ("decimal", "Decimal"): Decimal,
        ("datetime", "date"): dt.date,
    }
    for name in schema.__all__:
        value = getattr(schema, name)
        if isinstance(value, type) and issubclass(value, BaseModel):
            found[(value.__module__, value.__qualname__)] = value
    return found


class _ModelsOnly(pickle.Unpickler):
    """An unpickler that resolves no name but the rule-file models, ``Decimal`` and ``date``:
    whatever else a file names (a function to call, another class) is refused, so reading a
    file cannot run code."""

    def __init__(self, data: bytes, allowed: dict[tuple[str, str], type]) -> None:
        super().__init__(io.BytesIO(data))
        self._allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        found = self._allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not a rule-file model")
        return found


def _unpickle(data: bytes) -> Any:
    """``data`` read back by :class:`_ModelsOnly`, the garbage collector paused (the file makes
    thousands of small objects at once, none of them in a cycle)."""
    allowed = _model_classes()
    paused = gc.isenabled()
    gc.disable()
    try:
        return _ModelsOnly(data, allowed).load()
    finally:
        if paused:
            gc.enable()


def _sealed(key: str, count: int, digest: object, payload: bytes) -> str:
    """The SHA-256 a file of programs carries: over the payload and what the header says of
    it (its rule set's digest above all, which is taken from the header as it stands)."""
    sha = hashlib.sha256(json.dumps([PROGRAMS_FORMAT, key, count, digest]).encode())
    sha.update(b"\n")
    sha.update(payload)
    return sha.hexdigest()


def _programs_file(directory: Path, key: str) -> Path:
    return directory / f"programs-{key}.pickle"


def read_programs(key: str, count: int) -> tuple[list[Program], str] | None:
    """The ``count`` programs kept under ``key`` and their rule set's digest, or None (no such
    file, or one not to be trusted: any doubt is a miss)."""
    from ..vocabulary.schema import Program

    directory = cache_directory()
    if directory is None:
        return None
    path = _programs_file(directory, key)
    if not (_private(directory, stat.S_IFDIR) and _private(path, stat.S_IFREG)):
        return None
    try:
        head, _, payload = path.read_bytes().partition(b"\n")
        header = json.loads(head)
        digest = header.get("digest") if isinstance(header, dict) else None
        expected = {
            "format": PROGRAMS_FORMAT,
            "key": key,
            "count": count,
            "digest": digest,
            "sha256": _sealed(key, count, digest, payload),
        }
        if header != expected or not isinstance(digest, str) or len(digest) != 64:
            return None
        programs = _unpickle(payload)
    except Exception:  # whatever a damaged file makes the unpickler raise: a miss
        return None
    if not isinstance(programs, list) or len(programs) != count:
        return None
    if not all(type(p) is Program for p in programs):
        return None
    return programs, digest


def write_programs(key: str, programs: list[Program], digest: str) -> None:
    """Keep validated ``programs`` (and their rule set's ``digest``) under ``key``, where it
    can be done safely and they read back equal; never fails."""
    directory = cache_directory()
    if directory is None:
        return
    try:
        payload = pickle.dumps(programs, protocol=_PROTOCOL)
        back = _unpickle(payload)
    except Exception:  # a value the restricted reader would refuse: not kept
        return
    if back != programs or [p.model_fields_set for p in back] != [
        p.model_fields_set for p in programs
    ]:
        return
    header = {
        "format": PROGRAMS_FORMAT,
        "key": key,
        "count": len(programs),
        "digest": digest,
        "sha256": _sealed(key, len(programs), digest, payload),
    }
    if _atomic_write(
        directory,
        _programs_file(directory, key).name,
        json.dumps(header).encode() + b"\n" + payload,
    ):
        _prune(directory, "programs-*.pickle")
