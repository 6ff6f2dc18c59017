"""Evaluation rounds, the public's single-use codes, ballots, the criteria awarded and the
per-round tallies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengxing.orgs.models import County, Member, Org

from .schemes import RoundKind, Subject


class EvaluationRound(models.Model):
    """One evaluation (self, peer, committee, public, general, or the township's assessment of
    village organisations): an indicator form, who is rated and who rates, open and close
    dates. Results stay hidden until it closes."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="evaluation_rounds")
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=4)  # Y, H1, H2, Q1…Q4
    kind = models.CharField(
        pgettext_lazy("of an evaluation round", "kind"), max_length=16, choices=RoundKind.choices
    )
    subject = models.CharField(_("rated"), max_length=8, choices=Subject.choices)
    name = models.CharField(pgettext_lazy("of a thing", "name"), max_length=200)
    # [{"code": "I1", "name": "…", "max": "25"}, …]: a ballot scores each 0…max; the total is
    # the sum and the indicators' maxima add up to 100
    indicators = models.JSONField()
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="round_dates"
            )
        ]
        indexes = [models.Index(fields=["county", "year", "kind"], name="round_county_year")]

    def __str__(self) -> str:
        return self.name


class PublicCode(models.Model):
    """A single-use code a branch prints as a QR slip for a household (or that the committee
    types from a paper ballot). Only its hash is kept; the slip carries the code."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("public ballot code")
        verbose_name_plural = _("public ballot codes")

    def __str__(self) -> str:
        return f"code {self.pk} round {self.round_id}"


class Ballot(models.Model):
    """One rater's scores for one ratee in one round (a database constraint), editable until
    the round closes. `rater` is "u<user id>" for a signed-in rater or "c<code id>" for a public
    code ("m<member id>" in synthetic data), so one constraint covers both."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, related_name="ballots")
    kind = models.CharField(max_length=16, choices=RoundKind.choices)  # the round's, copied
    rater = models.CharField(max_length=24)
    rater_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rater_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # a household's code covers one submission (every ratee of the round at once), used once
    code = models.ForeignKey(
        PublicCode, null=True, blank=True, on_delete=models.PROTECT, related_name="ballots"
    )
    ratee_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="ballots_received"
    )
    ratee_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="ballots_received"
    )
    scores = models.JSONField()  # {"I1": "20", …}
    total = models.DecimalField(max_digits=5, decimal_places=1)
    # a self-evaluation's written account against the member's commitments (003, 自评: "党员
    # 个人结合承诺事项……就个人履职尽责情况进行自评,既总结成绩也谈不足"); empty for other kinds
    text = models.TextField(blank=True, default="", db_default="")
    paper = models.BooleanField(default=False)  # entered by the committee from a paper ballot
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "rater", "ratee_member"],
                condition=Q(ratee_member__isnull=False),
                name="ballot_once_member",
            ),
            models.UniqueConstraint(
                fields=["round", "rater", "ratee_org"],
                condition=Q(ratee_org__isnull=False),
                name="ballot_once_org",
            ),
            models.CheckConstraint(
                condition=Q(ratee_member__isnull=False, ratee_org__isnull=True)
                | Q(ratee_member__isnull=True, ratee_org__isnull=False),
                name="ballot_one_ratee",
            ),
            models.CheckConstraint(condition=Q(total__range=(0, 100)), name="ballot_total_0_100"),
            # self-rating is never counted as peer: a self round's ballots rate the rater, and
            # no other round's ballot does (refused at the door as well)
            models.CheckConstraint(
                condition=Q(kind=RoundKind.SELF, rater_member=models.F("ratee_member"))
                | (
                    ~Q(kind=RoundKind.SELF)
                    & (
                        Q(rater_member__isnull=True)
                        | Q(ratee_member__isnull=True)
                        | ~Q(rater_member=models.F("ratee_member"))
                    )
                ),
                name="ballot_self_only_in_self_round",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "ratee_member"], name="ballot_round_member"),
            models.Index(fields=["round", "ratee_org"], name="ballot_round_org"),
        ]

    def __str__(self) -> str:
        return f"ballot {self.pk} round {self.round_id}"


class CriteriaAward(models.Model):
    """A named star (达标星) of a scheme, met or not, for a member or an organisation in a year,
    as the assessing body recorded it: the branch committee for its members, the township for
    its organisations. One row per subject, year and star (a database constraint); a change is
    a new assessment of the same row, audited with before and after."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    subject = models.CharField(max_length=8, choices=Subject.choices)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="criteria_awards"
    )
    org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="criteria_awards"
    )
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", db_index=False)
    code = models.CharField(max_length=32)
    met = models.BooleanField()
    note = models.CharField(max_length=200, blank=True)
    assessed_at = models.DateTimeField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("named star assessed")
        verbose_name_plural = _("named stars assessed")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year", "code"],
                condition=Q(member__isnull=False),
                name="criteria_once_member",
            ),
            models.UniqueConstraint(
                fields=["org", "year", "code"],
                condition=Q(org__isnull=False),
                name="criteria_once_org",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False, org__isnull=True)
                | Q(member__isnull=True, org__isnull=False),
                name="criteria_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "year", "subject", "met"], name="criteria_county_year"),
            models.Index(fields=["branch", "year"], name="criteria_branch_year"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {'met' if self.met else 'not met'}"


class BallotTally(models.Model):
    """Per round and ratee: the sum of the ballots' totals in tenths and their count, kept by
    the ballot services in the transaction that writes the ballot (a replaced ballot moves the
    sum, not the count). The recompute reads these, a few rows per ratee, instead of every
    ballot; `tallies_problems` checks them against the ballots."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    round = models.ForeignKey(
        EvaluationRound, on_delete=models.PROTECT, related_name="tallies", db_index=False
    )
    year = models.PositiveSmallIntegerField()  # the round's, copied
    kind = models.CharField(max_length=16, choices=RoundKind.choices)  # the round's, copied
    ratee_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ratee_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sum10 = models.BigIntegerField()
    n = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ballot tally")
        verbose_name_plural = _("ballot tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "ratee_member"],
                condition=Q(ratee_member__isnull=False),
                name="tally_once_member",
            ),
            models.UniqueConstraint(
                fields=["round", "ratee_org"],
                condition=Q(ratee_org__isnull=False),
                name="tally_once_org",
            ),
            models.CheckConstraint(
                condition=Q(ratee_member__isnull=False, ratee_org__isnull=True)
                | Q(ratee_member__isnull=True, ratee_org__isnull=False),
                name="tally_one_ratee",
            ),
        ]
        # what the recompute reads, in the order it groups by (covering: no table lookups)
        indexes = [
            models.Index(
                fields=["county", "year", "ratee_member", "round", "kind", "sum10", "n"],
                name="tally_member_cover",
            ),
            models.Index(
                fields=["county", "year", "ratee_org", "round", "kind", "sum10", "n"],
                name="tally_org_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"tally round {self.round_id}: {self.n}"
