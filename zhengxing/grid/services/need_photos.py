"""A need's photo after it was raised: the worker attaches one (a broken wall seen on the visit,
the repair once done) or takes a wrong one off, by the page or the API. Checked as the contact
card's photo is (the ledger's evidence check: a JPEG, PNG or WebP of up to 10 MB by its first
bytes) and kept where the ledger keeps its evidence; one photo a need, a new one replacing the
old. Those who work the need's grid, as for moving it; not once the need is closed (the
resident has rated what was done).

兴安盟: "接到村民反映需求，网格员第一时间帮助解决，确保群众满意"。
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.ledger.forms import evidence_discard, evidence_problem, evidence_store
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Need
from ..rules import State
from ..selectors import may_work

CLOSED = "该需求已关闭（群众已评价），不能再更改照片"


def _open_need(actor: Actor, need: Need) -> Need:
    """The need read again under a lock, for those who work its grid, refused once closed."""
    locked = Need.objects.select_for_update().select_related("grid__org").get(pk=need.pk)
    require(may_work(scope_for_actor(actor), locked.grid.org))
    if locked.state == State.CLOSED:
        raise ServiceError(CLOSED, code="conflict")
    return locked


def need_photo_set(*, actor: Actor, need: Need, upload: UploadedFile) -> Need:
    """Attach a photo to the need, replacing the one it had (removed once this is committed).
    The new file is removed again if the need cannot be written."""
    with transaction.atomic():
        need = _open_need(actor, need)
        if (problem := evidence_problem(upload)) is not None:
            raise ServiceError(problem)
        path = evidence_store(upload, today=timezone.localdate(actor.now))
        try:
            old = need.photo
            need.photo = path
            need.save(update_fields=["photo"])
            audit_record(
                actor=actor,
                action="grid.need.photo_add",
                object_type="need",
                object_id=need.pk,
                county_id=need.county_id,
                summary="添加需求照片" + ("（替换原照片）" if old else ""),
                before={"photo": bool(old)},
                after={"photo": True},
            )
        except BaseException:
            evidence_discard(path)
            raise
        transaction.on_commit(lambda: evidence_discard(old))
    return need


@transaction.atomic
def need_photo_remove(*, actor: Actor, need: Need) -> Need:
    """Take the need's photo off (a wrong one, a face that should not be kept); the file goes
    once this is committed."""
    need = _open_need(actor, need)
    if not need.photo:
        raise ServiceError("该需求没有照片", code="not_found")
    old, need.photo = need.photo, ""
    need.save(update_fields=["photo"])
    audit_record(
        actor=actor,
        action="grid.need.photo_remove",
        object_type="need",
        object_id=need.pk,
        county_id=need.county_id,
        summary="删除需求照片",
        before={"photo": True},
        after={"photo": False},
    )
    transaction.on_commit(lambda: evidence_discard(old))
    return need
