"""The board of chances to serve (004 Sanmenxia: "发布群众需求信息、组建党员服务小分队、设立公益
岗位、组织义务劳动"): what the branch posts, who signs up, and who came."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.ledger.models import RuleItem
from zhengxing.orgs.models import County, Member, Org


class ChanceKind(models.TextChoices):
    NEED = "need", "群众需求"
    SQUAD = "squad", "党员服务小分队"
    POST = "post", "公益岗位"
    LABOUR = "labour", "义务劳动"


class Chance(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="chances")
    kind = models.CharField(_("kind"), max_length=16, choices=ChanceKind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.CharField(_("description"), max_length=1000, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    happens_on = models.DateField(_("date"))
    slots = models.PositiveSmallIntegerField(_("places"), null=True, blank=True)
    # the catalogue item the service earns (None: no points, said on the page)
    item = models.ForeignKey(
        RuleItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)  # who came was recorded: done

    class Meta:
        verbose_name = _("chance to serve")
        verbose_name_plural = _("chances to serve")
        constraints = [
            models.CheckConstraint(
                condition=Q(slots__isnull=True) | Q(slots__gte=1), name="chance_slots_positive"
            ),
        ]
        indexes = [
            # the board: a branch's chances by date
            models.Index(fields=["branch", "happens_on"], name="chance_branch_day"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.happens_on}"


class ChanceSignup(models.Model):
    chance = models.ForeignKey(Chance, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    signed_up_at = models.DateTimeField()
    came = models.BooleanField(null=True)  # None until the organiser records who came

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["chance", "member"], name="chance_signup_once"),
        ]

    def __str__(self) -> str:
        return f"{self.chance_id} {self.member_id}"
