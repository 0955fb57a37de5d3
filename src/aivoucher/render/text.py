"""Plain-text rendering of estimates and programs, in Chinese or English."""

from __future__ import annotations

from ..result import Award, Estimate, ReasonCode
from ..schema import Program
from .messages import messages

__all__ = ["render_award", "render_program", "render_text"]


def _heading(award: Award, locale: str) -> str:
    m = messages(locale)
    p = award.program
    if award.eligible is None:
        state = m.text("no_amount")
    elif award.eligible:
        state = m.text("eligible")
    else:
        state = m.text("ineligible")
    head = f"{m.place(p.jurisdiction)} · {m.name(p)} ({p.key}) — {state}"
    if award.eligible:
        head += f": {m.amount_range(award.low, award.high)}"
    return head


def render_award(award: Award, locale: str = "en", *, steps: bool = True) -> str:
    """One program's result: heading, steps with their citations, reasons, assumptions."""
    m = messages(locale)
    lines = [_heading(award, locale)]
    if steps and award.eligible:
        lines.append(f"  {m.text('steps')}:")
        for n, step in enumerate(award.steps, 1):
            lines.append(f"    {n:>2}. {m.step(step)}")
            for source_id, quote in step.cites:
                lines.append(f"        ↳ {m.citation(award.program, source_id, quote)}")
    if award.reasons:
        lines.append(f"  {m.text('reasons')}:")
        lines += [f"    - {m.reason(r)}" for r in award.reasons]
    if award.assumptions and award.eligible is not False:
        lines.append(f"  {m.text('assumptions')}:")
        lines += [f"    - {m.assumption(a, award)}" for a in award.assumptions]
    return "\n".join(lines)


def render_text(estimate: Estimate, locale: str = "en") -> str:
    """The whole estimate: paying programs in full, then the others with their reasons."""
    m = messages(locale)
    out = [
        m.text("header", date=estimate.as_of.isoformat()),
        m.text("total", amount=m.amount_range(estimate.total_low, estimate.total_high)),
        m.text("maxima"),
    ]
    out += [f"{m.text('stacking')}: {m.stacking(note)}" for note in estimate.stacking]
    if estimate.uncounted:
        out.append(m.text("uncounted", programs=", ".join(estimate.uncounted)))
    out.append("")
    uncounted = set(estimate.uncounted)
    # Ordering is presentation: the awards that count, largest first, then the conditional ones.
    eligible = sorted(
        (
            a
            for a in estimate.awards
            if a.eligible and a.program.key not in uncounted and not a.renewal
        ),
        key=lambda a: (-(a.high or 0), a.program.key),
    )
    conditional = [
        a for a in estimate.awards if a.eligible and a.program.key in uncounted and not a.renewal
    ]
    renewal = [a for a in estimate.awards if a.eligible and a.renewal]
    unpublished = [a for a in estimate.awards if a.eligible is None]
    ineligible = [a for a in estimate.awards if a.eligible is False]
    for award in eligible:
        out += [render_award(award, locale), ""]
    if conditional:
        out.append(m.text("conditional_heading", n=len(conditional)))
        out += ["  " + render_award(a, locale).replace("\n", "\n  ") for a in conditional]
        out.append("")
    if renewal:
        out.append(m.text("renewal_heading", n=len(renewal)))
        out += ["  " + render_award(a, locale).replace("\n", "\n  ") for a in renewal]
        out.append("")
    if unpublished:
        out.append(m.text("no_amount_heading", n=len(unpublished)))
        out += [
            "  " + render_award(a, locale, steps=False).replace("\n", "\n  ") for a in unpublished
        ]
        out.append("")
    if ineligible:
        out.append(m.text("not_eligible_heading", n=len(ineligible)))
        out += [
            "  " + render_award(a, locale, steps=False).replace("\n", "\n  ") for a in ineligible
        ]
    return "\n".join(out).rstrip() + "\n"


