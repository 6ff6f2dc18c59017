"""Authentication for the API: a bearer token, or the browser's session with CSRF."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from .models import ApiToken
from .services import token_hash


class TokenAuth(HttpBearer):
    """A live token: not expired (settings.ZHENGXING_TOKEN_HOURS from its issue), not revoked,
    of an active account, and used within settings.ZHENGXING_IDLE_MINUTES like a session (its
    last use is written at most once a minute)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = timezone.now()
        row = (
            ApiToken.objects.select_related("user")
            .filter(
                key_hash=token_hash(token),
                expires_at__gt=now,
                revoked_at__isnull=True,
                user__is_active=True,
            )
            .first()
        )
        if row is None:
            return None
        seen = row.last_used_at or row.created_at
        idle = (now - seen).total_seconds()
        if idle > settings.ZHENGXING_IDLE_MINUTES * 60:
            return None
        if idle >= 60:
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
