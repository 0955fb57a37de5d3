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


def test_which_place_pays_most(outputs: str) -> None:
    # known today: Chengdu first (no end date); Shenzhen's measure ends before the contract
    assert "0     1    Chengdu  4000000.00  4800000.00" in outputs
    assert " 1. Chengdu: 400万–480万 · seed article only — Compute voucher 400万–480万" in outputs
    # counted on renewals, Shenzhen's 训力券 pays 60% and comes first
    assert "('shenzhen', '4800000.00')" in outputs
    assert "Shenzhen shenzhen.training-compute 4800000.00" in outputs


def test_what_if_grid_and_value_of_a_fact(outputs: str) -> None:
    assert "11  hangzhou    False     foreign  2400000.00  4000000.00" in outputs
    assert "purchases[0].chip_origin [('domestic', '4000000.00', '4800000.00'), " in outputs


def test_spend_curves_and_slide(outputs: str) -> None:
    assert "Chengdu Compute voucher (high end) stops growing at CN¥8,333,333.34" in outputs
    assert "Shenzhen Training-compute voucher stops growing at CN¥16,666,666.67" in outputs
    assert "['Shenzhen', 'Chengdu']" in outputs  # the chart's legend
    assert "深圳市    480.0     480.0" in outputs  # the slide table in 万


def test_every_chart_shows_in_the_notebook(executed: Any) -> None:
    plotting = [c for c in executed.cells if c.cell_type == "code" and ".plot(" in c.source]
    assert len(plotting) >= 3
    for cell in plotting:
        shown = cell.source.rstrip().splitlines()[-1]
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        # a cell ending on the chart shows it, once; one that ends on a value shows that
        assert len(images) == (1 if ".plot(" in shown else 0), cell.source


def test_the_workbook(outputs: str) -> None:
    assert (
        "(['摘要', '各地比较', '各项资助', '计算步骤'], [('深圳市', 4800000), ('成都市', 4800000)])"
        in outputs
    )
