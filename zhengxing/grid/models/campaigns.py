"""Door-to-door campaigns (敲门行动, 入户登记): a campaign with its purpose, dates and grids, and
each worker's visits to the households of those grids.

兴安盟: "结合当前疫情工作，我们开展了 敲门行动，每家每户有没有外来人口，我都要及时了解，及时汇报";
"做好入户登记、摸排走访、全面排查……确保全覆盖、无死角、不漏一户、不落一人"。
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County, Org

from ..rules import Outcome
from .structure import Grid, Household


class Campaign(models.Model):
    """A door-to-door campaign over some grids under `org` (whose managing roles started it)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    grids = models.ManyToManyField(Grid, related_name="campaigns")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="grid_campaign_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.purpose


class Visit(models.Model):
    """One knock on a household's door in a campaign: who was met (or nobody), how many live
    there now, who has come or gone (the household's residents updated through the services),
    what was asked and a free note. A household is reached once a visit met someone."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="visits")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="visits")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_at = models.DateTimeField()
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    # the residents registered after the visit's changes
    living = models.PositiveIntegerField(_("living there now"), default=0)
    arrived = models.JSONField(default=list, blank=True)  # names of those who came
    left = models.JSONField(default=list, blank=True)  # names of those who went
    asked = models.TextField(_("what was asked"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        indexes = [
            # coverage: is this household reached in this campaign (an EXISTS per household)
            models.Index(fields=["household", "campaign", "outcome"], name="grid_visit_reached"),
            models.Index(fields=["campaign", "visited_at"], name="grid_visit_by_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.household_id}"


class Reach(models.Model):
    """How many of a grid's households the campaign has reached (a visit met someone there),
    one row per campaign and grid, kept in the transaction of each write that changes it
    (`visit_record`: a household's first meeting in the campaign; `household_move`: a reached
    household changing grids). The coverage per grid reads these rows instead of asking, for
    each of 200,000 households, whether a visit met someone (bench_grid: 4,397 grids, over a
    second that way). `selectors.reach_problems` recounts them from the visits; `zhengxing
    verify-grid` names any that differ and `--repair` sets them again."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reach")
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="reach")
    reached = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "grid"], name="grid_reach_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.grid_id} {self.reached}"
