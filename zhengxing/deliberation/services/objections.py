"""Objections to a posted step: any villager, no login, within the step's window, leaving a
contact kept encrypted; the township sees them beside the matter. The village Party
organisation or the township answers each once, posted beside it on the public page.

临河区: "通过 三轮议事、两级审定、全程公开 的运行程序" — 全程公开: every step before the
villagers, and their word heard."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Matter, Notice, Objection
from ..rules import LEVEL_WORDS
from ..selectors import answers_as
from ._common import person_name, record, today_of

KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
ANSWER_MAX = 2000


@transaction.atomic
def objection_submit(
    *,
    actor: Actor,
    matter: Matter,
    notice: Notice,
    text: str,
    contact_name: str,
    contact: str,
    idempotency_key: str,
) -> Objection:
    """A villager objects to a posted step of the matter within its window. The same form sent
    twice (same key) is one objection."""
    if notice.matter_id != matter.pk:
        raise ServiceError("没有找到这一公示", code="not_found")
    if not KEY.match(idempotency_key or ""):
        raise ServiceError("请刷新页面后重新提交")
    existing = Objection.objects.filter(notice=notice, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if today_of(actor) > notice.objections_until:
        raise ServiceError(f"异议期已过（截至{notice.objections_until}）")
    text = clean_text(text, label="异议内容", limit=1000)
    contact_name = person_name(contact_name)
    contact = clean_text(contact, label="联系方式", limit=100)
    objection = Objection(
        county_id=matter.county_id,
        notice=notice,
        matter=matter,
        text=text,
        contact_name=contact_name,
        contact_enc=pii.encrypt(contact),
        submitted_at=actor.now,
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            objection.save()
    except IntegrityError:
        return Objection.objects.get(notice=notice, idempotency_key=idempotency_key)
    record(
        actor,
        "objection.submit",
        objection,
        f"对“{matter.title}”的异议：{text[:100]}",
        matter_id=matter.pk,
        notice_id=notice.pk,
    )
    return objection


@transaction.atomic
def objection_answer(*, actor: Actor, objection: Objection, answer: str) -> Objection:
    """The village Party organisation (its secretary or committee) or the township answers a
    villager's objection: the answer, who and when, as which level, posted beside the objection
    on the matter's public page. Once posted it is not changed; until every objection to a
    matter is answered, no level approves it (`rules.approval_hold`).

    临河区: "三轮议事、两级审定、全程公开" — 全程公开: the villagers' word answered in the open."""
    level = answers_as(scope_for_actor(actor), objection.matter.group)
    require(level is not None)
    answer = clean_text(answer, label="答复内容", limit=ANSWER_MAX)
    objection = Objection.objects.select_for_update().select_related("matter").get(pk=objection.pk)
    if objection.answered_at is not None:
        raise ServiceError("该异议已答复并公示，不能修改答复", code="conflict")
    assert level is not None
    objection.answer, objection.answered_as = answer, level
    objection.answered_at, objection.answered_by = actor.now, actor.user
    objection.save(update_fields=["answer", "answered_as", "answered_at", "answered_by"])
    record(
        actor,
        "objection.answer",
        objection,
        f"{LEVEL_WORDS[level]}答复对“{objection.matter.title}”的异议：{answer[:100]}",
        matter_id=objection.matter_id,
        level=level,
        answer=answer,
    )
    return objection
