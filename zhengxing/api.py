"""The REST API root: /api/v1/, OpenAPI schema at /api/v1/openapi.json.

Scripts authenticate with a bearer token from POST /api/v1/auth/token; the browser uses its
session (with CSRF). Every router calls the same services and selectors as the pages.

Errors, everywhere, are `{"detail": message}`:
  400  the rules refuse the request (ServiceError), or a member's fields are invalid
       (RowInvalid: `errors` then lists each `{field, message}`)
  401  no valid token or session
  403  the object is visible but the role may not do this (PermissionDenied), or CSRF failed,
       or a sensitive action needs the password again (POST /api/v1/auth/reauth)
  404  the object does not exist or lies outside the user's scope: the two look the same
  422  the request does not match the schema (ninja's own body: `detail` is a list)
  429  too many failed logins, or too many of the public's writes from one address (Retry-After)
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, Throttled
from ninja.parser import Parser
from ninja.types import DictStrAny

from zhengxing.core.errors import ServiceError
from zhengxing.ledger.api import router as ledger_router
from zhengxing.ledger.api_reports import router as ledger_reports_router
from zhengxing.orgs.api import auth_router
from zhengxing.orgs.api import router as orgs_router
from zhengxing.orgs.api_auth import api_auth
from zhengxing.orgs.roster import RowInvalid
from zhengxing.stars.api import router as stars_router
from zhengxing.stars.api_rectify import router as stars_rectify_router
from zhengxing.stars.api_rounds import router as stars_rounds_router
from zhengxing.stars.api_standards import router as stars_standards_router


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
api.add_router("/points", ledger_router)
api.add_router("/points", ledger_reports_router)
api.add_router("/stars", stars_router)
api.add_router("/stars", stars_rounds_router)
api.add_router("/stars", stars_standards_router)
api.add_router("/stars", stars_rectify_router)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's errors as they are, except a body that is not a JSON object: that is a request
    not matching the schema like any other, so a 422 in the same shape."""
    if exc.status_code == 400 and isinstance(exc.__cause__, Exception):
        error = {"loc": ["body"], "msg": "请求内容应为JSON对象", "type": "json_invalid"}
        return api.create_response(request, {"detail": [error]}, status=422)
    if isinstance(exc, Throttled):
        return api.create_response(request, {"detail": "提交过于频繁，请稍后再试"}, status=429)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(RowInvalid)
def row_invalid(request: HttpRequest, exc: RowInvalid) -> HttpResponse:
    errors = [{"field": field, "message": message} for field, message in exc.errors]
    return api.create_response(request, {"detail": str(exc), "errors": errors}, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "无权操作该对象"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "未找到该对象"}, status=404)
