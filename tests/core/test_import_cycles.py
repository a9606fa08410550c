"""No import cycles among ``cxdial`` modules, function-level imports included."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import cxdial

ROOT = Path(cxdial.__file__).resolve().parent

#: Cycles other areas are breaking on their own branches; the lead empties this at merge.
#: Each entry is the sorted set of modules of one strongly connected component.


def module_name(path: Path) -> str:
    """``src/cxdial/a/b.py`` -> ``cxdial.a.b``; a package's ``__init__`` is the package."""
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module under ``src/cxdial`` by dotted name."""
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def imported(path: Path, name: str, known: set[str]) -> Iterator[str]:
    """``cxdial`` modules ``path`` imports anywhere (top level, functions, TYPE_CHECKING).

    ``TYPE_CHECKING`` imports count too: a cycle there is still a cycle in the design.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import mod`` imports the submodule when there is one
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def graph() -> dict[str, set[str]]:
    """Module -> the ``cxdial`` modules it imports."""
    found = modules()
    known = set(found)
    return {name: set(imported(path, name, known)) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    # A package ``__init__`` re-exporting its modules is not a cycle with them: drop edges
    # from a package to its own submodules.
    edges = {
        src: {dst for dst in dsts if not dst.startswith(src + ".")} for src, dsts in edges.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(frozenset(component))
    return out


def test_the_walker_sees_function_level_imports() -> None:
    """An import inside a function body is an edge like any other."""
    edges = graph()
    assert "cxdial.compliance.gate" in edges
    assert all(dst.startswith("cxdial") for dsts in edges.values() for dst in dsts)


def test_cycle_finder_finds_a_planted_cycle() -> None:
    """The finder reports a two-module cycle and ignores a package importing its children."""
    edges = {"p": {"p.a"}, "p.a": {"p.b"}, "p.b": {"p.a"}, "q": set()}
    assert cycles(edges) == [frozenset({"p.a", "p.b"})]


def test_no_import_cycles() -> None:
    """No module reaches itself through ``cxdial`` imports, function-level ones included."""
    found = [sorted(c) for c in cycles(graph())]
    assert not found, f"import cycles: {found}"
