"""Every prose field of every rule file is written in Chinese and English.

A prose field (summary, ambiguity question/choice/why, switch and qualification description,
history summary, ``rate.unpublished``, source note) must be a ``{zh, en}`` mapping: the schema
refuses a plain string, and these tests check that each side is in its language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from aivoucher.ruleset.registry import bundled_rules, bundled_rules_dir
from aivoucher.vocabulary.schema import Prose

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


def test_a_plain_string_is_refused() -> None:
    with pytest.raises(ValidationError, match="both languages"):
        Prose.model_validate("English only")
    with pytest.raises(ValidationError):
        Prose.model_validate({"en": "English only"})
    assert Prose(zh="中文", en="English").text("zh") == "中文"


ALL_PROSE = [
    (f"{name}:{path}", prose)
    for name, program in sorted(FILES.items())
    for path, prose in prose_fields(program)
]
PROSE = [pytest.param(prose, id=where) for where, prose in ALL_PROSE]


@pytest.mark.parametrize("prose", PROSE)
def test_chinese_is_chinese(prose: Prose) -> None:
    assert CJK.search(prose.zh), prose.zh
    assert not ENGLISH_RUN.search(prose.zh), prose.zh


@pytest.mark.parametrize("prose", PROSE)
def test_english_is_english(prose: Prose) -> None:
    # Chinese terms quoted in passing are fine; the sentence itself is English.
    ascii_letters = sum(c.isascii() and c.isalpha() for c in prose.en)
    assert ascii_letters > len(CJK.findall(prose.en)), prose.en
