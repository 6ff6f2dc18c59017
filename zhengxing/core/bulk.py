"""Bulk inserts for the synthetic and demo data: many rows of one model, nothing read back."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model


class Rows:
    """Plain INSERTs of many rows of one model with one prepared statement (`executemany`).
    Every concrete field is written: those not given take the value a blank instance has."""

    def __init__(self, model: type[Model], blank: Model, *, with_pk: bool) -> None:
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if with_pk or not f.primary_key]
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        self.template = [
            f.get_db_prep_save(getattr(blank, f.attname), connection) for f in self.fields
        ]
        qn = connection.ops.quote_name
        columns = ", ".join(qn(str(f.column)) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {qn(str(meta.db_table))} ({columns}) VALUES ({marks})"
        self.copy_sql = f"COPY {qn(str(meta.db_table))} ({columns}) FROM STDIN"

    def insert(self, rows: list[list[Any]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: PostgreSQL's bulk path, several times faster than INSERTs
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, rows)
