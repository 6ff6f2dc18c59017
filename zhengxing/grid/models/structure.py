"""The grid's structure over the organisation tree.

兴安盟: "构建乡村有网格、网格到群众的疫情防控网，实现村内建网、网中有格、格中定人";
"使每个单位、每个家庭、每个组织都处于网格之中"。
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.core import pii
from zhengxing.orgs.models import County, Member, Org

from ..rules import Duty, Relation, Tier, UnitKind


def new_ref() -> str:
    """A household's or a need's reference on the public pages: random, never an id."""
    return secrets.token_urlsafe(12)


class ServicePost(models.Model):
    """A Party-mass service centre, station or point (党群服务中心、站、点), set on the node of the
    tree it serves: a centre at a township, a station at a village or community, a point below."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("service phone"), max_length=30, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="grid_post_name_unique"),
            # a centre stands alone; stations and points hang under one tier up (services)
            models.CheckConstraint(
                condition=Q(tier=Tier.CENTRE, parent__isnull=True)
                | (~Q(tier=Tier.CENTRE) & Q(parent__isnull=False)),
                name="grid_post_parent_by_tier",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Grid(models.Model):
    """A grid (网格): a stretch of households under a station or point, held by the tree node
    whose roles see it (a village or community, or its grid branch)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(ServicePost, on_delete=models.PROTECT, related_name="grids")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="grid_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class GridPerson(pii.EncryptedPhone, models.Model):
    """One of the grid's 两员三长: its head, a worker, a unit head; with a login when they have
    one (a grid worker's own needs are routed to it)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="people")
    duty = models.CharField(_("duty"), max_length=12, choices=Duty.choices)
    name = models.CharField(_("name"), max_length=50)
    phone_enc = models.TextField(blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            # one grid head per grid
            models.UniqueConstraint(
                fields=["grid"], condition=Q(duty=Duty.HEAD), name="grid_one_head"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """A household (户), in exactly one grid: its address is unique in the county (the database
    refuses the same household in a second grid), and its grid is one column."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="households")
    address = models.CharField(_("address"), max_length=200)
    # the address without spaces or punctuation, what the uniqueness is kept on
    address_key = models.CharField(max_length=200, editable=False)
    public_ref = models.CharField(max_length=24, unique=True, default=new_ref, editable=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["county", "address_key"], name="grid_household_once_in_county"
            ),
        ]
        indexes = [models.Index(fields=["grid", "address"], name="grid_household_by_grid")]

    def __str__(self) -> str:
        return self.address


class Resident(pii.EncryptedPhone, models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="residents")
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=8, choices=Relation.choices)
    phone_enc = models.TextField(blank=True, editable=False)
    # a Party member living here (党员中心户): linked to one household only
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(member__isnull=False),
                name="grid_member_in_one_household",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GridUnit(models.Model):
    """An enterprise, shop or organisation in a grid (每个单位都处于网格之中)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)

    def __str__(self) -> str:
        return self.name
