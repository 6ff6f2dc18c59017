"""Star schemes (the rules as data) and the words for subjects, rounds and periods."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengxing.core.periods import PERIOD_NAMES
from zhengxing.orgs.models import County, Org


class Subject(models.TextChoices):
    MEMBER = "member", _("Party members")
    ORG = "org", _("Organisations")


class RoundKind(models.TextChoices):
    SELF = "self", _("Self-evaluation")  # 自评
    PEER = "peer", _("Peer evaluation")  # 互评
    COMMITTEE = "committee", _("Committee evaluation")  # 商评 / 支委评
    PUBLIC = "public", _("Public evaluation")  # 群众评
    GENERAL = "general", _("General evaluation")  # 总评
    ASSESSMENT = "assessment", _("Township assessment")  # 乡镇考评 of a village organisation


# a period's code in words ("Y": 年度): one table for every app, zhengxing.core.periods
PERIOD_LABELS = PERIOD_NAMES


class StarScheme(models.Model):
    """A county's (owner: the county's root) or a township's star scheme for a year and a
    subject. Edits make a new version; ratings keep the version they were computed under."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="star_schemes")
    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(_("rated"), max_length=8, choices=Subject.choices)
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(default=True)
    name = models.CharField(pgettext_lazy("of a thing", "name"), max_length=200)
    preset = models.CharField(_("preset"), max_length=32, blank=True)
    spec = models.JSONField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("star scheme")
        verbose_name_plural = _("star schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "year", "subject", "version"], name="star_scheme_version"
            ),
            models.UniqueConstraint(
                fields=["owner", "year", "subject"],
                condition=Q(is_current=True),
                name="star_scheme_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
