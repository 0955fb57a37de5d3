"""Rule files: what the schema refuses, and the messages that point into the file."""

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import RULES, rule, write_rule

from aivoucher.errors import RuleFileError, UnknownProgramError
from aivoucher.render.schema_export import rule_file_schema
from aivoucher.ruleset.registry import bundled_rules, bundled_rules_dir, load_program, load_rules


def test_minimal_rule_loads(rules_dir: Path) -> None:
    rules = load_rules(rules_dir)
    assert [p.id for p in rules.programs] == ["shenzhen.test-voucher"]


def _error(tmp_path: Path, data: dict[str, Any]) -> RuleFileError:
    path = write_rule(tmp_path, data)
    with pytest.raises(RuleFileError) as info:
        load_program(path)
    assert info.value.file == str(path)
    return info.value


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"colour": "red"}, "colour", "unknown field"),
        ({"caps": [{"per": "applicant_year", "amount": "100万"}]}, "caps[0]", "cite a `source`"),
        (
            {"caps": [{"per": "applicant_year", "amount": "100万", "source": "text"}]},
            "caps[0]",
            "quote",
        ),
        (
            {"caps": [{"per": "month", "amount": "1", "source": "text", "quote": "q"}]},
            "caps[0].per",
            "applicant_year",
        ),
        (
            {"caps": [{"per": "purchase", "amount": "lots", "source": "text", "quote": "q"}]},
            "caps[0].amount",
            "not an amount",
        ),
        (
            {
                "caps": [
                    {
                        "per": "purchase",
                        "amount": ["200万", "100万"],
                        "source": "text",
                        "quote": "q",
                    }
                ]
            },
            "caps[0].amount",
            "low above high",
        ),
        (
            {"caps": [{"per": "purchase", "amount": "1", "source": "nowhere", "quote": "q"}]},
            None,
            "unknown source 'nowhere'",
        ),
        (
            {"rate": {"tiers": [{"rate": "150%", "source": "text", "quote": "q"}]}},
            "rate.tiers[0].rate",
            "between 0 and 1",
        ),
        ({"rate": {}}, "rate", "give one of `tiers`, `lump_sum` or `unpublished`"),
        (
            {
                "eligibility": [
                    {"fact": "applicant.colour", "in": ["red"], "source": "text", "quote": "q"}
                ]
            },
            "eligibility[0].fact",
            "applicant.kind",
        ),
        (
            {
                "eligibility": [
                    {"fact": "applicant.sme", "in": ["yes"], "source": "text", "quote": "q"}
                ]
            },
            "eligibility[0]",
            "takes `is`",
        ),
        (
            {
                "eligibility": [
                    {"fact": "purchase.item", "in": ["gpu"], "source": "text", "quote": "q"}
                ]
            },
            "eligibility[0]",
            "not a value of purchase.item",
        ),
        (
            {
                "eligibility": [
                    {"fact": "applicant.city", "in": ["atlantis"], "source": "text", "quote": "q"}
                ]
            },
            "eligibility[0]",
            "unknown city",
        ),
        (
            {"eligibility": [{"fact": "applicant.city", "in": ["shenzhen"]}]},
            "eligibility[0]",
            "cite a `source`",
        ),
        (
            {"eligibility": [{"fact": "applicant.city", "in": ["shenzhen"], "assumption": "nope"}]},
            None,
            "unknown assumption 'nope'",
        ),
        (
            {"effective": {"from": "2025-02-30", "source": "text", "quote": "q"}},
            "effective.from",
            "no such date",
        ),
        ({"jurisdiction": "wuhan"}, None, "must start with the jurisdiction"),
        ({"jurisdiction": "gotham", "id": "gotham.x"}, None, "unknown jurisdiction"),
        ({"examples": []}, "examples", "at least 1"),
        ({"base": {"of": "settled", "source": "text", "quote": "q"}}, "base", "if_unknown"),
        (
            {"sources": [{"id": "text", "title": "t", "confidence": "official", "quote": "q"}]},
            "sources[0]",
            "`url` or a `seed`",
        ),
        (
            {
                "sources": [
                    {"id": "text", "title": "t", "url": "u", "confidence": "rumour", "quote": "q"}
                ]
            },
            "sources[0].confidence",
            "official",
        ),
    ],
)
def test_schema_refusals(
    tmp_path: Path, overrides: dict[str, Any], field: str | None, message: str
) -> None:
    err = _error(tmp_path, rule(**overrides))
    assert message in err.message
    if field is not None:
        assert err.field == field
    assert err.line is not None


def test_error_points_at_the_line(tmp_path: Path) -> None:
    path = write_rule(tmp_path, rule())
    text = path.read_text(encoding="utf-8").replace("amount: 100万", "amount: 100 bananas")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_program(path)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "100 bananas" in t)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}:{line}: caps[0].amount: ")


