"""The voting's limits as rows the database serialises (`models.VoteQuota`), each taken in one
statement, so a limit holds however many workers vote at once — never a count before the
insert, which two workers can both pass:

- a device's votes in a day: `device_take`, an INSERT … ON CONFLICT DO UPDATE that raises the
  count only while it is below the limit, in the vote's transaction, after the vote's insert
  (a second vote of a code, which inserts nothing, never takes one; a device past its limit
  takes back the vote it wrote);
- an address's and a code's attempts in a minute: `attempts_count`, both counted in one
  statement, committed whatever the vote's fate (a code guessed wrong is an attempt too): the
  API's vote counts them in the vote's transaction (one commit a vote), the page on its own.

One round trip each: the public's vote is the hottest write of the app (issue 23: "1,000 votes
a second"), so these are written in SQL that PostgreSQL and SQLite (3.35+, RETURNING) share.
"""

from __future__ import annotations

import itertools

from django.db import connection

from .models import VoteQuota

TABLE = VoteQuota._meta.db_table
CONFLICT = f"ON CONFLICT (contest_id, kind, key, period) DO UPDATE SET n = {TABLE}.n + 1"
PRUNE_EVERY = 1000  # attempts a worker counts between two prunings of past minutes' rows
_counted = itertools.count(1)


def device_take(
    *, county_id: int, contest_id: int, device: str, day_ordinal: int, limit: int
) -> bool:
    """Take one of the device's `limit` votes of the day: False, nothing raised, when none is
    left. Inside the vote's transaction; the row stays locked until it ends."""
    if limit < 1:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (county_id, contest_id, kind, key, period, n) "
            f"VALUES (%s, %s, %s, %s, %s, 1) {CONFLICT} WHERE {TABLE}.n < %s RETURNING n",
            [county_id, contest_id, VoteQuota.Kind.DEVICE, device, day_ordinal, limit],
        )
        return cursor.fetchone() is not None


def attempts_count(
    *, county_id: int, contest_id: int, address: str, code_key: str, minute: int
) -> dict[str, int]:
    """Count one attempt of this address and this code in this minute, both in one statement
    (it stands whatever the vote's fate: the caller's transaction, if any, must commit it);
    each one's count so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (county_id, contest_id, kind, key, period, n) "
            f"VALUES (%s, %s, %s, %s, %s, 1), (%s, %s, %s, %s, %s, 1) {CONFLICT} RETURNING kind, n",
            [
                *(county_id, contest_id, VoteQuota.Kind.ADDRESS, address, minute),
                *(county_id, contest_id, VoteQuota.Kind.CODE, code_key, minute),
            ],
        )
        counts = {str(kind): int(n) for kind, n in cursor.fetchall()}
    if next(_counted) % PRUNE_EVERY == 0:
        attempts_prune(before=minute - 1)
    return counts


def attempts_prune(*, before: int) -> int:
    """Forget the minutes' counts before the minute `before` (every PRUNE_EVERY attempts a
    worker counts: the table keeps the last two minutes' and the devices' days)."""
    deleted, _ = VoteQuota.objects.filter(
        kind__in=(VoteQuota.Kind.ADDRESS, VoteQuota.Kind.CODE), period__lt=before
    ).delete()
    return deleted
