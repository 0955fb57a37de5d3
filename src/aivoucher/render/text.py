"""Plain-text rendering of estimates and programs, in Chinese or English.

An estimate prints at one of these levels of detail (``--detail`` and ``--verbose``):
``summary`` (the totals and what they rest on: range, confidence, renewal, freshness, the facts
still open and the programs' readings), ``awards`` (that, and one line per program that pays or
may pay, with its sources), ``concise`` or ``full`` (the counted awards in full, the conditional
ones briefly, the ineligible ones one line per reason) and ``verbose`` (everything, each program
with its steps or reasons).

Every view is built as a list of lines and joined by :func:`aivoucher.base.visible.joined`, so that
a control character in a purchase id, a name or a quote is shown as an escape and cannot start
a line of its own.
"""

from __future__ import annotations

from typing import Any, Literal

from ..base import jurisdictions
from ..base.visible import joined, visible
from ..vocabulary.result import Award, Estimate, ReasonCode
from ..vocabulary.schema import Program
from .messages import Messages, messages
from .parts import Group, covers_home, depends_on_renewal, needed_qualifications, parts
from .width import pad, width, wrap

__all__ = ["DETAILS", "Detail", "render_award", "render_program", "render_rows", "render_text"]

Detail = Literal["summary", "awards", "concise", "full", "verbose"]
#: Every level, from the least to the most.
DETAILS: tuple[Detail, ...] = ("summary", "awards", "concise", "full", "verbose")

#: Width of text that is wrapped when no terminal says otherwise.
COLUMNS = 100


def _label(award: Award, m: Messages) -> str:
    p = award.program
    return f"{m.place(p.jurisdiction)} · {m.name(p)}{m.paren(p.key)}"


def _heading(award: Award, m: Messages) -> str:
    if award.eligible is None:
        state = m.text("no_amount")
    elif award.eligible:
        state = m.text("eligible")
    else:
        state = m.text("ineligible")
    head = f"{_label(award, m)} — {state}"
    if award.eligible:
        head += f": {m.amount_range(award.low, award.high)}"
        # how solid the figure is, beside the money
        if award.confidence is not None:
            label = m.confidence(award.confidence)
            head += f" · {m.text('confidence.of', label=label)}"
    return head


def render_award(award: Award, locale: str | None = None, *, steps: bool = True) -> str:
    """One program's result: heading, steps with their citations, reasons, assumptions."""
    return joined(_award_lines(award, messages(locale), steps=steps))


def _in_own(award: Award, m: Messages) -> Messages:
    """``m`` writing amounts in the award's currency: its program's."""
    return m.in_currency(award.program.currency)


def _award_lines(award: Award, m: Messages, *, steps: bool = True) -> list[str]:
    m = _in_own(award, m)
    lines = [_heading(award, m)]
    application = m.application(award)
    if application is not None:
        lines.append(f"  {m.text('application')}{m.colon}{application}")
    if steps and award.eligible:
        lines.append(f"  {m.heading('steps')}")
        for n, step in enumerate(award.steps, 1):
            lines.append(f"    {n:>2}. {m.step(step)}")
            for source_id, quote in step.cites:
                lines.append(f"        ↳ {m.citation(award.program, source_id, quote)}")
    if award.reasons:
        lines.append(f"  {m.heading('reasons')}")
        lines += [f"    - {m.reason(r)}" for r in award.reasons]
    if award.assumptions and award.eligible is not False:
        lines.append(f"  {m.heading('assumptions')}")
        lines += [f"    - {m.assumption(a, award)}" for a in award.assumptions]
    return lines


def apart(conditional: tuple[Award, ...]) -> list[tuple[str, list[Award]]]:
    """The awards left out of the total, by why: (heading key, awards), the empty ones left
    out: those that turn on a qualification, then those that depend on a renewal."""
    groups = [
        ("conditional_heading", [a for a in conditional if not depends_on_renewal(a)]),
        ("renewal_heading", [a for a in conditional if depends_on_renewal(a)]),
    ]
    return [(key, awards) for key, awards in groups if awards]


