"""The shape of the code: data flows one way (``../shared/ARCHITECTURE.md``), with no import
cycle, and analyses never ask which engine they run on.

The imports are read from the source (every ``import`` statement, those inside functions
included; those under ``if TYPE_CHECKING:`` are for the type checker only and are left out).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "parcours"

#: Each layer may import its own modules and those of lower layers, never a higher one.
LAYERS: dict[str, int] = {
    "errors": 0,
    "_optional": 1,
    "csv_text": 1,
    "settings": 1,
    "model": 1,
    "data": 2,
    "engine": 3,
    "voice": 3,
    "insight": 4,
    "render": 5,
    "store": 5,
    "simulate": 5,
    "samples": 5,
    "snapshot": 5,
    "demo": 6,
    "refresh": 6,
    "web": 8,
    "cli": 9,
    "__init__": 7,
}
#: The engines' own modules: the only place that may name an engine's classes.
BACKENDS = ("parcours.engine.duckdb", "parcours.engine.spark")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking(node):
            yield from (n for child in node.orelse for n in _import_nodes_of(child))
            continue
        yield from _import_nodes_of(node)


def _import_nodes_of(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    else:
        yield from _import_nodes(node)


def imports_of(name: str) -> set[str]:
    """The modules of ours (and the third-party top-level modules) that module ``name``
    imports."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
            base = f"{base}.{node.module}" if node.module else base
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            found.add(sub if sub in MODULES else base)
    return found


GRAPH = {name: {i for i in imports_of(name) if i in MODULES} for name in MODULES}


def layer_of(name: str) -> tuple[str, int]:
    top = name.split(".")[1] if "." in name else "__init__"
    return top, LAYERS[top]


def test_every_module_has_a_layer() -> None:
    unknown = {name for name in MODULES if layer_of_or_none(name) is None}
    assert not unknown, f"give these modules a layer in LAYERS: {sorted(unknown)}"


def layer_of_or_none(name: str) -> int | None:
    top = name.split(".")[1] if "." in name else "__init__"
    return LAYERS.get(top)


def test_no_import_against_the_flow() -> None:
    wrong = []
    for name, targets in GRAPH.items():
        top, rank = layer_of(name)
        for target in targets:
            other, other_rank = layer_of(target)
            if other != top and other_rank >= rank:
                wrong.append(f"{name} ({top}) imports {target} ({other})")
    assert not wrong, "imports against the one-way flow:\n" + "\n".join(sorted(wrong))


def test_no_import_cycle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in GRAPH:
        if name not in index:
            visit(name)
    assert not cycles, f"import cycles: {cycles}"


def test_engines_are_imported_only_inside_the_engine() -> None:
    wrong = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if not name.startswith("parcours.engine")
        for target in targets
        if target.startswith(BACKENDS)
    ]
    assert not wrong, "outside parcours.engine, use parcours.engine's API:\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", [n for n in MODULES if not n.startswith(BACKENDS)])
def test_no_branch_on_the_engine(name: str) -> None:
    """Only the engines' own modules may test a log's class: analyses call the Backend."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance":
            named = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
            named |= {n.attr for n in ast.walk(node.args[1]) if isinstance(n, ast.Attribute)}
            assert not named & {"EventLog", "SparkEventLog"}, (
                f"{name}:{node.lineno}: isinstance on an engine's log; call the Backend instead"
            )


SQL = re.compile(r"\b(SELECT|INSERT|CREATE|GROUP BY|ORDER BY|WHERE)\b")


@pytest.mark.parametrize("name", [n for n in MODULES if n.startswith("parcours.insight")])
def test_insight_asks_the_engine_and_writes_no_sql(name: str) -> None:
    """``insight`` combines the engine's results: no SQL text, no database of its own."""
    assert not imports_of(name) & {"duckdb", "pyspark", "sqlalchemy"}, name
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            assert not SQL.search(node.value), f"{name}:{node.lineno}: SQL {node.value!r}"
