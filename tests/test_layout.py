"""The core is pure: it imports nothing from the edges, and importing skypact does no I/O."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "skypact"
CORE = ["geo", "plans", "strategic", "conflicts.py", "minima.py", "units.py", "errors.py", "i18n", "synth.py"]
EDGE_MODULES = ("skypact.cli", "skypact.report", "skypact.benchmarks", "skypact.service", "skypact.api",
                "skypact.store", "typer", "rich", "fastapi", "sqlalchemy")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_edge() -> None:
    files = []
    for entry in CORE:
        p = SRC / entry
        files += list(p.rglob("*.py")) if p.is_dir() else [p]
    bad = {(str(f.relative_to(SRC)), m) for f in files for m in _imports(f) if m.startswith(EDGE_MODULES)}
    assert not bad, bad


def test_import_has_no_side_effects(tmp_path: Path) -> None:
    code = "import skypact, skypact.strategic, skypact.plans, skypact.cli.app; print('ok')"
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "ok"
    assert list(tmp_path.iterdir()) == []
