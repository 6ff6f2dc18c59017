"""A gunicorn worker loads the URLconf as it boots (`zhengxing/wsgi.py`), not at its first
request that goes past the public's vote, which would wait seconds for it with the worker's
other threads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# the WSGI module imported in a process of its own, on a SQLite file of its own
pytestmark = pytest.mark.engine_neutral


def test_the_wsgi_application_has_its_urlconf_loaded(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "ZHENGXING_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.sqlite3'}",
    }
    script = (
        "import sys; import zhengxing.wsgi; "
        "print(sorted(m for m in ('zhengxing.urls', 'zhengxing.api') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "['zhengxing.api', 'zhengxing.urls']"
