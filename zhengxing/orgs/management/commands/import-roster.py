"""`zhengxing import-roster FILE --county CODE [--as USERNAME]`: import a roster file (a workbook
of any kind `core.sheets` reads, or a CSV).

Without --as the import acts as the system ("import-roster") and may write anywhere in the
county; with --as it is held to that user's scope, as on the web page. Shows a progress bar on
a terminal; on failure prints every problem as a table (sheet, row, column, message) to stderr,
writes nothing and exits 1.
"""

import sys
import unicodedata
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from zhengxing.orgs.commands import acting_as, county_argument, county_named
from zhengxing.orgs.imports import ImportErrorRow, ImportFailed, roster_import


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def error_table(errors: list[ImportErrorRow]) -> str:
    rows = [("表", "行", "列", "错误")] + [
        (e.sheet or "—", str(e.row) if e.row else "—", e.column or "—", e.message) for e in errors
    ]
    widths = [max(_width(r[i]) for r in rows) for i in range(3)]
    return "\n".join(
        "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(r[:3])) + "  " + r[3] for r in rows
    )


class Command(BaseCommand):
    help = (
        "Import a roster file (.xlsx, .xls, .et, .ods, .csv) into a county: "
        "every row valid, or nothing written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE")
        county_argument(parser)
        parser.add_argument("--as", dest="username", metavar="USERNAME", help="act as this user")

    def handle(self, *args: Any, **options: Any) -> None:
        county = county_named(options["county"])
        actor = acting_as("import-roster", options["username"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件“{path}”")

        with tqdm(desc="导入", unit="行", file=sys.stderr, disable=None, leave=False) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                result = roster_import(
                    actor=actor,
                    county=county,
                    file=path,
                    today=timezone.localdate(),
                    progress=progress,
                )
            except ImportFailed as e:
                bar.close()
                self.stderr.write(error_table(e.errors))
                raise CommandError(f"花名册未导入：共{len(e.errors)}处错误", returncode=1) from None
        self.stdout.write(
            f"导入完成：新增党员{result.created}人，更新{result.updated}人，"
            f"未变{result.unchanged}人；新增组织{result.orgs_created}个，"
            f"更新{result.orgs_updated}个"
        )
