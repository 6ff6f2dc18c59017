"""The unit's target ledger (目标工作台账): progress with evidence, daily assessment (日常考评)
by the unit's superior (on-site assessment, 现场考评, in `test_visits.py`), deductions with
their source (003 Gaotai: "扣去该党支部本年度党建责任书相应分数").
"建立目标工作台账，采取日常考评和现场考评相结合的方式" (004)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.targets.models import TargetCatalogue, TargetEntry
from zhengxing.targets.selectors import submissions_to_assess
from zhengxing.targets.services import (
    target_deduction_record,
    target_progress_submit,
    target_submission_assess,
)
from zhengxing.testing import Cast

from .conftest import D, as_, key, snapshot, tom, vera


def submit(people: Cast, code: str = "K1.1", **more: Any) -> TargetEntry:
    fields = {"text": "6月28日召开党员大会", "evidence": "evidence/2026/06/a.jpg", **more}
    return target_progress_submit(
        actor=as_(vera()), unit=people.village_a1, code=code, idempotency_key=key(), **fields
    )


def test_the_units_staff_record_progress_with_its_evidence_once_per_tap(
    targets: TargetCatalogue, people: Cast
) -> None:
    tap = key()
    first = target_progress_submit(
        actor=as_(vera()), unit=people.village_a1, code="K1.2", text="讲党课6次", value=6,
        idempotency_key=tap,
    )  # fmt: skip
    again = target_progress_submit(
        actor=as_(vera()), unit=people.village_a1, code="K1.2", text="讲党课6次", value=6,
        idempotency_key=tap,
    )  # fmt: skip
    assert again.pk == first.pk and first.seq == 1 and first.value == D(6)
    assert AuditEvent.objects.filter(action="targets.progress.submit").count() == 1


def test_evidence_missing_where_the_target_requires_it_is_refused(
    targets: TargetCatalogue, people: Cast
) -> None:
    before = snapshot()
    with pytest.raises(ServiceError, match="须附证明材料"):
        submit(people, evidence="")
    with pytest.raises(ServiceError, match="请填写完成数"):
        submit(people, code="K1.2", evidence="")  # a count needs its number
    with pytest.raises(ServiceError, match="没有目标“K9”"):
        submit(people, code="K9")
    assert snapshot() == before


def test_only_the_units_staff_record_its_progress(targets: TargetCatalogue, people: Cast) -> None:
    with pytest.raises(PermissionDenied):
        target_progress_submit(
            actor=as_(people.carol), unit=people.village_a1, code="K2.1", text="x",
            idempotency_key=key(),
        )  # fmt: skip


def test_the_superior_scores_a_submission_within_the_targets_points_once(
    targets: TargetCatalogue, people: Cast
) -> None:
    submission = submit(people)
    assert list(submissions_to_assess(people.bob, 2026)) == [submission]
    before = snapshot()
    with pytest.raises(ServiceError, match="得分须在0到10分之间"):
        target_submission_assess(actor=as_(people.bob), submission=submission, points="10.5")
    assert snapshot() == before
    scored = target_submission_assess(actor=as_(people.bob), submission=submission, points=9)
    assert (scored.kind, scored.points, scored.assessor) == ("daily", D(9), people.bob)
    assert list(submissions_to_assess(people.bob, 2026)) == []
    with pytest.raises(ServiceError, match="已经考评过了") as twice:
        target_submission_assess(actor=as_(people.alice), submission=submission, points=10)
    assert twice.value.code == "conflict"


def test_an_assessor_scoring_a_unit_they_belong_to_is_refused(
    targets: TargetCatalogue, people: Cast
) -> None:
    progress = target_progress_submit(
        actor=as_(tom()), unit=people.town_a, code="K1.1", text="已召开",
        evidence="evidence/b.jpg", idempotency_key=key(),
    )  # fmt: skip
    before = snapshot()
    with pytest.raises(ServiceError, match="不能给自己所在的单位评分"):
        target_submission_assess(actor=as_(people.bob), submission=progress, points=5)
    with pytest.raises(ServiceError, match="不能给自己所在的单位评分"):  # the unit's own secretary
        target_submission_assess(actor=as_(tom()), submission=progress, points=5)
    assert snapshot() == before
    assert target_submission_assess(actor=as_(people.alice), submission=progress, points=5)


def test_an_assessor_outside_the_unit_is_refused(targets: TargetCatalogue, people: Cast) -> None:
    submission = submit(people)
    before = snapshot()
    with pytest.raises(ServiceError, match="不在你的考评范围内") as refused:
        target_submission_assess(actor=as_(people.dave), submission=submission, points=5)
    assert refused.value.code == "out_of_scope"
    assert snapshot() == before


def test_a_deduction_under_the_gaotai_rule_is_an_entry_with_its_source_and_reason(
    targets: TargetCatalogue, people: Cast
) -> None:
    before = snapshot()
    with pytest.raises(ServiceError, match="请填写扣分理由"):
        target_deduction_record(
            actor=as_(people.bob), unit=people.village_a1, points=3, source="faked", reason=""
        )
    with pytest.raises(ServiceError, match="不能给自己所在的单位评分"):
        target_deduction_record(
            actor=as_(people.bob), unit=people.town_a, points=3, source="late", reason="迟报"
        )
    assert snapshot() == before
    entry = target_deduction_record(
        actor=as_(people.bob), unit=people.village_a1, points=3, source="faked",
        reason="党员评议结果弄虚作假",
    )  # fmt: skip
    assert (entry.kind, entry.points, entry.source, entry.code) == ("deduction", D(-3), "faked", "")
    with pytest.raises(TypeError):
        entry.delete()
