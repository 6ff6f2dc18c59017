"""A SQLite connection takes the parameter limit its SQLite has (ops/sqlite.py), so the ORM's
bulk writes go in batches of thousands of rows, not Django 5.2's 40 of a 25-column row."""

import sqlite3
from typing import Any

import pytest
from django.db.utils import ConnectionHandler

# a SQLite database in memory of its own, not the test database: the SQLite pass only
pytestmark = pytest.mark.engine_neutral


def test_a_sqlite_connection_takes_its_real_parameter_limit(django_db_blocker: Any) -> None:
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    )
    wrapper = handler["default"]
    with django_db_blocker.unblock():
        wrapper.ensure_connection()  # connection_created: the receiver runs
        try:
            limit = wrapper.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            assert limit >= 32766  # SQLite 3.32+
            assert wrapper.features.max_query_params == limit
            fields = [object()] * 25  # a member's row
            assert wrapper.ops.bulk_batch_size(fields, range(10_000)) >= 1300
        finally:
            wrapper.close()
