"""`zhengxing check --deploy` with production settings (debug off, a real secret key, a host
name, https at the proxy) reports nothing, and production has no default account."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

# `check --deploy` in a process of its own, on a SQLite file of its own
pytestmark = pytest.mark.engine_neutral


def test_the_deployment_check_is_clean_with_production_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # tests' own
        "ZHENGXING_DEBUG": "off",
        "ZHENGXING_HTTPS": "on",
        "ALLOWED_HOSTS": "zx.example.gov.cn",
        "ZHENGXING_TRUSTED_PROXIES": "127.0.0.1",  # the proxy on the same host (README)
        "ZHENGXING_SECRET_KEY": secrets.token_urlsafe(50),
        "ZHENGXING_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from zhengxing.__main__ import main; main()",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
