"""Finding programs, switches and qualifications by the names people write, and the errors
(with "did you mean …") when a name fits none or several."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..base import jurisdictions
from ..base.problems import did_you_mean, suggest
from ..errors import InputError, UnknownProgramError

if TYPE_CHECKING:
    from .schema import Program

__all__ = ["find_program", "name_list", "program_names", "unknown_name", "unknown_program"]


def _norm(text: str) -> str:
    return "".join(text.split()).casefold()


def _place(jurisdiction: str) -> tuple[str, str]:
    if jurisdiction == jurisdictions.NATIONAL:
        return "全国", "National"
    for table in (jurisdictions.CITIES, jurisdictions.PROVINCES, jurisdictions.DISTRICTS):
        place = table.get(jurisdiction)
        if place is not None:
            return place.zh, place.en
    return jurisdiction, jurisdiction


#: Suffixes a place's Chinese name is written with or without (深圳市, 深圳).
_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市", "区", "县")


def program_names(program: Program) -> list[str]:
    """The names a program is known by: Chinese and English, alone and after its place."""
    zh_place, en_place = _place(program.jurisdiction)
    short = next((zh_place[: -len(x)] for x in _SUFFIXES if zh_place.endswith(x)), zh_place)
    zh, en = program.name.zh, program.name.en
    return [zh, en, zh_place + zh, short + zh, f"{en_place} {en}"]


def _label(program: Program) -> str:
    zh_place, _ = _place(program.jurisdiction)
    return f"{program.id} ({zh_place} {program.name.zh} / {program.name.en})"


def unknown_program(
    programs: Sequence[Program], name: object, field: str | None = "programs"
) -> UnknownProgramError:
    """The error for a program id no rule file defines, with the closest ids or names."""
    ids = sorted({p.id for p in programs})
    close = suggest(name, [*ids, *(p.key for p in programs)])
    if not close and isinstance(name, str):
        by_name = {n: p.id for p in programs for n in program_names(p)}
        close = tuple(dict.fromkeys(by_name[n] for n in suggest(name, by_name)))
    hint = did_you_mean(close) or f"; known programs: {', '.join(ids) or 'none'}"
    return UnknownProgramError(f"unknown program {name!r}{hint}", field=field, suggestions=close)


def find_program(programs: Sequence[Program], name: str) -> str:
    """See :meth:`aivoucher.ruleset.registry.RuleSet.find`."""
    if not isinstance(name, str):
        raise TypeError(f"a program name is text, not {type(name).__name__}")
    if any(name in (p.id, p.key) for p in programs):
        return name
    wanted = _norm(name)
    if wanted:
        exact = _ids(p for p in programs if wanted in (_norm(n) for n in program_names(p)))
        if len(exact) == 1:
            return exact[0]
        if exact:
            raise _ambiguous(programs, name, exact)
        part = _ids(p for p in programs if any(wanted in _norm(n) for n in program_names(p)))
        if len(part) == 1:
            return part[0]
        if part:
            raise _ambiguous(programs, name, part)
    raise unknown_program(programs, name)


def _ids(programs: Iterable[Program]) -> list[str]:
    return sorted({p.id for p in programs})


def _ambiguous(programs: Sequence[Program], name: str, ids: list[str]) -> InputError:
    current = {p.id: p for p in programs if p.version is None or p.status == "in_force"}
    first = {p.id: p for p in reversed(programs)}
    listed = "; ".join(_label(current.get(i) or first[i]) for i in ids)
    return InputError(
        f"{name!r} names {len(ids)} programs: {listed}; give the id",
        field="programs",
        code="program.ambiguous",
        suggestions=ids,
    )


def unknown_name(
    kind: str, name: str, known: Iterable[str], verb: str, code: str, field: str
) -> InputError:
    """The error for an unknown switch or qualification: the close matches, or every name."""
    pool = sorted(known)
    close = suggest(name, pool)
    listed = ", ".join(pool) or "none"
    hint = did_you_mean(close)
    return InputError(
        f"unknown {kind} {name!r}{hint}; the rule files {verb}: {listed}",
        field=field,
        code=code,
        suggestions=close,
    )


def name_list(value: Iterable[str] | None, argument: str, what: str) -> Any:
    """A list of names, refusing a lone string (which would be iterated letter by letter)."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        raise TypeError(
            f"{argument} must be a list of {what}, not a single string: "
            f"write {argument}=[{value!r}]"
        )
    names = list(value)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"{argument} must hold {what} (text), not {type(name).__name__}")
    return names
