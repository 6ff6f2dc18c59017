"""The test databases are made from the models (zhengxing/conftest.py,
django_db_modify_db_settings), not by running the migrations: here the migrations run, once a
pass, on a fresh database of the pass's engine, and must build the very schema the tests run on,
with the same migrations recorded as applied."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from zhengxing.testing import schema_of

from .conftest import ROOT, _with_database

DUMP = (
    "import json, django; django.setup(); "
    "from django.core.management import call_command; call_command('migrate', verbosity=0); "
    "from zhengxing.testing import schema_of; print(json.dumps(schema_of()))"
)


def _migrated_schema(url: str) -> dict[str, object]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "zhengxing.settings"}
    done = subprocess.run(
        [sys.executable, "-c", DUMP], env=env, cwd=ROOT, capture_output=True, text=True,
        check=True, timeout=900,
    )  # fmt: skip
    schema: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return schema


@pytest.mark.django_db
def test_the_migrations_build_the_schema_the_tests_run_on(tmp_path: Path) -> None:
    if connection.vendor == "postgresql":
        import psycopg

        server = os.environ["DATABASE_URL"]
        name = f"zx_migrations_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
        try:
            migrated = _migrated_schema(_with_database(server, name))
        finally:
            with psycopg.connect(_with_database(server, "postgres"), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # type: ignore[arg-type]
    else:
        migrated = _migrated_schema(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    ours = schema_of()
    assert migrated["applied"] == ours["applied"]
    assert len(ours["applied"]) > 50  # type: ignore[arg-type]
    theirs_tables, our_tables = migrated["tables"], ours["tables"]
    assert isinstance(theirs_tables, dict) and isinstance(our_tables, dict)
    assert sorted(theirs_tables) == sorted(our_tables)
    differing = [t for t in sorted(our_tables) if theirs_tables[t] != our_tables[t]]
    assert [t for t in differing if not _quirk(t, theirs_tables[t], our_tables[t])] == []


def _quirk(table: str, theirs: object, ours: object) -> bool:
    """Django's one known difference between the two: the `id` of a many-to-many table it makes
    itself, for an app whose AppConfig.default_auto_field is AutoField (contrib.auth's), is a
    bigint when the migrations' state makes it (their apps stand in without that setting, so
    settings.DEFAULT_AUTO_FIELD, BigAutoField, applies) and an integer when made from the models;
    PostgreSQL tells the two apart, SQLite does not. Only that column of only those tables."""
    from django.apps import apps

    fields = [f for model in apps.get_models() for f in model._meta.local_many_to_many]
    throughs = [f.remote_field.through for f in fields]
    through = {t._meta.db_table for t in throughs if t is not None and t._meta.auto_created}
    if table not in through or not isinstance(theirs, dict) or not isinstance(ours, dict):
        return False
    their_columns, our_columns = dict(theirs["columns"]), dict(ours["columns"])
    their_id, our_id = their_columns.pop("id"), our_columns.pop("id")
    return (
        connection.vendor == "postgresql"
        and {**theirs, "columns": their_columns} == {**ours, "columns": our_columns}
        and (their_id[:2], our_id[:2]) == ([20, 8], [23, 4])  # bigint as migrated, integer
        and their_id[2:] == our_id[2:]
    )
