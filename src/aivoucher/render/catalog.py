"""The program list (``aivoucher programs``): one row per rule file with its rates, caps, pool
and dates, as plain data (for JSON) or as text."""

from __future__ import annotations

from typing import Any

from .. import jurisdictions
from ..registry import RuleSet
from ..schema import Program
from .messages import messages

__all__ = ["program_row", "program_rows", "render_rows"]


def program_row(program: Program, locale: str = "en") -> dict[str, Any]:
    m = messages(locale)
    rate = program.rate
    if rate.lump_sum is not None:
        rates = [m.lump_sum(program) or ""]
    elif rate.unpublished:
        rates = [m.text("no_amount")]
    else:
        rates = [m.tier(t) for t in rate.tiers]
    return {
        "id": program.id,
        "version": program.version,
        "jurisdiction": program.jurisdiction,
        "place": m.place(program.jurisdiction),
        "name": m.name(program),
        "status": program.status,
        "from": program.effective.from_.isoformat(),
        "to": program.effective.to.isoformat() if program.effective.to else None,
        "rates": rates,
        "caps": [f"{m.cap_per(c.per)} {m.bounds(c.amount)}" for c in program.caps]
        + ([threshold] if (threshold := m.threshold(program)) else []),
        "pool": (
            f"{m.pool_period(program.pool.period)} {m.short_money(program.pool.amount)}"
            if program.pool
            else None
        ),
        "confidence": sorted({s.confidence for s in program.sources}),
        "switches": [w.id for w in program.switches],
        "qualifications": [q.id for q in program.qualifications],
        "application": m.application_details(program),
    }


def program_rows(
    rules: RuleSet, *, city: str | None = None, locale: str = "en"
) -> list[dict[str, Any]]:
    """Rows for every program, or those of one city (with its province and its districts)."""
    wanted: set[str] | None = None
    if city is not None:
        try:
            cid = jurisdictions.city(city)
            wanted = {cid, jurisdictions.province_of(cid)}
            wanted |= {d.id for d in jurisdictions.DISTRICTS.values() if d.city == cid}
        except Exception:
            wanted = {jurisdictions.province(city)}
    programs = sorted(rules.programs, key=lambda p: (p.jurisdiction, p.id, p.effective.from_))
    return [program_row(p, locale) for p in programs if wanted is None or p.jurisdiction in wanted]


def render_rows(rows: list[dict[str, Any]]) -> str:
    lines = []
    for r in rows:
        key = r["id"] + (f"@{r['version']}" if r["version"] else "")
        window = f"{r['from']} – {r['to'] or '…'}"
        lines.append(f"{key}  {r['place']} · {r['name']}  [{r['status']}, {window}]")
        detail = "rates " + " / ".join(r["rates"])
        if r["caps"]:
            detail += "; " + "; ".join(r["caps"])
        if r["pool"]:
            detail += "; " + r["pool"]
        lines.append(f"    {detail}")
        if r["switches"]:
            lines.append(f"    --assume: {', '.join(r['switches'])}")
        if r["qualifications"]:
            lines.append(f"    qualifications: {', '.join(r['qualifications'])}")
        lines.append(f"    application: {'; '.join(r['application'])}")
    return "\n".join(lines) + "\n"


_CONFIDENCE_LABEL = {
    "official": "official site",
    "copy": "copy of the official text",
    "report": "news report",
    "seed": "seed article only",
}


def catalogue_markdown(rules: RuleSet) -> str:
    """docs/programs.md: every program with its rates, caps, pool, dates, confidence, open
    points and sources, generated from the rule files (``aivoucher programs --format markdown``)."""
    m = messages("en")
    programs = sorted(rules.programs, key=lambda p: (p.jurisdiction, p.id, p.effective.from_))
    out = [
        "# Programs",
        "",
        "Generated from `rules/` by `aivoucher programs --format markdown > docs/programs.md`;"
        ' a test fails when this file is stale. Amounts are maxima ("不超过", "最高").',
        "",
        "| program | place | status | in force | rates | caps | pool | confidence |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for p in programs:
        row = program_row(p, "en")
        window = f"{row['from']} – {row['to'] or '…'}"
        caps = "; ".join(row["caps"]) or "—"
        out.append(
            f"| [`{p.key}`](#{_anchor(p.key)}) | {row['place']} | {row['status']} | {window} "
            f"| {' / '.join(row['rates'])} | {caps} | {row['pool'] or '—'} "
            f"| {', '.join(row['confidence'])} |"
        )
    windows = [p.key for p in programs if p.application is not None and p.application.windows]
    other = [p.key for p in programs if p.application is not None and not p.application.windows]
    silent = [p.key for p in programs if p.application is None]
    out += [
        "",
        "## Application windows",
        "",
        "Where a text gives them, a program's entry below lists its application windows, office,"
        " materials and payment; estimates say for each award whether a window is open on their"
        " date.",
        "",
        f"- With a published window: {_keys(windows)}",
        f"- With application facts but no window: {_keys(other)}",
        f"- Publishing nothing on how or when to apply (in the texts read): {_keys(silent)}",
    ]
    for p in programs:
        out += [
            "",
            f"## {p.key}",
            "",
            f"**{p.name.zh}** — {p.name.en}. {p.summary or ''}".rstrip(),
            "",
        ]
        out.append(
            f"- Document: {p.document.title}"
            + (f" ({p.document.number})" if p.document.number else "")
            + f"; issuer {p.issuer}"
        )
        eff = p.effective
        out.append(f"- In force: {m.window(eff.from_, eff.to)} ({m.status(p.status)})")
        out += [f"- {note}" for note in m.program_notes(p)]
        out.append("- Application: " + "; ".join(m.application_details(p)))
        out.append("- Sources:")
        for s in p.sources:
            link = f"[{s.title}]({s.url})" if s.url else f"{s.title} (seed `{s.seed}`)"
            out.append(f"  - {link} — {_CONFIDENCE_LABEL[s.confidence]}: “{s.quote}”")
        if p.ambiguities:
            out.append("- Open points:")
            for a in p.ambiguities:
                out.append(f"  - `{a.id}`: {a.question} → {a.choice}")
    return "\n".join(out) + "\n"


def _keys(keys: list[str]) -> str:
    return ", ".join(f"[`{k}`](#{_anchor(k)})" for k in keys) or "none"


def _anchor(key: str) -> str:
    return "".join(ch for ch in key.lower() if ch.isalnum() or ch in "-_")
