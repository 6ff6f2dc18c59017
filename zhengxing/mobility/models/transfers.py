"""Moving a member's membership to another county (组织关系转接): sent out by the member's
branch to a named organisation of another county, received there once. The member's row in
the first county stays, marked transferred out, with its history; the receiving county's
roster gets its own row, and the transfer joins the two."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County, Member, Org


class Transfer(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    from_branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    to_county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(_("sent on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_member = models.OneToOneField(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("membership transfer")
        verbose_name_plural = _("membership transfers")
        constraints = [
            # a member is on the way to one place at a time
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(received_on__isnull=True),
                name="mobility_transfer_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(to_county=F("county")), name="mobility_transfer_other_county"
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True, received_member__isnull=True)
                | Q(received_on__isnull=False, received_member__isnull=False),
                name="mobility_transfer_received",
            ),
        ]
        indexes = [
            # the receiving county's inbox: transfers to it not yet received
            models.Index(fields=["to_county", "received_on"], name="mobility_transfer_inbox"),
        ]

    def __str__(self) -> str:
        return f"transfer {self.member_id} → {self.to_org_id}"
