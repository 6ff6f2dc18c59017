"""`zhengxing integrity-scan --county CODE [--since DATE] [--until DATE]`: run every registered
detector (rating rings, outlier raters, identical ballots, all-or-nothing raters; claims) over
the county's rows of the window — by default from 1 January of this year to today — and store
each new finding as a flag for the township. A finding stored before is left as it is."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.integrity.flags import findings_scan
from zhengxing.orgs.commands import county_named


class Command(BaseCommand):
    help = "Run the integrity detectors over a county and store new findings as flags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", metavar="CODE", required=True)
        parser.add_argument("--since", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
        parser.add_argument("--until", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        county = county_named(options["county"])
        today = timezone.localdate()
        until = options["until"] or today
        since = options["since"] or until.replace(month=1, day=1)
        try:
            scanned = findings_scan(
                actor=Actor.system("integrity-scan"), county=county, since=since, until=until
            )
        except ServiceError as e:
            raise CommandError(str(e)) from e
        kinds = "，".join(f"{kind} {n}" for kind, n in sorted(scanned.by_kind.items()))
        self.stdout.write(
            f"{county.name}（{since}至{until}）：发现{scanned.found}项，新记{scanned.new}项"
            + (f"（{kinds}）" if kinds else "")
        )
