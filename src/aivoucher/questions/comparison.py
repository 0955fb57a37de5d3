"""Where to buy: one plan estimated as if the applicant were registered in each place.

``compare(plan)`` answers "which city pays back most for this plan, and why": one row per place
that any program covers (places.py), each row exactly the
:class:`~aivoucher.vocabulary.result.Estimate`
that ``estimate()`` returns for the plan registered there, summarised — the totals, the
effective rate, the awards that pay, the facts whose absence widens the row, and the expiry
and renewal notes. Rows are sorted by ``total_high``, then ``total_low`` (both descending), then
place id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..base.limits import MAX_PLACES, no_place, take
from ..base.money import ZERO
from ..evaluate.stacking import counted
from ..vocabulary.profile import Profile, with_rates
from ..vocabulary.result import Award, Estimate
from .assembled import Pending, assembled_on_read, known, totals
from .places import Place, place_of, places_with_programs, register

if TYPE_CHECKING:
    from pathlib import Path

    from ..ruleset.registry import RuleSet
    from .where import WhereToRegister

__all__ = ["Comparison", "Note", "Row", "compare", "effective_rate"]

#: Effective rates are rounded half-up to this many decimal places (0.0001%).
RATE_PLACES = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class Note:
    """Something a reader of a row should know about one award's dates.

    ``code`` is ``expires`` (the program's known end, ``date``), ``renewal`` (the award pays
    only if the program is renewed after ``date``) or ``renewal_assumed`` (it was counted as
    if renewed after ``date``).
    """

    code: str
    program: str
    date: dt.date


# without slots: the estimate is assembled when first read (questions.assembled)
@assembled_on_read
@dataclass(frozen=True)
class Row:
    """One place: the estimate for the plan registered there, and its summary."""

    place: Place
    estimate: Estimate
    spend: Decimal
    effective_rate_low: Decimal | None
    effective_rate_high: Decimal | None
    awards: tuple[Award, ...]
    missing: tuple[str, ...]
    notes: tuple[Note, ...]
    #: With ``compare(min_confidence=…)``: the awards the estimate counts whose sources are
    #: weaker, left out of this row's totals; ``ranked`` and ``ranked_if_renewed`` are then the
    #: totals of the other awards, combined as the estimate combines them.
    left_out: tuple[Award, ...] = ()
    ranked: tuple[Decimal, Decimal] | None = None
    ranked_if_renewed: tuple[Decimal, Decimal] | None = None

    @property
    def total_low(self) -> Decimal:
        """The low total: the estimate's, or with ``min_confidence`` the awards kept."""
        return self.ranked[0] if self.ranked is not None else totals(self)[0]

    @property
    def total_high(self) -> Decimal:
        """The high total: the estimate's, or with ``min_confidence`` the awards kept."""
        return self.ranked[1] if self.ranked is not None else totals(self)[1]

    @property
    def if_renewed_low(self) -> Decimal:
        """The low total if every program that has ended were renewed as last known."""
        if self.ranked_if_renewed is not None:
            return self.ranked_if_renewed[0]
        return known(self).if_renewed[0] if self.ranked is None else self.total_low

    @property
    def if_renewed_high(self) -> Decimal:
        """The high total if every program that has ended were renewed as last known."""
        if self.ranked_if_renewed is not None:
            return self.ranked_if_renewed[1]
        return known(self).if_renewed[1] if self.ranked is None else self.total_high

    @property
    def confidence(self) -> str | None:
        """The weakest source label among the awards this row's totals count."""
        if self.ranked is None:
            return known(self).confidence
        from ..vocabulary.schema import weakest

        return weakest(a.confidence for a in self.awards if counted(a) and a.high and a.confidence)

    def counted(self, award: Award) -> bool:
        """Whether ``award`` counts towards this row's totals."""
        return counted(award)

    def __repr__(self) -> str:
        return (
            f"<Row {self.place.id} {self.total_low}–{self.total_high} ({len(self.awards)} paying)>"
        )


