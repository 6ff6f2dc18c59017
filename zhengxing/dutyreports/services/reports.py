"""A unit secretary's report of the year on their Party-building duty: text and files (the
ledger's evidence files, uploaded by the secretary). Only the unit's own secretary submits;
again and again while the round is being set up (each submission replaces the text, and files
may be added), frozen once the meeting opens.

"党建第一责任人述职评议" (article 004): the first responsible person for Party building
reports on it, and is reviewed."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.ledger.models import EvidenceFile

from ..models import Report, ReportFile, ReviewRound, ReviewUnit
from ..rules import State
from ..selectors import secretary_of
from ._common import record

MAX_FILES = 10
TEXT_LIMIT = 20000


@transaction.atomic
def report_submit(
    *,
    actor: Actor,
    unit: ReviewUnit,
    text: str,
    files: Sequence[EvidenceFile] = (),
) -> Report:
    """Submit (or submit again) the unit's report. The round's row lock orders this against
    the meeting's opening: a report submitted after it is refused, never half-counted."""
    require(actor.user is not None and secretary_of(actor.user, unit.org))
    assert actor.user is not None
    rnd = ReviewRound.objects.select_for_update().get(pk=unit.round_id)
    if rnd.state != State.SETUP:
        raise ServiceError("评议会已经开始，述职报告不能再提交或修改", code="conflict")
    text = clean_text(text, label="述职报告", limit=TEXT_LIMIT)
    if any(f.uploaded_by_id != actor.user.pk for f in files):
        raise ServiceError("附件须是本人上传的文件")
    report = Report.objects.filter(unit=unit).first()
    if (report.files.count() if report else 0) + len(files) > MAX_FILES:
        raise ServiceError(f"每份述职报告最多{MAX_FILES}个附件")
    if report is None:
        report = Report.objects.create(
            county_id=unit.county_id,
            round=rnd,
            unit=unit,
            text=text,
            submitted_by=actor.user,
            submitted_at=actor.now,
        )
    else:
        report.text = text
        report.submitted_by = actor.user
        report.submitted_at = actor.now
        report.revision += 1
        report.save(update_fields=["text", "submitted_by", "submitted_at", "revision"])
    ReportFile.objects.bulk_create(
        [
            ReportFile(
                county_id=report.county_id,
                report=report,
                evidence=f,
                name=f.path.rsplit("/", 1)[-1][:100],
            )
            for f in files
        ],
        ignore_conflicts=True,
    )
    record(
        actor,
        "report.submit",
        report,
        f"{unit.org.name}述职报告（第{report.revision}次提交）",
        round_id=rnd.pk,
        revision=report.revision,
        files=[f.pk for f in files],
        length=len(text),
    )
    return report
