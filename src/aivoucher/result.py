"""What an estimate returns: awards with their reasons, assumptions and a structured trace.

These are plain frozen dataclasses, built by the engine without formatting; the renderers in
:mod:`aivoucher.render` turn them into text, JSON or HTML. Amounts are ``Decimal`` yuan; a
``Bounds`` pair is ``(low, high)`` and the two are equal unless the text gives a range or a fact
the rule needs is unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from pandas import DataFrame

    from .profile import Profile
    from .registry import RuleSet
    from .schema import Program, Prose

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

Bounds = tuple[Decimal, Decimal]


class StepKind(StrEnum):
    """The kinds of trace step, in the order the engine takes them."""

    CONDITION = "condition"  # an eligibility condition on the applicant, or a purchase filter
    BASE = "base"  # the amount the rate applies to
    PRORATION = "proration"  # the share of a contract's days inside the base period
    RATE = "rate"  # the rate, and the tier that chose it
    AMOUNT = "amount"  # base × rate for one purchase
    FIRST_YEARS = "first_years"  # a tier's rate limited to a contract's first N years of service
    CAP = "cap"  # a cap (per purchase, per year, over the program's life)
    MINIMUM = "minimum"  # an award below the program's minimum is not paid
    LUMP_SUM = "lump_sum"  # a fixed award
    THRESHOLD = "threshold"  # a year's qualifying spend must reach an amount before it pays
    POOL = "pool"  # the program's budget bounding the award
    YEAR = "year"  # a calendar year's purchases summed
    ALLOCATION = "allocation"  # how a binding yearly limit falls on the purchases, in signing order
    SUPPORT_YEARS = "support_years"  # support limited to the first N years
    TOTAL = "total"  # the years summed
    UNCERTAIN = "uncertain"  # eligibility turns on an unknown fact: the low end becomes 0
    ROUNDING = "rounding"


class ReasonCode(StrEnum):
    NOT_IN_FORCE = "not_in_force"
    CONDITION_FAILED = "condition_failed"
    CONDITION_UNKNOWN = "condition_unknown"
    NO_PURCHASES = "no_purchases"
    NO_QUALIFYING_PURCHASE = "no_qualifying_purchase"
    NO_RATE_TIER = "no_rate_tier"
    RATE_UNPUBLISHED = "rate_unpublished"
    BELOW_MINIMUM = "below_minimum"
    BELOW_THRESHOLD = "below_threshold"  # the year's qualifying spend is below the threshold
    MORE_EXCLUDED = "more_excluded"  # further purchases excluded, counted but not itemised
    OTHER_VERSION = "other_version"  # signed outside this version's window: another version applies
    BEFORE_EFFECTIVE = "before_effective"  # signed before the program took effect (no version)
    AFTER_END = "after_end"  # signed after the last known version ends: depends on renewal


class AssumptionCode(StrEnum):
    RULE = "rule"  # an interpretation the rule file declares in `ambiguities`
    MISSING_FACT = "missing_fact"  # a profile fact is unknown: the range covers both answers
    SETTLED_FROM_CONTRACT = "settled_from_contract"  # no settled amount: the contract amount used
    SETTLED_UNKNOWN = "settled_unknown"  # no settled amount: range from 0 to the contract amount
    ASSUMED_MET = "assumed_met"  # an unknown fact taken as meeting the condition, as the rule says
    ASSUMED_NOT_MET = "assumed_not_met"  # an unknown fact taken as not meeting it, as the rule says
    SWITCH = "switch"  # a user-switchable assumption that is on
    RENEWAL = "renewal"  # the last known version assumed extended past its end (field: the end)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the computation.

    ``subject`` is the purchase label (``gpu-2025`` or ``#1``), the calendar year (``"2025"``)
    or ``None`` for the program as a whole. ``before``/``after`` are the amounts the step took
    and gave; ``rate`` the rate it applied. ``detail`` holds the step's parameters (the fact and
    values of a condition, the cap's kind and amount). ``cites`` pairs the id of each program
    source the step relies on with the quoted wording; ``assumption`` is the id of the
    ambiguity the step relies on.
    """

    kind: StepKind
    subject: str | None = None
    before: Bounds | None = None
    after: Bounds | None = None
    rate: Bounds | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    cites: tuple[tuple[str, str], ...] = ()
    assumption: str | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a program pays nothing (or may pay nothing): a failed or undetermined condition."""

    code: ReasonCode
    fact: str | None = None
    expected: tuple[Any, ...] = ()
    actual: Any = None
    subject: str | None = None
    source: str | None = None
    text: str | Prose | None = None  # the rule file's text (what is unpublished), or a status


@dataclass(frozen=True, slots=True)
class Assumption:
    """A choice the estimate rests on: a rule file's declared reading, or a missing fact."""

    code: AssumptionCode
    ambiguity: str | None = None
    field: str | None = None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class StackingNote:
    """Programs that draw on the same purchases, and how the totals treat them.

    ``relation`` is ``stackable`` or ``exclusive`` (a pair the rule files relate), or ``unknown``
    (no rule file says: every program of the group, which may be more than two);
    ``ceiling`` is the combined rate limit a stackable pair declares, if any.
    """

    programs: tuple[str, ...]
    relation: str
    purchases: tuple[str, ...]
    ceiling: Decimal | None = None


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


