"""The YAML/JSON reader refuses what could hurt, and says where."""

from decimal import Decimal
from pathlib import Path

import pytest

from aivoucher.base.documents import (
    PROFILE_LIMITS,
    RULE_LIMITS,
    Limits,
    load_document,
    parse_json,
    parse_yaml,
)
from aivoucher.base.problems import lines_of
from aivoucher.errors import YamlError


def test_plain_yaml_becomes_plain_data() -> None:
    data = parse_yaml("a: 1\nb: 1.50\nc: [x, 'y']\nd: 2025-02-30\ne: null\nf: yes\ng: '7'\n")
    assert data == {
        "a": 1,
        "b": Decimal("1.50"),
        "c": ["x", "y"],
        "d": "2025-02-30",
        "e": None,
        "f": True,
        "g": "7",
    }
    assert isinstance(data["b"], Decimal)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: 1\na: 2\n", "duplicate key 'a'", 2),
        ("x: &a [1]\ny: *a\n", "anchors", 1),
        ("x: !!python/object/apply:os.system ['echo hi']\n", "tag", 1),
        ("x: !!python/name:os.system\n", "tag", 1),
        ("x: !custom 1\n", "tag", 1),
        ("<<: {a: 1}\n", "merge keys", 1),
        ("a: [1, 2\n", "malformed YAML", None),
        ("a: 1\n---\nb: 2\n", "only one YAML document", 2),
        ("? [1, 2]\n: x\n", "plain value", 1),
    ],
)
def test_refusals_name_the_line(text: str, message: str, line: int | None) -> None:
    with pytest.raises(YamlError) as info:
        parse_yaml(text, source="f.yaml")
    assert message in str(info.value)
    assert info.value.file == "f.yaml"
    if line is not None:
        assert info.value.line == line


def test_billion_laughs_is_refused_at_once() -> None:
    bomb = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        bomb += f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    with pytest.raises(YamlError, match="anchors"):
        parse_yaml(bomb)


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    with pytest.raises(YamlError, match="nested deeper"):
        parse_yaml("[" * 100_000 + "]" * 100_000)
    with pytest.raises(YamlError, match="nested deeper"):
        parse_yaml("a:\n" + "".join("  " * i + "b:\n" for i in range(1, 60)))


def test_node_and_size_limits() -> None:
    small = Limits(max_bytes=100, max_nodes=5)
    with pytest.raises(YamlError, match="more than 5 values"):
        parse_yaml("[1, 2, 3, 4, 5, 6]", limits=small)
    with pytest.raises(YamlError, match="too large"):
        parse_yaml("x" * 200, limits=small)


def test_files_too_large_or_not_utf8(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (RULE_LIMITS.max_bytes + 10))
    with pytest.raises(YamlError, match="too large") as info:
        load_document(big, RULE_LIMITS)
    assert info.value.file == str(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("a: 1\nb: caf\xe9\n".encode("latin-1"))
    with pytest.raises(YamlError, match="not valid UTF-8") as info:
        load_document(latin, PROFILE_LIMITS)
    assert info.value.line == 2
    with pytest.raises(YamlError, match="cannot read"):
        load_document(tmp_path / "missing.yaml", PROFILE_LIMITS)


def test_bom_is_accepted(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_bytes("\ufeffa: 1\n".encode())
    assert load_document(f, PROFILE_LIMITS) == {"a": 1}


def test_json_numbers_are_decimal_and_constants_refused() -> None:
    assert parse_json('{"a": 1.10}') == {"a": Decimal("1.10")}
    with pytest.raises(YamlError, match="NaN"):
        parse_json('{"a": NaN}')
    with pytest.raises(YamlError, match="duplicate key"):
        parse_json('{"a": 1, "a": 2}')
    with pytest.raises(YamlError) as info:
        parse_json('{\n"a": }')
    assert info.value.line == 2


def test_lines_of_finds_nested_fields() -> None:
    text = "applicant:\n  kind: enterprise\npurchases:\n  - item: compute\n    amount: 12 bananas\n"
    paths = [("purchases", 0, "amount"), ("applicant", "kind"), ("purchases", 0, "nope")]
    lines = lines_of(text, paths)
    assert lines[("purchases", 0, "amount")] == 5
    assert lines[("applicant", "kind")] == 2
    assert lines[("purchases", 0, "nope")] == 4  # nearest ancestor
