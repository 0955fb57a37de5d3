"""The words of each kind of trace step: one function per :class:`StepKind`, in one table.

:meth:`Messages.step <aivoucher.render.messages.Messages.step>` looks a step's kind up in
:data:`WORDS`; a test checks that every kind the engine records has its words. Each function
receives the messages of the locale, the step, its parameters (the kind's detail record,
:mod:`aivoucher.vocabulary.details`) and the subject prefix (``[purchase] ``), and only chooses
words: the amounts are the step's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..vocabulary.details import (
    AllocationDetail,
    BaseDetail,
    CapDetail,
    ConditionDetail,
    ConversionDetail,
    FirstYearsDetail,
    MinimumDetail,
    NoDetail,
    PoolDetail,
    ProrationDetail,
    RateDetail,
    RoundingDetail,
    SupportYearsDetail,
    ThresholdDetail,
    TotalDetail,
    YearDetail,
)
from ..vocabulary.result import StepKind

if TYPE_CHECKING:
    from ..vocabulary.result import Step
    from .messages import Messages

__all__ = ["WORDS", "step_line"]

#: The words of one kind: the messages, the step, its detail (of the kind's record in
#: :data:`~aivoucher.vocabulary.trace.DETAILS`, which a test checks) and the subject prefix.
Words = Callable[["Messages", "Step", Any, str], str]


def step_line(m: Messages, step: Step) -> str:
    """One trace step as a line in ``m``'s locale (without its citation)."""
    subject = f"[{step.subject}] " if step.subject and step.kind is not StepKind.YEAR else ""
    return WORDS[step.kind](m, step, step.detail, subject)


def _condition(m: Messages, step: Step, d: ConditionDetail, subject: str) -> str:
    body = m.text(
        "step.condition",
        fact=m.fact(d.fact),
        actual=m.value(d.actual),
        expected=m.expected(d.fact, d.expected),
    )
    mark = {True: "✓ ", False: "✗ ", None: "? "}[d.ok]
    return mark + subject + body


def _base(m: Messages, step: Step, d: BaseDetail, subject: str) -> str:
    assert step.after is not None
    key = "step.base.contract" if d.of == "contract" or d.from_contract else "step.base.settled"
    return subject + m.text(key, amount=m.bounds(step.after))


def _rate(m: Messages, step: Step, d: RateDetail, subject: str) -> str:
    assert step.rate is not None
    body = m.text("step.rate", rate=m.rates(step.rate))
    if d.ceiling is not None:
        body += m.text("step.rate.ceiling", rate=m.rate(d.ceiling))
    return subject + body


def _amount(m: Messages, step: Step, d: NoDetail, subject: str) -> str:
    assert step.before is not None and step.after is not None and step.rate is not None
    return subject + m.text(
        "step.amount",
        base=m.bounds(step.before),
        rate=m.rates(step.rate),
        amount=m.bounds(step.after),
    )


def _limit(m: Messages, step: Step, d: CapDetail | PoolDetail, subject: str) -> str:
    """A cap or a pool, binding or not."""
    assert step.before is not None and step.after is not None
    if isinstance(d, CapDetail):
        label, cap = m.cap_per(d.per), m.bounds(d.cap)
    else:
        label, cap = m.pool_period(d.period), m.short_money(d.pool)
    key = "step.cap.binding" if d.binding else "step.cap.free"
    where = f"[{step.subject}] " if step.subject else ""
    return where + m.text(
        key, label=label, cap=cap, before=m.bounds(step.before), after=m.bounds(step.after)
    )


def _year(m: Messages, step: Step, d: YearDetail, subject: str) -> str:
    assert step.after is not None
    return m.text("step.year", year=step.subject, n=d.purchases, amount=m.bounds(step.after))


def _first_years(m: Messages, step: Step, d: FirstYearsDetail, subject: str) -> str:
    assert step.before is not None and step.after is not None
    values = {
        "years": d.years,
        "rate": m.rates(d.rate),
        "rest": m.rates(d.rest),
        "before": m.bounds(step.before),
        "after": m.bounds(step.after),
    }
    if d.days is not None:
        return subject + m.text("step.first_years", days=d.days, inside=d.inside, **values)
    return subject + m.text("step.first_years.unknown", **values)


