"""The computed ratings, each component with its source, and the consequences a low rating has."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County, Member, Org

from ..rules import COMPONENTS, missing_names
from .schemes import StarScheme, Subject


class Rating(models.Model):
    """A computed rating of a member or an organisation for a year's period under a scheme
    version: the score, the stars, the tier and, column by column, where they came from (each
    component's value and how many entries or ballots fed it). Written only by the recompute;
    finalised by the township, then posted."""

    # Four indexes, three written per member's rating: the key, each subject's unique rating per
    # period (which also serves "this member's ratings": it leads with the subject) and
    # `rating_branch` (the boards, the finalising of a subtree). No index of their own for the
    # county, the scheme or the subject: each would be one more to keep up on every write of a
    # county's ratings (about a tenth of the recompute each at 200,000 members).
    # Ratings are derived: the recompute rewrites a county's year from the roll, the ledger and
    # the ballots, taking member, branch, county and scheme from the rows it reads, so they
    # refer to existing rows by construction. No database foreign keys (db_constraint=False): on
    # PostgreSQL each would be a deferred trigger per written row, checked at COMMIT with a
    # `SELECT … FOR KEY SHARE` of the member, branch, county and scheme: five checks per rating,
    # about 40% of a county's recompute (4 of 10 s at 200,000 members). PROTECT still holds in
    # the ORM, which is how members, organisations and schemes are deleted, if ever.
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    scheme = models.ForeignKey(
        StarScheme,
        on_delete=models.PROTECT,
        related_name="ratings",
        db_index=False,
        db_constraint=False,
    )
    # Plain integers, not Django's positive ones: each of those is a CHECK evaluated on every
    # written row, twelve per rating, about a tenth of a county's recompute; the recompute
    # derives these from counts and bands, which are never negative.
    year = models.SmallIntegerField()
    period = models.CharField(max_length=4)
    subject = models.CharField(max_length=8, choices=Subject.choices)
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
        db_index=False,  # `rating_once_member`
        db_constraint=False,
    )
    org = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
        db_index=False,  # `rating_once_org`
        db_constraint=False,
    )
    branch = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # the components (0-100, one decimal) and their sources
    points = models.DecimalField(max_digits=9, decimal_places=1, null=True)  # the year's points
    points_entries = models.IntegerField(default=0)
    points_score = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    member_eval = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    member_eval_n = models.IntegerField(default=0)
    public_eval = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    public_eval_n = models.IntegerField(default=0)
    committee_eval = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    committee_eval_n = models.IntegerField(default=0)
    general_eval = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    general_eval_n = models.IntegerField(default=0)
    self_eval = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    self_eval_n = models.IntegerField(default=0)
    # the average of the branch's reviews of the member's commitments, and how many (`sources`)
    commitment_review = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    commitment_review_n = models.IntegerField(default=0)
    # an organisation's target score as a share of its targets' points, the average of its
    # half-years' standings, and how many half-years had one (`sources`)
    target_points = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    target_points_n = models.IntegerField(default=0)
    criteria_met = models.SmallIntegerField(default=0)
    # the weighed components with nothing behind them, a bit each (`rules.MISSING_BITS`); under
    # the "incomplete" rule such a rating has no score and no stars yet, and is not finalised
    missing = models.SmallIntegerField(default=0)
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    stars = models.SmallIntegerField()
    red_stars = models.SmallIntegerField(default=0)
    flags = models.SmallIntegerField(default=0)
    tier = models.CharField(max_length=32, blank=True)
    computed_at = models.DateTimeField()
    finalised_at = models.DateTimeField(null=True, blank=True)
    # the computed stars are a proposal: the body that sets them (the branch for its members,
    # the township for its organisations) may move them by one star with a written reason,
    # which the public board shows beside the result; `proposed_stars` keeps what was computed
    proposed_stars = models.SmallIntegerField(null=True, blank=True)
    set_reason = models.CharField(max_length=200, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year", "period", "county"],
                condition=Q(member__isnull=False),
                name="rating_once_member",
            ),
            models.UniqueConstraint(
                fields=["org", "year", "period", "county"],
                condition=Q(org__isnull=False),
                name="rating_once_org",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False, org__isnull=True)
                | Q(member__isnull=True, org__isnull=False),
                name="rating_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "year", "period"], name="rating_branch"),
        ]

    def __str__(self) -> str:
        return f"{self.year}{self.period} {self.member_id or self.org_id}: {self.stars}"

    @property
    def missing_labels(self) -> list[str]:
        """The components with nothing behind them, by name (Chinese)."""
        return [COMPONENTS[name] for name in missing_names(self.missing)]

    @property
    def incomplete(self) -> bool:
        return self.score is None and self.missing != 0


class Consequence(models.Model):
    """What a rating's tier sets in motion (a commendation, a warning talk, a rectification
    plan…), as a to-do with an owner and a due date. One per rating and code: a recompute
    that keeps the tier keeps the to-do."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="consequences")
    code = models.CharField(max_length=32)
    label = models.CharField(max_length=200)
    owner_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    owner_role = models.CharField(max_length=16)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("consequence")
        verbose_name_plural = _("consequences")
        constraints = [
            models.UniqueConstraint(fields=["rating", "code"], name="consequence_once"),
        ]
        indexes = [models.Index(fields=["owner_org", "done_at"], name="consequence_owner")]

    def __str__(self) -> str:
        return f"{self.label} ({self.rating_id})"