def conditional_why(award: Award, m: Messages) -> str:
    """Why an eligible award is left out of the total, in words."""
    names = needed_qualifications(award)
    if names:
        return m.text("depends.qualification", names=m.sep.join(names))
    if depends_on_renewal(award):
        return m.text("depends.renewal")
    facts = [m.field(f) for f in award.missing if not f.startswith("purchases[") or "provider" in f]
    return m.text("depends.facts", fields=m.sep.join(dict.fromkeys(facts)))


def group_line(group: Group, m: Messages) -> str:
    """One line for a group of ineligible programs."""
    programs = m.count("programs_n", len(group.awards))
    keys = m.sep.join(a.program.key for a in group.awards)
    if group.kind == "other_places":
        places = dict.fromkeys(m.place(a.program.jurisdiction) for a in group.awards)
        # "Longhua District, Shenzhen" holds a comma: such names are listed with semicolons
        sep = m.semi if any(", " in place for place in places) else m.sep
        return m.text("group.other_places", programs=programs, places=sep.join(places))
    if group.kind == "not_in_force":
        return m.text("group.not_in_force", programs=programs) + m.paren(keys)
    reason = m.reason(group.reason) if group.reason else m.text("ineligible")
    return m.text("group.reason", programs=programs, reason=reason) + m.paren(keys)


def notices(estimate: Estimate, m: Messages, *, restricted: bool = False) -> list[str]:
    """What the reader must know before any amount: no program for the applicant's place (not
    said of an estimate ``restricted`` to chosen programs), no purchases."""
    out = []
    if not restricted and not covers_home(estimate):
        city = estimate.profile.applicant.city
        province = jurisdictions.province_of(city)
        out.append(m.text("no_program_here", city=m.place(city), province=m.place(province)))
    if not estimate.profile.purchases:
        out.append(m.text("no_purchases"))
    return out


def _preamble(
    estimate: Estimate, m: Messages, restricted: bool, *, total: bool = True
) -> list[str]:
    header = m.header(estimate.as_of, estimate.profile)
    fresh = _freshness(estimate, m)
    if len(fresh) == 1:  # one date: said on the header line
        header, fresh = f"{header} · {fresh[0]}", []
    return [
        header,
        *(_totals(estimate, m) if total else []),
        *fresh,
        *notices(estimate, m, restricted=restricted),
    ]


def _totals(estimate: Estimate, m: Messages) -> list[str]:
    totals = (estimate.total_low, estimate.total_high)
    renewed = estimate.if_renewed
    return [
        m.text("total", amount=m.amount_range(*totals)),
        # a renewal never hides behind the headline: what it would add is said beside it
        *(
            []
            if renewed == totals
            else [m.text("total.if_renewed", amount=m.amount_range(*renewed))]
        ),
    ]


def _freshness(estimate: Estimate, m: Messages) -> list[str]:
    """When the texts behind the total were last read, where the rule files say."""
    out = []
    if estimate.checked is not None:
        out.append(m.text("checked", date=estimate.checked.isoformat()))
    if estimate.unchecked:
        out.append(m.text("checked.unrecorded", programs=m.sep.join(estimate.unchecked)))
    return out


def _indented(lines: list[str]) -> list[str]:
    return ["  " + line for line in lines]


