"""The load test's harness (bench/load.py, `make load`) in miniature, so that it keeps working:
a small synthetic county, gunicorn on loopback, a few simulated members, secretaries and a
township for a quarter of a minute, on a database of its own. Every request must succeed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

# Run once, in the PostgreSQL pass, the engine `make load` runs on.
pytestmark = pytest.mark.postgres


def test_the_load_harness_runs_clean_on_a_small_county(
    scratch: dict[str, str], tmp_path: Path
) -> None:
    env = {**scratch, "LOAD_USERS": "8", "LOAD_MINUTES": "0.25", "LOAD_MEMBERS": "1500",
           "LOAD_WORKERS": "2", "LOAD_OUT": str(tmp_path)}  # fmt: skip
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py")],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = run.stdout.strip().splitlines()
    assert any(", 0 errors" in line for line in summary), summary[-5:]
    assert any(line.startswith("GET home") for line in summary)
    assert "8 logins while users were spawned" in run.stdout
