"""Every prose field of every bundled rule file is written in Chinese and English.

A prose field (summary, ambiguity question/choice/why, switch and qualification description,
history summary, ``rate.unpublished``, source note) given as a plain string is the legacy
English-only form; Chinese output would fall back to English there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from aivoucher.registry import bundled_rules, bundled_rules_dir
from aivoucher.schema import Program, Prose

# Rule files whose translation is under way elsewhere; empty this set once they are merged.
NOT_YET_TRANSLATED: set[str] = set()

# CJK unified ideographs (with extension A and the compatibility block).
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Four or more English words in a row: English prose, not an id, unit or short term.
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){3,}")


def _name(path: Path) -> str:
    return path.resolve().relative_to(bundled_rules_dir().resolve()).as_posix()


FILES = {_name(entry.path): entry.program for entry in bundled_rules()}


def prose_fields(node: object, path: str = "") -> Iterator[tuple[str, Prose]]:
    """Every :class:`Prose` value under ``node``, with its path (``ambiguities[2].why``)."""
    if isinstance(node, Prose):
        yield path, node
    elif isinstance(node, BaseModel):
        for field in type(node).model_fields:
            yield from prose_fields(getattr(node, field), f"{path}.{field}" if path else field)
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from prose_fields(item, f"{path}[{i}]")


def english_only(program: Program) -> list[str]:
    """The prose fields of ``program`` that have no Chinese text."""
    return [path for path, prose in prose_fields(program) if prose.zh is None]


def test_the_walk_finds_every_kind_of_prose_field() -> None:
    found = {
        re.sub(r"\[\d+\]", "[]", path)
        for program in FILES.values()
        for path, _ in prose_fields(program)
    }
    assert {
        "summary",
        "sources[].note",
        "ambiguities[].question",
        "ambiguities[].choice",
        "ambiguities[].why",
        "switches[].description",
        "qualifications[].description",
        "history[].summary",
        "rate.unpublished",
    } <= found


def test_a_plain_string_counts_as_english_only() -> None:
    program = next(iter(FILES.values()))
    legacy = program.model_copy(update={"summary": Prose.model_validate("English only")})
    assert "summary" in english_only(legacy)
    both = program.model_copy(update={"summary": Prose(zh="中文", en="English")})
    assert "summary" not in english_only(both)


def test_the_exemptions_name_bundled_files() -> None:
    assert NOT_YET_TRANSLATED.issubset(FILES)


@pytest.mark.parametrize("name", sorted(set(FILES) - NOT_YET_TRANSLATED))
def test_no_english_only_prose(name: str) -> None:
    assert english_only(FILES[name]) == []


ALL_PROSE = [
    (f"{name}:{path}", prose)
    for name, program in sorted(FILES.items())
    for path, prose in prose_fields(program)
]
PROSE = [pytest.param(prose, id=where) for where, prose in ALL_PROSE]
BILINGUAL = [pytest.param(prose, id=where) for where, prose in ALL_PROSE if prose.zh is not None]


@pytest.mark.parametrize("prose", BILINGUAL)
def test_chinese_is_chinese(prose: Prose) -> None:
    assert prose.zh is not None
    assert CJK.search(prose.zh), prose.zh
    assert not ENGLISH_RUN.search(prose.zh), prose.zh


@pytest.mark.parametrize("prose", PROSE)
def test_english_is_english(prose: Prose) -> None:
    # Chinese terms quoted in passing are fine; the sentence itself is English.
    ascii_letters = sum(c.isascii() and c.isalpha() for c in prose.en)
    assert ascii_letters > len(CJK.findall(prose.en)), prose.en