def render_text(
    estimate: Estimate,
    locale: str | None = None,
    detail: Detail = "concise",
    *,
    restricted: bool = False,
    narrowing: str = "",
) -> str:
    """The estimate at the chosen level of detail (see the module's description);
    ``restricted``: the estimate covers programs the user chose, not all. The full views end
    on the total, where a terminal leaves the reader, after ``narrowing`` (what narrows the
    range, as :func:`aivoucher.render.whatif.render_narrowing` words it)."""
    m = messages(locale).in_currency(estimate.profile.currency)  # the totals' currency
    if detail in ("summary", "awards"):
        return _summary(estimate, m, restricted, awards=detail == "awards")
    verbose = detail == "verbose"
    arranged = parts(estimate)
    out = _preamble(estimate, m, restricted, total=False)
    out += wrap(m.text("maxima"), COLUMNS)
    out += [f"{m.text('stacking')}{m.colon}{m.stacking(note)}" for note in estimate.stacking]
    if verbose and estimate.uncounted:
        out.append(m.text("uncounted", programs=", ".join(estimate.uncounted)))
    out.append("")
    for award in arranged.counted:
        out += [*_award_lines(award, m), ""]
    for heading, awards in apart(arranged.conditional):
        out.append(m.text(heading, n=len(awards)))
        for award in awards:
            if verbose:
                out += _indented(_award_lines(award, m))
            else:
                amount = m.in_currency(award.program.currency).amount_range(award.high, award.high)
                why = conditional_why(award, m)
                out.append(f"  {_label(award, m)}{m.colon}{m.text('up_to', amount=amount)} — {why}")
        out.append("")
    if arranged.unpublished:
        out.append(m.text("no_amount_heading", n=len(arranged.unpublished)))
        for award in arranged.unpublished:
            if verbose:
                out += _indented(_award_lines(award, m, steps=False))
            else:
                why = m.sep.join(m.reason(r) for r in award.reasons)
                out += wrap(f"{_label(award, m)}{m.colon}{why}", COLUMNS, "  ", "      ")
        out.append("")
    ineligible = [a for g in arranged.ineligible for a in g.awards]
    hint = not verbose and bool(arranged.conditional or ineligible or arranged.unpublished)
    if ineligible:
        heading = m.text("not_eligible_heading", n=len(ineligible))
        if hint:  # the hint on the heading's line: the concise view stays on one screen
            heading += ("" if m.locale == "zh" else " ") + m.text("more_verbose")
            hint = False
        out.append(heading)
        if verbose:
            for a in sorted(ineligible, key=lambda a: a.program.key):
                out += _indented(_award_lines(a, m, steps=False))
        else:
            for group in arranged.ineligible:
                out += wrap(group_line(group, m), COLUMNS, "  ", "      ")
    if hint:
        out.append(m.text("more_verbose"))
    return joined(out).rstrip() + "\n\n" + narrowing + joined(_totals(estimate, m)) + "\n"


def _summary(estimate: Estimate, m: Messages, restricted: bool, *, awards: bool) -> str:
    """The totals and what they rest on; with ``awards``, one line per program that pays or
    may pay, each with its sources."""
    from .json import is_reading, open_facts, paying

    out = _preamble(estimate, m, restricted)
    if estimate.confidence is not None:
        out.append(m.text("total.confidence", label=m.confidence(estimate.confidence)))
    out += [f"{m.text('stacking')}{m.colon}{m.stacking(note)}" for note in estimate.stacking]
    if estimate.uncounted:
        out += wrap(m.text("uncounted", programs=m.sep.join(estimate.uncounted)), COLUMNS)
    facts = open_facts(estimate.awards)
    if facts:
        fields = m.sep.join(m.field(f) for f in facts)
        out += wrap(m.text("open_facts", fields=fields), COLUMNS, "", "    ")
    readings = [
        (award, a) for award in paying(estimate.awards) for a in award.assumptions if is_reading(a)
    ]
    if readings:
        out.append(m.heading("readings"))
        for award, a in readings:
            out += wrap(f"[{award.program.key}] {m.assumption(a, award)}", COLUMNS, "  - ", "    ")
    if awards:
        out += ["", *_award_rows(estimate, m)]
    else:
        out.append(m.text("detail_hint"))
    return joined(out) + "\n"


