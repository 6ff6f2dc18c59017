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
from zhengxing.core.periods import period_label
from zhengxing.orgs.models import County, Member

from ..rules import ADDRESS_MAX, CITY_MAX, EMPLOYER_MAX, Reason


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


class Whereabouts(pii.EncryptedPhone, models.Model):
    """Where a mobile member is, as reported on a given day: city and address, employer or
    trade, phone, since when, for how long, why. Never edited: a new report is a new row, and
    the member's latest one (`current`) is the roster's destination."""

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
    # the member's latest report, where they are now: one per member (a partial unique index)
    current = models.BooleanField(default=False)
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
            models.UniqueConstraint(
                fields=["member"], condition=Q(current=True), name="mobility_whereabouts_current"
            ),
        ]
        indexes = [
            # a member's history and the branch list's latest report per member
            models.Index(fields=["member", "-reported_at"], name="mobility_whereabouts_member"),
            # the reconciliation's outflow list: who is in a city now (`our_list`)
            models.Index(
                fields=["county", "city"],
                condition=Q(current=True),
                name="mobility_whereabouts_city",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.city}"


# --- "2": two sides, one file ---------------------------------------------------------------


class InflowOrg(models.Model):
    """The inflow organisation (流入地党组织): where mobile members live and work — another
    county's or province's organisation, a mobile members' organisation set up through a chamber
    of commerce or an office away from home, a temporary organisation, a joint organisation of
    an industrial park or office building. Outside the system it is an external party with a
    contact, never a login; inside, it names the mobile organisation of the tree (`org`)."""

    class Kind(models.TextChoices):
        ELSEWHERE = "elsewhere", _("Organisation of another county or province")
        CHAMBER = "chamber", _("Mobile members' organisation of a chamber of commerce")
        OFFICE = "office", _("Mobile members' organisation of an office away from home")
        TEMPORARY = "temporary", _("Temporary organisation")
        JOINT = "joint", _("Joint organisation of a park or building")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=CITY_MAX)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone_enc = models.TextField(editable=False)
    org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("inflow organisation")
        verbose_name_plural = _("inflow organisations")
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="mobility_inflow_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """The co-management agreement (共管协议) of an outflow organisation (where membership is
    held) and an inflow organisation: who does what, from when, signed by both. Its mobile
    members are the outflow subtree's members whose latest report puts them in the inflow
    organisation's city."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    outflow = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    inflow = models.ForeignKey(InflowOrg, on_delete=models.PROTECT, related_name="agreements")
    duties = models.TextField(_("who does what"))
    starts_on = models.DateField(_("from"))
    outflow_signer = models.CharField(_("signed for the outflow side"), max_length=50)
    inflow_signer = models.CharField(_("signed for the inflow side"), max_length=50)
    signed_at = models.DateTimeField()
    # the day the inflow side (an external party) signed, as the outflow secretary records it
    inflow_signed_on = models.DateField(_("inflow side signed on"), null=True, blank=True)
    # an edit is a new version signed by both again (`services.agreements.agreement_amend`):
    # the version it replaces, kept as signed and marked superseded at that moment
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("co-management agreement")
        verbose_name_plural = _("co-management agreements")
        constraints = [
            # one agreement in force per pair of sides and first day; earlier versions kept
            models.UniqueConstraint(
                fields=["outflow", "inflow", "starts_on"],
                condition=Q(superseded_at__isnull=True),
                name="mobility_agreement_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outflow_id} ↔ {self.inflow_id} v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class Reconciliation(models.Model):
    """One quarter's reconciliation (按季度对账) of the two sides' lists under an agreement: the
    inflow side's list as it sent it (`InflowRow`), the differences computed in the database,
    each resolved, then closed and signed once (`ReconciliationClose`)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="reconciliations"
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField()

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "quarter"], name="mobility_reconciliation_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="mobility_reconciliation_q"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.year}Q{self.quarter}"

    @property
    def label(self) -> str:
        """The quarter in words, in the page's language (2026年第三季度)."""
        return period_label(self.year, f"Q{self.quarter}")


class InflowRow(models.Model):
    """A line of the inflow side's list for a quarter: the member as they know them (the ID
    number kept only as its keyed hash, to match), where and with whom, when last heard from,
    and whether the member has gone home (返乡)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.CASCADE, related_name="rows"
    )
    name = models.CharField(max_length=50)
    id_card_hash = models.CharField(max_length=64)
    address = models.CharField(max_length=ADDRESS_MAX, blank=True)
    employer = models.CharField(max_length=EMPLOYER_MAX, blank=True)
    last_contact_on = models.DateField(null=True, blank=True)
    returned = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reconciliation", "id_card_hash"], name="mobility_inflow_row_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Difference(models.Model):
    """A difference the reconciliation found, resolved with an outcome and by whom."""

    class Kind(models.TextChoices):
        UNKNOWN_THERE = "unknown_there", _("Registered here, unknown there")
        UNKNOWN_HERE = "unknown_here", _("On their list, unknown here")
        ADDRESS = "address", _("Different address or employer")
        NOT_HEARD = "not_heard", _("Not heard from this quarter")
        RETURNED = "returned", _("Returned home")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.CASCADE, related_name="differences"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=50)
    detail = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # resolved means an outcome, and a moment
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(outcome=""),
                name="mobility_difference_outcome",
            ),
        ]
        indexes = [
            # the close's check and the page: a reconciliation's unresolved differences
            models.Index(fields=["reconciliation", "resolved_at"], name="mobility_diff_open"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class ReconciliationClose(models.Model):
    """The reconciliation closed and signed by both sides: one row per reconciliation (its
    primary key), so a second close fails in the database, whatever races."""

    reconciliation = models.OneToOneField(
        Reconciliation, primary_key=True, on_delete=models.PROTECT, related_name="close"
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField()
    outflow_signer = models.CharField(max_length=50)
    inflow_signer = models.CharField(max_length=50)

    def __str__(self) -> str:
        return f"closed {self.reconciliation_id}"


# --- "5" and "6": organisation life elsewhere, lost contact, transfers (their own modules) ---

# --- "4": pairing and contact (its own module, registered with the app's models here) ------
from ..models_pairing import Contact, ContactReport, Pairing  # noqa: E402
from .arrivals import Arrival  # noqa: E402
from .elsewhere import ElsewhereAttendance  # noqa: E402
from .lost import LostCase, LostOutcome, LostReason, SearchStep, SearchWay  # noqa: E402
from .transfers import Transfer  # noqa: E402

__all__ = [
    "Agreement",
    "Arrival",
    "Contact",
    "ContactReport",
    "Difference",
    "ElsewhereAttendance",
    "InflowOrg",
    "InflowRow",
    "LostCase",
    "LostOutcome",
    "LostReason",
    "Pairing",
    "Reconciliation",
    "ReconciliationClose",
    "RegistrationCode",
    "SearchStep",
    "SearchWay",
    "Transfer",
    "Whereabouts",
]
