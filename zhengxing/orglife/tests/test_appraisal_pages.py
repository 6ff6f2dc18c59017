"""Democratic appraisal's pages: the secretary opens the round, the member grades every other
member on a phone, the secretary posts the result behind a second look, both see it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengxing.orglife import services
from zhengxing.orglife.models import AppraisalBallot, AppraisalResult
from zhengxing.orglife.services.appraisal import appraised_members
from zhengxing.testing import Cast, add_member, client_for

from .conftest import as_

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
    missing = erin.post(mine, {})
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


def checked(page: str, pk: int) -> str | None:
    """The grade the page shows chosen for member `pk`, or None."""
    found = re.search(rf'name="grade-{pk}" value="(\w+)" checked', page)
    return found.group(1) if found else None


def test_the_ballot_on_a_phone_counts_as_the_voter_goes_and_keeps_a_refused_ballot(
    cast: Cast,
) -> None:
    """A row per member, nothing chosen beforehand (not even 合格: `ballot_problem`), the
    counts of graded and of 优秀 against the cap, a link to the first not graded; a ballot
    refused (someone left out, 优秀 over the cap) comes back with the choices as they were and
    nothing written; a ballot cast is counted, and shown back to change."""
    for n in range(3):
        add_member(cast.county, "A1B", name=f"党员{n}")
    others = [pk for pk in appraised_members(cast.branch_a1) if pk != cast.erin_member.pk]
    wang = cast.member_a1.pk
    first, second, third = [pk for pk in others if pk != wang]
    services.appraisal_open(actor=as_(cast.carol), branch=cast.branch_a1, year=2026)
    erin, mine = client_for(cast.erin), reverse("orglife:my_appraisal")
    page = erin.get(mine).content.decode()
    assert page.count('class="ballot-row') == 4 and " checked" not in page
    assert "优秀最多1人（本支部5名党员的20%）" in page
    assert re.search(r"已评 <b data-graded>0</b>/4", page)
    assert re.search(r"优秀 <b data-excellent>0</b>/1", page)
    assert f'href="#g-{others[0]}" data-next' in page
    assert "0/5名党员已投票" in page

    # two 优秀 of five members at 20 %: refused, the choices kept, nothing written
    over = {f"grade-{first}": "excellent", f"grade-{second}": "excellent"}
    over |= {f"grade-{third}": "basic", f"grade-{wang}": "qualified"}
    refused = erin.post(mine, over)
    assert refused.status_code == 200 and not AppraisalBallot.objects.exists()
    assert messages_of(refused) == ["评为优秀的不能超过1人（本支部5名党员的20%），这张选票评了2人"]
    page = refused.content.decode()
    assert [checked(page, pk) for pk in (first, second, third, wang)] == [
        "excellent", "excellent", "basic", "qualified"
    ]  # fmt: skip
    assert re.search(r'class="excellent-count over"[^>]*>优秀 <b data-excellent>2</b>/1', page)

    # one left out: named, the others kept, the one left marked and linked
    partial = erin.post(mine, {f"grade-{first}": "excellent", f"grade-{third}": "basic"})
    page = partial.content.decode()
    assert messages_of(partial)[0].startswith("请为每位党员评定等次（还缺：")
    assert checked(page, first) == "excellent" and checked(page, second) is None
    assert f'class="ballot-row todo" id="g-{second}"' in page
    assert re.search(r"已评 <b data-graded>2</b>/4", page)

    over[f"grade-{second}"] = "qualified"
    cast_ = erin.post(mine, over, follow=True)
    assert messages_of(cast_) == ["你的选票已计入：1/5名党员已投票。"]
    assert AppraisalBallot.objects.filter(voter=cast.erin_member).count() == 4
    page = cast_.content.decode()
    assert "你已投票" in page and checked(page, second) == "qualified"
    assert "data-next hidden" in page  # nobody left to grade


def test_the_ballot_costs_the_same_queries_for_a_branch_of_three_and_of_thirty(
    cast: Cast,
) -> None:
    """The member, the round, the roll, the voter's own grades and the count of voters: one
    query each, whatever the branch's size (the rows are built from the roll, never per row)."""
    services.appraisal_open(actor=as_(cast.carol), branch=cast.branch_a1, year=2026)
    erin, mine = client_for(cast.erin), reverse("orglife:my_appraisal")
    add_member(cast.county, "A1B", name="党员甲")
    counts = []
    for extra in (0, 27):
        for n in range(extra):
            add_member(cast.county, "A1B", name=f"党员{n}")
        with CaptureQueriesContext(connection) as queries:
            page = erin.get(mine)
        assert page.content.decode().count('class="ballot-row') == 2 + extra
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
