"""`zhengxing worker`: runs the background jobs (django-tasks' `db_worker`, every option of it),
after marking interrupted the jobs a worker of this machine left running when it was stopped or
killed (their work's transaction died with it: nothing of it was written)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from zhengxing.jobs.services import jobs_reap


class Command(DbWorker):
    help = "Run the background jobs (a roster import, a star recompute, a large export)."

    def handle(self, *args: Any, **options: Any) -> None:
        reaped = jobs_reap()
        if reaped:
            self.stderr.write(f"{reaped} job(s) left running by a stopped worker: interrupted")
        super().handle(*args, **options)
