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

A miss of any kind falls back to reading the YAML files, silently. ``AIVOUCHER_CACHE_DIR``
chooses the directory (empty: no cache); by default ``$XDG_CACHE_HOME/aivoucher`` or
``~/.cache/aivoucher``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..base import documents as _reader
from ..base.version import VERSION

__all__ = ["cache_directory", "prepare", "read_documents", "rules_key", "write_documents"]

#: The layout of a cache file; a file of another format is a miss.
FORMAT = 1
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
    with contextlib.suppress(OSError):
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(directory, stat.S_IFDIR):
            return
        handle, temporary = tempfile.mkstemp(prefix=".rules-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(header + "\n" + payload)
            os.replace(temporary, directory / f"rules-{key}.json")
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            return
        _prune(directory)


def _prune(directory: Path) -> None:
    """Remove all but the newest :data:`KEEP` cache files."""
    with contextlib.suppress(OSError):
        files = sorted(
            directory.glob("rules-*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True
        )
        for old in files[KEEP:]:
            with contextlib.suppress(OSError):
                old.unlink()
