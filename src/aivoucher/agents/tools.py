"""The MCP server's tools and resources, without the ``mcp`` SDK: what each tool takes (a JSON
Schema), its description in English and Chinese, and its answer, computed by the library and
written by its JSON views (docs/agents.md).

Every answer is a JSON object. Bad arguments raise :class:`~aivoucher.errors.InputError` with a
stable code: the library's own (``profile.unknown_field``, ``date.invalid`` …) for the values it
reads, ``mcp.arguments`` for arguments no tool takes or of the wrong JSON type,
``mcp.unknown_tool`` and ``mcp.unknown_resource`` for names the server does not offer.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..base.i18n import locale as in_locale
from ..base.visible import json_text
from ..errors import InputError

if TYPE_CHECKING:
    from ..ruleset.registry import RuleSet
    from ..vocabulary.result import Estimate

__all__ = [
    "RESOURCES",
    "TOOLS",
    "Resource",
    "Tool",
    "answer_text",
    "call",
    "compact_estimate",
    "read_resource",
]


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    title: str
    description: str
    input_schema: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Resource:
    uri: str
    name: str
    description: str
    schema: str  # the name ``aivoucher schema --output`` takes


def _object(required: list[str], **properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


# The profile is described, not spelled out: the library reads it and names the field at fault
# with a stable code, which a schema check made before it (as some SDK versions do) would not.
_PROFILE = {
    "type": "object",
    "description": "An applicant and its purchases, in the profile contract (resource "
    "aivoucher://schema/profile, docs/profile.md): "
    '{"applicant": {"kind": "enterprise", "city": "深圳", "startup": true}, "purchases": '
    '[{"item": "compute", "use": "training", "amount": "800万", "signed": "2025-03-01"}]}. '
    "A fact left out is unknown, and the answer covers every value it may take. / "
    "申请主体及其采购，遵循 profile 约定（资源 aivoucher://schema/profile）；未填写的事实视为未知，"
    "结果覆盖其所有可能取值。",
}
_PLAN = {
    **_PROFILE,
    "description": "A profile whose applicant's city is the question (it may be left out, "
    "and is ignored). / 一份 profile，其中申请主体的城市即所比较的问题（可省略，会被忽略）。",
}
_AS_OF = {
    "type": "string",
    "description": "Date of knowledge, YYYY-MM-DD (default: today): programs and versions "
    "known then. / 知识截止日期，YYYY-MM-DD（默认今天）。",
}
_LOCALE = {
    "type": "string",
    "enum": ["en", "zh"],
    "description": "Language of the sentences in the answer (default en). / 回答中文字的语言"
    "（默认 en）。",
}
_ASSUME = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Readings the rule files offer as options to switch on (list_programs "
    "lists each program's switches). / 要采用的可选解读（list_programs 列出各项目的开关）。",
}
_RENEWAL = {
    "type": "boolean",
    "description": "Count purchases signed after a program's last known version ends as if it "
    "were renewed on the same terms (listed as an assumption). / 假定项目到期后按原条件续期，"
    "计入其后签订的采购（列为假设）。",
}

TOOLS: tuple[Tool, ...] = (
    Tool(
        "list_programs",
        "List programs / 项目列表",
        "The AI compute-subsidy programs (算力券, 训力券, 模型券 …) the rule files describe, "
        "optionally those of one city or province (with its province's and districts'): id, "
        "version, place, name, status, dates, rates, caps, pool, source confidence, switches, "
        "qualifications, application. / 规则文件所描述的人工智能算力补贴项目，可按城市或省份筛选"
        "（含所在省份及区县的项目）：编号、版本、地区、名称、状态、日期、比例、上限、资金池、"
        "来源可信度、可选解读、资质、申报信息。",
        _object(
            [],
            city={
                "type": "string",
                "description": "A city or province, in pinyin or Chinese (shenzhen, 深圳). / "
                "城市或省份，拼音或中文。",
            },
            as_of={
                **_AS_OF,
                "description": "Flag programs whose last known version ended before this "
                "date (default: today). / 标记在此日期前已到期的项目（默认今天）。",
            },
            locale=_LOCALE,
        ),
    ),
    Tool(
        "show_program",
        "Show a program / 查看项目",
        "One program, every version: what it pays, to whom, capped how, on which quoted "
        "sources and readings (text), its summary row, and its rule file as data. / 单个项目的"
        "各个版本：补贴什么、给谁、上限如何、依据哪些引文与解读（文字说明），摘要，以及规则文件本身。",
        _object(
            ["program"],
            program={
                "type": "string",
                "description": "The program's id (shenzhen.training-compute), or its Chinese or "
                "English name (训力券, 深圳语料券, corpus voucher). / 项目编号，或其中英文名称。",
            },
            locale=_LOCALE,
        ),
    ),
    Tool(
        "validate_profile",
        "Validate a profile / 校验 profile",
        "Check a profile against the profile contract and return it as the library reads it "
        "(amounts exact, cities as ids); a profile that breaks the contract is a tool error "
        "naming the field, with a stable code. / 按 profile 约定校验，返回库所读取的规范形式；"
        "不符合约定时返回工具错误，指明字段并附稳定的错误代码。",
        _object(["profile"], profile=_PROFILE, locale=_LOCALE),
    ),
    Tool(
        "estimate",
        "Estimate / 估算",
        "What every program would pay the applicant, exactly, in yuan: the total range (low, "
        "high) and what it rests on (confidence of the sources, the renewal figures, the facts "
        "left open, the assumptions made) and each award that pays or may pay with its quoted "
        "sources; programs that cannot pay are listed by id. Amounts are decimal strings. / "
        "各项目将向申请主体支付多少（精确到分，单位元）：合计区间及其依据（来源可信度、续期数字、"
        "未确定的事实、所作假设），以及每个可能支付的项目及其引用来源；不可能支付的项目仅列编号。"
        "金额为十进制字符串。",
        _object(
            ["profile"],
            profile=_PROFILE,
            as_of=_AS_OF,
            programs={
                "type": "array",
                "items": {"type": "string"},
                "description": "Only these program ids. / 仅这些项目编号。",
            },
            assume=_ASSUME,
            assume_renewal=_RENEWAL,
            locale=_LOCALE,
        ),
    ),
    Tool(
        "compare_places",
        "Compare places / 比较地区",
        "Where to register: the plan's estimate as if the applicant were registered in each "
        "place that has a program, best first (totals, effective rates, confidence, awards, "
        "open facts, dates to know) — the JSON of `aivoucher compare --format json` (resource "
        "aivoucher://schema/comparison). / 在哪里注册：假定申请主体分别注册在每个有项目的地区，"
        "计划的估算结果，按金额从高到低排列（合计、实际比例、可信度、各项目、未确定事实、注意日期）。",
        _object(
            ["plan"],
            plan=_PLAN,
            places={
                "type": "array",
                "items": {"type": "string"},
                "description": "Only these cities or provinces (default: every place with a "
                "program). / 仅比较这些城市或省份（默认所有有项目的地区）。",
            },
            as_of=_AS_OF,
            assume=_ASSUME,
            assume_renewal=_RENEWAL,
            locale=_LOCALE,
        ),
    ),
    Tool(
        "what_narrows",
        "What narrows the range / 哪些事实能缩小区间",
        "For each fact the profile leaves open that changes the estimate: the totals under each "
        "answer, the fact that narrows the range most first; `adds` marks a fact whose answers "
        "can only add an award not yet counted. / 对 profile 未填写、且会改变估算的每个事实："
        "各种回答下的合计，最能缩小区间的排在最前；adds 表示该事实只可能增加尚未计入的项目。",
        _object(
            ["profile"],
            profile=_PROFILE,
            as_of=_AS_OF,
            assume=_ASSUME,
            assume_renewal=_RENEWAL,
            locale=_LOCALE,
        ),
    ),
)

RESOURCES: tuple[Resource, ...] = (
    Resource(
        "aivoucher://schema/rules",
        "rules-schema",
        "JSON Schema of a rule file. / 规则文件的 JSON Schema。",
        "rules",
    ),
    Resource(
        "aivoucher://schema/profile",
        "profile-schema",
        "JSON Schema of a profile: the input of estimate, validate_profile, compare_places and "
        "what_narrows. / profile 的 JSON Schema：估算、校验、比较与缩小区间各工具的输入。",
        "profile",
    ),
    Resource(
        "aivoucher://schema/estimate",
        "estimate-schema",
        "JSON Schema of an estimate's full JSON (`aivoucher estimate --format json`). / "
        "完整估算 JSON 的 JSON Schema。",
        "estimate",
    ),
    Resource(
        "aivoucher://schema/comparison",
        "comparison-schema",
        "JSON Schema of a comparison, the answer of compare_places. / 地区比较（compare_places "
        "的回答）的 JSON Schema。",
        "comparison",
    ),
    Resource(
        "aivoucher://schema/programs",
        "programs-schema",
        "JSON Schema of the program list, the answer of list_programs. / 项目列表（list_programs "
        "的回答）的 JSON Schema。",
        "programs",
    ),
    Resource(
        "aivoucher://schema/error",
        "error-schema",
        "JSON Schema of the command line's JSON error document. / 命令行 JSON 错误文档的 "
        "JSON Schema。",
        "error",
    ),
)


def read_resource(uri: str) -> str:
    """The resource's text: a JSON Schema, as ``aivoucher schema --output NAME`` prints it."""
    from ..render.schema_export import SCHEMAS

    for resource in RESOURCES:
        if resource.uri == uri:
            return json.dumps(SCHEMAS[resource.schema](), ensure_ascii=False, indent=2)
    raise InputError(
        f"没有资源 {uri!r}，可用：{', '.join(r.uri for r in RESOURCES)} / "
        f"no resource {uri!r}; one of: {', '.join(r.uri for r in RESOURCES)}",
        field="uri",
        code="mcp.unknown_resource",
    )


