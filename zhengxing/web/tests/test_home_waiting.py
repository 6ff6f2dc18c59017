"""The home page says what is waiting for each person, with counts, each linking to the page
where it is done (issue 18, item 3): claims to review and objections to answer for the branch
committee, quarters to sign for the secretary, evaluations for members and committees, star
plans for the township; and the grid worker reads what the role is for.

Recall the cast (zhengxing/testing.py): carol is A1B's secretary, cathy on its committee, erin
a member there; bob runs township A; gina is A1's grid worker; dave runs township B."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from zhengxing.ledger.models import RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import quarter_sign_off
from zhengxing.ledger.tests.conftest import NOW, after, as_, pages_at
from zhengxing.ledger.tests.conftest import rules as rules  # the fixture
from zhengxing.ledger.tests.test_claim_submit import submit
from zhengxing.ledger.tests.test_objections import objection
from zhengxing.stars.plans import plan_save, plan_submit
from zhengxing.stars.rounds import round_create
from zhengxing.stars.tests.conftest import act
from zhengxing.stars.tests.conftest import schemes as schemes  # the fixture
from zhengxing.testing import Cast, add_member, client_for

HOME = reverse("home")
PHOTO = "uploads/2026/hygiene.jpg"
FORM = [{"code": "T", "name": "综合评价", "max": "100"}]


def waiting(html: str) -> dict[str, tuple[int, str]]:
    """The home page's waiting list: words → (count, link)."""
    found = re.findall(
        r'<li><a href="([^"]+)"><span class="waiting-n">(\d+)</span> ([^<›]+?) ›</a></li>', html
    )
    return {words: (int(n), url) for url, n, words in found}


@pytest.fixture
def on_30_june(monkeypatch: pytest.MonkeyPatch) -> None:
    pages_at(monkeypatch, NOW)


def test_the_committee_is_told_of_claims_and_objections_and_the_secretary_of_quarters(
    cast: Cast, rules: RuleCatalogue, on_30_june: None
) -> None:
    # Q1 ended unsigned; in Q2 (30 June) erin reports twice and someone objects to a notice
    submit(cast, rules, "SMX-G01", evidence=PHOTO)
    submit(cast, rules, "SMX-G02", evidence=PHOTO)
    close = quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 1))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 1),
    )
    assert close.posting is not None
    objection(close.posting, on=after(Quarter(2026, 1)))

    review = reverse("ledger:review", args=[cast.branch_a1.pk])
    for user in (cast.carol, cast.cathy):
        shown = waiting(client_for(user).get(HOME).content.decode())
        assert shown["待审核的申报"] == (2, review), user
        assert shown["待答复的异议"] == (1, reverse("ledger:objections")), user
        assert client_for(user).get(review).status_code == 200
    # the secretary signed Q1 above: nothing to sign until Q2 ends
    assert "待签字确认的季度" not in waiting(client_for(cast.carol).get(HOME).content.decode())
    # the member, the township and the other township are not asked to review
    for user in (cast.erin, cast.bob, cast.dave):
        assert "待审核的申报" not in waiting(client_for(user).get(HOME).content.decode())


def test_the_secretary_is_told_of_a_quarter_to_sign(
    cast: Cast, rules: RuleCatalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages_at(monkeypatch, dt.datetime(2026, 7, 2, 9, 0, tzinfo=NOW.tzinfo))
    sign = reverse("ledger:sign_off", args=[cast.branch_a1.pk])
    shown = waiting(client_for(cast.carol).get(HOME).content.decode())
    assert shown["待签字确认的季度"] == (2, sign)  # Q1 and Q2, both ended
    assert client_for(cast.carol).get(sign).status_code == 200
    assert "待签字确认的季度" not in waiting(client_for(cast.cathy).get(HOME).content.decode())


def test_a_member_is_told_of_an_evaluation_to_take_part_in(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_member(cast.county, "A1B", name="张三")
    round_create(
        actor=act(cast.carol, 6, 1), org=cast.branch_a1, year=2026, period="H1", kind="peer",
        name="上半年互评", indicators=FORM, opens_at=NOW - dt.timedelta(days=1),
        closes_at=NOW + dt.timedelta(days=5),
    )  # fmt: skip
    pages_at(monkeypatch, NOW)
    shown = waiting(client_for(cast.erin).get(HOME).content.decode())
    assert shown["待参加的评议"] == (1, reverse("stars:rounds"))
    assert client_for(cast.erin).get(reverse("stars:rounds")).status_code == 200
    # a member of another township's branch is not asked
    assert "待参加的评议" not in waiting(client_for(cast.dave).get(HOME).content.decode())


def test_the_township_is_told_of_a_star_plan_to_approve(schemes: Cast) -> None:
    cast = schemes
    plan = plan_save(
        actor=act(cast.carol, 2, 12), org=cast.branch_a1, year=2026,
        duty_stars=["duty-1", "duty-3", "duty-4"], self_stars=["self-2", "self-3"],
        measures="发展肉羊养殖合作社", consultation="2月10日党员大会征求意见",
    )  # fmt: skip
    plan_submit(actor=act(cast.carol, 2, 13), plan=plan)
    shown = waiting(client_for(cast.bob).get(HOME).content.decode())
    assert shown["待审批的报星计划"] == (1, reverse("stars:plans"))
    assert "待审批的报星计划" not in waiting(client_for(cast.dave).get(HOME).content.decode())


def test_nothing_waiting_is_said_plainly(cast: Cast) -> None:
    html = client_for(cast.erin).get(HOME).content.decode()
    assert waiting(html) == {} and "目前没有等您处理的事项。" in html


def test_the_grid_worker_reads_what_the_role_is_for(cast: Cast) -> None:
    html = client_for(cast.gina).get(HOME).content.decode()
    assert "网格员的职责" in html


def test_the_waiting_list_costs_the_same_queries_for_one_claim_or_many(
    cast: Cast, rules: RuleCatalogue, on_30_june: None, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    submit(cast, rules, "SMX-G01", evidence=PHOTO)
    client = client_for(cast.carol)
    client.get(HOME)  # the session and caches warm
    # 1 session, 2 user, 3-4 scope, 5 roles' organisations, 6-7 counts of organisations and
    # members, 8 claims to review by branch, 9-10 quarters to sign (branches, signatures),
    # 11 objections, 12 evaluations her committee rates in (she is no member), 13 tasks,
    # 14 the five-person groups' matters waiting for her branch's decision, 15 the
    # secretaries' annual reports waiting for her score
    with django_assert_num_queries(15):
        client.get(HOME)
    for code in ("SMX-G02", "SMX-G03", "SMX-G04"):
        submit(cast, rules, code, evidence=PHOTO)
    with django_assert_num_queries(15):
        html = client.get(HOME).content.decode()
    assert waiting(html)["待审核的申报"][0] == 4
