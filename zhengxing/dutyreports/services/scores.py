"""A panel member's score of a report at the review meeting, on the round's rubric: given once
(a UNIQUE constraint: a second is refused and nothing written), never for the member's own unit,
hidden from everyone until every panel member who may score the report has (the selectors).
The last score writes the report's result: the mean (two places, half up) and the grade by the
round's thresholds.

"对目标完成情况进行评审，结果实时公示并有效运用" (article 004)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text

from ..models import PanelMember, Report, ReviewRound, Score
from ..rules import GRADE_WORDS, RubricItem, State, check_marks, grade_for, mean_score
from ..selectors import belongs_to
from ._common import record

TWICE = "您已为这份述职报告评过分，评分提交后不能修改"


@transaction.atomic
def score_submit(
    *, actor: Actor, report: Report, marks: Mapping[str, object], comment: str = ""
) -> Score:
    """One panel member's marks of a report, item by item, with their comment. The report's
    row lock orders the panel's scores, so the last one sees all the others and writes the
    result once."""
    require(actor.user is not None)
    assert actor.user is not None
    rnd = ReviewRound.objects.select_related("rubric").get(pk=report.round_id)
    panelist = PanelMember.objects.filter(round=rnd, user=actor.user).first()
    require(panelist is not None)
    assert panelist is not None
    if rnd.state != State.MEETING:
        raise ServiceError("评议会尚未开始或已经结束，不能评分", code="conflict")
    locked = Report.objects.select_for_update().select_related("unit__org").get(pk=report.pk)
    if belongs_to(actor.user.pk, locked.unit.org):
        raise ServiceError(f"您属于{locked.unit.org.name}，不能为本单位的述职评分，请回避")
    assert rnd.rubric is not None
    rubric = [RubricItem(i.name, i.max_points) for i in rnd.rubric.items.all()]
    values = check_marks(rubric, marks)
    comment = clean_text(comment, label="评议意见", limit=500, required=False)
    total = sum(values.values())
    try:
        with transaction.atomic():
            score = Score.objects.create(
                county_id=rnd.county_id,
                report=locked,
                panelist=panelist,
                marks={k: str(v) for k, v in values.items()},
                total=total,
                comment=comment,
                scored_at=actor.now,
            )
    except IntegrityError:
        raise ServiceError(TWICE, code="conflict") from None
    record(
        actor,
        "report.score",
        locked,
        f"{rnd.title}：评议组成员{panelist.name}为{locked.unit.org.name}的述职评分",
        score_id=score.pk,
        marks=score.marks,
        total=str(total),
    )
    totals = list(locked.scores.values_list("total", flat=True))
    if locked.expected is not None and len(totals) >= locked.expected:
        locked.score = mean_score(totals)
        locked.grade = grade_for(locked.score, rnd.thresholds)
        locked.scored_at = actor.now
        locked.save(update_fields=["score", "grade", "scored_at"])
        record(
            actor,
            "report.result",
            locked,
            f"{locked.unit.org.name}述职评议得分{locked.score}（{GRADE_WORDS[locked.grade]}）",
            score=str(locked.score),
            grade=locked.grade,
            scores=len(totals),
        )
    return score
