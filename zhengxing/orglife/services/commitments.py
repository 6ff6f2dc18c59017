"""三亮 commitments, written (003 Gaotai, 亮承诺): "党员根据自身实际，围绕理论学习、产业调整、纠纷
调解、帮贫助困、文明新风和环境保护等方面作出公开承诺，承诺内容要有针对性、可操作性。承诺内容经
党支部审定、党员大会公开后，在党务公开栏向党员群众公示，广泛接受监督。党支部定期通报党员履诺
践诺的情况，并对其作出评价，将评价结果运用于民主评议党员当中。"

A member proposes (one per field and year; a returned one is revised and proposed again); the
branch committee approves it — then it is on the public board — or returns it with a reason; the
member reports progress; the committee reviews it each half-year with a score of 0-100."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Member
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.selectors import scope_for_actor

from ..models import (
    Commitment,
    CommitmentField,
    CommitmentProgress,
    CommitmentReview,
    CommitmentStatus,
)

# A promise shorter than this is not specific enough to be checked ("要有针对性、可操作性").
MIN_PROMISE = 10


def _snapshot(c: Commitment) -> dict[str, object]:
    return {
        "member_id": c.member_id,
        "year": c.year,
        "field": c.field,
        "promise": c.promise,
        "measure": c.measure,
        "status": c.status,
        "return_reason": c.return_reason,
    }


@transaction.atomic
def commitment_propose(
    *, actor: Actor, member: Member, field: str, promise: str, measure: str, year: int | None = None
) -> Commitment:
    """The member's own promise for the year in one of the article's fields, specific (at
    least MIN_PROMISE characters) and checkable (how it can be checked is required). A returned
    one in the same field is revised and waits for the branch again; an approved one stays.
    The branch committee may type in a promise a member handed in on paper."""
    scope = scope_for_actor(actor)
    require(member.pk == scope.member_id or scope.can_manage_member(member))
    if member.status in (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED):
        raise ServiceError("已不在党员名册中，不能作出承诺")
    if field not in CommitmentField.values:
        raise ServiceError(
            "请从理论学习、产业调整、纠纷调解、帮贫助困、文明新风、环境保护中选择承诺方面"
        )
    promise = clean_text(promise, label="承诺内容", limit=500)
    if len(promise) < MIN_PROMISE:
        raise ServiceError(
            f"承诺内容要具体，可以检查（至少{MIN_PROMISE}个字），如“今年调解邻里纠纷3起”"
        )
    measure = clean_text(measure, label="怎样检验", limit=300)
    year = year or timezone.localdate(actor.now).year
    label = CommitmentField(field).label
    existing = (
        Commitment.objects.select_for_update().filter(member=member, year=year, field=field).first()
    )
    if existing is not None and existing.status != CommitmentStatus.RETURNED:
        raise ServiceError(f"你{year}年已有“{label}”方面的承诺", code="duplicate")
    before = _snapshot(existing) if existing else None
    try:
        with transaction.atomic():
            commitment, _created = Commitment.objects.update_or_create(
                member=member,
                year=year,
                field=field,
                defaults={
                    "county_id": member.county_id,
                    "branch_id": member.branch_id,
                    "promise": promise,
                    "measure": measure,
                    "status": CommitmentStatus.PROPOSED,
                    "proposed_at": actor.now,
                    "decided_at": None,
                    "decided_by": None,
                    "return_reason": "",
                },
            )
    except IntegrityError:  # the same promise sent twice at once
        raise ServiceError(f"你{year}年已有“{label}”方面的承诺", code="duplicate") from None
    audit_record(
        actor=actor,
        action="orglife.commitment.propose",
        object_type="commitment",
        object_id=commitment.pk,
        county_id=commitment.county_id,
        summary=f"{member.name}作出{year}年“{label}”承诺：{promise[:60]}",
        before=before,
        after=_snapshot(commitment),
    )
    return commitment


@transaction.atomic
def commitment_decide(
    *, actor: Actor, commitment: Commitment, approve: bool, reason: str = ""
) -> Commitment:
    """The branch committee approves a proposed commitment (it goes on the public board) or
    returns it to the member with a reason."""
    require(scope_for_actor(actor).can_manage_org(commitment.branch))
    reason = clean_text(reason, label="退回理由", limit=300, required=not approve)
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if locked.status != CommitmentStatus.PROPOSED:
        raise ServiceError("该承诺已审定，请刷新页面", code="conflict")
    before = _snapshot(locked)
    locked.status = CommitmentStatus.APPROVED if approve else CommitmentStatus.RETURNED
    locked.return_reason = "" if approve else reason
    locked.decided_at, locked.decided_by = actor.now, actor.user
    locked.save(update_fields=["status", "return_reason", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action="orglife.commitment.approve" if approve else "orglife.commitment.return",
        object_type="commitment",
        object_id=locked.pk,
        county_id=locked.county_id,
        summary=("审定通过并公示" if approve else f"退回：{reason}") + f"（{locked.promise[:40]}）",
        before=before,
        after=_snapshot(locked),
    )
    return locked


@transaction.atomic
def commitment_progress_report(
    *, actor: Actor, commitment: Commitment, text: str, reported_on: dt.date | None = None
) -> CommitmentProgress:
    """The member reports what they did to keep an approved promise (履诺践诺); the committee
    may record what a member without a phone tells them."""
    scope = scope_for_actor(actor)
    require(commitment.member_id == scope.member_id or scope.can_manage_org(commitment.branch))
    commitment = Commitment.objects.get(pk=commitment.pk)  # its status as it is now
    if commitment.status != CommitmentStatus.APPROVED:
        raise ServiceError("承诺经支部审定后才能报告进展")
    text = clean_text(text, label="进展情况", limit=1000)
    today = timezone.localdate(actor.now)
    reported_on = reported_on or today
    if reported_on > today or reported_on.year != commitment.year:
        raise ServiceError(f"进展日期须在{commitment.year}年内，且不晚于今天")
    progress = CommitmentProgress.objects.create(
        commitment=commitment,
        county_id=commitment.county_id,
        reported_on=reported_on,
        text=text,
        created_at=actor.now,
    )
    audit_record(
        actor=actor,
        action="orglife.commitment.progress",
        object_type="commitment",
        object_id=commitment.pk,
        county_id=commitment.county_id,
        summary=f"承诺进展：{text[:60]}",
        after={"reported_on": reported_on.isoformat(), "text": text},
    )
    return progress


@transaction.atomic
def commitment_review(
    *, actor: Actor, commitment: Commitment, half: int, score: int, comment: str = ""
) -> CommitmentReview:
    """The branch's half-yearly evaluation of an approved promise: 0-100 and a comment. Given
    again for the same half, it replaces the first (with both in the audit log). The second
    half is reviewed only once it has begun."""
    require(scope_for_actor(actor).can_manage_org(commitment.branch))
    commitment = Commitment.objects.get(pk=commitment.pk)  # its status as it is now
    if commitment.status != CommitmentStatus.APPROVED:
        raise ServiceError("只能评价经支部审定的承诺")
    if half not in (1, 2):
        raise ServiceError("请选择上半年或下半年")
    if not isinstance(score, int) or not 0 <= score <= 100:
        raise ServiceError("评价分须在0到100之间")
    comment = clean_text(comment, label="评语", limit=300, required=False)
    today = timezone.localdate(actor.now)
    if (commitment.year, half) > (today.year, 1 if today.month <= 6 else 2):
        raise ServiceError("这半年还没有开始，不能评价")
    existing = (
        CommitmentReview.objects.select_for_update()
        .filter(commitment=commitment, half=half)
        .first()
    )
    before = {"score": existing.score, "comment": existing.comment} if existing else None
    review, _created = CommitmentReview.objects.update_or_create(
        commitment=commitment,
        half=half,
        defaults={
            "county_id": commitment.county_id,
            "score": score,
            "comment": comment,
            "reviewed_at": actor.now,
            "reviewed_by": actor.user,
        },
    )
    audit_record(
        actor=actor,
        action="orglife.commitment.review",
        object_type="commitment",
        object_id=commitment.pk,
        county_id=commitment.county_id,
        summary=f"{commitment.year}年{'上' if half == 1 else '下'}半年履诺评价：{score}分",
        before=before,
        after={"half": half, "score": score, "comment": comment},
    )
    return review
