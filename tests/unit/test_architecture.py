"""The shape of the code (docs/architecture.md), checked so it cannot quietly erode.

- the core works headless: no Qt outside ``ui/`` and ``app.py``;
- views talk to services, never to ``companion.storage``;
- the core never imports the CLI, and no two modules import each other in a circle;
- no module grows past 400 lines.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import companion

PACKAGE = Path(companion.__file__).parent
QT = {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
# modules allowed to touch Qt: the views, the composition root, and the self-test that
# renders the real window (lazily, inside the check that needs it)
QT_ALLOWED = ("ui/", "app.py", "cli/selftest.py")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every module this file imports (at any depth), except under ``if TYPE_CHECKING``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for child in node.body for n in ast.walk(child)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from pkg import sub" imports the submodule; "from pkg import name", the package
            subs = {f"{node.module}.{a.name}" for a in node.names} & MODULES.keys()
            found |= subs if len(subs) == len(node.names) else {node.module, *subs}
    return found


def _internal(path: Path) -> set[str]:
    return {m for m in _imports(path) if m in MODULES}


def test_the_core_never_imports_qt():
    offenders = [str(p.relative_to(PACKAGE)) for p in MODULES.values()
                 if not str(p.relative_to(PACKAGE)).startswith(QT_ALLOWED)
                 and {m.split(".")[0] for m in _imports(p)} & QT]
    assert offenders == []


def test_importing_the_core_loads_no_qt_module():
    code = ("import sys, companion.curriculum, companion.storage, companion.export, "
            "companion.study, companion.render, companion.cli, companion.lab; "
            "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_views_never_reach_storage():
    offenders = []
    for name, path in MODULES.items():
        if name.startswith("companion.ui"):
            text = path.read_text(encoding="utf-8")
            if any(m.startswith("companion.storage") for m in _imports(path)) \
                    or "study.db" in text:
                offenders.append(name)
    assert offenders == []


def test_the_core_never_imports_the_cli():
    offenders = [name for name, path in MODULES.items()
                 if not name.startswith(("companion.cli", "companion.__main__"))
                 and any(m.startswith("companion.cli") for m in _internal(path))]
    assert offenders == []


def test_no_import_cycles():
    graph = {name: {m for m in _internal(path) if m != name} for name, path in MODULES.items()}
    cycles, index, low, stack, on_stack = [], {}, {}, [], set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []


def test_no_module_is_over_400_lines():
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_every_package_ships_in_the_wheel():
    import tomllib

    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]
                 ["setuptools"]["packages"])
    packages = {".".join(p.parent.relative_to(PACKAGE.parent).parts)
                for p in PACKAGE.rglob("__init__.py")}
    assert packages <= listed
