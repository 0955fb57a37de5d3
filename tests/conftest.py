"""Shared helpers: minimal valid rule files and profiles to vary in tests."""

from __future__ import annotations

import atexit
import copy
import json
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings

from aivoucher.evaluate.engine import Plan, compile_program
from aivoucher.vocabulary.schema import Program

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"

# The cache of rule files as read (aivoucher.ruleset.cache): the suite loads hundreds of
# temporary rule sets, so it keeps their caches in a directory of its own (the CLI's
# subprocesses inherit it), not in the developer's.
if "AIVOUCHER_CACHE_DIR" not in os.environ:
    _cache_dir = tempfile.mkdtemp(prefix="aivoucher-test-cache-")
    os.environ["AIVOUCHER_CACHE_DIR"] = _cache_dir
    atexit.register(shutil.rmtree, _cache_dir, ignore_errors=True)

# Generated tables and profiles can be large; hypothesis versions differ in when they call
# that a health problem, so the suite does not depend on it.
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "deep",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SOURCE = {
    "id": "text",
    "title": "测试文件",
    "url": "https://example.gov.cn/notice",
    "confidence": "official",
    "quote": "按不超过合同金额的50%给予最高100万元资助",
}


#: What the command line reads its language from (docs: "Language"); cleared for every test,
#: so that no test depends on the machine's locale. Tests of the language set them.
LOCALE_VARIABLES = ("AIVOUCHER_LOCALE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True, scope="session")
def _english_environment() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        for name in LOCALE_VARIABLES:
            patch.delenv(name, raising=False)
        yield


def rule(**overrides: Any) -> dict[str, Any]:
    """A minimal valid rule file as data: 50% of compute contracts, 100万 per applicant-year."""
    data: dict[str, Any] = {
        "id": "shenzhen.test-voucher",
        "jurisdiction": "shenzhen",
        "name": {"zh": "测试券", "en": "Test voucher"},
        "status": "in_force",
        "effective": {"from": "2025-01-01", "source": "text", "quote": "自2025年1月1日起施行"},
        "issuer": "测试局",
        "document": {"title": "测试文件"},
        "sources": [copy.deepcopy(SOURCE)],
        "eligibility": [
            {"fact": "applicant.city", "in": ["shenzhen"], "source": "text", "quote": "在深注册"},
            {"fact": "purchase.item", "in": ["compute"], "source": "text", "quote": "算力"},
        ],
        "base": {"of": "contract", "source": "text", "quote": "合同金额"},
        "rate": {"tiers": [{"rate": "50%", "source": "text", "quote": "不超过合同金额的50%"}]},
        "caps": [
            {"per": "applicant_year", "amount": "100万", "source": "text", "quote": "最高100万元"}
        ],
        "examples": [
            {
                "name": "a 100万 contract gets 50万",
                "as_of": "2025-06-30",
                "profile": profile(amount="100万"),
                "expect": {"amount": "50万"},
            }
        ],
    }
    data.update(overrides)
    return data


def profile(
    *purchases: dict[str, Any], amount: str | None = None, **applicant: Any
) -> dict[str, Any]:
    """A Shenzhen enterprise's profile; ``amount`` adds one compute purchase signed in 2025."""
    app = {"kind": "enterprise", "city": "shenzhen", **applicant}
    items = list(purchases)
    if amount is not None:
        items.append({"item": "compute", "amount": amount, "signed": "2025-03-01"})
    return {"applicant": app, "purchases": items}


@cache
def _estimate_validator() -> Any:
    from jsonschema import Draft202012Validator

    from aivoucher.render.schema_export import estimate_schema

    schema = estimate_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def estimate_json(text: str) -> dict[str, Any]:
    """Parse an estimate's JSON, checking it against the published JSON Schema
    (``aivoucher schema --output estimate``): every estimate JSON the suite reads goes through
    here."""
    data = json.loads(text)
    problems = [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in _estimate_validator().iter_errors(data)
    ]
    assert not problems, problems[:5]
    assert isinstance(data, dict)
    return data


def plan(**overrides: Any) -> Plan:
    return compile_program(Program.model_validate(rule(**overrides)))


def prorated_rule() -> dict[str, Any]:
    """:func:`rule` with its base prorated over a base period (2025-03-01 to 2025-12-31)
    without rounding at each step, and its example dated inside it: a version the batch
    kernel leaves to the scalar engine (its share of days carries into every sum)."""
    cite = {"source": "text", "quote": "基准期"}
    period = {"from": "2025-03-01", "to": "2025-12-31", **cite}
    data = rule(base={"of": "contract", **cite, "prorate": period})
    data["examples"][0]["profile"]["purchases"][0].update(
        {"start": "2025-03-01", "end": "2025-12-31"}
    )
    return data


def json_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON value (keys and indices), the value's own ``()`` first."""
    out = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            out += json_paths(inner, (*path, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            out += json_paths(inner, (*path, i))
    return out


def write_rule(directory: Path, data: dict[str, Any], name: str | None = None) -> Path:
    city, program = data["id"].split(".", 1)
    target = directory / city / (name or f"{program}.yaml")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "rules"
    write_rule(directory, rule())
    return directory
