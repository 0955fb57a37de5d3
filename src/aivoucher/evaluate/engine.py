"""The engine: a compiled plan with its evaluators wired to it.

:func:`compile_program` compiles a validated :class:`~aivoucher.vocabulary.schema.Program`
once (:func:`aivoucher.plan.compiled.compile_plan`) into a :class:`Plan`: the frozen compiled
plan, plus its fast path. :meth:`Plan.evaluate` first tries the fast path, which decides the
amounts where every fact the plan reads is known and leaves the trace to :meth:`Plan.explain`,
the traced evaluator. Both give the same award.

Where each part lives (the order of operations is in docs/engine.md):

* what a rule file compiles to — conditions, tiers, caps, pools, minimum, lump sum, proration,
  spend threshold, support years, rounding: :mod:`aivoucher.plan.compiled` (the conditions
  themselves: :mod:`aivoucher.plan.conditions`);
* the traced evaluator, in three-valued logic, recording every step: :mod:`.traced` (conditions,
  purchases, bases, proration, per-purchase caps and the minimum, lifetime caps, the program's
  pool, rounding), with its rate stage in :mod:`.rates` (tiers, ceiling, tier caps, first years
  of service), its yearly stage in :mod:`.years` (year sums, spend threshold, per-year caps and
  pool, allocation, support years) and the trace it records in :mod:`.recording`;
* the fast path, every fact known and no trace: :mod:`.fast`;
* the batch kernel, columns of applicants in exact integers: :mod:`.vector`;
* choosing between them, and building a long trace only when it is read: here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from functools import partial
from typing import Any

from ..base.money import ZERO, convert
from ..plan.compiled import CompiledPlan, compile_plan
from ..vocabulary.details import ConversionDetail
from ..vocabulary.facts import FACTS
from ..vocabulary.profile import Profile
from ..vocabulary.result import Award
from ..vocabulary.schema import Program
from ..vocabulary.trace import Reason, ReasonCode, Step, StepKind, discard_step
from . import traced
from .fast import FastPlan, compile_fast
from .traced import EXCLUDED_SHOWN, Window

__all__ = ["EXCLUDED_SHOWN", "TRACE_ON_ACCESS_ABOVE", "Plan", "compile_program", "not_in_force"]

_NO_SWITCHES: frozenset[str] = frozenset()
#: Above this many purchases, an award evaluated by the general engine keeps its amounts and
#: missing facts and builds its trace when first read (a 100,000-purchase trace takes hundreds
#: of megabytes; an estimate holds dozens of awards).
TRACE_ON_ACCESS_ABOVE = 1_000


@dataclass(frozen=True, slots=True, eq=False)
class Plan(CompiledPlan):
    """A compiled program (every field of :class:`~aivoucher.plan.compiled.CompiledPlan`) with
    its evaluators. Build with :func:`compile_program`; a changed copy
    (``dataclasses.replace``) compiles its own fast path."""

    #: The fast path, or ``None`` where the plan uses a mechanism only the traced evaluator has.
    fast: FastPlan | None = field(init=False, repr=False)
    #: One explainer per setting (switches, window, coverage, renewal), shared by the awards
    #: whose trace is built on access: each award then holds only its own profile.
    explainers: dict[tuple[Any, ...], tuple[Any, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fast", compile_fast(self))
        object.__setattr__(self, "explainers", {})

    @classmethod
    def of(cls, compiled: CompiledPlan) -> Plan:
        """The plan of a compiled program."""
        return cls(**{f.name: getattr(compiled, f.name) for f in fields(CompiledPlan)})

    def evaluate(
        self,
        profile: Profile,
        switches: Iterable[str] = (),
        *,
        window: Window | None = None,
        coverage: Window | None = None,
        renewal: bool = False,
    ) -> Award:
        """Evaluate this program for ``profile``, whose purchases give days (a month or a
        quarter is estimated day by day by :meth:`~aivoucher.ruleset.registry.RuleSet.estimate`,
        see :mod:`aivoucher.ruleset.days`).

        ``switches`` are the names of user-switchable assumptions that are on (``--assume``).
        ``window`` limits the purchases to those signed inside it (the signing dates this
        version covers); ``coverage`` is the span all known versions of the program cover
        together, which tells why a purchase outside the window is left out: another version
        applies, the program had not taken effect, or it depends on a renewal. ``renewal``
        marks the award as one that pays only if the program is renewed.

        Where every fact the plan reads is known, the fast path (:mod:`aivoucher.evaluate.fast`)
        decides the amounts and the trace is built on first access; otherwise, and for plans
        the fast path does not cover, :meth:`explain` evaluates. The award is the same.
        """
        on = _NO_SWITCHES if not switches else frozenset(switches)
        if profile.currency != self.program.currency:
            return self._in_other_currency(
                profile,
                lambda p: self.evaluate(p, on, window=window, coverage=coverage, renewal=renewal),
                renewal,
            )
        setting = (on, window, coverage, renewal)
        fast = self.fast
        if fast is not None:
            decision = fast.decide(profile, on, window)
            if decision is not None:
                eligible, low, high, used, missing = decision
                explainer = self.explainers.get(setting)  # as _explainer, without its call
                if explainer is None:
                    explainer = self._explainer(setting)
                return Award.explained_later(
                    self.program, eligible, low, high, used, renewal, explainer, profile, missing
                )
        return self._general(profile, on, setting, len(profile.purchases) <= TRACE_ON_ACCESS_ABOVE)

    def _evaluate_read(
        self,
        profile: Profile,
        switches: Iterable[str] = (),
        *,
        window: Window | None = None,
        coverage: Window | None = None,
        renewal: bool = False,
        most: int = 0,
    ) -> Award:
        """:meth:`evaluate` for a reader that goes on to compare the whole trace with a
        document's ``most`` steps (:meth:`~aivoucher.vocabulary.result.Estimate.from_json`):
        where the general engine evaluates, its trace is kept as it is made, whatever the
        profile's length, rather than made again when read; one longer than ``most`` steps
        (which cannot be the document's) is left to be made when read, so that what is kept
        is never more than the document holds. The award is the same."""
        if profile.currency != self.program.currency:  # the one currency step, as evaluate
            return self.evaluate(
                profile, switches, window=window, coverage=coverage, renewal=renewal
            )
        on = _NO_SWITCHES if not switches else frozenset(switches)
        setting = (on, window, coverage, renewal)
        fast = self.fast
        if fast is not None:
            decision = fast.decide(profile, on, window)
            if decision is not None:
                eligible, low, high, used, missing = decision
                return Award.explained_later(
                    self.program,
                    eligible,
                    low,
                    high,
                    used,
                    renewal,
                    self._explainer(setting),
                    profile,
                    missing,
                )
        if len(profile.purchases) <= TRACE_ON_ACCESS_ABOVE:
            return self._general(profile, on, setting, True)
        kept: list[Step] = []

        def keep(step: Step) -> None:
            if len(kept) <= most:
                kept.append(step)

        full = self.explain(
            profile, on, window=window, coverage=coverage, renewal=renewal, steps=keep
        )
        if len(kept) > most:
            return self._later(full, setting, profile)
        # what explain() keeps itself: the same steps, in the same order
        return Award(
            self.program,
            full.eligible,
            full.low,
            full.high,
            full.reasons,
            full.assumptions,
            tuple(kept),
            full.missing,
            full.purchases,
            full.renewal,
            full.application,
        )

    def _later(
        self, full: Award, setting: tuple[frozenset[str], Any, Any, bool], profile: Profile
    ) -> Award:
        """``full``'s amounts, with its trace built again from ``profile`` when first read (a
        trace not kept: too long to hold in every award)."""
        return Award.explained_later(
            self.program,
            full.eligible,
            full.low,
            full.high,
            full.purchases,
            setting[3],
            self._explainer(setting),
            profile,
            full.missing,
        )

    def _general(
        self,
        profile: Profile,
        on: frozenset[str],
        setting: tuple[frozenset[str], Any, Any, bool],
        keep: bool,
    ) -> Award:
        """The general engine's award in ``setting``: its trace kept where ``keep``, else built
        on first access."""
        _, window, coverage, renewal = setting
        if not keep:
            # a long trace is built when read, not kept in every award of the estimate
            full = self.explain(
                profile, on, window=window, coverage=coverage, renewal=renewal, steps=discard_step
            )
            return self._later(full, setting, profile)
        return self.explain(profile, on, window=window, coverage=coverage, renewal=renewal)

    def _in_other_currency(
        self,
        profile: Profile,
        judge: Callable[[Profile], Award],
        renewal: bool,
        steps: Callable[[Step], None] | None = None,
    ) -> Award:
        """The award of a program that pays in another currency than the profile's amounts;
        ``judge`` evaluates a profile in the program's currency (:meth:`evaluate` or
        :meth:`explain`, so that both give the same award).

        With a rate (the profile's ``fx``), the purchases are converted into the program's
        currency, the program judges them there, and the award stays in its currency; the
        conversions of the purchases and of the award back into the profile's currency
        (what the totals add, :func:`aivoucher.evaluate.stacking.combine`) are the first and
        last steps of its trace. Without a rate, a refusal on facts that are not money stands
        (an applicant registered elsewhere is refused in any currency); anything else would
        read the amounts in the wrong currency, so the award has no amount and says which rate
        is needed."""
        own, theirs = profile.currency, self.program.currency
        into = profile.rate(own, theirs)
        back = profile.rate(theirs, own)
        if into is None or back is None:
            judged = judge(profile.model_copy(update={"currency": theirs}))
            if judged.eligible is None or (
                judged.eligible is False and all(_money_free(r) for r in judged.reasons)
            ):
                return judged
            return Award(
                program=self.program,
                eligible=None,
                low=None,
                high=None,
                purchases=judged.purchases,
                renewal=renewal,
                reasons=(
                    Reason(ReasonCode.RATE_NEEDED, fact="fx", expected=(theirs,), actual=own),
                ),
            )
        converted = profile.in_currency(theirs, into)
        there = ConversionDetail(from_=own, to=theirs)
        first = [
            Step(
                StepKind.CONVERSION,
                subject=p.label(i),
                before=(p.amount, p.amount),
                after=(q.amount, q.amount),
                rate=(into, into),
                detail=there,
            )
            for i, (p, q) in enumerate(zip(profile.purchases, converted.purchases, strict=True))
        ]
        if steps is not None:  # a streamed trace: the conversions come first, as kept ones do
            for step in first:
                steps(step)
        award = judge(converted)
        last = []
        if award.low is not None and award.high is not None:
            last.append(
                Step(
                    StepKind.CONVERSION,
                    before=(award.low, award.high),
                    after=(convert(award.low, back), convert(award.high, back)),
                    rate=(back, back),
                    detail=ConversionDetail(from_=theirs, to=own),
                )
            )
        if steps is not None:
            for step in last:
                steps(step)
            return award
        return award.replace(steps=(*first, *award.steps, *last))

    def refused(
        self,
        profile: Profile,
        switches: Iterable[str] = (),
        *,
        window: Window | None = None,
        coverage: Window | None = None,
        renewal: bool = False,
    ) -> Award:
        """What :meth:`evaluate` returns where one of this plan's own conditions on the
        applicant fails for ``profile`` (the caller has checked it with those conditions): not
        eligible, nothing paid, counted or missing, whatever the purchases; the trace is built
        on first access, from the same inputs."""
        return self.refusal(switches, window=window, coverage=coverage, renewal=renewal)(profile)

    def refusal(
        self,
        switches: Iterable[str] = (),
        *,
        window: Window | None = None,
        coverage: Window | None = None,
        renewal: bool = False,
    ) -> Callable[[Profile], Award]:
        """:meth:`refused` in one setting, as a function of the profile (for many profiles)."""
        on = _NO_SWITCHES if not switches else frozenset(switches)
        explainer = self._explainer((on, window, coverage, renewal))
        return partial(
            Award.explained_later, self.program, False, ZERO, ZERO, (), renewal, explainer
        )

    def _explainer(self, setting: tuple[frozenset[str], Any, Any, bool]) -> tuple[Any, ...]:
        """One explainer per setting (switches, window, coverage, renewal), shared by the
        awards whose trace is built on access: each award then holds only its profile."""
        explainer = self.explainers.get(setting)
        if explainer is None:
            explainer = self.explainers[setting] = (_explain, self, *setting)
        return explainer

    def explain(
        self,
        profile: Profile,
        switches: Iterable[str] = (),
        *,
        window: Window | None = None,
        coverage: Window | None = None,
        renewal: bool = False,
        steps: Callable[[Step], None] | None = None,
    ) -> Award:
        """The general engine: :meth:`evaluate` in three-valued logic, recording every step as
        it goes (:func:`aivoucher.evaluate.traced.explain`). Any profile, any plan; the fast
        path's awards are explained by it.

        ``steps``: a function each step is passed to as it is recorded, instead of keeping it
        in the award (whose ``steps`` are then empty), for writers that stream a long trace."""
        if profile.currency != self.program.currency:
            return self._in_other_currency(
                profile,
                lambda p: self.explain(
                    p, switches, window=window, coverage=coverage, renewal=renewal, steps=steps
                ),
                renewal,
                steps,
            )
        return traced.explain(
            self,
            profile,
            switches,
            window=window,
            coverage=coverage,
            renewal=renewal,
            steps=steps,
        )


#: Reasons for refusing that hold whatever the currency of the amounts: a condition on a fact
#: that is not money, the program's period, the versions' windows.
_MONEY_FREE = frozenset(
    {
        ReasonCode.CONDITION_FAILED,
        ReasonCode.NOT_IN_FORCE,
        ReasonCode.NO_PURCHASES,
        ReasonCode.NO_QUALIFYING_PURCHASE,
        ReasonCode.MORE_EXCLUDED,
        ReasonCode.OTHER_VERSION,
        ReasonCode.BEFORE_EFFECTIVE,
        ReasonCode.AFTER_END,
    }
)


def _money_free(reason: Reason) -> bool:
    if reason.code not in _MONEY_FREE:
        return False
    fact = FACTS.get(reason.fact) if reason.fact is not None else None
    return fact is None or fact.kind != "amount"


def _explain(
    plan: Plan,
    switches: frozenset[str],
    window: Window | None,
    coverage: Window | None,
    renewal: bool,
    profile: Profile,
    steps: Callable[[Step], None] | None,
) -> Award:
    """The general engine's award, for the trace of an award whose trace was left for later."""
    return plan.explain(
        profile, switches, window=window, coverage=coverage, renewal=renewal, steps=steps
    )


def compile_program(program: Program) -> Plan:
    """Compile a validated program into an evaluation plan (done once per rule file)."""
    return Plan.of(compile_plan(program))


def not_in_force(program: Program, as_of: dt.date) -> Award:
    """The award of a program that is not in force on ``as_of`` (a draft, superseded, expired
    or not yet effective): nothing, with the reason."""
    eff = program.effective
    return Award(
        program=program,
        eligible=False,
        low=ZERO,
        high=ZERO,
        reasons=(
            Reason(
                ReasonCode.NOT_IN_FORCE,
                expected=(eff.from_, eff.to),
                actual=as_of,
                text=program.status,
            ),
        ),
    )
