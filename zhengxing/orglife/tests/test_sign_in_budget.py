"""What one sign-in costs the database (issue 20, "Numbers": 200 phones within a minute, p99
under 200 ms): two reads before the write transaction (the meeting by its code; the member on
its roll, one join), three statements inside it (the minutes' state under a lock, the sign-in,
its audit row), so SQLite's write lock is held for as little as can be. The API token's lookup
comes first. bench/bench_meetings.py measures it against the real server."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhengxing.accounts.services import token_issue
from zhengxing.core.actor import Actor
from zhengxing.ledger.models import RuleCatalogue
from zhengxing.orglife.models import SignIn
from zhengxing.testing import Cast, bearer

from .conftest import plan

pytestmark = pytest.mark.django_db


def test_a_sign_in_reads_three_times_and_writes_in_three_statements(
    cast: Cast, hundred: RuleCatalogue
) -> None:
    # the server's clock: the token and the meeting's day are today's
    meeting = plan(cast, on=timezone.localdate())
    token = token_issue(actor=Actor.system("test"), user=cast.erin)
    with CaptureQueriesContext(connection) as ctx:
        response = Client().post(
            "/api/v1/life/sign-in",
            {"code": meeting.sheet_code},
            content_type="application/json",
            headers=bearer(token),
        )
    assert response.status_code == 201, response.content
    # the test's own transaction turns the sign-in's into a savepoint: those are left out
    tables = [
        q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(tables) == 6, "\n".join(tables)
    assert '"orgs_apitoken"' in tables[0]  # the token, with its user
    assert 'FROM "orglife_meeting"' in tables[1] and '"agenda"' not in tables[1]
    assert 'FROM "orglife_attendee" INNER JOIN "orgs_member"' in tables[2]
    assert tables[3].startswith("SELECT closed_at FROM orglife_meeting")
    assert tables[4].startswith('INSERT INTO "orglife_signin"')
    assert tables[5].startswith('INSERT INTO "audit_auditevent"')
    assert SignIn.objects.filter(meeting=meeting).count() == 1
