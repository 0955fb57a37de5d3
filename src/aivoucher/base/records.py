"""Making many frozen records fast: a constructor that fills a slotted dataclass's slots directly.

A frozen dataclass's constructor stores each field through ``object.__setattr__`` (its
``__setattr__`` refuses), from arguments matched by name: for a record of eight or fifteen
fields that is most of the time it takes to make one. The traced evaluator makes one trace step
per condition, base, rate and cap of every purchase, and an estimate is one such record per
call; :func:`direct_constructor` makes them with the same values in the same slots.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from types import MemberDescriptorType
from typing import Any, TypeVar

__all__ = ["direct_constructor"]

T = TypeVar("T")


def direct_constructor(cls: type[T], names: Sequence[str]) -> Callable[..., T]:
    """A function of the values of the fields ``names``, by position, that makes ``cls`` of
    them by filling its slots directly: what the constructor of a slotted dataclass does where
    it does nothing but store its arguments. Where it may do more, or ``names`` are not all its
    fields, the function calls the constructor (by keyword) instead. Checked once, here, on
    values of its own: a ``__post_init__``, a constructor of the class's own or a field that
    is not a slot each make it call the constructor."""
    names = tuple(names)

    def called(*values: Any) -> T:
        return cls(**dict(zip(names, values, strict=True)))

    if not dataclasses.is_dataclass(cls) or "__slots__" not in cls.__dict__:
        return called
    if hasattr(cls, "__post_init__"):  # it may check or change what it is given
        return called
    if sorted(f.name for f in dataclasses.fields(cls)) != sorted(names):
        return called
    if not all(isinstance(cls.__dict__.get(n), MemberDescriptorType) for n in names):
        return called
    probe: list[Any] = [object() for _ in names]
    try:
        made = cls(**dict(zip(names, probe, strict=True)))
    except Exception:  # a constructor that checks its values: called every time
        return called
    if any(getattr(made, n) is not v for n, v in zip(names, probe, strict=True)):
        return called
    # the slots filled in order: what the constructor does, without matching names
    setters = tuple(cls.__dict__[n].__set__ for n in names)
    new = object.__new__

    def filled(*values: Any) -> T:
        made: T = new(cls)
        for store, value in zip(setters, values, strict=True):
            store(made, value)
        return made

    filled.__qualname__ = filled.__name__ = f"new_{cls.__name__}"
    return filled
