"""REST endpoints of a need's photos, under /api/v1/grid/needs/{id}/photos: add one (after those
it has, up to MAX_NEED_PHOTOS), fetch one, take one off — the same services and checks as the
pages (those who work the need's grid, or who uploaded the photo, to take it off; not once the
need is closed). A need's `photos` in the lists name them, in order."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import ObjectId, responses

from . import selectors, services
from .views.needs import photo_response

router = Router(tags=["grid"])

PHOTO_CONTENT = {
    kind: {"schema": {"type": "string", "format": "binary"}}
    for kind in ("image/jpeg", "image/png", "image/webp")
}


class NeedPhotoOut(Schema):
    id: int
    need_id: int
    position: int
    url: str


def photo_url(need_id: int, photo_id: int) -> str:
    return f"/api/v1/grid/needs/{need_id}/photos/{photo_id}"


@router.post("/needs/{need_id}/photos", response=responses(NeedPhotoOut, 400, 403, 404, status=201))
def need_photo_add(request: HttpRequest, need_id: ObjectId, file: File[UploadedFile]) -> Any:
    """Add a photo to the need (multipart/form-data, field `file`: a JPEG, PNG or WebP within
    ZHENGXING_MAX_UPLOAD_MB, known by its first bytes), after those it has; refused past
    MAX_NEED_PHOTOS (400) and once it is closed (400, code `conflict`)."""
    need = selectors.need_for_user(request.user, need_id)
    photo = services.need_photo_add(actor=Actor.from_request(request), need=need, upload=file)
    return 201, {
        "id": photo.pk,
        "need_id": need.pk,
        "position": photo.position,
        "url": photo_url(need.pk, photo.pk),
    }


@router.get(
    "/needs/{need_id}/photos/{photo_id}",
    response=responses(None, 404),
    openapi_extra={"responses": {200: {"description": "The photo", "content": PHOTO_CONTENT}}},
)
def need_photo(request: HttpRequest, need_id: ObjectId, photo_id: ObjectId) -> Any:
    """One of the need's photos, for those who see its grid."""
    return photo_response(selectors.need_photo_for_user(request.user, need_id, photo_id))


@router.delete(
    "/needs/{need_id}/photos/{photo_id}", response=responses(None, 400, 403, 404, status=204)
)
def need_photo_remove(request: HttpRequest, need_id: ObjectId, photo_id: ObjectId) -> Any:
    """Take the photo off (its uploader or those who work the grid, while the need is open)."""
    photo = selectors.need_photo_for_user(request.user, need_id, photo_id)
    services.need_photo_remove(actor=Actor.from_request(request), photo=photo)
    return 204, None
