"""三亮 commitments through /api/v1/life (003 Gaotai: "承诺内容经党支部审定、党员大会公开后…
党支部定期通报党员履诺践诺的情况，并对其作出评价"): the same services as the pages, errors as
{"detail", "code"}. Everyone acts on 30 June 2026."""

from __future__ import annotations

import pytest

from zhengxing.audit.models import AuditEvent
from zhengxing.orglife.models import Commitment, CommitmentProgress, CommitmentReview
from zhengxing.testing import Cast, client_for

pytestmark = pytest.mark.django_db
JSON = "application/json"
PROMISE = {
    "field": "poverty",
    "promise": "今年为村里3户困难家庭各办一件实事",
    "measure": "受助户签字",
}


def post(client, url: str, body: dict):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type=JSON)


def test_propose_approve_report_and_review_through_the_api(cast: Cast, api_clock: list) -> None:
    erin, cathy = client_for(cast.erin), client_for(cast.cathy)
    made = post(erin, "/api/v1/life/commitments", PROMISE)
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["member"], body["year"], body["status"]) == ("李二妮", 2026, "proposed")
    url = f"/api/v1/life/commitments/{body['id']}"
    # the member may not approve her own promise; the branch committee does
    assert post(erin, f"{url}/decide", {"approve": True}).status_code == 403
    waiting = cathy.get(f"/api/v1/life/branches/{cast.branch_a1.pk}/commitments")
    assert [c["id"] for c in waiting.json()] == [body["id"]]
    approved = post(cathy, f"{url}/decide", {"approve": True})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    progress = post(
        erin, f"{url}/progress", {"text": "帮张家修好了屋顶", "reported_on": "2026-06-20"}
    )
    assert progress.status_code == 201, progress.content
    assert post(erin, f"{url}/review", {"half": 1, "score": 90}).status_code == 403
    review = post(cathy, f"{url}/review", {"half": 1, "score": 90, "comment": "按期履诺"})
    assert review.json() == {"half": 1, "score": 90, "comment": "按期履诺"}
    (mine,) = erin.get("/api/v1/life/commitments/mine", {"year": 2026}).json()
    assert [p["text"] for p in mine["progress"]] == ["帮张家修好了屋顶"]
    assert mine["reviews"] == [{"half": 1, "score": 90, "comment": "按期履诺"}]
    assert AuditEvent.objects.filter(action="orglife.commitment.review").exists()


def test_a_vague_promise_is_refused_in_chinese_and_nothing_is_written(
    cast: Cast, api_clock: list
) -> None:
    erin = client_for(cast.erin)
    vague = post(erin, "/api/v1/life/commitments", {**PROMISE, "promise": "多做好事"})
    assert vague.status_code == 400
    assert vague.json()["detail"].startswith("承诺内容要具体，可以检查（至少10个字）")
    wrong_field = post(erin, "/api/v1/life/commitments", {**PROMISE, "field": "sports"})
    assert wrong_field.status_code == 400
    assert (
        "请从理论学习、产业调整、纠纷调解、帮贫助困、文明新风、环境保护中选择"
        in (wrong_field.json()["detail"])
    )
    assert not Commitment.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="orglife.commitment").exists()


def test_a_return_needs_a_reason_and_another_townships_office_sees_nothing(
    cast: Cast, api_clock: list
) -> None:
    made = post(client_for(cast.erin), "/api/v1/life/commitments", PROMISE).json()
    url = f"/api/v1/life/commitments/{made['id']}"
    dave, cathy = client_for(cast.dave), client_for(cast.cathy)
    assert post(dave, f"{url}/decide", {"approve": True}).status_code == 404
    assert dave.get(f"/api/v1/life/branches/{cast.branch_a1.pk}/commitments").status_code == 404
    assert post(dave, "/api/v1/life/commitments", {**PROMISE, "member_id": cast.erin_member.pk}
                ).status_code == 404  # fmt: skip
    no_reason = post(cathy, f"{url}/decide", {"approve": False})
    assert no_reason.status_code == 400 and "退回理由" in no_reason.json()["detail"]
    early = post(cathy, f"{url}/review", {"half": 1, "score": 80})
    assert early.json()["detail"] == "只能评价经支部审定的承诺"
    not_yet = post(client_for(cast.erin), f"{url}/progress", {"text": "做了"})
    assert not_yet.json()["detail"] == "承诺经支部审定后才能报告进展"
    assert Commitment.objects.get().status == "proposed"
    assert not CommitmentProgress.objects.exists() and not CommitmentReview.objects.exists()


def test_the_public_board_through_the_api_needs_no_login_and_shows_only_whats_posted(
    cast: Cast, api_clock: list
) -> None:
    """003: "承诺内容经党支部审定、党员大会公开后，在党务公开栏向党员群众公示，广泛接受监督": an
    approved commitment with its progress and reviews, by the branch's public reference; one
    still waiting is not there; nothing of the member but the name."""
    from django.test import Client

    erin, cathy = client_for(cast.erin), client_for(cast.cathy)
    shown = post(erin, "/api/v1/life/commitments", PROMISE).json()
    waiting = post(erin, "/api/v1/life/commitments", {**PROMISE, "field": "study"}).json()
    post(cathy, f"/api/v1/life/commitments/{shown['id']}/decide", {"approve": True})
    post(cathy, f"/api/v1/life/commitments/{shown['id']}/review", {"half": 1, "score": 88})
    url = f"/api/v1/life/public/commitments/{cast.branch_a1.public_ref}"
    board = Client().get(url, {"year": 2026})
    assert board.status_code == 200, board.content
    body = board.json()
    assert body["branch"] == cast.branch_a1.name and body["year"] == 2026
    (only,) = body["commitments"]
    assert (only["member"], only["field_label"], only["promise"]) == (
        "李二妮", "帮贫助困", PROMISE["promise"]
    )  # fmt: skip
    assert only["reviews"] == [{"half": 1, "score": 88, "comment": ""}]
    assert set(only) == {"member", "field", "field_label", "promise", "measure", "progress",
                         "reviews"}  # fmt: skip
    assert waiting["status"] == "proposed"
    assert Client().get("/api/v1/life/public/commitments/nosuchref").status_code == 404
    # a branch's database id is not its public reference
    assert Client().get(f"/api/v1/life/public/commitments/{cast.branch_a1.pk}").status_code == 404
