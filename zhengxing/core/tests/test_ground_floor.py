"""The ground floor imports no app of the project: every app may build on it, it on none."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import zhengxing.core

pytestmark = pytest.mark.engine_neutral

CORE = Path(zhengxing.core.__file__).parent


def imported(path: Path) -> set[str]:
    """The absolute modules a file imports, at the top or inside a function."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return out


def test_core_imports_no_app_of_the_project() -> None:
    modules = [p for p in CORE.rglob("*.py") if "tests" not in p.parts]
    assert len(modules) >= 8
    upward = {
        f"{p.relative_to(CORE)}: {m}"
        for p in modules
        for m in imported(p)
        if m.startswith("zhengxing") and not m.startswith("zhengxing.core")
    }
    assert upward == set()


def test_star_rules_know_nothing_of_the_presets() -> None:
    rules = CORE.parent / "stars" / "rules.py"
    source = rules.read_text(encoding="utf-8")
    assert "presets" not in {m.rsplit(".", 1)[-1] for m in imported(rules)}
    assert "from .presets" not in source
