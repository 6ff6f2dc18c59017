"""`zhengxing targets-close-year --county CODE --year YYYY [--owner ORG-CODE] [--as USERNAME]`:
close a year of target points (年终评定) for the units of the county's catalogue (or of a
working committee's, `--owner`): their scores and places kept, their ledgers of that year shut
(`services.target_year_close`, audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengxing.core.errors import ServiceError
from zhengxing.orgs.commands import acting_as, county_named
from zhengxing.orgs.models import Org
from zhengxing.orgs.services import county_root
from zhengxing.targets.services import target_year_close


class Command(BaseCommand):
    help = "Close a year of target points and keep its ranking (年终评定)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", required=True, metavar="CODE")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--owner", metavar="ORG-CODE", help="default: the county itself")
        parser.add_argument("--as", dest="username", metavar="USERNAME", help="act as this user")

    def handle(self, *args: Any, **options: Any) -> None:
        county = county_named(options["county"])
        owner = county_root(county)
        if options["owner"]:
            found = Org.objects.filter(county=county, code=options["owner"]).first()
            if found is None:
                raise CommandError(f"{county.name}没有代码为“{options['owner']}”的组织")
            owner = found
        actor = acting_as("targets-close-year", options["username"])
        try:
            close = target_year_close(actor=actor, owner=owner, year=options["year"])
        except (ServiceError, PermissionDenied) as e:
            raise CommandError(str(e)) from None
        for row in close.results.select_related("unit").order_by("rank", "unit__path"):
            self.stdout.write(f"{row.rank:>4}  {row.total:>7}  {row.unit.name}")
        self.stdout.write(
            f"{owner.name}{close.year}年目标考评已年终评定：{close.results.count()}个单位"
        )
