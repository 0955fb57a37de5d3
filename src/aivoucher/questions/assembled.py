"""An ``estimate`` field assembled when it is first read: for the rows of a comparison and the
cells of a what-if grid.

Those are made together (:func:`aivoucher.ruleset.across.deferred_together`): what ranks a
row or fills a cell — the totals, the awards that pay, the renewal totals — is made at once,
while the awards of the programs that cannot take the applicant in its place (most of an
estimate's awards, none of which pays) are built when the estimate itself is first read. A
class decorated with :func:`assembled_on_read` (a frozen dataclass without slots, with a field
``estimate``) takes either an :class:`~aivoucher.vocabulary.result.Estimate` or such a pending
one; reading ``estimate`` always gives the whole estimate, so equality, hashing, ``repr``,
copying and pickling see the same value whichever it was given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..vocabulary.result import Award, Estimate

if TYPE_CHECKING:
    from ..vocabulary.profile import Profile

__all__ = ["Pending", "assembled_on_read", "known", "totals"]

_NAME = "estimate"


class Pending(Protocol):
    """An estimate not yet assembled: ``partial`` is it but for awards that pay and count
    nowhere; ``made()`` the whole estimate. ``profile``, ``totals`` (low, high),
    ``considered`` (the awards that may count, in the estimate's order) and
    ``assume_renewal`` are the estimate's, read before even ``partial`` is made."""

    @property
    def partial(self) -> Estimate: ...

    @property
    def profile(self) -> Profile: ...

    @property
    def totals(self) -> tuple[Decimal, Decimal]: ...

    @property
    def considered(self) -> Sequence[Award]: ...

    @property
    def assume_renewal(self) -> bool: ...

    def made(self) -> Estimate: ...


class _Assembled:
    """The ``estimate`` field: kept as given, assembled on first read, then kept whole."""

    def __get__(self, obj: Any, owner: type | None = None) -> Estimate:
        if obj is None:
            # no class-level value: the dataclass field keeps no default
            raise AttributeError(_NAME)
        value = obj.__dict__[_NAME]
        if isinstance(value, Estimate):
            return value
        made: Estimate = value.made()
        obj.__dict__[_NAME] = made
        return made

    def __set__(self, obj: Any, value: Estimate | Pending) -> None:
        obj.__dict__[_NAME] = value


def known(obj: Any) -> Estimate:
    """What is made of ``obj``'s estimate without assembling it: the estimate, or, while it is
    pending, the same estimate but for awards that pay and count nowhere (its totals,
    renewal totals, confidence and profile are the estimate's)."""
    value = obj.__dict__[_NAME]
    return value if isinstance(value, Estimate) else value.partial


def totals(obj: Any) -> tuple[Decimal, Decimal]:
    """``obj``'s estimate's totals (low, high), without assembling it or its partial."""
    value = obj.__dict__[_NAME]
    if isinstance(value, Estimate):
        return value.total_low, value.total_high
    found: tuple[Decimal, Decimal] = value.totals
    return found


def _reduce(self: Any) -> tuple[Any, ...]:
    # pickled and copied as its whole value, the estimate assembled
    return (self.__class__, tuple(getattr(self, f.name) for f in fields(self)))


T = TypeVar("T")


def assembled_on_read(cls: type[T]) -> type[T]:
    """Give a dataclass's ``estimate`` field the reading above (apply over ``@dataclass``)."""
    setattr(cls, _NAME, _Assembled())
    cls.__reduce__ = _reduce  # type: ignore[method-assign]
    return cls
