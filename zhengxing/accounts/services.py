"""API tokens: issued to a user who gave their password (and code), revoked by the holder, and
all of a user's revoked at once when the password changes or the account is disabled."""

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.directory import county_of

from .models import ApiToken


def token_lifetime() -> dt.timedelta:
    """How long a token is good for from its issue: settings.ZHENGXING_TOKEN_HOURS."""
    return dt.timedelta(hours=settings.ZHENGXING_TOKEN_HOURS)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_issue(*, actor: Actor, user: User) -> str:
    token = "zx_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=token_hash(token),
        created_at=actor.now,
        expires_at=actor.now + token_lifetime(),
        reauthed_at=actor.now,
    )
    audit_record(
        actor=actor,
        action="token.issue",
        object_type="user",
        object_id=user.pk,
        county_id=county_of(user),
        summary=user.get_username(),
    )
    return token


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> None:
    """The holder ends this token (their script is done, or the token leaked)."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=actor.now
    )
    if revoked:
        audit_record(
            actor=actor,
            action="token.revoke",
            object_type="user",
            object_id=token.user_id,
            county_id=county_of(token.user),
            summary=f"{token.user.get_username()}的令牌已撤销",
            after={"token_id": token.pk},
        )


@transaction.atomic
def tokens_revoke_all(*, actor: Actor, user: Any, reason: str) -> int:
    """Every live token of the user, at once: at their request, when their password changes,
    when their account is disabled. How many were revoked."""
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=actor.now
    )
    if revoked:
        audit_record(
            actor=actor,
            action="token.revoke_all",
            object_type="user",
            object_id=user.pk,
            county_id=county_of(user),
            summary=f"{user.get_username()}的全部令牌已撤销（{reason}）",
            after={"revoked": revoked, "reason": reason},
        )
    return revoked
