"""`core.bulk`, the roster import's writer: rows written by `Blanks` + `bulk_insert` read back
exactly as the ORM's own `bulk_create` writes them (each column converted once, not each value),
the time of saving stamped once a statement, and the fast instances as good as the ORM's."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models import signals
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhengxing.audit.models import AuditEvent
from zhengxing.core.bulk import Blanks, bulk_insert, bulk_insert_columns, bulk_insert_from
from zhengxing.orgs.models import Member, MemberEvent
from zhengxing.testing import Cast

NOW = dt.datetime(2026, 6, 30, 9, 30, tzinfo=dt.UTC)


def _members(cast: Cast, make: Any, n: int, tag: str) -> list[Member]:
    return [
        make(
            county_id=cast.county.pk,
            branch_id=cast.branch_a1.pk,
            group_id=cast.group_a1.pk if i % 2 else None,
            name=f"{tag}{i}",
            gender="M",
            ethnicity="汉族",
            birth_date=dt.date(1970, 1, 1 + i),
            id_card_enc=f"enc-{tag}{i}",
            id_card_hash=f"hash-{tag}{i}",
            phone_enc="" if i % 3 else f"phone-{i}",
            address="第一村",
            joined_on=dt.date(1995, 7, 1),
            full_on=None if i % 2 else dt.date(1996, 7, 1),
            standing="full",
            category="ordinary",
            status="active",
            status_since=dt.date(2026, 6, 30),
        )
        for i in range(n)
    ]


def _stored(rows: Any) -> list[dict[str, Any]]:
    volatile = {"id", "name", "id_card_enc", "id_card_hash", "created_at", "updated_at"}
    return [{k: v for k, v in r.items() if k not in volatile} for r in rows]


def test_bulk_insert_stores_what_bulk_create_stores(cast: Cast) -> None:
    fast = _members(cast, Blanks(Member).make, 7, "fast")
    bulk_insert(Member, fast)
    orm = _members(cast, lambda **kw: Member(**kw), 7, "orm")
    Member.objects.bulk_create(orm)
    assert all(m.pk is not None and not m._state.adding for m in fast)
    assert Member.objects.filter(pk__in=[m.pk for m in fast]).count() == 7
    read = list(Member.objects.filter(name__startswith="fast").order_by("name").values())
    want = list(Member.objects.filter(name__startswith="orm").order_by("name").values())
    assert _stored(read) == _stored(want)
    assert [r["id_card_hash"] for r in read] == [f"hash-fast{i}" for i in range(7)]


def test_the_time_of_saving_is_stamped_once_a_statement_and_set_on_the_instances(
    cast: Cast,
) -> None:
    before = timezone.now()
    members = _members(cast, Blanks(Member).make, 5, "stamp")
    bulk_insert(Member, members)
    for column in ("created_at", "updated_at"):
        stamps = {getattr(m, column) for m in members}
        assert len(stamps) == 1, column
        (stamp,) = stamps
        assert before <= stamp <= timezone.now()
        stored = Member.objects.filter(name__startswith="stamp").values_list(column, flat=True)
        assert set(stored) == {stamp}


def test_json_and_null_columns_read_back_as_they_were_given(cast: Cast) -> None:
    make = Blanks(AuditEvent).make
    snapshots: list[dict[str, Any] | None] = [
        {"name": "王甲", "born": "1970-01-01", "ids": [1, 2], "full": None, "ok": True},
        None,
        {"quote": 'a "b" \\ c', "nested": {"deep": [{"x": 1.5}]}},
    ]
    events = [
        make(county_id=cast.county.pk, at=NOW, action="t", object_type="t", after=s)
        for s in snapshots
    ]
    bulk_insert(AuditEvent, events)
    stored = AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("pk")
    assert [e.after for e in stored] == snapshots
    assert [e.before for e in stored] == [None, None, None]
    assert [e.ip for e in stored] == [None, None, None]
    assert AuditEvent.objects.filter(pk=events[1].pk, after__isnull=True).exists()


def test_a_link_to_an_object_saved_after_it_was_assigned_gets_its_id(cast: Cast) -> None:
    (member,) = _members(cast, Blanks(Member).make, 1, "link")
    event = MemberEvent(county=cast.county, member=member, kind="registered", on=NOW.date())
    event.recorded_at = NOW
    bulk_insert(Member, [member])
    bulk_insert(MemberEvent, [event])
    assert MemberEvent.objects.get(pk=event.pk).member_id == member.pk


def test_blanks_refuse_a_field_the_model_does_not_have() -> None:
    with pytest.raises(TypeError, match="no field 'branch'"):
        Blanks(Member).make(branch=None)  # the link is given by its id: branch_id


def test_blanks_are_ordinary_instances_and_run_init_receivers_when_there_are_any(
    cast: Cast,
) -> None:
    made = Blanks(Member, county_id=cast.county.pk).make(name="王甲", branch_id=cast.branch_a1.pk)
    assert made._state.adding and made.pk is None
    assert made.branch == cast.branch_a1 and made.status == "active" and made.name == "王甲"
    seen: list[Any] = []

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance)

    signals.post_init.connect(receiver, sender=Member)
    try:
        blanks = Blanks(Member)
        seen.clear()
        made = blanks.make(name="李二")
    finally:
        signals.post_init.disconnect(receiver, sender=Member)
    assert seen == [made]


def test_columns_store_what_instances_store_and_give_the_ids_in_order(cast: Cast) -> None:
    fast = _members(cast, Blanks(Member).make, 7, "inst")
    bulk_insert(Member, fast)
    given: list[Any] = _members(cast, lambda **kw: kw, 7, "cols")
    same: dict[str, Any] = {"county_id": cast.county.pk, "status_since": dt.date(2026, 6, 30)}
    columns = {k: [m[k] for m in given] for k in given[0] if k not in same}
    before = timezone.now()
    ids = bulk_insert_columns(Member, columns, **same)
    stored = list(Member.objects.filter(pk__in=ids).order_by("pk").values())
    assert [r["id"] for r in stored] == ids == sorted(ids)
    assert [r["name"] for r in stored] == [f"cols{i}" for i in range(7)]
    want = Member.objects.filter(name__startswith="inst").order_by("name").values()
    assert _stored(stored) == _stored(list(want))
    # the time of saving stamped once a statement, as `bulk_insert` stamps it
    for column in ("created_at", "updated_at"):
        (stamp,) = {r[column] for r in stored}
        assert before <= stamp <= timezone.now()


def test_dates_and_choices_are_stored_as_the_orm_stores_them(cast: Cast) -> None:
    """The columns' dates (a None among them) and a choice given as its enum member, each
    converted the fast way, are the very values the ORM's own insert writes."""
    now, on = timezone.now(), dt.date(2026, 6, 30)
    by_orm = MemberEvent.objects.create(
        county_id=cast.county.pk,
        member=cast.member_a1,
        kind=MemberEvent.Kind.REGISTERED,
        on=on,
        recorded_at=now,
    )
    (by_columns,) = bulk_insert_columns(
        MemberEvent,
        {"member_id": [cast.member_a1.pk], "on": [on]},
        county_id=cast.county.pk,
        kind=MemberEvent.Kind.REGISTERED,
        recorded_at=now,
    )
    orm = Member.objects.get(pk=cast.member_a1.pk)
    given = {f.attname: [getattr(orm, f.attname)] * 2 for f in Member._meta.concrete_fields}
    for name in ("id", "created_at", "updated_at", "user_id"):
        del given[name]
    given["id_card_hash"] = ["x" * 64, "y" * 64]
    given["full_on"] = [orm.joined_on, None]
    ids = bulk_insert_columns(Member, given)

    def raw(table: str, columns: str, pk: int) -> tuple[object, ...]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])
            return tuple(cursor.fetchone())

    events, members = MemberEvent._meta.db_table, Member._meta.db_table
    event_columns = 'kind, "on", recorded_at, note'
    assert raw(events, event_columns, by_columns) == raw(events, event_columns, by_orm.pk)
    dates = "birth_date, joined_on, status_since, status"
    assert raw(members, dates, ids[0]) == raw(members, dates, orm.pk)
    assert raw(members, "full_on", ids[0]) == raw(members, "joined_on", orm.pk)
    assert raw(members, "full_on", ids[1]) == (None,)


