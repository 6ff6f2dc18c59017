"""Star schemes as data, evaluation rounds and their ballots, and the computed ratings.

Every row carries `county_id`, the shard key (see orgs.models). A scheme's rules live in its
`spec` (see `schemes.py`); a rating keeps each component's value and source counts in columns of
its own, so the page that explains a star reads one row and the scheme, and the recompute writes
every rating of a county-year in one INSERT … SELECT.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengxing.core.periods import PERIOD_NAMES
from zhengxing.orgs.models import County, Member, Org

from .rules import COMPONENTS, missing_names


class Subject(models.TextChoices):
    MEMBER = "member", _("Party members")
    ORG = "org", _("Organisations")


class RoundKind(models.TextChoices):
    SELF = "self", _("Self-evaluation")  # 自评
    PEER = "peer", _("Peer evaluation")  # 互评
    COMMITTEE = "committee", _("Committee evaluation")  # 商评 / 支委评
    PUBLIC = "public", _("Public evaluation")  # 群众评
    GENERAL = "general", _("General evaluation")  # 总评
    ASSESSMENT = "assessment", _("Township assessment")  # 乡镇考评 of a village organisation


# a period's code in words ("Y": 年度): one table for every app, zhengxing.core.periods
PERIOD_LABELS = PERIOD_NAMES


class StarScheme(models.Model):
    """A county's (owner: the county's root) or a township's star scheme for a year and a
    subject. Edits make a new version; ratings keep the version they were computed under."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="star_schemes")
    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(_("rated"), max_length=8, choices=Subject.choices)
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(default=True)
    name = models.CharField(pgettext_lazy("of a thing", "name"), max_length=200)
    preset = models.CharField(_("preset"), max_length=32, blank=True)
    spec = models.JSONField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("star scheme")
        verbose_name_plural = _("star schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "year", "subject", "version"], name="star_scheme_version"
            ),
            models.UniqueConstraint(
                fields=["owner", "year", "subject"],
                condition=Q(is_current=True),
                name="star_scheme_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


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


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the township")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class StarPlan(models.Model):
    """A village organisation's star plan for a year (报星计划): the duty and self-chosen stars
    it pursues, drafted by its committee, consulted with members, approved or returned with a
    reason by the township, then posted."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="star_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    duty_stars = models.JSONField(default=list)
    self_stars = models.JSONField(default=list)
    measures = models.TextField(_("measures"), max_length=4000, blank=True)
    consultation = models.TextField(_("members consulted"), max_length=2000, blank=True)
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    drafted_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_reason = models.CharField(max_length=500, blank=True)
    slug = models.CharField(max_length=32, unique=True)

    class Meta:
        verbose_name = _("star plan")
        verbose_name_plural = _("star plans")
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="star_plan_once"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year}"


class StarChoice(models.Model):
    """A member's self-chosen stars for a year (自选星), posted with the branch's choices."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="star_choices")
    year = models.PositiveSmallIntegerField()
    stars = models.JSONField(default=list)
    chosen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("self-chosen stars")
        verbose_name_plural = _("self-chosen stars")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="star_choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"


class ReserveMember(models.Model):
    """A member in the township's reserve pool of village cadres (后备力量): 000, "对评定为8星级
    以上的党员……纳入嘎查村班子后备力量重点培养". Entered when the township marks the rating's
    "reserve-pool" follow-up done; one entry per member and year (a database constraint)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="reserve_pool")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="reserve_entries")
    year = models.PositiveSmallIntegerField()
    stars = models.SmallIntegerField()  # the finalised stars that brought the member in
    consequence = models.OneToOneField(
        Consequence, null=True, blank=True, on_delete=models.PROTECT, related_name="reserve_entry"
    )
    note = models.CharField(max_length=500, blank=True)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("reserve pool member")
        verbose_name_plural = _("reserve pool")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="reserve_once_a_year"),
        ]
        indexes = [models.Index(fields=["township", "year"], name="reserve_township_year")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"


class ModelSelection(models.Model):
    """A year's selection of model five-star branches (五星标兵), with its quota and award: 004,
    "三门峡市委每年选树100个“五星标兵”村党支部,每村奖励1万元". A five-star branch is not a model
    by its stars: the county selects, within the quota."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    quota = models.PositiveIntegerField()
    award_yuan = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("model branch selection")
        verbose_name_plural = _("model branch selections")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="model_selection_once"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year}"


class ModelBranch(models.Model):
    """A branch selected a model five-star branch (五星标兵) in a year's selection."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    selection = models.ForeignKey(ModelSelection, on_delete=models.PROTECT, related_name="chosen")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="model_selections")
    reason = models.CharField(max_length=500)
    selected_at = models.DateTimeField()
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("model five-star branch")
        verbose_name_plural = _("model five-star branches")
        constraints = [
            models.UniqueConstraint(fields=["selection", "org"], name="model_branch_once"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.selection_id}"


class MemberPost(models.Model):
    """A member's post and duties for a year, set by the branch (设岗定责): 000, "普通党员设岗定责"
    among the duties by kind of member ("按照有职党员敬业争优、能人党员示范带动、普通党员设岗定责、
    流动党员科学管理、年老体弱党员建言献策要求设置职责"). One per member and year (a database
    constraint); a change is a new setting of the same row, audited with before and after."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="posts")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("post"), max_length=100)
    duties = models.TextField(_("duties"), max_length=1000, blank=True)
    set_at = models.DateTimeField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("member's post")
        verbose_name_plural = _("members' posts")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="member_post_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}: {self.title}"


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
