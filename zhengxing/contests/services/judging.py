"""The expert judges' scores: each on the organiser's rubric, independently, final once given.

6月12日至7月1日进行的评比表彰环节，将邀请专业评委，结合投票结果 (article 001)
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require

from ..models import Entry, Judge, Score
from ..rules import Phase, check_marks
from .contests import is_entrant


@transaction.atomic
def score_submit(*, actor: Actor, entry: Entry, marks: Mapping[str, object]) -> Score:
    """A judge's marks of an entry, item by item on the contest's rubric, in the judging phase.
    A judge who is an entrant of the entry (its secretary, or holding a role at the
    organisation entered) is refused; a score once given is final (no judge changes theirs
    after seeing the others'); nothing is written on any refusal.

    将邀请专业评委，结合投票结果，按照“民意测评+工作表现+综合评价”等方式统筹进行评比
    (article 001)"""
    contest = entry.contest
    require(actor.user is not None)
    judge = Judge.objects.filter(contest=contest, user=actor.user).first()
    require(judge is not None)
    assert judge is not None and actor.user is not None
    if contest.phase(timezone.localdate(actor.now)) != Phase.JUDGING:
        raise ServiceError("现在不是专家评审阶段", code="conflict")
    if is_entrant(actor.user, entry):
        raise ServiceError("评委不能为本人（或本单位）参赛的作品打分，请回避")
    values = check_marks(contest.rubric_items, marks)
    total = sum(values.values())
    try:
        with transaction.atomic():
            score = Score.objects.create(
                county_id=contest.county_id,
                entry=entry,
                judge=judge,
                marks={k: str(v) for k, v in values.items()},
                total=total,
                scored_at=actor.now,
            )
    except IntegrityError:
        raise ServiceError("您已经为这个作品打过分，评分提交后不能修改", code="conflict") from None
    audit_record(
        actor=actor,
        action="contests.score.submit",
        object_type="entry",
        object_id=entry.pk,
        county_id=contest.county_id,
        summary=f"{contest.title}：评委为“{entry.title}”打分 {total}",
        after={"score_id": score.pk, "marks": score.marks, "total": str(total)},
    )
    return score
