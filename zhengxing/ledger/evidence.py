"""What the API accepts as evidence: a photo (JPEG, PNG, WebP) or a PDF, known by its first bytes
(the name and the declared type are not trusted), of at most settings.ZHENGXING_MAX_UPLOAD_MB.
It is stored where the web form stores its photos (`forms.evidence_storage`), under a name of
our own."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from .forms import _IMAGE_KINDS, EVIDENCE_DIR, evidence_storage, image_kind

KINDS = {**_IMAGE_KINDS, "application/pdf": "pdf"}
# what a client may declare beside the true type (curl without `;type=` says this)
NEUTRAL_TYPES = {"", "application/octet-stream"}


def file_kind(head: bytes) -> str | None:
    """The content type these first bytes begin, among the accepted ones, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return image_kind(head)


def max_bytes() -> int:
    return settings.ZHENGXING_MAX_UPLOAD_MB * 1024 * 1024


def upload_problem(upload: UploadedFile) -> str | None:
    """Why this upload is not acceptable evidence, in Chinese; None when it is."""
    limit = settings.ZHENGXING_MAX_UPLOAD_MB
    if upload.size is None or upload.size > max_bytes():
        return f"文件不能超过{limit}MB"
    if upload.size == 0:
        return "文件是空的"
    upload.seek(0)
    kind = file_kind(upload.read(12))
    upload.seek(0)
    if kind is None:
        return "证明材料须为照片（JPEG、PNG或WebP格式）或PDF文件"
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    if declared not in NEUTRAL_TYPES and declared != kind:
        return f"文件内容与声明的类型（{declared}）不符"
    return None


def photo_problem(upload: UploadedFile, *, label: str = "照片") -> str | None:
    """Why this upload is not a photo (`label` names it: "会议照片", "需求照片"), in Chinese; None
    when it is: within ZHENGXING_MAX_UPLOAD_MB, a JPEG, PNG or WebP image by its first bytes (a
    renamed .exe is not), its declared type (if any) the same. The one check of the photos the
    later practices keep (a meeting's minutes, a resident's need), page and API alike."""
    limit = settings.ZHENGXING_MAX_UPLOAD_MB
    if upload.size is None or upload.size > max_bytes():
        return f"照片不能超过{limit}MB"
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    if image_kind(head) is None:
        return f"{label}须为JPEG、PNG或WebP格式的照片"
    return upload_problem(upload)


def store(upload: UploadedFile, *, today: dt.date) -> tuple[str, str]:
    """Save a checked upload with an unguessable name: (its path, its content type)."""
    upload.seek(0)
    kind = file_kind(upload.read(12))
    upload.seek(0)
    assert kind is not None, "upload_problem() first"
    name = f"{EVIDENCE_DIR}/{today:%Y/%m}/{secrets.token_urlsafe(16)}.{KINDS[kind]}"
    return evidence_storage().save(name, upload), kind
