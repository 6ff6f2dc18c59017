"""The rectification ledger of a weak or lax organisation: its problems and their progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County, Org

from .ratings import Consequence


class RectifyProblem(models.Model):
    """A problem found in an organisation rated four stars or fewer, in its weak-and-lax
    rectification ledger (软弱涣散党组织整顿): 000, "对4星级及以下的党组织,结合软弱涣散党组织整顿
    工作,集中抓好整改提高". The ledger is the county practice "查摆问题、开出药方、建账促改":
    the problem and where it was found (查摆问题), its measure, who answers for it and by when
    (开出药方), the progress entries below (建账促改), and the township's closing of it (销号)
    with a reason. Belongs to the rating's "rectify" follow-up task, which is done only when
    every problem is closed (`rectify.py`)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    consequence = models.ForeignKey(
        Consequence, on_delete=models.PROTECT, related_name="rectify_problems", db_index=False
    )
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="rectify_problems")
    problem = models.CharField(max_length=500)
    source = models.CharField(max_length=200)  # where or how it was found
    measure = models.CharField(max_length=500)
    responsible = models.CharField(max_length=100)
    due_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_reason = models.CharField(max_length=500, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("rectification problem")
        verbose_name_plural = _("rectification problems")
        constraints = [
            # closed with a reason, or open without one
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, close_reason="")
                | (Q(closed_at__isnull=False) & ~Q(close_reason="")),
                name="rectify_closed_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(problem="") & ~Q(measure="") & ~Q(responsible=""),
                name="rectify_problem_measure_owner",
            ),
        ]
        # a task's ledger, and its open problems counted when the task is marked done
        indexes = [models.Index(fields=["consequence", "closed_at"], name="rectify_task_open")]

    def __str__(self) -> str:
        return self.problem[:40]


class RectifyProgress(models.Model):
    """One entry of what was done about a problem (建账促改): what, when, by whom, and a note
    of the evidence kept (minutes, photos, a file number)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    problem = models.ForeignKey(RectifyProblem, on_delete=models.PROTECT, related_name="progress")
    done_on = models.DateField()
    action = models.CharField(max_length=500)
    done_by = models.CharField(max_length=100)
    evidence = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rectification progress")
        verbose_name_plural = _("rectification progress")
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="") & ~Q(done_by=""), name="rectify_progress_what_who"
            ),
        ]

    def __str__(self) -> str:
        return self.action[:40]
