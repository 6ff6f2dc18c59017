"""The configuration: README.md's table names exactly the environment variables that
zhengxing/settings.py reads; a bad value stops the start naming the variable; the values the
environment gives reach the code that uses them."""

from __future__ import annotations

import ast
import os
import re
import runpy
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

# settings.py and README.md, and a process of its own on a SQLite file of its own
pytestmark = pytest.mark.engine_neutral

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = ROOT / "zhengxing" / "settings.py"
README = ROOT / "README.md"


def variables_read_by_settings() -> set[str]:
    """Every name settings.py passes as a literal to os.environ.get / os.getenv /
    os.environ[...] or to its env* helpers (envbool, envint, envdecimal, envsecret)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            reads = (isinstance(func, ast.Name) and func.id.startswith("env")) or (
                isinstance(func, ast.Attribute)
                and (func.attr == "getenv" or (func.attr == "get" and _is_environ(func.value)))
            )
            first = node.args[0]
            if reads and isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
        elif (
            isinstance(node, ast.Subscript)
            and _is_environ(node.value)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            names.add(node.slice.value)
    return names


def _is_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def variables_in_readme_table() -> set[str]:
    """The `NAME`s in the first column of the table under README.md's `## Configuration`."""
    section = README.read_text().split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("| ---"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def test_the_readme_table_and_the_settings_name_the_same_variables() -> None:
    read = variables_read_by_settings()
    documented = variables_in_readme_table()
    assert len(read) > 10, f"settings.py read too few variables to be believed: {sorted(read)}"
    undocumented = sorted(read - documented)
    unread = sorted(documented - read)
    assert not undocumented and not unread, (
        f"read by zhengxing/settings.py but not in README.md's Configuration table: "
        f"{undocumented}; in the table but never read by settings.py: {unread}"
    )


def _settings_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, object]:
    """settings.py executed afresh (not Django's loaded settings) with these variables set."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_the_low_points_and_objection_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in (
        "ZHENGXING_LOW_POINTS_THRESHOLD",
        "ZHENGXING_LOW_POINTS_QUARTERS",
        "ZHENGXING_OBJECTION_DAYS",
        "ZHENGXING_MAX_UPLOAD_MB",
    ):
        monkeypatch.delenv(name, raising=False)
    defaults = runpy.run_path(str(SETTINGS))
    assert defaults["ZHENGXING_LOW_POINTS_THRESHOLD"] == Decimal(60)
    assert defaults["ZHENGXING_LOW_POINTS_QUARTERS"] == 2
    assert defaults["ZHENGXING_OBJECTION_DAYS"] == 7
    assert defaults["ZHENGXING_MAX_UPLOAD_MB"] == 50

    given = _settings_with(
        monkeypatch,
        ZHENGXING_LOW_POINTS_THRESHOLD="37.5",
        ZHENGXING_LOW_POINTS_QUARTERS="3",
        ZHENGXING_OBJECTION_DAYS="14",
        ZHENGXING_MAX_UPLOAD_MB="20",
    )
    assert given["ZHENGXING_LOW_POINTS_THRESHOLD"] == Decimal("37.5")
    assert given["ZHENGXING_LOW_POINTS_QUARTERS"] == 3
    assert given["ZHENGXING_OBJECTION_DAYS"] == 14
    assert given["ZHENGXING_MAX_UPLOAD_MB"] == 20


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ZHENGXING_LOW_POINTS_THRESHOLD", "sixty", "be a number"),
        ("ZHENGXING_LOW_POINTS_THRESHOLD", "-5", "at least 0"),
        ("ZHENGXING_LOW_POINTS_THRESHOLD", "NaN", "at least 0"),
        ("ZHENGXING_LOW_POINTS_QUARTERS", "5", "from 1 to 4"),
        ("ZHENGXING_LOW_POINTS_QUARTERS", "0", "from 1 to 4"),
        ("ZHENGXING_LOW_POINTS_QUARTERS", "two", "whole number"),
        ("ZHENGXING_OBJECTION_DAYS", "0", "at least 1"),
        ("ZHENGXING_MAX_UPLOAD_MB", "50MB", "whole number"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"^{name} must .*{message}"):
        _settings_with(monkeypatch, **{name: value})


def test_the_code_reads_the_values_the_environment_gives(tmp_path: Path) -> None:
    """A process started with the variables set: the low-points list and the notice's
    objection period use them (not a default of their own)."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "ZHENGXING_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'settings.sqlite3'}",
        "ZHENGXING_LOW_POINTS_THRESHOLD": "20",
        "ZHENGXING_LOW_POINTS_QUARTERS": "3",
        "ZHENGXING_OBJECTION_DAYS": "14",
    }
    script = (
        "import django; django.setup()\n"
        "from zhengxing.ledger import selectors, services\n"
        "print(selectors.low_points_threshold(), selectors.low_points_quarters(),"
        " services.objection_days())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "zhengxing.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["20", "3", "14"]
