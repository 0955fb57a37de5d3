"""The MCP server over stdio (``aivoucher mcp``), on the official ``mcp`` SDK.

The SDK's low-level server changed shape between its major versions — handlers passed to the
constructor in 2.x, registered by decorators in 1.x — and this module serves both, so that the
``mcp`` extra installs beside the oldest pydantic aivoucher supports (mcp 2 needs a newer one).
Every model is built from its JSON form (``model_validate``), which both versions read.

A tool's answer is one text block holding its JSON (and, where the SDK carries it, the same
object as structured content); a bad argument gives a tool error whose text is the JSON
``{"error": {"code", "message", "field", …}}`` that ``aivoucher … --format json`` writes.
"""

from __future__ import annotations

import functools
import inspect
from typing import TYPE_CHECKING, Any

import anyio
import mcp.types as types
from mcp.server import Server
from mcp.server.stdio import stdio_server

from ..base.version import VERSION
from ..errors import AivoucherError, error_dict
from .tools import RESOURCES, TOOLS, answer_text, call, read_resource

if TYPE_CHECKING:
    from ..ruleset.registry import RuleSet

__all__ = ["build_server", "serve"]

INSTRUCTIONS = (
    "aivoucher computes what Chinese AI compute-subsidy programs (算力券, 训力券, 模型券 …) "
    "would pay an applicant, exactly and with the policy text quoted. Give profiles as JSON "
    "objects (resource aivoucher://schema/profile); amounts are decimal strings in yuan. / "
    "aivoucher 精确计算各地人工智能算力补贴项目将向申请主体支付的金额，并引用政策原文。"
    "profile 以 JSON 对象提供；金额为以元为单位的十进制字符串。"
)

# Hints for clients: every tool reads and computes, none changes anything or reaches outside.
_HINTS = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True}


def _tools() -> list[types.Tool]:
    return [
        types.Tool.model_validate(
            {
                "name": tool.name,
                "title": tool.title,
                "description": tool.description,
                "inputSchema": tool.input_schema,
                "annotations": {"title": tool.title, **_HINTS, "openWorldHint": False},
            }
        )
        for tool in TOOLS
    ]


def _resources() -> list[types.Resource]:
    return [
        types.Resource.model_validate(
            {
                "uri": r.uri,
                "name": r.name,
                "description": r.description,
                "mimeType": "application/json",
            }
        )
        for r in RESOURCES
    ]


async def _answer(
    name: str, arguments: dict[str, Any] | None, rules: RuleSet | None
) -> tuple[dict[str, Any], bool]:
    """The tool's answer, or the error's JSON form and ``True``; computed in a worker thread,
    so that the server keeps answering pings while a comparison runs."""
    try:
        answer = await anyio.to_thread.run_sync(functools.partial(call, name, arguments, rules))
    except AivoucherError as exc:
        return error_dict(exc), True
    return answer, False


async def _resource_text(uri: str) -> str:
    try:
        return read_resource(uri)
    except AivoucherError as exc:
        raise ValueError(answer_text(error_dict(exc))) from None


def _modern(rules: RuleSet | None) -> Any:
    """mcp 2.x: handlers are the constructor's arguments."""

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult.model_validate({"tools": _tools()})

    async def call_tool(ctx: Any, params: Any) -> types.CallToolResult:
        answer, failed = await _answer(params.name, params.arguments, rules)
        return types.CallToolResult.model_validate(
            {
                "content": [{"type": "text", "text": answer_text(answer)}],
                "structuredContent": answer,
                "isError": failed,
            }
        )

    async def list_resources(ctx: Any, params: Any) -> types.ListResourcesResult:
        return types.ListResourcesResult.model_validate({"resources": _resources()})

    async def read(ctx: Any, params: Any) -> types.ReadResourceResult:
        uri = str(params.uri)
        text = await _resource_text(uri)
        return types.ReadResourceResult.model_validate(
            {"contents": [{"uri": uri, "mimeType": "application/json", "text": text}]}
        )

    return Server(
        "aivoucher",
        version=VERSION,
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_read_resource=read,
    )


class _ToolFailed(Exception):
    """A tool error under mcp 1.x, which turns an exception raised by a tool into a result
    marked ``isError`` whose text is the exception's: here, the error's JSON."""


def _classic(rules: RuleSet | None) -> Any:
    """mcp 1.x: handlers registered by decorators (the version and instructions where the
    installed release takes them)."""
    taken = inspect.signature(Server.__init__).parameters
    options = {"version": VERSION, "instructions": INSTRUCTIONS}
    factory: Any = Server  # typed after the installed release, which may be the other one
    server: Any = factory("aivoucher", **{k: v for k, v in options.items() if k in taken})

    async def list_tools() -> list[types.Tool]:
        return _tools()

    async def call_tool(name: str, arguments: dict[str, Any] | None) -> list[Any]:
        answer, failed = await _answer(name, arguments, rules)
        if failed:
            raise _ToolFailed(answer_text(answer))
        return [types.TextContent.model_validate({"type": "text", "text": answer_text(answer)})]

    async def list_resources() -> list[types.Resource]:
        return _resources()

    async def read(uri: Any) -> str:
        return await _resource_text(str(uri))

    # releases that check arguments against the schema would answer a bad profile before the
    # library could name its field and code: the library checks them instead
    checks = "validate_input" in inspect.signature(server.call_tool).parameters
    server.list_tools()(list_tools)
    server.call_tool(**({"validate_input": False} if checks else {}))(call_tool)
    server.list_resources()(list_resources)
    server.read_resource()(read)
    return server


def build_server(rules: RuleSet | None = None) -> Any:
    """The ``mcp`` server of aivoucher's tools and schemas, computing with ``rules`` (default:
    the bundled rule files)."""
    modern = "on_call_tool" in inspect.signature(Server.__init__).parameters
    return _modern(rules) if modern else _classic(rules)


async def _serve(rules: RuleSet | None) -> None:
    server = build_server(rules)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def serve(rules: RuleSet | None = None) -> None:
    """Serve over standard input and output until the client closes them."""
    anyio.run(_serve, rules)
