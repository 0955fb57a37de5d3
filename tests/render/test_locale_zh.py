"""Chinese output holds no English prose: every bundled program, through every renderer.

The scan strips what is English by nature — program and source ids, URLs, field paths, command
options, code, currency codes, seed file names — and flags any remaining run of two or more
English words. Rule-file prose still written in English only (``Prose.zh is None``) is being
translated; those exact strings are exempt, so that the test is strict about everything else.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from functools import cache

import pytest
from pydantic import BaseModel

import aivoucher
from aivoucher.render.catalog import program_rows
from aivoucher.render.report import report_html
from aivoucher.render.text import render_program, render_rows, render_text
from aivoucher.ruleset.registry import bundled_rules
from aivoucher.vocabulary.schema import Program

# What is English by nature, in the order it is stripped.
_NOT_PROSE = [
    re.compile(r"https?://\S+"),  # URLs
    re.compile(r"`[^`]*`"),  # code
    re.compile(r"--[a-z][\w-]*(?: [a-z][\w-]*)?"),  # command options: --assume name
    re.compile(r"\b\d+_[\w.-]+\.txt\b"),  # seed file names
    re.compile(r"\b[a-z_]+(?:\[\d+\])?(?:\.[a-z0-9_][\w-]*)+(?:@[\w-]+)?"),  # ids, field paths
    re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b"),  # kebab-case ids (qualifications, switches)
    re.compile(r"\bCN¥|\bCNY\b|<Estimate\b|<Award\b"),  # currency codes, repr tags
]
_ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ ,;:]+[A-Za-z][A-Za-z'’]*)+")


def _collapsed(text: str) -> str:
    """Whitespace as a wrapped line may have it: runs collapsed, and none beside a Chinese
    character (a terminal line may break between any two of them)."""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ?([^\x00-\x7f]) ?", r"\1", text)


def english_prose(text: str, exempt: Iterable[str] = ()) -> list[str]:
    """Runs of two or more English words in ``text`` once the ``exempt`` strings, ids, URLs,
    field paths, options, code and currency codes are taken out. Whitespace is compared
    collapsed, so that wrapped lines still match their exempt phrase."""
    text = _collapsed(text)
    for phrase in sorted({_collapsed(p) for p in exempt}, key=len, reverse=True):
        text = text.replace(phrase, " ")
    for pattern in _NOT_PROSE:
        text = pattern.sub(" ", text)
    return [m.group(0) for m in _ENGLISH_RUN.finditer(text)]


def html_text(document: str) -> str:
    """The text a browser shows: tags and the style block removed, entities decoded."""
    document = re.sub(r"<style>.*?</style>", " ", document, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", document))


def _quoted(value: object, english: set[str]) -> Iterator[str]:
    """Every quote in ``value`` that cites one of the ``english`` sources."""
    if isinstance(value, BaseModel):
        if getattr(value, "source", None) in english and getattr(value, "quote", None):
            yield str(value.quote)
        for name in type(value).model_fields:
            yield from _quoted(getattr(value, name), english)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _quoted(item, english)


@cache
def english_sources() -> frozenset[str]:
    """What the rule files quote from sources read only in English (a government's English
    pages, an English report): verbatim wording, like the Chinese quotes, not our prose."""
    out: set[str] = set()
    for program in bundled_rules().programs:
        english = [s for s in program.sources if s.language == "en"]
        out.update(t for s in english for t in (s.title, s.quote))
        out.update(_quoted(program, {s.id for s in english}))
    return frozenset(out)


def _check(what: str, text: str) -> None:
    found = english_prose(text, english_sources())
    assert not found, f"English prose in the Chinese {what}: {found[:5]}"


def test_scanner_flags_prose_and_spares_ids() -> None:
    assert english_prose("补贴比例 rate not published") == ["rate not published"]
    assert english_prose("见 shenzhen.training-compute 与 purchases[0].amount") == []
    assert english_prose("启用 `--assume early small` 与 --assume shanghai-early-small") == []
    assert english_prose("来源 https://example.gov.cn/a b 与 CN¥4,800,000.00、CNY") == []
    assert english_prose("未提供 applicant.startup（初创企业）") == []
    assert english_prose("The measure is silent.", ["The measure is silent."]) == []
    assert english_prose("单词 AI 与 OPC") == []  # single words (acronyms, names) pass


PROGRAMS = sorted(bundled_rules().programs, key=lambda p: p.key)


def _examples(program: Program) -> Iterator[aivoucher.Estimate]:
    for example in program.examples:
        yield aivoucher.estimate(example.profile, as_of=example.as_of, include_all=True)


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.key)
def test_show_in_chinese(program: Program) -> None:
    _check(f"show {program.key}", render_program(program, "zh", 100))


def test_programs_in_chinese() -> None:
    rows = program_rows(bundled_rules(), locale="zh")
    _check("programs", render_rows(rows, "zh"))


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.key)
def test_estimate_and_report_in_chinese(program: Program) -> None:
    for est in _examples(program):
        for detail in ("summary", "concise", "verbose"):
            _check(f"estimate ({detail}) of {program.key}", render_text(est, "zh", detail))
        _check(f"notebook view of {program.key}", html_text(est.to_html(locale="zh")))
        _check(f"report of {program.key}", html_text(report_html(est, "zh")))
        aivoucher.set_locale("zh")
        try:
            _check(f"repr of {program.key}", repr(est) + "".join(repr(a) for a in est.awards))
        finally:
            aivoucher.set_locale("en")
