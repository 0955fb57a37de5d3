"""The documentation site (mkdocs.yml): every guide is in the navigation and every page it
names exists, the API reference names modules and members that exist, every screenshot is
shown, and — where MkDocs and its plugins are installed (the `docs` extra) — the site builds
with no warning, the catalogue's pages included."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

from aivoucher.render.catalog import catalogue_places
from aivoucher.ruleset.registry import bundled_rules

DOCS = ROOT / "docs"
CONFIG = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def _pages(nav: Any) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [page for entry in nav for page in _pages(entry)]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _pages(value)]
    return []


def test_the_navigation_holds_every_guide_and_only_pages_that_exist() -> None:
    pages = _pages(CONFIG["nav"])
    assert len(pages) == len(set(pages))
    assert all((DOCS / page).is_file() for page in pages)
    guides = {p.name for p in DOCS.glob("*.md")}
    assert guides <= set(pages)


def test_the_reference_names_what_exists() -> None:
    for page in sorted((DOCS / "reference").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        blocks = re.findall(r"^::: (\S+)\n((?:    .*\n)*)", text, flags=re.MULTILINE)
        assert blocks, page
        for target, options in blocks:
            try:
                obj: Any = importlib.import_module(target)
            except ModuleNotFoundError:
                module_name, _, attribute = target.rpartition(".")
                obj = getattr(importlib.import_module(module_name), attribute)
            for name in re.findall(r"^        - (\w+)$", options, flags=re.MULTILINE):
                assert hasattr(obj, name), f"{page.name}: {target}.{name}"


def test_every_screenshot_is_shown() -> None:
    page = (DOCS / "screenshots.md").read_text(encoding="utf-8")
    shots = sorted(p.name for p in (DOCS / "screenshots").glob("*.png"))
    assert shots and all(f"(screenshots/{name})" in page for name in shots)


def test_the_site_builds_without_a_warning(tmp_path: Path) -> None:
    for plugin in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python"):
        pytest.importorskip(plugin, reason="the docs extra: pip install -e '.[docs]'")
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", **os.environ},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for locale in ("en", "zh"):
        for place in catalogue_places(bundled_rules()):
            assert (site / "catalogue" / locale / place / "index.html").is_file()
    assert (site / "reference" / "aivoucher" / "index.html").is_file()
