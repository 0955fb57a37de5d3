"""The floors of the house: every import points down, and no import cycle remains.

Data flows one way — rule file → schema → plan → evaluators → result → views — and the folders
of ``src/aivoucher`` are its floors, lowest first (docs/contributing.md):

    base        money, dates, documents, jurisdictions, words: what everything reads
    vocabulary  facts, profiles, the rule-file schema, trace steps, results
    plan        what a rule file compiles to (conditions)
    evaluate    the traced, fast and vectorised evaluators, stacking, application status
    ruleset     loading, checking and the one version chooser
    questions   comparison, what-if, curves, pools, batches
    render      every view: text, HTML, JSON, frames, charts, reports
    testing     strategies and invariants for rule files
    agents      the tools for AI agents and the MCP server (``aivoucher mcp``)
    (top)       the package's front door and the command line

A module imports only from its own floor or a lower one, at module level and inside functions;
imports for type checking alone do not count. One exception: a value object (an estimate, a
comparison, a sweep, a grid, a rule set) may import the render floor inside the methods that
present it (``to_text``, ``_repr_html_``, ``plot`` …), since a view of a value is asked of the
value. Those edges are left out of the cycle check too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

import aivoucher

PACKAGE = ROOT / "src" / "aivoucher"
FLOORS = (
    "base",
    "vocabulary",
    "plan",
    "evaluate",
    "ruleset",
    "questions",
    "render",
    "testing",
    "agents",
)
#: Modules outside the floor folders, and the floor each belongs to.
LOOSE = {
    "errors": "base",
    "__init__": "top",
    "__main__": "top",
    "cli": "top",
    "cli_words": "top",
    "cli_parser": "top",
    "_moved": "top",
}
#: Value objects that may present themselves through the render floor.
PRESENT_THEMSELVES = {
    "vocabulary.result",
    "questions.comparison",
    "questions.curves",
    "questions.whatif",
    "questions.where",
    "ruleset.registry",
}
ORDER = (*FLOORS, "top")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def floor_of(module: str) -> str:
    head = module.split(".")[0]
    return head if head in FLOORS else LOOSE[head]


def _is_package(module: str) -> bool:
    return (PACKAGE / module.replace(".", "/") / "__init__.py").is_file()


def _resolve(module: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The aivoucher modules (relative to the package) an import statement loads."""
    if isinstance(node, ast.Import):
        return [
            a.name.removeprefix("aivoucher.") for a in node.names if a.name.startswith("aivoucher.")
        ]
    if node.level == 0:
        if not (node.module or "").startswith("aivoucher."):
            return []
        base = node.module.removeprefix("aivoucher.")  # type: ignore[union-attr]
    else:
        package = module.split(".") if _is_package(module) else module.split(".")[:-1]
        if module == "__init__":
            package = []
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([node.module] if node.module else [])])
    found = []
    for alias in node.names:
        candidate = f"{base}.{alias.name}" if base else alias.name
        path = PACKAGE / candidate.replace(".", "/")
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            found.append(candidate)  # a submodule
        elif base:
            found.append(base)
    return found


def _imports(tree: ast.AST, module: str) -> Iterator[tuple[str, bool]]:
    """(imported module, inside a function) for every runtime import."""

    def visit(node: ast.AST, inside: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # for the type checker only
            deeper = inside or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import | ast.ImportFrom):
                for target in _resolve(module, child):
                    yield target, deeper
            yield from visit(child, deeper)

    yield from visit(tree, False)


def import_graph() -> dict[str, set[tuple[str, bool]]]:
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[module] = {(t, inside) for t, inside in _imports(tree, module) if t != module}
    return graph


GRAPH = import_graph()


def _presents_itself(source: str, target: str, inside: bool) -> bool:
    return inside and source in PRESENT_THEMSELVES and floor_of(target) == "render"


def test_every_module_sits_on_a_floor() -> None:
    assert all(floor_of(m) in ORDER for m in GRAPH)
    assert {floor_of(m) for m in GRAPH} >= set(FLOORS)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down(module: str) -> None:
    mine = ORDER.index(floor_of(module))
    upward = sorted(
        f"{target} ({floor_of(target)}{', inside a function' if inside else ''})"
        for target, inside in GRAPH[module]
        if ORDER.index(floor_of(target)) > mine and not _presents_itself(module, target, inside)
    )
    assert not upward, f"{module} ({floor_of(module)}) imports from above: {upward}"


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in edges:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_cycle() -> None:
    edges = {
        module: {t for t, inside in targets if not _presents_itself(module, t, inside)}
        for module, targets in GRAPH.items()
    }
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_earlier_import_paths_give_the_same_modules() -> None:
    import importlib

    from aivoucher._moved import MOVED

    for earlier, now in MOVED.items():
        assert importlib.import_module(earlier) is importlib.import_module(now), earlier
        assert importlib.import_module(now).__spec__.name == now  # it still knows its place
    assert aivoucher.batch is importlib.import_module("aivoucher.questions.batch")
