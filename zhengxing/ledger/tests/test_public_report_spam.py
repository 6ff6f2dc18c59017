"""A flood of reports from the public must not hold a quarter hostage: the committee sets
pending public reports aside as spam, in bulk (one service, the review page and the API),
each one audited; they are kept, never reviewed, and no longer hold up the sign-off.

Recall the cast (zhengxing/testing.py): carol is secretary and cathy a committee member of
A1B; 王甲 is a member there; dave runs township B; erin is a member of A1B. Everyone acts on
30 June 2026 (Q2).
"""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import Claim, RuleCatalogue
from zhengxing.ledger.rules import ClaimStatus, Quarter
from zhengxing.ledger.services import (
    claim_submit,
    public_report_submit,
    public_reports_mark_spam,
    quarter_sign_off,
)
from zhengxing.testing import Cast, client_for

from .conftest import NOW, after, as_, item, key, snapshot

Q2 = Quarter(2026, 2)


def flood(cast: Cast, n: int) -> list[Claim]:
    return [
        public_report_submit(
            actor=as_(None),
            branch=cast.branch_a1,
            member=cast.member_a1,
            occurred_on=NOW.date(),
            place="",
            description=f"胡乱反映{i}",
            reporter_contact="13900000000",
            idempotency_key=key(),
        )
        for i in range(n)
    ]


def test_spam_marked_reports_no_longer_hold_up_the_sign_off(
    cast: Cast, rules: RuleCatalogue
) -> None:
    reports = flood(cast, 30)
    with pytest.raises(ServiceError, match="还有30条申报待审核"):
        quarter_sign_off(actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2)

    marked = public_reports_mark_spam(
        actor=as_(cast.cathy), branch=cast.branch_a1, claims=reports, reason="同一号码刷屏"
    )

    assert len(marked) == 30
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.SPAM}
    kept = Claim.objects.first()
    assert kept is not None and (kept.reviewed_by, kept.review_reason) == (
        cast.cathy,
        "同一号码刷屏",
    )
    events = AuditEvent.objects.filter(action="ledger.public_report.spam")
    assert events.count() == 30
    event = events.first()
    assert event is not None and event.actor == cast.cathy and event.county_id == cast.county.pk
    assert event.before is not None and event.after is not None
    assert (event.before["status"], event.after["status"]) == ("pending", "spam")
    assert "13900000000" not in json.dumps(event.before) + json.dumps(event.after)
    close = quarter_sign_off(actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2)
    assert close.entries == 0


def test_only_the_branch_committee_marks_spam_and_only_pending_public_reports(
    cast: Cast, rules: RuleCatalogue
) -> None:
    [report] = flood(cast, 1)
    own = claim_submit(
        actor=as_(cast.erin),
        branch=cast.branch_a1,
        member=cast.erin_member,
        item=item(rules, "SMX-G01"),
        occurred_on=NOW.date(),
        place="甲一村文化广场",
        description="清扫广场积雪",
        evidence="uploads/2026/hygiene.jpg",
        idempotency_key=key(),
    )
    before = snapshot()
    for outsider in (cast.erin, cast.dave):
        with pytest.raises(PermissionDenied):
            public_reports_mark_spam(actor=as_(outsider), branch=cast.branch_a1, claims=[report])
    with pytest.raises(ServiceError, match="部分群众反映已处理"):
        public_reports_mark_spam(actor=as_(cast.cathy), branch=cast.branch_a1, claims=[report, own])
    with pytest.raises(ServiceError, match="请选择"):
        public_reports_mark_spam(actor=as_(cast.cathy), branch=cast.branch_a1, claims=[])
    assert snapshot() == before
    public_reports_mark_spam(actor=as_(cast.cathy), branch=cast.branch_a1, claims=[report])
    with pytest.raises(ServiceError, match="部分群众反映已处理"):  # not twice
        public_reports_mark_spam(actor=as_(cast.cathy), branch=cast.branch_a1, claims=[report])


@pytest.mark.usefixtures("on_30_june")
def test_the_review_page_marks_all_shown_or_the_ticked_ones(
    cast: Cast, rules: RuleCatalogue
) -> None:
    first, second, third = flood(cast, 3)
    cathy = client_for(cast.cathy)
    review = reverse("ledger:review", args=[cast.branch_a1.pk]) + f"?quarter={Q2}"
    page = cathy.get(review).content.decode()
    assert "群众反映" in page and "标记为垃圾信息" in page
    spam = reverse("ledger:review_spam", args=[cast.branch_a1.pk]) + f"?quarter={Q2}"

    assert 'id="confirm-spam-all"' in page and "此操作不能撤销" in page
    unconfirmed = cathy.post(spam, {"claims": [first.pk]}, follow=True)
    assert "请先确认：此操作不能撤销" in unconfirmed.content.decode()
    assert Claim.objects.get(pk=first.pk).status == ClaimStatus.PENDING
    yes = {"confirm": "yes"}
    ticked = cathy.post(spam, {"claims": [first.pk], "reason": "无意义", **yes}, follow=True)
    assert "已将1条群众反映标记为垃圾信息" in ticked.content.decode()
    assert Claim.objects.get(pk=first.pk).status == ClaimStatus.SPAM
    assert cathy.post(spam, {"claims": [second.pk, third.pk], **yes}).status_code == 302
    assert not Claim.objects.filter(status=ClaimStatus.PENDING).exists()
    assert client_for(cast.dave).post(spam, {"claims": [first.pk], **yes}).status_code == 404


def test_the_api_marks_spam_for_the_committee_only(cast: Cast, rules: RuleCatalogue) -> None:
    reports = flood(cast, 2)
    url = "/api/v1/points/public-reports/spam"
    body = {"branch_id": cast.branch_a1.pk, "claim_ids": [r.pk for r in reports]}

    outsider = client_for(cast.dave).post(url, body, content_type="application/json")
    assert outsider.status_code == 404
    marked = client_for(cast.cathy).post(url, body, content_type="application/json")
    assert marked.status_code == 200
    assert [c["status"] for c in marked.json()] == ["spam", "spam"]
    again = client_for(cast.cathy).post(url, body, content_type="application/json")
    assert again.status_code == 400 and "已处理" in again.json()["detail"]
