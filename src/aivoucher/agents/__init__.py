"""aivoucher for AI agents: the library's questions as tools of a Model Context Protocol server
(``aivoucher mcp``, docs/agents.md).

:mod:`.tools` says what each tool takes and computes its answer with the library alone (no
``mcp`` import); :mod:`.server` serves them over stdio with the ``mcp`` SDK, an optional extra
(``pip install 'aivoucher[mcp]'``). ``import aivoucher`` loads neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import MissingDependencyError

if TYPE_CHECKING:
    from ..ruleset.registry import RuleSet

__all__ = ["MISSING_MCP", "serve"]

#: The one line ``aivoucher mcp`` prints (code ``dependency.missing``) without the extra.
MISSING_MCP = (
    "aivoucher mcp 需要 mcp 软件包：pip install 'aivoucher[mcp]' / "
    "aivoucher mcp needs the mcp package: pip install 'aivoucher[mcp]'"
)


def serve(rules: RuleSet | None = None) -> None:
    """Serve the tools over stdio until the client closes the connection;
    :class:`MissingDependencyError` (``dependency.missing``) without the ``mcp`` extra."""
    try:
        from .server import serve as run
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in {"mcp", "mcp_types"}:
            raise
        raise MissingDependencyError(MISSING_MCP, package="mcp") from None
    run(rules)
