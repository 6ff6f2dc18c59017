"""A member arriving from a county outside the system (组织关系转接, in): the branch receives the
membership on the sending organisation's letter of introduction (组织关系介绍信), its number and
date kept, and the member joins the roster with their history starting on the day they arrive.
The sending county and organisation are an external party named with a contact, never a login;
a transfer between two counties of the system is a `Transfer` instead."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengxing.core import pii
from zhengxing.orgs.models import County, Member, Org


class Arrival(pii.EncryptedPhone, models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    # the roster row the arrival made: one arrival per row
    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    from_county = models.CharField(_("from county"), max_length=100)
    from_org = models.CharField(_("from organisation"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=50)
    # the sending organisation's contact's phone (`phone`, `phone_masked`)
    phone_enc = models.TextField(editable=False)
    letter_no = models.CharField(_("letter number"), max_length=50)
    letter_on = models.DateField(_("letter dated"))
    arrived_on = models.DateField(_("arrived on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("arrival from outside the system")
        verbose_name_plural = _("arrivals from outside the system")
        constraints = [
            # one letter is received once, whatever races
            models.UniqueConstraint(
                fields=["county", "from_county", "letter_no"], name="mobility_arrival_letter"
            ),
        ]
        indexes = [
            # the transfers page: a county's arrivals, newest first
            models.Index(fields=["county", "-arrived_on"], name="mobility_arrival_list"),
        ]

    def __str__(self) -> str:
        return f"arrival {self.member_id} ({self.letter_no})"
