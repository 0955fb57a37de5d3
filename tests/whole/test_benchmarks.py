"""benchmarks/run.py still runs: its rows are made and reported on tiny sizes. Nothing here
times anything (the machines are shared); the figures are docs/performance.md's."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT

pytest.importorskip("numpy")


@pytest.fixture(scope="module")
def run() -> ModuleType:
    path = ROOT / "benchmarks" / "run.py"
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location("benchmarks_run", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(path.parent))


def test_rows_are_made_and_reported_beside_their_targets(run: ModuleType) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        waits = run.fast_path_waits(20, 1) + run.api_waits(1)
        waits.append(run.from_json_wait(1, 1))
        if importlib.util.find_spec("pandas") is not None:
            # (text forms: each checked to give the category table's results)
            waits += run.batch_text_waits(50, 1) + run.batch_small_waits(1, n=3)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    rates = run.batch_rates(5, {"shenzhen.training-compute", "fujian.compute-purchase"})
    info = run.machine()
    section = run.waits_report(waits, rates, info, "benchmarks/run.py --quick")
    assert "Shenzhen" in section and "Chengdu" in section and "MB/s" in section
    assert "`compare` over every place" in section and "`vary` 2×2×27" in section
    for wait in waits:
        assert wait.met in ("yes", "no")
    by_key = {key: path for key, path, _, _ in rates}
    assert by_key["shenzhen.training-compute"] == "native"
    assert by_key["fujian.compute-purchase"] in ("native", "fallback")
    # the section replaces itself in the document, whatever was there before
    document = "# Performance\n\nIntro.\n- Date: x\n\n## Other\n"
    once = run.splice_waits(document, section)
    assert run.splice_waits(once, section) == once
    assert once.count(run.WAITS_START) == 1 and "## Other" in once


def test_the_commands_it_times_are_the_commands_there_are(run: ModuleType) -> None:
    from aivoucher.cli import _COMMANDS

    source = (ROOT / "benchmarks" / "run.py").read_text(encoding="utf-8")
    # `mcp` serves until its client leaves: nobody waits on it once per answer
    for command in set(_COMMANDS) - {"mcp"}:
        assert f'CLI, "{command}"' in source, command


def test_the_cli_rows_run_a_command_as_the_installed_script_does(
    run: ModuleType, tmp_path: Path
) -> None:
    env = run.child_env()
    assert "PYTHONDONTWRITEBYTECODE" not in env
    medians = run.interleaved({"version": [sys.executable, "-c", run.CLI, "--version"]}, 1, env)
    wall, cpu = medians["version"]
    assert wall > 0 and cpu >= 0