@dataclass(frozen=True, slots=True, repr=False)
class Award:
    """One program's result for one profile.

    ``renewal`` marks an award for purchases signed after the program's last known version
    ends: what that version would pay if it were extended, kept out of the totals (unless the
    estimate assumed renewal, which then appears among the ``assumptions`` instead).

    ``eligible`` is ``True`` (possibly with ``low`` 0 where eligibility turns on a missing
    fact), ``False`` (``low`` = ``high`` = 0, with ``reasons``) or ``None``: the published text
    allows no amount (``low`` = ``high`` = ``None``), e.g. because the rate is unpublished.
    Amounts are the most the rules allow: "不超过X%" and "最高Y元" are read as the rate and the
    cap a successful applicant gets at most.
    """

    program: Program
    eligible: bool | None
    low: Decimal | None
    high: Decimal | None
    reasons: tuple[Reason, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    steps: tuple[Step, ...] = ()
    missing: tuple[str, ...] = ()
    purchases: tuple[int, ...] = ()  # indices of the purchases that may count towards the award
    #: Pays only if the program is renewed: the purchases were signed after its last known
    #: version ends. Such an award shows what that version would pay and is not counted.
    renewal: bool = False
    application: ApplicationStatus | None = None  # the application calendar on the as-of date

    @property
    def id(self) -> str:
        return self.program.id

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.low != self.high

    def to_html(self, *, locale: str | None = None) -> str:
        """The notebook view of this award (locale: the argument, else ``set_locale``'s)."""
        from .render.html import render_award_html

        return render_award_html(self, locale)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        from .render.repr import award_repr

        return award_repr(self)


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
    #: How the estimate was made, so that it can be made again with one fact declared
    #: (:func:`aivoucher.what_narrows`): the rule set, the switches and the renewal setting.
    #: Not part of its value (equality, JSON).
    rules: RuleSet | None = field(default=None, compare=False)
    assume: tuple[str, ...] = field(default=(), compare=False)
    assume_renewal: bool = field(default=False, compare=False)

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

    def to_json(self, *, locale: str | None = None) -> str:
        """The JSON contract (see docs/json.md); same as ``aivoucher estimate --format json``."""
        from .render.json import render_json

        return render_json(self, locale=locale)

    @classmethod
    def from_json(cls, text: str | bytes, *, rules: RuleSet | None = None) -> Estimate:
        """Read back what :meth:`to_json` wrote: the profile, and each award with its program
        looked up by id and version in ``rules`` (default: the bundled rule files).

        The result equals the estimate that was written, field by field, with the same Python
        types (``Decimal`` amounts, dates, ``(low, high)`` pairs). Text that is not an estimate
        in the contract raises :class:`~aivoucher.errors.EstimateError` (code
        ``estimate.invalid``); a program the rule set lacks,
        :class:`~aivoucher.errors.UnknownProgramError`. The estimate read back remembers
        ``rules``; the switches and the renewal setting it was made with are not in the JSON
        (those that mattered appear among the awards' assumptions), so ``assume`` and
        ``assume_renewal`` keep their defaults.
        """
        from .estimate_json import estimate_from_json

        return estimate_from_json(text, rules=rules)

    def to_text(
        self,
        *,
        locale: str | None = None,
        detail: Literal["summary", "concise", "verbose"] = "concise",
    ) -> str:
        """The text the command line prints; ``detail``: ``summary``, ``concise`` or
        ``verbose``."""
        from .render.text import render_text

        if detail not in ("summary", "concise", "verbose"):
            from .errors import InputError

            raise InputError(f"unknown detail {detail!r}", field="detail")
        return render_text(self, locale, detail)

    def to_frame(self, *, locale: str = "en", steps: bool = False) -> DataFrame:
        """A pandas DataFrame: one row per award (program, version, place, name, eligible,
        low, high, counted, missing), or with ``steps`` one row per trace step. Money columns
        hold exact ``Decimal`` values; needs the ``notebook`` extra."""
        from .frames import estimate_frame

        return estimate_frame(self, locale=locale, steps=steps)

    def to_html(self, *, locale: str | None = None) -> str:
        """The notebook view (locale: the argument, else ``set_locale``'s), with what narrows
        the range where a fact is missing."""
        from .render.html import render_estimate_html
        from .whatif import what_narrows

        return render_estimate_html(self, locale, narrowing=what_narrows(self))

    def to_report_html(self, *, locale: str | None = None, rules: RuleSet | None = None) -> str:
        """A self-contained HTML report that prints to A4 (``aivoucher report``); ``rules``
        are the rule files this estimate used, for the chart (default: the bundled ones)."""
        from .render.report import render_report

        return render_report(self, locale, rules=rules)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        from .render.repr import estimate_repr

        return estimate_repr(self)