def _award_rows(estimate: Estimate, m: Messages) -> list[str]:
    """One line per program that pays or may pay (counted first), its sources below it."""
    arranged = parts(estimate)
    rows = [  # labels escaped before they are measured, as they will be shown
        (a, visible(_label(a, m)), _in_own(a, m).amount_range(a.low, a.high))
        for a in arranged.counted
        if a.high is not None and a.high > 0
    ]
    rows += [
        (
            a,
            visible(_label(a, m)),
            f"{m.text('up_to', amount=_in_own(a, m).amount_range(a.high, a.high))}"
            f" — {m.text('not_counted')}{m.colon}{conditional_why(a, m)}",
        )
        for a in arranged.conditional
    ]
    columns = max((width(label) for _, label, _ in rows), default=0)
    out = []
    for award, label, amount in rows:
        out.append(f"  {pad(label, columns)}  {amount}")
        for s in award.program.sources:
            where = s.url or m.text("show.seed", seed=s.seed)
            out.append(f"      ↳ [{s.id}] {s.title}{m.paren(m.confidence(s.confidence))} {where}")
    return out


def _wrap_lines(lines: list[str], columns: int | None) -> list[str]:
    """Each line wrapped at ``columns``, continuation lines indented under its text."""
    if columns is None:
        return lines
    out: list[str] = []
    for line in lines:
        body = line.lstrip(" ")
        lead = " " * (len(line) - len(body))
        out += wrap(body, columns, lead, lead + "    ")
    return out


def render_program(program: Program, locale: str | None = None, columns: int | None = None) -> str:
    """A program in words: what it pays, to whom, capped how, on which sources and readings.
    With ``columns``, lines wrap to that width (Chinese characters count two)."""
    m = messages(locale).in_currency(program.currency)  # the text's amounts are in it
    t = m.text
    eff = program.effective
    lines = [
        f"{program.key} — {m.name(program)}"
        + ("" if m.locale == "zh" else f" ({program.name.zh})"),
        f"  {t('show.jurisdiction')}{m.colon}{m.place(program.jurisdiction)}",
        f"  {t('show.status')}{m.colon}{m.status(program.status)}{m.semi}"
        f"{t('show.effective')} {m.window(eff.from_, eff.to)}",
        f"  {t('show.document')}{m.colon}{program.document.title}"
        + (m.paren(program.document.number) if program.document.number else ""),
        f"  {t('show.issuer')}{m.colon}{program.issuer}",
    ]
    if program.summary:
        lines.append(f"  {m.prose(program.summary)}")
    lines.append(f"  {m.heading('show.eligibility')}")
    for cond in program.eligibility:
        text = f"    - {m.fact(cond.fact)}{m.colon}{m.expected(cond.fact, cond.expected)}"
        if cond.source and cond.quote:
            text += f"  ↳ {m.citation(program, cond.source, cond.quote)}"
        if cond.assumption:
            text += f"  [{t('show.assumption')}{m.colon}{cond.assumption}]"
        lines.append(text)
    if program.rate.lump_sum is None:  # a fixed award has no base
        lines.append(f"  {t('show.base')}{m.colon}{t('base.' + program.base.of)}")
    if program.base.prorate is not None:
        period = m.window(program.base.prorate.from_, program.base.prorate.to)
        lines.append(f"  {t('show.prorated')}{m.colon}{period}")
    lump = m.lump_sum(program)
    if lump is not None:
        lines.append(f"  {t('show.award')}{m.colon}{lump}")
    if program.rate.unpublished:
        unpublished = t(ReasonCode.RATE_UNPUBLISHED, text=m.prose(program.rate.unpublished))
        lines.append(f"  {t('show.rate')}{m.colon}{unpublished}")
    for tier in program.rate.tiers:
        text = f"  {t('show.rate')}{m.colon}{m.tier(tier)}"
        if tier.source and tier.quote:
            text += f"  ↳ {m.citation(program, tier.source, tier.quote)}"
        lines.append(text)
    if program.rate.ceiling:
        lines.append(f"  {t('show.ceiling')}{m.colon}{m.rates(program.rate.ceiling.rate)}")
    for cap in program.caps:
        text = f"  {m.cap_per(cap.per)}{m.colon}{m.bounds(cap.amount)}"
        if cap.source and cap.quote:
            text += f"  ↳ {m.citation(program, cap.source, cap.quote)}"
        lines.append(text)
    if program.pool:
        lines.append(
            f"  {m.pool_period(program.pool.period)}{m.colon}{m.short_money(program.pool.amount)}"
        )
    if program.support_years:
        lines.append(f"  {t('show.support_years')}{m.colon}{program.support_years.count}")
    threshold = m.threshold(program)
    if threshold is not None:
        lines.append(f"  {threshold}")
    if program.minimum:
        lines.append(f"  {t('show.minimum')}{m.colon}{m.short_money(program.minimum.amount)}")
    r = program.rounding
    unit = t(f"unit.{r.unit}", places=r.places)
    each = t("rounding.each_step" if r.at == "each_step" else "rounding.end")
    lines.append(f"  {t('show.rounding')}{m.colon}{unit}{m.sep}{t(f'mode.{r.mode}')}{m.sep}{each}")
    lines += [f"  {note}" for note in m.program_notes(program)]
    details = m.semi.join(m.application_details(program))
    lines.append(f"  {m.text('application')}{m.colon}{details}")
    lines.append(f"  {m.heading('show.sources')}")
    for s in program.sources:
        where = s.url or t("show.seed", seed=s.seed)
        lines.append(f"    [{s.id}] {s.title}{m.paren(m.confidence(s.confidence))} {where}")
        lines.append(f"        “{s.quote}”")
    if program.ambiguities:
        lines.append(f"  {m.heading('show.open_points')}")
        for a in program.ambiguities:
            lines.append(f"    [{a.id}] {m.prose(a.question)}")
            lines.append(f"        → {m.prose(a.choice)}{m.paren(m.prose(a.why))}")
    if program.history:
        lines.append(f"  {m.heading('show.history')}")
        for h in program.history:
            lines.append(f"    {h.date} {h.version} ({m.status(h.status)}): {m.prose(h.summary)}")
    return joined(_wrap_lines(lines, columns)) + "\n"


