"""`zhengxing demo`: the demo county 示范旗 with one login per role (see `ops/demo.py`)."""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengxing.core.errors import ServiceError
from zhengxing.ops.demo import demo_build
from zhengxing.orgs.demo import PASSWORD, SEED, Login


def _width(text: str) -> int:
    """Columns the text takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_table(logins: tuple[Login, ...], password: str) -> str:
    rows = [("username", "role", "where", "password")]
    rows += [(x.username, x.role, x.where, password) for x in logins]
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Build the demo county 示范旗 (DEMO) and print its logins; does nothing if it exists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=SEED, help=f"default {SEED}")

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        quiet = options["verbosity"] < 1
        try:
            result = demo_build(
                seed=options["seed"],
                progress=None if quiet else lambda step: self.stderr.write(f"  … {step}"),
            )
        except ServiceError as e:
            raise CommandError(str(e)) from e
        county = result.county
        if result.created:
            points, stars, life = result.points, result.stars, result.life
            assert points is not None and stars is not None  # a county built just now
            assert life is not None
            self.stdout.write(
                f"Built {county.name} ({county.code}): {result.orgs} organisations, "
                f"{result.members} members, {points.claims} claims, {points.entries} ledger "
                f"entries, {points.postings} notices, {stars.ballots} ballots, "
                f"{stars.ratings} star ratings, {life.meetings} meetings, {life.lessons} lessons, "
                f"in {time.perf_counter() - start:.1f} s."
            )
        else:
            self.stdout.write(
                f"{county.name} ({county.code}) already exists ({result.orgs} organisations, "
                f"{result.members} members); nothing changed."
            )
        self.stdout.write(login_table(result.logins, PASSWORD))
        if settings.ZHENGXING_OTP_ROLES:
            self.stdout.write(second_factor_note(settings.ZHENGXING_OTP_ROLES))


def second_factor_note(roles: tuple[str, ...]) -> str:
    """What a first login of the county or a township asks for, and how a local demo skips it
    (ZHENGXING_OTP_ROLES empty: no role needs the second factor)."""
    return (
        f"The {' and '.join(roles)} logins set up an authenticator app at their first login "
        "(scan the QR code the page shows, or type its key; then its six digits at each login).\n"
        "For a local demo without one: ZHENGXING_OTP_ROLES= make run"
    )
