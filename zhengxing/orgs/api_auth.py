"""Authentication for the API: a bearer token, or the browser's session with CSRF."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from .models import ApiToken
from .services import token_hash


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = timezone.now()
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=token_hash(token), expires_at__gt=now, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row  # type: ignore[attr-defined]  # for `recent_auth_api`
        return row.user


class SessionAuth(APIKeyCookie):
    """Django's session; unsafe methods need the CSRF token like any form post."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there is nothing to forge: answer 401, not a CSRF 403.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            return request.user
        return None


api_auth = [TokenAuth(), SessionAuth()]
