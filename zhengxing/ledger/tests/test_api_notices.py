"""Public notices (公示) and objections over the API: signing a quarter posts its notice; anyone
reads it without logging in (names and points, never an ID number or a phone), checks it against
the ledger, and objects with a contact; the committee answers, and the answer is posted.

Recall the cast (zhengxing/testing.py): dave runs township B; carol is secretary and cathy a
committee member of branch A1B; 王甲 belongs to A1B. The county runs the Sanmenxia rules for
2026 and the API's clock stands at 30 June 2026 (Q2) unless a test moves it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from zhengxing.ledger.models import Objection, Posting, RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import deduction_record, quarter_sign_off
from zhengxing.testing import Cast, client_for

from .conftest import NOW, after, as_, item, key

pytestmark = pytest.mark.usefixtures("api_clock")

POINTS = "/api/v1/points"
JSON = "application/json"


@pytest.fixture(autouse=True)
def _fresh_throttle(db: None) -> None:
    """The anonymous are throttled per address, in the cache: each test starts with none."""
    cache.clear()


@pytest.fixture
def notice(cast: Cast, rules: RuleCatalogue) -> Posting:
    """A1B's 2026 Q2 notice: 王甲 lost 5 points for missing a meeting; the quarter is signed."""
    deduction_record(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        member=cast.member_a1,
        item=item(rules, "SMX-K01"),
        reason="无故缺席",
        occurred_on=NOW.date(),
        idempotency_key=key(),
    )
    quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 2))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 2),
    )
    return Posting.objects.get(branch=cast.branch_a1, year=2026, quarter=2)


def line_of(name: str) -> int:
    """The line of the (one) notice that names `name`, as the public sees it."""
    posting = Posting.objects.get()
    return next(n for n, line in enumerate(posting.lines, start=1) if line["name"] == name)


def objection(cast: Cast, **overrides: Any) -> dict[str, Any]:
    return {
        "text": "王甲当天在外地开会，已请假",
        "contact_name": "王大嫂",
        "contact": "13700001234",
        "line": line_of("王甲"),
        "idempotency_key": "obj-1",
        **overrides,
    }


def test_signing_off_through_the_api_names_the_notice_it_posted(
    cast: Cast, rules: RuleCatalogue, api_clock: list[dt.datetime]
) -> None:
    api_clock[0] = after(Quarter(2026, 2))
    response = client_for(cast.carol).post(
        f"{POINTS}/branches/{cast.branch_a1.pk}/quarters/2026/2/sign-off", content_type=JSON
    )

    assert response.status_code == 201, response.content
    assert response.json()["notice_slug"] == Posting.objects.get().slug


def test_anyone_reads_a_notice_with_names_but_no_id_numbers_or_phones(
    cast: Cast, notice: Posting
) -> None:
    response = Client().get(f"{POINTS}/notices/{notice.slug}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["branch_name"], body["parent_name"]) == ("中共甲一村支部委员会", "甲一村")
    assert body["head_hash"] == notice.head_hash
    line = next(line for line in body["lines"] if line["name"] == "王甲")
    assert (line["deductions"], line["total"]) == ("-5.0", "-5.0")
    text = response.content.decode()
    for member in (cast.member_a1, cast.erin_member):
        assert member.id_card not in text
        assert member.phone not in text


def test_a_notice_still_matches_the_ledger(notice: Posting) -> None:
    response = Client().get(f"{POINTS}/notices/{notice.slug}/check")

    assert response.status_code == 200
    assert response.json()["matches"] is True
    assert response.json()["chain_ok"] is True


def test_an_unknown_notice_is_404(cast: Cast) -> None:
    assert Client().get(f"{POINTS}/notices/no-such-notice").status_code == 404


def test_anyone_objects_once_with_a_contact_that_is_never_posted(
    cast: Cast, notice: Posting
) -> None:
    url = f"{POINTS}/notices/{notice.slug}/objections"

    first = Client().post(url, objection(cast), content_type=JSON)
    again = Client().post(url, objection(cast), content_type=JSON)
    posted = Client().get(f"{POINTS}/notices/{notice.slug}")

    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Objection.objects.count() == 1
    assert posted.json()["objections"][0]["member_name"] == "王甲"
    assert "13700001234" not in posted.content.decode()
    assert "王大嫂" not in posted.content.decode()


def test_an_objection_without_a_contact_is_refused(cast: Cast, notice: Posting) -> None:
    url = f"{POINTS}/notices/{notice.slug}/objections"
    body = objection(cast)
    del body["contact"]

    missing = Client().post(url, body, content_type=JSON)
    empty = Client().post(url, objection(cast, contact=" "), content_type=JSON)

    assert missing.status_code == 422
    assert empty.status_code == 400
    assert empty.json()["detail"] == "请填写联系方式"
    assert not Objection.objects.exists()


def test_an_objection_about_a_line_the_notice_does_not_have_is_refused(
    cast: Cast, notice: Posting
) -> None:
    response = Client().post(
        f"{POINTS}/notices/{notice.slug}/objections",
        objection(cast, line=len(notice.lines) + 1),
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "本次公示没有该行"
    assert not Objection.objects.exists()


def test_an_objection_after_the_window_is_refused(
    cast: Cast, notice: Posting, api_clock: list[dt.datetime]
) -> None:
    api_clock[0] = NOW + dt.timedelta(days=9)  # signed on 1 July: window to 8 July

    response = Client().post(
        f"{POINTS}/notices/{notice.slug}/objections", objection(cast), content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "异议期已过"


def test_the_committee_answers_and_the_answer_is_posted(cast: Cast, notice: Posting) -> None:
    Client().post(f"{POINTS}/notices/{notice.slug}/objections", objection(cast), content_type=JSON)
    cathy = client_for(cast.cathy)

    inbox = cathy.get(f"{POINTS}/objections?status=open")
    pk = inbox.json()["items"][0]["id"]
    answered = cathy.post(
        f"{POINTS}/objections/{pk}/answer", {"answer": "经核实确已请假，已冲正"}, content_type=JSON
    )
    again = cathy.post(f"{POINTS}/objections/{pk}/answer", {"answer": "改口"}, content_type=JSON)
    posted = Client().get(f"{POINTS}/notices/{notice.slug}").json()["objections"][0]

    assert inbox.json()["count"] == 1
    assert inbox.json()["items"][0]["contact_masked"] != "13700001234"
    assert inbox.json()["items"][0]["notice"]["slug"] == notice.slug
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "answered"
    assert again.status_code == 400
    assert again.json()["detail"] == "该异议已答复并公示，不能修改答复"
    assert (posted["status"], posted["answer"]) == ("answered", "经核实确已请假，已冲正")


def test_township_b_neither_sees_nor_answers_township_a_objections(
    cast: Cast, notice: Posting
) -> None:
    Client().post(f"{POINTS}/notices/{notice.slug}/objections", objection(cast), content_type=JSON)
    pk = Objection.objects.get().pk
    dave = client_for(cast.dave)

    inbox = dave.get(f"{POINTS}/objections")
    answered = dave.post(f"{POINTS}/objections/{pk}/answer", {"answer": "x"}, content_type=JSON)

    assert inbox.json()["count"] == 0
    assert answered.status_code == 404
    assert Objection.objects.get().status == "open"