@dataclass(frozen=True, slots=True)
class Comparison:
    """Rows for every place, best first."""

    as_of: dt.date
    plan: Profile
    spend: Decimal
    rows: tuple[Row, ...]
    #: The weakest source label the rows' totals rest on (``compare(min_confidence=…)``):
    #: awards whose sources are weaker are left out of the totals and the ranking.
    min_confidence: str | None = None
    #: The rule set the rows were estimated with (not part of the value).
    rules: RuleSet | None = field(default=None, compare=False)

    def row(self, place: str) -> Row:
        """The row of a place (its id, or a city or province name)."""
        wanted = place_of(place, (r.place for r in self.rows)).id
        for row in self.rows:
            if row.place.id == wanted:
                return row
        from ..errors import UnknownCityError

        raise UnknownCityError(f"no row for {place!r} in this comparison", field="places")

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        best = self.rows[0].place.id if self.rows else "none"
        return f"<Comparison {self.as_of} {len(self.rows)} places, best {best}>"

    def to_text(self, *, locale: str = "en", detail: str = "decision") -> str:
        """The comparison in words: ``decision`` (one line per place that pays or would if
        renewed, then what no place counts, the open facts and the places that pay nothing)
        or ``full`` (every place with each award, its missing facts and notes)."""
        from ..render.comparison import render_comparison_text

        return render_comparison_text(self, locale, detail=detail)

    def to_json(self, *, locale: str = "en") -> str:
        from ..render.comparison import render_comparison_json

        return render_comparison_json(self, locale)

    def to_frame(self, *, locale: str = "en") -> Any:
        """One row per place (pandas, ``aivoucher[notebook]``); money columns keep exact
        ``Decimal`` values (``aivoucher.render.frames.wan`` gives floats in 万 for charts)."""
        from ..render.comparison import MONEY_COLUMNS, comparison_rows
        from ..render.frames import frame

        return frame(comparison_rows(self, locale), MONEY_COLUMNS)

    def to_excel(self, path: str | Path, *, locale: str = "en") -> Path:
        """Write an Excel workbook (openpyxl, ``aivoucher[notebook]``): a summary, one row per
        place (as ``--format csv``), and each place's counted awards with their steps and the
        policy text they quote. Money cells hold the exact amounts; no cell is a formula."""
        from ..render.excel import comparison_workbook, write_workbook

        return write_workbook(comparison_workbook(self, locale), path)

    def plot(self, *, locale: str = "en", ax: Any = None) -> Any:
        """Each place's total as a bar from low to high, best on top (matplotlib,
        ``aivoucher[notebook]``); Chinese labels where a CJK font is installed. Returns the
        axes of a figure of their own, which show themselves in a notebook, or ``ax``."""
        from ..render.plot import range_bars

        labels = {
            "zh": [r.place.zh for r in self.rows],
            "en": [r.place.en for r in self.rows],
        }
        from ..render.messages import messages

        title = messages(locale).text("compare.chart_title", date=self.as_of.isoformat())
        return range_bars(
            labels,
            [r.total_low for r in self.rows],
            [r.total_high for r in self.rows],
            locale=locale,
            title=title,
            ax=ax,
        )

    def to_report_html(
        self, *, locale: str | None = None, today: dt.date | None = None, leading: int = 3
    ) -> str:
        """The where-to-register report (one self-contained HTML file that prints to A4): the
        places ranked, and for the ``leading`` best what each figure rests on, what to find
        out and what to prepare (:func:`aivoucher.questions.where.where_to_register`)."""
        return self.where_to_register(leading=leading).to_report_html(locale=locale, today=today)

    def where_to_register(self, *, leading: int = 3) -> WhereToRegister:
        """The ``leading`` best places in detail: what each figure rests on, what is still to
        find out (each answer's totals) and what to prepare
        (:func:`aivoucher.questions.where.where_to_register`)."""
        from .where import where_to_register

        return where_to_register(self, leading=leading)

    def _repr_html_(self) -> str:
        from ..render.comparison import render_comparison_html

        return render_comparison_html(self, "en")


