"""The cache of rule files as read (aivoucher.ruleset.cache): a start reads JSON instead of
YAML, and gets exactly the rule set the YAML gives; a cache that is stale, altered, truncated
or writable by others is not used."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import RULES
from hypothesis import given, settings
from hypothesis import strategies as st

from aivoucher.ruleset import cache, registry

SAMPLE = ("shenzhen", "chengdu", "xiamen")  # three places: versions, tiers, ranges, drafts


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    for place in SAMPLE:
        shutil.copytree(RULES / place, target / place)
    return target


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = tmp_path / "cache"
    monkeypatch.setenv("AIVOUCHER_CACHE_DIR", str(directory))
    registry._load.cache_clear()
    yield directory
    registry._load.cache_clear()


def _fresh(directory: Path) -> registry.RuleSet:
    registry._load.cache_clear()  # the per-process memo: each call reads again
    return registry.load_rules(directory)


def _no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("a rule file was parsed from YAML")

    monkeypatch.setattr(registry, "load_document", refuse)


def _cache_file(directory: Path) -> Path:
    (found,) = directory.glob("rules-*.json")
    return found


def test_second_load_reads_the_cache_and_gives_the_same_rules(
    rules_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _fresh(rules_dir)
    assert _cache_file(cache_dir).stat().st_mode & 0o077 == 0
    _no_yaml(monkeypatch)
    second = _fresh(rules_dir)
    assert second.digest == first.digest
    assert [e.program for e in second] == [e.program for e in first]
    assert [e.path for e in second] == [e.path for e in first]


def test_the_bundled_rules_survive_the_cache_exactly(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _fresh(RULES)
    _no_yaml(monkeypatch)
    assert _fresh(RULES).digest == first.digest


def test_an_edited_rule_file_is_read_again(
    rules_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _fresh(rules_dir)
    path = rules_dir / "shenzhen" / "training-compute.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("amount: 1000万", "amount: 900万", 1),
        encoding="utf-8",
    )
    after = _fresh(rules_dir)
    assert after.digest != before.digest
    assert len(list(cache_dir.glob("rules-*.json"))) == 2  # one per content


@pytest.mark.parametrize(
    "spoil",
    [
        lambda text: text.replace("shenzhen", "beijing", 1),  # payload altered
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: text.replace('"format": 1', '"format": 0', 1),  # another layout
        lambda text: "not json\n" + text,
    ],
)
def test_an_altered_cache_is_not_used(
    rules_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, spoil: Any
) -> None:
    first = _fresh(rules_dir)
    stored = _cache_file(cache_dir)
    stored.write_text(spoil(stored.read_text(encoding="utf-8")), encoding="utf-8")
    parsed: list[str] = []
    real = registry.load_document

    def counting(path: Any, limits: Any) -> Any:
        parsed.append(str(path))
        return real(path, limits)

    monkeypatch.setattr(registry, "load_document", counting)
    assert _fresh(rules_dir).digest == first.digest
    assert parsed  # read from the YAML files


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_cache_others_may_write_is_not_used(rules_dir: Path, cache_dir: Path) -> None:
    _fresh(rules_dir)
    stored = _cache_file(cache_dir)
    key = stored.stem.removeprefix("rules-")
    assert cache.read_documents(key) is not None
    cache_dir.chmod(0o777)
    assert cache.read_documents(key) is None
    cache_dir.chmod(0o700)
    stored.chmod(0o666)
    assert cache.read_documents(key) is None
    stored.chmod(0o600)
    assert cache.read_documents(key) is not None


def test_no_cache_when_switched_off(
    rules_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIVOUCHER_CACHE_DIR", "")
    assert cache.cache_directory() is None
    assert len(_fresh(rules_dir)) > 0
    registry._load.cache_clear()


def test_an_invalid_rule_set_is_not_cached(
    rules_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (rules_dir / "shenzhen" / "broken.yaml").write_text("id: shenzhen.broken\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"broken"):
        _fresh(rules_dir)
    assert not list(cache_dir.glob("rules-*.json"))


# Documents as the YAML reader gives them: what the cache must give back unchanged.
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=20),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: "E" in str(d) or "." in str(d)
    ),
)
_documents = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=30,
)


@settings(max_examples=200)
@given(st.lists(_documents, max_size=4))
def test_documents_come_back_exactly_or_not_at_all(documents: list[Any]) -> None:
    payload = cache._encode(documents)
    if payload is None:  # refused: the files are read instead
        return
    back = json.loads(payload, parse_float=Decimal)
    assert cache._same(back, documents)


def test_a_decimal_json_would_read_as_an_integer_is_refused() -> None:
    assert cache._encode([Decimal("5")]) is None
    assert cache._encode([{"rate": Decimal("0.60")}]) == '[{"rate":0.60}]'


def test_the_cache_keeps_the_documents_as_read(
    rules_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = registry._validated

    def touching(data: Any, path: Any) -> Any:
        program = real(data, path)
        data["touched"] = True  # as a validator that changed what it was given would
        return program

    monkeypatch.setattr(registry, "_validated", touching)
    _fresh(rules_dir)
    _, payload = _cache_file(cache_dir).read_text(encoding="utf-8").split("\n", 1)
    assert "touched" not in payload
