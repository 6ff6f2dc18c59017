"""`zhengxing export-roster --county CODE FILE.xlsx [--as USERNAME]`: write a county's roster and
tree in the import template's layout, full ID numbers included (so it re-imports).

Without --as it acts as the system ("export-roster") and writes the whole county; with --as it
writes what that user may see, and only for a role entitled to see full ID numbers. Logged.
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengxing.orgs.commands import acting_as, county_argument, county_named
from zhengxing.orgs.imports import roster_export


class Command(BaseCommand):
    help = "Export a county's roster and tree to .xlsx, in the import template's layout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.xlsx")
        county_argument(parser)
        parser.add_argument("--as", dest="username", metavar="USERNAME", help="act as this user")

    def handle(self, *args: Any, **options: Any) -> None:
        county = county_named(options["county"])
        actor = acting_as("export-roster", options["username"])
        path = Path(options["file"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError("导出文件名应以 .xlsx 结尾")
        partial = path.with_name(path.name + ".part")
        try:
            count = roster_export(user_or_actor=actor, county=county, out=partial)
        except PermissionDenied as e:
            partial.unlink(missing_ok=True)
            raise CommandError(str(e)) from None
        partial.replace(path)
        self.stdout.write(f"已导出党员{count}人到 {path}")
