"""The top-level API: ``__all__`` lists exactly what ``parcours`` exposes, every name imports,
and ``import parcours`` stays light (each name is imported from its module on first use)."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import parcours


def test_all_is_every_lazy_name_and_the_version() -> None:
    assert len(parcours.__all__) == len(set(parcours.__all__))
    assert set(parcours.__all__) == {*parcours._LAZY, "__version__"}


def test_type_checkers_see_the_same_names_as_the_runtime() -> None:
    tree = ast.parse(Path(parcours.__file__).read_text(encoding="utf-8"))
    (block,) = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    ]
    seen = {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert seen == parcours._LAZY


def test_every_name_imports_from_its_module() -> None:
    for name in parcours.__all__:
        value = getattr(parcours, name)
        if name in parcours._LAZY:
            assert value is getattr(importlib.import_module(parcours._LAZY[name]), name), name
    namespace: dict[str, object] = {}
    exec("from parcours import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(parcours.__all__)


def test_exported_members() -> None:
    """Like httpx's test: once every name is loaded, the public members (modules aside, which
    importing a sub-package attaches) are exactly those of ``__all__``."""
    for name in parcours.__all__:
        getattr(parcours, name)
    members = {
        name
        for name, value in vars(parcours).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert members == set(parcours.__all__) - {"__version__"}
    assert set(parcours.__all__) <= set(dir(parcours))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'parcours' has no attribute 'Workspaces'"):
        parcours.Workspaces  # noqa: B018


def test_import_parcours_stays_light() -> None:
    code = (
        "import sys, parcours; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('duckdb', 'pydantic', 'pandas', 'numpy', 'click') or m.startswith('parcours.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
