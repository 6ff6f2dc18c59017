"""`zhengxing restore FILE`: bring a backup back, then verify the points ledger's chains."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengxing.ops.backup import BackupFailed, restore


class Command(BaseCommand):
    help = "Replace the database with a backup (stop the application first); verify the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a file written by `zhengxing backup`")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: the current data will be replaced"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            answer = input("当前数据库的内容将被备份替换。继续吗？[y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("已取消")
        try:
            restore(Path(options["file"]))
        except BackupFailed as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"已从{options['file']}恢复。")
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("verify-ledger", stdout=out, stderr=err)
        except CommandError as e:
            self.stderr.write(err.getvalue())
            raise CommandError(f"恢复后的积分台账校验失败：{e}") from e
        self.stdout.write(out.getvalue().strip())
