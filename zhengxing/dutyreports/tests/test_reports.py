"""The secretary's report: only the unit's secretary, again until the meeting opens, then
frozen; files are their own uploads."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.dutyreports import services
from zhengxing.dutyreports.models import Report
from zhengxing.ledger.models import EvidenceFile
from zhengxing.testing import Cast

from .conftest import NOW, Review, as_


def evidence(cast: Cast, user_id: int, ref: str = "ev_1") -> EvidenceFile:
    return EvidenceFile.objects.create(
        county=cast.county,
        ref=ref,
        uploaded_by_id=user_id,
        path=f"evidence/2026/12/{ref}.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_at=NOW,
    )


def test_the_secretary_submits_and_submits_again_before_the_meeting(
    cast: Cast, review: Review
) -> None:
    first = services.report_submit(
        actor=as_(cast.carol),
        unit=review.unit_a1,
        text="初稿",
        files=[evidence(cast, cast.carol.pk)],
    )
    again = services.report_submit(
        actor=as_(cast.carol),
        unit=review.unit_a1,
        text="定稿",
        files=[evidence(cast, cast.carol.pk, "ev_2")],
    )
    assert again.pk == first.pk
    report = Report.objects.get(pk=first.pk)
    assert (report.text, report.revision, report.files.count()) == ("定稿", 2, 2)
    assert AuditEvent.objects.filter(action="dutyreports.report.submit").count() == 2


@pytest.mark.parametrize("who", ["cathy", "bob", "alice", "vic"])
def test_only_the_units_own_secretary_submits(cast: Cast, review: Review, who: str) -> None:
    """The committee member, the township, the county and another unit's secretary may not."""
    actor = review.vic if who == "vic" else getattr(cast, who)
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=as_(actor), unit=review.unit_a1, text="代写的报告")
    assert not Report.objects.exists()


def test_the_report_is_frozen_once_the_meeting_opens(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    with pytest.raises(ServiceError, match="述职报告不能再提交或修改") as e:
        services.report_submit(actor=as_(cast.carol), unit=review.unit_a1, text="补充")
    assert e.value.code == "conflict"
    assert Report.objects.get(pk=meeting[0].pk).text.startswith("一年来")


def test_a_file_someone_else_uploaded_is_refused(cast: Cast, review: Review) -> None:
    with pytest.raises(ServiceError, match="附件须是本人上传的文件"):
        services.report_submit(
            actor=as_(cast.carol),
            unit=review.unit_a1,
            text="报告",
            files=[evidence(cast, cast.bob.pk)],
        )
    assert not Report.objects.exists()


def test_an_empty_report_is_refused(cast: Cast, review: Review) -> None:
    with pytest.raises(ServiceError, match="请填写述职报告"):
        services.report_submit(actor=as_(cast.carol), unit=review.unit_a1, text="  ")
