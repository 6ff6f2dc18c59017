"""bench/profile_import.py (the roster import in CPU seconds, bench/README.md) is run by hand, not
by `make bench`: it runs here at a tiny size, so it cannot rot unnoticed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine_neutral

BENCH = Path(__file__).resolve().parents[3] / "bench"


def test_the_import_profile_runs_at_a_tiny_size(tmp_path: Path) -> None:
    env = {**os.environ, "ZHENGXING_BENCH_MEMBERS": "300", "ZHENGXING_PROFILE": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, str(BENCH / "profile_import.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("calamine's read:") for line in lines), done.stdout
    assert any(line.startswith("import:") and "created=300," in line for line in lines)
    assert any(line.startswith("re-import:") and "unchanged=300," in line for line in lines)
    assert {p.name for p in tmp_path.iterdir()} == {"import.prof", "re-import.prof"}
