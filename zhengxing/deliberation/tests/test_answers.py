"""The villagers' objections answered, and an approval held while a step is open to objection or
an objection waits for its answer.

临河区: "通过 三轮议事、两级审定、全程公开 的运行程序，对组内重大事项进行民主协商议定" —
全程公开: each step before the villagers for its window, their objections answered in the open,
and only then the next level's approval. The window is the points notices' own
(ZHENGXING_OBJECTION_DAYS, `ledger.services.postings`), and like theirs an answer is posted
once, beside the objection, never changed (`ledger.services.objections.objection_answer`).

carol is the secretary of 甲一村's branch and cathy its committee member; bob is 甲镇's
township committee, dave 乙镇's; erin a member (conftest.py, zhengxing/testing.py).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import NOT_CONFIRMED
from zhengxing.deliberation import services
from zhengxing.deliberation.models import Decision, Matter, Notice, Objection
from zhengxing.testing import Cast, client_for

from .conftest import NOW, Five, after_window, approve, as_, three_rounds


def object_to(
    matter: Matter, text: str = "发包底价偏低", key: str = "objection-key-1"
) -> Objection:
    """A villager objects to the matter's latest posted step, within its window."""
    notice = matter.notices.order_by("-posted_at", "-pk").first()
    assert notice is not None
    at = Actor(user=None, label="anonymous", now=notice.posted_at, anonymous=True)
    return services.objection_submit(
        actor=at,
        matter=matter,
        notice=notice,
        text=text,
        contact_name="刘村民",
        contact="13811112222",
        idempotency_key=key,
    )


def test_an_approval_waits_while_the_third_rounds_window_is_open(cast: Cast, five: Five) -> None:
    """The village approves only once the third round's notice has had its week."""
    three_rounds(five, cast.carol)  # posted at NOW: open to objection until 2026-09-08
    decisions = Decision.objects.count()
    for day in (NOW, NOW + dt.timedelta(days=7)):
        with pytest.raises(ServiceError, match="公示期未满：该步骤公示至2026-09-08") as held:
            services.matter_decide(
                actor=as_(cast.carol, day), matter=five.matter, level="village", approve=True
            )
        assert held.value.code == "conflict"
    assert Decision.objects.count() == decisions
    five.matter.refresh_from_db()
    assert five.matter.stage == "village"
    services.matter_decide(
        actor=as_(cast.carol, NOW + dt.timedelta(days=8)),
        matter=five.matter,
        level="village",
        approve=True,
    )
    five.matter.refresh_from_db()
    assert five.matter.stage == "township"


def test_the_township_waits_for_the_villages_decision_window(cast: Cast, five: Five) -> None:
    three_rounds(five, cast.carol)
    approve(cast.carol, five.matter, "village")
    village = Notice.objects.get(matter=five.matter, step="decision")
    the_day_it_closes = dt.datetime.combine(
        village.objections_until, dt.time(18), tzinfo=NOW.tzinfo
    )
    with pytest.raises(ServiceError, match="公示期未满"):
        services.matter_decide(
            actor=as_(cast.bob, the_day_it_closes),
            matter=five.matter,
            level="township",
            approve=True,
        )
    approve(cast.bob, five.matter, "township")
    five.matter.refresh_from_db()
    assert five.matter.stage == "approved"


def test_an_unanswered_objection_holds_the_approval_until_it_is_answered(
    cast: Cast, five: Five
) -> None:
    three_rounds(five, cast.carol)
    objection = object_to(five.matter)
    later = as_(cast.carol, after_window(five.matter))
    with pytest.raises(ServiceError, match="有未答复的异议（1条）"):
        services.matter_decide(actor=later, matter=five.matter, level="village", approve=True)
    assert not Decision.objects.exists()
    services.objection_answer(
        actor=as_(cast.cathy, later.now), objection=objection, answer="底价参照周边组均价确定"
    )
    services.matter_decide(actor=later, matter=five.matter, level="village", approve=True)
    assert Decision.objects.get().approved


def test_returning_a_matter_is_never_held(cast: Cast, five: Five) -> None:
    """An objection may well ask for the matter to be deliberated again: a return goes at once."""
    three_rounds(five, cast.carol)
    object_to(five.matter)
    services.matter_decide(
        actor=as_(cast.carol), matter=five.matter, level="village", approve=False, reason="再议"
    )
    five.matter.refresh_from_db()
    assert (five.matter.stage, five.matter.cycle) == ("deliberating", 2)


