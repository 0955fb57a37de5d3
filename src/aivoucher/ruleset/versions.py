"""Which version of a program judges a purchase: the one place that decides it.

A program (one id) may have several versions, each a rule file (``<id>.<version>.yaml``) with an
effective period. Every path that picks a version — estimates (:meth:`RuleSet.estimate
<aivoucher.ruleset.registry.RuleSet.estimate>`), :meth:`RuleSet.get
<aivoucher.ruleset.registry.RuleSet.get>`, batch evaluation (:func:`aivoucher.batch.coverage`), pool
simulation, sweeps — asks the :class:`VersionIndex` a rule set builds once, so every path gives
one answer (docs/time.md):

* a version is *known* on the date of knowledge when it is published (not a draft) and took
  effect on or before that date;
* each known version judges the purchases its window covers (signed inside its effective period,
  or its ``contracts`` window); purchases signed after the last known version ends are paid only
  when its renewal is assumed, which extends that version's window;
* the *current* version is the one in force on the date of knowledge, else the newest known; it
  is always evaluated, and alone judges a program that pays a fixed award or publishes no rate.

Two published versions of one id whose periods (or contract windows) overlap would both judge
the purchases signed in the overlap, and pay them twice; the index refuses them
(``rules.versions_overlap``). Drafts judge nothing, so a draft may overlap the final text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.log import logger
from ..errors import RuleFileError

_log = logger("versions")

if TYPE_CHECKING:
    from ..vocabulary.profile import Purchase
    from ..vocabulary.schema import Program
    from .registry import Entry

__all__ = ["Choice", "Coverage", "VersionIndex", "Window", "overlaps"]

#: Signing dates, inclusive; ``None`` as the end: open-ended.
Window = tuple[dt.date, dt.date | None]

#: A version, the signing dates of the purchases it judges (``None``: every purchase), and
#: whether it is evaluated for an applicant none of whose purchases it judges.
Coverage = tuple["Entry", Window | None, bool]

#: How many (program, date, renewal) choices an index keeps; a sweep or a batch asks the same
#: few again and again, a property test many different ones.
_KEPT = 4096


@dataclass(frozen=True, slots=True)
class Choice:
    """Which versions of one program judge purchases, as known on one date.

    ``versions`` holds every version (drafts too), oldest effective date first; ``known`` those
    known on the date; ``current`` the version in force on it, else the newest known (``None``
    when none is known). ``judges`` pairs each version that is evaluated with the signing dates
    it judges. ``span`` is what all known versions cover together (it tells why a purchase
    outside one version's window is left out); ``end`` is the day the last known version ends,
    after which purchases depend on a renewal (``None``: open-ended, or the renewal assumed).
    """

    versions: tuple[Entry, ...]
    known: tuple[Entry, ...]
    current: Entry | None
    judges: tuple[Coverage, ...]
    span: Window | None
    end: dt.date | None

    @property
    def buys(self) -> bool:
        """Whether some known version pays on purchases (not only fixed awards or no amount):
        then each version judges the purchases signed in its window."""
        return any(window is not None for _, window, _ in self.judges)

    def judge(self, purchase: Purchase) -> Entry | None:
        """The version that judges ``purchase``: the one whose window covers it, or, for a
        program that pays no rate on purchases, the version in force (``None``: no version
        judges it)."""
        for entry, window, _ in self.judges:
            if window is None or entry.program.covers(purchase, window):
                return entry
        return None


class VersionIndex:
    """The versions of every program of a rule set, grouped and ordered once.

    Built from the entries of a :class:`~aivoucher.ruleset.registry.RuleSet` (whose keys are
    unique); raises :class:`RuleFileError` (``rules.versions_overlap``) where two published versions
    of
    one id overlap.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        by_id: dict[str, list[Entry]] = {}
        by_key: dict[str, Entry] = {}
        for entry in entries:
            program = entry.program
            by_id.setdefault(program.id, []).append(entry)
            by_key[program.key] = entry
        problems = overlaps(e for group in by_id.values() for e in group)
        if problems:
            first = problems[0]
            raise RuleFileError(
                first.message,
                file=first.file,
                line=first.line,
                field=first.field,
                code=first.code,
                errors=problems,
            )
        # sorted() is stable: versions that take effect on the same day keep the file order
        self._by_id = {
            pid: tuple(sorted(group, key=lambda e: e.program.effective.from_))
            for pid, group in by_id.items()
        }
        self._by_key = by_key
        self._choices: dict[tuple[str, dt.date, bool], Choice] = {}

    @property
    def ids(self) -> tuple[str, ...]:
        """Every program id, in the order the rule files were given."""
        return tuple(self._by_id)

    def versions(self, name: str) -> tuple[Entry, ...] | None:
        """Every version of the program ``name`` (an id), oldest effective date first, or the
        one version a key (``id@version``) names; ``None`` when no rule file defines it."""
        found = self._by_id.get(name)
        if found is not None:
            return found
        entry = self._by_key.get(name)
        return (entry,) if entry is not None else None

    def entry(self, key: str) -> Entry | None:
        """The version whose key (``id`` or ``id@version``) is ``key``."""
        return self._by_key.get(key)

    def get(self, name: str, as_of: dt.date | None = None) -> Entry | None:
        """The version of ``name`` in force on ``as_of`` or, failing that (or without a date),
        the newest with status ``in_force``, else the newest."""
        versions = self.versions(name)
        if versions is None:
            return None
        if as_of is not None:
            for entry in reversed(versions):
                if entry.program.in_force(as_of):
                    return entry
        in_force_status = [e for e in versions if e.program.status == "in_force"]
        return (in_force_status or versions)[-1]

    def choose(self, name: str, as_of: dt.date, assume_renewal: bool = False) -> Choice | None:
        """Which versions of ``name`` judge purchases, as known on ``as_of`` (see the module
        docstring); ``None`` when no rule file defines it."""
        cache_key = (name, as_of, assume_renewal)
        found = self._choices.get(cache_key)
        if found is None:
            versions = self.versions(name)
            if versions is None:
                return None
            found = _choose(versions, as_of, assume_renewal)
            _log.debug(
                "%s on %s%s: versions judging purchases: %s",
                name,
                as_of,
                " (renewal assumed)" if assume_renewal else "",
                ", ".join(entry.program.key for entry, _, _ in found.judges) or "none",
            )
            if len(self._choices) >= _KEPT:
                self._choices.clear()
            self._choices[cache_key] = found
        return found


def _choose(versions: tuple[Entry, ...], as_of: dt.date, assume_renewal: bool) -> Choice:
    known = tuple(e for e in versions if e.program.known(as_of))
    if not known:
        return Choice(versions, known, None, (), None, None)
    current = next((e for e in reversed(known) if e.program.in_force(as_of)), known[-1])
    if not any(e.program.rate.tiers for e in known):
        # Fixed awards or unpublished rates only: nothing is bought, so only the version in
        # force can be applied for. Where an earlier version paid a rate on purchases, each
        # purchase stays with the version in force when it was signed, as for any program
        # (Xiamen's 2025 R&D rates before its 2026 text, which publishes none).
        judges: tuple[Coverage, ...] = (
            ((current, None, True),) if current.program.in_force(as_of) else ()
        )
        return Choice(versions, known, current, judges, None, None)
    last = known[-1]
    end = last.program.window[1]
    out: list[Coverage] = []
    for entry in known:
        window = entry.program.window
        if entry is last and assume_renewal:
            window = (window[0], None)
        out.append((entry, window, entry is current))
    span = (min(e.program.window[0] for e in known), None if assume_renewal else end)
    return Choice(versions, known, current, tuple(out), span, None if assume_renewal else end)


# -- refusing overlapping versions --------------------------------------------------------------


def _meets(a: Window, b: Window) -> Window | None:
    """The days two windows share, or ``None``."""
    start = max(a[0], b[0])
    ends = [d for d in (a[1], b[1]) if d is not None]
    end = min(ends) if ends else None
    if end is not None and end < start:
        return None
    return start, end


def _period(program: Program) -> Window:
    return program.effective.from_, program.effective.to


def _line(path: Path, field: str) -> int | None:
    """The line of ``field`` in a rule file, where the file can still be read."""
    from ..base.documents import RULE_LIMITS, read_text
    from ..base.paths import parse_path
    from ..base.problems import lines_of
    from ..errors import InputError

    try:
        text = read_text(path, RULE_LIMITS)
    except (InputError, OSError):
        return None
    return lines_of(text, [parse_path(field)]).get(parse_path(field))


def _spans(shared: Window) -> tuple[str, str]:
    """The shared days, in English and in Chinese."""
    start, end = (d.isoformat() if d is not None else None for d in shared)
    if end is None:
        return f"from {start} on", f"自{start}起"
    return f"from {start} to {end}", f"{start}至{end}"


def overlaps(entries: Iterable[Entry]) -> list[RuleFileError]:
    """One error for each pair of published versions of one id whose effective periods, or
    the signing dates they cover (``contracts``), overlap: each purchase signed in the overlap
    would be judged, and paid, by both. Drafts judge nothing and are left out."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.program.status != "draft":
            groups.setdefault(entry.program.id, []).append(entry)
    problems: list[RuleFileError] = []
    for group in groups.values():
        group.sort(key=lambda e: e.program.effective.from_)
        for i, earlier in enumerate(group):
            for later in group[i + 1 :]:
                problem = _overlap(earlier, later)
                if problem is not None:
                    problems.append(problem)
    return problems


def _overlap(earlier: Entry, later: Entry) -> RuleFileError | None:
    a, b = earlier.program, later.program
    field = "effective"
    shared = _meets(_period(a), _period(b))
    if shared is None:
        shared = _meets(a.window, b.window)
        if shared is None:
            return None
        field = "contracts"
    # point at each file's period, or at the contracts window that makes them meet
    where = "contracts" if field == "contracts" and b.contracts is not None else "effective"
    other = "contracts" if field == "contracts" and a.contracts is not None else "effective"
    other_line = _line(earlier.path, other)
    other_at = f"{earlier.path}:{other_line}" if other_line is not None else str(earlier.path)
    en, zh = _spans(shared)
    what_en = "are both in force" if field == "effective" else "both cover contracts signed"
    what_zh = "有效期" if field == "effective" else "所覆盖的合同签订日期"
    message = (
        f"versions {a.key!r} ({other_at}) and {b.key!r} {what_en} {en}, so a purchase "
        "signed then would be paid by both; end the earlier version before the later one "
        f"takes effect / 同一项目的两个版本{a.key!r}（{other_at}）与{b.key!r}"
        f"的{what_zh}{zh}重叠，其间签订的采购会被两个版本各支付一次；"
        "请让较早的版本在较晚的版本生效前结束"
    )
    return RuleFileError(
        message,
        file=str(later.path),
        line=_line(later.path, where),
        field=where,
        code="rules.versions_overlap",
    )
