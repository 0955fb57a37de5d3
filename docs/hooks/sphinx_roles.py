"""Griffe extension: the docstrings' reStructuredText roles as Markdown, for mkdocstrings.

The docstrings are written for readers of the source and of ``help()``: cross-references as
Sphinx roles (``:class:`~aivoucher.vocabulary.result.Estimate```) and literal blocks introduced
by ``::``. The site shows a role as code (the last part of the path where it starts with ``~``,
or the text of ``text <target>``) and ``::`` as ``:`` before the indented block, which Markdown
already shows as code.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|attr|data|mod|exc|obj|const|py:\w+):`([^`]+)`")
_LITERAL = re.compile(r"(\S)::$", flags=re.MULTILINE)


def _code(match: re.Match[str]) -> str:
    target = match.group(1)
    label = re.fullmatch(r"(.+?)\s*<[^>]+>", target)
    if label:
        target = label.group(1)
    elif target.startswith("~"):
        target = target[1:].rsplit(".", 1)[-1]
    return f"`{target}`"


def markdown(text: str) -> str:
    """``text`` with its roles as code and its ``::`` as ``:``."""
    return _LITERAL.sub(r"\1:", _ROLE.sub(_code, text))


class SphinxRoles(griffe.Extension):
    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        docstring = getattr(obj, "docstring", None)
        if docstring is not None:
            docstring.value = markdown(docstring.value)
