"""REST endpoints of a need's photo, under /api/v1/grid/needs/{id}/photo: attach one (replacing
the one it had), fetch it, take it off — the same services and checks as the pages (those who
work the need's grid; not once the need is closed). A need's `photo` in the lists names it."""

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
    need_id: int
    photo: str | None


def photo_url(need_id: int) -> str:
    return f"/api/v1/grid/needs/{need_id}/photo"


@router.post("/needs/{need_id}/photo", response=responses(NeedPhotoOut, 400, 403, 404, status=201))
def need_photo_set(request: HttpRequest, need_id: ObjectId, file: File[UploadedFile]) -> Any:
    """Attach a photo to the need (multipart/form-data, field `file`: a JPEG, PNG or WebP of up
    to 10 MB, known by its first bytes), replacing the one it had; refused once it is closed
    (400, code `conflict`)."""
    need = selectors.need_for_user(request.user, need_id)
    services.need_photo_set(actor=Actor.from_request(request), need=need, upload=file)
    return 201, {"need_id": need.pk, "photo": photo_url(need.pk)}


@router.get(
    "/needs/{need_id}/photo",
    response=responses(None, 404),
    openapi_extra={"responses": {200: {"description": "The photo", "content": PHOTO_CONTENT}}},
)
def need_photo(request: HttpRequest, need_id: ObjectId) -> Any:
    """The need's photo, for those who see its grid; 404 when it has none."""
    return photo_response(selectors.need_for_user(request.user, need_id))


@router.delete("/needs/{need_id}/photo", response=responses(None, 400, 403, 404, status=204))
def need_photo_remove(request: HttpRequest, need_id: ObjectId) -> Any:
    """Take the need's photo off (400, code `not_found`, when it has none)."""
    need = selectors.need_for_user(request.user, need_id)
    services.need_photo_remove(actor=Actor.from_request(request), need=need)
    return 204, None
