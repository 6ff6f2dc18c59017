"""Scratch databases for the tests that run the commands in processes of their own (kills,
multi-process races): a SQLite file, or a fresh PostgreSQL database in the PostgreSQL pass, each
migrated already — a copy of a database migrated once per worker (on SQLite the test database as
made, before any test ran; `migrated_database`, zhengxing/conftest.py): a migration run costs
~40 s of CPU, paid once instead of once a test."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def _migrated(migrated_database: str) -> str:
    """The URL of a database migrated once, that `scratch` copies (never written by a test):
    `migrated_database` (zhengxing/conftest.py)."""
    return migrated_database


@pytest.fixture
def scratch(_migrated: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a migrated database of its own for the subprocesses."""
    env = dict(os.environ)
    server = os.environ.get("DATABASE_URL", "")
    if connection.vendor == "postgresql":
        import psycopg

        name = f"zx_scratch_{uuid.uuid4().hex[:8]}"
        template = urlsplit(_migrated).path.lstrip("/")
        with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        env["DATABASE_URL"] = _with_database(server, name)
        yield env
        with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "kill.sqlite3"
        shutil.copyfile(_migrated.removeprefix("sqlite:///"), path)
        env["DATABASE_URL"] = f"sqlite:///{path}"
        yield env


def _with_database(url: str, name: str) -> str:
    """The server's URL naming another database; the host may be a socket directory
    (percent-encoded) and the query string is kept."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def zx(
    env: dict[str, str], *args: str, check: bool = True, module: str = "zhengxing"
) -> subprocess.CompletedProcess[str]:
    """A `zhengxing` command (or another module's `python -m`) on the scratch database."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env, cwd=ROOT, capture_output=True, text=True, check=check, timeout=600,
    )  # fmt: skip


def query(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()  # type: ignore[arg-type]


def sql(env: dict[str, str], statement: str) -> None:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            db.execute(statement)
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute(statement)  # type: ignore[arg-type]
