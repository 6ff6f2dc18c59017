"""The house as the README draws it: the "Where each part of the practice lives" table names
every folder of the package and nothing else, the floors' contract (pyproject.toml, checked by
`lint-imports` in `make lint`) places every app, and it holds."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine_neutral

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "zhengxing"


def folders() -> set[str]:
    """The package's folders of code (not the translations)."""
    return {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 3)
    return text[start : end if end != -1 else None]


def test_the_readme_table_names_every_folder_and_nothing_else() -> None:
    table = readme_section("Where each part of the practice lives")
    named = set(re.findall(r"^\| `zhengxing/(\w+)/` \|", table, flags=re.MULTILINE))
    assert named == folders()


def test_the_floors_place_every_app() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    placed = {
        name.strip().removeprefix("zhengxing.")
        for layer in contract["layers"]
        for name in layer.split("|")
    }
    assert placed == folders()
    drawing = readme_section("Floors").split("```")[1]
    drawn = {
        name.strip()
        for line in drawing.splitlines()
        if line.strip()[:1].isalpha()
        for name in re.split(r"\s{3,}", line.strip())[0].split("|")
    }
    assert drawn == placed


def test_the_floors_hold() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


LONGEST = 600
SAYS_WHY = "# over 600 lines because"


def test_every_module_is_under_600_lines_unless_it_says_why() -> None:
    """A module that grows past 600 lines splits by subject (as `ledger/services/` did), or
    says in a comment why it holds together."""
    long = [
        f"{path.relative_to(ROOT)}: {n} lines"
        for path in [*PACKAGE.rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
        if "migrations" not in path.parts
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST
        and SAYS_WHY not in path.read_text(encoding="utf-8")
    ]
    assert not long, long
