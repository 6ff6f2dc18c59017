"""`zhengxing roster-template FILE.xlsx`: write the blank roster import template."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengxing.orgs import excel


class Command(BaseCommand):
    help = "Write the blank roster import template (.xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError("模板文件名应以 .xlsx 结尾")
        excel.write_workbook(path)
        self.stdout.write(f"已写出导入模板 {path}")
