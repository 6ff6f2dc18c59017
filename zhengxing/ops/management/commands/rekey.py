"""`zhengxing rekey [--batch N] [--dry-run]`: re-encrypt every ID number, phone and contact under
the newest data key (the first of ZHENGXING_DATA_KEY) and recompute the ID numbers' lookup hashes
under ZHENGXING_LOOKUP_KEY. To retire a data key: put the new key first ("NEW,OLD"), run this,
then remove OLD. Safe to run while the application serves, and again after an interruption."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhengxing.core.actor import Actor
from zhengxing.ops.rekey import BATCH, pii_rekey


class Command(BaseCommand):
    help = "Re-encrypt personal data under the newest data key and recompute the lookup hashes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help="rows per transaction")
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would change, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        counts = pii_rekey(
            actor=Actor.system("zhengxing rekey"),
            batch=max(1, options["batch"]),
            dry_run=options["dry_run"],
            progress=self.stdout.write if verbose else None,
        )
        verb = "将重新加密" if options["dry_run"] else "已重新加密"
        for label, n in counts.items():
            self.stdout.write(f"{label}: {verb}{n}条")
