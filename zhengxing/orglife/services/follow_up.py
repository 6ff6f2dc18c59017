"""The follow-up of a 不合格 in democratic appraisal, step by step as the county defined it (the
round keeps the steps it opened with): the Party's rule, 党章第九条, "党的支部应当对他进行教育，要求
他限期改正；经教育仍无转变的，应当劝他退党。……如被劝告退党的党员坚持不退，应当提交支部党员大会
讨论，决定把他除名". Posting the result opens each 不合格's first step with its deadline; the branch
records each step (the date, who, the outcome); "not corrected" opens the next; the township sees
the steps past their deadline (`selectors.appraisal.follow_ups_overdue`). Gaotai's 总评 makes the
appraisal "党员奖惩的重要依据" (003)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.selectors import scope_for_actor

from ..appraisal_rules import CORRECTED, ESCALATE, OUTCOME_LABELS
from ..models import AppraisalResult, AppraisalRound, FollowUpStep


def _step(
    result: AppraisalResult, appraisal: AppraisalRound, order: int, on: dt.date
) -> FollowUpStep:
    name, days = appraisal.steps[order - 1]
    return FollowUpStep(
        result=result, county_id=appraisal.county_id, branch_id=appraisal.branch_id, order=order,
        name=name, opened_on=on, due_on=on + dt.timedelta(days=int(days)),
    )  # fmt: skip


def follow_ups_open(
    *, appraisal: AppraisalRound, results: Sequence[AppraisalResult], now: dt.datetime
) -> list[FollowUpStep]:
    """The first step of each 不合格's follow-up, from the day the result is posted (called by
    `appraisal_post` in its transaction, which writes the audit row)."""
    if not appraisal.steps:
        return []
    on = timezone.localdate(now)
    return FollowUpStep.objects.bulk_create(_step(r, appraisal, 1, on) for r in results)


@transaction.atomic
def follow_up_record(
    *, actor: Actor, step: FollowUpStep, outcome: str, note: str = "", on: dt.date | None = None
) -> FollowUpStep:
    """The branch records a step: when it was done, by whom (the actor), its outcome and a note.
    CORRECTED or CONCLUDED ends the follow-up; ESCALATE opens the next step with its deadline
    (refused on the last: the county's steps end there). Once per step."""
    require(scope_for_actor(actor).can_manage_org(step.branch))
    if outcome not in OUTCOME_LABELS:
        raise ServiceError("请选择处理结果：已改正、转入下一步或已按规定处理完毕")
    note = clean_text(note, label="情况说明", limit=300, required=outcome != CORRECTED)
    today = timezone.localdate(actor.now)
    on = on or today
    locked = (
        FollowUpStep.objects.select_for_update().select_related("result__round").get(pk=step.pk)
    )
    if locked.recorded_on is not None:
        raise ServiceError(f"“{locked.name}”已经登记过，请刷新页面", code="conflict")
    if not locked.opened_on <= on <= today:
        raise ServiceError(f"办理日期须在{locked.opened_on:%Y-%m-%d}到今天之间")
    appraisal = locked.result.round
    last = locked.order >= len(appraisal.steps)
    if outcome == ESCALATE and last:
        raise ServiceError(f"“{locked.name}”已是县里规定的最后一步，请登记处理结果")
    locked.recorded_on, locked.recorded_by = on, actor.user
    locked.outcome, locked.note = outcome, note
    locked.save(update_fields=["recorded_on", "recorded_by", "outcome", "note"])
    following = None
    if outcome == ESCALATE:
        following = _step(locked.result, appraisal, locked.order + 1, on)
        following.save()
    else:
        AppraisalResult.objects.filter(pk=locked.result_id).update(follow_up_done_at=actor.now)
    audit_record(
        actor=actor,
        action="orglife.appraisal.follow_up",
        object_type="appraisal",
        object_id=appraisal.pk,
        county_id=locked.county_id,
        summary=f"不合格党员后续处理：{locked.name}，{OUTCOME_LABELS[outcome]}"
        + (f"；下一步：{following.name}，{following.due_on:%Y-%m-%d}前" if following else ""),
        after={
            "member_id": locked.result.member_id, "step": locked.name, "order": locked.order,
            "on": on.isoformat(), "outcome": outcome, "note": note,
        },
    )  # fmt: skip
    return locked
