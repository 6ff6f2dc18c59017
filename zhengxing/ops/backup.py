"""Backups and restores of the whole database.

SQLite: the online backup API copies the database page by page into a new file while other
connections keep reading and writing; the copy is a consistent snapshot (a writer that commits
during the copy makes SQLite restart it). PostgreSQL: `pg_dump --format=custom`, a consistent
snapshot in one repeatable-read transaction, and `pg_restore --clean` to bring it back.

The encryption key of personal data (`ZHENGXING_DATA_KEY`, var/data_key) is not in a backup: keep
it apart, a backup cannot be read without it (and is worth less to a thief). Nor is the key of the
ID numbers' lookup hashes (`ZHENGXING_LOOKUP_KEY`, var/lookup_key): keep it with the data key, or
run `zhengxing rekey` after a restore elsewhere.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupFailed(RuntimeError):
    """A backup or restore that could not be done; the message says why, in Chinese."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    vendor: str
    bytes: int


def _settings() -> dict[str, Any]:
    return connection.settings_dict


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """libpq connection arguments for pg_dump / pg_restore from Django's settings."""
    s = _settings()
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(f"找不到{name}：请安装PostgreSQL客户端（postgresql-client）")
    return found


def backup(target: Path) -> BackupResult:
    """Write a consistent snapshot of the database to `target` (written to a temporary file
    beside it, then renamed: a failed backup leaves no half file)."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=".backup-", dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            source = connection.connection
            destination = sqlite3.connect(temp)
            try:
                source.backup(destination)
            finally:
                destination.close()
        elif connection.vendor == "postgresql":
            args, env = _pg_env()
            done = subprocess.run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(temp), *args],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupFailed(f"pg_dump失败：{done.stderr.strip()}")
        else:
            raise BackupFailed(f"不支持的数据库：{connection.vendor}")
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return BackupResult(path=target, vendor=connection.vendor, bytes=target.stat().st_size)


def restore(source: Path) -> None:
    """Replace the database's contents with the backup's. Stop the application first."""
    source = source.resolve()
    if not source.is_file():
        raise BackupFailed(f"备份文件不存在：{source}")
    head = source.read_bytes()[:16]
    if connection.vendor == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupFailed("这不是SQLite数据库的备份文件")
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupFailed("备份文件已损坏（完整性检查未通过）")
            connection.ensure_connection()
            backup_db.backup(connection.connection)
        finally:
            backup_db.close()
    elif connection.vendor == "postgresql":
        if not head.startswith(PGDUMP_MAGIC):
            raise BackupFailed("这不是pg_dump（custom格式）的备份文件")
        connection.close()
        args, env = _pg_env()
        done = subprocess.run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(source),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupFailed(f"pg_restore失败：{done.stderr.strip()}")
    else:
        raise BackupFailed(f"不支持的数据库：{connection.vendor}")
