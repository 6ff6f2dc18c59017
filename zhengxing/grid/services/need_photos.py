"""A need's photos: the resident sends several with the need from the contact card's form, the
worker adds more after (a broken wall seen on the visit, the repair once done) or takes a wrong
one off, by the page or the API. Up to `rules.MAX_NEED_PHOTOS` a need. Each is checked by the
one photo check (`ledger.evidence.photo_problem`: a JPEG, PNG or WebP within
ZHENGXING_MAX_UPLOAD_MB by its first bytes) and kept where the ledger keeps its evidence. All
of a batch or none: one bad file of three and nothing is saved, no row and no file. Those who
work the need's grid (and the one who uploaded a photo, to take it off), as for moving it; not
once the need is closed (the resident has rated what was done).

兴安盟: "接到村民反映需求，网格员第一时间帮助解决，确保群众满意"。
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.ledger import evidence
from zhengxing.ledger.forms import evidence_discard
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Need, NeedPhoto
from ..rules import MAX_NEED_PHOTOS, State
from ..selectors import may_work

CLOSED = "该需求已关闭（群众已评价），不能再更改照片"
TOO_MANY = f"每条需求最多保存{MAX_NEED_PHOTOS}张照片"


def photos_problem(uploads: Sequence[UploadedFile], *, kept: int = 0) -> str | None:
    """Why these uploads cannot go with a need that already keeps `kept` photos, in Chinese
    (naming which one when there are several); None when every one is a photo and they fit."""
    if kept + len(uploads) > MAX_NEED_PHOTOS:
        return TOO_MANY
    for n, upload in enumerate(uploads, start=1):
        if (problem := evidence.photo_problem(upload, label="需求照片")) is not None:
            return f"第{n}张：{problem}" if len(uploads) > 1 else problem
    return None


def photos_keep(*, actor: Actor, need: Need, uploads: Sequence[UploadedFile]) -> list[NeedPhoto]:
    """Store checked uploads (`photos_problem` first) and write their rows after the need's
    last photo, in one statement; inside the caller's transaction, holding the need's lock (or
    creating it). A file stored is removed again if anything here fails."""
    if not uploads:
        return []
    last = NeedPhoto.objects.filter(need=need).aggregate(m=Max("position"))["m"] or 0
    today = timezone.localdate(actor.now)
    paths: list[str] = []
    try:
        rows = []
        for n, upload in enumerate(uploads, start=last + 1):
            path, kind = evidence.store(upload, today=today)
            paths.append(path)
            rows.append(
                NeedPhoto(
                    county_id=need.county_id,
                    need=need,
                    path=path,
                    content_type=kind,
                    size=upload.size or 0,
                    uploaded_by=actor.user,
                    uploaded_at=actor.now,
                    position=n,
                )
            )
        return NeedPhoto.objects.bulk_create(rows)
    except BaseException:
        for path in paths:
            evidence_discard(path)
        raise


def _open_need(actor: Actor, need: Need) -> Need:
    """The need read again under a lock, refused once closed."""
    locked = Need.objects.select_for_update().select_related("grid__org").get(pk=need.pk)
    if locked.state == State.CLOSED:
        raise ServiceError(CLOSED, code="conflict")
    return locked


def need_photo_add(*, actor: Actor, need: Need, upload: UploadedFile) -> NeedPhoto:
    """Add a photo to the need, after those it has: by those who work its grid, while it is open
    and keeps fewer than MAX_NEED_PHOTOS."""
    with transaction.atomic():
        need = _open_need(actor, need)
        require(may_work(scope_for_actor(actor), need.grid.org))
        kept = NeedPhoto.objects.filter(need=need).count()
        if (problem := photos_problem([upload], kept=kept)) is not None:
            raise ServiceError(problem)
        (photo,) = photos_keep(actor=actor, need=need, uploads=[upload])
        try:
            audit_record(
                actor=actor,
                action="grid.need.photo_add",
                object_type="need",
                object_id=need.pk,
                county_id=need.county_id,
                summary=f"添加需求照片（第{photo.position}张）",
                after={"photo_id": photo.pk, "position": photo.position, "size": photo.size},
            )
        except BaseException:
            evidence_discard(photo.path)
            raise
    return photo


@transaction.atomic
def need_photo_remove(*, actor: Actor, photo: NeedPhoto) -> None:
    """Take a photo off the need (a wrong one, a face that should not be kept): the one who
    uploaded it or those who work the need's grid, while the need is open; the file goes once
    this is committed."""
    need = _open_need(actor, photo.need)
    mine = actor.user is not None and photo.uploaded_by_id == actor.user.pk
    require(mine or may_work(scope_for_actor(actor), need.grid.org))
    if not NeedPhoto.objects.filter(pk=photo.pk).delete()[0]:
        raise ServiceError("该照片已被删除", code="not_found")
    audit_record(
        actor=actor,
        action="grid.need.photo_remove",
        object_type="need",
        object_id=need.pk,
        county_id=need.county_id,
        summary=f"删除需求照片（第{photo.position}张）",
        before={"photo_id": photo.pk, "position": photo.position},
    )
    path = photo.path
    transaction.on_commit(lambda: evidence_discard(path))
