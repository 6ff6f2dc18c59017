"""Each county's tree of signed quarters (RFC 9162 style, `merkle.py`): its leaves in the order
they were appended, a signed head per append, and the tree's right edge, the row an append locks.

Every row is derived from the signed quarters (`ledger.QuarterClose`) and the key outside the
database; nothing here is edited after it is written."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengxing.ledger.models import QuarterClose
from zhengxing.orgs.models import County, Org


class Log(models.Model):
    """A county's tree as it grows: its size and the roots of its perfect subtrees, largest
    first (`merkle.frontier_append`), so that an append hashes O(log n) nodes. Each append locks
    this row: the county's sign-offs join the tree one after another."""

    county = models.OneToOneField(County, on_delete=models.PROTECT, related_name="+")
    size = models.PositiveBigIntegerField(default=0)
    frontier = models.JSONField(default=list)  # hex

    class Meta:
        verbose_name = _("verification tree")
        verbose_name_plural = _("verification trees")

    def __str__(self) -> str:
        return f"{self.county_id}: {self.size}"


class Leaf(models.Model):
    """One branch's signed quarter in its county's tree, at `index` (0, 1, 2 … in the order the
    quarters were signed). `content` is the canonical JSON hashed (`leaves.QuarterLeaf`)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    index = models.PositiveBigIntegerField()
    close = models.OneToOneField(QuarterClose, on_delete=models.PROTECT, related_name="+")
    content = models.TextField()
    leaf_hash = models.CharField(max_length=64)
    appended_at = models.DateTimeField()

    class Meta:
        verbose_name = _("anchored quarter")
        verbose_name_plural = _("anchored quarters")
        constraints = [
            # one leaf per place: two sign-offs racing for the same place, one wins (the
            # proofs read a county's leaves in this order, through this index)
            models.UniqueConstraint(fields=["county", "index"], name="integrity_leaf_place_once"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id}#{self.index}"


class TreeHead(models.Model):
    """The county's tree at one size, signed (RFC 9162's signed tree head): what a township or
    the county keeps outside the database, and what a proof is checked against."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    size = models.PositiveBigIntegerField()
    root_hash = models.CharField(max_length=64)
    timestamp = models.PositiveBigIntegerField()  # milliseconds since 1970, UTC, as signed
    public_key = models.CharField(max_length=44)  # urlsafe base64 of the 32 raw bytes
    signature = models.CharField(max_length=88)  # urlsafe base64 of the 64 raw bytes

    class Meta:
        verbose_name = _("signed tree head")
        verbose_name_plural = _("signed tree heads")
        constraints = [
            models.UniqueConstraint(fields=["county", "size"], name="integrity_head_size_once"),
            models.CheckConstraint(condition=Q(size__gte=1), name="integrity_head_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id}@{self.size}"


class FlagStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("of an integrity flag", "Open")
    DISMISSED = "dismissed", _("Dismissed")
    CONFIRMED = "confirmed", _("Confirmed")


class Flag(models.Model):
    """A detector's finding (`findings.Finding`) kept for the township: what was found, in which
    branch, with its evidence, and what the township made of it. Stored once per county, kind
    and subject (a database constraint): a re-scan finds it again and leaves it as it is,
    dismissed or confirmed. Never shown to the public."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32)
    subject = models.CharField(max_length=200)
    summary = models.CharField(max_length=500)
    evidence = models.JSONField(default=dict)
    found_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("integrity flag")
        verbose_name_plural = _("integrity flags")
        constraints = [
            # a re-scan stores a finding once (two scans racing: one insert wins)
            models.UniqueConstraint(
                fields=["county", "kind", "subject"], name="integrity_flag_once"
            ),
        ]
        # the integrity page: a county's flags by status, newest first
        indexes = [
            models.Index(fields=["county", "status", "found_at"], name="integrity_flag_status")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"


class SupervisionKind(models.TextChoices):
    """What the higher committee found (003: "工作落實不力、弄虛作假、評選過程不公正和結果不及時
    公開"); each is the category of the deduction it charges (targets' `DeductionSource`)."""

    LATE = "late", _("Evaluation late")  # 评定不及时
    UNFAIR = "unfair", _("Evaluation unfair")  # 评定不公正
    FAKED = "faked", _("Evaluation faked")  # 弄虚作假
    UNPUBLISHED = "unpublished", _("Results not published in time")  # 结果未及时公开


class SupervisionStatus(models.TextChoices):
    RECORDED = "recorded", pgettext_lazy("of a supervision finding", "Recorded")
    WITHDRAWN = "withdrawn", pgettext_lazy("of a supervision finding", "Withdrawn")


class SupervisionFinding(models.Model):
    """The township's finding against a branch (督查结论) and the deduction it charged to the
    branch's annual score (`deduction_ref`: the target ledger's entry). Never deleted: a
    withdrawal keeps the row, says who withdrew it and why, and names the reversal entry that
    gave the points back. `ref` is what the deduction cites."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=20, unique=True)
    kind = models.CharField(_("finding"), max_length=16, choices=SupervisionKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    facts = models.TextField(_("facts"))
    points = models.DecimalField(_("points deducted"), max_digits=4, decimal_places=1)
    flags = models.ManyToManyField(Flag, blank=True, related_name="+")
    files = models.JSONField(default=list, blank=True)  # the evidence files' refs (ledger)
    deduction_ref = models.CharField(max_length=32)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=SupervisionStatus.choices, default=SupervisionStatus.RECORDED
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdraw_reason = models.TextField(blank=True, default="")
    reversal_ref = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("supervision finding")
        verbose_name_plural = _("supervision findings")
        constraints = [
            # supervision.POINTS_LOW … POINTS_HIGH (the article names no figure)
            models.CheckConstraint(
                condition=Q(points__gte="0.5") & Q(points__lte=20),
                name="integrity_supervision_points_range",
            ),
            models.CheckConstraint(
                condition=Q(status="recorded", reversal_ref="")
                | (Q(status="withdrawn") & ~Q(reversal_ref="")),
                name="integrity_supervision_withdrawn_reversed",
            ),
        ]
        # the findings pages: a county's branch by branch, newest first
        indexes = [
            models.Index(fields=["county", "org", "recorded_at"], name="integrity_supervision_org")
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.kind}"
