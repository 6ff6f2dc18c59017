"""三亮 commitments' pages: the member proposes and reports on a phone, the committee approves,
returns and reviews, and the public reads the board by the branch's public ref, without login."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhengxing.ledger.tests.conftest import as_
from zhengxing.orglife.models import Commitment, CommitmentStatus
from zhengxing.orglife.services import commitment_decide, commitment_propose
from zhengxing.testing import Cast, client_for

pytestmark = pytest.mark.django_db

PROMISE = "今年调解邻里纠纷至少3起"


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def test_the_home_page_links_the_member_to_their_commitments(cast: Cast) -> None:
    assert reverse("orglife:my_commitments") in client_for(cast.erin).get("/").content.decode()


def test_a_member_proposes_on_the_page_and_the_committee_approves_it(
    cast: Cast, on_30_june: None
) -> None:
    erin = client_for(cast.erin)
    url = reverse("orglife:my_commitments")
    assert erin.get(url).status_code == 200
    sent = erin.post(
        url,
        {"action": "propose", "field": "mediation", "promise": PROMISE, "measure": "调解记录"},
        follow=True,
    )
    assert PROMISE in sent.content.decode()
    (c,) = Commitment.objects.all()
    branch_url = reverse("orglife:branch_commitments", args=[cast.branch_a1.pk])
    cathy = client_for(cast.cathy)
    assert PROMISE in cathy.get(branch_url).content.decode()
    cathy.post(branch_url, {"action": "approve", "commitment": c.pk})
    c.refresh_from_db()
    assert c.status == CommitmentStatus.APPROVED
    cathy.post(branch_url, {"action": "review", "commitment": c.pk, "half": 1, "score": 88})
    assert c.reviews.get().score == 88
    erin.post(url, {"action": "progress", "commitment": c.pk, "text": "调解了张李两家的宅基地纠纷"})
    assert c.progress.get().text == "调解了张李两家的宅基地纠纷"


def test_a_return_needs_a_reason_said_in_chinese(cast: Cast, on_30_june: None) -> None:
    c = commitment_propose(
        actor=as_(cast.erin),
        member=cast.erin_member,
        field="study",
        promise=PROMISE,
        measure="笔记",
    )
    url = reverse("orglife:branch_commitments", args=[cast.branch_a1.pk])
    done = client_for(cast.cathy).post(url, {"action": "return", "commitment": c.pk}, follow=True)
    assert messages_of(done) == ["请填写退回理由"]


def test_the_branch_page_is_404_outside_the_scope(cast: Cast) -> None:
    url = reverse("orglife:branch_commitments", args=[cast.branch_a1.pk])
    assert client_for(cast.dave).get(url).status_code == 404
    assert client_for(cast.erin).get(url).status_code == 404


def test_the_public_board_shows_approved_promises_by_public_ref_only(
    cast: Cast, on_30_june: None
) -> None:
    c = commitment_propose(
        actor=as_(cast.erin),
        member=cast.erin_member,
        field="study",
        promise=PROMISE,
        measure="笔记",
    )
    board = reverse("public_life:commitments", args=[cast.branch_a1.public_ref])
    assert PROMISE not in Client().get(board).content.decode()  # not approved yet
    commitment_decide(actor=as_(cast.cathy), commitment=c, approve=True)
    page = Client().get(board)
    assert (
        page.status_code == 200
        and PROMISE in page.content.decode()
        and "李二妮" in page.content.decode()
    )
    assert Client().get(f"/p/life/commitments/{cast.branch_a1.pk}/").status_code == 404
