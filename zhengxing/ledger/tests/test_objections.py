"""Objections to a posted notice (异议): anyone, within the window, with a contact that is kept
encrypted and never shown; the committee answers, and the answer is posted too.

Recall the cast (zhengxing/testing.py): carol is secretary and cathy a committee member of
A1B; dave runs township B; erin is a member of A1B. The notice is posted on 30 June 2026, so
objections are open until 7 July."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.core import pii
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import NOT_CONFIRMED
from zhengxing.ledger.models import Objection, Posting, RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import objection_answer, objection_submit, quarter_sign_off
from zhengxing.testing import Cast

from .conftest import NOW, SHANGHAI, after, as_, key

XSS = "<script>alert(1)</script>"


@pytest.fixture
def posting(cast: Cast, rules: RuleCatalogue) -> Posting:
    close = quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 2))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 2),
    )
    return close.posting


def objection(posting: Posting, *, on: dt.datetime = NOW, idempotency_key: str = "", **kw):  # type: ignore[no-untyped-def]
    return objection_submit(
        actor=as_(None, now=on),
        posting=posting,
        text=kw.get("text", "王甲本季度并未参加清扫积雪"),
        contact_name=kw.get("contact_name", "张三"),
        contact=kw.get("contact", "13912345678"),
        member=kw.get("member"),
        idempotency_key=idempotency_key or key(),
    )


def test_anyone_may_object_within_the_window_and_the_contact_is_kept_encrypted(
    cast: Cast, posting: Posting
) -> None:
    last_day = dt.datetime(2026, 7, 7, 23, 0, tzinfo=SHANGHAI)
    o = objection(posting, on=last_day, member=cast.member_a1)
    assert o.status == Objection.Status.OPEN and o.member == cast.member_a1
    assert "13912345678" not in o.contact_enc
    assert pii.decrypt(o.contact_enc) == "13912345678"
    event = AuditEvent.objects.get(action="ledger.objection.submit")
    assert "13912345678" not in str(event.after) and event.actor is None


def test_an_objection_after_the_window_is_refused_and_nothing_is_written(
    posting: Posting,
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as refused:
        objection(posting, on=dt.datetime(2026, 7, 9, 8, 0, tzinfo=SHANGHAI))
    assert str(refused.value) == "异议期已过"
    assert not Objection.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_objection_needs_a_contact(posting: Posting) -> None:
    with pytest.raises(ServiceError) as refused:
        objection(posting, contact="  ")
    assert str(refused.value) == "请填写联系方式"
    assert not Objection.objects.exists()


def test_an_objection_is_length_limited(posting: Posting) -> None:
    with pytest.raises(ServiceError) as refused:
        objection(posting, text="长" * 1001)
    assert str(refused.value) == "异议内容不能超过1000个字"


def test_an_objection_about_someone_not_on_the_notice_is_refused(
    cast: Cast, posting: Posting
) -> None:
    with pytest.raises(ServiceError):
        objection(posting, member=cast.member_b1)


def test_submitting_the_same_objection_twice_makes_one(posting: Posting) -> None:
    first = objection(posting, idempotency_key="tap-1")
    second = objection(posting, idempotency_key="tap-1")
    assert first.pk == second.pk
    assert Objection.objects.count() == 1
    assert AuditEvent.objects.filter(action="ledger.objection.submit").count() == 1


def test_the_committee_answers_and_the_answer_is_audited_and_final(
    cast: Cast, posting: Posting
) -> None:
    o = objection(posting)
    answered = objection_answer(
        actor=as_(cast.cathy), objection=o, answer="经核实，王甲6月1日参加了清扫。"
    )
    assert answered.status == Objection.Status.ANSWERED and answered.answered_by == cast.cathy
    event = AuditEvent.objects.get(action="ledger.objection.answer")
    assert event.before is not None and event.after is not None
    assert event.before["status"] == "open" and event.after["status"] == "answered"
    with pytest.raises(ServiceError):
        objection_answer(actor=as_(cast.carol), objection=o, answer="改答复")


def test_only_those_who_manage_the_branch_answer(cast: Cast, posting: Posting) -> None:
    o = objection(posting)
    for outsider in (cast.dave, cast.erin, cast.gina):
        with pytest.raises(PermissionDenied):
            objection_answer(actor=as_(outsider), objection=o, answer="不是我管的")
    assert Objection.objects.get(pk=o.pk).status == Objection.Status.OPEN


# --- on the public page -------------------------------------------------------------------


def notice(posting: Posting) -> str:
    return reverse("public:notice", args=[posting.slug])


@pytest.mark.usefixtures("on_30_june")
def test_an_objection_from_the_page_is_listed_awaiting_an_answer_without_its_contact(
    posting: Posting,
) -> None:
    client = Client()
    form = client.get(notice(posting)).context["form"]
    data = {
        "line": "",
        "text": "公示有误",
        "contact_name": "张三",
        "contact": "13912345678",
        "idempotency_key": form.initial["idempotency_key"],
    }
    response = client.post(notice(posting), data, follow=True)
    assert response.status_code == 200
    client.post(notice(posting), data)  # a double tap
    assert Objection.objects.count() == 1
    html = client.get(notice(posting)).content.decode()
    assert "公示有误" in html and "待答复" in html  # "Awaiting an answer"
    assert "13912345678" not in html and "张三" not in html


@pytest.mark.usefixtures("on_30_june")
def test_the_answer_appears_on_the_public_notice(cast: Cast, posting: Posting) -> None:
    o = objection(posting)
    signed_in = Client()
    signed_in.force_login(cast.cathy)
    response = signed_in.post(
        reverse("ledger:objection_answer", args=[o.pk]),
        {f"o{o.pk}-answer": "经核实，公示无误。"},
        HTTP_HX_REQUEST="true",
    )
    # Posted for good: the panel's second button (confirm=yes) is required.
    assert NOT_CONFIRMED in response.content.decode()
    o.refresh_from_db()
    assert o.status == Objection.Status.OPEN and not o.answer
    assert "经核实，公示无误。" not in Client().get(notice(posting)).content.decode()
    response = signed_in.post(
        reverse("ledger:objection_answer", args=[o.pk]),
        {f"o{o.pk}-answer": "经核实，公示无误。", "confirm": "yes"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = Client().get(notice(posting)).content.decode()
    assert "经核实，公示无误。" in html


def test_after_the_window_the_page_offers_no_form_and_refuses_a_post(
    posting: Posting, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = dt.datetime(2026, 7, 9, 9, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    client = Client()
    response = client.get(notice(posting))
    assert not response.context["window_open"]
    response = client.post(
        notice(posting), {"text": "晚了", "contact": "139", "idempotency_key": "late-1"}
    )
    assert "异议期已过" in response.content.decode()
    assert not Objection.objects.exists()


@pytest.mark.usefixtures("on_30_june")
def test_user_text_is_escaped_on_the_public_notice(cast: Cast, posting: Posting) -> None:
    o = objection(posting, text=XSS)
    objection_answer(actor=as_(cast.carol), objection=o, answer=XSS + "答")
    html = Client().get(notice(posting)).content.decode()
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