def _support_years(m: Messages, step: Step, d: SupportYearsDetail, subject: str) -> str:
    assert step.before is not None and step.after is not None
    return m.text(
        "step.support_years",
        count=d.count,
        years=m.sep.join(str(y) for y in d.years),
        before=m.bounds(step.before),
        after=m.bounds(step.after),
    )


def _proration(m: Messages, step: Step, d: ProrationDetail, subject: str) -> str:
    assert step.before is not None and step.after is not None
    values = {
        "start": d.from_,
        "end": d.to,
        "before": m.bounds(step.before),
        "after": m.bounds(step.after),
    }
    if d.days is not None:
        return subject + m.text("step.proration", days=d.days, inside=d.inside, **values)
    return subject + m.text("step.proration.unknown", **values)


def _minimum(m: Messages, step: Step, d: MinimumDetail, subject: str) -> str:
    assert step.before is not None and step.after is not None
    minimum = m.short_money(d.minimum)
    if not d.binding:
        return subject + m.text("step.minimum.free", minimum=minimum)
    return subject + m.text(
        "step.minimum",
        minimum=minimum,
        before=m.bounds(step.before),
        after=m.bounds(step.after),
    )


def _lump_sum(m: Messages, step: Step, d: NoDetail, subject: str) -> str:
    assert step.after is not None
    return subject + m.text("step.lump_sum", amount=m.bounds(step.after))


def _threshold(m: Messages, step: Step, d: ThresholdDetail, subject: str) -> str:
    assert step.before is not None and step.after is not None
    met = {True: "met", False: "not_met", None: "unknown"}[d.met]
    return f"[{step.subject}] " + m.text(
        "step.threshold",
        threshold=m.short_money(d.threshold),
        inclusive=m.text("threshold.inclusive" if d.inclusive else "threshold.exclusive"),
        spend=m.bounds(d.spend),
        met=m.text(f"threshold.{met}"),
        before=m.bounds(step.before),
        after=m.bounds(step.after),
    )


def _allocation(m: Messages, step: Step, d: AllocationDetail, subject: str) -> str:
    shares = m.sep.join(
        f"{share.purchase} {m.bounds(share.share)}"
        + (m.text("allocation.exhausted") if share.share[1] < share.amount[1] else "")
        for share in d.shares
    )
    return f"[{step.subject}] " + m.text("step.allocation", shares=shares)


def _total(m: Messages, step: Step, d: TotalDetail, subject: str) -> str:
    assert step.after is not None
    return m.text("step.total", amount=m.bounds(step.after))


def _uncertain(m: Messages, step: Step, d: NoDetail, subject: str) -> str:
    assert step.before is not None and step.after is not None
    return m.text("step.uncertain", before=m.bounds(step.before), after=m.bounds(step.after))


def _rounding(m: Messages, step: Step, d: RoundingDetail, subject: str) -> str:
    assert step.before is not None and step.after is not None
    return m.text(
        "step.rounding",
        unit=m.text(f"unit.{d.unit}", places=d.places),
        mode=m.text(f"mode.{d.mode}"),
        before=m.bounds(step.before),
        after=m.bounds(step.after),
    )


def _conversion(m: Messages, step: Step, d: ConversionDetail, subject: str) -> str:
    assert step.before is not None and step.after is not None and step.rate is not None
    return subject + m.text(
        "step.conversion",
        source=d.from_,
        target=d.to,
        rate=m.exchange_rate(step.rate[0]),
        before=m.in_currency(d.from_).bounds(step.before),
        after=m.in_currency(d.to).bounds(step.after),
    )


#: The words of each step kind.
WORDS: Mapping[StepKind, Words] = MappingProxyType(
    {
        StepKind.CONDITION: _condition,
        StepKind.BASE: _base,
        StepKind.RATE: _rate,
        StepKind.AMOUNT: _amount,
        StepKind.CAP: _limit,
        StepKind.POOL: _limit,
        StepKind.YEAR: _year,
        StepKind.FIRST_YEARS: _first_years,
        StepKind.SUPPORT_YEARS: _support_years,
        StepKind.PRORATION: _proration,
        StepKind.MINIMUM: _minimum,
        StepKind.LUMP_SUM: _lump_sum,
        StepKind.THRESHOLD: _threshold,
        StepKind.ALLOCATION: _allocation,
        StepKind.TOTAL: _total,
        StepKind.UNCERTAIN: _uncertain,
        StepKind.ROUNDING: _rounding,
        StepKind.CONVERSION: _conversion,
    }
)
