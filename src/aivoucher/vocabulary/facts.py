"""The facts a rule file's conditions can test: one record per fact, in one table.

A fact (``applicant.startup``, ``purchase.chip_origin``, ``purchase.term`` …) is defined once,
in :data:`FACTS`, with everything the package needs to know about it:

* ``scope`` — what holds it: the applicant, a purchase, the purchase's calendar year, or the
  assumptions the user switched on;
* ``operator`` — the key a condition on it takes (``in``, ``is``, ``from/to`` …);
* ``kind`` — what its values are (an enumeration, a boolean, a city, a date …), which decides
  how a condition's values are checked and a table column is read;
* ``domain`` — the closed set of its answers, where there is one (tried in turn when a profile
  leaves the fact unknown);
* ``field`` — the profile field it is read from, which a missing fact names;
* ``getter`` — how it is read from its subject;
* ``zh``/``en`` — its label in results.

The rule-file schema (:mod:`aivoucher.vocabulary.schema`), the compiled conditions
(:mod:`aivoucher.plan.conditions`), the messages (:mod:`aivoucher.render.messages`), the what-if
grid, the batch kernel and the test kit (:mod:`aivoucher.testing`) all read this table; adding a
fact is one record here (and, if its values are new, a field in the profile). The module
imports no pydantic, yaml or babel, so that reading the table stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import attrgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, get_args

__all__ = [
    "DOMAINS",
    "FACTS",
    "LABELS",
    "MEASURES",
    "VALUE_WORDS",
    "ApplicantKind",
    "ChipOrigin",
    "Fact",
    "FactName",
    "Item",
    "Role",
    "Sector",
    "Use",
    "fact_at",
    "value_from_words",
]

# The values of the enumerated facts. The profile's fields are typed with these (the profile
# contract and the rule files' conditions must agree on them), and each is its fact's domain.
ApplicantKind = Literal["enterprise", "university", "research_institute"]
Sector = Literal["software", "manufacturing", "other"]
Item = Literal["compute", "model", "corpus", "data", "scenario", "rnd", "labeling"]
Use = Literal["training", "inference", "other"]
ChipOrigin = Literal["domestic", "foreign"]
Role = Literal["buyer", "producer"]

#: The words for each enumerated value, (Chinese, English): views print them, and a profile
#: may give a value in either (``国产`` for ``domestic``, ``训练`` for ``training``).
VALUE_WORDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "enterprise": ("企业", "enterprise"),
        "university": ("高等院校", "university"),
        "research_institute": ("科研机构", "research institute"),
        "software": ("软件和信息服务业", "software & IT services"),
        "manufacturing": ("制造业", "manufacturing"),
        "other": ("其他", "other"),
        "compute": ("算力", "compute"),
        "model": ("模型", "model"),
        "corpus": ("语料", "corpus"),
        "data": ("数据产品及服务", "data products and services"),
        "scenario": ("应用场景", "scenario"),
        "rnd": ("研发投入", "R&D"),
        "labeling": ("数据标注", "data labeling"),
        "training": ("训练", "training"),
        "inference": ("推理", "inference"),
        "domestic": ("国产", "domestic"),
        "foreign": ("非国产", "foreign"),
        "buyer": ("采购方", "buyer"),
        "producer": ("研发方（产品由申请主体研发）", "producer (the applicant made it)"),
    }
)

_BY_WORD = {
    **{word: value for value, words in VALUE_WORDS.items() for word in words if word != value},
    # words people write that the views do not print
    "进口": "foreign",
}


def value_from_words(value: object) -> object:
    """The id of an enumerated value given in words (``国产`` → ``domestic``,
    ``research institute`` → ``research_institute``); anything else unchanged, for the field's
    own validation to judge."""
    if isinstance(value, str):
        return _BY_WORD.get(value.strip(), value)
    return value


Scope = Literal["applicant", "purchase", "year", "switch"]
#: What a fact's values are. ``city``/``province``/``district`` values are place ids (a
#: condition's names are resolved to them), ``term`` is a (start, end) pair of dates,
#: ``qualification`` and ``switch`` answer whether a named status or switch holds.
Kind = Literal[
    "enum",
    "bool",
    "city",
    "province",
    "district",
    "date",
    "term",
    "qualification",
    "amount",
    "switch",
]
#: ``getter(key)`` returns the function that reads a fact from its subject; ``key`` is the
#: condition's ``has`` (a qualification id) or ``id`` (a switch name), ``None`` for other facts.
#: Readers are built once per condition, so the per-evaluation read is one call.
Getter: TypeAlias = Callable[[str | None], Callable[[Any], Any]]

_BOOL = (True, False)
#: The key a condition on a fact of each kind takes: ``in`` (a list of values), ``is`` (a
#: boolean), ``from``/``to`` (an inclusive date window), ``max_years`` (the longest term),
#: ``has`` (a qualification id), ``max`` (an amount) or ``id`` (a switch name).
_OPERATORS: Mapping[str, str] = {
    "enum": "in",
    "city": "in",
    "province": "in",
    "district": "in",
    "bool": "is",
    "date": "from/to",
    "term": "max_years",
    "qualification": "has",
    "amount": "max",
    "switch": "id",
}


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact a condition can test (see the module docstring for each attribute)."""

    name: str
    scope: Scope
    operator: str
    kind: Kind
    zh: str
    en: str
    getter: Getter
    #: The profile field it is read from, relative to its subject (``provider_city`` for a
    #: provider's province, ``start/end`` for a term, ``qualifications`` followed by the
    #: condition's id); ``None`` where the profile holds no such field (a year's contracts in
    #: total, a switch), and a missing fact is then named by the fact itself.
    field: str | None
    domain: tuple[object, ...] | None = None

    def label(self, locale: str) -> str:
        """The fact's label in ``locale`` (``zh`` or ``en``)."""
        return self.zh if locale == "zh" else self.en


