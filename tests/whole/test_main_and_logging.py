"""``python -m aivoucher`` runs the command line; the library logs through
``logging.getLogger("aivoucher")``, silent unless the application configures logging."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, rule, write_rule

import aivoucher
from aivoucher.ruleset.registry import bundled_rules, load_rules


def test_python_m_runs_the_command_line() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "aivoucher", "programs", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)["programs"]) == len(bundled_rules())
    bad = subprocess.run(
        [sys.executable, "-m", "aivoucher", "estimate", "no-such-file.yaml"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_the_library_logger_has_a_null_handler() -> None:
    bundled_rules()
    handlers = logging.getLogger("aivoucher").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_debug_events_for_loading_and_version_choice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_rule(tmp_path / "rules", rule())
    with caplog.at_level(logging.DEBUG, logger="aivoucher"):
        rules = load_rules(tmp_path / "rules")
        aivoucher.estimate(
            {
                "applicant": {"kind": "enterprise", "city": "shenzhen"},
                "purchases": [{"item": "compute", "amount": "100万", "signed": "2025-03-01"}],
            },
            as_of="2025-06-30",
            rules=rules,
        )
    messages = [(r.name, r.getMessage()) for r in caplog.records]
    assert any(n == "aivoucher.rules" and "loaded 1 rule files" in t for n, t in messages)
    assert any(
        n == "aivoucher.versions" and t.startswith("shenzhen.test-voucher on 2025-06-30")
        for n, t in messages
    )


def test_a_fallback_to_the_scalar_engine_is_logged(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    np = pytest.importorskip("numpy")
    from conftest import prorated_rule, write_rule

    from aivoucher import batch
    from aivoucher.ruleset.registry import load_rules

    # a contract prorated over a base period without rounding at each step: the scalar engine
    # runs it
    write_rule(tmp_path, prorated_rule())
    table = {
        "applicant": np.array([1], dtype=np.int64),
        "applicant.kind": np.array(["enterprise"]),
        "applicant.city": np.array(["shenzhen"]),
        "purchase.item": np.array(["compute"]),
        "purchase.amount_fen": np.array([100_000_000], dtype=np.int64),
        "purchase.signed": np.array(["2025-03-01"], dtype="datetime64[D]"),
    }
    rules = load_rules(tmp_path)
    with caplog.at_level(logging.DEBUG, logger="aivoucher"):
        result = batch.evaluate("shenzhen.test-voucher", table, as_of="2025-12-31", rules=rules)
    fallbacks = [r.getMessage() for r in caplog.records if r.name == "aivoucher.batch"]
    assert result.scalar_applicants == 1
    assert fallbacks == [
        "shenzhen.test-voucher: 1 applicants (1 rows) evaluated by the scalar engine for "
        "shenzhen.test-voucher"
    ]
