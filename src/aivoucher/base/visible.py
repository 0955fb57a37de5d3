"""Text for a terminal: control characters in data shown as escapes, never obeyed.

A purchase id, a district, a program's name or a quote comes from a file someone else may have
written. Printed raw, a newline in it starts a line of its own (a forged step with a forged
amount), an escape sequence recolours or retitles the terminal, a bidirectional override
reorders what follows. Every text view passes what it prints through :func:`visible` (lines
through :func:`joined`), which writes each such character as a Python-style escape (``\\n``,
``\\x1b``, ``\\u202e``): the text stays readable and each line of output stays one line.

Characters escaped: C0 controls (U+0000–U+001F, tab and newline included), DEL, C1 controls
(U+0080–U+009F), the line and paragraph separators U+2028/U+2029 (line breaks to many readers)
and the bidirectional marks and overrides (U+061C, U+200E, U+200F, U+202A–U+202E,
U+2066–U+2069).

Rule files refuse these characters in their text
(:func:`aivoucher.vocabulary.rule_text.refuse_control`, code
``rules.control_character``); profiles keep them (an id is the applicant's label, and every
path — a profile file, a table, the API — then gives the same answer), and they are escaped
wherever text is shown. JSON escapes C0 by its own encoding; :func:`json_text` escapes the
rest (C1, the separators and bidirectional controls) as ``\\uXXXX``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

__all__ = [
    "CONTROL",
    "joined",
    "json_text",
    "markup",
    "visible",
]

#: The characters :func:`visible` escapes.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character written as an escape (``\\n``, ``\\x1b``)."""
    if CONTROL.search(text) is None:  # the common case: nothing to copy
        return text
    return CONTROL.sub(_escape, text)


def joined(lines: Iterable[str]) -> str:
    """``lines`` joined by newlines, each made :func:`visible` first: whatever a line holds,
    the result has exactly as many lines as were given."""
    return "\n".join(visible(line) for line in lines)


def markup(text: str) -> str:
    """``text`` for HTML: made :func:`visible`, then escaped (``<``, ``&``, quotes)."""
    return escape(visible(text))


#: What JSON's encoder leaves raw (it escapes only C0): DEL, C1, the separators and bidi
#: controls. They occur only inside JSON strings, where ``\\uXXXX`` is the same character.
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with the control characters its
    encoder leaves raw written as ``\\uXXXX``: the same data, nothing a terminal obeys."""
    if _JSON_RAW.search(text) is None:
        return text
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
