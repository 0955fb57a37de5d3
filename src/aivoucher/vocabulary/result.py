"""What an estimate returns: awards with their reasons, assumptions and a structured trace.

The trace records themselves (steps, reasons, assumptions, their codes) are in
:mod:`aivoucher.vocabulary.trace` and re-exported here. These are immutable values, built by the
engine without formatting; the renderers in
:mod:`aivoucher.render` turn them into text, JSON or HTML. Amounts are ``Decimal`` yuan; a
``Bounds`` pair is ``(low, high)`` and the two are equal unless the text gives a range or a fact
the rule needs is unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import FrozenInstanceError, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from .trace import (
    Assumption,
    AssumptionCode,
    Bounds,
    Reason,
    ReasonCode,
    StackingNote,
    Step,
    StepKind,
    discard_step,
)

if TYPE_CHECKING:
    from pathlib import Path

    from pandas import DataFrame

    from ..questions.whatif import Narrowing
    from ..ruleset.registry import RuleSet
    from .profile import Profile
    from .schema import Program

__all__ = [
    "ApplicationStatus",
    "Assumption",
    "AssumptionCode",
    "Award",
    "Bounds",
    "Estimate",
    "Reason",
    "ReasonCode",
    "StackingNote",
    "Step",
    "StepKind",
]


@dataclass(frozen=True, slots=True)
class ApplicationStatus:
    """Where an award stands in the program's application calendar on the estimate's date.

    ``state``: ``open`` (a window is open; ``closes`` is its last day, ``None`` if open-ended),
    ``upcoming`` (the next window runs ``opens`` to ``closes``), ``closed`` (every published
    window has passed; ``closes`` is the last one's end) or ``unknown`` (no text gives a
    window). ``covers`` is the year of contracts or usage the open or next window takes, where
    the text says; ``closed_for`` the signing years of the award's purchases whose window has
    already closed. The materials, office and payment are the rule file's
    (``program.application``).
    """

    state: str
    opens: dt.date | None = None
    closes: dt.date | None = None
    covers: int | None = None
    closed_for: tuple[int, ...] = ()


#: What builds an award's trace on first access: ``(function, *arguments)``; called with the
#: arguments, the award's input and a step visitor (``None``: keep the steps), the function
#: returns the same award with its trace.
Explainer = tuple[Any, ...]


class _AwardFields:
    """An award's storage. :class:`Award` adds its behaviour and keeps it immutable; the fast
    path fills a :class:`_AwardDraft` (plain attribute stores) and turns it into an award."""

    __slots__ = (
        "_explainer",
        "_input",
        "_trace",
        "application",
        "eligible",
        "high",
        "low",
        "missing",
        "program",
        "purchases",
        "renewal",
    )

    program: Program
    eligible: bool | None
    low: Decimal | None
    high: Decimal | None
    missing: tuple[str, ...]
    #: indices of the purchases that may count towards the award
    purchases: tuple[int, ...]
    #: Pays only if the program is renewed: the purchases were signed after its last known
    #: version ends. Such an award shows what that version would pay and is not counted.
    renewal: bool
    #: the application calendar on the as-of date
    application: ApplicationStatus | None
    _trace: tuple[tuple[Reason, ...], tuple[Assumption, ...], tuple[Step, ...]] | None
    _explainer: Explainer | None
    _input: Any


class Award(_AwardFields):
    """One program's result for one profile.

    ``renewal`` marks an award for purchases signed after the program's last known version
    ends: what that version would pay if it were extended, kept out of the totals (unless the
    estimate assumed renewal, which then appears among the ``assumptions`` instead).

    ``eligible`` is ``True`` (possibly with ``low`` 0 where eligibility turns on a missing
    fact), ``False`` (``low`` = ``high`` = 0, with ``reasons``) or ``None``: the published text
    allows no amount (``low`` = ``high`` = ``None``), e.g. because the rate is unpublished.
    Amounts are the most the rules allow: "不超过X%" and "最高Y元" are read as the rate and the
    cap a successful applicant gets at most.

    Awards are immutable values: equal when every field is equal (:meth:`replace` makes a
    changed copy). An award decided by the engine's fast path (:mod:`aivoucher.evaluate.fast`)
    records its amounts only; its ``reasons``, ``assumptions`` and ``steps`` are built on first
    access
    by the general engine from the same inputs, so they are the same as if they had been
    recorded as it went.
    """

    __slots__ = ()

    @property
    def confidence(self) -> str | None:
        """The weakest label (``official`` > ``copy`` > ``report`` > ``seed``) among the sources
        the award's amount rests on — its program's eligibility, base, rates, caps and pool
        (:meth:`Program.amount_confidence`; read from the rule file, so that no trace is built
        for it); ``None`` where none cites a source."""
        return self.program.amount_confidence()

    def __init__(
        self,
        program: Program,
        eligible: bool | None,
        low: Decimal | None,
        high: Decimal | None,
        reasons: tuple[Reason, ...] = (),
        assumptions: tuple[Assumption, ...] = (),
        steps: tuple[Step, ...] = (),
        missing: tuple[str, ...] = (),
        purchases: tuple[int, ...] = (),
        renewal: bool = False,
        application: ApplicationStatus | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "program", program)
        _set(self, "eligible", eligible)
        _set(self, "low", low)
        _set(self, "high", high)
        _set(self, "missing", missing)
        _set(self, "purchases", purchases)
        _set(self, "renewal", renewal)
        _set(self, "application", application)
        _set(self, "_trace", (reasons, assumptions, steps))
        _set(self, "_explainer", None)
        _set(self, "_input", None)

    @classmethod
    def explained_later(
        cls,
        program: Program,
        eligible: bool | None,
        low: Decimal | None,
        high: Decimal | None,
        purchases: tuple[int, ...],
        renewal: bool,
        explainer: Explainer,
        given: Any,
        missing: tuple[str, ...] = (),
    ) -> Award:
        """An award whose trace ``explainer`` builds on first access: ``(function,
        *arguments)``, where ``function(*arguments, given, visit)`` returns the same award with
        its trace (``visit``: ``None`` to keep the steps, else a function each step is passed
        to); ``missing`` are the facts it names as missing.

        ``explainer`` is shared by the awards of one plan and setting; ``given`` (the profile)
        is each award's own, so that an award kept among many costs one object."""
        draft = _new(_AwardDraft)
        draft.program = program
        draft.eligible = eligible
        draft.low = low
        draft.high = high
        draft.missing = missing
        draft.purchases = purchases
        draft.renewal = renewal
        draft.application = None
        draft._trace = None
        draft._explainer = explainer
        draft._input = given
        _set_class(draft, "__class__", cls)  # from here on immutable
        return draft  # type: ignore[return-value]  # an Award now (cast() would cost a call)

    def _explained(self) -> tuple[tuple[Reason, ...], tuple[Assumption, ...], tuple[Step, ...]]:
        trace = self._trace
        if trace is None:
            assert self._explainer is not None
            function, *arguments = self._explainer
            full: Award = function(*arguments, self._input, None)
            trace = (full.reasons, full.assumptions, full.steps)
            # Two threads may both build it; they build the same value.
            object.__setattr__(self, "_trace", trace)
            object.__setattr__(self, "_explainer", None)
            object.__setattr__(self, "_input", None)
        return trace

    def explanation(
        self, steps: Callable[[Step], None] | None = None
    ) -> tuple[tuple[Reason, ...], tuple[Assumption, ...]]:
        """The reasons and assumptions; with ``steps``, each step is passed to it in order.

        Where the trace was left for later it is built for this call and not kept: a writer
        streams a long trace (100,000 purchases make millions of steps) one award at a time."""
        trace = self._trace
        if trace is not None:
            if steps is not None:
                for step in trace[2]:
                    steps(step)
            return trace[0], trace[1]
        assert self._explainer is not None
        function, *arguments = self._explainer
        full: Award = function(*arguments, self._input, discard_step if steps is None else steps)
        return full.reasons, full.assumptions

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Why the award is what it is: failed or unknown conditions, exclusions."""
        return self._explained()[0]

    @property
    def assumptions(self) -> tuple[Assumption, ...]:
        """The readings, switches and missing facts the amount rests on."""
        return self._explained()[1]

    @property
    def steps(self) -> tuple[Step, ...]:
        """The computation, step by step, each with its citation."""
        return self._explained()[2]

    @property
    def id(self) -> str:
        return self.program.id

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.low != self.high

    def replace(self, **changes: Any) -> Award:
        """A copy with some fields changed (the fields are the constructor's arguments); the
        trace stays unbuilt unless a change touches it."""
        if len(changes) == 1 and "application" in changes:
            # what every estimate does to each award that may pay: a copy of every field
            # (the trace as it is, built or not) with the application status
            draft = _new(_AwardDraft)
            draft.program = self.program
            draft.eligible = self.eligible
            draft.low = self.low
            draft.high = self.high
            draft.missing = self.missing
            draft.purchases = self.purchases
            draft.renewal = self.renewal
            draft.application = changes["application"]
            draft._trace = self._trace
            draft._explainer = self._explainer
            draft._input = self._input
            _set_class(draft, "__class__", Award)  # from here on immutable
            return draft  # type: ignore[return-value]
        unknown = changes.keys() - _AWARD_FIELD_SET
        if unknown:
            raise TypeError(f"Award has no field {sorted(unknown)[0]!r}")
        if self._trace is None and not changes.keys() & {"reasons", "assumptions", "steps"}:
            assert self._explainer is not None
            award = Award.explained_later(
                changes.get("program", self.program),
                changes.get("eligible", self.eligible),
                changes.get("low", self.low),
                changes.get("high", self.high),
                changes.get("purchases", self.purchases),
                changes.get("renewal", self.renewal),
                self._explainer,
                self._input,
                changes.get("missing", self.missing),
            )
            object.__setattr__(award, "application", changes.get("application", self.application))
            return award
        return Award(**{name: changes.get(name, getattr(self, name)) for name in _AWARD_FIELDS})

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _AWARD_FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Award)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Award, self._fields())

    def to_html(self, *, locale: str | None = None) -> str:
        """The notebook view of this award (locale: the argument, else ``set_locale``'s)."""
        from ..render.html import render_award_html

        return render_award_html(self, locale)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        from ..render.repr import award_repr

        return award_repr(self)


class _AwardDraft(_AwardFields):
    """An award being filled in (the same layout, without the immutability)."""

    __slots__ = ()


_new = object.__new__
_set_class = object.__setattr__

#: The constructor's arguments, in order: what makes two awards equal.
_AWARD_FIELDS = (
    "program",
    "eligible",
    "low",
    "high",
    "reasons",
    "assumptions",
    "steps",
    "missing",
    "purchases",
    "renewal",
    "application",
)
_AWARD_FIELD_SET = frozenset(_AWARD_FIELDS)


@dataclass(frozen=True, slots=True, repr=False)
class Estimate:
    """Every evaluated program for one profile on one date, and the totals.

    The totals add the awards, except where two programs draw on the same purchase: then the
    rule files' stacking relation decides (stackable: both count, within any combined ceiling;
    exclusive: the better one), and where no relation is declared the total runs from the
    better award alone to both together. ``stacking`` says which pairs were affected.
    ``uncounted`` lists the programs left out of the totals because they turn on a
    qualification the profile does not declare (declare it, true or false, to count them).
    """

    as_of: dt.date
    profile: Profile
    awards: tuple[Award, ...]
    total_low: Decimal
    total_high: Decimal
    stacking: tuple[StackingNote, ...] = ()
    uncounted: tuple[str, ...] = ()
    #: The totals if every program whose last known version has ended were renewed as last
    #: known (as :func:`aivoucher.estimate` with ``assume_renewal`` gives them): equal to the
    #: totals where nothing depends on a renewal. ``None`` only in an estimate made by hand;
    #: :attr:`if_renewed` reads the totals then.
    if_renewed_low: Decimal | None = None
    if_renewed_high: Decimal | None = None
    #: How fresh the texts behind the total are: the oldest date on which the rule files of
    #: the counted (paying) programs were checked against their texts (``None``: none records
    #: one), and the counted programs that record no such date.
    checked: dt.date | None = None
    unchecked: tuple[str, ...] = ()
    #: The weakest confidence among the counted awards (see :attr:`Award.confidence`):
    #: ``None`` where none counts.
    confidence: str | None = None
    #: How the estimate was made, so that it can be made again with one fact declared
    #: (:func:`aivoucher.what_narrows`): the rule set, the switches and the renewal setting.
    #: Not part of its value (equality, JSON).
    rules: RuleSet | None = field(default=None, compare=False)
    assume: tuple[str, ...] = field(default=(), compare=False)
    assume_renewal: bool = field(default=False, compare=False)

    @property
    def if_renewed(self) -> tuple[Decimal, Decimal]:
        """``(low, high)`` if every program that has ended were renewed as last known."""
        low = self.total_low if self.if_renewed_low is None else self.if_renewed_low
        high = self.total_high if self.if_renewed_high is None else self.if_renewed_high
        return low, high

    def award(self, program_id: str) -> Award:
        """The award of one program (by id, or ``id@version``).

        Raises :class:`~aivoucher.errors.UnknownProgramError` (also a ``KeyError``) naming the
        closest programs of this estimate when none has that id.
        """
        for a in self.awards:
            if program_id in (a.program.id, a.program.key):
                return a
        from .naming import unknown_program

        raise unknown_program([a.program for a in self.awards], program_id, field=None)

    def to_json(
        self,
        *,
        locale: str | None = None,
        detail: Literal["summary", "awards", "full"] = "full",
        narrowing: Sequence[Narrowing] | None = None,
    ) -> str:
        """The JSON contract (see docs/json.md); same as ``aivoucher estimate --format json``.
        ``detail``: ``full`` (the default: the whole estimate, which :meth:`from_json` reads
        back), ``awards`` (the totals and each award that pays or may pay, without steps) or
        ``summary`` (the totals and what they rest on); each is the next with keys left out.
        ``narrowing``, :func:`aivoucher.what_narrows` of this estimate, fills ``open_facts``
        (the command line passes it); without it ``open_facts`` is ``null``."""
        from ..render.json import render_json

        return render_json(self, locale=locale, detail=detail, narrowing=narrowing)

    @classmethod
    def from_json(cls, text: str | bytes, *, rules: RuleSet | None = None) -> Estimate:
        """Read back what :meth:`to_json` wrote: the profile, and each award with its program
        looked up by id and version in ``rules`` (default: the bundled rule files).

        Nothing is taken on trust: the estimate is made again from the document's profile and
        date with ``rules`` and the switches and renewal setting the document's awards record,
        and the document must be exactly its JSON (in ``zh`` or ``en``); the estimate made again
        is returned, equal to the one written, with the same Python types (``Decimal``
        amounts, dates, ``(low, high)`` pairs), and it remembers ``rules``, the switches and
        the renewal setting. Anything else raises :class:`~aivoucher.errors.EstimateError`
        naming the field, with code ``estimate.invalid`` (malformed), ``estimate.inconsistent``
        (not what the rules give), ``estimate.totals``, ``estimate.bounds``,
        ``estimate.duplicate_award``, ``estimate.too_large`` or ``estimate.schema_version``
        (docs/json.md); a program the rule set lacks,
        :class:`~aivoucher.errors.UnknownProgramError`.
        """
        from ..render.estimate_read import estimate_from_json

        return estimate_from_json(text, rules=rules)

    def to_text(
        self,
        *,
        locale: str | None = None,
        detail: Literal["summary", "awards", "concise", "full", "verbose"] = "concise",
    ) -> str:
        """The text the command line prints; ``detail``: ``summary`` (the totals and what they
        rest on), ``awards`` (and one line per program that pays or may pay, with its
        sources), ``concise`` or ``full`` (the default view), ``verbose`` (every program with
        its steps or reasons)."""
        from ..render.text import DETAILS, render_text

        if detail not in DETAILS:
            from ..errors import InputError

            raise InputError(f"unknown detail {detail!r}", field="detail")
        return render_text(self, locale, detail)

    def to_frame(self, *, locale: str = "en", steps: bool = False) -> DataFrame:
        """A pandas DataFrame: one row per award (program, version, place, name, eligible,
        low, high, counted, missing), or with ``steps`` one row per trace step. Money columns
        hold exact ``Decimal`` values; needs the ``notebook`` extra."""
        from ..render.frames import estimate_frame

        return estimate_frame(self, locale=locale, steps=steps)

    def to_excel(self, path: str | Path, *, locale: str | None = None) -> Path:
        """Write an Excel workbook (openpyxl, ``aivoucher[notebook]``): the summary (totals,
        counted and if renewed, confidence, dates), one row per award (as ``--format csv``)
        and each paying award's steps with the policy text they quote. Money cells hold the
        exact amounts; no cell is a formula. Returns ``path``."""
        from ..render.excel import estimate_workbook, write_workbook

        return write_workbook(estimate_workbook(self, locale), path)

    def to_html(self, *, locale: str | None = None) -> str:
        """The notebook view (locale: the argument, else ``set_locale``'s), with what narrows
        the range where a fact is missing."""
        from ..render.html import render_estimate_view

        return render_estimate_view(self, locale)

    def to_report_html(self, *, locale: str | None = None, rules: RuleSet | None = None) -> str:
        """A self-contained HTML report that prints to A4 (``aivoucher report``); ``rules``
        are the rule files this estimate used, for the chart (default: the bundled ones)."""
        from ..render.report import report_html

        return report_html(self, locale, rules=rules)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        from ..render.repr import estimate_repr

        return estimate_repr(self)