def render_program(program: Program, locale: str = "en") -> str:
    """A program in words: what it pays, to whom, capped how, on which sources and readings."""
    m = messages(locale)
    zh = locale == "zh"
    eff = program.effective
    lines = [
        f"{program.key} — {program.name.zh} / {program.name.en}",
        f"  {'地区' if zh else 'Jurisdiction'}: {m.place(program.jurisdiction)}",
        f"  {'状态' if zh else 'Status'}: {m.status(program.status)}; "
        f"{'有效期' if zh else 'effective'} {m.window(eff.from_, eff.to)}",
        f"  {'文件' if zh else 'Document'}: {program.document.title}"
        + (f" ({program.document.number})" if program.document.number else ""),
        f"  {'发布机关' if zh else 'Issuer'}: {program.issuer}",
    ]
    if program.summary:
        lines.append(f"  {m.prose(program.summary)}")
    lines.append(f"  {'申请条件' if zh else 'Eligibility'}:")
    for cond in program.eligibility:
        text = f"    - {m.fact(cond.fact)}: {m.expected(cond.fact, cond.expected)}"
        if cond.source and cond.quote:
            text += f"  ↳ {m.citation(program, cond.source, cond.quote)}"
        if cond.assumption:
            text += f"  [{'假设' if zh else 'assumption'}: {cond.assumption}]"
        lines.append(text)
    base = program.base
    base_zh = "合同金额" if base.of == "contract" else "实际结算金额"
    lines.append(f"  {'计算基数' if zh else 'Base'}: {base_zh if zh else base.of + ' amount'}")
    if base.prorate is not None:
        period = m.window(base.prorate.from_, base.prorate.to)
        lines.append(f"  {'按基准期折算' if zh else 'Prorated to the base period'}: {period}")
    if program.rate.lump_sum is not None:
        lump = m.text("fixed", amount=m.bounds(program.rate.lump_sum.amount))
        lines.append(f"  {'奖励' if zh else 'Award'}: {lump}")
    if program.rate.unpublished:
        unpublished = m.text(ReasonCode.RATE_UNPUBLISHED, text=m.prose(program.rate.unpublished))
        lines.append(f"  {'补贴比例' if zh else 'Rate'}: {unpublished}")
    for tier in program.rate.tiers:
        text = f"  {'补贴比例' if zh else 'Rate'}: {m.tier(tier)}"
        if tier.source and tier.quote:
            text += f"  ↳ {m.citation(program, tier.source, tier.quote)}"
        lines.append(text)
    if program.rate.ceiling:
        c = program.rate.ceiling
        lines.append(f"  {'比例上限' if zh else 'Rate ceiling'}: {m.rates(c.rate)}")
    for cap in program.caps:
        text = f"  {m.cap_per(cap.per)}: {m.bounds(cap.amount)}"
        if cap.source and cap.quote:
            text += f"  ↳ {m.citation(program, cap.source, cap.quote)}"
        lines.append(text)
    if program.pool:
        lines.append(
            f"  {m.pool_period(program.pool.period)}: {m.short_money(program.pool.amount)}"
        )
    if program.support_years:
        lines.append(f"  {'资助年限' if zh else 'Support years'}: {program.support_years.count}")
    if program.minimum:
        lines.append(
            f"  {'最低申领额' if zh else 'Minimum award'}: {m.short_money(program.minimum.amount)}"
        )
    r = program.rounding
    unit = m.text(f"unit.{r.unit}", places=r.places)
    each = (
        ("每步" if zh else "each step") if r.at == "each_step" else ("最终" if zh else "at the end")
    )
    lines.append(f"  {'取整' if zh else 'Rounding'}: {unit}, {m.text(f'mode.{r.mode}')}, {each}")
    lines += [f"  {note}" for note in m.program_notes(program)]
    lines.append(f"  {'来源' if zh else 'Sources'}:")
    for s in program.sources:
        where = s.url or f"seed {s.seed}"
        lines.append(f"    [{s.id}] {s.title} ({m.confidence(s.confidence)}) {where}")
        lines.append(f"        “{s.quote}”")
    if program.ambiguities:
        lines.append(f"  {'待明确事项' if zh else 'Open points'}:")
        for a in program.ambiguities:
            lines.append(f"    [{a.id}] {m.prose(a.question)}")
            lines.append(f"        → {m.prose(a.choice)} ({m.prose(a.why)})")
    if program.history:
        lines.append(f"  {'历史版本' if zh else 'History'}:")
        for h in program.history:
            lines.append(f"    {h.date} {h.version} ({m.status(h.status)}): {m.prose(h.summary)}")
    return "\n".join(lines) + "\n"
