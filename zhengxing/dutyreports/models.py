"""The secretaries' annual report and review (述职评议): the county's rubric (`Rubric`, versioned:
a change makes the next version, a round keeps the one its meeting opened with), a review round
of a superior organisation's year (`ReviewRound`: which units' secretaries report, `ReviewUnit`;
the named panel, `PanelMember`), each unit's report (`Report`, with its files, `ReportFile`: the
ledger's evidence files) and each panel member's marks of it (`Score`, one per member and report
by a UNIQUE constraint). A report's score and grade are written when its last panel member
scores it; the round's results are public once it is closed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.ledger.models import EvidenceFile
from zhengxing.orgs.models import County, Org

from .rules import Grade, State


class Rubric(models.Model):
    """One version of a county's rubric for the secretaries' reports: items summing to 100.
    An edit never changes a version: it writes the next one and makes it current."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county", "version"], name="duty_rubric_version_once"),
            # rubric_current(): at most one current version per county
            models.UniqueConstraint(
                fields=["county"], condition=Q(is_current=True), name="duty_rubric_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"rubric v{self.version}"


class RubricItem(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("item"), max_length=50)
    max_points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "name"], name="duty_rubric_item_once"),
            models.CheckConstraint(
                condition=Q(max_points__gte=1, max_points__lte=100), name="duty_item_points"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points})"


class ReviewRound(models.Model):
    """The review of a year's reports, held by a superior organisation (the county, a township)
    for the units under it. Set up, then the meeting opens (reports frozen, the rubric and the
    panel fixed), then it closes (the results posted)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    state = models.CharField(max_length=8, choices=State.choices, default=State.SETUP)
    # the rubric version the meeting opened with (None while being set up)
    rubric = models.ForeignKey(
        Rubric, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    good_from = models.PositiveSmallIntegerField(_("Good from"), default=90)
    fairly_good_from = models.PositiveSmallIntegerField(_("Fairly good from"), default=80)
    fair_from = models.PositiveSmallIntegerField(_("Fair from"), default=60)
    created_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="duty_round_once_a_year"),
            models.CheckConstraint(
                condition=Q(good_from__lte=100)
                & Q(good_from__gt=models.F("fairly_good_from"))
                & Q(fairly_good_from__gt=models.F("fair_from")),
                name="duty_round_thresholds_descend",
            ),
        ]
        indexes = [
            # the public results: a county's closed rounds, newest year first
            models.Index(fields=["county", "state", "year"], name="duty_round_public"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def thresholds(self) -> tuple[int, int, int]:
        return (self.good_from, self.fairly_good_from, self.fair_from)


class ReviewUnit(models.Model):
    """A unit whose Party secretary reports in the round."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="units")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "org"], name="duty_unit_once"),
        ]

    def __str__(self) -> str:
        return f"unit {self.org_id} of {self.round_id}"


class PanelMember(models.Model):
    """A named member of the review panel: a user holding a role at the round's organisation."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="duty_panel_once"),
        ]

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """A unit secretary's report of the year on their Party-building duty. Resubmitted until
    the meeting opens; then frozen. `expected` is fixed when the meeting opens: the panel
    members not of the unit (who may score it); `score` and `grade` are written when the last
    of them has scored."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="reports")
    unit = models.OneToOneField(ReviewUnit, on_delete=models.PROTECT, related_name="report")
    text = models.TextField(_("report"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    revision = models.PositiveSmallIntegerField(default=1)
    expected = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(max_length=12, choices=Grade.choices, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"report of {self.unit_id}"


class ReportFile(models.Model):
    """A file attached to a report: an evidence file the secretary uploaded (the ledger's)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    evidence = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "evidence"], name="duty_file_once"),
        ]

    def __str__(self) -> str:
        return self.name or str(self.evidence_id)


class Score(models.Model):
    """One panel member's marks of one report, on the round's rubric: given once, never changed."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="scores")
    panelist = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="scores")
    marks = models.JSONField()
    total = models.DecimalField(max_digits=5, decimal_places=1)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    scored_at = models.DateTimeField()

    class Meta:
        constraints = [
            # a score submitted twice (two taps, two phones): one row
            models.UniqueConstraint(fields=["report", "panelist"], name="duty_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.panelist_id} → {self.report_id}: {self.total}"
