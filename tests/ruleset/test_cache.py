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


# -- the bundled programs, kept as validated ---------------------------------------------------


def _programs_file(directory: Path) -> Path:
    (found,) = directory.glob("programs-*.pickle")
    return found


def _no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("a rule file was validated")

    monkeypatch.setattr(registry, "_validated", refuse)
    monkeypatch.setattr(registry, "load_document", refuse)


def _counting_validation(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    validated: list[str] = []
    real = registry._validated

    def counting(data: Any, path: Any) -> Any:
        validated.append(str(path))
        return real(data, path)

    monkeypatch.setattr(registry, "_validated", counting)
    return validated


def _fields_set(value: Any) -> Any:
    """Every model's set fields, all the way down (equality of models does not compare them,
    and what a dump leaves out depends on them)."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        inner = {k: _fields_set(v) for k, v in value.__dict__.items()}
        return (type(value).__name__, sorted(value.model_fields_set), inner)
    if isinstance(value, (list, tuple)):
        return [_fields_set(v) for v in value]
    if isinstance(value, dict):
        return {k: _fields_set(v) for k, v in value.items()}
    return value


def test_the_bundled_programs_kept_are_those_a_full_validation_gives(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated = _fresh(RULES)  # every file read and validated; the programs kept
    assert _programs_file(cache_dir).stat().st_mode & 0o077 == 0
    with monkeypatch.context() as patch:
        _no_validation(patch)
        kept = _fresh(RULES)
        digest = kept.digest  # as kept, not computed again
    assert [e.path for e in kept] == [e.path for e in validated]
    for ours, theirs in zip(kept, validated, strict=True):
        assert type(ours.program) is type(theirs.program)
        assert ours.program == theirs.program
        assert _fields_set(ours.program) == _fields_set(theirs.program)
        assert ours.program.model_dump_json() == theirs.program.model_dump_json()
    assert digest == validated.digest
    kept._digest = None
    assert kept.digest == validated.digest  # the digest kept is the programs' own
    # and the same rule files give the same estimates
    from aivoucher.vocabulary.profile import load_profile

    profile = load_profile(RULES.parent / "examples" / "profiles" / "shenzhen-startup.yaml")
    ours_estimate = kept.estimate(profile, as_of="2025-06-30")
    theirs_estimate = validated.estimate(profile, as_of="2025-06-30")
    assert (ours_estimate.total_low, ours_estimate.total_high) == (
        theirs_estimate.total_low,
        theirs_estimate.total_high,
    )
    assert [a.program.key for a in ours_estimate.awards] == [
        a.program.key for a in theirs_estimate.awards
    ]


def test_each_bundled_file_validated_alone_gives_the_program_kept(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh(RULES)
    with monkeypatch.context() as patch:
        _no_validation(patch)
        kept = _fresh(RULES)
    for entry in kept:
        alone = registry.load_program(entry.path)  # the YAML, validated now
        assert alone == entry.program
        assert _fields_set(alone) == _fields_set(entry.program)


def test_a_user_rule_set_is_always_validated(
    rules_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh(rules_dir)
    assert not list(cache_dir.glob("programs-*.pickle"))
    validated = _counting_validation(monkeypatch)
    _fresh(rules_dir)
    assert len(validated) == len(registry.rule_files(rules_dir))


def _spoil_bytes(data: bytes) -> bytes:
    head, _, payload = data.partition(b"\n")
    middle = len(payload) // 2
    return head + b"\n" + payload[:middle] + bytes([payload[middle] ^ 0x20]) + payload[middle + 1 :]


def _resealed(data: bytes, payload: bytes) -> bytes:
    """``payload`` under the header of ``data``, its SHA-256 made to match (as someone who
    could write the file could)."""
    header = json.loads(data.partition(b"\n")[0])
    header["sha256"] = cache._sealed(header["key"], header["count"], header["digest"], payload)
    return json.dumps(header).encode() + b"\n" + payload


def _other_digest(data: bytes) -> bytes:
    """The header's rule set digest changed by one character, the payload untouched."""
    head, _, payload = data.partition(b"\n")
    header = json.loads(head)
    digest = header["digest"]
    header["digest"] = ("0" if digest[0] != "0" else "1") + digest[1:]
    return json.dumps(header).encode() + b"\n" + payload


@pytest.mark.parametrize(
    "spoil",
    [
        _spoil_bytes,  # one bit of the payload changed
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data.replace(b'"format": 1', b'"format": 0', 1),  # another layout
        lambda data: data.replace(b'"count": ', b'"count": 1', 1),  # another number of files
        _other_digest,  # another digest for the same programs
        lambda data: b"not json\n" + data,
        lambda data: b"",
        # a sealed payload that is not a pickle, or not a list of programs
        lambda data: _resealed(data, b"\x80\x05garbage"),
        lambda data: _resealed(data, __import__("pickle").dumps([1, 2, 3])),
    ],
)
def test_a_damaged_programs_file_is_not_used(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch, spoil: Any
) -> None:
    first = _fresh(RULES)
    stored = _programs_file(cache_dir)
    stored.write_bytes(spoil(stored.read_bytes()))
    validated = _counting_validation(monkeypatch)
    again = _fresh(RULES)
    assert len(validated) == len(first)  # every file validated again
    assert again.digest == first.digest
    assert [e.program for e in again] == [e.program for e in first]


class _Planted:
    """What a planted pickle would make the reader call, were it allowed to."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, ("echo planted >&2",))


def test_a_programs_file_naming_anything_but_the_models_runs_nothing(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pickle

    first = _fresh(RULES)
    stored = _programs_file(cache_dir)
    planted = pickle.dumps([*(e.program for e in list(first)[:-1]), _Planted()], protocol=5)
    assert b"system" in planted
    calls: list[Any] = []
    module = __import__(os.system.__module__)  # posix, where the pickle names it
    monkeypatch.setattr(module, "system", lambda *a: calls.append(a))
    stored.write_bytes(_resealed(stored.read_bytes(), planted))
    key = stored.stem.removeprefix("programs-")
    assert cache.read_programs(key, len(first)) is None
    assert calls == []
    validated = _counting_validation(monkeypatch)
    assert _fresh(RULES).digest == first.digest
    assert len(validated) == len(first)


def test_programs_kept_under_other_code_are_not_used(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a change to any source the validation depends on is a change of key: stand one in
    extra = tmp_path / "source.py"
    extra.write_text("A = 1\n", encoding="utf-8")
    real = cache._validation_sources

    def sources() -> Any:
        yield from real()
        yield extra

    package = Path(cache.__file__).resolve().parent.parent
    monkeypatch.setattr(cache, "_validation_sources", sources)
    monkeypatch.setattr(Path, "relative_to", _relative_or_name(Path.relative_to, package))
    _fresh(RULES)
    assert len(list(cache_dir.glob("programs-*.pickle"))) == 1
    extra.write_text("A = 2\n", encoding="utf-8")
    validated = _counting_validation(monkeypatch)
    _fresh(RULES)
    assert validated  # validated again, and kept under the new key
    assert len(list(cache_dir.glob("programs-*.pickle"))) == 2


def _relative_or_name(real: Any, package: Path) -> Any:
    def relative_to(self: Path, *other: Any, **kw: Any) -> Path:
        try:
            return real(self, *other, **kw)  # type: ignore[no-any-return]
        except ValueError:
            return Path(self.name)

    return relative_to


def test_the_programs_key_follows_the_versions_that_validate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pydantic.version

    before = cache.programs_key("k")
    assert before == cache.programs_key("k") and before != cache.programs_key("other")
    monkeypatch.setattr(pydantic.version, "VERSION", "0.0.0")
    assert cache.programs_key("k") != before


def test_no_programs_kept_when_the_cache_is_switched_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIVOUCHER_CACHE_DIR", "")
    validated = _counting_validation(monkeypatch)
    _fresh(RULES)
    _fresh(RULES)
    assert len(validated) == 2 * len(registry.rule_files(RULES))
    registry._load.cache_clear()
