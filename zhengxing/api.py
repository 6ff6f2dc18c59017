"""The REST API root: /api/v1/, OpenAPI schema at /api/v1/openapi.json.

Scripts authenticate with a bearer token from POST /api/v1/auth/token; the browser uses its
session (with CSRF). Every router calls the same services and selectors as the pages.
"""

from ninja import NinjaAPI

from zhengxing.orgs.api import auth_router, router as orgs_router
from zhengxing.orgs.api_auth import api_auth

api = NinjaAPI(
    title="争星 Zhengxing API",
    version="1",
    urls_namespace="api-1",
    auth=api_auth,
)
api.add_router("/auth", auth_router)
api.add_router("/", orgs_router)
