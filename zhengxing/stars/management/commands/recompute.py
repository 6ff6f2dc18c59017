"""`zhengxing recompute --county CODE --year YYYY [--period H1|H2|Y|Q1..Q4]`: every rating of a
county's year under its current schemes, in set-based queries; deterministic and idempotent."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from zhengxing.orgs.commands import county_named
from zhengxing.stars.compute import recompute
from zhengxing.stars.compute_sql import PERIOD_QUARTERS
from zhengxing.stars.models import StarScheme
from zhengxing.stars.tallies import tallies_problems


class Command(BaseCommand):
    help = "Recompute the star ratings of a county's year (finalised ratings are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", required=True, metavar="CODE")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--period", choices=sorted(PERIOD_QUARTERS), help="default: each")
        parser.add_argument(
            "--check-tallies",
            action="store_true",
            help="first check every ballot tally of the year against its ballots",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        county = county_named(options["county"])
        year = options["year"]
        if not StarScheme.objects.filter(county=county, year=year, is_current=True).exists():
            raise CommandError(f"{county.name}{year}年还没有星级方案")
        if options["check_tallies"]:
            problems = tallies_problems(county_id=county.pk, year=year)
            for problem in problems[:20]:
                self.stderr.write(problem)
            if problems:
                raise CommandError(f"{len(problems)}项评议汇总与选票不符，未重新计算")
            self.stdout.write("ballot tallies agree with the ballots")
        start = time.perf_counter()
        with tqdm(desc="recompute", unit="rating set", disable=options["verbosity"] < 1) as bar:
            results = recompute(
                county_id=county.pk,
                year=year,
                period=options["period"],
                now=timezone.now(),
                on_done=lambda _: bar.update(1),
            )
        for r in results:
            self.stdout.write(
                f"{county.code} {year} {r.period}: {r.subject} {r.written} ratings written"
            )
        self.stdout.write(f"done in {time.perf_counter() - start:.1f} s")