def _attribute(name: str) -> Getter:
    read = attrgetter(name)
    return lambda key: read


def _province(attribute: str) -> Getter:
    """A province read from a city (the profile names cities only)."""
    read_city = attrgetter(attribute)

    def getter(key: str | None) -> Callable[[Any], Any]:
        # imported when a condition is compiled: the division table loads on first use
        from ..base.jurisdictions import province_of

        def read(subject: Any) -> Any:
            city = read_city(subject)
            return None if city is None else province_of(city)

        return read

    return getter


def _qualification(key: str | None) -> Callable[[Any], Any]:
    assert key is not None, "a qualification condition names its id (`has`)"
    return lambda subject: subject.qualifications.get(key)


def _term(key: str | None) -> Callable[[Any], Any]:
    return lambda p: None if p.start is None or p.end is None else (p.start, p.end)


def _switch(key: str | None) -> Callable[[Any], Any]:
    assert key is not None, "a switch condition names its switch (`id`)"
    return lambda switches: key in switches


def _fact(
    name: str,
    kind: Kind,
    zh: str,
    en: str,
    *,
    getter: Getter | None = None,
    field: str | None = None,
    in_profile: bool = True,
    domain: tuple[object, ...] | None = None,
) -> Fact:
    """A record whose scope is the name's head and whose profile field and getter default to
    the attribute the name's tail names (a fact ``in_profile=False`` has no profile field)."""
    scope: Any = name.partition(".")[0]
    assert scope in get_args(Scope), name
    tail = name.partition(".")[2]
    if domain is None and kind in ("bool", "qualification"):
        domain = _BOOL
    where = (field or tail) if in_profile else None
    read = getter or _attribute(tail)
    return Fact(name, scope, _OPERATORS[kind], kind, zh, en, read, where, domain)


