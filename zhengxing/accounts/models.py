"""Accounts' own rows: API tokens (the users, passwords and TOTP devices are Django's and
django-otp's)."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A bearer token for scripts. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    # when the password (and code) were last entered for this token: at its issue, and at each
    # POST /api/v1/auth/reauth; sensitive actions need it recent (settings.ZHENGXING_REAUTH_MINUTES)
    reauthed_at = models.DateTimeField(null=True, blank=True)
    # set by `token_revoke` / `tokens_revoke_all` (the holder's request, a password change, a
    # disabled account): a revoked token opens nothing, and its row stays for the record
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "orgs_apitoken"  # made by orgs before accounts had an app of their own

    def __str__(self) -> str:
        return f"token {self.pk} of {self.user_id}"
