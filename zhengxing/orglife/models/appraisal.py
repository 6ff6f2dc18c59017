"""Democratic appraisal of members (民主评议党员) at the year's organisation-life meeting: the
county's policy (the cap on 优秀's share, the follow-up of 不合格), a branch's round, its ballots
and the posted result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County, Member, Org

from ..appraisal_rules import DEFAULT_EXCELLENT_CAP, DEFAULT_STEPS, GRADE_LABELS, OUTCOME_LABELS

GRADE_CHOICES = list(GRADE_LABELS.items())


def default_steps() -> list[list[object]]:
    """The follow-up of a 不合格 when the county has set none (`appraisal_rules.DEFAULT_STEPS`)."""
    return [[name, days] for name, days in DEFAULT_STEPS]


class AppraisalPolicy(models.Model):
    """What the county sets: 优秀 at most this share of a branch's appraised members, and what
    follows a 不合格 (限期改正、劝其退党…)."""

    county = models.OneToOneField(County, on_delete=models.PROTECT, related_name="+")
    excellent_cap = models.PositiveSmallIntegerField(default=DEFAULT_EXCELLENT_CAP)
    follow_up = models.CharField(max_length=300, default="限期改正：支部谈话提醒，制定整改措施")
    # the follow-up's steps in order, each [name, days to record it] (`appraisal_rules`)
    steps = models.JSONField(default=default_steps)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(excellent_cap__lte=100), name="appraisal_cap_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.excellent_cap}%"


class AppraisalRound(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="appraisals")
    year = models.PositiveSmallIntegerField()
    excellent_cap = models.PositiveSmallIntegerField()  # the county's, when the round opened
    follow_up = models.CharField(max_length=300)
    steps = models.JSONField(default=default_steps)  # the county's, when the round opened
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)  # closed and the result posted

    class Meta:
        verbose_name = _("democratic appraisal")
        verbose_name_plural = _("democratic appraisals")
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="appraisal_branch_year"),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.year}"


class AppraisalBallot(models.Model):
    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    ratee = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=16, choices=GRADE_CHOICES)
    cast_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "voter", "ratee"], name="appraisal_ballot_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.voter_id}→{self.ratee_id}"


class AppraisalResult(models.Model):
    """A member's grade, posted; a 不合格 carries the county's follow-up until it is done."""

    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="results")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=16, choices=GRADE_CHOICES)
    ballots = models.PositiveIntegerField()
    excellent_votes = models.PositiveIntegerField()
    follow_up = models.CharField(max_length=300, blank=True)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="appraisal_result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.member_id} {self.grade}"


class FollowUpStep(models.Model):
    """One step of a 不合格's follow-up as the county defined it when the round opened (限期改正,
    then 劝其退党, then 除名 …): opened with a deadline, recorded by the branch with the date, who
    and the outcome; an outcome of "escalate" opens the next step."""

    result = models.ForeignKey(AppraisalResult, on_delete=models.CASCADE, related_name="steps")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()  # 1, 2, … in the round's steps
    name = models.CharField(max_length=30)
    opened_on = models.DateField()
    due_on = models.DateField()
    recorded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=list(OUTCOME_LABELS.items()), blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result", "order"], name="follow_up_step_once"),
            models.CheckConstraint(
                condition=Q(recorded_on__isnull=True, outcome="")
                | Q(recorded_on__isnull=False) & ~Q(outcome=""),
                name="follow_up_step_recorded_has_outcome",
            ),
        ]
        indexes = [
            # the township's overdue list: a county's open steps by deadline
            models.Index(
                fields=["county", "due_on"],
                condition=Q(recorded_on__isnull=True),
                name="follow_up_step_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result_id} {self.order} {self.name}"
