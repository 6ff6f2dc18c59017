"""三亮 commitments (亮承诺, 003 Gaotai): a member's public promise for the year in one of the
article's fields, approved by the branch, posted on the public board, reported on over the year
and reviewed by the branch every half-year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County, Member, Org


class CommitmentField(models.TextChoices):
    """The article's fields: "围绕理论学习、产业调整、纠纷调解、帮贫助困、文明新风和环境保护等
    方面作出公开承诺"."""

    STUDY = "study", "理论学习"
    INDUSTRY = "industry", "产业调整"
    MEDIATION = "mediation", "纠纷调解"
    POVERTY = "poverty", "帮贫助困"
    CIVILITY = "civility", "文明新风"
    ENVIRONMENT = "environment", "环境保护"


class CommitmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for the branch")
    APPROVED = "approved", _("Approved and posted")
    RETURNED = "returned", _("Returned to the member")


class Commitment(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="commitments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="commitments")
    year = models.PositiveSmallIntegerField()
    field = models.CharField(_("field"), max_length=16, choices=CommitmentField.choices)
    promise = models.CharField(_("what I promise"), max_length=500)
    measure = models.CharField(_("how it can be checked"), max_length=300)
    status = models.CharField(
        max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.PROPOSED
    )
    proposed_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            # one promise per field and year: a second is a revision of the first
            models.UniqueConstraint(
                fields=["member", "year", "field"], name="commitment_member_year_field"
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="commitment_returned_has_reason",
            ),
        ]
        indexes = [
            # the public board and the branch's list: a branch's year
            models.Index(fields=["branch", "year", "status"], name="commitment_branch_year"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year} {self.field}"


class CommitmentProgress(models.Model):
    """What the member reports over the year of keeping the promise (践诺)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="progress")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField()
    text = models.CharField(_("what was done"), max_length=1000)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("commitment progress")
        verbose_name_plural = _("commitment progress")

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.reported_on}"


class CommitmentReview(models.Model):
    """The branch's half-yearly evaluation of a commitment ("定期通报…履诺践诺的情况，并对其作出
    评价"): a score of 0-100 with a word of comment, one per commitment and half. It is what a
    star schemes' component `commitment_review` weighs (`selectors.commitments`)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reviews")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    half = models.PositiveSmallIntegerField()  # 1: January-June, 2: July-December
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    reviewed_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("commitment review")
        verbose_name_plural = _("commitment reviews")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "half"], name="commitment_review_half"),
            models.CheckConstraint(condition=Q(half__in=(1, 2)), name="commitment_review_half_1_2"),
            models.CheckConstraint(condition=Q(score__lte=100), name="commitment_review_score"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} H{self.half} {self.score}"
