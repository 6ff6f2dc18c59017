"""The cache every worker shares (a database table by default): the throttles' counters are
added to in the database, keep the expiry they were given, and vanish with it."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import DateTimeField, Expression
from django.utils import timezone


def expires_in(key: str) -> dt.timedelta:
    table = connection.ops.quote_name("zhengxing_cache")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {table} WHERE cache_key = %s", [cache.make_key(key)])
        [expires] = cursor.fetchone() or [None]
    expression = Expression(output_field=DateTimeField())
    for convert in connection.ops.get_db_converters(expression):
        expires = convert(expires, expression, connection)
    return expires - timezone.now()


@pytest.mark.django_db
def test_a_counter_counts_up_and_keeps_its_expiry() -> None:
    assert cache.add("zx:test", 0, timeout=3600)
    assert [cache.incr("zx:test") for _ in range(3)] == [1, 2, 3]
    # in the database, where every worker sees it, still expiring in an hour (Django's own
    # incr would have cut it to the default five minutes)
    assert expires_in("zx:test") > dt.timedelta(minutes=59)
    assert not cache.add("zx:test", 0, timeout=3600)  # a second add leaves the count alone
    assert cache.get("zx:test") == 3


@pytest.mark.django_db
def test_a_counter_expires_with_its_window() -> None:
    cache.add("zx:short", 0, timeout=1)
    assert cache.incr("zx:short") == 1
    time.sleep(1.2)
    with pytest.raises(ValueError):
        cache.incr("zx:short")
    with pytest.raises(ValueError):
        cache.incr("zx:never-added")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_counting_at_once_lose_no_count() -> None:
    """Four connections adding to one counter at once, as four gunicorn workers would."""
    from zhengxing.testing import race

    cache.add("zx:race", 0, timeout=600)

    def count() -> list[int]:
        return [cache.incr("zx:race") for _ in range(25)]

    results = race(count, count, count, count)
    seen = sorted(n for r in results for n in r)
    assert seen == list(range(1, 101))  # every count handed out once, none lost
    cache.delete("zx:race")
