"""Objections to a posted notice: anyone may object within the window, leaving a contact kept
encrypted; the branch committee answers once, beside the objection on the notice."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from zhengxing.audit.services import audit_record
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Objection, Posting
from ..rules import Quarter
from ._common import _key, _name, _today


def objection_snapshot(objection: Objection) -> dict[str, Any]:
    """What the audit log keeps of an objection: never the contact."""
    return {
        "posting_id": objection.posting_id,
        "member_id": objection.member_id,
        "text": objection.text,
        "contact_name": objection.contact_name,
        "status": objection.status,
        "answer": objection.answer,
    }


@transaction.atomic
def objection_submit(
    *,
    actor: Actor,
    posting: Posting,
    text: str,
    contact_name: str,
    contact: str,
    member: Member | None = None,
    idempotency_key: str,
) -> Objection:
    """Anyone (no login needed) objects to a posted notice within its window, leaving a
    contact so the committee can reach them; the contact is kept encrypted and never posted.
    Submitting the same form twice (same key) returns the first objection."""
    key = _key(idempotency_key)
    existing = Objection.objects.filter(posting=posting, idempotency_key=key).first()
    if existing is not None:
        return existing
    if _today(actor) > posting.objections_until:
        raise ServiceError("异议期已过")
    text = clean_text(text, label="异议内容", limit=1000)
    contact_name = _name(contact_name)
    contact = clean_text(contact, label="联系方式", limit=100)
    if member is not None and member.pk not in {line["member_id"] for line in posting.lines}:
        raise ServiceError(f"“{member.name}”不在本次公示的名单中")
    objection = Objection(
        county_id=posting.county_id,
        posting=posting,
        member=member,
        text=text,
        contact_name=contact_name,
        contact_enc=pii.encrypt(contact),
        submitted_at=actor.now,
        idempotency_key=key,
    )
    try:
        with transaction.atomic():
            objection.save()
    except IntegrityError:
        # the other tap won the race: it is the one objection
        return Objection.objects.get(posting=posting, idempotency_key=key)
    audit_record(
        actor=actor,
        action="ledger.objection.submit",
        object_type="objection",
        object_id=objection.pk,
        county_id=posting.county_id,
        summary=f"对{Quarter(posting.year, posting.quarter).label}积分公示的异议：{text[:100]}",
        after=objection_snapshot(objection),
    )
    return objection


@transaction.atomic
def objection_answer(*, actor: Actor, objection: Objection, answer: str) -> Objection:
    """The branch committee answers an objection; the answer is posted beside it on the
    notice. An answer, once posted, is not changed."""
    posting = Posting.objects.get(pk=objection.posting_id)
    branch = Org.objects.get(pk=posting.branch_id)
    require(scope_for_actor(actor).can_manage_org(branch))
    answer = clean_text(answer, label="答复内容", limit=2000)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status == Objection.Status.ANSWERED:
        raise ServiceError("该异议已答复并公示，不能修改答复")
    before = objection_snapshot(objection)
    objection.status = Objection.Status.ANSWERED
    objection.answer = answer
    objection.answered_at, objection.answered_by = actor.now, actor.user
    objection.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    audit_record(
        actor=actor,
        action="ledger.objection.answer",
        object_type="objection",
        object_id=objection.pk,
        county_id=objection.county_id,
        summary=f"答复异议：{answer[:100]}",
        before=before,
        after=objection_snapshot(objection),
    )
    return objection


@transaction.atomic
def objection_contact_reveal(*, actor: Actor, objection: Objection) -> str:
    """The objector's contact in full, for the committee that answers (to call back, as the
    form promised); every reveal is logged. The public never sees it.

    003: "在黨務公開欄向黨員群眾公示,廣泛接受監督" — supervision that is answered: whoever
    objects is called back by the committee, and nobody else learns who objected."""
    posting = Posting.objects.get(pk=objection.posting_id)
    branch = Org.objects.get(pk=posting.branch_id)
    require(scope_for_actor(actor).can_manage_org(branch))
    audit_record(
        actor=actor,
        action="ledger.objection.contact_reveal",
        object_type="objection",
        object_id=objection.pk,
        county_id=objection.county_id,
        summary=f"查看异议人联系方式（{posting.year}年第{posting.quarter}季度公示）",
    )
    return pii.decrypt(objection.contact_enc)
