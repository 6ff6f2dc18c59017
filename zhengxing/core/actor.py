"""Who is acting, and from where: what every service takes first and every audit row records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from .addresses import client_ip

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    """Who is acting, and from where: a signed-in user, or a command run on the server."""

    user: User | None
    ip: str | None = None
    label: str = ""
    now: dt.datetime = field(default_factory=timezone.now)
    anonymous: bool = False

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user: User | AnonymousUser = request.user
        real_user = user if user.is_authenticated else None
        return cls(
            user=real_user,
            ip=client_ip(request),
            label=real_user.get_username() if real_user else "anonymous",
            anonymous=real_user is None,
        )

    @classmethod
    def system(cls, label: str, user: User | None = None) -> Actor:
        return cls(user=user, label=label if user is None else user.get_username())

    @property
    def is_system(self) -> bool:
        """A command run on the server: acts on everything. Never an anonymous visitor."""
        return self.user is None and not self.anonymous
