"""docs/notebooks/where-to-buy.ipynb runs from a clean kernel and answers its questions: the
key outputs are checked, not merely that the cells ran."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from conftest import ROOT

NOTEBOOK = ROOT / "docs" / "notebooks" / "where-to-buy.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    work = tmp_path_factory.mktemp("notebook")
    shutil.copy(NOTEBOOK, work / NOTEBOOK.name)
    notebook = nbformat.read(work / NOTEBOOK.name, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    client.execute()  # raises on the first cell that fails
    return notebook


@pytest.fixture(scope="module")
def outputs(executed: Any) -> str:
    texts = []
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            texts.append(str(output.get("text") or output.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


def test_the_notebook_uses_the_public_api_only() -> None:
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert "aivoucher." in text
    private_paths = ("aivoucher.registry", "aivoucher.engine", "._", "aivoucher.render")
    for private in (*private_paths, "aivoucher.ruleset", "aivoucher.evaluate"):
        assert private not in text


def test_the_answer_takes_ten_calls() -> None:
    import json
    import re

    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    marked = [int(n) for n in re.findall(r"# call (\d+)", code)]
    assert marked == list(range(1, 11))
    # every call of the library is marked: a function of aivoucher or a method of its results
    calls = re.findall(r"\b(?:aivoucher|places|where|solid|curve)\.[a-z_]+\(", code)
    assert len(calls) == len(marked), calls


def test_which_place_pays_most(outputs: str) -> None:
    # both totals and the confidence of the sources, in the decision view and the table
    assert " 1. Chengdu: 400万–480万 · seed article only — Compute voucher 400万–480万" in outputs
    assert "31. Shenzhen: 0; if renewed 480万 (Training-compute voucher ends 2026-12-17)" in outputs
    assert "seed article only" in outputs and "copy of the official text" in outputs


def test_what_to_find_out_and_prepare(outputs: str) -> None:
    assert "If ended programs were renewed: Shenzhen, 480万" in outputs
    assert "provider city: Guiyang → 400万–720万" in outputs  # an open fact, in words
    assert "whether Compute-service voucher, OPC compute voucher may both be paid" in outputs
    assert "Hangzhou compute voucher: no application guide found published" in outputs
    assert "purchases[" not in outputs  # facts are named in words, never as paths


def test_only_solid_sources(outputs: str) -> None:
    assert (
        "11. Chengdu: 0; left out for weaker sources: Compute voucher 400万–480万 "
        "(seed article only)" in outputs
    )


def test_files(outputs: str) -> None:
    assert "['where-to-register.html', 'where-to-register.xlsx']" in outputs


def test_every_chart_shows_in_the_notebook(executed: Any) -> None:
    plotting = [c for c in executed.cells if c.cell_type == "code" and ".plot(" in c.source]
    assert plotting
    for cell in plotting:
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(images) == 1, cell.source
