"""Conditions: the three-valued tests a plan runs on facts.

A rule file's condition is compiled once into a :class:`Test`: which subject holds the fact
(the applicant, a purchase, the purchase's calendar year, or the switched-on assumptions), a
getter that reads it — both from the fact table, :data:`aivoucher.vocabulary.facts.FACTS` — and a
test that answers ``True``, ``False`` or — where the profile leaves the fact unknown — ``None``.
:func:`domain_of` gives the values to try for an unknown fact, so that a rate tier's range
covers every answer. The engine (:mod:`aivoucher.evaluate.engine`) decides what an unknown answer
does to an award; this module only reads and tests facts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ..base.dates import add_years
from ..base.money import FEN
from ..vocabulary.facts import FACTS
from ..vocabulary.schema import Condition
from ..vocabulary.trace import Bounds

__all__ = [
    "APPLICANT",
    "PURCHASE",
    "SWITCHES",
    "YEAR",
    "Cites",
    "Test",
    "YearContext",
    "cite",
    "domain_of",
]

Cites = tuple[tuple[str, str], ...]
# Where a condition's fact lives (a fact's scope in the table), as the index of the subject
# the engine passes: the applicant, the purchase, the purchase's calendar year, or the set of
# assumptions the user switched on.
APPLICANT, PURCHASE, YEAR, SWITCHES = range(4)
_SCOPES = {"applicant": APPLICANT, "purchase": PURCHASE, "year": YEAR, "switch": SWITCHES}


def cite(element: Any) -> Cites:
    """``((source id, quote),)`` for an element that cites its text, else ``()``."""
    source = getattr(element, "source", None)
    quote = getattr(element, "quote", None)
    return ((source, quote),) if source and quote else ()


class YearContext:
    """What a year-level condition reads: the year's contracts in total, as far as known."""

    __slots__ = ("contracts_total",)

    def __init__(self, total: Bounds, threshold: Decimal | None) -> None:
        low, high = total
        value: Decimal | None = high
        if threshold is not None and low <= threshold < high:
            value = None  # the answer depends on purchases whose inclusion is unknown
        elif threshold is not None and low > threshold:
            value = low
        self.contracts_total = value


class Test:
    """A compiled condition: reads one fact and answers True, False or None (unknown)."""

    __slots__ = (
        "assumption",
        "cites",
        "domain",
        "expected",
        "fact",
        "field",
        "get",
        "if_unknown",
        "profile_field",
        "scope",
        "source",
        "test",
    )

    def __init__(self, cond: Condition) -> None:
        fact = FACTS[cond.fact]
        key = cond.has if cond.has is not None else cond.id
        self.fact = cond.fact
        self.scope = _SCOPES[fact.scope]
        # with the fact, a key unique to what the test reads (the qualification it names)
        self.field = cond.fact.partition(".")[2]
        #: The profile field the test reads, relative to its subject (``None``: not a profile
        #: field, see :meth:`path`).
        self.profile_field = fact.field
        if cond.has is not None:
            self.field = self.profile_field = f"{fact.field}.{cond.has}"
        self.source = cond.source
        self.cites = cite(cond)
        self.assumption = cond.assumption
        self.if_unknown = cond.if_unknown
        self.expected: tuple[Any, ...] = cond.expected
        self.domain: tuple[Any, ...] | None = fact.domain
        if cond.max is not None:
            # an amount's answers are open; either side of the limit is all that matters
            self.domain = (cond.max, cond.max + FEN)
        self.get: Callable[[Any], Any] = fact.getter(key)
        self.test: Callable[[Any], bool] = _tester(cond)

    def path(self, index: int | None = None) -> str:
        """The profile field the test reads, as a missing fact names it: ``applicant.startup``,
        ``purchases[0].start/end`` (a purchase's, at ``index``), or the fact's name where the
        profile holds no such field (a year's contracts in total, a switch)."""
        if self.profile_field is None:
            return self.fact
        if self.scope == APPLICANT:
            return f"applicant.{self.profile_field}"
        return f"purchases[{index}].{self.profile_field}"

    def check(self, subjects: Sequence[Any]) -> tuple[bool | None, Any]:
        value = self.get(subjects[self.scope])
        if value is None:
            return None, None
        return self.test(value), value


def _tester(cond: Condition) -> Callable[[Any], bool]:
    if cond.in_ is not None:
        return frozenset(cond.in_).__contains__
    if cond.is_ is not None:
        want = cond.is_
        return lambda v: v is want
    if cond.has is not None or cond.id is not None:
        return lambda v: v is True
    if cond.max_years is not None:
        years = cond.max_years
        return lambda v: v[1] <= add_years(v[0], years)
    if cond.max is not None:
        limit = cond.max
        return lambda v: v <= limit
    low, high = cond.from_, cond.to
    return lambda v: (low is None or v >= low) and (high is None or v <= high)


_OTHER = object()  # stands for "any value no condition names" of an open-ended fact


def domain_of(tests: Sequence[Test]) -> tuple[Any, ...]:
    """The values to try for an unknown fact: its closed domain, or the values the conditions
    name plus one value that none names."""
    if tests[0].domain is not None:
        return tests[0].domain
    named = {v for t in tests for v in t.expected}
    return (*sorted(named, key=str), _OTHER)
