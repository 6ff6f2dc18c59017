"""Democratic appraisal's pages: the secretary opens the round, the member grades every other
member on a phone, the secretary posts the result behind a second look, both see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhengxing.orglife.models import AppraisalBallot, AppraisalResult
from zhengxing.testing import Cast, client_for

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def test_open_vote_and_post_on_the_pages(cast: Cast) -> None:
    erin, carol = client_for(cast.erin), client_for(cast.carol)
    mine, branch = (
        reverse("orglife:my_appraisal"),
        reverse("orglife:branch_appraisal", args=[cast.branch_a1.pk]),
    )
    assert mine in erin.get("/").content.decode()
    assert "本支部今年的民主评议还没有开始" in erin.get(mine).content.decode()
    carol.post(branch)
    page = erin.get(mine).content.decode()
    assert "王甲" in page and f'name="grade-{cast.member_a1.pk}"' in page
    missing = erin.post(mine, {}, follow=True)
    assert messages_of(missing) == ["请为每位党员评定等次（还缺：王甲）"]
    erin.post(mine, {f"grade-{cast.member_a1.pk}": "basic"})
    assert AppraisalBallot.objects.get().grade == "basic"
    unconfirmed = carol.post(branch, follow=True)
    assert "请先确认：此操作不能撤销" in messages_of(unconfirmed)
    carol.post(branch, {"confirm": "yes"})
    assert dict(AppraisalResult.objects.values_list("member__name", "grade")) == {
        "王甲": "basic", "李二妮": "qualified"
    }  # fmt: skip
    assert "王甲" in erin.get(mine).content.decode()
    assert client_for(cast.dave).get(branch).status_code == 404
