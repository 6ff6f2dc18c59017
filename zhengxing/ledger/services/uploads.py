"""Evidence files (photos, PDFs) a signed-in user uploads through the API for a claim to name."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.orgs.selectors import scope_for_actor

from .. import evidence
from ..forms import evidence_storage
from ..models import EvidenceFile
from ._common import _today, refuse


def evidence_upload(
    *, actor: Actor, upload: UploadedFile, county_id: int | None = None
) -> EvidenceFile:
    """Keep a file a signed-in user uploads as evidence (a photo or a PDF, checked by its
    content, at most ZHENGXING_MAX_UPLOAD_MB); its `ref` is what their claim names. It belongs
    to `county_id` (the meeting's, for the minutes' photos), else to the uploader's county (the
    lowest of their roles', as the audit row's); an uploader with none is refused. The file is
    removed again if its record cannot be written."""
    if actor.user is None:
        raise PermissionDenied
    problem = evidence.upload_problem(upload)
    if problem:
        raise refuse(problem)
    counties = scope_for_actor(actor).county_ids()
    county_id = county_id or (min(counties) if counties else None)
    if county_id is None:
        raise refuse("上传证明材料须由旗县内组织或党员的账号进行")
    path, kind = evidence.store(upload, today=_today(actor))
    try:
        with transaction.atomic():
            row = EvidenceFile.objects.create(
                county_id=county_id,
                ref="ev_" + secrets.token_urlsafe(24),
                uploaded_by=actor.user,
                path=path,
                content_type=kind,
                size=upload.size or 0,
                uploaded_at=actor.now,
            )
            audit_record(
                actor=actor,
                action="ledger.evidence.upload",
                object_type="evidence",
                object_id=row.pk,
                county_id=county_id,
                summary=f"上传证明材料（{kind}，{row.size}字节）",
                after={"ref": row.ref, "content_type": kind, "size": row.size},
            )
    except BaseException:
        evidence_storage().delete(path)
        raise
    return row
