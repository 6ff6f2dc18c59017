"""`zhengxing synth --members N --seed S [--entries K --years 2024-2026] [--ballots B]`: a
synthetic county for load tests (`orgs/synth.py`), with points ledgers of about K entries per
member and year (`ledger/synth.py`) and about B evaluation ballots per member (`stars/synth.py`)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.synth import ledger_synth
from zhengxing.ops.synth import settle_after_bulk_load
from zhengxing.orgs.models import County
from zhengxing.orgs.synth import county_synth
from zhengxing.stars.synth import ballots_synth


class Command(BaseCommand):
    help = "Create a synthetic county of N members (valid, unique ID numbers) for load tests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, required=True, help="how many members")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same county")
        parser.add_argument("--county-code", default="SYNTH", help="default SYNTH")
        parser.add_argument("--county-name", default="合成旗", help="default 合成旗")
        parser.add_argument("--region", default="150824", help="region code of the ID numbers")
        parser.add_argument(
            "--entries",
            type=int,
            default=0,
            help="points ledger entries per member and year (default 0: no ledgers)",
        )
        parser.add_argument(
            "--ballots",
            type=int,
            default=0,
            help="evaluation ballots per member in the last year (two peer rounds, a public one)",
        )
        parser.add_argument(
            "--years",
            default="",
            help="the ledgers' years, e.g. 2026 or 2024-2026 (default: this year)",
        )

    def _years(self, text: str, today: dt.date) -> list[int]:
        if not text:
            return [today.year]
        first, _, last = text.partition("-")
        try:
            years = list(range(int(first), int(last or first) + 1))
        except ValueError:
            raise CommandError(f"--years: “{text}” is not a year or a range of years") from None
        if not years or not all(2000 <= y <= today.year for y in years):
            raise CommandError(f"--years: “{text}” must lie between 2000 and {today.year}")
        return years

    def handle(self, *args: Any, **options: Any) -> None:
        self._synth(options)
        settle_after_bulk_load()

    def _synth(self, options: dict[str, Any]) -> None:
        start = time.perf_counter()
        today = timezone.localdate()
        years = self._years(options["years"], today)
        actor = Actor.system("synth")
        try:
            result = county_synth(
                actor=actor,
                members=options["members"],
                seed=options["seed"],
                today=today,
                county_code=options["county_code"],
                county_name=options["county_name"],
                region=options["region"],
                progress=options["verbosity"] >= 1,
            )
        except ServiceError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            f"{result.county_code}: {result.townships} townships, {result.villages} villages, "
            f"{result.branches} branches, {result.groups} Party groups, {result.members} "
            f"members, in {time.perf_counter() - start:.1f} s."
        )
        county = County.objects.get(code=result.county_code)
        if options["ballots"] > 0:
            peers = max(1, round(options["ballots"] * 0.4))
            public = max(0, options["ballots"] - 2 * peers)
            start = time.perf_counter()
            try:
                made = ballots_synth(
                    actor=actor,
                    county=county,
                    year=years[-1],
                    peers=peers,
                    public=public,
                    seed=options["seed"],
                    progress=options["verbosity"] >= 1,
                )
            except ServiceError as e:
                raise CommandError(str(e)) from e
            self.stdout.write(
                f"{result.county_code}: {made.rounds} evaluation rounds, {made.ballots} ballots, "
                f"in {time.perf_counter() - start:.1f} s."
            )
        if options["entries"] < 1:
            return
        start = time.perf_counter()
        try:
            ledgers = ledger_synth(
                actor=actor,
                county=county,
                years=years,
                per_member=options["entries"],
                seed=options["seed"],
                today=today,
                progress=options["verbosity"] >= 1,
            )
        except ServiceError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            f"{result.county_code}: ledgers of {ledgers.branches} branches, {ledgers.entries} "
            f"entries, {ledgers.closes} quarters signed, in {time.perf_counter() - start:.1f} s."
        )
