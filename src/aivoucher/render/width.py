"""Terminal widths: Chinese characters take two columns (``unicodedata.east_asian_width``), and
lines wrap at spaces in Latin text and between any two wide characters."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..base.visible import visible

__all__ = ["pad", "width", "wrap"]

# Chinese punctuation that must not begin a line (it stays with the character before it).
_NO_START = frozenset("，。、：；！？）》」』”’")


@lru_cache(maxsize=4096)  # bounded: text from a profile may hold any character
def _cells(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal."""
    if text.isascii():  # no ASCII character is wide or combining: one column each
        return len(text)
    return sum(map(_cells, text))


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` (unchanged if already wider)."""
    return text + " " * max(0, columns - width(text))


def _tokens(text: str) -> list[str]:
    """Words with their trailing space; each wide character is a token of its own, so that a
    line may break between two of them."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch in _NO_START and not word and out and not out[-1].endswith(" "):
            out[-1] += ch  # kept with the character before it, and measured with it
        elif _cells(ch) == 2:
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        elif ch == " ":
            out.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        out.append(word)
    return out


def wrap(text: str, columns: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    """``text`` as lines of at most ``columns`` (a word longer than a line stays whole); a
    control character in it is measured as the escape it is shown as (aivoucher.base.visible)."""
    text = visible(text)
    later = indent if subsequent is None else subsequent
    lines: list[str] = []
    line, used = indent, width(indent)
    fresh = True
    for token in _tokens(text):
        w = width(token.rstrip(" "))
        # A fresh line whose indent (a heading) is wider than the continuation indent still
        # breaks, so that a long first word moves under it rather than past the margin.
        room = not fresh or width(line) > width(later)
        if room and used + w > columns:
            lines.append(line.rstrip(" "))
            line, used, fresh = later, width(later), True
            if token.strip() == "":
                continue
        line += token
        used += width(token)
        fresh = False
    lines.append(line.rstrip(" "))
    return lines
