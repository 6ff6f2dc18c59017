"""The contests' rows (大比武 / 双晒 / 比武争星, articles 000, 001, 002): the contest an organiser
runs, its entries with their photos, the judges and their scores, the voter codes issued in
batches, the public's votes and the published results. Every row carries its county.

全市20名镇（街道）党（工）委书记、83名村（社区）党组织书记齐上阵 (article 001)
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County, Member, Org

from .rules import (
    TEXT_MAX,
    TITLE_MAX,
    URL_MAX,
    Award,
    Dates,
    EntrantKind,
    Flag,
    Level,
    RubricItem,
    default_sources,
    phase_on,
)


class Contest(models.Model):
    """A contest an organiser (the county's organisation department, or a league's) runs:
    its level, its phases' dates, its rubric and weights, its limits on voting."""

    class Period(models.TextChoices):
        DAY = "day", _("Once a day")
        CONTEST = "contest", _("Once in the contest")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    organiser = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    series = models.CharField(_("series"), max_length=TITLE_MAX)  # the same contest year by year
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    entrant_kind = models.CharField(_("entrants"), max_length=10, choices=EntrantKind.choices)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    showcase_from = models.DateField(_("showcase from"))
    voting_from = models.DateField(_("voting from"))
    voting_until = models.DateField(_("voting until"))
    judging_until = models.DateField(_("judging until"))
    weight_public = models.PositiveSmallIntegerField(_("public opinion weight"))
    weight_performance = models.PositiveSmallIntegerField(_("work performance weight"))
    weight_overall = models.PositiveSmallIntegerField(_("overall evaluation weight"))
    rubric = models.JSONField(default=list)  # [{"name": …, "max": …}], `rules.check_rubric`
    drop_extremes = models.PositiveSmallIntegerField(default=1)  # highest and lowest dropped
    vote_period = models.CharField(max_length=8, choices=Period.choices, default=Period.DAY)
    device_daily_limit = models.PositiveSmallIntegerField(default=20)
    # 工作表现's figures (`orgs.yearly`) and their weights: [{"name": …, "weight": …}]
    sources = models.JSONField(default=default_sources)  # `rules.check_sources`
    # the contest one level up, where the winners go, and how many of them go
    next_level = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="lower_levels"
    )
    advance = models.PositiveSmallIntegerField(_("winners who go up a level"), default=2)
    public_ref = models.CharField(max_length=16, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_public__lte=100)
                & Q(weight_performance__lte=100)
                & Q(weight_overall__lte=100)
                & Q(weight_public=100 - F("weight_performance") - F("weight_overall")),
                name="contest_weights_sum_100",
            ),
            models.CheckConstraint(
                condition=Q(voting_from__gte=F("showcase_from"))
                & Q(voting_until__gte=F("voting_from"))
                & Q(judging_until__gte=F("voting_until")),
                name="contest_phases_in_order",
            ),
        ]
        indexes = [models.Index(fields=["county", "-year"], name="contest_county_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def dates(self) -> Dates:
        return Dates(self.showcase_from, self.voting_from, self.voting_until, self.judging_until)

    def phase(self, day: object) -> str:
        return phase_on(self.dates, day, published=self.published_at is not None)  # type: ignore[arg-type]

    @property
    def rubric_items(self) -> list[RubricItem]:
        return [RubricItem(str(i["name"]), int(i["max"])) for i in self.rubric]

    @property
    def rubric_max(self) -> int:
        return sum(i.max for i in self.rubric_items)


class Entry(models.Model):
    """An entrant's entry: the organisation (and its secretary, where secretaries compete),
    what they did in words, photos, a video link (双晒: “录制成视频”)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="entries")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entrant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("what we did"), max_length=TEXT_MAX)
    video_url = models.URLField(_("video link"), max_length=URL_MAX, blank=True)
    public_ref = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField()
    # the entry of the contest one level down this one went up from (`services.winners_advance`)
    came_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="went_up"
    )

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["contest", "org"], name="contest_entry_once_per_org"),
        ]

    def __str__(self) -> str:
        return self.title


class EntryPhoto(models.Model):
    """A photo of an entry, stored as the points' evidence photos are (`ledger.forms`)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="photos")
    path = models.CharField(max_length=300)

    def __str__(self) -> str:
        return self.path


class Judge(models.Model):
    """An expert judge (专业评委) the organiser named for a contest."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contest", "user"], name="contest_judge_once"),
        ]

    def __str__(self) -> str:
        return f"judge {self.user_id} of {self.contest_id}"


class Score(models.Model):
    """One judge's marks of one entry, on the contest's rubric; one per judge and entry."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="scores")
    marks = models.JSONField()
    total = models.DecimalField(max_digits=6, decimal_places=1)
    scored_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="contest_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.judge_id} → {self.entry_id}: {self.total}"


class VoterBatch(models.Model):
    """Voter codes issued together (printed slips handed out by a branch or a grid worker)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="batches")
    label = models.CharField(_("handed out by"), max_length=TITLE_MAX)
    size = models.PositiveIntegerField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.label


class VoterCode(models.Model):
    """One voter's code: only its hash is kept, unique across every contest."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(VoterBatch, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"code {self.pk}"


class Vote(models.Model):
    """One vote of one voter code for one entry on one day (`day` is the contest's first
    voting day when the contest allows one vote per entry in all). A UNIQUE constraint on
    (code, entry, day) holds the limit whatever races. A flagged vote is held for the
    organiser's review: counted only if they let it stand."""

    class Status(models.TextChoices):
        COUNTED = "counted", _("Counted")
        HELD = "held", _("Held for review")
        REJECTED = "rejected", _("Rejected")

    # the county's id on every vote (the shard key), not indexed: no query starts from it
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="+", db_index=False)
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+", db_index=False)
    code = models.ForeignKey(VoterCode, on_delete=models.PROTECT, related_name="+", db_index=False)
    batch_id_copy = models.IntegerField()  # the code's batch: "codes issued together", no join
    day = models.DateField()
    at_ms = models.BigIntegerField()  # when, in ms since the epoch: the intervals' arithmetic
    slot = models.IntegerField()  # at_ms // the anomaly window: the bursts' grouping
    ip = models.CharField(max_length=45, blank=True)
    network = models.CharField(max_length=48, blank=True)
    device = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.COUNTED)
    flag = models.CharField(max_length=8, choices=Flag.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "entry", "day"], name="contest_vote_once"),
        ]
        indexes = [
            # the tally: counted votes per entry, read from the index alone
            models.Index(fields=["contest", "status", "entry"], name="contest_vote_tally"),
            # the bursts: per address, per network, per batch in a window
            models.Index(fields=["contest", "ip", "slot"], name="contest_vote_ip"),
            models.Index(fields=["contest", "network", "slot"], name="contest_vote_net"),
            models.Index(fields=["contest", "batch_id_copy", "slot"], name="contest_vote_batch"),
        ]

    def __str__(self) -> str:
        return f"vote {self.pk}"


