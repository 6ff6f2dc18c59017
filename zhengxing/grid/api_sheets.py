"""REST endpoints of the households' Excel, under /api/v1/grid/sheets/households: the download
in the import's layout (phones in full: the password again first, logged) and the import,
started as a background job like the roster's — the same services and checks as the page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from zhengxing.accounts.reauth import require_recent_api
from zhengxing.core.actor import Actor
from zhengxing.core.schemas import Id, responses
from zhengxing.jobs.api import JobOut, job_out
from zhengxing.orgs.selectors import org_for_user

from .jobs import households_import_start
from .sheets import households_export

router = Router(tags=["grid"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class OrgIn(Schema):
    org_id: Id


@router.get(
    "/sheets/households",
    response=responses(None, 403, 404),
    openapi_extra={
        "responses": {200: {"description": "The workbook", "content": {XLSX: {"schema": {}}}}}
    },
)
def households_download(request: HttpRequest, where: Query[OrgIn]) -> Any:
    """The households of the grids under `org_id` with their residents, in the import's layout
    (an export is a valid import), phones in full: for the township and the county over it,
    with the password entered in the last few minutes (POST /api/v1/auth/reauth); logged."""
    org = org_for_user(request.user, where.org_id)
    require_recent_api(request)
    data = households_export(actor=Actor.from_request(request), org=org)
    response = HttpResponse(data, content_type=XLSX)
    name = quote(f"住户表-{org.name}.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    response["Cache-Control"] = "no-store"
    return response


@router.post("/sheets/households/import", response=responses(JobOut, 400, 403, 404, status=202))
def households_import(
    request: HttpRequest, where: Query[OrgIn], file: File[UploadedFile]
) -> tuple[int, JobOut]:
    """Import a households' workbook (multipart/form-data, field `file`) into the grids under
    `org_id`, as a background job: poll GET /api/v1/jobs/{id}; every row valid and all are
    written, else `result.problems` lists each (sheet, row, column, message) and nothing is.
    One import at a time per county (another queued or running: 400, code `conflict`)."""
    org = org_for_user(request.user, where.org_id)
    job = households_import_start(actor=Actor.from_request(request), org=org, upload=file)
    return 202, job_out(job)
