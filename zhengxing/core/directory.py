"""What the floors below the domain must know of a user, supplied by the domain at start-up.

`audit` and `accounts` sit below the domain apps and import none of them, yet two of their
decisions depend on where a user stands in the organisation: in which county a login, a token or
a refused request is recorded, and whether the user's role needs a second factor. The app that
keeps the roles (`orgs`) says how to answer both by calling `register` in its AppConfig.ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured


class Directory(Protocol):
    def county_of(self, user: Any) -> int | None:
        """The county a user's events are recorded in (the first where they hold a role), or
        None for one who holds none."""

    def holds_any_role(self, user: Any, roles: frozenset[str]) -> bool:
        """Whether the user holds one of these roles anywhere (or may do everything)."""


@dataclass
class _Registry:
    directory: Directory | None = None


_registry = _Registry()


def register(directory: Directory) -> None:
    _registry.directory = directory


def directory() -> Directory:
    if _registry.directory is None:
        raise ImproperlyConfigured("no directory of users registered (zhengxing.orgs installed?)")
    return _registry.directory


def county_of(user: Any) -> int | None:
    return directory().county_of(user) if user is not None else None


def county_of_username(username: str) -> int | None:
    """The county of the user with this username, if there is one (a made-up name has none)."""
    user = get_user_model().objects.filter(username=username).first() if username else None
    return county_of(user)
