"""Mobile Party members' rows (流动党员, article 002, Chifeng's "12345"): the one-time codes an
outflow branch issues and the dated reports of where a member is, each kept beside the earlier
ones. The member, their branch, their mobile status and latest destination are the roster's
(`orgs.Member`); every row here carries its county."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhengxing.core import pii
from zhengxing.orgs.models import County, Member

from .rules import ADDRESS_MAX, CITY_MAX, EMPLOYER_MAX, Reason


class RegistrationCode(models.Model):
    """A one-time code (报备码) a mobile member's outflow branch issues, shown to the secretary,
    printed or read out on the phone (no SMS gateway): with it, the member's name and ID number
    the phone form knows who is reporting. Only its hash is kept; used once, then spent."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration code")
        verbose_name_plural = _("registration codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("issued_at")), name="mobility_code_expires_later"
            ),
        ]
        indexes = [
            # a member's page: their codes, newest first
            models.Index(fields=["member", "-issued_at"], name="mobility_code_member"),
        ]

    def __str__(self) -> str:
        return f"code {self.pk} member {self.member_id}"


class Whereabouts(models.Model):
    """Where a mobile member is, as reported on a given day: city and address, employer or
    trade, phone, since when, for how long, why. Never edited: a new report is a new row, and
    the member's latest one is the roster's destination."""

    class Source(models.TextChoices):
        SELF = "self", _("Reported by the member")
        BRANCH = "branch", _("Recorded by the branch")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"))
    city = models.CharField(_("city"), max_length=CITY_MAX)
    address = models.CharField(_("address"), max_length=ADDRESS_MAX)
    employer = models.CharField(_("employer or trade"), max_length=EMPLOYER_MAX)
    phone_enc = models.TextField(editable=False)
    since = models.DateField(_("away since"))
    expected_months = models.PositiveSmallIntegerField(_("expected months away"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.SELF)
    # the code this report was made with: one report per code, whatever races (a constraint)
    code = models.OneToOneField(
        RegistrationCode, null=True, blank=True, on_delete=models.PROTECT, related_name="report"
    )

    class Meta:
        verbose_name = _("whereabouts report")
        verbose_name_plural = _("whereabouts reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_months__gte=1), name="mobility_whereabouts_months"
            ),
        ]
        indexes = [
            # a member's history and the branch list's latest report per member
            models.Index(fields=["member", "-reported_at"], name="mobility_whereabouts_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.city}"

    @property
    def phone_masked(self) -> str:
        return pii.mask_phone(pii.decrypt(self.phone_enc))
