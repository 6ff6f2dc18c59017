"""Claims over the API: a member's self-report, the committee's batch, review and sign-off, all
through the same services as the pages, scoped like them.

Recall the cast (zhengxing/testing.py): alice runs the county; bob township A, dave township B;
carol is secretary and cathy a committee member of branch A1B; erin is a member of A1B (李二妮).
王甲 belongs to A1B, 赵乙 to B1B. The county runs the Sanmenxia rules for 2026 and the API's clock
stands at 30 June 2026 (Q2), like the rest of the ledger tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengxing.ledger.models import Claim, LedgerEntry, QuarterClose, RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import claim_record_many, claim_submit, quarter_sign_off
from zhengxing.testing import Cast, add_member, client_for

from .conftest import NOW, after, as_, item, key, snapshot

pytestmark = pytest.mark.usefixtures("api_clock")

CLAIMS = "/api/v1/points/claims"
JSON = "application/json"


def snow(rules: RuleCatalogue, **overrides: Any) -> dict[str, Any]:
    """Erin's self-report: she cleared snow (SMX-G02, 1 point, no evidence needed)."""
    return {
        "item_id": item(rules, "SMX-G02").pk,
        "occurred_on": "2026-06-10",
        "place": "村委会门前",
        "description": "清扫村委会门前积雪",
        **overrides,
    }


def pending_claim(cast: Cast, rules: RuleCatalogue) -> Claim:
    return claim_submit(
        actor=as_(cast.erin),
        branch=cast.branch_a1,
        member=cast.erin_member,
        item=item(rules, "SMX-G02"),
        occurred_on=NOW.date(),
        place="村委会",
        description="清扫积雪",
        idempotency_key=key(),
    )


# --- the whole path -----------------------------------------------------------------------


def test_a_self_report_reviewed_and_signed_off_through_the_api_is_a_counted_entry(
    cast: Cast, rules: RuleCatalogue, api_clock: list[dt.datetime]
) -> None:
    erin, cathy, carol = client_for(cast.erin), client_for(cast.cathy), client_for(cast.carol)

    made = erin.post(CLAIMS, snow(rules), content_type=JSON, HTTP_IDEMPOTENCY_KEY="tap-1")
    assert made.status_code == 201, made.content
    claim = made.json()
    reviewed = cathy.post(
        f"{CLAIMS}/{claim['id']}/review", {"decision": "approve"}, content_type=JSON
    )
    api_clock[0] = after(Quarter(2026, 2))  # the quarter has ended
    signed = carol.post(
        f"/api/v1/points/branches/{cast.branch_a1.pk}/quarters/2026/2/sign-off",
        content_type=JSON,
    )
    totals = erin.get(f"/api/v1/points/members/{cast.erin_member.pk}/totals?year=2026")

    assert claim["status"] == "pending"
    assert claim["member"] == {"id": cast.erin_member.pk, "name": "李二妮"}
    assert claim["points_requested"] == "1.0"
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json()["status"] == "approved"
    assert reviewed.json()["points_awarded"] == "1.0"
    assert signed.status_code == 201, signed.content
    assert signed.json()["entries"] == 1
    assert signed.json()["bonus_total"] == "1.0"
    assert totals.status_code == 200, totals.content
    assert totals.json() == {
        "member": {"id": cast.erin_member.pk, "name": "李二妮"},
        "year": 2026,
        "base": "0.0",
        "bonus": "1.0",
        "deduction": "0.0",
        "total": "1.0",
    }


# --- a double tap -------------------------------------------------------------------------


def test_the_same_idempotency_key_twice_makes_one_claim_and_answers_200_the_second_time(
    cast: Cast, rules: RuleCatalogue
) -> None:
    erin = client_for(cast.erin)

    first = erin.post(CLAIMS, snow(rules), content_type=JSON, HTTP_IDEMPOTENCY_KEY="tap-1")
    second = erin.post(CLAIMS, snow(rules), content_type=JSON, HTTP_IDEMPOTENCY_KEY="tap-1")

    assert first.status_code == 201, first.content
    assert second.status_code == 200, second.content
    assert second.json() == first.json()
    assert Claim.objects.filter(member=cast.erin_member).count() == 1


def test_the_idempotency_key_may_come_in_the_body(cast: Cast, rules: RuleCatalogue) -> None:
    erin = client_for(cast.erin)
    body = snow(rules, idempotency_key="form-7")

    first = erin.post(CLAIMS, body, content_type=JSON)
    second = erin.post(CLAIMS, body, content_type=JSON)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]


def test_a_claim_without_any_key_is_refused(cast: Cast, rules: RuleCatalogue) -> None:
    before = snapshot()

    response = client_for(cast.erin).post(CLAIMS, snow(rules), content_type=JSON)

    assert response.status_code == 400
    assert response.json()["detail"] == "提交标识无效，请刷新页面后重新提交"
    assert snapshot() == before


# --- bad input: a Chinese 400, nothing written --------------------------------------------


