"""The emulator's modules import each other without cycles, at any depth."""

from __future__ import annotations

import ast
from pathlib import Path

import cxdial.emulator

_ROOT = Path(cxdial.emulator.__file__).parent


def _module(path: Path) -> str:
    parts = path.relative_to(_ROOT.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every cxdial.emulator module ``path`` imports, in functions too (not TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("cxdial.emulator")}


def test_no_import_cycle_among_emulator_modules() -> None:
    """A depth-first walk of the import graph finds no module that reaches itself."""
    files = {_module(p): p for p in _ROOT.rglob("*.py")}
    graph = {name: _imports(path) & set(files) - {name} for name, path in files.items()}
    graph["cxdial.emulator"] = set()  # its names load lazily (PEP 562)
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert len(graph) > 20
    assert cycles == []


def _all_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_simulation_core_knows_no_web_framework() -> None:
    """World, dialer, telephony and their parts import neither FastAPI nor Starlette."""
    core = ("world", "dialer", "telephony", "entities", "clock", "tokens", "signing", "stats")
    web = ("fastapi", "starlette", "uvicorn")
    for name in core:
        names = _all_imports(_ROOT / f"{name}.py")
        assert [n for n in names if n.startswith(web)] == [], name
