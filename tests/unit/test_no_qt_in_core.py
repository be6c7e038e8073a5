"""The core must work headless: no Qt import outside ui/ and app.py."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import companion

PACKAGE = Path(companion.__file__).parent
QT_FREE = ["curriculum", "storage", "export", "tutor", "quiz", "render.py", "study.py",
           "paths.py", "cli.py"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_core_sources_never_import_qt():
    offenders = []
    for name in QT_FREE:
        target = PACKAGE / name
        files = [target] if target.is_file() else sorted(target.rglob("*.py"))
        for f in files:
            if _imports(f) & {"PySide6", "shiboken6", "PyQt5", "PyQt6"}:
                offenders.append(str(f.relative_to(PACKAGE)))
    assert offenders == []


def test_importing_the_core_loads_no_qt_module():
    code = ("import sys, companion.curriculum, companion.storage, companion.export, "
            "companion.study, companion.render; "
            "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
