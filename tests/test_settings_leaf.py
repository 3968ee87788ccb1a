"""``parcours.settings`` is a leaf: every layer may read the settings without an import cycle."""

import ast
from pathlib import Path

import parcours.settings

ALLOWED = {"parcours.errors"}


def _imported(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a relative import is one of ours
                names = [node.module] if node.module else [a.name for a in node.names]
                modules |= {f"parcours.{name}" for name in names}
            elif node.module:
                modules.add(node.module)
                modules |= {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def test_settings_imports_no_parcours_module_but_errors() -> None:
    path = Path(parcours.settings.__file__)
    ours = {m for m in _imported(path) if m == "parcours" or m.startswith("parcours.")}
    # ``from parcours.errors import X`` also lists ``parcours.errors.X``: a name, not a module
    ours = {m for m in ours if not any(m.startswith(a + ".") for a in ALLOWED)}
    assert ours <= ALLOWED, f"{path} imports {sorted(ours - ALLOWED)}; settings must stay a leaf"


def test_the_guard_sees_every_import_form(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import parcours.data\nfrom parcours import render\nfrom . import model\n"
        "def f():\n    from parcours.insight import measure\n"
    )
    assert {"parcours.data", "parcours.render", "parcours.insight", "parcours.model"} <= (
        _imported(module)
    )
