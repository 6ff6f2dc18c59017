"""Points that follow from organisation life: entered at once, approved, linked to what earned
them, once per origin and item, refused whole in Chinese."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger import origins, services
from zhengxing.ledger.models import Claim, RuleCatalogue
from zhengxing.ledger.rules import ClaimSource, ClaimStatus
from zhengxing.testing import Cast, client_for

from .conftest import Q2, after, as_, item, sign, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting_kind() -> Iterator[str]:
    origins.register("test-meeting", label="会议", url=lambda pk: f"/life/meetings/{pk}/")
    yield "test-meeting"
    origins._KINDS.pop("test-meeting")


def enter(cast: Cast, rules: RuleCatalogue, kind: str, code: str = "SMX-G02", **overrides: Any):
    values: dict[str, Any] = {
        "actor": as_(cast.carol),
        "branch": cast.branch_a1,
        "item": item(rules, code),
        "members": [cast.member_a1, cast.erin_member],
        "occurred_on": dt.date(2026, 6, 20),
        "description": "6月主题党日",
        "origin_kind": kind,
        "origin_id": 7,
    }
    values.update(overrides)
    return services.points_from_activity(**values)


def test_points_are_entered_at_once_and_link_to_what_earned_them(
    cast: Cast, rules: RuleCatalogue, meeting_kind: str
) -> None:
    entries = enter(cast, rules, meeting_kind)
    assert [e.points for e in entries] == [Decimal(1), Decimal(1)]
    claims = Claim.objects.filter(origin_kind=meeting_kind, origin_id=7)
    assert {(c.source, c.status) for c in claims} == {(ClaimSource.LIFE, ClaimStatus.APPROVED)}
    link = claims[0].origin
    assert link is not None and (link.label, link.url) == ("会议", "/life/meetings/7/")
    assert AuditEvent.objects.filter(action="ledger.claim.from_activity").count() == 2
    # the member's own points page links the entry to the meeting
    page = client_for(cast.erin).get("/points/me/?year=2026")
    assert b'href="/life/meetings/7/"' in page.content


def test_a_second_run_for_the_same_origin_writes_nothing(
    cast: Cast, rules: RuleCatalogue, meeting_kind: str
) -> None:
    enter(cast, rules, meeting_kind)
    before = snapshot()
    assert enter(cast, rules, meeting_kind) == []
    assert snapshot() == before
    # another item for the same meeting (a deduction for absence) is its own
    (entry,) = enter(cast, rules, meeting_kind, "SMX-K01", members=[cast.member_a1])
    assert entry.points == Decimal(-5)


def test_refused_whole_in_chinese(cast: Cast, rules: RuleCatalogue, meeting_kind: str) -> None:
    before = snapshot()
    with pytest.raises(ServiceError, match="乙"):
        # a member of another branch, named
        enter(cast, rules, meeting_kind, members=[cast.member_a1, cast.member_b1])
    with pytest.raises(ServiceError, match="活动内容"):
        enter(cast, rules, meeting_kind, description="  ")
    with pytest.raises(PermissionDenied):
        enter(cast, rules, meeting_kind, actor=as_(cast.erin))
    assert snapshot() == before


def test_a_signed_quarter_takes_no_more(
    cast: Cast, rules: RuleCatalogue, meeting_kind: str
) -> None:
    sign(cast, Q2)
    with pytest.raises(ServiceError, match="已签字确认"):
        enter(cast, rules, meeting_kind, actor=as_(cast.carol, after(Q2)))
