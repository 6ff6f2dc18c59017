"""bench/profile_vote.py (a public vote's CPU in-process, bench/README.md, "A vote's CPU
halved") is run by hand, not by `make bench`: it runs here at a tiny size, so it cannot rot
unnoticed — every vote answered 201 both ways in, a code sent again 400."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine_neutral

BENCH = Path(__file__).resolve().parents[3] / "bench"


def test_the_vote_profile_runs_at_a_tiny_size(tmp_path: Path) -> None:
    env = {**os.environ, "ZHENGXING_PROFILE_VOTES": "16", "ZHENGXING_PROFILE": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, str(BENCH / "profile_vote.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("zhengxing.wsgi: ") and "16 votes" in line for line in lines)
    assert any(line.startswith("without PublicVoteMiddleware") for line in lines), done.stdout
    assert any(line.startswith("a code sent again (400)") for line in lines), done.stdout
    assert {p.name for p in tmp_path.iterdir()} == {"vote-0.prof", "vote-1.prof"}
