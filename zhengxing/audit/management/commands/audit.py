"""`zhengxing audit prune [--dry-run]`: remove the audit events older than the retention
(`ZHENGXING_AUDIT_RETENTION_DAYS`, three years by default, at least six months). The log is
append-only for the application; this command is the one way anything leaves it, and it writes
an event of its own saying how many went and up to when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from zhengxing.audit.apps import AUDIT_MINIMUM_DAYS
from zhengxing.audit.models import AuditEvent
from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor

BATCH = 10_000


class Command(BaseCommand):
    help = "Remove audit events older than the retention period (default three years)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        prune = sub.add_parser("prune")
        prune.add_argument("--dry-run", action="store_true", help="count, remove nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.ZHENGXING_AUDIT_RETENTION_DAYS
        if days < AUDIT_MINIMUM_DAYS:
            raise CommandError(f"审计日志至少保留{AUDIT_MINIMUM_DAYS}天，当前设置为{days}天")
        cutoff = timezone.now() - dt.timedelta(days=days)
        old = AuditEvent.objects.filter(at__lt=cutoff)
        if options["dry_run"]:
            self.stdout.write(f"{old.count()} events before {cutoff:%Y-%m-%d} would be removed")
            return
        removed = 0
        table = AuditEvent._meta.db_table
        while True:
            ids = list(old.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not ids:
                break
            with transaction.atomic(), connection.cursor() as cursor:
                marks = ", ".join(["%s"] * len(ids))
                cursor.execute(f"DELETE FROM {table} WHERE id IN ({marks})", ids)
                removed += cursor.rowcount
        audit_record(
            actor=Actor.system("zhengxing audit prune"),
            action="audit.prune",
            object_type="audit_log",
            county_id=None,
            summary=f"清理{cutoff:%Y-%m-%d}以前的审计记录{removed}条（保留{days}天）",
            after={"removed": removed, "before": cutoff.isoformat(), "days": days},
        )
        self.stdout.write(f"removed {removed} events before {cutoff:%Y-%m-%d}")
