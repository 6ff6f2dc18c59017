"""Rule catalogues, claims, quarterly sign-off and the append-only, hash-chained points ledger.

Every row carries `county_id`, the shard key (see orgs.models). Points are kept to one decimal
place; items and claims hold magnitudes, the ledger holds signed points (deductions negative).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.core import pii
from zhengxing.core.append_only import AppendOnly
from zhengxing.orgs.models import County, Member, Org
from zhengxing.orgs.rules import MemberCategory

from . import origins
from .chain import GENESIS_HASH
from .rules import ClaimSource, ClaimStatus, Part, Recorder


class RuleCatalogue(models.Model):
    """One version of a county's or township's scoring rules for a year (《积分规则》).

    An edit never changes a version: it creates the next one and makes it current. Entries keep
    the item rows of the version they were scored under. `owner` is the organisation that set
    the rules, the county's root node or a township; its subtree follows them, the nearest
    owner winning.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="rule_catalogues")
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    name = models.CharField(_("name"), max_length=200)
    preset = models.CharField(_("preset"), max_length=32, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rule catalogue")
        verbose_name_plural = _("rule catalogues")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "owner", "year", "version"], name="catalogue_version_unique"
            ),
            # catalogue_applying(): at most one current version per owner and year
            models.UniqueConstraint(
                fields=["owner", "year"],
                condition=Q(is_current=True),
                name="catalogue_one_current",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="catalogue_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class RuleItem(models.Model):
    """A scoring item of one catalogue version. Points are magnitudes; the part gives the sign."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    catalogue = models.ForeignKey(RuleCatalogue, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    block = models.CharField(_("block"), max_length=50, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    part = models.CharField(_("part"), max_length=16, choices=Part.choices)
    default_points = models.DecimalField(_("default points"), max_digits=7, decimal_places=1)
    min_points = models.DecimalField(_("minimum points"), max_digits=7, decimal_places=1)
    max_points = models.DecimalField(_("maximum points"), max_digits=7, decimal_places=1)
    cap_quarter = models.DecimalField(
        _("cap per quarter"), null=True, blank=True, max_digits=7, decimal_places=1
    )
    cap_year = models.DecimalField(
        _("cap per year"), null=True, blank=True, max_digits=7, decimal_places=1
    )
    recorder = models.CharField(_("recorded by"), max_length=16, choices=Recorder.choices)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("scoring item")
        verbose_name_plural = _("scoring items")
        ordering = ["catalogue", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="rule_item_code_unique"),
            models.CheckConstraint(
                condition=~Q(part=Part.DEDUCTION) | Q(recorder=Recorder.COMMITTEE),
                name="rule_item_deduction_by_committee",
            ),
            models.CheckConstraint(
                condition=Q(min_points__gte=0)
                & Q(min_points__lte=models.F("default_points"))
                & Q(default_points__lte=models.F("max_points")),
                name="rule_item_points_in_range",
            ),
            models.CheckConstraint(
                condition=(Q(cap_quarter__isnull=True) | Q(cap_quarter__gt=0))
                & (Q(cap_year__isnull=True) | Q(cap_year__gt=0)),
                name="rule_item_caps_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CategoryBase(models.Model):
    """Base points per member category (members of different categories carry different
    duties: 有职党员 敬业争优, 能人党员 示范带动, …)."""

    # the catalogue's county
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    catalogue = models.ForeignKey(
        RuleCatalogue, on_delete=models.PROTECT, related_name="category_bases"
    )
    category = models.CharField(_("category"), max_length=16, choices=MemberCategory.choices)
    points = models.DecimalField(_("base points"), max_digits=7, decimal_places=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "category"], name="category_base_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="category_base_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.points}"


class Claim(models.Model):
    """A report that a member earned (or, from the public, lost) points: a self-report, a
    committee registration, or a public report. Claims are reviewed; ledger entries are not."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="claims")
    # empty only on a public report until the committee decides which item it falls under
    item = models.ForeignKey(
        RuleItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    occurred_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("what happened"), max_length=2000)
    points_requested = models.DecimalField(null=True, blank=True, max_digits=7, decimal_places=1)
    points_awarded = models.DecimalField(null=True, blank=True, max_digits=7, decimal_places=1)
    evidence = models.CharField(_("evidence file"), max_length=300, blank=True)
    source = models.CharField(max_length=16, choices=ClaimSource.choices)
    reporter_name = models.CharField(max_length=50, blank=True)
    # the public reporter's contact: personal data, encrypted at rest (see `reporter_contact`)
    reporter_contact_enc = models.TextField(blank=True, default="", editable=False)
    status = models.CharField(
        max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    idempotency_key = models.CharField(max_length=64)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_reason = models.CharField(max_length=500, blank=True)
    # what earned the points when it was not a report: a kind registered in `ledger.origins`
    # (an app above the ledger: "meeting", "lesson" …) and that row's id, so the points pages
    # link to it
    origin_kind = models.CharField(max_length=32, blank=True, default="")
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            # a double tap on submit makes one claim
            models.UniqueConstraint(fields=["member", "idempotency_key"], name="claim_idempotent"),
            models.CheckConstraint(condition=Q(quarter__range=(1, 4)), name="claim_quarter_1_4"),
            models.CheckConstraint(
                condition=Q(source=ClaimSource.PUBLIC)
                | (Q(item__isnull=False) & Q(points_requested__isnull=False)),
                name="claim_item_unless_public",
            ),
            models.CheckConstraint(
                condition=~Q(source=ClaimSource.PUBLIC) | ~Q(reporter_contact_enc=""),
                name="claim_public_has_contact",
            ),
            models.CheckConstraint(
                condition=Q(origin_kind="", origin_id__isnull=True)
                | (~Q(origin_kind="") & Q(origin_id__isnull=False)),
                name="claim_origin_whole",
            ),
        ]
        indexes = [
            # the committee's review queue: a branch's pending claims for a quarter
            models.Index(fields=["branch", "status", "year", "quarter"], name="claim_queue"),
            # a member's own page: their claims, newest first
            models.Index(fields=["member", "-occurred_on"], name="claim_member"),
        ]

    def __str__(self) -> str:
        return f"claim {self.pk} {self.member_id} {self.status}"

    @property
    def origin(self) -> origins.OriginLink | None:
        """What earned these points when it was not a report (a meeting, a lesson …), linked."""
        return origins.origin_link(self.origin_kind, self.origin_id)

    @property
    def reporter_contact(self) -> str:
        """The public reporter's contact, decrypted ("" for other claims)."""
        return pii.decrypt(self.reporter_contact_enc) if self.reporter_contact_enc else ""

    @reporter_contact.setter
    def reporter_contact(self, value: str) -> None:
        self.reporter_contact_enc = pii.encrypt(value) if value else ""


class QuarterClose(models.Model):
    """The secretary's signature on a branch's quarter (书记签字确认). Only entries of signed
    quarters count. It anchors the chain: the head (seq, hash) at signing is kept here and
    shown on the public notice, so a chain rewritten later no longer matches it."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    signed_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_by_label = models.CharField(max_length=150)
    head_seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    entries = models.PositiveIntegerField()
    base_total = models.DecimalField(max_digits=12, decimal_places=1)
    bonus_total = models.DecimalField(max_digits=12, decimal_places=1)
    deduction_total = models.DecimalField(max_digits=12, decimal_places=1)

    class Meta:
        verbose_name = _("quarter sign-off")
        verbose_name_plural = _("quarter sign-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year", "quarter"], name="quarter_close_once"
            ),
            models.CheckConstraint(
                condition=Q(quarter__range=(1, 4)), name="quarter_close_quarter_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.year}Q{self.quarter}"

    @property
    def signer_name(self) -> str:
        """Who signed, as the public notice names them: the person's name, not the login
        (`signed_by_label` keeps the login, as the audit log names them); "" for a sign-off by
        a command, which names no person (nor a login without a name)."""
        user = self.signed_by
        return user.get_full_name().strip() if user is not None else ""


class QuarterPoints(models.Model):
    """A member's counted points in one signed quarter of one branch, by part: written in the
    sign-off's transaction from the quarter's entries, which can no longer change. The reports
    (branch table, book, rankings, low points) read these few rows per member instead of every
    entry. Derived data: `zhengxing verify-ledger` recomputes them from the chain."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="quarter_points")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    entries = models.PositiveIntegerField()
    base = models.DecimalField(max_digits=9, decimal_places=1)
    bonus = models.DecimalField(max_digits=9, decimal_places=1)
    deduction = models.DecimalField(max_digits=9, decimal_places=1)
    total = models.DecimalField(max_digits=9, decimal_places=1)

    class Meta:
        verbose_name = _("counted quarter points")
        verbose_name_plural = _("counted quarter points")
        constraints = [
            # the branch table: a branch's members in a year
            models.UniqueConstraint(
                fields=["branch", "year", "quarter", "member"], name="quarter_points_once"
            ),
            models.CheckConstraint(
                condition=Q(quarter__range=(1, 4)), name="quarter_points_quarter_1_4"
            ),
        ]
        indexes = [
            # rankings and low points: a member's year
            models.Index(fields=["member", "year"], name="quarter_points_member"),
            # the star recompute: a county's year, member by member (covering: index only)
            models.Index(
                fields=["county", "year", "member", "quarter", "total", "entries"],
                name="quarter_points_county_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}Q{self.quarter} {self.total}"


class BranchChainHead(models.Model):
    """The head of a branch's chain: the last seq and hash. Every append locks this row first,
    so appends to one branch serialise; the verifier also compares it with the last entry, which
    is how a deleted or forged tail is caught."""

    branch = models.OneToOneField(Org, primary_key=True, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"{self.branch_id}#{self.seq}"


class LedgerEntry(AppendOnly):
    """One signed change to a member's points, hash-chained per branch. Never updated or
    deleted: a correction is a new entry that `reverses` the wrong one.

    An entry is written when its claim is approved; it counts once its (branch, year, quarter)
    has a QuarterClose. The signing time lives there, not here, because an entry cannot change
    after it is written (see selectors.counted_entries)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ledger_entries")
    item = models.ForeignKey(RuleItem, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    part = models.CharField(max_length=16, choices=Part.choices)
    points = models.DecimalField(max_digits=7, decimal_places=1)
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    APPEND_ONLY = "the points ledger is append-only: record a reversal instead"

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            # the chain: one entry per position; the verifier walks a branch in seq order
            models.UniqueConstraint(fields=["branch", "seq"], name="ledger_branch_seq"),
            # two reviewers approving one claim at once: exactly one entry
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(claim__isnull=False, reverses__isnull=True),
                name="ledger_one_entry_per_claim",
            ),
            # an entry is reversed at most once
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False),
                name="ledger_one_reversal",
            ),
            models.CheckConstraint(condition=Q(quarter__range=(1, 4)), name="ledger_quarter_1_4"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="ledger_seq_positive"),
        ]
        indexes = [
            # a member's page and the caps: a member's entries in a year, by quarter
            models.Index(fields=["member", "year", "quarter"], name="ledger_member_year"),
            # sign-off totals and the branch table: a branch's entries in a quarter
            models.Index(fields=["branch", "year", "quarter"], name="ledger_branch_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id}#{self.seq} {self.member_id} {self.points}"


class Posting(models.Model):
    """The public quarterly notice of a branch (村务公开栏张榜公布), made at sign-off.

    `lines` freezes what was posted (each member's additions, deductions and totals, names only)
    so the notice never changes afterwards; `head_hash` repeats the signed chain head so anyone
    can check the ledger against it later. The public reaches it at /p/<slug>/ without login.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    close = models.OneToOneField(QuarterClose, on_delete=models.PROTECT, related_name="posting")
    slug = models.CharField(max_length=32, unique=True)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField()
    objections_until = models.DateField(_("objections until"))
    head_seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    lines = models.JSONField(default=list)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year", "quarter"], name="posting_once_per_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.year}Q{self.quarter}"


class Objection(models.Model):
    """Anyone's objection to a posted notice (异议), with a contact; the committee must answer,
    and the answer is posted beside it. The contact is personal data: encrypted, never public."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting an answer")
        ANSWERED = "answered", _("Answered")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="objections")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("objection"))
    contact_name = models.CharField(_("name"), max_length=50)
    contact_enc = models.TextField(editable=False)
    submitted_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "idempotency_key"], name="objection_idempotent"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="objection_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"objection {self.pk} on {self.posting_id}"


class ReminderTalk(models.Model):
    """A reminder talk (约谈提醒) the secretary holds with a member whose points stay low."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="reminder_talks")
    year = models.PositiveSmallIntegerField()
    held_on = models.DateField(_("held on"))
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_by_label = models.CharField(max_length=150)
    points_at_talk = models.DecimalField(max_digits=8, decimal_places=1)
    notes = models.TextField(_("notes"), blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("reminder talk")
        verbose_name_plural = _("reminder talks")
        indexes = [models.Index(fields=["member", "held_on"], name="talk_member_on")]

    def __str__(self) -> str:
        return f"talk {self.member_id} {self.held_on}"


class EvidenceFile(models.Model):
    """A file uploaded as evidence through the API (POST /api/v1/points/evidence): a claim names
    it by its `ref`, and only the user who uploaded it may. The file lies under MEDIA_ROOT at
    `path`, as the web form's photos do. Its county: the one it was uploaded for (the
    meeting's, with the minutes' photos), else the uploader's own (`evidence_upload`)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", db_index=False)
    ref = models.CharField(max_length=40, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=300)
    content_type = models.CharField(max_length=40)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"evidence {self.ref}"