def test_file_name_must_match_id(tmp_path: Path) -> None:
    path = write_rule(tmp_path, rule(), name="other.yaml")
    with pytest.raises(RuleFileError, match=r"file name must be test-voucher\.yaml"):
        load_program(path)


def test_duplicate_program_is_refused(tmp_path: Path) -> None:
    write_rule(tmp_path, rule())
    copy = write_rule(tmp_path / "copy", rule())
    copy.rename(copy.with_suffix(".yml"))
    with pytest.raises(RuleFileError, match="defined twice"):
        load_rules(tmp_path)


def test_rule_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "shenzhen" / "x.yaml"
    path.parent.mkdir()
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="mapping"):
        load_program(path)


def test_unknown_program_id() -> None:
    with pytest.raises(UnknownProgramError, match=r"unknown program 'atlantis\.voucher'"):
        bundled_rules().versions("atlantis.voucher")


def _validator(schema: dict[str, Any]) -> Any:
    import jsonschema

    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("source", ["file", "generated"])
def test_schema_json_accepts_every_bundled_rule_file(source: str) -> None:
    # The committed file and the one the installed pydantic generates describe the same
    # contract; their exact text differs between pydantic versions, so what is compared is
    # what they accept and refuse, not the text.
    schema = (
        json.loads((RULES / "schema.json").read_text(encoding="utf-8"))
        if source == "file"
        else rule_file_schema()
    )
    validator = _validator(schema)
    for entry in bundled_rules():
        data = json.loads(entry.program.model_dump_json(by_alias=True, exclude_none=True))
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, (entry.path, errors[:3])
    good = json.loads(
        bundled_rules()
        .get("shenzhen.training-compute")
        .program.model_dump_json(by_alias=True, exclude_none=True)
    )
    for broken in (
        {**good, "colour": "red"},
        {k: v for k, v in good.items() if k != "base"},
        {**good, "status": "rumoured"},
        {**good, "caps": [{"per": "galaxy", "amount": "1", "assumption": "cap-unit"}]},
    ):
        assert not validator.is_valid(broken)


def test_schema_json_lists_the_fields_of_the_contract() -> None:
    on_disk = json.loads((RULES / "schema.json").read_text(encoding="utf-8"))
    generated = rule_file_schema()
    assert set(on_disk["properties"]) == set(generated["properties"]), (
        "run: aivoucher schema > rules/schema.json"
    )
    assert sorted(on_disk["required"]) == sorted(generated["required"])


def test_bundled_rules_dir_is_the_checkout_rules() -> None:
    assert bundled_rules_dir().resolve() == RULES.resolve()


def test_every_number_cites_a_source_with_chinese_wording() -> None:
    for program in bundled_rules().programs:
        english = {s.id for s in program.sources if s.language == "en"}
        cited = [c for _, c in program._cited()]
        for c in cited:
            if c.source is not None and c.source not in english:
                assert c.quote and any("\u4e00" <= ch <= "\u9fff" for ch in c.quote), (
                    program.key,
                    c,
                )
        for s in program.sources:
            if s.language == "en":  # a text read only in English is quoted in English
                # an English report, or a government's English page (Hong Kong's), says why
                assert s.note is not None, (program.key, s.id)
                assert s.confidence == "report" or program.jurisdiction == "hong-kong"
                continue
            assert any("\u4e00" <= ch <= "\u9fff" for ch in s.quote), (program.key, s.id)
        # a figure the texts state without a quotable sentence must name the assumption
        for cap in program.caps:
            assert cap.source is not None or cap.assumption is not None, program.key
        for tier in program.rate.tiers:
            assert tier.source is not None or tier.assumption is not None, program.key


@pytest.mark.parametrize("bad", ["2026-13-01", "last week", "2026-02-30"])
def test_checked_must_be_a_date(bad: str, tmp_path: Path, capsys: Any) -> None:
    from aivoucher.cli import main

    path = write_rule(tmp_path / "rules", rule(checked=bad))
    with pytest.raises(RuleFileError) as info:
        load_program(path)
    assert "checked" in str(info.value) and info.value.code
    # `check` reports an invalid file on one line and fails (exit 1, as for any invalid file)
    assert main(["check", str(tmp_path / "rules")]) == 1
    out, err = capsys.readouterr()
    lines = [line for line in (out + err).splitlines() if "checked" in line]
    assert len(lines) == 1 and "Traceback" not in out + err


def test_checked_may_be_left_out_or_given(tmp_path: Path) -> None:
    assert load_program(write_rule(tmp_path / "a", rule())).checked is None
    given = load_program(write_rule(tmp_path / "b", rule(checked="2026-12-07")))
    assert str(given.checked) == "2026-12-07"
