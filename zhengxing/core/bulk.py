"""Bulk inserts: for the synthetic and demo data, many rows of one model, nothing read back
(`Rows`); for the roster import and the audit log, model instances with their ids read back
(`bulk_insert`), or the roster import's new members and history rows as columns, their ids
returned (`bulk_insert_columns`)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping, Sequence
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from types import NoneType
from typing import Any

from django.db import connection, connections, router
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import (
    DateField,
    DateTimeField,
    Field,
    GenericIPAddressField,
    JSONField,
    Model,
    signals,
)
from django.db.models.base import ModelState


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


# --- model instances, ids read back ---------------------------------------------------------

# Field kinds whose value the driver takes as Python holds it, when it is of these types: for
# them (and for None) Django's per-value conversion (get_db_prep_save) returns the value unchanged.
_AS_IS: dict[str, frozenset[type]] = {
    **dict.fromkeys(
        ("CharField", "TextField", "SlugField", "EmailField", "URLField"),
        frozenset({str, NoneType}),
    ),
    **dict.fromkeys(
        (
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
        ),
        frozenset({int, NoneType}),
    ),
    "BooleanField": frozenset({bool, NoneType}),
}
# Fields that stamp the time of saving (auto_now, auto_now_add); and fields whose None is NULL
# as it is (their get_db_prep_save returns None for None).
_STAMPED = (DateField, DateTimeField)
_JSON_AS_IS = frozenset({dict, list, NoneType})
_DATES = frozenset({dt.date, NoneType})
_NONE_AS_IS = (DateField, DateTimeField, JSONField, GenericIPAddressField)
# PostgreSQL's protocol counts a statement's parameters in 16 bits.
_POSTGRES_MAX_PARAMS = 65535


def _max_params(conn: Any) -> int:
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        return int(conn.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    if conn.vendor == "postgresql":
        return _POSTGRES_MAX_PARAMS
    return int(conn.features.max_query_params or 999)


def _stamped(field: Field[Any, Any]) -> bool:
    """Whether the field stamps the time of saving (auto_now, auto_now_add)."""
    return type(field) in _STAMPED and (field.auto_now or field.auto_now_add)  # type: ignore[attr-defined]


def _column(field: Field[Any, Any], objs: Sequence[Model], conn: Any) -> list[Any]:
    """One field's values for every row, converted for the driver as the ORM would convert
    them: the conversion is chosen once for the column, not found again for every value."""
    kind = type(field)
    if _stamped(field):
        # the time of the insert, taken once for the statement (as PostgreSQL's now() is)
        stamp = field.pre_save(objs[0], True)
        attname = field.attname
        for obj in objs:
            setattr(obj, attname, stamp)
        values = [stamp] * len(objs)
    elif kind in _STAMPED or kind.pre_save is Field.pre_save:
        values = list(map(attrgetter(field.attname), objs))
        if field.is_relation and None in values:
            _link(field, objs, values)
            values = list(map(attrgetter(field.attname), objs))
    else:  # files: the field decides
        values = [field.pre_save(obj, True) for obj in objs]
    return _converted(field, values, conn)


def _converted(field: Field[Any, Any], values: list[Any], conn: Any) -> list[Any]:
    """A column's values converted for the driver as the ORM would convert them, the
    conversion chosen once for the column."""
    kind = type(field)
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    types = _AS_IS.get(target.get_internal_type())
    if types is not None and set(map(type, values)) <= types:
        return values
    if field.null and kind in _NONE_AS_IS and values.count(None) == len(values):
        return values  # NULL throughout (an audit row's "before" on creation, an actor's ip)
    if (
        kind is JSONField
        and field.encoder is None  # type: ignore[attr-defined]
        and type(conn.ops).adapt_json_value is BaseDatabaseOperations.adapt_json_value
        and set(map(type, values)) <= _JSON_AS_IS
    ):  # what JSONField does for these (an audit row's snapshot), without its layers a value
        return [None if v is None else json.dumps(v) for v in values]
    if (
        kind is DateField
        and type(conn.ops).adapt_datefield_value is BaseDatabaseOperations.adapt_datefield_value
        and set(map(type, values)) <= _DATES
    ):  # what DateField does for dates where the engine takes text (SQLite): str(date)
        return [None if v is None else v.isoformat() for v in values]
    prep = field.get_db_prep_save
    if isinstance(field, DateField):  # a batch's timestamps are mostly one: convert each once
        memo: dict[Any, Any] = {}
        return [memo[v] if v in memo else memo.setdefault(v, prep(v, conn)) for v in values]
    return [prep(v, conn) for v in values]


def _link(field: Field[Any, Any], objs: Sequence[Model], values: list[Any]) -> None:
    """A related object saved after it was assigned (a parent inserted a level above) gives its
    id now, as `bulk_create` has it given (`values`: the objects' ids as they stand)."""
    for obj, value in zip(objs, values, strict=True):
        if value is None and field.is_cached(obj):  # type: ignore[attr-defined]
            related = field.get_cached_value(obj)  # type: ignore[attr-defined]
            if related is not None:
                if related.pk is None:
                    raise ValueError(f"{field.name} of {obj!r} is not saved yet")
                setattr(obj, field.name, related)  # the id, and the object kept cached


class _Insert:
    """Multi-row INSERT ... RETURNING statements of one model (every concrete field but the
    primary key), as many rows a statement as the engine's parameter limit allows."""

    def __init__(self, model: type[Model], *, whole: bool) -> None:
        self.model = model
        self.conn = conn = connections[router.db_for_write(model)]
        meta = model._meta
        pk = meta.pk
        assert pk is not None
        self.pk = pk
        self.fields = [f for f in meta.concrete_fields if f is not pk]
        # `whole`: the caller's transaction is rolled back whole on any error, so SQLite need
        # not undo a failed statement on its own: OR FAIL spares its statement journal (a copy
        # of every page each statement changes, kept to undo that statement alone: 900 MB
        # written to a temporary file for a roster import of 100,000 members; bench/README.md)
        if whole and not conn.in_atomic_block:
            raise ValueError("whole: only inside a transaction that an error rolls back whole")
        verb = "INSERT OR FAIL" if whole and conn.vendor == "sqlite" else "INSERT"
        qn = conn.ops.quote_name
        columns = ", ".join(qn(str(f.column)) for f in self.fields)
        self.head = f"{verb} INTO {qn(str(meta.db_table))} ({columns}) VALUES "
        self.returning = f" RETURNING {qn(str(pk.column))}"
        # SQLite's statements are written with its own "?" marks and run past Django's
        # rewriting of "%s" (`_execute_qmark`); PostgreSQL's driver takes "%s" as it is
        self.qmark = conn.vendor == "sqlite"
        mark = "?" if self.qmark else "%s"
        self.row_marks = "(" + ", ".join([mark] * len(self.fields)) + ")"
        self.per_statement = max(1, min(BULK_ROWS, _max_params(conn) // len(self.fields)))

    def check_values(self, *given: Mapping[str, Any]) -> None:
        """For rows given by value, not as instances: refuse an attribute name (a key of any of
        `given`) that no field written has, and a model with a field that decides its value
        from the instance (a file field: `bulk_insert`)."""
        name = self.model.__name__
        unknown = set().union(*given) - {f.attname for f in self.fields}
        if unknown:
            raise TypeError(f"{name} has no field {sorted(unknown)[0]!r}")
        for f in self.fields:
            if type(f) not in _STAMPED and type(f).pre_save is not Field.pre_save:
                raise TypeError(f"{name}.{f.name}: insert instances (bulk_insert)")

    def shared_value(self, field: Field[Any, Any], blank: Model) -> Any:
        """A value every row takes (the blank instance's, or the time of saving, stamped once
        a statement), converted once for the driver."""
        one = field.pre_save(blank, True) if _stamped(field) else getattr(blank, field.attname)
        return _converted(field, [one], self.conn)[0]

    def run_shared(
        self,
        cursor: CursorWrapper,
        layout: tuple[int | None, ...],
        shared: list[Any],
        columns: list[list[Any]],
        rows: int,
    ) -> list[Any]:
        """`run` for rows that share some values: `layout` says, field by field, which of the
        `shared` values it takes (its 1-based place) or None where it takes the next of the
        `columns`. On SQLite a shared value is one numbered parameter (?1, ?2…) that every row
        names, bound once a statement, not once a row (a roster import's history row shares
        nine of its eleven values); elsewhere, and where statements are logged, each row is
        given its own copy."""
        if self.qmark and not isinstance(cursor, CursorDebugWrapper):
            values = _numbered_rows(layout, len(shared), rows)
            params = shared + list(chain.from_iterable(zip(*columns, strict=True)))
            _execute_qmark(cursor, self.head + values + self.returning, params)
            return [id_ for (id_,) in cursor.fetchall()]
        varying = iter(columns)
        whole = [next(varying) if at is None else [shared[at - 1]] * rows for at in layout]
        return self.run(cursor, whole, rows)

    def run(self, cursor: CursorWrapper, columns: list[list[Any]], rows: int) -> list[Any]:
        """One statement of `rows` rows given as converted columns (one per field, in
        order); the new rows' primary keys, in order."""
        params = list(chain.from_iterable(zip(*columns, strict=True)))
        sql = self.head + ", ".join([self.row_marks] * rows) + self.returning
        if self.qmark:
            _execute_qmark(cursor, sql, params)
        else:
            cursor.execute(sql, params)
        return [id_ for (id_,) in cursor.fetchall()]


def bulk_insert(model: type[Model], objs: Sequence[Model], *, whole: bool = False) -> None:
    """Insert unsaved instances of `model` (their primary keys unset), as many rows a statement
    as the engine's parameter limit allows, and set their primary keys from what the database
    returns — what `bulk_create` does, without its compilation of every value (each column is
    converted once as a whole: `_column`). `whole`: see `_Insert`."""
    if not objs:
        return
    insert = _Insert(model, whole=whole)
    conn, attname = insert.conn, insert.pk.attname
    with conn.cursor() as cursor:
        for start in range(0, len(objs), insert.per_statement):
            batch = objs[start : start + insert.per_statement]
            columns = [_column(f, batch, conn) for f in insert.fields]
            ids = insert.run(cursor, columns, len(batch))
            for obj, id_ in zip(batch, ids, strict=True):
                setattr(obj, attname, id_)
                obj._state.adding = False
                obj._state.db = conn.alias


def bulk_insert_columns(
    model: type[Model],
    columns: Mapping[str, Sequence[Any]],
    *,
    whole: bool = False,
    **same: Any,
) -> list[Any]:
    """Insert new rows of `model` given as columns (attribute name → one value a row, every
    column as long), `same` values for every row, and the values of a blank instance of the
    model for the rest; the new rows' primary keys, in order. What `bulk_insert` writes for
    instances with these values, without making the instances to take them apart again: the
    time of saving stamped once a statement, each column converted once. Links are given by
    their ids (`branch_id`). `whole`: see `_Insert`."""
    lengths = {len(v) for v in columns.values()}
    if len(lengths) != 1:
        raise ValueError("bulk_insert_columns: columns of unequal or no length")
    (n,) = lengths
    insert = _Insert(model, whole=whole)
    insert.check_values(columns, same)
    conn, blank = insert.conn, model(**same)
    ids: list[Any] = []
    with conn.cursor() as cursor:
        for start in range(0, n, insert.per_statement):
            rows = min(insert.per_statement, n - start)
            converted: list[list[Any]] = []
            shared: list[Any] = []  # one value for every row, converted once
            layout: list[int | None] = []
            for f in insert.fields:
                if f.attname in columns and not _stamped(f):
                    values = list(columns[f.attname][start : start + rows])
                    converted.append(_converted(f, values, conn))
                    layout.append(None)
                else:
                    shared.append(insert.shared_value(f, blank))
                    layout.append(len(shared))
            ids += insert.run_shared(cursor, tuple(layout), shared, converted, rows)
    return ids


def bulk_insert_from(
    model: type[Model],
    source: type[Model],
    ids: Sequence[Any],
    copied: Mapping[str, str],
    *,
    whole: bool = False,
    **same: Any,
) -> int:
    """Insert one row of `model` for each row of `source` whose primary key is in `ids`, in the
    order of those keys: the `copied` fields (this model's attribute name → the source's) read
    by the database from the source row, `same` values for every row, and the values of a blank
    instance of the model for the rest (INSERT … SELECT). What `bulk_insert_columns` writes
    given the same values as columns, without their values going through Python and the driver
    once a row: a roster import's history row is its member's id, status and branch, and what
    every history row of the import has. The rows inserted, counted; a key of `ids` with no
    source row is an error (`LookupError`), raised before the caller's transaction commits.
    `whole`: see `_Insert`."""
    insert = _Insert(model, whole=whole)
    insert.check_values(copied, same)
    source_meta, conn, blank = source._meta, insert.conn, model(**same)
    qn, mark = conn.ops.quote_name, "?" if insert.qmark else "%s"
    columns = {f.attname: str(f.column) for f in source_meta.concrete_fields}
    select, shared = [], []
    for f in insert.fields:
        if f.attname in copied:
            select.append(qn(columns[copied[f.attname]]))
        else:
            shared.append(insert.shared_value(f, blank))
            select.append(mark)
    pk = qn(str(source_meta.pk.column))
    head = f"{insert.head.removesuffix(' VALUES ')} SELECT {', '.join(select)} FROM "
    head += f"{qn(str(source_meta.db_table))} WHERE {pk} IN "
    per_statement = max(1, min(BULK_ROWS, _max_params(conn) - len(shared)))
    written = 0
    with conn.cursor() as cursor:
        for start in range(0, len(ids), per_statement):
            batch = list(ids[start : start + per_statement])
            sql = f"{head}({', '.join([mark] * len(batch))}) ORDER BY {pk}"
            if insert.qmark:
                _execute_qmark(cursor, sql, shared + batch)
            else:
                cursor.execute(sql, shared + batch)
            written += cursor.rowcount
    if (missing := len(set(ids)) - written) != 0:
        raise LookupError(f"{source.__name__}: {missing} of the ids not found")
    return written


@lru_cache(maxsize=32)
def _numbered_rows(layout: tuple[int | None, ...], shared: int, rows: int) -> str:
    """The VALUES of `rows` rows in SQLite's numbered parameters: a field `layout` gives a
    shared value's place names that parameter in every row; the others are numbered on from
    `shared`, row by row. Made once for a layout and a number of rows."""
    marks = []
    n = shared
    for _row in range(rows):
        row = []
        for at in layout:
            if at is None:
                n += 1
                row.append(f"?{n}")
            else:
                row.append(f"?{at}")
        marks.append("(" + ", ".join(row) + ")")
    return ", ".join(marks)


def _execute_qmark(cursor: CursorWrapper, sql: str, params: list[Any]) -> None:
    """Run a statement written with SQLite's "?" marks on SQLite, through the connection's
    execute wrappers as `cursor.execute` does, but without Django's SQLite cursor rewriting
    "%s" into "?" with a regular expression (its look-behind tried at every character): 25 ms
    for a statement of 30,000 parameters on this loaded machine, and still 6 ms for one with
    no "%s" in it (about an eighth of a roster import's SQLite time; bench/README.md). Where the
    connection logs its queries (DEBUG, `assertNumQueries`) the statement goes the ordinary
    way, with "%s", so the log reads as every other."""
    if isinstance(cursor, CursorDebugWrapper):
        cursor.execute(sql.replace("?", "%s"), params)
        return
    driver_cursor, db = cursor.cursor, cursor.db

    def execute(sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        db.validate_no_broken_transaction()
        with db.wrap_database_errors:
            return sqlite3.Cursor.execute(driver_cursor, sql, params)

    cursor._execute_with_wrappers(sql, params, many=False, executor=execute)


# rows a statement at most, whatever the parameter limit: statements stay a few MB
BULK_ROWS = 2000


class Blanks:
    """Unsaved instances of one model made fast: a blank instance's values, with the given ones
    put in, set straight into the new instance's `__dict__` — what Django's positional
    constructor (the one `from_db` uses) ends with for a fresh instance, without its `setattr`
    through every field's descriptor. About a tenth of the cost of `Model(**kwargs)`, which a
    bulk writer otherwise pays for every row. A model with `pre_init`/`post_init` receivers
    (an image field's dimensions), or a constructor of its own, goes through the constructor.
    Fields with a callable default (a fresh random reference) would share the blank's value:
    give those every time."""

    def __init__(self, model: type[Model], **fixed: Any) -> None:
        blank = model(**fixed)
        self.model = model
        self.attnames = [f.attname for f in model._meta.concrete_fields]
        self.values = {a: getattr(blank, a) for a in self.attnames}
        self.direct = model.__init__ is Model.__init__ and not (
            signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)
        )

    def make(self, **values: Any) -> Any:
        """An instance with these values, keyed by attribute name (`member_id`, not `member`)."""
        unknown = values.keys() - self.values.keys()
        if unknown:
            raise TypeError(f"{self.model.__name__} has no field {sorted(unknown)[0]!r}")
        row = {**self.values, **values}
        if not self.direct:
            return self.model(*(row[a] for a in self.attnames))
        obj = self.model.__new__(self.model)
        obj._state = ModelState()
        obj.__dict__.update(row)
        return obj
