"""One program as a rule file states it: its period, the contracts it covers, the examples that
run as tests, and the checks that tie the file's parts together (every cited source, assumption,
switch and qualification declared)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ...base import jurisdictions
from ...base.money import CURRENCY, Currency
from ...base.types import Date
from ...errors import RuleFileError, UnknownCityError
from ..facts import FACTS as _FACTS
from ..profile import Purchase
from .amounts import (
    Base,
    Cap,
    Minimum,
    Pool,
    RateSpec,
    RoundingSpec,
    Stacking,
    SupportYears,
    Threshold,
)
from .application import Application
from .conditions import Condition, EligibilityCondition, Qualification, Switch
from .fields import AmountValue, Cited, Fact, Ident, Prose, Status, Strict, Text, weakest
from .sources import Ambiguity, Document, HistoryEntry, Names, Source

__all__ = ["ContractWindow", "Effective", "Example", "Expect", "Program"]


class Effective(Cited):
    from_: Date = Field(alias="from")
    to: Date | None = Field(default=None, description="Last day in force; null if open-ended.")

    @model_validator(mode="after")
    def _order(self) -> Effective:
        if self.to is not None and self.to < self.from_:
            raise ValueError("`to` is before `from`")
        return self


class ContractWindow(Cited):
    """Which contracts a version covers, where the text (or a declared reading) says so:
    contracts signed before it took effect ("2023年9月1日及以后签订的合同"), only part of its
    period, or — ``by: service`` — every contract whose service period overlaps the window
    (a round that pays for the days of service inside a base period, whenever signed)."""

    by: Literal["signed", "service"] = "signed"
    signed_from: Date | None = None
    signed_to: Date | None = None

    @model_validator(mode="after")
    def _given(self) -> ContractWindow:
        if self.by == "signed" and self.signed_from is None and self.signed_to is None:
            raise ValueError("give `signed_from`, `signed_to` or both (or `by: service`)")
        if (
            self.signed_from is not None
            and self.signed_to is not None
            and self.signed_to < self.signed_from
        ):
            raise ValueError("`signed_to` is before `signed_from`")
        return self


class Expect(Strict):
    """What an example must produce. ``amount`` is shorthand for ``low`` = ``high``."""

    eligible: bool | None = True
    amount: AmountValue | None = None
    low: AmountValue | None = None
    high: AmountValue | None = None
    reason: Fact | None = Field(
        default=None, description="A fact that must appear among the failed conditions."
    )
    missing: list[str] = Field(default_factory=list, description="Profile fields named missing.")

    @model_validator(mode="after")
    def _coherent(self) -> Expect:
        if self.amount is not None and (self.low is not None or self.high is not None):
            raise ValueError("give `amount` or `low`/`high`, not both")
        if (
            self.eligible is True
            and self.amount is None
            and (self.low is None or self.high is None)
        ):
            raise ValueError("an eligible example needs `amount` or both `low` and `high`")
        if self.eligible is not True and (self.amount or self.low or self.high):
            raise ValueError("an ineligible example has no amount")
        return self


class Example(Strict):
    """A named case that documents the program and runs as a test."""

    name: Text
    as_of: Date
    profile: dict[str, Any]
    assume: list[Ident] = Field(
        default_factory=list, description="Switches on for this example (`--assume`)."
    )
    expect: Expect


class Program(Strict):
    """One program (one version of it), as a rule file states it."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z-]*\.[a-z0-9][a-z0-9-]*$", max_length=80)]
    version: Ident | None = Field(default=None, description="Set where several files share an id.")
    jurisdiction: str
    name: Names
    status: Status
    effective: Effective
    issuer: Text
    document: Document
    responsible: Text | None = None
    summary: Prose | None = None
    sources: list[Source] = Field(min_length=1)
    currency: Currency = Field(
        default=CURRENCY,
        description="The currency the text's amounts are in and the program pays in (ISO "
        "4217): CNY, or HKD for Hong Kong. Its award is in it; purchases in another currency "
        "are judged only with a rate (the profile's fx).",
    )
    eligibility: list[EligibilityCondition] = Field(default_factory=list)
    base: Base
    rate: RateSpec
    caps: list[Cap] = Field(default_factory=list)
    pool: Pool | None = None
    support_years: SupportYears | None = None
    minimum: Minimum | None = None
    threshold: Threshold | None = Field(
        default=None, description="An annual spend a year must reach before anything is paid."
    )
    stacking: list[Stacking] = Field(default_factory=list)
    switches: list[Switch] = Field(default_factory=list)
    qualifications: list[Qualification] = Field(default_factory=list)
    contracts: ContractWindow | None = Field(
        default=None,
        description="The signing dates this version covers, where they differ from `effective` "
        "(by default a contract is covered by the version in force on the day it was signed).",
    )
    version_by: Literal["signed"] = Field(
        default="signed",
        description="Each purchase is judged under the version in force on its signing date "
        "(the only reading; kept so that older rule files stay valid).",
    )
    rounding: RoundingSpec = Field(default_factory=RoundingSpec)
    ambiguities: list[Ambiguity] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)
    examples: list[Example] = Field(min_length=1)
    application: Application | None = Field(
        default=None, description="How and when to apply, where a text says."
    )
    checked: Date | None = Field(
        default=None,
        description="The day this file's texts were last read against their sources "
        "(YYYY-MM-DD): how old the library's knowledge of the program is.",
    )

    @model_validator(mode="after")
    def _references(self) -> Program:
        try:
            jurisdictions.jurisdiction(self.jurisdiction)
        except ValueError as exc:
            raise UnknownCityError(f"jurisdiction: {exc}") from None
        if self.id.split(".", 1)[0] != self.jurisdiction:
            raise ValueError(
                f"id: {self.id!r} must start with the jurisdiction {self.jurisdiction!r}"
            )
        sources = _unique([s.id for s in self.sources], "source")
        ambiguities = _unique([a.id for a in self.ambiguities], "ambiguity")
        for where, cited in self._cited():
            if cited.source is not None and cited.source not in sources:
                raise RuleFileError(
                    f"{where}: unknown source {cited.source!r}", code="rules.unknown_reference"
                )
            if cited.assumption is not None and cited.assumption not in ambiguities:
                raise RuleFileError(
                    f"{where}: unknown assumption {cited.assumption!r}",
                    code="rules.unknown_reference",
                )
        switches = _unique([w.id for w in self.switches], "switch")
        quals = _unique([q.id for q in self.qualifications], "qualification")
        for where, cond in self._conditions():
            if cond.id is not None and cond.id not in switches:
                raise RuleFileError(
                    f"{where}: unknown switch {cond.id!r} (declare it in `switches`)",
                    code="rules.unknown_reference",
                )
            if cond.has is not None and cond.has not in quals:
                raise RuleFileError(
                    f"{where}: unknown qualification {cond.has!r} (declare it in `qualifications`)",
                    code="rules.unknown_reference",
                )
            # a year's facts exist only once its purchases are known: rate tiers read them
            if _FACTS[cond.fact].scope == "year" and where.startswith("eligibility"):
                raise ValueError(f"{where}: {cond.fact} is a rate-tier condition")
        for i, example in enumerate(self.examples):
            for name in example.assume:
                if name not in switches:
                    raise ValueError(f"examples[{i}]: unknown switch {name!r}")
        for i, entry in enumerate(self.history):
            if entry.source not in sources:
                raise RuleFileError(
                    f"history[{i}]: unknown source {entry.source!r}", code="rules.unknown_reference"
                )
        for i, relation in enumerate(self.stacking):
            if relation.program == self.id:
                raise RuleFileError(
                    f"stacking[{i}].program: the relation names this program itself "
                    f"({self.id!r}); a program does not stack with itself: remove the relation / "
                    f"叠加关系指向本项目自身（{self.id!r}）；项目不与自身叠加，请删除该关系",
                    code="rules.self_stacking",
                )
        if self.contracts is not None:
            cw = self.contracts
            start = cw.signed_from or self.effective.from_
            end = cw.signed_to if cw.signed_to is not None else self.effective.to
            if end is not None and end < start:
                raise ValueError("contracts: the window ends before it starts")
        if self.rounding.source is not None and self.rounding.source not in sources:
            raise RuleFileError(
                f"rounding: unknown source {self.rounding.source!r}", code="rules.unknown_reference"
            )
        return self

    def _conditions(self) -> list[tuple[str, Condition]]:
        out: list[tuple[str, Condition]] = [
            (f"eligibility[{i}]", c) for i, c in enumerate(self.eligibility)
        ]
        for i, tier in enumerate(self.rate.tiers):
            out += [(f"rate.tiers[{i}].when[{j}]", c) for j, c in enumerate(tier.when)]
        return out

    def amount_confidence(self) -> str | None:
        """The weakest label (``official`` > ``copy`` > ``report`` > ``seed``) among the sources
        the program's amount rests on: who is eligible, the base, the rates, caps, pool,
        threshold, minimum and support years; ``None`` where none of them cites a source."""
        amount_parts = ("effective", "stacking", "contracts", "application")
        cited = {
            element.source
            for path, element in self._cited()
            if not path.startswith(amount_parts) and element.source is not None
        }
        levels = [s.confidence for s in self.sources if s.id in cited]
        return weakest(levels)

    def _cited(self) -> list[tuple[str, Cited | Condition]]:
        out: list[tuple[str, Cited | Condition]] = [
            ("effective", self.effective),
            ("base", self.base),
        ]
        out += [(f"eligibility[{i}]", c) for i, c in enumerate(self.eligibility)]
        out += [(f"rate.tiers[{i}]", t) for i, t in enumerate(self.rate.tiers)]
        if self.rate.ceiling is not None:
            out.append(("rate.ceiling", self.rate.ceiling))
        out += [(f"caps[{i}]", c) for i, c in enumerate(self.caps)]
        if self.pool is not None:
            out.append(("pool", self.pool))
        if self.support_years is not None:
            out.append(("support_years", self.support_years))
        if self.base.prorate is not None:
            out.append(("base.prorate", self.base.prorate))
        if self.contracts is not None:
            out.append(("contracts", self.contracts))
        if self.rate.lump_sum is not None:
            out.append(("rate.lump_sum", self.rate.lump_sum))
        if self.minimum is not None:
            out.append(("minimum", self.minimum))
        if self.threshold is not None:
            out.append(("threshold", self.threshold))
        out += [(f"stacking[{i}]", c) for i, c in enumerate(self.stacking)]
        app = self.application
        if app is not None:
            out += [(f"application.windows[{i}]", w) for i, w in enumerate(app.windows)]
            out += [(f"application.materials[{i}]", m) for i, m in enumerate(app.materials)]
            out += [
                (f"application.{name}", element)
                for name, element in (
                    ("frequency", app.frequency),
                    ("office", app.office),
                    ("payment", app.payment),
                )
                if element is not None
            ]
        return out

    @property
    def key(self) -> str:
        """``id`` or ``id@version``: unique among loaded rule files."""
        return self.id if self.version is None else f"{self.id}@{self.version}"

    def covers(self, purchase: Purchase, window: tuple[dt.date, dt.date | None]) -> bool:
        """Whether ``window`` (this version's, or one derived from it) covers a purchase: by
        its signing date, or — ``contracts.by: service`` — by its service period overlapping
        the window (the signing date where the period is not given)."""
        start, end = window
        if self.contracts is not None and self.contracts.by == "service":
            first = purchase.start or purchase.signed
            last = purchase.end or purchase.signed
            return (end is None or first <= end) and start <= last
        day = purchase.signed
        return start <= day and (end is None or day <= end)

    @property
    def window(self) -> tuple[dt.date, dt.date | None]:
        """The signing dates this version covers: its effective period unless ``contracts``
        says otherwise."""
        eff = self.effective
        cw = self.contracts
        if cw is None:
            return eff.from_, eff.to
        return (
            cw.signed_from or eff.from_,
            cw.signed_to if cw.signed_to is not None else eff.to,
        )

    def known(self, as_of: dt.date) -> bool:
        """Published by ``as_of``: not a draft, and in effect on or before that date (the date
        of knowledge; a version that takes effect later is not known yet)."""
        return self.status != "draft" and self.effective.from_ <= as_of

    def in_force(self, as_of: dt.date) -> bool:
        """In force on ``as_of``: not a draft, and the date inside the effective window (a
        superseded or expired version was in force during its window)."""
        eff = self.effective
        return self.status != "draft" and eff.from_ <= as_of and (eff.to is None or as_of <= eff.to)

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)

    def ambiguity(self, ambiguity_id: str) -> Ambiguity:
        return next(a for a in self.ambiguities if a.id == ambiguity_id)


def _unique(ids: list[str], what: str) -> set[str]:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise RuleFileError(f"duplicate {what} id {i!r}", code="rules.duplicate_id")
        seen.add(i)
    return seen
