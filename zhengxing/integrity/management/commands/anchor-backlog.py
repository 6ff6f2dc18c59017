"""`zhengxing anchor-backlog --county CODE`: append to the county's tree every signed quarter
that is not in it yet (signed before the tree existed, or written by `zhengxing synth`), in the
order they were signed, under one new signed head. Idempotent: a second run finds nothing."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhengxing.core.actor import Actor
from zhengxing.integrity.services import county_anchor_backlog
from zhengxing.orgs.commands import county_named


class Command(BaseCommand):
    help = "Append the county's signed quarters not yet in its tree, under one signed head."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", metavar="CODE", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        county = county_named(options["county"])
        head = county_anchor_backlog(actor=Actor.system("anchor-backlog"), county=county)
        if head is None:
            self.stdout.write(f"{county.name}的已签字季度都已记入核验树")
        else:
            self.stdout.write(
                f"{county.name}：已补记入核验树，共{head.size}项，树根 {head.root_hash}"
            )
