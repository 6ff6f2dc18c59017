"""The cache every worker shares, in the database (settings.CACHES, the default when no Redis is
configured): Django's database cache with an increment that two workers cannot interleave.

Django's own `incr` on the database cache reads the value and writes it back; two gunicorn
workers counting the same address at once would both write n + 1. Here the read and the write
run in one transaction that first takes a lock on the key: on PostgreSQL a transaction-scoped
advisory lock, on SQLite the database's write lock, which its IMMEDIATE transactions take at
BEGIN (settings.DATABASES). The table is made by `migrate` (audit's cache_table migration).
"""

from __future__ import annotations

import base64
import hashlib
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now


def _lock_id(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Add `delta` to a stored number and return it, keeping the key's expiry (Django's
        would reset it to the default timeout); a missing or expired key is a ValueError."""
        full = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        with transaction.atomic(using=db), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(full)])
            cursor.execute(f"SELECT value, expires FROM {table} WHERE cache_key = %s", [full])
            row = cursor.fetchone()
            expression = models.Expression(output_field=models.DateTimeField())
            converters = connection.ops.get_db_converters(
                expression
            ) + expression.get_db_converters(connection)
            expires = row[1] if row else None
            for converter in converters:
                expires = converter(expires, expression, connection)
            if row is None or expires is None or expires < now():
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))
            value += delta
            stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [stored, full])
        return int(value)