def test_the_village_or_the_township_answers_once_as_which_level(cast: Cast, five: Five) -> None:
    first = object_to(five.matter, "应先公示底价", "objection-key-1")
    second = object_to(five.matter, "承包期太长", "objection-key-2")
    answered = services.objection_answer(
        actor=as_(cast.cathy), objection=first, answer="底价将在第一轮议事后公示"
    )
    assert (answered.answered_as, answered.answered_by, answered.answered_at) == (
        "village", cast.cathy, NOW,
    )  # fmt: skip
    by_township = services.objection_answer(
        actor=as_(cast.bob), objection=second, answer="承包期按县里规定不超过五年"
    )
    assert by_township.answered_as == "township"
    event = AuditEvent.objects.get(action="deliberation.objection.answer", object_id=first.pk)
    assert event.summary.startswith("村党组织答复对“二组机动地承包方案”的异议")
    with pytest.raises(ServiceError, match="已答复并公示，不能修改答复") as again:
        services.objection_answer(actor=as_(cast.carol), objection=first, answer="改一下")
    assert again.value.code == "conflict"
    first.refresh_from_db()
    assert first.answer == "底价将在第一轮议事后公示"


def test_who_may_not_answer_and_an_empty_answer(cast: Cast, five: Five) -> None:
    objection = object_to(five.matter)
    for user in (cast.dave, cast.erin, five.hank):  # another township, a member, the group head
        with pytest.raises(PermissionDenied):
            services.objection_answer(actor=as_(user), objection=objection, answer="答复")
    with pytest.raises(ServiceError, match="答复内容"):
        services.objection_answer(actor=as_(cast.carol), objection=objection, answer="  ")
    objection.refresh_from_db()
    assert objection.answered_at is None and objection.answer == ""
    assert not AuditEvent.objects.filter(action="deliberation.objection.answer").exists()


def test_the_page_asks_to_confirm_and_the_public_page_shows_the_answer(
    cast: Cast, five: Five
) -> None:
    objection = object_to(five.matter)
    carol = client_for(cast.carol)
    page = carol.get(reverse("deliberation:matter", args=[five.matter.pk])).text
    answer_url = reverse("deliberation:objection_answer", args=[objection.pk])
    assert answer_url in page and f'id="confirm-answer-{objection.pk}"' in page
    # not the matter's village nor its township: no form, and the answer refused
    dave = client_for(cast.dave)
    body = {f"o{objection.pk}-answer": "答复", "confirm": "yes"}
    assert dave.post(answer_url, body).status_code == 404
    # posted for good: the panel's second button (confirm=yes) is required
    text = {f"o{objection.pk}-answer": "底价参照周边组均价确定"}
    unconfirmed = carol.post(answer_url, text, HTTP_HX_REQUEST="true")
    assert NOT_CONFIRMED in unconfirmed.text
    objection.refresh_from_db()
    assert objection.answered_at is None
    swapped = carol.post(answer_url, {**text, "confirm": "yes"}, HTTP_HX_REQUEST="true")
    assert swapped.status_code == 200
    assert swapped.text.lstrip().startswith(f'<li class="objection" id="objection-{objection.pk}"')
    assert "底价参照周边组均价确定" in swapped.text and "confirm-answer" not in swapped.text
    again = carol.post(answer_url, {f"o{objection.pk}-answer": "改一下", "confirm": "yes"})
    assert again.status_code == 302
    assert "不能修改答复" in carol.get(again["Location"]).text
    public = Client().get(reverse("public_deliberation:matter", args=[five.matter.ref])).text
    assert "发包底价偏低" in public and "底价参照周边组均价确定" in public
    assert "村党组织" in public and "2026-09-01" in public
    assert "刘村民" not in public and "13811112222" not in public


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_answers_and_the_public_api_shows_it(cast: Cast, five: Five) -> None:
    objection = object_to(five.matter)
    url = f"/api/v1/deliberation/objections/{objection.pk}/answer"
    assert _post(client_for(cast.dave), url, {"answer": "答复"}).status_code == 404
    done = _post(client_for(cast.bob), url, {"answer": "承包期按规定确定"})
    assert done.status_code == 200, done.content
    assert (done.json()["answered_as"], done.json()["step"]) == ("township", 1)
    again = _post(client_for(cast.bob), url, {"answer": "改一下"})
    assert again.status_code == 400 and again.json()["code"] == "conflict"
    seen = Client().get(f"/api/v1/deliberation/public/matters/{five.matter.ref}").json()
    assert seen["objections"] == [
        {
            "step": 1,
            "text": "发包底价偏低",
            "submitted_at": seen["objections"][0]["submitted_at"],
            "answer": "承包期按规定确定",
            "answered_as": "township",
            "answered_at": seen["objections"][0]["answered_at"],
        }
    ]
    assert "contact_name" not in seen["objections"][0]
