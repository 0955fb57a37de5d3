"""Field paths as people write them (``purchases[0].amount``) and as validators report them
(``('purchases', 0, 'amount')``): every error that names a field, and every reader that finds the
line of one, goes through these two functions."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["error_path", "parse_path"]


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
