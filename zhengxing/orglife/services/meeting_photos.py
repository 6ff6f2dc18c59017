"""Photos with a meeting's minutes: the secretary takes them on the phone and attaches them
while the minutes are open; once the minutes are closed the record is what it is, and no photo
comes or goes. The files are the ledger's evidence files (`ledger.services.evidence_upload`:
checked by their first bytes, at most ZHENGXING_MAX_UPLOAD_MB, under MEDIA_ROOT with a name of
our own), photos only (no PDF).

"持续规范“三会一课”制度" (000: Bayannur): a meeting held is a meeting on record, its minutes and
its photos together."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.ledger import evidence
from zhengxing.ledger.forms import evidence_storage
from zhengxing.ledger.services import evidence_upload

from ..models import Meeting, MeetingPhoto
from .meetings import may_run_meeting

# How many photos one meeting's minutes keep: enough for the room, the blackboard and the sheet.
MAX_PHOTOS = 20
CLOSED = "会议记录已经结束，不能再添加或删除照片"
PHOTO_KINDS = "会议照片须为JPEG、PNG或WebP格式的照片"


def photo_problem(upload: UploadedFile) -> str | None:
    """Why this upload is not a photo the minutes can keep (`ledger.evidence.photo_problem`, the
    one check: the page and the API both reach it through `meeting_photo_add`)."""
    return evidence.photo_problem(upload, label="会议照片")


def _open_meeting(meeting: Meeting) -> Meeting:
    """The meeting read again under a lock (the close waits for it), refused if closed."""
    locked = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    if locked.is_closed:
        raise ServiceError(CLOSED, code="conflict")
    return locked


def meeting_photo_add(*, actor: Actor, meeting: Meeting, upload: UploadedFile) -> MeetingPhoto:
    """Attach a photo to the meeting's minutes: its secretary and committee (and those above),
    while the minutes are open, up to MAX_PHOTOS a meeting. The file is removed again if the
    photo's row cannot be written."""
    require(may_run_meeting(actor=actor, branch=meeting.branch))
    with transaction.atomic():
        meeting = _open_meeting(meeting)
        if (problem := photo_problem(upload)) is not None:
            raise ServiceError(problem)
        if MeetingPhoto.objects.filter(meeting=meeting).count() >= MAX_PHOTOS:
            raise ServiceError(f"每次会议最多保存{MAX_PHOTOS}张照片")
        stored = evidence_upload(actor=actor, upload=upload, county_id=meeting.county_id)
        try:
            photo = MeetingPhoto.objects.create(
                county_id=meeting.county_id,
                meeting=meeting,
                file=stored,
                added_by=actor.user,
                added_at=actor.now,
            )
            audit_record(
                actor=actor,
                action="orglife.meeting.photo_add",
                object_type="meeting",
                object_id=meeting.pk,
                county_id=meeting.county_id,
                summary=f"{meeting.get_kind_display()}（{meeting.held_on.isoformat()}）添加照片",
                after={"photo_id": photo.pk, "ref": stored.ref, "size": stored.size},
            )
        except BaseException:
            evidence_storage().delete(stored.path)
            raise
    return photo


def meeting_photo_remove(*, actor: Actor, photo: MeetingPhoto) -> None:
    """Take a photo off the minutes while they are open (a blurred one, the wrong meeting); the
    file goes once the removal is committed."""
    meeting = photo.meeting
    require(may_run_meeting(actor=actor, branch=meeting.branch))
    with transaction.atomic():
        meeting = _open_meeting(meeting)
        stored = photo.file
        path = stored.path
        MeetingPhoto.objects.filter(pk=photo.pk).delete()
        stored.delete()
        audit_record(
            actor=actor,
            action="orglife.meeting.photo_remove",
            object_type="meeting",
            object_id=meeting.pk,
            county_id=meeting.county_id,
            summary=f"{meeting.get_kind_display()}（{meeting.held_on.isoformat()}）删除照片",
            before={"photo_id": photo.pk, "ref": stored.ref},
        )
        transaction.on_commit(lambda: evidence_storage().delete(path))
