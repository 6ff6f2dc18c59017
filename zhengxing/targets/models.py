"""Organisations' target points (机关党建目标积分管理, 004 Sanmenxia): the county's versioned target
catalogue (key tasks → specific targets), and each unit's target ledger (目标工作台账) — its
progress with evidence, the daily and on-site assessments and the deductions — append-only and
hash-chained per unit with the points ledger's hashing (`ledger.chain`, `ledger.chained`).

Every row carries `county_id`, the shard key (see orgs.models). Points keep one decimal place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.core.append_only import AppendOnly
from zhengxing.ledger.chain import GENESIS_HASH
from zhengxing.orgs.models import County, Org

from .rules import ONSITE_WEIGHT_DEFAULT, DeductionSource, EntryKind, Measure


class TargetCatalogue(models.Model):
    """One version of the targets a county (or a township / street working committee, for its
    subtree) sets for a year. A draft is edited in place; publishing freezes it and makes it
    the current version; editing a published version drafts the next one. Entries keep the
    target rows of the version they were recorded under; scores follow targets by code."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="target_catalogues")
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    is_current = models.BooleanField(_("current"), default=False)
    name = models.CharField(_("name"), max_length=200)
    onsite_weight = models.PositiveSmallIntegerField(
        _("on-site share (%)"), default=ONSITE_WEIGHT_DEFAULT
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("target catalogue")
        verbose_name_plural = _("target catalogues")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "year", "version"], name="target_catalogue_version_unique"
            ),
            # catalogue_applying(): one current version per owner and year
            models.UniqueConstraint(
                fields=["owner", "year"],
                condition=Q(is_current=True),
                name="target_catalogue_one_current",
            ),
            # two editors drafting at once: one draft
            models.UniqueConstraint(
                fields=["owner", "year"],
                condition=Q(status="draft"),
                name="target_catalogue_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(status="published"),
                name="target_catalogue_current_published",
            ),
            models.CheckConstraint(
                condition=Q(onsite_weight__lte=100), name="target_catalogue_weight_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class KeyTask(models.Model):
    """A key task (重点任务) of one catalogue version."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    catalogue = models.ForeignKey(TargetCatalogue, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["catalogue", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="key_task_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Target(models.Model):
    """A specific target (具体目标): its points (the most a unit scores on it), how it is
    measured, whether a submission needs evidence, which units it applies to."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    catalogue = models.ForeignKey(TargetCatalogue, on_delete=models.CASCADE, related_name="targets")
    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    measure = models.CharField(_("measured as"), max_length=16, choices=Measure.choices)
    goal = models.DecimalField(_("goal"), null=True, blank=True, max_digits=9, decimal_places=1)
    figure = models.CharField(_("figure"), max_length=32, blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    kinds = models.JSONField(_("unit kinds"), default=list, blank=True)
    categories = models.JSONField(_("unit categories"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["catalogue", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="target_code_unique"),
            models.CheckConstraint(
                condition=Q(points__gte="0.5") & Q(points__lte=100), name="target_points_range"
            ),
            models.CheckConstraint(
                condition=~Q(measure="figure") | ~Q(figure=""), name="target_figure_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class OnsiteVisit(models.Model):
    """An on-site assessment (现场考评): a visit to a unit on a day, led by one assessor with a
    panel of named assessors (`OnsiteAssessor`), each scoring the checklist's targets on their
    phone (`OnsiteScore`). While open, the scores stay off the ledger; the leader closes the
    visit and its score per target (the assessors' mean) enters the unit's ledger then
    (`TargetEntry.visit`). Visits recorded before the panel existed are closed, one ledger
    entry per assessor and target."""

    class Status(models.TextChoices):
        OPEN = "open", _("Being scored")
        CLOSED = "closed", _("Closed, in the ledger")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    catalogue = models.ForeignKey(TargetCatalogue, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    visited_on = models.DateField(_("visited on"))
    note = models.CharField(_("note"), max_length=1000, blank=True)
    led_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("on-site assessment")
        verbose_name_plural = _("on-site assessments")
        constraints = [
            # a double tap on submit records one visit
            models.UniqueConstraint(
                fields=["unit", "idempotency_key"], name="onsite_visit_idempotent"
            ),
        ]
        indexes = [models.Index(fields=["unit", "year"], name="onsite_visit_unit_year")]

    def __str__(self) -> str:
        return f"visit {self.unit_id} {self.visited_on}"


class OnsiteAssessor(models.Model):
    """A named assessor of a visit's panel (the leader is one of them)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(OnsiteVisit, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("on-site assessor")
        verbose_name_plural = _("on-site assessors")
        constraints = [
            models.UniqueConstraint(fields=["visit", "user"], name="onsite_assessor_once"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.user_id}"


class OnsiteScore(AppendOnly):
    """One named assessor's score of one target at an open visit, written once: a second
    score of the same target by the same assessor is refused (the constraint holds a race)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(OnsiteVisit, on_delete=models.PROTECT, related_name="sheet")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=32)
    points = models.DecimalField(max_digits=5, decimal_places=1)
    recorded_at = models.DateTimeField()

    APPEND_ONLY = "an on-site score is given once: the leader closes the visit with it"

    class Meta:
        verbose_name = _("on-site score")
        verbose_name_plural = _("on-site scores")
        constraints = [
            models.UniqueConstraint(fields=["visit", "assessor", "code"], name="onsite_score_once"),
            models.CheckConstraint(condition=Q(points__gte=0), name="onsite_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.assessor_id} {self.code} {self.points}"


class TargetChainHead(models.Model):
    """The head of a unit's target chain: its last seq and hash. Every append locks it first."""

    unit = models.OneToOneField(Org, primary_key=True, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"{self.unit_id}#{self.seq}"


class TargetEntry(AppendOnly):
    """One line of a unit's target ledger (目标工作台账), never updated or deleted:
    - progress: what the unit did on a target (text, a value, an evidence file); no points;
    - daily: the assessing body's score of one progress submission (日常考评);
    - onsite: one named assessor's score of one target at a visit (现场考评);
    - deduction: points taken off (negative), with its source and reason (003 Gaotai); one
      charged by a supervision finding cites the finding's reference in `evidence`;
    - reversal: what a deduction took, given back (positive) when its finding is withdrawn;
      `submission` names the deduction it reverses (at most one reversal each).
    `code` repeats the target's code so the scores follow a target across catalogue versions."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(max_length=32, blank=True)
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    points = models.DecimalField(null=True, blank=True, max_digits=5, decimal_places=1)
    value = models.DecimalField(null=True, blank=True, max_digits=9, decimal_places=1)
    text = models.CharField(max_length=2000, blank=True)
    evidence = models.CharField(max_length=300, blank=True)
    submission = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    visit = models.ForeignKey(
        OnsiteVisit, null=True, blank=True, on_delete=models.PROTECT, related_name="scores"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=16, blank=True, choices=DeductionSource.choices)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64, blank=True)
    seq = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    APPEND_ONLY = "the target ledger is append-only: record a new assessment or a deduction"

    class Meta:
        verbose_name = _("target ledger entry")
        verbose_name_plural = _("target ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["unit", "seq"], name="target_entry_unit_seq"),
            # two assessors scoring one submission at once: one daily assessment
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(kind="daily"),
                name="target_entry_one_daily",
            ),
            # a finding withdrawn twice at once: one reversal of its deduction
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(kind="reversal"),
                name="target_entry_one_reversal",
            ),
            # one score per assessor and target at a visit
            models.UniqueConstraint(
                fields=["visit", "code", "assessor"],
                condition=Q(kind="onsite"),
                name="target_entry_one_onsite",
            ),
            # a double tap on submit records one progress report
            models.UniqueConstraint(
                fields=["unit", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="target_entry_idempotent",
            ),
            models.CheckConstraint(
                condition=(Q(kind="progress") & Q(points__isnull=True) & Q(target__isnull=False))
                | (Q(kind="daily") & Q(points__gte=0) & Q(submission__isnull=False))
                | (Q(kind="onsite") & Q(points__gte=0) & Q(visit__isnull=False))
                | (Q(kind="deduction") & Q(points__lt=0) & ~Q(source=""))
                | (
                    Q(kind="reversal")
                    & Q(points__gt=0)
                    & ~Q(source="")
                    & Q(submission__isnull=False)
                ),
                name="target_entry_kind_whole",
            ),
            models.CheckConstraint(condition=Q(seq__gte=1), name="target_entry_seq_positive"),
        ]
        indexes = [
            # scores: a county's year, unit by unit and target by target; covering (kind, seq,
            # points): `scores.score_rows` reads nothing else
            models.Index(
                fields=["county", "year", "unit", "code", "kind", "seq", "points"],
                name="target_entry_scores",
            ),
            # the assessors' queue: submissions not yet scored, by unit
            models.Index(fields=["unit", "year", "kind"], name="target_entry_unit_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}#{self.seq} {self.kind} {self.code}"


class TargetYearClose(models.Model):
    """A year of target points closed by its assessing body (年终评定): the owner of the
    catalogue (the county, or a city's organs' working committee) closes the year for the units
    its catalogue applies to; their scores and places are kept in `TargetYearResult` rows and
    no entry of that year is written to their ledgers afterwards."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("closed target year")
        verbose_name_plural = _("closed target years")
        constraints = [
            # two closes of one year at once: one
            models.UniqueConstraint(fields=["owner", "year"], name="target_year_close_once"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.year}"


class TargetYearResult(models.Model):
    """One unit's kept year-end result: its place, total, scores by key task and by target
    (`targets`: code → name, task, points, measure, daily, onsite, deduction, figure, score, as
    strings) and the head of its target chain they were computed at."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    close = models.ForeignKey(TargetYearClose, on_delete=models.PROTECT, related_name="results")
    unit = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    catalogue = models.ForeignKey(TargetCatalogue, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField(_("place"))
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=1)
    deduction = models.DecimalField(max_digits=7, decimal_places=1)
    tasks = models.JSONField(default=dict)
    targets = models.JSONField(default=dict)
    head_seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("kept year-end result")
        verbose_name_plural = _("kept year-end results")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="target_year_result_once"),
        ]
        indexes = [models.Index(fields=["county", "year"], name="target_year_result_county")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} #{self.rank}"