def answer_text(answer: Mapping[str, Any]) -> str:
    """An answer as the text of a tool result: JSON, nothing a terminal would obey."""
    return json_text(json.dumps(answer, ensure_ascii=False))


# ---------------------------------------------------------------------------------- arguments

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "string": (str,),
    "boolean": (bool,),
    "array": (list,),
}
_TYPE_WORDS = {"object": "对象", "string": "字符串", "boolean": "布尔值", "array": "字符串数组"}


def _bad(tool: str, field: str, zh: str, en: str, suggestions: tuple[str, ...] = ()) -> InputError:
    return InputError(
        f"{tool}：{zh} / {tool}: {en}", field=field, code="mcp.arguments", suggestions=suggestions
    )


def _checked(tool: Tool, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments, each of the JSON type the tool's schema gives it (the values themselves
    are the library's to judge)."""
    properties: dict[str, Any] = tool.input_schema["properties"]
    for name in arguments:
        if name not in properties:
            close = tuple(difflib.get_close_matches(name, list(properties), n=1))
            hint = f"; did you mean {close[0]!r}?" if close else ""
            takes = ", ".join(properties) or "—"
            raise _bad(
                tool.name,
                name,
                f"没有参数 {name!r}（可用：{takes}）",
                f"no argument {name!r} (it takes: {takes}){hint}",
                close,
            )
    for name in tool.input_schema["required"]:
        if arguments.get(name) is None:
            raise _bad(tool.name, name, f"缺少参数 {name!r}", f"argument {name!r} is missing")
    out: dict[str, Any] = {}
    for name, value in arguments.items():
        if value is None:
            continue  # as if left out
        kind = properties[name]["type"]
        fits = isinstance(value, _TYPES[kind])
        if fits and kind == "array":
            fits = all(isinstance(v, str) for v in value)
        if not fits:
            raise _bad(
                tool.name,
                name,
                f"参数 {name!r} 应为{_TYPE_WORDS[kind]}",
                f"argument {name!r} must be a JSON {kind}"
                + (" of strings" if kind == "array" else ""),
            )
        out[name] = value
    return out


# ------------------------------------------------------------------------------------ answers


def compact_estimate(estimate: Estimate, locale: str = "en") -> dict[str, Any]:
    """The estimate as the ``estimate`` tool answers: the head of its JSON (totals, renewal
    figures, confidence, dates checked, stacking), the facts left open, and each award that
    pays or may pay, those counted in the totals first — its range, whether it counts, the
    facts it misses, its assumptions, its application window and its sources — without the
    trace (``estimate --format json`` has
    it); programs that cannot pay, by id."""
    from ..evaluate.stacking import counted
    from ..render.json import assumption_to_dict, award_to_dict, estimate_head
    from ..render.messages import messages

    m = messages(locale)
    labels = [p.label(i) for i, p in enumerate(estimate.profile.purchases)]
    answer = estimate_head(estimate, locale)
    del answer["profile"], answer["awards"]
    awards: list[dict[str, Any]] = []
    open_facts: dict[str, None] = {}
    cannot_pay: list[str] = []
    for award in estimate.awards:
        if award.eligible is False:
            cannot_pay.append(award.program.key)
            continue
        data = award_to_dict(award, locale, labels, trace=False)
        application = data["application"]
        awards.append(
            {
                **{key: data[key] for key in _AWARD_KEYS},
                "counted": counted(award),
                "assumptions": [assumption_to_dict(a, award, m) for a in award.assumptions],
                "application": None
                if application is None
                else {key: application[key] for key in ("state", "opens", "closes", "text")},
                "sources": data["sources"],
            }
        )
        open_facts.update(dict.fromkeys(award.missing))
    purchases = estimate.profile.purchases
    answer["open_facts"] = [{"field": f, "fact": m.fact_words(f, purchases)} for f in open_facts]
    # what the total rests on first, as the text view lists it; then what may add to it
    answer["awards"] = sorted(awards, key=lambda a: not a["counted"])
    answer["cannot_pay"] = cannot_pay
    return answer


_AWARD_KEYS = (
    "program",
    "version",
    "name",
    "jurisdiction",
    "eligible",
    "renewal",
    "low",
    "high",
    "confidence",
    "missing",
    "purchases",
)


def _list_programs(rules: RuleSet, args: dict[str, Any], locale: str) -> dict[str, Any]:
    from ..base.dates import as_of_date
    from ..render.catalog import program_rows
    from ..render.json import generator

    day = as_of_date(args.get("as_of"))
    rows = program_rows(rules, city=args.get("city"), locale=locale, as_of=day)
    # the document `aivoucher programs --format json` writes
    return {"generator": generator(rules), "as_of": day.isoformat(), "programs": rows}


def _show_program(rules: RuleSet, args: dict[str, Any], locale: str) -> dict[str, Any]:
    from ..render.catalog import program_row
    from ..render.text import render_program

    key = rules.find(args["program"])
    versions = [
        {
            "summary": program_row(entry.program, locale),
            "text": render_program(entry.program, locale),
            "rule_file": entry.program.model_dump(mode="json", by_alias=True, exclude_none=True),
        }
        for entry in rules.versions(key)
    ]
    return {"program": key, "versions": versions}


def _validate_profile(rules: RuleSet, args: dict[str, Any], locale: str) -> dict[str, Any]:
    from ..vocabulary.profile import parse_profile

    profile = parse_profile(args["profile"])
    return {"valid": True, "profile": profile.model_dump(mode="json")}


def _estimate_of(rules: RuleSet, args: dict[str, Any]) -> Estimate:
    return rules.estimate(
        args["profile"],
        programs=args.get("programs"),
        as_of=args.get("as_of"),
        assume=args.get("assume", ()),
        assume_renewal=args.get("assume_renewal", False),
    )


def _estimate(rules: RuleSet, args: dict[str, Any], locale: str) -> dict[str, Any]:
    return compact_estimate(_estimate_of(rules, args), locale)


def _compare_places(rules: RuleSet, args: dict[str, Any], locale: str) -> dict[str, Any]:
    from ..base.limits import no_place
    from ..questions.comparison import compare

    places = args.get("places")
    if places is not None and not [p for p in places if p.strip()]:
        raise no_place("places")  # an empty list names no place: not "every place"
    result = compare(
        args["plan"],
        places=places,
        as_of=args.get("as_of"),
        assume=args.get("assume", ()),
        assume_renewal=args.get("assume_renewal", False),
        rules=rules,
    )
    answer: dict[str, Any] = json.loads(result.to_json(locale=locale))
    return answer


def _what_narrows(rules: RuleSet, args: dict[str, Any], locale: str) -> dict[str, Any]:
    from ..base.money import canonical
    from ..questions.whatif import what_narrows
    from ..render.whatif import narrowing_to_dict

    estimate = _estimate_of(rules, args)
    items = what_narrows(estimate, rules=rules)
    return {
        "total_low": canonical(estimate.total_low),
        "total_high": canonical(estimate.total_high),
        "facts": narrowing_to_dict(items, locale),
    }


_ANSWERS: dict[str, Callable[[RuleSet, dict[str, Any], str], dict[str, Any]]] = {
    "list_programs": _list_programs,
    "show_program": _show_program,
    "validate_profile": _validate_profile,
    "estimate": _estimate,
    "compare_places": _compare_places,
    "what_narrows": _what_narrows,
}


def call(
    name: str, arguments: Mapping[str, Any] | None, rules: RuleSet | None = None
) -> dict[str, Any]:
    """Tool ``name``'s answer to ``arguments``, computed with ``rules`` (default: the bundled
    rule files); an :class:`InputError` with a stable code for bad arguments."""
    from ..base.i18n import resolve_locale
    from ..ruleset.registry import bundled_rules

    tool = next((t for t in TOOLS if t.name == name), None)
    if tool is None:
        names = [t.name for t in TOOLS]
        close = tuple(difflib.get_close_matches(name, names, n=1))
        raise InputError(
            f"没有工具 {name!r}（可用：{', '.join(names)}） / "
            f"no tool {name!r} (one of: {', '.join(names)})",
            field="name",
            code="mcp.unknown_tool",
            suggestions=close,
        )
    if arguments is not None and not isinstance(arguments, Mapping):
        raise _bad(name, "arguments", "参数应为 JSON 对象", "the arguments must be a JSON object")
    args = _checked(tool, arguments or {})
    locale = resolve_locale(args.get("locale", "en"))
    with in_locale(locale):  # the library's own errors in the language asked for
        return _ANSWERS[name](rules if rules is not None else bundled_rules(), args, locale)
