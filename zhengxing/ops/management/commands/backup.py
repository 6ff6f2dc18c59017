"""`zhengxing backup FILE`: a consistent snapshot of the database while the application serves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhengxing.ops.backup import BackupFailed, backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database (SQLite online backup or pg_dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            help="where to write it (default var/backups/zhengxing-<time>.sqlite3|.dump)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings
        from django.db import connection

        if options["file"]:
            target = Path(options["file"])
        else:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
            target = Path(settings.VAR_DIR) / "backups" / f"zhengxing-{stamp}.{suffix}"
        try:
            result = backup(target)
        except BackupFailed as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"备份完成：{result.path}（{result.bytes:,}字节，{result.vendor}）")
        self.stdout.write(
            "提示：个人信息加密密钥（ZHENGXING_DATA_KEY）和身份证号查询密钥（ZHENGXING_LOOKUP_KEY）"
            "不在备份中，请另行妥善保管。"
        )
