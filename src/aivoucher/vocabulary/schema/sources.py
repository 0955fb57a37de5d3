"""What a rule file says about itself: its sources, names, document, the readings it had to
make (ambiguities) and the program's earlier versions."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ...base.types import Date
from .fields import Confidence, Ident, Prose, Status, Strict, Text

__all__ = ["Ambiguity", "Document", "HistoryEntry", "Names", "Source"]


class Source(Strict):
    """A document the rule file relies on."""

    id: Ident
    title: Text
    url: Text | None = None
    seed: Text | None = Field(default=None, description="File name under shared/seeds.")
    date: Date | None = None
    confidence: Confidence = Field(
        description="official: read on a government site; copy: full official text reproduced "
        "elsewhere; report: news or secondary summary; seed: only in the seed articles."
    )
    quote: Text = Field(description="The passage relied on, verbatim.")
    language: Literal["zh", "en"] = Field(
        default="zh",
        description="The language of the source's wording: zh, or en for a text read only in "
        "English (a government's English pages, an English report); its quotes are English.",
    )
    note: Prose | None = None

    @model_validator(mode="after")
    def _locatable(self) -> Source:
        if self.url is None and self.seed is None:
            raise ValueError("a source needs a `url` or a `seed` file name")
        return self


class Names(Strict):
    zh: Text
    en: Text

    def text(self, locale: str) -> str:
        """The name in ``locale`` (``zh`` or ``en``)."""
        return self.zh if locale == "zh" else self.en


class Document(Strict):
    title: Text
    number: Text | None = None


class Ambiguity(Strict):
    """A point the text leaves open, and how this file reads it."""

    id: Ident
    question: Prose
    choice: Prose = Field(description="The interpretation this file encodes.")
    why: Prose


class HistoryEntry(Strict):
    """An earlier or draft version of the program, kept for the record."""

    version: Text
    status: Status
    date: Date
    summary: Prose
    source: Ident
