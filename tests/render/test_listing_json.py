"""The program list and the JSON error document validate against their JSON Schemas, as every
JSON document aivoucher writes does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from aivoucher.cli import main
from aivoucher.render.listing_json import ErrorDocument, ProgramsDocument
from aivoucher.render.schema_export import SCHEMAS

jsonschema = pytest.importorskip("jsonschema")


def _schema(name: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["schema", "--output", name]) == 0
    schema: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert schema == SCHEMAS[name]()
    return schema


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--city", "shenzhen"],
        ["--city", "深圳", "--locale", "zh"],
        ["--as-of", "2030-01-01"],
    ],
)
def test_the_program_list_validates(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    schema = _schema("programs", capsys)
    assert main(["programs", "--format", "json", *args]) == 0
    document = json.loads(capsys.readouterr().out)
    jsonschema.validate(document, schema)
    ProgramsDocument.model_validate(document)
    assert document["programs"]


def _profile(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


BAD = {
    "applicant": {"kind": "enterprise", "city": "shenzen"},
    "purchases": [{"item": "compute", "amount": "-5", "signed": "2025-03-01", "colour": 1}],
}


@pytest.mark.parametrize(
    "command",
    [
        lambda p: ["estimate", p, "--format", "json"],
        lambda p: ["estimate", p, "--format", "json", "--locale", "zh"],
        lambda p: ["compare", p + ".absent", "--format", "json"],
        lambda p: ["estimate", "--format", "json"],  # the command line itself is wrong
        lambda p: ["--rules", "/nonexistent", "programs", "--format", "json"],
    ],
)
def test_every_json_error_validates(
    command: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = _schema("error", capsys)
    assert main(command(_profile(tmp_path, BAD))) == 2
    document = json.loads(capsys.readouterr().err)
    jsonschema.validate(document, schema)
    ErrorDocument.model_validate(document)
    assert document["generator"]["name"] == "aivoucher"
