"""The Python API: lazy loading, estimates, renderers."""

import subprocess
import sys
from decimal import Decimal

import pytest
from conftest import estimate_json, profile

import aivoucher
from aivoucher.errors import InputError, UnknownProgramError

SHENZHEN = profile(
    {"id": "gpu", "item": "compute", "use": "training", "amount": "800万", "signed": "2025-03-01"},
    startup=True,
)


def test_import_reads_no_rule_files() -> None:
    code = "import sys, aivoucher; print('aivoucher.ruleset.registry' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_import_loads_no_pydantic_yaml_or_babel() -> None:
    code = (
        "import sys, aivoucher; "
        "print(sorted(m for m in ('pydantic', 'yaml', 'babel', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_public_name_resolves() -> None:
    code = (
        "import sys, aivoucher\n"
        "for name in aivoucher.__all__:\n"
        "    assert getattr(aivoucher, name) is not None, name\n"
        "assert set(aivoucher.__all__) <= set(dir(aivoucher))\n"
        "print(aivoucher.Profile.__module__, aivoucher.format_money.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["aivoucher.vocabulary.profile", "aivoucher.base.money"]
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        aivoucher.nonsense  # noqa: B018


def test_estimate_selects_programs_and_versions() -> None:
    est = aivoucher.estimate(SHENZHEN, programs=["shenzhen.training-compute"], as_of="2025-06-30")
    assert [a.id for a in est.awards] == ["shenzhen.training-compute"]
    assert est.total_high == Decimal("4800000")
    # a program named explicitly but not in force is reported, not dropped
    est = aivoucher.estimate(SHENZHEN, programs=["shenzhen.training-compute"], as_of="2024-01-01")
    assert est.awards[0].eligible is False
    assert est.awards[0].reasons[0].code == "not_in_force"
    # by default only programs in force; with include_all, drafts too
    plain = aivoucher.estimate(SHENZHEN, as_of="2025-06-30")
    everything = aivoucher.estimate(SHENZHEN, as_of="2025-06-30", include_all=True)
    assert len(everything.awards) > len(plain.awards)
    assert "chengdu.scenario-award@2025-04-draft" in {a.program.key for a in everything.awards}


def test_estimate_errors_are_typed() -> None:
    with pytest.raises(UnknownProgramError):
        aivoucher.estimate(SHENZHEN, programs=["nowhere.voucher"])
    with pytest.raises(InputError, match="as_of"):
        aivoucher.estimate(SHENZHEN, as_of="2025-02-30")
    with pytest.raises(aivoucher.ProfileError):
        aivoucher.estimate({"applicant": {}})


def test_renderers() -> None:
    est = aivoucher.estimate(SHENZHEN, as_of="2025-06-30")
    html = est._repr_html_()
    assert "<table" in html and "480万" in html and "<script" not in html
    assert "480万" in est.award("shenzhen.training-compute")._repr_html_()
    assert "480万（¥4,800,000.00）" in est.to_text(locale="zh")
    assert '"high": "4800000"' in est.to_json()
    assert estimate_json(est.to_json())["schema_version"] == 3
    with pytest.raises(InputError, match="locale"):
        est.to_text(locale="fr")


def test_html_escapes_user_text() -> None:
    data = profile(
        {
            "id": "<b>x</b>",
            "item": "compute",
            "use": "training",
            "amount": "1万",
            "signed": "2025-03-01",
        }
    )
    html = aivoucher.estimate(data, as_of="2025-06-30")._repr_html_()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