# The order is the JSON Schema's (rules/schema.json lists the facts in this order).
_TABLE = (
    _fact(
        "applicant.kind",
        "enum",
        "申请主体类型",
        "applicant kind",
        domain=get_args(ApplicantKind),
    ),
    _fact("applicant.city", "city", "注册地", "registered city"),
    _fact("applicant.district", "district", "注册地所在区（县）", "registered district"),
    _fact(
        "applicant.province",
        "province",
        "注册地所在省份",
        "registered province",
        getter=_province("city"),
        field="city",
    ),
    _fact("applicant.sector", "enum", "所属行业", "sector", domain=get_args(Sector)),
    _fact("applicant.sme", "bool", "中小企业", "SME"),
    _fact("applicant.startup", "bool", "初创企业", "start-up"),
    _fact("applicant.opc", "bool", "一人公司（OPC）", "one-person company (OPC)"),
    _fact("applicant.good_standing", "bool", "无失信及重大处罚记录", "good standing"),
    _fact("purchase.item", "enum", "采购内容", "item", domain=get_args(Item)),
    _fact("purchase.use", "enum", "用途", "use", domain=get_args(Use)),
    _fact(
        "purchase.chip_origin",
        "enum",
        "算力芯片来源",
        "chip origin",
        domain=get_args(ChipOrigin),
    ),
    _fact("purchase.provider_city", "city", "服务商所在城市", "provider city"),
    _fact(
        "purchase.via_platform",
        "bool",
        "通过指定平台或名单内服务商采购",
        "bought via the designated platform",
    ),
    _fact("purchase.related_party", "bool", "关联方交易", "related-party purchase"),
    _fact(
        "purchase.other_subsidy",
        "bool",
        "已获同级财政其他资助",
        "already subsidised by the same government",
    ),
    _fact("purchase.signed", "date", "合同签订日期", "contract date"),
    _fact(
        "purchase.provider_province",
        "province",
        "服务商所在省份",
        "provider province",
        getter=_province("provider_city"),
        field="provider_city",
    ),
    _fact(
        "purchase.term",
        "term",
        "合同期限（年）",
        "contract term (years)",
        getter=_term,
        field="start/end",
    ),
    _fact(
        "purchase.role",
        "enum",
        "申请主体的角色（采购方或产品研发方）",
        "role (buyer or producer)",
        domain=get_args(Role),
    ),
    _fact(
        "purchase.qualifications",
        "qualification",
        "产品资质",
        "qualification of the item",
        getter=_qualification,
    ),
    _fact(
        "applicant.qualifications",
        "qualification",
        "资质",
        "qualification",
        getter=_qualification,
    ),
    _fact(
        "year.contracts_total",
        "amount",
        "年度合同累计金额",
        "the year's contracts in total",
        in_profile=False,
    ),
    _fact(
        "switch",
        "switch",
        "可选假设",
        "switchable assumption",
        getter=_switch,
        in_profile=False,
    ),
)

#: Every fact, by name: the one definition the schema, the engine, the messages and the test
#: kit read.
FACTS: Mapping[str, Fact] = MappingProxyType({f.name: f for f in _TABLE})

if TYPE_CHECKING:
    FactName: TypeAlias = str
else:
    # The names as a Literal, for pydantic to validate a rule file's `fact` and list the names
    # in the JSON Schema; derived from the table, so there is no second list to keep in step.
    FactName = Literal[tuple(FACTS)]

#: The closed set of answers of each fact that has one (an unknown fact is tried with each).
DOMAINS: Mapping[str, tuple[object, ...]] = MappingProxyType(
    {f.name: f.domain for f in _TABLE if f.domain is not None}
)

#: Quantities a reason can name that no condition tests (the yearly spend a threshold compares),
#: labelled here so that every name a result carries has its words in this module.
MEASURES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {"year.spend": ("年度支出总额", "the year's qualifying spend")}
)

#: (zh, en) label of every fact and measure.
LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {**{f.name: (f.zh, f.en) for f in _TABLE}, **MEASURES}
)

# Profile field (as a path names it) → the fact read from it, where the field is not the fact's
# own name: a missing contract term is named by its dates.
_BY_FIELD = {
    f"{f.scope}.{f.field}": f
    for f in _TABLE
    if f.field is not None and f.field != f.name.partition(".")[2]
}


def fact_at(path: str) -> Fact | None:
    """The fact a profile path names, for its label: ``applicant.startup``,
    ``purchases[0].chip_origin``, ``purchases[0].start/end`` (the term),
    ``applicant.qualifications.<id>``. A path outside the applicant is read as a purchase's.

    A city names the city fact, not the province read from it.
    """
    scope = "applicant." if path.startswith("applicant.") else "purchase."
    name = "qualifications" if ".qualifications." in path else path.rsplit(".", 1)[-1]
    return FACTS.get(scope + name) or _BY_FIELD.get(scope + name)
