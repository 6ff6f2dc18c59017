"""What the `zhengxing` commands share about where they act and as whom: a county named by its
code and the actor a command runs as (the server, or a user named with `--as`), each refused
with a Chinese CommandError when there is no such county or user."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from zhengxing.core.actor import Actor

from .models import County


def county_argument(parser: CommandParser, *, required: bool = True) -> None:
    parser.add_argument("--county", required=required, metavar="CODE", help="the county's code")


def county_named(code: str) -> County:
    county = County.objects.filter(code=code).first()
    if county is None:
        raise CommandError(f"没有代码为“{code}”的旗县区")
    return county


def acting_as(command: str, username: str | None) -> Actor:
    """The server running `command`, on behalf of the user named (`--as`), if one is."""
    if not username:
        return Actor.system(command)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"没有用户“{username}”")
    return Actor.system(command, user=user)
