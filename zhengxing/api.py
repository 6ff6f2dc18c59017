"""The REST API root: /api/v1/, OpenAPI schema at /api/v1/openapi.json.

Scripts authenticate with a bearer token from POST /api/v1/auth/token; the browser uses its
session (with CSRF). Every router calls the same services and selectors as the pages.

Errors, everywhere, are `{"detail": message, "code": code}`: the message is Chinese, for the
person; the code is a short English word that stays the same when the wording changes
(`zhengxing.core.errors.ErrorCode`), for the program, which branches on it:
  400  the rules refuse the request (ServiceError: its code, "invalid" unless a more precise
       one fits: "duplicate", "conflict", "quarter_closed", "round_closed"), or a member's
       fields are invalid (RowInvalid, "invalid": `errors` then lists each `{field, message}`)
  401  no valid token or session ("unauthenticated")
  403  the object is visible but the role may not do this (PermissionDenied), or CSRF failed
       ("out_of_scope"), or a sensitive action needs the password again (POST
       /api/v1/auth/reauth; "reauth_required")
  404  the object does not exist or lies outside the user's scope: the two look the same
       ("not_found")
  422  the request does not match the schema (ninja's own body: `detail` lists each error's
       `loc`, `type` and `msg`, the message in Chinese; "invalid")
  429  too many failed logins, or too many of the public's writes from one address (Retry-After;
       "throttled")
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, Throttled, ValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

from zhengxing.accounts.api import router as auth_router
from zhengxing.accounts.auth import api_auth
from zhengxing.accounts.reauth import REAUTH_NEEDED
from zhengxing.contests.api import router as contests_router
from zhengxing.core.errors import ErrorCode, ServiceError
from zhengxing.core.validation import errors_in_chinese
from zhengxing.deliberation.api import router as deliberation_router
from zhengxing.dutyreports.api import router as dutyreports_router
from zhengxing.grid.api import router as grid_router
from zhengxing.integrity.api import router as integrity_router
from zhengxing.jobs.api import router as jobs_router
from zhengxing.ledger.api import router as ledger_router
from zhengxing.ledger.api_public import router as ledger_public_router
from zhengxing.ledger.api_reports import router as ledger_reports_router
from zhengxing.mobility.api import router as mobility_router
from zhengxing.mobility.api_life import router as mobility_life_router
from zhengxing.orglife.api import router as orglife_router
from zhengxing.orglife.api_appraisal import router as orglife_appraisal_router
from zhengxing.orglife.api_chances import router as orglife_chances_router
from zhengxing.orglife.api_commitments import router as orglife_commitments_router
from zhengxing.orglife.api_learning import router as orglife_learning_router
from zhengxing.orglife.api_meetings import router as orglife_meetings_router
from zhengxing.orglife.api_shop import router as orglife_shop_router
from zhengxing.orgs.api import router as orgs_router
from zhengxing.orgs.roster import RowInvalid
from zhengxing.stars.api import router as stars_router
from zhengxing.stars.api_rectify import router as stars_rectify_router
from zhengxing.stars.api_rounds import router as stars_rounds_router
from zhengxing.stars.api_standards import router as stars_standards_router
from zhengxing.targets.api import router as targets_router
from zhengxing.targets.sheets import router as targets_sheets_router


class ObjectParser(Parser):
    """Every body of this API is a JSON object: anything else (a list, a number) is refused as
    not matching the schema, instead of being read as an object with no fields."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("a JSON object expected")
        return data


api = NinjaAPI(
    title="争星 Zhengxing API",
    version="1",
    urls_namespace="api-1",
    auth=api_auth,
    parser=ObjectParser(),
)
api.add_router("/auth", auth_router)
api.add_router("/", orgs_router)
api.add_router("/", jobs_router)
api.add_router("/points", ledger_router)
api.add_router("/points", ledger_public_router)
api.add_router("/points", ledger_reports_router)
api.add_router("/stars", stars_router)
api.add_router("/stars", stars_rounds_router)
api.add_router("/stars", stars_standards_router)
api.add_router("/stars", stars_rectify_router)
api.add_router("/life", orglife_router)
api.add_router("/mobile", mobility_router)
api.add_router("/mobile", mobility_life_router)
api.add_router("/grid", grid_router)
api.add_router("/deliberation", deliberation_router)
api.add_router("/contests", contests_router)
api.add_router("/dutyreports", dutyreports_router)
api.add_router("/integrity", integrity_router)
api.add_router("/life", orglife_meetings_router)
api.add_router("/life", orglife_learning_router)
api.add_router("/life", orglife_commitments_router)
api.add_router("/life", orglife_chances_router)
api.add_router("/life", orglife_appraisal_router)
api.add_router("/life/shop", orglife_shop_router)
api.add_router("/targets", targets_router)
api.add_router("/targets", targets_sheets_router)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's errors as they are, except a body that is not a JSON object: that is a request
    not matching the schema like any other, so a 422 in the same shape."""
    if exc.status_code == 400 and isinstance(exc.__cause__, Exception):
        error = {"loc": ["body"], "msg": "请求内容应为JSON对象", "type": "json_invalid"}
        return api.create_response(request, {"detail": [error], "code": "invalid"}, status=422)
    if isinstance(exc, Throttled):
        body = {"detail": "提交过于频繁，请稍后再试", "code": "throttled"}
        return api.create_response(request, body, status=429)
    code: ErrorCode = HTTP_CODES.get(exc.status_code, "invalid")
    if str(exc) == REAUTH_NEEDED:
        code = "reauth_required"
    return api.create_response(request, {"detail": str(exc), "code": code}, status=exc.status_code)


HTTP_CODES: dict[int, ErrorCode] = {
    401: "unauthenticated",
    403: "out_of_scope",
    404: "not_found",
    429: "throttled",
}


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Ninja's 422 in ninja's shape (`detail` lists each error's `loc`, `type` and `msg`), each
    `msg` in Chinese, with the code every error carries."""
    body = {"detail": errors_in_chinese(exc.errors), "code": "invalid"}
    return api.create_response(request, body, status=422)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "code": exc.code}, status=400)


@api.exception_handler(RowInvalid)
def row_invalid(request: HttpRequest, exc: RowInvalid) -> HttpResponse:
    errors = [{"field": field, "message": message} for field, message in exc.errors]
    body = {"detail": str(exc), "code": "invalid", "errors": errors}
    return api.create_response(request, body, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    body = {"detail": "无权操作该对象", "code": "out_of_scope"}
    return api.create_response(request, body, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "未找到该对象", "code": "not_found"}, status=404)
