"""Lost contact (失联) and the search for a member, as PRACTICES §0 defines it: no organisation
life and no dues for six months or more (settings.ZHENGXING_LOST_CONTACT_MONTHS), the reason
coded as the national system codes it. A case is flagged, its search steps recorded one by
one, and it is closed once with its outcome: found, or the county's procedure followed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County, Member


class LostReason(models.TextChoices):
    """Why contact was lost (失联原因), as the national member system codes it."""

    UNKNOWN = "", _("Not yet known")
    WORK = "work", _("Migrant work or business")
    RESTRUCTURED = "restructured", _("Unit restructured or bankrupt")
    GRADUATED = "graduated", _("Whereabouts unknown after graduation")
    EMPLOYER = "employer", _("Changed employer")
    ABROAD = "abroad", _("Abroad")
    MOVED = "moved", _("Moved house")
    OTHER = "other", _("Other")


class LostOutcome(models.TextChoices):
    OPEN = "", _("Still searching")
    FOUND = "found", _("Found, in contact again")
    PROCEDURE = "procedure", _("Handled by the county's procedure")


class SearchWay(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Home visit")
    FAMILY = "family", _("Asked family or neighbours")
    INFLOW = "inflow", _("Asked the inflow organisation")
    EMPLOYER = "employer", _("Asked the employer")
    NOTICE = "notice", _("Public notice")
    OTHER = "other", _("Other")


class LostCase(models.Model):
    """A member flagged as lost contact on a day, with when they were last heard from; open
    until closed once with its outcome. One open case per member (a partial unique index)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    flagged_on = models.DateField(_("flagged on"))
    last_heard_on = models.DateField(_("last heard from"), null=True, blank=True)
    reason = models.CharField(
        _("reason"), max_length=16, choices=LostReason.choices, blank=True, default=""
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=LostOutcome.choices, blank=True, default=""
    )
    outcome_note = models.CharField(_("what was done"), max_length=500, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    flagged_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lost-contact case")
        verbose_name_plural = _("lost-contact cases")
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(outcome=""), name="mobility_lost_one_open"
            ),
            # closed means an outcome and a day, open means neither
            models.CheckConstraint(
                condition=Q(outcome="", closed_on__isnull=True)
                | (~Q(outcome="") & Q(closed_on__isnull=False)),
                name="mobility_lost_closed",
            ),
        ]
        indexes = [
            # the list page: a county's cases, the open ones first
            models.Index(fields=["county", "outcome", "flagged_on"], name="mobility_lost_list"),
        ]

    def __str__(self) -> str:
        return f"lost {self.member_id} {self.flagged_on}"

    @property
    def is_open(self) -> bool:
        return self.outcome == LostOutcome.OPEN


class SearchStep(models.Model):
    """One step of the search for a lost member: when, how, what came of it, who."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(LostCase, on_delete=models.PROTECT, related_name="steps")
    on = models.DateField(_("date"))
    way = models.CharField(_("how"), max_length=16, choices=SearchWay.choices)
    what = models.CharField(_("what came of it"), max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.on} {self.way}"