def effective_rate(total: Decimal, spend: Decimal) -> Decimal | None:
    """``total ÷ spend``, rounded half-up to six decimals; ``None`` where nothing is spent."""
    if spend <= 0:
        return None
    return (total / spend).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def _paying(awards: Iterable[Award]) -> tuple[Award, ...]:
    """Awards that pay or may pay, the counted ones first (largest first), then those whose
    amount no published text allows (an unpublished rate)."""
    paying = [a for a in awards if (a.eligible and a.high) or a.eligible is None]
    return tuple(
        sorted(
            paying,
            key=lambda a: (a.eligible is None, not counted(a), -(a.high or ZERO), a.program.key),
        )
    )


def _notes(awards: Sequence[Award], assume_renewal: bool) -> tuple[Note, ...]:
    from ..vocabulary.result import AssumptionCode

    notes: list[Note] = []
    for award in awards:
        end = award.program.window[1]
        if end is None:
            continue
        key = award.program.key
        if award.renewal:
            notes.append(Note("renewal", key, end))
        elif assume_renewal and any(a.code is AssumptionCode.RENEWAL for a in award.assumptions):
            # only an estimate that assumes renewals lists one (no trace is built to ask)
            notes.append(Note("renewal_assumed", key, end))
        else:
            notes.append(Note("expires", key, end))
    return tuple(dict.fromkeys(notes))


def summarise(place: Place, estimate: Estimate | Pending) -> Row:
    """The row of one place, from its estimate (or from one assembled when first read: the
    row is made of the awards that may pay and the totals, which are made already)."""
    considered: Sequence[Award]
    if isinstance(estimate, Estimate):
        profile, considered = estimate.profile, estimate.awards
        (low, high), renewals = (estimate.total_low, estimate.total_high), estimate.assume_renewal
    else:
        profile, considered = estimate.profile, estimate.considered
        (low, high), renewals = estimate.totals, estimate.assume_renewal
    awards = _paying(considered)
    used = sorted({i for a in awards if counted(a) for i in a.purchases})
    spend = sum((profile.purchases[i].amount for i in used), ZERO)
    missing = tuple(dict.fromkeys(m for a in awards for m in a.missing))
    return Row(
        place=place,
        estimate=estimate,  # type: ignore[arg-type]  # assembled on read
        spend=spend,
        effective_rate_low=effective_rate(low, spend),
        effective_rate_high=effective_rate(high, spend),
        awards=awards,
        missing=missing,
        notes=_notes(awards, renewals),
    )


def compare(
    plan: Profile | Mapping[str, Any],
    *,
    places: Iterable[str] | None = None,
    as_of: dt.date | str | None = None,
    assume_renewal: bool = False,
    assume: Iterable[str] = (),
    rules: RuleSet | None = None,
    min_confidence: str | None = None,
    fx: Mapping[str, Any] | None = None,
) -> Comparison:
    """Estimate ``plan`` as if the applicant were registered in each place, best first.

    ``plan`` is a profile whose applicant's registration is the question: its ``city``, if
    given, is ignored (and may be left out). ``places`` limits the rows to some cities or
    provinces (pinyin or Chinese); by default every place any program covers. Each row's
    figures are exactly what :func:`aivoucher.estimate` returns for the plan registered there.

    ``min_confidence`` (``official``, ``copy``, ``report`` or ``seed``, strongest first) ranks
    on the awards whose sources are at least that strong: each row's totals leave out the
    weaker awards (listed in :attr:`Row.left_out`); its estimate stays whole.

    ``fx`` adds exchange rates to the plan's (yuan per unit, ``{"HKD": "0.92"}``): every
    row's totals are in the plan's currency, and a place whose programs pay in another (Hong
    Kong) is ranked on its awards only with a rate; without one they have no amount.
    """
    from ..base.dates import as_of_date
    from ..ruleset.across import deferred_together
    from ..ruleset.registry import bundled_rules
    from ..vocabulary.naming import name_list

    ruleset = rules if rules is not None else bundled_rules()
    day = as_of_date(as_of)
    strength = _strength(min_confidence)
    covered = list(_covered(tuple(p.jurisdiction for p in ruleset.programs)))
    # each place is a full estimate: the names are read no further than the limit
    if places is not None and not isinstance(places, (str, bytes)):
        places = take(places, MAX_PLACES, "places", "places")
    wanted = name_list(places, "places", "place names")  # refuses a lone string
    if wanted == []:  # no place named is a mistake, not "every place"
        raise no_place()
    chosen = covered if wanted is None else [place_of(name, covered) for name in wanted]
    chosen = list({p.id: p for p in chosen}.values())
    # the plan is read once; each place's profile is the same plan registered there
    profiles: list[Profile] = []
    for place in chosen:
        registered = register(profiles[0] if profiles else plan, place.city)
        profiles.append(registered if profiles else with_rates(registered, fx))
    # every row's estimate is what ruleset.estimate returns for its profile; made together,
    # each program is evaluated only in the places its conditions on the place allow
    estimates = deferred_together(
        ruleset, profiles, as_of=day, assume=assume, assume_renewal=assume_renewal
    )
    rows = []
    for place, estimate in zip(chosen, estimates, strict=True):
        row = summarise(place, estimate)
        if strength is not None:
            row = _kept(row, strength, ruleset, assume, assume_renewal)
        rows.append(row)
    rows.sort(key=lambda r: (-r.total_high, -r.total_low, r.place.id))
    first = known(rows[0]).profile if rows else register(plan, "beijing")
    spend = sum((p.amount for p in first.purchases), ZERO)
    return Comparison(
        as_of=day,
        plan=first,
        spend=spend,
        rows=tuple(rows),
        min_confidence=min_confidence,
        rules=ruleset,
    )


