"""A non-editable install into a fresh virtual environment finds every bundled program.

Builds the wheel, installs it into a new venv and runs the installed command from a directory
outside the checkout, so nothing can be found by accident through the source tree.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

from conftest import ROOT

from aivoucher.ruleset.registry import bundled_rules


def _run(*args: str | Path, cwd: Path) -> str:
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_wheel_install_ships_the_rules(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT, cwd=tmp_path)
    wheel = next(dist.glob("aivoucher-*.whl"))
    with zipfile.ZipFile(wheel) as archive:  # the licence travels with the package
        assert any(
            name.endswith(".dist-info/licenses/LICENSE") or name.endswith(".dist-info/LICENSE")
            for name in archive.namelist()
        )
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    bin_dir = env / ("Scripts" if sys.platform == "win32" else "bin")
    _run(bin_dir / "python", "-m", "pip", "install", "-q", f"{wheel}[testing]", cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listing = json.loads(_run(bin_dir / "aivoucher", "programs", "--format", "json", cwd=elsewhere))
    assert len(listing["programs"]) == len(bundled_rules())
    assert listing["generator"]["rules"]["digest"] == bundled_rules().digest
    where = _run(
        bin_dir / "python",
        "-c",
        "import aivoucher.ruleset.registry as r; print(r.bundled_rules_dir())",
        cwd=elsewhere,
    )
    assert str(env) in where and "site-packages" in where
    out = _run(bin_dir / "aivoucher", "check", cwd=elsewhere)
    assert " 0 failed" in out
    kit = (
        "from aivoucher.testing import profiles_for, check_invariants\n"
        "from aivoucher.ruleset.registry import bundled_rules\n"
        "program = bundled_rules().get('chengdu.compute-voucher').program\n"
        "check_invariants(program, max_examples=20)\n"
        "print('invariants hold')"
    )
    assert "invariants hold" in _run(bin_dir / "python", "-c", kit, cwd=elsewhere)
