"""SQLite's real limit on a statement's parameters, for the ORM's batches.

Django 5.2 assumes the 999 parameters of SQLite before 3.32 (`max_query_params`), so
`bulk_create` and `bulk_update` of a 25-column row go 40 rows a statement; the SQLite these
servers run allows 32,766 (Debian's build 250,000). Each new connection reads the limit it has
(`sqlite3.Connection.getlimit`, Python 3.11) and sets it on that connection's features, as
Django 6.0 does itself; a roster import of 100,000 members then writes in batches of its own
size (`orgs.imports._common.BATCH`) rather than 2,500 statements of 40 rows."""

from __future__ import annotations

import sqlite3
from typing import Any


def real_parameter_limit(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: on SQLite, the connection's own parameter limit."""
    if connection.vendor == "sqlite":
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        connection.features.max_query_params = limit