@lru_cache(maxsize=16)
def _covered(jurisdictions: tuple[str, ...]) -> tuple[Place, ...]:
    """The places programs of these jurisdictions cover (worked out once per rule set)."""
    return tuple(places_with_programs(jurisdictions))


def _strength(min_confidence: str | None) -> int | None:
    """The index of ``min_confidence`` in the order of source labels, strongest first."""
    from ..vocabulary.schema import CONFIDENCE_ORDER

    if min_confidence is None:
        return None
    if min_confidence not in CONFIDENCE_ORDER:
        from ..errors import InputError

        raise InputError(
            f"min_confidence must be one of {', '.join(CONFIDENCE_ORDER)}, not "
            f"{min_confidence!r} / 来源可信度须为 {'、'.join(CONFIDENCE_ORDER)} 之一",
            field="min_confidence",
        )
    return CONFIDENCE_ORDER.index(min_confidence)


def _weak(award: Award, strength: int) -> bool:
    """An award whose sources are weaker than the label at ``strength`` (an award with no
    label — no amount to rest on — is not left out for it)."""
    from ..vocabulary.schema import CONFIDENCE_ORDER

    label = award.confidence
    return label is not None and CONFIDENCE_ORDER.index(label) > strength


def _kept(
    row: Row, strength: int, ruleset: RuleSet, assume: Iterable[str], assume_renewal: bool
) -> Row:
    """``row`` with its totals made of the awards at least as strong as ``strength``."""
    from dataclasses import replace

    from ..evaluate.stacking import combine

    estimate = row.estimate
    left_out = tuple(a for a in estimate.awards if counted(a) and a.high and _weak(a, strength))
    kept = [a for a in estimate.awards if not _weak(a, strength)]
    low, high, _ = combine(kept, estimate.profile)
    renewed: tuple[Decimal, Decimal] | None = None
    if estimate.if_renewed != (estimate.total_low, estimate.total_high):
        again = ruleset.estimate(
            estimate.profile, as_of=estimate.as_of, assume=assume, assume_renewal=True
        )
        strong = [a for a in again.awards if not _weak(a, strength)]
        renewed = combine(strong, again.profile)[:2]
    awards = tuple(a for a in row.awards if not _weak(a, strength))
    return replace(
        row,
        awards=awards,
        left_out=left_out,
        ranked=(low, high),
        ranked_if_renewed=renewed,
        effective_rate_low=effective_rate(low, row.spend),
        effective_rate_high=effective_rate(high, row.spend),
    )