def test_points_outside_the_items_range_are_refused_and_nothing_is_written(
    cast: Cast, rules: RuleCatalogue
) -> None:
    before = snapshot()
    mediation = snow(rules, item_id=item(rules, "SMX-G04").pk, points="9")  # 2 to 5

    response = client_for(cast.erin).post(
        CLAIMS, mediation, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "分值须在2.0至5.0分之间"
    assert snapshot() == before


def test_a_claim_for_a_signed_off_quarter_is_refused_and_nothing_is_written(
    cast: Cast, rules: RuleCatalogue
) -> None:
    quarter_sign_off(actor=as_(cast.carol), branch=cast.branch_a1, quarter=Quarter(2026, 1))
    before = snapshot()

    response = client_for(cast.erin).post(
        CLAIMS, snow(rules, occurred_on="2026-03-10"), content_type=JSON, HTTP_IDEMPOTENCY_KEY="k"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "2026年第一季度已签字确认，不能再申报或登记；如需更正，请在当前季度记冲正",
        # what a client branches on: the wording may change, the code does not
        "code": "quarter_closed",
    }
    assert snapshot() == before


def test_a_batch_naming_a_member_of_another_branch_is_refused_whole(
    cast: Cast, rules: RuleCatalogue
) -> None:
    before = snapshot()
    body = {
        "branch_id": cast.branch_a1.pk,
        "item_id": item(rules, "SMX-G02").pk,
        "member_ids": [cast.member_a1.pk, cast.member_b1.pk],
        "occurred_on": "2026-06-10",
        "place": "村道",
        "description": "清扫积雪",
    }

    response = client_for(cast.alice).post(
        f"{CLAIMS}/batch", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "“赵乙”不是“中共甲一村支部委员会”的党员"
    assert snapshot() == before


def test_a_claim_without_the_required_photo_is_refused(cast: Cast, rules: RuleCatalogue) -> None:
    before = snapshot()
    hygiene = snow(rules, item_id=item(rules, "SMX-G01").pk)

    response = client_for(cast.erin).post(
        CLAIMS, hygiene, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "“卫生责任区一个季度保持整洁”须上传照片等证明材料"
    assert snapshot() == before


def test_a_rejection_needs_a_reason(cast: Cast, rules: RuleCatalogue) -> None:
    claim = pending_claim(cast, rules)

    response = client_for(cast.cathy).post(
        f"{CLAIMS}/{claim.pk}/review", {"decision": "reject"}, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "请填写驳回理由"
    assert Claim.objects.get(pk=claim.pk).status == "pending"


def test_an_unknown_decision_is_a_422(cast: Cast, rules: RuleCatalogue) -> None:
    claim = pending_claim(cast, rules)

    response = client_for(cast.cathy).post(
        f"{CLAIMS}/{claim.pk}/review", {"decision": "maybe"}, content_type=JSON
    )

    assert response.status_code == 422


# --- the committee's forms ----------------------------------------------------------------


def test_the_committee_records_one_item_for_many_members_in_one_form(
    cast: Cast, rules: RuleCatalogue
) -> None:
    body = {
        "branch_id": cast.branch_a1.pk,
        "item_id": item(rules, "SMX-G02").pk,
        "member_ids": [cast.member_a1.pk, cast.erin_member.pk],
        "occurred_on": "2026-06-10",
        "place": "村道",
        "description": "清扫积雪",
        "idempotency_key": "snow-form",
    }
    cathy = client_for(cast.cathy)

    first = cathy.post(f"{CLAIMS}/batch", body, content_type=JSON)
    again = cathy.post(f"{CLAIMS}/batch", body, content_type=JSON)

    assert first.status_code == 201, first.content
    assert sorted(c["member"]["name"] for c in first.json()) == ["李二妮", "王甲"]
    assert {c["source"] for c in first.json()} == {"committee"}
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Claim.objects.count() == 2


def test_the_committee_approves_a_quarters_claims_at_once(cast: Cast, rules: RuleCatalogue) -> None:
    claims = claim_record_many(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        item=item(rules, "SMX-G02"),
        members=[cast.member_a1, cast.erin_member],
        occurred_on=NOW.date(),
        place="村道",
        description="清扫积雪",
        idempotency_key=key(),
    )
    body = {
        "branch_id": cast.branch_a1.pk,
        "claim_ids": [c.pk for c in claims],
        "decision": "approve",
    }

    response = client_for(cast.carol).post(f"{CLAIMS}/review-batch", body, content_type=JSON)

    assert response.status_code == 200, response.content
    assert {c["status"] for c in response.json()} == {"approved"}
    assert LedgerEntry.objects.filter(branch=cast.branch_a1).count() == 2


def test_an_adjustment_within_the_range_is_what_counts(cast: Cast, rules: RuleCatalogue) -> None:
    claim = claim_submit(
        actor=as_(cast.erin),
        branch=cast.branch_a1,
        member=cast.erin_member,
        item=item(rules, "SMX-G04"),  # 2 to 5
        occurred_on=NOW.date(),
        place="村委会",
        description="调解邻里纠纷",
        idempotency_key=key(),
    )

    response = client_for(cast.cathy).post(
        f"{CLAIMS}/{claim.pk}/review",
        {"decision": "adjust", "points": "3", "reason": "只调解了一半"},
        content_type=JSON,
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "adjusted"
    assert response.json()["points_awarded"] == "3.0"


# --- scope: 404 outside, 403 for a visible object the role may not act on -----------------


def test_township_b_cannot_see_or_review_a_township_a_claim(
    cast: Cast, rules: RuleCatalogue
) -> None:
    claim = pending_claim(cast, rules)
    dave = client_for(cast.dave)

    detail = dave.get(f"{CLAIMS}/{claim.pk}")
    review = dave.post(f"{CLAIMS}/{claim.pk}/review", {"decision": "approve"}, content_type=JSON)
    by_branch = dave.get(f"{CLAIMS}?branch_id={cast.branch_a1.pk}")
    listed = dave.get(CLAIMS)

    assert detail.status_code == 404
    assert detail.json() == {"detail": "未找到该对象", "code": "not_found"}
    assert review.status_code == 404
    assert by_branch.status_code == 404
    assert listed.json() == {"items": [], "count": 0}
    assert Claim.objects.get(pk=claim.pk).status == "pending"


def test_township_a_sees_its_branches_claims(cast: Cast, rules: RuleCatalogue) -> None:
    claim = pending_claim(cast, rules)

    listed = client_for(cast.bob).get(f"{CLAIMS}?branch_id={cast.branch_a1.pk}&status=pending")

    assert [c["id"] for c in listed.json()["items"]] == [claim.pk]


def test_a_member_may_see_but_not_review_her_own_claim(cast: Cast, rules: RuleCatalogue) -> None:
    claim = pending_claim(cast, rules)
    erin = client_for(cast.erin)

    seen = erin.get(f"{CLAIMS}/{claim.pk}")
    reviewed = erin.post(f"{CLAIMS}/{claim.pk}/review", {"decision": "approve"}, content_type=JSON)

    assert seen.status_code == 200
    assert reviewed.status_code == 403
    assert reviewed.json() == {"detail": "无权操作该对象", "code": "out_of_scope"}


def test_a_member_sees_only_her_own_claims(cast: Cast, rules: RuleCatalogue) -> None:
    mine = pending_claim(cast, rules)
    claim_record_many(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        item=item(rules, "SMX-G02"),
        members=[cast.member_a1],
        occurred_on=NOW.date(),
        place="村道",
        description="清扫积雪",
        idempotency_key=key(),
    )

    listed = client_for(cast.erin).get(CLAIMS)

    assert [c["id"] for c in listed.json()["items"]] == [mine.pk]


def test_someone_without_a_member_record_cannot_self_report(
    cast: Cast, rules: RuleCatalogue
) -> None:
    response = client_for(cast.cathy).post(
        CLAIMS, snow(rules), content_type=JSON, HTTP_IDEMPOTENCY_KEY="k"
    )

    assert response.status_code == 403
    assert not Claim.objects.exists()


def test_a_committee_member_may_not_sign_the_quarter(cast: Cast, rules: RuleCatalogue) -> None:
    response = client_for(cast.cathy).post(
        f"/api/v1/points/branches/{cast.branch_a1.pk}/quarters/2026/2/sign-off",
        content_type=JSON,
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "无权操作该对象", "code": "out_of_scope"}
    assert not QuarterClose.objects.exists()


def test_a_quarter_with_pending_claims_cannot_be_signed(
    cast: Cast, rules: RuleCatalogue, api_clock: list[dt.datetime]
) -> None:
    pending_claim(cast, rules)
    api_clock[0] = after(Quarter(2026, 2))

    response = client_for(cast.carol).post(
        f"/api/v1/points/branches/{cast.branch_a1.pk}/quarters/2026/2/sign-off",
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "2026年第二季度还有1条申报待审核，请审核后再签字确认"
    assert not QuarterClose.objects.exists()


# --- a list costs the same for any page size ----------------------------------------------


def test_the_claim_list_costs_the_same_queries_for_5_rows_and_for_200(
    cast: Cast, rules: RuleCatalogue
) -> None:
    members = [add_member(cast.county, "A1B") for _ in range(12)]
    claim_record_many(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        item=item(rules, "SMX-G02"),
        members=members,
        occurred_on=NOW.date(),
        place="村道",
        description="清扫积雪",
        idempotency_key=key(),
    )
    bob = client_for(cast.bob)

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = bob.get(f"{CLAIMS}?branch_id={cast.branch_a1.pk}&limit={limit}")
        assert response.status_code == 200
        assert len(response.json()["items"]) == min(limit, 12)
        return len(ctx.captured_queries)

    # session, user, role assignments, member record, the branch, the count, the page
    assert queries(5) == queries(200) == 7