def render_rows(
    rows: list[dict[str, Any]], locale: str | None = None, columns: int = COLUMNS
) -> str:
    """``aivoucher programs``: one aligned line per program, its rates, caps and pool below."""
    m = messages(locale)
    keys = [str(r["id"]) + (f"@{r['version']}" if r["version"] else "") for r in rows]
    key_w = max((width(k) for k in keys), default=0)
    place_w = max((width(str(r["place"])) for r in rows), default=0)
    lines: list[str] = []
    for key, r in zip(keys, rows, strict=True):
        head = f"{pad(key, key_w)}  {pad(str(r['place']), place_w)}  "
        if width(head) + 24 > columns:  # too little room beside the id and place: name below
            lines.append(head.rstrip())
            lines += wrap(str(r["name"]), columns, "    ", "      ")
        else:
            lines += wrap(str(r["name"]), columns, head, " " * width(head))
        window = f"{r['from']} – {r['to'] or '…'}"
        rates = f"{m.text('show.rates')} " + " / ".join(r["rates"])
        detail = m.semi.join(
            [
                m.status(str(r["status"])),
                window,
                *([m.text("programs.ended")] if r.get("ended") else []),
                *([m.text("programs.checked", date=r["checked"])] if r.get("checked") else []),
                rates,
                *r["caps"],
                *([r["pool"]] if r["pool"] else []),
            ]
        )
        lines += wrap(detail, columns, "    ", "      ")
        if r["switches"]:
            lines += wrap(f"--assume: {', '.join(r['switches'])}", columns, "    ", "      ")
        if r["qualifications"]:
            quals = ", ".join(r["qualifications"])
            lines += wrap(
                f"{m.text('show.qualifications')}{m.colon}{quals}", columns, "    ", "      "
            )
        if r.get("application"):
            how = m.semi.join(r["application"])
            lines += wrap(f"{m.text('application')}{m.colon}{how}", columns, "    ", "      ")
    return joined(lines) + "\n"
