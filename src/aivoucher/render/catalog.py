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
    rates = [m.text("no_amount")] if rate.unpublished else [m.tier(t) for t in rate.tiers]
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
        "caps": [f"{m.cap_per(c.per)} {m.bounds(c.amount)}" for c in program.caps],
        "pool": (
            f"{m.pool_period(program.pool.period)} {m.short_money(program.pool.amount)}"
            if program.pool
            else None
        ),
        "confidence": sorted({s.confidence for s in program.sources}),
        "switches": [w.id for w in program.switches],
        "qualifications": [q.id for q in program.qualifications],
    }


def program_rows(
    rules: RuleSet, *, city: str | None = None, locale: str = "en"
) -> list[dict[str, Any]]:
    """Rows for every program, or those of one city (and of its province)."""
    wanted: set[str] | None = None
    if city is not None:
        try:
            cid = jurisdictions.city(city)
            wanted = {cid, jurisdictions.province_of(cid)}
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
    return "\n".join(lines) + "\n"
