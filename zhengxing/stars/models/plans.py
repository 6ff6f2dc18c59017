"""Star plans 报星, self-chosen stars 自选星, reserve members, model selections and members'
posts 设岗定责."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County, Member, Org

from .ratings import Consequence


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the township")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class StarPlan(models.Model):
    """A village organisation's star plan for a year (报星计划): the duty and self-chosen stars
    it pursues, drafted by its committee, consulted with members, approved or returned with a
    reason by the township, then posted."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="star_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    duty_stars = models.JSONField(default=list)
    self_stars = models.JSONField(default=list)
    measures = models.TextField(_("measures"), max_length=4000, blank=True)
    consultation = models.TextField(_("members consulted"), max_length=2000, blank=True)
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    drafted_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_reason = models.CharField(max_length=500, blank=True)
    slug = models.CharField(max_length=32, unique=True)

    class Meta:
        verbose_name = _("star plan")
        verbose_name_plural = _("star plans")
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="star_plan_once"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year}"


class StarChoice(models.Model):
    """A member's self-chosen stars for a year (自选星), posted with the branch's choices."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="star_choices")
    year = models.PositiveSmallIntegerField()
    stars = models.JSONField(default=list)
    chosen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("self-chosen stars")
        verbose_name_plural = _("self-chosen stars")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="star_choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"


class ReserveMember(models.Model):
    """A member in the township's reserve pool of village cadres (后备力量): 000, "对评定为8星级
    以上的党员……纳入嘎查村班子后备力量重点培养". Entered when the township marks the rating's
    "reserve-pool" follow-up done; one entry per member and year (a database constraint)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="reserve_pool")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="reserve_entries")
    year = models.PositiveSmallIntegerField()
    stars = models.SmallIntegerField()  # the finalised stars that brought the member in
    consequence = models.OneToOneField(
        Consequence, null=True, blank=True, on_delete=models.PROTECT, related_name="reserve_entry"
    )
    note = models.CharField(max_length=500, blank=True)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("reserve pool member")
        verbose_name_plural = _("reserve pool")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="reserve_once_a_year"),
        ]
        indexes = [models.Index(fields=["township", "year"], name="reserve_township_year")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"


class ModelSelection(models.Model):
    """A year's selection of model five-star branches (五星标兵), with its quota and award: 004,
    "三门峡市委每年选树100个“五星标兵”村党支部,每村奖励1万元". A five-star branch is not a model
    by its stars: the county selects, within the quota."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    quota = models.PositiveIntegerField()
    award_yuan = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("model branch selection")
        verbose_name_plural = _("model branch selections")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="model_selection_once"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year}"


class ModelBranch(models.Model):
    """A branch selected a model five-star branch (五星标兵) in a year's selection."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    selection = models.ForeignKey(ModelSelection, on_delete=models.PROTECT, related_name="chosen")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="model_selections")
    reason = models.CharField(max_length=500)
    selected_at = models.DateTimeField()
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("model five-star branch")
        verbose_name_plural = _("model five-star branches")
        constraints = [
            models.UniqueConstraint(fields=["selection", "org"], name="model_branch_once"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.selection_id}"


class MemberPost(models.Model):
    """A member's post and duties for a year, set by the branch (设岗定责): 000, "普通党员设岗定责"
    among the duties by kind of member ("按照有职党员敬业争优、能人党员示范带动、普通党员设岗定责、
    流动党员科学管理、年老体弱党员建言献策要求设置职责"). One per member and year (a database
    constraint); a change is a new setting of the same row, audited with before and after."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="posts")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("post"), max_length=100)
    duties = models.TextField(_("duties"), max_length=1000, blank=True)
    set_at = models.DateTimeField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("member's post")
        verbose_name_plural = _("members' posts")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="member_post_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}: {self.title}"
