"""Localised wording (zh, en) for results: labels of values, reasons, assumptions, steps; the
labels of facts are the fact table's (:data:`aivoucher.vocabulary.facts.FACTS`). Formatting of
numbers and money is babel's (:mod:`aivoucher.base.money`); this module only chooses words. It does
no arithmetic.

The sentences themselves are in two tables: the estimate's (:mod:`aivoucher.render.estimate_words`)
and the views' (:mod:`aivoucher.render.view_words`); the words of each trace step are chosen in
:mod:`aivoucher.render.steps`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..base import jurisdictions
from ..base.i18n import LOCALES, resolve_locale
from ..base.money import CURRENCY, babel_locale, format_money, format_rate
from ..vocabulary.facts import LABELS, VALUE_WORDS, fact_at
from ..vocabulary.result import ApplicationStatus, Award
from ..vocabulary.trace import (
    Assumption,
    AssumptionCode,
    Bounds,
    Reason,
    ReasonCode,
    StackingNote,
    Step,
)
from .estimate_words import ESTIMATE_TEXT
from .steps import step_line
from .view_words import VIEW_TEXT

if TYPE_CHECKING:
    from ..questions.curves import Bend
    from ..questions.whatif import Narrowing
    from ..vocabulary.profile import Profile

    # the rule-file models, for annotations only: wording a result does not need their
    # classes (a process that reads no rule file need not build them)
    from ..vocabulary.schema import Program, Prose, Tier

__all__ = ["LOCALES", "Messages", "messages"]

_VALUES = VALUE_WORDS

_CAP_PER = {
    "purchase": ("单个合同上限", "cap per purchase"),
    "tier": ("该档次上限", "cap of the rate tier"),
    "applicant_year": ("每个主体每自然年度上限", "cap per applicant per calendar year"),
    "applicant_total": ("每个主体累计上限", "cap per applicant over the program's life"),
}
_POOL = {
    "year": ("年度资金总额", "annual pool"),
    "program": ("资金总额（全周期）", "pool over the program's life"),
}
_STATUS = {
    "in_force": ("有效", "in force"),
    "draft": ("征求意见稿", "draft"),
    "superseded": ("已被取代", "superseded"),
    "expired": ("已失效", "expired"),
}
_CONFIDENCE = {
    "official": ("政府网站原文", "official site"),
    "copy": ("官方全文转载", "copy of the official text"),
    "report": ("新闻报道/二手摘要", "news report"),
    "seed": ("仅见于种子报道", "seed article only"),
}

#: Every sentence by key, ``(zh, en)``: the estimate's words and the views' (a test checks
#: that no key is in both).
_TEXT = {**ESTIMATE_TEXT, **VIEW_TEXT}


_PURCHASE_PATH = re.compile(r"^purchases\[(\d+)\]")


#: An answer that is a run of days, as an ISO interval (what_narrows of a month or quarter).
_DAY_RUN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}/[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


#: The types of values a condition's sentence is kept for, and how many are kept.
_TEXT_ONLY = frozenset({str})
_CONDITIONS_KEPT = 1024


class Messages:
    """Wording for one locale (``zh`` or ``en``)."""

    def __init__(self, locale: str | None = None, currency: str = CURRENCY) -> None:
        self.locale = resolve_locale(locale)
        self._i = 0 if self.locale == "zh" else 1
        self._sep = "、" if self.locale == "zh" else ", "
        #: The currency amounts are written in: an award's is its program's, the totals' the
        #: profile's (:meth:`in_currency`).
        self.currency = currency
        #: The sentences of conditions made so far (see :meth:`_condition`).
        self._conditions: dict[tuple[Any, ...], str] = {}

    def in_currency(self, currency: str) -> Messages:
        """These messages, writing amounts in ``currency`` (ISO 4217)."""
        if currency == self.currency:
            return self
        return Messages(self.locale, currency)

    @property
    def sep(self) -> str:
        """The separator of a list: ``、`` in Chinese, ``, `` in English."""
        return self._sep

    @property
    def semi(self) -> str:
        """Between clauses: ``；`` in Chinese, ``; `` in English."""
        return "；" if self._i == 0 else "; "

    def paren(self, text: str) -> str:
        """``（text）`` in Chinese, `` (text)`` in English."""
        return f"（{text}）" if self._i == 0 else f" ({text})"

    @property
    def colon(self) -> str:
        """What follows a label: ``：`` in Chinese, ``: `` in English."""
        return "：" if self._i == 0 else ": "

    def heading(self, key: str, **values: Any) -> str:
        """A label followed by a colon: ``计算过程：`` or ``Steps:``."""
        return self.text(key, **values) + self.colon.rstrip()

    def text(self, key: Any, **values: Any) -> str:
        return str(_TEXT[key][self._i]).format(**values)

    def prose(self, value: Prose | str | None) -> str:
        """A rule file's bilingual text in this locale (plain strings are English only)."""
        if value is None:
            return ""
        return value if isinstance(value, str) else value.text(self.locale)

    # -- values ------------------------------------------------------------------------------

    def money(self, amount: Decimal) -> str:
        """``480万（¥4,800,000.00）`` in zh; ``CN¥4,800,000.00 (480万)`` in en."""
        full = format_money(amount, self.locale, currency=self.currency)
        wan = format_money(amount, "zh", compact=True, currency=self.currency)
        return f"{wan}（{full}）" if self._i == 0 else f"{full} ({wan})"

    def short_money(self, amount: Decimal) -> str:
        return format_money(amount, self.locale, currency=self.currency)

    def bounds(self, value: Bounds, *, short: bool = True) -> str:
        fmt = self.short_money if short else self.money
        low, high = value
        return fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}"

    def amount_range(self, low: Decimal | None, high: Decimal | None) -> str:
        if low is None or high is None:
            return self.text("no_amount")
        if low == high:
            return self.money(low)
        compact = (
            format_money(low, "zh", compact=True, currency=self.currency)
            + "–"
            + format_money(high, "zh", compact=True, currency=self.currency)
        )
        full = self.short_money(low) + "–" + self.short_money(high)
        return f"{compact}（{full}）" if self._i == 0 else f"{full} ({compact})"

    def rate(self, value: Decimal) -> str:
        return format_rate(value, self.locale)

    def header(self, as_of: dt.date, profile: Profile) -> str:
        """The first line of an estimate: its date, the currency of its totals and the
        exchange rates given."""
        return self.text("header", date=as_of.isoformat(), currency=self.currency_of(profile))

    def dated(self, as_of: str, produced: str, profile: Profile) -> str:
        """A report's date line: as of, produced, and the profile's currency and rates."""
        return self.text(
            "report.as_of", date=as_of, today=produced, currency=self.currency_of(profile)
        )

    def currency_of(self, profile: Profile) -> str:
        """The currency of a profile's amounts and totals, with the exchange rates it gives
        (``人民币；汇率：1 HKD = 0.92 CNY``)."""
        currency = self.text(f"currency.{profile.currency}")
        if profile.fx:
            rates = self.sep.join(
                f"1 {code} = {self.exchange_rate(rate)} CNY"
                for code, rate in sorted(profile.fx.items())
            )
            currency += self.semi + self.text("header.rates", rates=rates)
        return currency

    def exchange_rate(self, value: Decimal) -> str:
        """An exchange rate to six decimals at most (``0.92``, ``1.086957``): the exact
        quotient is the engine's, this only writes it."""
        from babel.numbers import format_decimal

        return format_decimal(value, format="#,##0.######", locale=babel_locale(self.locale))

    def rates(self, value: Bounds) -> str:
        low, high = value
        return self.rate(low) if low == high else f"{self.rate(low)}–{self.rate(high)}"

    def tier(self, tier: Tier) -> str:
        """``60% (start-up: yes)``: a rate tier with the conditions that choose it."""
        when = self.semi.join(
            f"{self.fact(c.fact)}{self.colon}{self.expected(c.fact, c.expected)}" for c in tier.when
        )
        cap = f"{self.sep}{self.cap_per('tier')} {self.bounds(tier.cap)}" if tier.cap else ""
        if tier.first_years is not None:
            cap += self.sep + self.text("tier.first_years", years=tier.first_years)
        return self.rates(tier.rate) + (self.paren(when + cap) if when or cap else "")

    def value(self, value: Any) -> str:
        if value is None:
            return self.text("unknown")
        if isinstance(value, bool):
            return self.text("yes" if value else "no")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            if value in _VALUES:
                return _VALUES[value][self._i]
            place = jurisdictions.CITIES.get(value) or jurisdictions.PROVINCES.get(value)
            if place is not None:
                return place.text(self.locale)
            district = jurisdictions.DISTRICTS.get(value)
            if district is not None:
                town = jurisdictions.CITIES[district.city]
                if self._i == 0:
                    return town.zh + district.zh
                return f"{district.en} District, {town.en}"
        return str(value)

    def fact(self, fact: str | None) -> str:
        if fact is None:
            return ""
        return LABELS[fact][self._i] if fact in LABELS else fact

    def field(self, path: str) -> str:
        """A profile path for a reader: in Chinese the fact's words alone
        (``purchases[1].chip_origin`` → ``算力芯片来源（采购#2）``); in English the path with
        the words (``purchases[0].chip_origin (chip origin)``), the path being what a
        developer writes in the profile."""
        fact = fact_at(path)
        if fact is None:
            return path
        if self._i == 0:
            return self.fact_words(path)
        return f"{path} ({fact.en})"

    def narrowing_fact(
        self,
        item: Narrowing,
        purchases: Sequence[Any] | None = None,
        qualifications: Mapping[str, tuple[str, str]] | None = None,
    ) -> str:
        """The question a :class:`~aivoucher.questions.whatif.Narrowing` asks, in words: the
        fact, or whether programs no rule file relates may both pay."""
        if item.programs:
            names = self.sep.join(self.name(p) for p in item.programs)
            return self.text("narrow.stacking", programs=names)
        if item.qualification is not None:
            key = item.field.rsplit(".", 1)[-1]
            qualifications = {**(qualifications or {}), key: item.qualification}
        return self.fact_words(item.field, purchases, qualifications)

    def narrowing_value(self, item: Narrowing, value: Any) -> str:
        """An answer's value in words (the stacking question's are its own)."""
        if item.programs and value in ("stackable", "exclusive"):
            return self.text(f"narrow.{value}")
        if isinstance(value, str) and _DAY_RUN.fullmatch(value):  # a run of days (a month's)
            first, last = value.split("/")
            return first if first == last else self.text("day_run", first=first, last=last)
        return self.value(value)

    def fact_words(
        self,
        path: str,
        purchases: Sequence[Any] | None = None,
        qualifications: Mapping[str, tuple[str, str]] | None = None,
    ) -> str:
        """A profile path in words from the fact table, never as a path: the provider's city,
        a qualification by its name in ``qualifications`` (id → (zh, en)). A purchase's fact
        names the purchase where there are several (``purchases``, the profile's; without
        them, every purchase but the first)."""
        if path == "stacking":  # questions.whatif.STACKING
            return self.text("narrow.stacking_any")
        fact = fact_at(path)
        if fact is None:
            return path
        words = fact.zh if self._i == 0 else fact.en
        if fact.kind == "qualification":
            key = path.rsplit(".", 1)[-1]
            named = (qualifications or {}).get(key)
            words += self.colon + (named[self._i] if named else key)
        found = _PURCHASE_PATH.match(path)
        if found:
            index = int(found.group(1))
            several = len(purchases) > 1 if purchases is not None else index > 0
            if several:
                label = (
                    purchases[index].label(index)
                    if purchases is not None and index < len(purchases)
                    else f"#{index + 1}"
                )
                words += self.paren(self.text("purchase_n", label=label))
        return words

    def expected(self, fact: str | None, expected: Sequence[Any]) -> str:
        if fact == "year.contracts_total":
            return self.text("at_most", value=self.short_money(expected[0]))
        if fact == "purchase.term":
            return self.text("at_most", value=self.text("years", n=expected[0]))
        if fact == "purchase.signed":
            start, end = expected
            if start is not None and end is not None:
                return self.text("between", start=start, end=end)
            if start is not None:
                return self.text("on_or_after", date=start)
            return self.text("on_or_before", date=end)
        if len(expected) == 1:
            return self.value(expected[0])
        return self.text("one_of", values=self._sep.join(self.value(v) for v in expected))

    def status(self, status: str) -> str:
        return _STATUS[status][self._i]

    def confidence(self, confidence: str) -> str:
        return _CONFIDENCE[confidence][self._i]

    def cap_per(self, per: str) -> str:
        return _CAP_PER[per][self._i]

    def pool_period(self, period: str) -> str:
        return _POOL[period][self._i]

    def name(self, program: Program) -> str:
        return program.name.text(self.locale)

    def place(self, jurisdiction: str) -> str:
        if jurisdiction == jurisdictions.NATIONAL:
            return self.text("national")
        return self.value(jurisdiction)

    def window(self, start: dt.date, end: dt.date | None) -> str:
        if end is None:
            return self.text("open_window", start=start)
        return self.text("between", start=start, end=end)

    # -- results -----------------------------------------------------------------------------

    def reason(self, reason: Reason) -> str:
        prefix = f"[{reason.subject}] " if reason.subject else ""
        code = reason.code
        if code in (ReasonCode.CONDITION_FAILED, ReasonCode.CONDITION_UNKNOWN):
            body = self._condition(code, reason.fact, reason.actual, reason.expected)
        elif code is ReasonCode.OTHER_VERSION:
            start, end = reason.expected
            body = self.text(code, actual=reason.actual, window=self.window(start, end))
        elif code is ReasonCode.NOT_IN_FORCE:
            start, end = reason.expected
            body = self.text(
                code,
                as_of=reason.actual,
                status=self.status(str(reason.text or "in_force")),
                window=self.window(start, end),
            )
        elif code in (ReasonCode.BEFORE_EFFECTIVE, ReasonCode.AFTER_END):
            body = self.text(code, actual=reason.actual, date=reason.expected[0])
        elif code is ReasonCode.RATE_NEEDED:
            body = self.text(code, expected=reason.expected[0], actual=reason.actual)
        elif code is ReasonCode.MORE_EXCLUDED:
            body = self.text(code, count=reason.actual)
        elif code is ReasonCode.DAY_MATTERS:
            body = self.text(
                code,
                field=self.text(f"day_of_{(reason.fact or '').rpartition('.')[2]}"),
                actual=reason.actual,
                days=self.day_groups(reason.expected),
            )
        elif code in (ReasonCode.BELOW_MINIMUM, ReasonCode.BELOW_THRESHOLD):
            body = self.text(
                code,
                actual=self.short_money(reason.actual),
                expected=self.short_money(reason.expected[0]),
            )
        else:
            body = self.text(code, text=self.prose(reason.text))
        return prefix + body

    def _condition(
        self, code: ReasonCode, fact: str | None, actual: Any, expected: tuple[Any, ...]
    ) -> str:
        """A failed or unknown condition's sentence. Made once for each condition where the
        values are text (the same few conditions are unknown for each of a long profile's
        purchases, and are written, and read back, once each); text is equal to nothing but
        text, so the sentence kept is the one these values make."""
        key = None
        if (
            (fact is None or fact.__class__ is str)
            and (actual is None or actual.__class__ is str)
            and expected.__class__ is tuple
            and set(map(type, expected)) <= _TEXT_ONLY
        ):
            key = (code is ReasonCode.CONDITION_FAILED, fact, actual, expected)
            found = self._conditions.get(key)
            if found is not None:
                return found
        body = self.text(
            code,
            fact=self.fact(fact),
            actual=self.value(actual),
            expected=self.expected(fact, expected),
        )
        if key is not None:
            if len(self._conditions) >= _CONDITIONS_KEPT:
                self._conditions.clear()
            self._conditions[key] = body
        return body

    def day_groups(self, groups: Sequence[Any]) -> str:
        """Runs of days and what each pays (a ``day_matters`` reason's ``expected``)."""
        parts: list[str] = []
        for i, (first, last, low, high) in enumerate(groups):
            if i and groups[i - 1][1] + dt.timedelta(days=1) < first:
                parts.append(self.text("days_between"))
            days = str(first) if first == last else self.text("day_run", first=first, last=last)
            paid = (
                self.text("no_amount") if low is None or high is None else self.bounds((low, high))
            )
            parts.append(f"{days}{self.colon}{paid}")
        return self.semi.join(parts)

    def assumption(self, assumption: Assumption, award: Award) -> str:
        prefix = f"[{assumption.subject}] " if assumption.subject else ""
        if assumption.code is AssumptionCode.RULE:
            assert assumption.ambiguity is not None
            amb = award.program.ambiguity(assumption.ambiguity)
            return f"{self.prose(amb.question)} → {self.prose(amb.choice)}"
        if assumption.code in (
            AssumptionCode.MISSING_FACT,
            AssumptionCode.ASSUMED_MET,
            AssumptionCode.ASSUMED_NOT_MET,
        ):
            return prefix + self.text(assumption.code, field=self.field(assumption.field or ""))
        if assumption.code is AssumptionCode.RENEWAL:
            return self.text(assumption.code, date=assumption.field)
        if assumption.code is AssumptionCode.SWITCH:
            name = assumption.field or ""
            switch = next(w for w in award.program.switches if w.id == name)
            return self.text(assumption.code, name=name, text=self.prose(switch.description))
        return prefix + self.text(assumption.code)

    def step(self, step: Step) -> str:
        """One trace step as a line (without its citation): the words of its kind, from the
        table in :mod:`aivoucher.render.steps`."""
        return step_line(self, step)

    def stacking(self, note: StackingNote) -> str:
        if note.relation == "unknown":
            return self.text(
                "stacking.unknown",
                programs=self._sep.join(note.programs),
                purchases=self._sep.join(note.purchases),
            )
        a, b = note.programs
        ceiling = (
            ""
            if note.ceiling is None
            else self.text("stacking.ceiling", rate=self.rate(note.ceiling))
        )
        return self.text(
            f"stacking.{note.relation}",
            a=a,
            b=b,
            purchases=self._sep.join(note.purchases),
            ceiling=ceiling,
        )

    def program_notes(self, program: Program) -> list[str]:
        """Qualifications, switches and stacking relations of a program, one line each."""
        lines = []
        for q in program.qualifications:
            lines.append(
                self.text(
                    "note.qualification",
                    id=q.id,
                    label=self.text("qualification.label", zh=q.zh, en=q.en),
                    what=self.prose(q.description),
                )
            )
        for w in program.switches:
            lines.append(self.text("note.switch", id=w.id, what=self.prose(w.description)))
        for st in program.stacking:
            ceiling = (
                ""
                if st.ceiling is None
                else self.text("stacking.ceiling", rate=self.rates(st.ceiling))
            )
            lines.append(
                self.text(
                    "note.stacking",
                    program=st.program,
                    relation=self.text(f"relation.{st.relation}"),
                    ceiling=ceiling,
                )
            )
        return lines

    def threshold(self, program: Program) -> str | None:
        """The program's annual spend threshold, if any."""
        t = program.threshold
        if t is None:
            return None
        inclusive = self.text("threshold.inclusive" if t.inclusive else "threshold.exclusive")
        return self.text("threshold", amount=self.short_money(t.amount), inclusive=inclusive)

    def lump_sum(self, program: Program) -> str | None:
        """A fixed award: once, or for each qualifying entry."""
        lump = program.rate.lump_sum
        if lump is None:
            return None
        key = "fixed_each" if lump.per == "purchase" else "fixed"
        return self.text(key, amount=self.bounds(lump.amount))

    def application_status(self, status: ApplicationStatus) -> str:
        """Where an award stands in its application calendar, as a clause."""
        if status.state == "open":
            text = (
                self.text("app.open", closes=status.closes)
                if status.closes is not None
                else self.text("app.open_ended")
            )
        elif status.state == "upcoming":
            text = (
                self.text("app.upcoming", opens=status.opens, closes=status.closes)
                if status.closes is not None
                else self.text("app.upcoming_open_ended", opens=status.opens)
            )
        elif status.state == "closed":
            text = self.text("app.closed", closes=status.closes)
        else:
            text = self.text("app.unknown")
        if status.covers is not None and status.state in ("open", "upcoming"):
            text += self.text("app.covers", year=status.covers)
        if status.closed_for:
            years = self._sep.join(str(y) for y in status.closed_for)
            text += self._sep + self.text("app.closed_for", years=years)
        return text

    def application(self, award: Award) -> str | None:
        """The award's application line: the window, then what the rule file says about
        materials, office and payment."""
        if award.application is None:
            return None
        parts = [self.application_status(award.application)]
        parts += self.application_details(award.program, windows=False)
        return " · ".join(parts)

    def application_details(self, program: Program, *, windows: bool = True) -> list[str]:
        """A program's application facts, one clause each (empty where no text gives any)."""
        app = program.application
        if app is None:
            return [self.text("app.no_window")] if windows else []
        out = []
        if windows:
            shown = []
            for w in app.windows:
                if w.every_year is not None:
                    one = self.text("app.every_year", start=w.every_year.from_, end=w.every_year.to)
                elif w.from_ is not None:
                    one = self.window(w.from_, w.to)
                else:
                    one = self.text("on_or_before", date=w.to)
                if w.covers is not None:
                    one += f" ({self.text(f'app.covers.{w.covers}')})"
                shown.append(one)
            out.append(
                self.text("app.windows", windows=self._sep.join(shown))
                if shown
                else self.text("app.no_window")
            )
        if app.frequency is not None:
            out.append(self.text("app.frequency", every=self.text(f"every.{app.frequency.every}")))
        if app.office is not None:
            name = self.prose(app.office.name)
            if app.office.url:
                name += f" {app.office.url}"
            out.append(self.text("app.office", name=name))
        if app.materials:
            items = self._sep.join(self.prose(m.item) for m in app.materials)
            out.append(self.text("app.materials", items=items))
        if app.payment is not None:
            out.append(self.text("app.payment", text=self.prose(app.payment.text)))
        return out

    def program_label(self, program: Program) -> str:
        """``成都 算力券`` / ``Chengdu Compute voucher``."""
        place, name = self.place(program.jurisdiction), self.name(program)
        if name.startswith(place):
            return name
        return f"{place}{'' if self._i == 0 else ' '}{name}"

    def bend(self, bend: Bend, program: Program) -> str:
        """One bend of a spend curve as a sentence."""
        if bend.kind in ("cap", "pool"):
            label = (
                self.cap_per(bend.per or "")
                if bend.kind == "cap"
                else self.pool_period(bend.per or "")
            )
            key = "cause.binds" if bend.binds else "cause.frees"
            cause = self.text(key, label=label, limit=self._limit(bend.limit))
        elif bend.kind in ("minimum", "threshold"):
            key = f"cause.{bend.kind}.binds" if bend.binds else f"cause.{bend.kind}.frees"
            cause = self.text(key, limit=self._limit(bend.limit))
        else:
            cause = self.text(f"cause.{bend.kind}", limit=self._limit(bend.limit))
        ends = ""
        if len(bend.ends) == 1:
            ends = self.text("bend.ends", ends=self.text(f"end.{bend.ends[0]}"))
        values = {
            "program": self.program_label(program),
            "ends": ends,
            "amount": self.money(bend.at),
            "cause": cause,
        }
        if not bend.jump and bend.slope_after == 0:
            return self.text("bend.stops", **values)
        if not bend.jump:
            return self.text(
                "bend.slope",
                before=self._slope(bend.slope_before),
                after=self._slope(bend.slope_after),
                **values,
            )
        return self.text(
            "bend.jump",
            before=self.short_money(bend.before),
            after=self.short_money(bend.after),
            **values,
        )

    def _limit(self, limit: Decimal | None) -> str:
        return (
            ""
            if limit is None
            else format_money(limit, self.locale, compact=True, currency=self.currency)
        )

    def _slope(self, slope: Fraction) -> str:
        return self.rate(Decimal(slope.numerator) / Decimal(slope.denominator))

    def citation(self, program: Program, source_id: str, quote: str) -> str:
        title = program.source(source_id).title
        return self.text("citation", title=title, quote=quote)

    def count(self, key: str, n: int, **values: Any) -> str:
        """A sentence about ``n`` things: the ``key.one`` wording for one, ``key`` otherwise."""
        one = f"{key}.one"
        return self.text(one if n == 1 and one in _TEXT else key, n=n, **values)


_CACHE: dict[str, Messages] = {}


def messages(locale: str | None = None) -> Messages:
    """The (cached) :class:`Messages` of a locale (default: :func:`aivoucher.set_locale`'s)."""
    locale = resolve_locale(locale)
    found = _CACHE.get(locale)
    if found is None:
        found = _CACHE[locale] = Messages(locale)
    return found
