"""Rule files quote their sources verbatim: seed quotes against the seed articles, others against
the research record, and docs/programs.md is current."""

import pytest
from conftest import ROOT

from aivoucher.render.catalog import catalogue_markdown
from aivoucher.ruleset.registry import bundled_rules

SHARED = ROOT.parent / "shared"


def _quotes() -> list[tuple[str, str, str]]:
    out = []
    for p in bundled_rules().programs:
        cited = [(c.source, c.quote) for _, c in p._cited() if c.source and c.quote]
        cited += [(s.id, s.quote) for s in p.sources]
        for sid, quote in sorted(set(cited)):
            out.append((p.key, sid, quote))
    return out


@pytest.mark.skipif(not SHARED.is_dir(), reason="the research folder is not beside this checkout")
def test_quotes_are_verbatim() -> None:
    """Every quote stands in the seed article or the research notes it cites, unless the rule
    file records (``checked:``) the day its texts were read from the pages themselves."""
    notes = "\n".join(
        (SHARED / "research" / name).read_text(encoding="utf-8").replace('\\"', '"')
        for name in ("policies.md", "policies-2026.md", "policies-2026-12.md")
    )
    seeds = {p.name: p.read_text(encoding="utf-8") for p in (SHARED / "seeds").glob("*.txt")}
    missing = []
    for key, sid, quote in _quotes():
        program = next(p for p in bundled_rules().programs if p.key == key)
        source = next(s for s in program.sources if s.id == sid)
        text = seeds[source.seed] if source.seed else notes
        for part in quote.split("…"):
            if part and part not in text:
                if not source.seed and program.checked is not None:
                    # read from the page itself (the notes paraphrase it, or were written
                    # before it was found) on the date the rule file records
                    continue
                missing.append(f"{key} [{sid}]: {part}")
    assert not missing, "\n".join(missing)


def test_programs_catalogue_is_current() -> None:
    on_disk = (ROOT / "docs" / "programs.md").read_text(encoding="utf-8")
    assert on_disk == catalogue_markdown(bundled_rules()), (
        "run: aivoucher programs --format markdown > docs/programs.md"
    )


def test_every_program_of_the_research_notes_is_listed() -> None:
    ids = {p.id for p in bundled_rules().programs}
    expected = {
        "shenzhen.training-compute",
        "shenzhen.corpus-voucher",
        "shenzhen.model-voucher",
        "chengdu.compute-voucher",
        "chengdu.model-usage",
        "chengdu.scenario-award",
        "wuhan.compute-voucher",
        "wuhan.opc-compute",
        "wuhan.llm-rd",
        "dongguan.compute-voucher",
        "beijing.compute-voucher",
        "hangzhou.compute-voucher",
        "hangzhou.smart-voucher",
        "shanghai.compute-voucher",
        "shanghai.model-voucher",
        "shanghai.corpus-voucher",
        "shanghai.llm-rent",
        "tianjin.compute-voucher",
        "guizhou.compute-voucher",
        "nanjing.compute-voucher",
        "anhui.compute-subsidy",
        "shandong.compute-voucher",
        "nanning.compute-voucher",
        "qingyang.compute-voucher",
        "zhangzhou.compute-voucher",
        "zhangzhou.model-voucher",
        "zhangzhou.labeling-voucher",
        "langfang.compute-voucher",
        "yangzhou.compute-voucher",
        "nanjing.llm-rd",
        "suzhou.general-llm-award",
        "suzhou.core-tech",
        "suzhou.first-set-equipment",
        "chengdu.top100-award",
        "shenzhen.basic-research",
        "suzhou.scenario-award",
        "suzhou.corpus-purchase",
    }
    assert expected <= ids, sorted(expected - ids)
