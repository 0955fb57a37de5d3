"""The catalogue's page per place (the documentation site's, in Chinese and English): every
program on the page of its place, once, with its sources; written by the library."""

from __future__ import annotations

import pytest

from aivoucher.errors import UnknownCityError
from aivoucher.render.catalog import catalogue_places, place_markdown
from aivoucher.render.messages import messages
from aivoucher.ruleset.registry import bundled_rules

RULES = bundled_rules()


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_every_program_is_on_the_page_of_its_place(locale: str) -> None:
    m = messages(locale)
    seen: list[str] = []
    for place in catalogue_places(RULES):
        page = place_markdown(RULES, place, locale)
        lines = page.splitlines()
        assert lines[0] == f"# {m.place(place)}"
        headings = [line[3:] for line in lines if line.startswith("## ")]
        programs = [p for p in RULES.programs if p.jurisdiction == place]
        assert sorted(headings) == sorted(p.key for p in programs)
        # the table: one row per program, linking to its entry
        assert sum(1 for line in lines if line.startswith("| [`")) == len(programs)
        for p in programs:  # each source is listed, with its wording
            for s in p.sources:
                assert s.quote in page
        seen += headings
    assert sorted(seen) == sorted(p.key for p in RULES.programs)


def test_the_pages_speak_their_language() -> None:
    en = place_markdown(RULES, "shenzhen", "en")
    zh = place_markdown(RULES, "shenzhen", "zh")
    assert en.startswith("# Shenzhen\n") and "Training-compute voucher" in en
    assert zh.startswith("# 深圳市\n") and "**训力券**" in zh
    assert "Sources" in en and "来源" in zh


def test_a_place_without_programs_is_refused() -> None:
    with pytest.raises(UnknownCityError) as info:
        place_markdown(RULES, "atlantis")
    assert (info.value.code, info.value.field) == ("city.unknown", "place")
