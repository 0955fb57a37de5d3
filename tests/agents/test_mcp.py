"""The MCP server (``aivoucher mcp``), driven as an agent's client drives it: a real subprocess
(``python -m aivoucher mcp``) spoken to by the ``mcp`` SDK's own stdio client. Each tool's
answer is the library's own result for the same input; bad input is a tool error carrying the
error's code; the schemas are resources; docs/agents.md's example answers still hold.

The SDK tests skip without the ``mcp`` extra (``pip install -e '.[test]'`` installs it); the
command line's answer when it is missing is tested either way.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from conftest import ROOT
from hypothesis import assume, given
from hypothesis import strategies as st

import aivoucher
from aivoucher.agents import MISSING_MCP, tools
from aivoucher.base.money import canonical
from aivoucher.cli import main
from aivoucher.errors import AivoucherError, InputError, error_dict, halves
from aivoucher.evaluate.stacking import counted
from aivoucher.render.catalog import program_row
from aivoucher.render.schema_export import SCHEMAS
from aivoucher.render.text import render_program
from aivoucher.ruleset.registry import bundled_rules
from aivoucher.testing import profiles
from aivoucher.vocabulary.profile import parse_profile

AS_OF = "2025-06-30"
PROFILE: dict[str, Any] = {
    "applicant": {"kind": "enterprise", "city": "深圳", "startup": True},
    "purchases": [
        {"item": "compute", "use": "training", "amount": "800万", "signed": "2025-03-01"}
    ],
}
PLAN: dict[str, Any] = {
    "applicant": {"kind": "enterprise", "startup": True, "sme": True},
    "purchases": [
        {
            "item": "compute",
            "use": "training",
            "amount": "800万",
            "signed": "2026-03-01",
            "chip_origin": "domestic",
        }
    ],
}
DOC = ROOT / "docs" / "agents.md"

#: Every call the conversation below makes: a name for the test, the tool, its arguments.
CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "list": ("list_programs", {"city": "shenzhen", "as_of": AS_OF}),
    "list_zh": ("list_programs", {"city": "成都", "as_of": AS_OF, "locale": "zh"}),
    "show": ("show_program", {"program": "训力券"}),
    "validate": ("validate_profile", {"profile": PROFILE}),
    "estimate": ("estimate", {"profile": PROFILE, "as_of": AS_OF}),
    "estimate_zh": ("estimate", {"profile": PROFILE, "as_of": AS_OF, "locale": "zh"}),
    "compare": ("compare_places", {"plan": PLAN, "as_of": "2026-02-01"}),
    "compare_two": (
        "compare_places",
        {"plan": PLAN, "as_of": "2026-02-01", "places": ["shenzhen", "chengdu"]},
    ),
    "narrows": (
        "what_narrows",
        {
            "profile": {**PROFILE, "applicant": {"kind": "enterprise", "city": "深圳"}},
            "as_of": AS_OF,
        },
    ),
    # bad input: each a tool error, and the server goes on serving
    "bad_kind": ("estimate", {"profile": {**PROFILE, "applicant": {"kind": "robot"}}}),
    "bad_field": (
        "validate_profile",
        {"profile": {**PROFILE, "applicant": {**PROFILE["applicant"], "startp": True}}},
    ),
    "bad_amount": (
        "estimate",
        {"profile": {**PROFILE, "purchases": [{**PROFILE["purchases"][0], "amount": "-5"}]}},
    ),
    "bad_date": ("estimate", {"profile": PROFILE, "as_of": "2025-13-01"}),
    "bad_city": ("list_programs", {"city": "gotham"}),
    "bad_program": ("show_program", {"program": "no.such-program"}),
    "bad_locale": ("estimate", {"profile": PROFILE, "locale": "fr"}),
    "bad_places": ("compare_places", {"plan": PLAN, "places": []}),
    "unknown_argument": ("estimate", {"profil": PROFILE}),
    "missing_argument": ("what_narrows", {"as_of": AS_OF}),
    "wrong_type": ("estimate", {"profile": PROFILE, "assume_renewal": "yes"}),
    "not_an_object": ("validate_profile", {"profile": "applicant: {kind: enterprise}"}),
    "unknown_tool": ("estimat", {"profile": PROFILE}),
    "after_errors": ("validate_profile", {"profile": PROFILE}),
}


def _doc_calls() -> list[tuple[str, dict[str, Any], str, Any]]:
    """docs/agents.md's example: each ```json call:TOOL block (the arguments) and the
    ```json answer (or ```json error) block that follows it."""
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```json (call:\w+|answer|error)\n(.*?)```", text, flags=re.S)
    pairs = []
    for (head, arguments), (kind, shown) in zip(blocks[::2], blocks[1::2], strict=True):
        assert head.startswith("call:") and kind in {"answer", "error"}
        tool = head.removeprefix("call:")
        pairs.append((tool, json.loads(arguments), kind, json.loads(shown)))
    return pairs


def _dump(value: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = value.model_dump(mode="json", by_alias=True)
    return dumped


async def _conversation(mcp: Any) -> dict[str, Any]:
    """Start the server, list and read everything, make every call; the dumped results."""
    from mcp.client.stdio import stdio_client

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    server = mcp.StdioServerParameters(
        command=sys.executable, args=["-m", "aivoucher", "mcp"], env=env
    )
    out: dict[str, Any] = {}
    async with stdio_client(server) as (read, write), mcp.ClientSession(read, write) as session:
        out["initialize"] = _dump(await session.initialize())
        out["tools"] = _dump(await session.list_tools())["tools"]
        out["resources"] = _dump(await session.list_resources())["resources"]
        out["read"] = {
            r["uri"]: _dump(await session.read_resource(r["uri"]))["contents"]
            for r in out["resources"]
        }
        try:
            await session.read_resource("aivoucher://schema/nope")
        except Exception as exc:  # the SDK's error for an error response (named per version)
            out["unknown_resource"] = str(exc)
        out["calls"] = {
            key: _dump(await session.call_tool(tool, arguments))
            for key, (tool, arguments) in CALLS.items()
        }
        out["doc"] = [
            _dump(await session.call_tool(tool, arguments))
            for tool, arguments, _, _ in _doc_calls()
        ]
    return out


@pytest.fixture(scope="module")
def served() -> dict[str, Any]:
    mcp = pytest.importorskip("mcp")
    import anyio

    result: dict[str, Any] = anyio.run(_conversation, mcp)
    return result


def _answer(result: dict[str, Any]) -> Any:
    """A successful call's answer: the JSON of its one text block (and the structured content,
    where the SDK carries it, is the same object)."""
    assert not result.get("isError"), result
    (block,) = result["content"]
    answer = json.loads(block["text"])
    if result.get("structuredContent") is not None:
        assert result["structuredContent"] == answer
    return answer


def _error(result: dict[str, Any]) -> dict[str, Any]:
    assert result.get("isError") is True, result
    (block,) = result["content"]
    error: dict[str, Any] = json.loads(block["text"])["error"]
    return error


def _call(served: dict[str, Any], key: str) -> Any:
    return _answer(served["calls"][key])


# ------------------------------------------------------------------------ tools and resources


def test_the_server_lists_its_tools_with_both_languages(served: dict[str, Any]) -> None:
    listed = {t["name"]: t for t in served["tools"]}
    assert list(listed) == [t.name for t in tools.TOOLS]
    for tool in tools.TOOLS:
        assert listed[tool.name]["inputSchema"] == tool.input_schema
        description = listed[tool.name]["description"]
        assert re.search(r"[\u4e00-\u9fff]", description), tool.name  # Chinese
        assert re.search(r"[A-Za-z]{4} [a-z]{3,}", description), tool.name  # and English
    assert served["initialize"]["serverInfo"]["name"] == "aivoucher"


def test_resources_are_the_json_schemas(served: dict[str, Any]) -> None:
    uris = {r["uri"]: r for r in served["resources"]}
    assert set(uris) == {f"aivoucher://schema/{name}" for name in SCHEMAS}
    for uri, contents in served["read"].items():
        (content,) = contents
        assert content["uri"] == uri
        assert json.loads(content["text"]) == SCHEMAS[uri.rsplit("/", 1)[1]]()
        assert uris[uri]["mimeType"] == "application/json"


def test_list_programs_is_the_command_lines_json(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    for key, extra in (("list", []), ("list_zh", ["--locale", "zh"])):
        _, arguments = CALLS[key]
        command = ["programs", "--city", arguments["city"], "--format", "json", "--as-of", AS_OF]
        assert main([*command, *extra]) == 0
        assert _call(served, key) == json.loads(capsys.readouterr().out)
    ids = {row["id"] for row in _call(served, "list")["programs"]}
    assert "shenzhen.training-compute" in ids and "chengdu.compute-voucher" not in ids


def test_show_program_is_every_version_of_the_program(served: dict[str, Any]) -> None:
    rules = bundled_rules()
    answer = _call(served, "show")
    assert answer["program"] == rules.find("训力券") == "shenzhen.training-compute"
    entries = rules.versions(answer["program"])
    assert len(answer["versions"]) == len(entries)
    for shown, entry in zip(answer["versions"], entries, strict=True):
        assert shown["summary"] == program_row(entry.program)
        assert shown["text"] == render_program(entry.program, "en")
        assert shown["rule_file"] == entry.program.model_dump(
            mode="json", by_alias=True, exclude_none=True
        )


def test_validate_profile_gives_the_profile_as_the_library_reads_it(
    served: dict[str, Any],
) -> None:
    answer = _call(served, "validate")
    assert answer == {"valid": True, "profile": parse_profile(PROFILE).model_dump(mode="json")}
    assert answer["profile"]["applicant"]["city"] == "shenzhen"
    assert answer["profile"]["purchases"][0]["amount"] == "8000000"


#: What the estimate tool keeps of the estimate's JSON: its head, and these keys of each award.
HEAD = ("total_low", "total_high", "if_renewed_low", "if_renewed_high", "confidence", "checked")
HEAD += ("uncounted", "stacking", "as_of", "generator")
AWARD = ("low", "high", "eligible", "renewal", "confidence", "missing", "purchases", "sources")
AWARD += ("assumptions", "name", "jurisdiction")


def test_estimate_is_the_estimates_json_without_the_trace(served: dict[str, Any]) -> None:
    est = aivoucher.estimate(PROFILE, as_of=AS_OF)
    full = json.loads(est.to_json())
    answer = _call(served, "estimate")
    for key in HEAD:
        assert answer[key] == full[key], key
    assert Decimal(answer["total_high"]) == est.total_high == Decimal("4800000")
    by_key = {(a["program"], a["version"]): a for a in full["awards"]}
    paying = [a for a in est.awards if a.eligible is not False]
    paying.sort(key=lambda a: not counted(a))  # counted first, in the library's order
    assert [(a["program"], a["version"]) for a in answer["awards"]] == [
        (a.program.id, a.program.version) for a in paying
    ]
    for shown, award in zip(answer["awards"], paying, strict=True):
        whole = by_key[(shown["program"], shown["version"])]
        for key in AWARD:
            assert shown[key] == whole[key], (shown["program"], key)
        assert shown["counted"] == counted(award)
        assert "steps" not in shown and "reasons" not in shown  # no trace
    assert answer["cannot_pay"] == [a.program.key for a in est.awards if a.eligible is False]
    # the counted awards are what the total rests on
    assert sum(Decimal(a["high"]) for a in answer["awards"] if a["counted"]) == est.total_high
    missing = {m for a in paying for m in a.missing}
    assert {f["field"] for f in answer["open_facts"]} == missing


def test_estimate_answers_in_the_locale_asked_for(served: dict[str, Any]) -> None:
    answer = _call(served, "estimate_zh")
    full = json.loads(aivoucher.estimate(PROFILE, as_of=AS_OF).to_json(locale="zh"))
    sentences = [a["text"] for award in full["awards"] for a in award["assumptions"]]
    shown = [a["text"] for award in answer["awards"] for a in award["assumptions"]]
    assert shown and set(shown) <= set(sentences)
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in shown)


def test_compare_places_is_the_comparisons_json(served: dict[str, Any]) -> None:
    for key in ("compare", "compare_two"):
        _, arguments = CALLS[key]
        expected = aivoucher.compare(PLAN, places=arguments.get("places"), as_of="2026-02-01")
        assert _call(served, key) == json.loads(expected.to_json())
    rows = _call(served, "compare_two")["rows"]
    assert [(r["place"], r["total_high"]) for r in rows] == [
        ("shenzhen", "4800000"),
        ("chengdu", "4800000"),
    ]


def test_what_narrows_is_the_librarys_narrowing(served: dict[str, Any]) -> None:
    _, arguments = CALLS["narrows"]
    est = aivoucher.estimate(arguments["profile"], as_of=AS_OF)
    items = aivoucher.what_narrows(est)
    answer = _call(served, "narrows")
    assert (answer["total_low"], answer["total_high"]) == (
        canonical(est.total_low),
        canonical(est.total_high),
    )
    assert [f["field"] for f in answer["facts"]] == [i.field for i in items]
    assert "applicant.startup" in [f["field"] for f in answer["facts"]]
    for shown, item in zip(answer["facts"], items, strict=True):
        assert shown["adds"] == item.adds and Decimal(shown["width"]) == item.width
        totals = [
            (a["value"], Decimal(a["total_low"]), Decimal(a["total_high"]))
            for a in shown["answers"]
        ]
        assert totals == [(a.value, a.total_low, a.total_high) for a in item.answers]


# ----------------------------------------------------------------------------------- errors


def _library_error(call: Callable[[], object]) -> dict[str, Any]:
    with pytest.raises(AivoucherError) as info:
        call()
    error: dict[str, Any] = error_dict(info.value)["error"]
    return error


def test_an_invalid_profile_is_a_tool_error_with_its_code(served: dict[str, Any]) -> None:
    cases = {
        "bad_kind": (
            "profile.invalid",
            lambda: aivoucher.estimate(CALLS["bad_kind"][1]["profile"]),
        ),
        "bad_field": (
            "profile.unknown_field",
            lambda: parse_profile(CALLS["bad_field"][1]["profile"]),
        ),
        "bad_amount": (
            "amount.negative",
            lambda: aivoucher.estimate(CALLS["bad_amount"][1]["profile"]),
        ),
    }
    for key, (code, library) in cases.items():
        error = _error(served["calls"][key])
        assert error["code"] == code, key
        assert error == _library_error(library), key  # the library's own error, as JSON
    assert _error(served["calls"]["bad_field"])["field"] == "applicant.startp"
    assert _answer(served["calls"]["after_errors"])["valid"] is True  # still serving


@pytest.mark.parametrize(
    ("key", "code", "field"),
    [
        ("bad_date", "date.invalid", None),
        ("bad_city", "city.unknown", None),
        ("bad_program", "program.unknown", None),
        ("bad_locale", "locale.unsupported", None),
        ("bad_places", "places.empty", "places"),
        ("unknown_argument", "mcp.arguments", "profil"),
        ("missing_argument", "mcp.arguments", "profile"),
        ("wrong_type", "mcp.arguments", "assume_renewal"),
        ("not_an_object", "mcp.arguments", "profile"),
        ("unknown_tool", "mcp.unknown_tool", "name"),
    ],
)
def test_bad_arguments_are_tool_errors_with_their_codes(
    served: dict[str, Any], key: str, code: str, field: str | None
) -> None:
    error = _error(served["calls"][key])
    assert error["code"] == code
    if field is not None:
        assert error["field"] == field
    tool, arguments = CALLS[key]
    assert error == _library_error(lambda: tools.call(tool, arguments))
    if code.startswith("mcp."):  # the server's own sentences, in both languages
        assert re.search(r"[\u4e00-\u9fff]", error["message"]) and " / " in error["message"]


def test_suggestions_travel_with_the_error(served: dict[str, Any]) -> None:
    assert _error(served["calls"]["unknown_argument"])["suggestions"] == ["profile"]
    assert _error(served["calls"]["unknown_tool"])["suggestions"] == ["estimate"]


def test_an_unknown_resource_names_the_ones_offered(served: dict[str, Any]) -> None:
    assert "mcp.unknown_resource" in served["unknown_resource"]
    with pytest.raises(InputError) as info:
        tools.read_resource("aivoucher://schema/nope")
    assert info.value.code == "mcp.unknown_resource"
    assert all(r.uri in str(info.value) for r in tools.RESOURCES)


# ------------------------------------------------------------------------ the documentation


def _holds(shown: Any, real: Any, where: str = "answer") -> None:
    """``shown`` (the documentation's answer) is ``real`` abridged: objects may leave keys
    out, and a list may end with "…" after its first entries."""
    if isinstance(shown, dict):
        assert isinstance(real, dict), where
        for key, value in shown.items():
            assert key in real, f"{where}.{key}"
            _holds(value, real[key], f"{where}.{key}")
    elif isinstance(shown, list):
        assert isinstance(real, list), where
        if shown and shown[-1] == "…":
            shown = shown[:-1]
            assert len(real) > len(shown), where
        else:
            assert len(real) == len(shown), where
        for i, (a, b) in enumerate(zip(shown, real, strict=False)):
            _holds(a, b, f"{where}[{i}]")
    else:
        assert shown == real, where


def test_the_documentations_example_answers_hold(served: dict[str, Any]) -> None:
    calls = _doc_calls()
    assert len(calls) >= 4 and {tool for tool, *_ in calls} >= {"estimate", "what_narrows"}
    for (tool, _, kind, shown), result in zip(calls, served["doc"], strict=True):
        _holds(shown, _answer(result) if kind == "answer" else _error(result), tool)


def test_the_documentation_lists_every_tool_and_the_client_configuration() -> None:
    text = DOC.read_text(encoding="utf-8")
    for tool in tools.TOOLS:
        assert f"`{tool.name}`" in text
    found = re.search(r"```json\n(\{\s*\"mcpServers\".*?)```", text, re.S)
    assert found is not None
    config = json.loads(found[1])
    assert config["mcpServers"]["aivoucher"] == {"command": "aivoucher", "args": ["mcp"]}
    assert "pip install 'aivoucher[mcp]'" in text
    assert f"error: {MISSING_MCP}\n" in text  # the line the command prints without the extra


# -------------------------------------------------------------- without the extra, and apart


_WITHOUT_MCP = (
    "import sys; sys.modules['mcp'] = None; "  # the extra is not installed
    "from aivoucher.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_MCP, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_without_the_extra_the_command_says_how_to_install_it() -> None:
    done = _run("mcp")
    assert done.returncode == 2
    assert done.stdout == ""
    split = halves(MISSING_MCP)  # the line in the command line's language: its English half
    assert split is not None and done.stderr == f"error: {split[1]}\n"
    assert "Traceback" not in done.stderr


def test_without_the_extra_the_api_raises_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from aivoucher.agents import serve
    from aivoucher.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "mcp", None)
    monkeypatch.delitem(sys.modules, "aivoucher.agents.server", raising=False)
    with pytest.raises(MissingDependencyError) as info:
        serve()
    assert info.value.code == "dependency.missing"
    assert "pip install 'aivoucher[mcp]'" in str(info.value)


def test_the_library_and_its_command_line_do_not_import_mcp() -> None:
    code = (
        "import sys, aivoucher, aivoucher.cli, aivoucher.agents.tools\n"
        f"aivoucher.estimate({PROFILE!r}, as_of={AS_OF!r})\n"
        "aivoucher.agents.tools.call('list_programs', {})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mcp', 'mcp_types')))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"


def test_as_of_defaults_to_today() -> None:
    answer = tools.call("estimate", {"profile": PROFILE})
    assert answer["as_of"] == dt.date.today().isoformat()


# ---------------------------------------------------------------- properties, in the process


@given(profiles(max_purchases=3), st.sampled_from(["2025-06-30", "2026-02-01"]))
def test_any_profile_as_json_gets_the_librarys_estimate(profile: Any, as_of: str) -> None:
    """Whatever the profile, sent as the JSON an agent sends: the tool's answer is the
    estimate's JSON without the trace, and the validated profile is the library's reading."""
    data = profile.model_dump(mode="json")
    assert tools.call("validate_profile", {"profile": data})["profile"] == data
    answer = tools.call("estimate", {"profile": data, "as_of": as_of})
    full = json.loads(aivoucher.estimate(profile, as_of=as_of).to_json())
    assert {key: answer[key] for key in HEAD} == {key: full[key] for key in HEAD}
    # a version may give two awards: the purchases it covers, and those past its end that
    # depend on its renewal
    whole = {(a["program"], a["version"], a["renewal"]): a for a in full["awards"]}
    for award in answer["awards"]:
        assert {k: award[k] for k in AWARD} == {
            k: whole[(award["program"], award["version"], award["renewal"])][k] for k in AWARD
        }
    shown = {(a["program"], a["version"], a["renewal"]) for a in answer["awards"]}
    assert shown == {k for k, a in whole.items() if a["eligible"] is not False}
    counted_high = sum(Decimal(a["high"]) for a in answer["awards"] if a["counted"])
    assert counted_high >= Decimal(answer["total_high"])  # stacking only ever takes away


NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)


@given(st.sampled_from(tools.TOOLS), NAMES)
def test_any_argument_a_tool_does_not_take_is_named(tool: Any, name: str) -> None:
    assume(name not in tool.input_schema["properties"])
    with pytest.raises(InputError) as info:
        tools.call(tool.name, {name: 1})
    assert info.value.code == "mcp.arguments"
    assert info.value.field == name


def test_the_server_answers_with_the_rules_it_is_given(tmp_path: Any) -> None:
    """``aivoucher --rules DIR mcp``: the tools compute with DIR's rule files."""
    from conftest import rule, write_rule

    from aivoucher.ruleset.registry import load_rules

    write_rule(tmp_path / "rules", rule())
    rules = load_rules(tmp_path / "rules")
    listed = tools.call("list_programs", {}, rules=rules)["programs"]
    assert [row["id"] for row in listed] == [p.id for p in rules.programs]
