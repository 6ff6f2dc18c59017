"""One membership, organisation life in several places (一方隶属、参加多重组织生活, article 002): a
mobile member's attendance at the inflow organisation's meeting, counted for the meeting of
their own branch on whose roll they stand — from the inflow side's list (recorded by the
outflow secretary) or from the inflow organisation's own meeting in the system (recorded by
its secretary)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengxing.orglife.models import Meeting
from zhengxing.orgs.models import County, Member

from . import InflowOrg


class ElsewhereAttendance(models.Model):
    class Source(models.TextChoices):
        LIST = "list", _("From the inflow side's list")
        SIGN_IN = "sign_in", _("At the inflow organisation's meeting in the system")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    # the own branch's meeting it counts for (its record and points)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="+")
    inflow = models.ForeignKey(InflowOrg, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("held on"))
    # the inflow organisation's own meeting, when it is in the system
    inflow_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=8, choices=Source.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="mobility_elsewhere_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.inflow_id} for {self.meeting_id}"
