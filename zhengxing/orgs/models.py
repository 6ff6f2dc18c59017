"""The organisation tree, the member roster, and who holds which role where.

Every county-owned row carries `county_id`: the key a distributed PostgreSQL (Citus) would shard
on when a province outgrows one server. `County` itself is a small reference table.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.audit.models import AuditEvent
from zhengxing.core import pii

from .rules import (
    Education,
    Gender,
    MemberCategory,
    MemberStatus,
    OrgCategory,
    OrgKind,
    Role,
    Standing,
    UnitRelation,
)

# Each tree level adds one fixed-width segment (the node's id) to the materialised path, so a
# subtree is one range scan on an ordinary b-tree index: path >= P and path < next(P). Digits
# only, so the range holds under any collation, SQLite's or PostgreSQL's.
PATH_SEGMENT = 10


def path_segment(pk: int) -> str:
    return f"{pk:0{PATH_SEGMENT}d}"


def path_upper_bound(path: str) -> str:
    """The first path that sorts after every path starting with `path`."""
    return str(int(path) + 1).zfill(len(path))


def subtree_q(path: str, prefix: str = "") -> Q:
    """Rows whose `<prefix>path` lies in the subtree rooted at `path` (itself included)."""
    return Q(**{f"{prefix}path__gte": path, f"{prefix}path__lt": path_upper_bound(path)})


def new_public_ref() -> str:
    """An organisation's reference on the public pages (its report form, its star board):
    random, so that counting through ids or codes finds nothing."""
    return secrets.token_hex(8)


class County(models.Model):
    """A county (旗县区): the owner of one database of organisations and members."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region_code = models.CharField(_("region code"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class Org(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("full name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=OrgKind.choices)
    category = models.CharField(
        _("category"), max_length=24, choices=OrgCategory.choices, default=OrgCategory.RURAL
    )
    unit_relation = models.CharField(
        _("unit"), max_length=24, choices=UnitRelation.choices, default=UnitRelation.SAME_AS_PARENT
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    secretary_name = models.CharField(_("secretary"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_active = models.BooleanField(default=True)
    # what the public pages name the organisation by (/p/branch/<public_ref>/report/): never its
    # id or code, which can be counted through to harvest every branch's members
    public_ref = models.CharField(
        max_length=16, unique=True, default=new_public_ref, editable=False
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="org_code_unique_in_county"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=models.F("id")),
                name="org_not_own_parent",
            ),
        ]
        indexes = [
            # subtree_q(): every scoped query is a range scan on path
            models.Index(fields=["path"], name="org_path"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def holds_members(self) -> bool:
        from .rules import MEMBER_HOLDING_KINDS

        return self.kind in MEMBER_HOLDING_KINDS


class Member(pii.EncryptedPhone, models.Model):
    # No index of their own for the county and the branch: each leads a composite index below
    # (the county: the ID number's unique constraint, `member_county_branch_name`, `member_roll`;
    # the branch: `member_branch_name`), which serves every look-up by it, and a roster import
    # of 100,000 members would otherwise keep two more B-trees (bench/README.md).
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    branch = models.ForeignKey(
        Org,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("branch"),
        db_index=False,
    )
    group = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
        verbose_name=_("Party group"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20)
    birth_date = models.DateField(_("birth date"))
    id_card_enc = models.TextField(editable=False)
    id_card_hash = models.CharField(max_length=64, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    address = models.CharField(_("home address"), max_length=200, blank=True)
    education = models.CharField(
        _("education"), max_length=16, choices=Education.choices, blank=True
    )
    joined_on = models.DateField(_("date joined"))
    full_on = models.DateField(_("date made full member"), null=True, blank=True)
    standing = models.CharField(_("standing"), max_length=16, choices=Standing.choices)
    category = models.CharField(_("category"), max_length=16, choices=MemberCategory.choices)
    post = models.CharField(_("job or post"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    status_since = models.DateField(_("status since"))
    mobile_whereabouts = models.CharField(_("where they went"), max_length=200, blank=True)
    mobile_reason = models.CharField(_("why"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        constraints = [
            # One record per person per county; the blind index stands in for the ID number.
            models.UniqueConstraint(
                fields=["county", "id_card_hash"], name="member_id_card_unique_in_county"
            ),
            models.CheckConstraint(
                condition=Q(full_on__isnull=True) | Q(full_on__gte=models.F("joined_on")),
                name="member_full_after_joined",
            ),
        ]
        indexes = [
            # the member list: a branch's (or subtree's) members in name order
            models.Index(fields=["branch", "name"], name="member_branch_name"),
            # the member list of a whole county: walked in (branch, name) order, index only
            models.Index(fields=["county", "branch", "name"], name="member_county_branch_name"),
            # the roll the star recompute reads: a county's members in id order with their
            # branch and status, from the index alone (the rows are wide: names, encrypted ID
            # numbers, contacts)
            models.Index(fields=["county", "id", "branch", "status"], name="member_roll"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_card(self) -> str:
        """The full number. Call only where the viewer is entitled, and log it."""
        return pii.decrypt(self.id_card_enc)

    @property
    def id_card_masked(self) -> str:
        return pii.mask_id_card(self.id_card)


class MemberEvent(models.Model):
    """Dated history of a member: joined the roster, status changes, transfers between branches."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        STATUS = "status", _("Status changed")
        TRANSFER = "transfer", _("Transferred")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    # indexed by `member_event_member_on`, which it leads
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    on = models.DateField(_("date"))
    status_from = models.CharField(max_length=16, choices=MemberStatus.choices, blank=True)
    status_to = models.CharField(max_length=16, choices=MemberStatus.choices, blank=True)
    branch_from = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    branch_to = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField()
    # The audit row of the change that wrote this event, where that row is not the member's own:
    # a roster import writes one audit row for the whole import (who, when, which file), and
    # each member's history row points to it. Read from the event only (no index needed).
    audit = models.ForeignKey(
        AuditEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["member", "on"], name="member_event_member_on")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.on}"


class RoleAssignment(models.Model):
    """A user holds a role at a node of the tree, and acts on its subtree only."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "role"], name="role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} @ {self.org_id}"
