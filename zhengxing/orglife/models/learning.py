"""Learning (学习): the county's course catalogue, members picking from it (菜单式点学), and each
completion — recorded by the member with a short note and confirmed by the branch, or recorded
by whoever delivered it (送学上门, 红色包裹) — with the hours it counts.

"充分利用网页、电视、微信公众号等常用平台实行“菜单式”点学,精准滴灌" and "集中返乡期间送学上门、
邮寄“红色包裹”等方式" (002: Chifeng)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County, Member, Org


class CourseKind(models.TextChoices):
    VIDEO = "video", _("Video link")
    TEXT = "text", _("Text")
    OFFLINE = "offline", _("Offline lesson")
    DELIVERY = "delivery", _("Delivered at home")
    PARCEL = "parcel", _("Red parcel by post")


# Kinds whose completion is recorded by whoever delivered or held it, not by the member.
DELIVERED_KINDS = frozenset({CourseKind.OFFLINE, CourseKind.DELIVERY, CourseKind.PARCEL})


class Course(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=CourseKind.choices)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=Decimal(1))
    link = models.URLField(_("link"), max_length=500, blank=True)
    body = models.TextField(_("text"), max_length=20000, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=100), name="course_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LessonState(models.TextChoices):
    CHOSEN = "chosen", _("Chosen")
    REPORTED = "reported", _("Reported, awaiting confirmation")
    DONE = "done", _("Done")


class Lesson(models.Model):
    """One member's course: chosen from the menu, reported done, confirmed (the points then)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="lessons")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=LessonState.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    chosen_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "member"], name="lesson_once"),
            models.CheckConstraint(
                condition=Q(state="chosen") | Q(completed_on__isnull=False),
                name="lesson_done_has_date",
            ),
        ]
        indexes = [
            # the year's hours per member of a branch, and the lessons awaiting confirmation
            models.Index(fields=["branch", "state", "completed_on"], name="lesson_branch_state"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.course_id} {self.state}"
