"""What the traced evaluator records as it goes: one :class:`Trace` per evaluation, and the
:class:`Candidate` purchases it carries from the base step to the rate step.

:meth:`Trace.step` is the one place a step is made (with the text it cites and the reading it
rests on, listed among the assumptions once); :meth:`Trace.cap` the one place a cap or a pool
is applied, at every level (purchase, year, program).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from ..base.records import direct_constructor
from ..plan.compiled import Limit
from ..plan.conditions import Cites
from ..vocabulary.details import NO_DETAIL, CapDetail, CapPer, Detail, PoolDetail, PoolPeriod
from ..vocabulary.profile import Purchase
from ..vocabulary.trace import Assumption, AssumptionCode, Bounds, Reason, Step, StepKind

__all__ = ["Candidate", "Trace"]

#: ``Step(...)`` by position, its slots filled directly: a long trace makes one per condition,
#: base, rate and cap of every purchase.
_new_step = direct_constructor(
    Step, ("kind", "subject", "before", "after", "rate", "detail", "cites", "assumption")
)


class Trace:
    """Collects steps, reasons, assumptions and missing fields during one evaluation."""

    __slots__ = ("assumptions", "missing", "reasons", "renewal", "seen", "steps", "visit")

    def __init__(self, visit: Callable[[Step], None] | None = None) -> None:
        self.visit = visit  # where steps go as they are recorded; None: kept in ``steps``
        self.renewal = False
        self.steps: list[Step] = []
        self.reasons: list[Reason] = []
        self.assumptions: list[Assumption] = []
        self.missing: dict[str, None] = {}  # an ordered set: one entry per field, in order
        self.seen: set[Any] = set()

    def step(
        self,
        kind: StepKind,
        subject: str | None = None,
        *,
        before: Bounds | None = None,
        after: Bounds | None = None,
        rate: Bounds | None = None,
        detail: Detail = NO_DETAIL,
        cites: Cites = (),
        assumption: str | None = None,
    ) -> None:
        """Record a step with the text it cites and the reading it rests on (listed among
        the assumptions once)."""
        (self.steps.append if self.visit is None else self.visit)(
            _new_step(
                kind,
                subject,
                before,
                after,
                rate,
                detail,
                cites,
                assumption,
            )
        )
        if assumption is not None:  # most steps rest on no reading: no call
            self.rule(assumption)

    def assume(self, assumption: Assumption) -> None:
        if assumption not in self.seen:
            self.seen.add(assumption)
            self.assumptions.append(assumption)

    def rule(self, ambiguity: str | None) -> None:
        if ambiguity is not None and ambiguity not in self.seen:
            self.seen.add(ambiguity)
            self.assumptions.append(Assumption(AssumptionCode.RULE, ambiguity=ambiguity))

    def unknown(self, field: str, subject: str | None = None) -> None:
        self.missing[field] = None
        self.assume(Assumption(AssumptionCode.MISSING_FACT, field=field, subject=subject))

    def cap(self, limit: Limit, kind: StepKind, amount: Bounds, subject: str | None) -> Bounds:
        """A cap (``kind`` CAP) or a pool (POOL) applied to ``amount``, and recorded."""
        after = (min(amount[0], limit.amount[0]), min(amount[1], limit.amount[1]))
        binding = after != amount
        detail: Detail
        if kind is StepKind.CAP:
            detail = CapDetail(per=cast(CapPer, limit.per), cap=limit.amount, binding=binding)
        else:
            period = cast(PoolPeriod, limit.per)
            detail = PoolDetail(period=period, pool=limit.amount[0], binding=binding)
        self.step(
            kind,
            subject=subject,
            before=amount,
            after=after,
            detail=detail,
            cites=limit.cites,
            assumption=limit.assumption,
        )
        return after

    def caps(self, caps: Iterable[Limit], amount: Bounds, subject: str | None) -> Bounds:
        """Each of ``caps`` in turn."""
        for limit in caps:
            amount = self.cap(limit, StepKind.CAP, amount, subject)
        return amount


class Candidate:
    """A purchase that may qualify, between the base and the rate steps."""

    __slots__ = ("base", "certain", "index", "label", "purchase")

    def __init__(
        self, purchase: Purchase, index: int, base: Bounds, certain: bool, label: str | None = None
    ) -> None:
        self.purchase = purchase
        self.index = index
        self.label = purchase.label(index) if label is None else label
        self.base = base
        self.certain = certain