def test_columns_must_be_of_one_length_and_name_the_models_fields(cast: Cast) -> None:
    with pytest.raises(ValueError, match="unequal"):
        bulk_insert_columns(Member, {"name": ["a", "b"], "gender": ["M"]})
    with pytest.raises(TypeError, match="no field 'branch'"):
        bulk_insert_columns(Member, {"branch": [cast.branch_a1]})
    with pytest.raises(TypeError, match="no field 'colour'"):
        bulk_insert_columns(Member, {"name": ["a"]}, colour="red")


def test_whole_inserts_only_in_a_transaction_and_on_sqlite_without_undoing_a_statement(
    cast: Cast,
) -> None:
    # `whole`: the caller's transaction is rolled back whole on any error, so on SQLite the
    # statement need not be undone alone (OR FAIL: no statement journal; bench/README.md)
    alone = mock.patch.object(connection, "in_atomic_block", False)
    with pytest.raises(ValueError, match="transaction"), alone:
        bulk_insert(Member, _members(cast, Blanks(Member).make, 1, "out"), whole=True)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        members = _members(cast, Blanks(Member).make, 2, "in")
        bulk_insert(Member, members, whole=True)
        history: dict[str, list[Any]] = {
            "member_id": [m.pk for m in members],
            "kind": ["registered"] * 2,
        }
        same: dict[str, Any] = {"county_id": cast.county.pk, "on": NOW.date(), "recorded_at": NOW}
        bulk_insert_columns(MemberEvent, history, whole=True, **same)
    verb = "INSERT OR FAIL INTO" if connection.vendor == "sqlite" else "INSERT INTO"
    inserts = [q["sql"] for q in captured if "INSERT" in q["sql"]]
    assert len(inserts) == 2 and all(sql.startswith(verb) for sql in inserts)
    assert MemberEvent.objects.filter(member__name__startswith="in").count() == 2


