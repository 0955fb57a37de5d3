"""The fact table: one record per fact, and everything that reads facts agrees with it."""

import datetime as dt
import json
import re
import subprocess
import sys
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from conftest import ROOT

from aivoucher.plan.conditions import APPLICANT, PURCHASE, SWITCHES, YEAR
from aivoucher.plan.conditions import Test as Compiled
from aivoucher.render.messages import messages
from aivoucher.ruleset.registry import bundled_rules
from aivoucher.vocabulary.facts import DOMAINS, FACTS, LABELS, MEASURES, Fact, fact_at
from aivoucher.vocabulary.profile import Applicant, Purchase
from aivoucher.vocabulary.schema import Condition
from aivoucher.vocabulary.schema import Fact as FactLiteral

ALL = list(FACTS.values())
# The keys a condition can give (its fields' aliases), which a fact's operator names.
CONDITION_KEYS = {f.alias or name for name, f in Condition.model_fields.items()}
MODELS = {"applicant": Applicant, "purchase": Purchase}
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("fact", ALL, ids=lambda f: f.name)
def test_every_fact_has_a_scope_an_operator_and_both_labels(fact: Fact) -> None:
    assert fact.scope == fact.name.partition(".")[0]
    assert set(fact.operator.split("/")) <= CONDITION_KEYS
    assert HAN.search(fact.zh), fact.zh
    assert fact.en and not HAN.search(fact.en)
    assert (fact.label("zh"), fact.label("en")) == (fact.zh, fact.en) == LABELS[fact.name]


def test_the_literal_the_json_schema_and_the_table_agree() -> None:
    assert get_args(FactLiteral) == tuple(FACTS)
    schema = json.loads((ROOT / "rules" / "schema.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["Condition"]["properties"]["fact"]["enum"] == list(FACTS)


def test_every_fact_a_bundled_rule_file_names_is_in_the_table() -> None:
    named = set()
    for program in bundled_rules().programs:
        named |= {c.fact for _, c in program._conditions()}
        named |= {e.expect.reason for e in program.examples if e.expect.reason}
    assert named
    assert named <= set(FACTS)


def _plain(annotation: Any) -> Any:
    """``annotation`` without ``Annotated`` wrappers: ``Bool | None`` → ``bool | None``."""
    if get_origin(annotation) is Annotated:
        return _plain(get_args(annotation)[0])
    args = get_args(annotation)
    if not args:
        return annotation
    plain = tuple(_plain(a) for a in args)
    if get_origin(annotation) in (Union, UnionType):
        return Union[plain]  # noqa: UP007 - built from a tuple
    return get_origin(annotation)[plain]


@pytest.mark.parametrize("fact", [f for f in ALL if f.field is not None], ids=lambda f: f.name)
def test_every_profile_field_exists_and_domains_match_its_type(fact: Fact) -> None:
    model = MODELS[fact.scope]
    for field in fact.field.split("/"):  # a term is read from start and end
        assert field in model.model_fields, f"{fact.name}: no profile field {field!r}"
    annotation = model.model_fields[fact.field.split("/")[0]].annotation
    if fact.kind == "enum":
        # the field's Literal, or the Literal of an optional field (`Use | None`), read
        # through the words of its values (an Annotated Literal)
        annotation = _plain(annotation)
        if get_origin(annotation) is not Literal:
            (annotation,) = set(get_args(annotation)) - {type(None)}
        assert get_origin(annotation) is Literal
        assert get_args(annotation) == fact.domain
    elif fact.kind == "bool":
        # booleans are read by types.parse_bool (an Annotated bool)
        assert _plain(annotation) in (bool, bool | None)
        assert fact.domain == (True, False)
    elif fact.kind == "qualification":
        assert _plain(annotation) == dict[str, bool]
        assert fact.domain == (True, False)
    else:
        assert fact.domain is None


def test_domains_are_the_closed_facts() -> None:
    closed = {"enum", "bool", "qualification"}
    assert set(DOMAINS) == {f.name for f in ALL if f.kind in closed}


def _condition(fact: Fact) -> Condition:
    values: dict[str, Any] = {
        "enum": {"in": [str((fact.domain or ("",))[0])]},
        "city": {"in": ["shenzhen"]},
        "province": {"in": ["guangdong"]},
        "district": {"in": ["shenzhen-longhua"]},
        "bool": {"is": True},
        "date": {"from": "2025-01-01"},
        "term": {"max_years": 1},
        "qualification": {"has": "listed"},
        "amount": {"max": "50万"},
        "switch": {"id": "reading"},
    }[fact.kind]
    return Condition.model_validate({"fact": fact.name, **values})


@pytest.mark.parametrize("fact", ALL, ids=lambda f: f.name)
def test_a_compiled_condition_reads_the_table(fact: Fact) -> None:
    test = Compiled(_condition(fact))
    assert test.scope == {"applicant": APPLICANT, "purchase": PURCHASE, "year": YEAR}.get(
        fact.scope, SWITCHES
    )
    assert test.domain == fact.domain or fact.kind == "amount"
    path = test.path(2)
    if fact.field is None:
        assert path == fact.name
    elif fact.scope == "applicant":
        assert path.startswith(f"applicant.{fact.field}")
    else:
        assert path.startswith(f"purchases[2].{fact.field}")


def test_the_getters_read_the_profile() -> None:
    applicant = Applicant.model_validate(
        {"kind": "enterprise", "city": "深圳", "startup": True, "qualifications": ["listed"]}
    )
    purchase = Purchase.model_validate(
        {
            "item": "compute",
            "amount": "100万",
            "signed": "2025-03-01",
            "start": "2025-03-01",
            "end": "2026-02-28",
            "provider_city": "hangzhou",
        }
    )
    read = {
        name: FACTS[name].getter(key)
        for name, key in [
            ("applicant.startup", None),
            ("applicant.province", None),
            ("applicant.qualifications", "listed"),
            ("purchase.provider_province", None),
            ("purchase.chip_origin", None),
            ("purchase.term", None),
            ("switch", "reading"),
        ]
    }
    assert read["applicant.startup"](applicant) is True
    assert read["applicant.province"](applicant) == "guangdong"
    assert read["applicant.qualifications"](applicant) is True
    assert read["purchase.provider_province"](purchase) == "zhejiang"
    assert read["purchase.chip_origin"](purchase) is None
    assert read["purchase.term"](purchase) == (dt.date(2025, 3, 1), dt.date(2026, 2, 28))
    assert read["switch"](frozenset({"reading"})) is True


def test_messages_label_facts_and_fields_from_the_table() -> None:
    zh, en = messages("zh"), messages("en")
    for name, (label_zh, label_en) in LABELS.items():
        assert (zh.fact(name), en.fact(name)) == (label_zh, label_en)
    assert set(MEASURES) == {"year.spend"}
    # in Chinese the words alone, never the path
    assert zh.field("purchases[0].start/end") == "合同期限（年）"
    assert en.field("applicant.qualifications.x") == "applicant.qualifications.x (qualification)"
    assert en.field("purchases[1].provider_city") == "purchases[1].provider_city (provider city)"
    assert en.field("year.contracts_total") == "year.contracts_total"
    assert fact_at("applicant.city") is FACTS["applicant.city"]
    assert fact_at("purchases[3].qualifications.y") is FACTS["purchase.qualifications"]
    assert fact_at("purchases[0].amount") is None


def test_the_table_imports_no_pydantic_yaml_or_babel() -> None:
    code = (
        "import sys, aivoucher.facts; "
        "print(sorted(m for m in ('pydantic', 'yaml', 'babel') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
