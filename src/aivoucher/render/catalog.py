"""The program list (``aivoucher programs``): one row per rule file with its rates, caps, pool
and dates, as plain data (for JSON) or as text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..base import jurisdictions
from ..base.visible import joined
from ..ruleset.registry import RuleSet
from ..vocabulary.schema import Program
from .messages import Messages, messages

__all__ = [
    "catalogue_markdown",
    "catalogue_places",
    "place_markdown",
    "program_row",
    "program_rows",
]


def program_row(program: Program, locale: str = "en") -> dict[str, Any]:
    m = messages(locale).in_currency(program.currency)
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
        "checked": None if program.checked is None else program.checked.isoformat(),
    }


def program_rows(
    rules: RuleSet,
    *,
    city: str | None = None,
    locale: str = "en",
    as_of: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Rows for every program, or those of one city (with its province and its districts);
    ``ended`` marks a program whose last known version ended before ``as_of`` (default:
    today)."""
    wanted: set[str] | None = None
    if city is not None:
        try:
            cid = jurisdictions.city(city)
            wanted = {cid, jurisdictions.province_of(cid)}
            wanted |= {d.id for d in jurisdictions.DISTRICTS.values() if d.city == cid}
        except Exception:
            wanted = {jurisdictions.province(city)}
    programs = sorted(rules.programs, key=lambda p: (p.jurisdiction, p.id, p.effective.from_))
    day = as_of or dt.date.today()
    rows = []
    for p in programs:
        if wanted is not None and p.jurisdiction not in wanted:
            continue
        row = program_row(p, locale)
        # the last known version of its id has ended: nothing is known to follow it
        last = rules.versions(p.id)[-1].program
        row["ended"] = last is p and p.effective.to is not None and p.effective.to < day
        rows.append(row)
    return rows


def catalogue_markdown(rules: RuleSet, locale: str = "en") -> str:
    """docs/programs.md: every program with its rates, caps, pool, dates, confidence, open
    points and sources, generated from the rule files (``aivoucher programs --format markdown``)."""
    m = messages(locale)
    t = m.text
    programs = sorted(rules.programs, key=lambda p: (p.jurisdiction, p.id, p.effective.from_))
    columns = t("catalog.columns").split("|")
    out = [
        f"# {t('catalog.title')}",
        "",
        t("catalog.intro"),
        "",
        "| " + " | ".join(columns) + " |",
        "| " + " | ".join("---" for _ in columns) + " |",
    ]
    out += [_table_row(p, m) for p in programs]
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
        out += _section(p, m)
    return joined(out) + "\n"


def _section(p: Program, m: Messages) -> list[str]:
    """One program's entry: name, summary, document, dates, notes, application, sources and
    open points."""
    m = m.in_currency(p.currency)
    t = m.text
    alias = p.name.en if m.locale == "zh" else p.name.zh
    out = [
        "",
        f"## {p.key}",
        "",
        f"**{m.name(p)}** — {alias}. {m.prose(p.summary)}".rstrip(),
        "",
    ]
    number = m.paren(p.document.number) if p.document.number else ""
    out.append(
        f"- {t('show.document')}: {p.document.title}{number}; "
        + t("show.issuer_of", issuer=p.issuer)
    )
    eff = p.effective
    out.append(
        "- " + t("show.in_force", window=m.window(eff.from_, eff.to), status=m.status(p.status))
    )
    out += [f"- {note}" for note in m.program_notes(p)]
    out.append(f"- {t('application')}: " + m.semi.join(m.application_details(p)))
    out.append(f"- {t('show.sources')}:")
    for s in p.sources:
        link = f"[{s.title}]({s.url})" if s.url else f"{s.title} ({t('show.seed', seed=s.seed)})"
        out.append(f"  - {link} — {m.confidence(s.confidence)}: “{s.quote}”")
    if p.ambiguities:
        out.append(f"- {t('show.open_points')}:")
        for a in p.ambiguities:
            out.append(f"  - `{a.id}`: {m.prose(a.question)} → {m.prose(a.choice)}")
    return out


def catalogue_places(rules: RuleSet) -> list[str]:
    """The places (jurisdiction ids: cities, provinces, districts) that have a rule file, in
    order of id."""
    return sorted({p.jurisdiction for p in rules.programs})


def place_markdown(rules: RuleSet, place: str, locale: str = "en") -> str:
    """One place's page of the catalogue: a table of its programs, then each program's entry
    (as in :func:`catalogue_markdown`), in ``locale``; the documentation site makes one per
    place and language."""
    m = messages(locale)
    t = m.text
    programs = sorted(
        (p for p in rules.programs if p.jurisdiction == place),
        key=lambda p: (p.id, p.effective.from_),
    )
    if not programs:
        from ..errors import UnknownCityError

        raise UnknownCityError(f"no rule file is for the place {place!r}", field="place")
    columns = t("catalog.columns").split("|")
    out = [
        f"# {m.place(place)}",
        "",
        t("catalog.place_intro", count=len(programs)),
        "",
        "| " + " | ".join(columns) + " |",
        "| " + " | ".join("---" for _ in columns) + " |",
    ]
    for p in programs:
        out.append(_table_row(p, m))
    for p in programs:
        out += _section(p, m)
    return joined(out) + "\n"


def _table_row(p: Program, m: Messages) -> str:
    row = program_row(p, m.locale)
    window = f"{row['from']} – {row['to'] or '…'}"
    caps = "; ".join(row["caps"]) or "—"
    return (
        f"| [`{p.key}`](#{_anchor(p.key)}) | {row['place']} | {m.status(p.status)} | {window} "
        f"| {' / '.join(row['rates'])} | {caps} | {row['pool'] or '—'} "
        f"| {', '.join(m.confidence(c) for c in row['confidence'])} |"
    )


def _keys(keys: list[str]) -> str:
    return ", ".join(f"[`{k}`](#{_anchor(k)})" for k in keys) or "none"


def _anchor(key: str) -> str:
    return "".join(ch for ch in key.lower() if ch.isalnum() or ch in "-_")