class VoteQuota(models.Model):
    """A running count the database serialises, for the voting's limits: a device's votes on a
    day (`period` the day's ordinal), an address's and a code's attempts in a minute (`period`
    the minute since the epoch). Each is taken by one INSERT … ON CONFLICT DO UPDATE on the
    UNIQUE (contest, kind, key, period) — the row locked while it is raised, a device's only
    while below its limit — so two workers can never both see room for one more
    (`contests.quotas`)."""

    class Kind(models.TextChoices):
        DEVICE = "device", _("Device's votes in a day")
        ADDRESS = "address", _("Address's attempts in a minute")
        CODE = "code", _("Code's attempts in a minute")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=64)
    period = models.IntegerField()
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "kind", "key", "period"], name="contest_quota_once"
            ),
        ]
        indexes = [
            # the minutes' counts past their minute are pruned by kind and period
            models.Index(fields=["kind", "period"], name="contest_quota_period"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} @{self.period}: {self.n}"


class Result(models.Model):
    """An entry's published standing: the three parts, the blend, rank, award, and whether its
    leaders are called to a talk or (last two years running) flagged for reassignment."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="results")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="result")
    votes = models.PositiveIntegerField()
    public = models.DecimalField(max_digits=6, decimal_places=2)
    performance = models.DecimalField(max_digits=6, decimal_places=2)
    overall = models.DecimalField(max_digits=6, decimal_places=2)
    total = models.DecimalField(max_digits=6, decimal_places=2)
    rank = models.PositiveSmallIntegerField()
    award = models.CharField(max_length=8, choices=Award.choices, blank=True)
    talk = models.BooleanField(default=False)
    reassign = models.BooleanField(default=False)
    # work performance explained: per figure, {"this": …, "last": …, "score": …}
    growth = models.JSONField(default=dict)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "rank"], name="contest_result_rank_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.entry_id}"
