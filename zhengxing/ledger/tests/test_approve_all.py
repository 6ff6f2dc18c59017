""" "Approve all shown" approves what may be approved and lists what it left, and why: the
review of 004 — "支委会每季度对积分情况进行一次审核" — is not held up, nor refused whole, by one
claim the reviewer may not decide. The mix below: cathy (committee) is also a member of A1B and
has a claim of her own in the list, one claim was decided by carol meanwhile, a report from the
public waits to be decided one by one, and two claims of others may be approved.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.ledger.models import Claim, LedgerEntry, RuleCatalogue
from zhengxing.ledger.rules import ClaimStatus
from zhengxing.ledger.services import (
    OWN_CLAIM,
    PUBLIC_ONE_BY_ONE,
    claim_approve_all,
    claim_record_many,
    claim_review,
    public_report_submit,
)
from zhengxing.testing import Cast, add_member, client_for

from .conftest import as_, item, key

JUNE = dt.date(2026, 6, 20)

pytestmark = pytest.mark.usefixtures("on_30_june")


@pytest.fixture
def mix(cast: Cast, rules: RuleCatalogue) -> dict[str, Claim]:
    """王甲's and 李二妮's snow claims, cathy's own, one carol has approved, a public report."""
    cathy_member = add_member(cast.county, "A1B", name="陈彩霞")
    cathy_member.user = cast.cathy
    cathy_member.save(update_fields=["user"])
    late = add_member(cast.county, "A1B", name="周后到")
    wang, erin, own, decided = claim_record_many(
        actor=as_(cast.carol),
        branch=cast.branch_a1,
        item=item(rules, "SMX-G02"),
        members=[cast.member_a1, cast.erin_member, cathy_member, late],
        occurred_on=JUNE,
        place="村口",
        description="清扫积雪",
        idempotency_key=key(),
    )
    claim_review(actor=as_(cast.carol), claim=decided, decision="approve")
    public = public_report_submit(
        actor=as_(None),
        branch=cast.branch_a1,
        member=cast.member_a1,
        occurred_on=JUNE,
        place="村口",
        description="占道堆放柴草",
        reporter_contact="13900000000",
        idempotency_key=key(),
    )
    return {"wang": wang, "erin": erin, "own": own, "decided": decided, "public": public}


def test_approve_all_approves_what_may_be_approved_and_says_why_it_left_the_rest(
    cast: Cast, mix: dict[str, Claim]
) -> None:
    audited = AuditEvent.objects.filter(action="ledger.claim.approve").count()
    done = claim_approve_all(
        actor=as_(cast.cathy), branch=cast.branch_a1, claims=list(mix.values())
    )
    assert {c.pk for c in done.approved} == {mix["wang"].pk, mix["erin"].pk}
    why = {s.claim_id: s.reason for s in done.skipped}
    assert why == {
        mix["own"].pk: OWN_CLAIM,
        mix["decided"].pk: "该申报已审核（已批准），不能重复审核",
        mix["public"].pk: PUBLIC_ONE_BY_ONE,
    }
    assert OWN_CLAIM == "本人申报须由其他委员审核"
    assert next(s for s in done.skipped if s.claim_id == mix["own"].pk).member == "陈彩霞"
    # each approval audited as before, and written to the ledger; the rest left as they were
    assert AuditEvent.objects.filter(action="ledger.claim.approve").count() == audited + 2
    assert set(LedgerEntry.objects.values_list("claim_id", flat=True)) == {
        mix["wang"].pk, mix["erin"].pk, mix["decided"].pk,
    }  # fmt: skip
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert statuses[mix["own"].pk] == statuses[mix["public"].pk] == ClaimStatus.PENDING


def test_approve_all_with_nothing_approvable_writes_nothing_and_lists_all(
    cast: Cast, mix: dict[str, Claim]
) -> None:
    done = claim_approve_all(
        actor=as_(cast.cathy), branch=cast.branch_a1, claims=[mix["own"], mix["public"]]
    )
    assert not done.approved and len(done.skipped) == 2
    assert not LedgerEntry.objects.filter(claim__in=[mix["own"], mix["public"]]).exists()


def test_the_review_page_lists_what_approve_all_skipped_and_why(
    cast: Cast, mix: dict[str, Claim]
) -> None:
    url = reverse("ledger:review_all", args=[cast.branch_a1.pk]) + "?quarter=2026Q2"
    ids = [mix[k].pk for k in ("wang", "erin", "own", "decided")]
    page = client_for(cast.cathy).post(url, {"claims": ids, "confirm": "yes"}, follow=True)
    html = page.content.decode()
    assert "已批准2条申报" in html
    assert "未批准：陈彩霞 · " in html and "本人申报须由其他委员审核" in html
    assert "该申报已审核（已批准），不能重复审核" in html
    assert Claim.objects.get(pk=mix["own"].pk).status == ClaimStatus.PENDING


def test_the_api_approves_what_may_be_approved_and_lists_the_rest(
    cast: Cast, mix: dict[str, Claim], api_clock: list[dt.datetime]
) -> None:
    body = {"branch_id": cast.branch_a1.pk, "claim_ids": [c.pk for c in mix.values()]}
    response = client_for(cast.cathy).post(
        "/api/v1/points/claims/approve-all", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    out = response.json()
    assert {c["id"] for c in out["approved"]} == {mix["wang"].pk, mix["erin"].pk}
    assert all(c["status"] == "approved" for c in out["approved"])
    skipped = {s["claim_id"]: s for s in out["skipped"]}
    assert skipped[mix["own"].pk]["reason"] == "本人申报须由其他委员审核"
    assert skipped[mix["public"].pk]["reason"] == "群众反映须逐条审核"
    assert set(skipped) == {mix["own"].pk, mix["decided"].pk, mix["public"].pk}
    outsider = client_for(cast.dave).post(
        "/api/v1/points/claims/approve-all", json.dumps(body), content_type="application/json"
    )
    assert outsider.status_code == 404
