"""In a running Jupyter kernel every ``.plot()`` shows its own chart: a notebook with several
plotting cells, in the kernel's own backend (no ``matplotlib.use``), has one image per cell."""

from __future__ import annotations

import pytest

CELLS = [
    """import aivoucher
plan = {"applicant": {"kind": "enterprise", "startup": True},
        "purchases": [{"item": "compute", "use": "training", "amount": "800万",
                       "signed": "2026-03-01", "chip_origin": "domestic"}]}
places = aivoucher.compare(plan, places=["成都", "深圳", "杭州"], as_of="2026-11-24")
curve = aivoucher.sweep(plan, ["0", "1000万", "2000万"], places=["成都", "深圳"],
                        as_of="2026-11-24")""",
    "places.plot()",
    "places.plot(locale='zh')",
    "curve.plot()",
    "curve.plot(place='chengdu', locale='zh')",
    "ax = curve.plot(locale='en')\nax.figure",
    # after pyplot is imported (the inline backend is active): still one image per cell
    "import matplotlib.pyplot as plt\nplaces.plot()",
    "places.plot(locale='en')",
]
PLOTTING = range(1, len(CELLS))


@pytest.fixture(scope="module")
def executed() -> list[list[dict[str, object]]]:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    return [cell.get("outputs", []) for cell in notebook.cells]


def test_every_plotting_cell_shows_one_image(executed: list[list[dict[str, object]]]) -> None:
    for index in PLOTTING:
        images = [
            output
            for output in executed[index]
            if "image/png" in output.get("data", {})  # type: ignore[operator]
        ]
        assert len(images) == 1, (CELLS[index], executed[index])


def test_no_cell_fails_or_warns(executed: list[list[dict[str, object]]]) -> None:
    for source, outputs in zip(CELLS, executed, strict=True):
        assert [o for o in outputs if o.get("name") == "stderr"] == [], source
