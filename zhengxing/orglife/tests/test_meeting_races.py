"""Sign-in races that really happen, with real concurrency on PostgreSQL (each thread its own
connection, a barrier releasing them together): a member's two taps (or two phones) at once,
and the secretary closing the minutes while members are still scanning."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import LedgerEntry, RuleCatalogue
from zhengxing.orglife import services
from zhengxing.orglife.models import Attendee, Meeting, SignIn
from zhengxing.testing import Cast, add_member, race

from .conftest import as_, plan

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _concurrent_database() -> None:
    """As the ledger's races: only the in-memory SQLite cannot hold two transactions."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(name):
        pytest.skip("in-memory SQLite cannot hold two transactions at once; run on PostgreSQL")


@pytest.mark.parametrize("attempt", range(3))
def test_two_taps_at_once_sign_in_once(cast: Cast, hundred: RuleCatalogue, attempt: int) -> None:
    meeting = plan(cast)
    code = services.meeting_live_code(actor=as_(cast.carol), meeting=meeting)
    outcomes = race(
        lambda: services.meeting_sign_in(actor=as_(cast.erin), code=code),
        lambda: services.meeting_sign_in(actor=as_(cast.erin), code=meeting.sheet_code),
    )
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(refused) == 1 and refused[0].code == "duplicate", outcomes
    assert SignIn.objects.filter(meeting=meeting).count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_closing_while_members_scan_counts_each_sign_in_that_stands(
    cast: Cast, hundred: RuleCatalogue, attempt: int
) -> None:
    meeting = plan(cast)
    scanners = []
    for n in range(6):
        member = add_member(cast.county, "A1B", name=f"扫码{n}")
        member.user = User.objects.create_user(username=f"scan{attempt}-{n}")
        member.save(update_fields=["user"])
        Attendee.objects.create(county_id=meeting.county_id, meeting=meeting, member=member)
        scanners.append(member.user)
    outcomes = race(
        lambda: services.meeting_close(actor=as_(cast.carol), meeting=meeting, minutes="记录"),
        *[
            (lambda u=u: services.meeting_sign_in(actor=as_(u), code=meeting.sheet_code))
            for u in scanners
        ],
    )
    late = [o for o in outcomes[1:] if isinstance(o, ServiceError)]
    assert all(o.code == "conflict" for o in late), outcomes
    assert not isinstance(outcomes[0], Exception), outcomes[0]
    # every sign-in that stands earned its points: none slipped in after the close
    signed = set(SignIn.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    earned = set(
        LedgerEntry.objects.filter(
            claim__origin_kind="meeting", claim__origin_id=meeting.pk, points__gt=0
        ).values_list("member_id", flat=True)
    )
    assert signed == earned
    assert len(signed) + len(late) == len(scanners)
    assert Meeting.objects.get(pk=meeting.pk).closed_at is not None
