"""MkDocs hook: the catalogue of programs, one page per place in English and in Chinese.

The pages are written by the library itself (:func:`aivoucher.render.catalog.place_markdown`
over :func:`aivoucher.bundled_rules`), so the site says what the rule files say, read and
validated as an estimate reads them. Nothing is written into docs/: the pages exist only in
the build (``mkdocs build`` / ``mkdocs serve``), and ``mkdocs serve`` rebuilds them when a rule
file changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from aivoucher.render.catalog import catalogue_places, place_markdown
from aivoucher.render.messages import messages
from aivoucher.ruleset.registry import RuleSet, bundled_rules_dir, load_rules

#: Where the generated pages go in the site, and the section's title in each language.
FOLDER = "catalogue"
LOCALES = ("en", "zh")

#: The rule files of the build under way, read afresh for each (``mkdocs serve`` rebuilds on a
#: change to them).
_rules: list[RuleSet] = []


def _current() -> RuleSet:
    return _rules[-1]


def _page(locale: str, place: str) -> str:
    return f"{FOLDER}/{locale}/{place}.md"


def _index(locale: str) -> str:
    return f"{FOLDER}/{locale}/index.md"


def on_config(config: Any) -> Any:
    """Add the catalogue to the navigation: per language, its index and a page per place."""
    _rules[:] = [load_rules(bundled_rules_dir())]
    rules = _current()
    section = []
    for locale in LOCALES:
        m = messages(locale)
        pages = [{m.place(place): _page(locale, place)} for place in catalogue_places(rules)]
        title = m.text("catalog.index_title")
        section.append({f"{title} ({locale})": [_index(locale), *pages]})
    if config.nav is not None:
        config.nav.append({"Programs by place · 按地区": section})
    return config


def on_files(files: Files, config: Any) -> Files:
    rules = _current()
    for locale in LOCALES:
        m = messages(locale)
        places = catalogue_places(rules)
        lines = [f"# {m.text('catalog.index_title')}", "", m.text("catalog.index_intro"), ""]
        lines += [f"- [{m.place(p)}]({p}.md)" for p in places]
        files.append(File.generated(config, _index(locale), content="\n".join(lines) + "\n"))
        for place in places:
            content = place_markdown(rules, place, locale)
            files.append(File.generated(config, _page(locale, place), content=content))
    return files


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    """``mkdocs serve`` also watches the rule files (the bundled ones, in a checkout)."""
    rules_dir = Path(bundled_rules_dir())
    if rules_dir.is_dir():
        server.watch(str(rules_dir))
    return server