def test_values_every_row_shares_are_bound_once_on_sqlite(cast: Cast) -> None:
    """On SQLite a value every row shares is one numbered parameter that each row names; the
    rows stored are those written where statements are logged (each row its own copy)."""
    seen: list[tuple[str, int]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith("INSERT"):
            seen.append((sql, len(params)))
        return execute(sql, params, many, context)

    def events(tag: str) -> list[Any]:
        return bulk_insert_columns(
            MemberEvent,
            {"member_id": [cast.member_a1.pk] * 3, "status_to": ["active", "died", tag]},
            county_id=cast.county.pk,
            kind=MemberEvent.Kind.REGISTERED,
            on=dt.date(2026, 6, 30),
            recorded_at=timezone.now(),
            note=tag,
        )

    with connection.execute_wrapper(record):
        fast = events("shared")
    with CaptureQueriesContext(connection):
        logged = events("logged")
    fields = ("kind", "on", "status_from", "status_to", "county_id", "branch_from_id")
    stored = MemberEvent.objects.filter(pk__in=fast + logged).order_by("pk")
    rows = [tuple(getattr(e, f) for f in fields) for e in stored]
    assert rows[:2] == rows[3:5] and rows[2][:3] == rows[5][:3]
    assert [e.note for e in stored] == ["shared"] * 3 + ["logged"] * 3
    (sql, params), *_ = seen
    if connection.vendor == "sqlite":
        # the two that vary, for each of the three rows, and the nine they share, once
        assert "(?1, ?10, ?2" in sql and params == 3 * 2 + 9
    else:
        assert params == 3 * 11


def test_rows_made_from_rows_store_what_columns_store(cast: Cast) -> None:
    """`bulk_insert_from`: a history row a member, made by the database from the member's row,
    is the row `bulk_insert_columns` writes given the same values; in the order of the ids."""
    members = _members(cast, Blanks(Member).make, 5, "src")
    members[1].status, members[3].branch_id = "died", cast.branch_b1.pk
    bulk_insert(Member, members)
    ids = [m.pk for m in members]
    same: dict[str, Any] = {
        "county_id": cast.county.pk,
        "kind": MemberEvent.Kind.REGISTERED,
        "on": dt.date(2026, 6, 30),
        "recorded_at": NOW,
        "note": "花名册导入",
    }
    copied = {"member_id": "id", "status_to": "status", "branch_to_id": "branch_id"}
    with transaction.atomic():
        made = bulk_insert_from(MemberEvent, Member, ids, copied, whole=True, **same)
    given: dict[str, list[Any]] = {
        "member_id": ids,
        "status_to": [m.status for m in members],
        "branch_to_id": [m.branch_id for m in members],
    }
    by_columns = bulk_insert_columns(MemberEvent, given, **same)
    assert made == 5
    fields = [f.attname for f in MemberEvent._meta.concrete_fields if f.attname != "id"]
    events = MemberEvent.objects.filter(member_id__in=ids).order_by("pk")
    rows = list(events.values_list("pk", *fields))
    from_rows = [r[1:] for r in rows if r[0] not in by_columns]
    assert from_rows == [r[1:] for r in rows if r[0] in by_columns]
    assert [r[fields.index("status_to")] for r in from_rows][:2] == ["active", "died"]
    assert from_rows[3][fields.index("branch_to_id")] == cast.branch_b1.pk


def test_rows_made_from_rows_refuse_a_missing_source_and_a_field_the_model_lacks(
    cast: Cast,
) -> None:
    copied = {"member_id": "id", "status_to": "status"}
    same: dict[str, Any] = {
        "county_id": cast.county.pk,
        "on": dt.date(2001, 2, 3),
        "recorded_at": NOW,
    }
    with pytest.raises(LookupError, match="1 of the ids"), transaction.atomic():
        bulk_insert_from(MemberEvent, Member, [cast.member_a1.pk, 10**9], copied, **same)
    assert not MemberEvent.objects.filter(on=dt.date(2001, 2, 3)).exists()
    with pytest.raises(TypeError, match="no field 'colour'"):
        bulk_insert_from(MemberEvent, Member, [cast.member_a1.pk], {"colour": "status"})
