"""`zhengxing synth --members N --seed S`: a synthetic county for load tests (`orgs/synth.py`)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhengxing.audit.services import Actor
from zhengxing.orgs.services import ServiceError
from zhengxing.orgs.synth import county_synth


class Command(BaseCommand):
    help = "Create a synthetic county of N members (valid, unique ID numbers) for load tests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, required=True, help="how many members")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same county")
        parser.add_argument("--county-code", default="SYNTH", help="default SYNTH")
        parser.add_argument("--county-name", default="合成旗", help="default 合成旗")
        parser.add_argument("--region", default="150824", help="region code of the ID numbers")

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        try:
            result = county_synth(
                actor=Actor.system("synth"),
                members=options["members"],
                seed=options["seed"],
                today=timezone.localdate(),
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
