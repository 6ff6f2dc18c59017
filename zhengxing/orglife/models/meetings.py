"""Meetings (三会一课, 主题党日): planned by the branch, a roll of who must attend, sign-ins on
the spot, minutes, and which catalogue items their attendance earns.

"规范'三会一课'、每月党员活动" (000: Bayannur); a member signs in once per meeting (a DB
constraint settles two phones racing), and the points follow when the minutes are closed."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.ledger.models import EvidenceFile
from zhengxing.orgs.models import County, Member, Org


def new_sheet_code() -> str:
    """The printed sheet's code: random, never the meeting's id."""
    return secrets.token_urlsafe(9)


class MeetingKind(models.TextChoices):
    MEMBERS = "members", _("Branch members' meeting")
    COMMITTEE = "committee", _("Branch committee meeting")
    GROUP = "group", _("Party group meeting")
    LECTURE = "lecture", _("Party lecture")
    THEME_DAY = "theme_day", _("Monthly theme day")
    LIFE = "life", _("Annual organisation-life meeting")


class Excuse(models.TextChoices):
    NONE = "", _("Expected")
    LEAVE = "leave", _("On leave")
    ELSEWHERE = "elsewhere", _("Attends the inflow organisation's meeting")


class SignInWay(models.TextChoices):
    QR = "qr", _("Scanned the code on the secretary's phone")
    SHEET = "sheet", _("Scanned the printed sheet")
    TICKED = "ticked", _("Ticked by the secretary")


class Meeting(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    # a group meeting's Party group (its members are the roll)
    group = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    agenda = models.TextField(_("agenda"), max_length=2000)
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    # a theme day planned off the county's fixed day (`LifeRule.theme_day`): why
    off_day_reason = models.CharField(_("reason for another date"), max_length=200, blank=True)
    sheet_code = models.CharField(max_length=16, unique=True, default=new_sheet_code)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]
        indexes = [
            # a branch's record for the year, per kind
            models.Index(fields=["branch", "held_on"], name="meeting_branch_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Attendee(models.Model):
    """One member on a meeting's roll: expected, on leave, or attending elsewhere (a mobile
    member at the inflow organisation's meeting)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    excuse = models.CharField(max_length=16, choices=Excuse.choices, blank=True, default="")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendee_once"),
        ]
        indexes = [
            # a member's upcoming meetings (the home page): the member's roll rows
            models.Index(fields=["member", "meeting"], name="attendee_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.meeting_id}"


class SignIn(models.Model):
    """A member present at a meeting: once, whichever way (the constraint settles a race)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sign_ins")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    way = models.CharField(max_length=8, choices=SignInWay.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="sign_in_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.meeting_id} {self.way}"


class LifeRule(models.Model):
    """What one kind of organisation life earns in a county, set by the county: the catalogue
    item of attending (by code, looked up in the branch's applying catalogue), the item of
    absence without leave, and how many a branch must hold a year. Without a row the defaults
    of `orglife.meeting_rules` apply."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    activity = models.CharField(max_length=16)
    attend_code = models.CharField(max_length=32, blank=True)
    absence_code = models.CharField(max_length=32, blank=True)
    per_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # the theme day's fixed day of the month, 1-28 (every month has it): "“固定日”集中学" (003),
    # "坚持每月党员活动一次" (000); None: the county fixes none. Only the theme day's row has one.
    theme_day = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county", "activity"], name="life_rule_once"),
            models.CheckConstraint(
                condition=Q(per_year__isnull=True) | Q(per_year__lte=366), name="life_rule_count"
            ),
            models.CheckConstraint(
                condition=Q(theme_day__isnull=True)
                | Q(activity="theme_day", theme_day__gte=1, theme_day__lte=28),
                name="life_rule_theme_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id}:{self.activity}"


class MeetingPhoto(models.Model):
    """A photo kept with a meeting's minutes (the secretary's phone camera), stored as the
    ledger's evidence files are (`ledger.EvidenceFile`: checked by content, under MEDIA_ROOT with
    a name of our own) and shown only to those who may see the meeting."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="photos")
    file = models.OneToOneField(EvidenceFile, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        verbose_name = _("meeting photo")
        verbose_name_plural = _("meeting photos")
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"photo {self.pk}@{self.meeting_id}"
