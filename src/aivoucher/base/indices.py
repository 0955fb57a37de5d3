"""Purchase indices shared by every award of an estimate.

An award lists the purchases it counts by index. Python makes a new ``int`` object for each
index above 256 it counts to, so 40 awards over a 100,000-purchase profile would hold four
million of them (about 110 MB); taking them from one list shares them.
"""

from __future__ import annotations

__all__ = ["indices"]

_INDICES: list[int] = list(range(1024))


def indices(count: int) -> list[int]:
    """At least ``count`` indices from 0, as shared objects (grown as needed): zip them with
    the purchases, whose end stops the loop."""
    if count > len(_INDICES):
        _INDICES.extend(range(len(_INDICES), count))
    return _INDICES
