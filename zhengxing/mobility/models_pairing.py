"""Pairing and contact (结对帮带、密切联络, article 002, the "4"): a committee member of the outflow
or the inflow side paired with mobile members (one to one, or one to many), each contact they
make logged, and the outflow committee's half-yearly report on contacts, signed once. Kept
beside `models.py` (which imports it) so the practice's other subjects stay in their module."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County, Member, Org

from .duty import SAID_MAX, Side, Way


class Pairing(models.Model):
    """A committee member (`pairer`, a login of the outflow organisation's committee or of the
    inflow organisation's, when that one is in the tree) paired with one mobile member. One
    pairer with several members is one-to-many; a member may have a pairer on each side. Ended,
    never deleted: the contacts logged under it stay."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    pairer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pairer_name = models.CharField(_("paired committee member"), max_length=50)
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    # the committee the pairer sits on: the member's outflow branch or the inflow organisation's
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("paired since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            # a pairer is paired with a member once at a time, whatever races
            models.UniqueConstraint(
                fields=["member", "pairer"],
                condition=Q(ended_on__isnull=True),
                name="mobility_pairing_once",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("since")),
                name="mobility_pairing_ends_later",
            ),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="mobility_pairing_side"),
        ]
        indexes = [
            # the logger's check and "my pairings": a pairer's current pairings
            models.Index(
                fields=["pairer", "member"],
                condition=Q(ended_on__isnull=True),
                name="mobility_pairing_pairer",
            ),
            # the ledgers' pairing column and the duty lists: a member's pairings
            models.Index(fields=["member", "since"], name="mobility_pairing_member"),
        ]

    def __str__(self) -> str:
        return f"{self.pairer_name} ↔ {self.member_id}"


class Contact(models.Model):
    """One contact a pairer made (电话随访、视频约访、上门走访): the day, how, what was said. Never
    edited; a mistake is corrected by a further entry."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="contacts")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    way = models.CharField(_("how"), max_length=8, choices=Way.choices)
    on = models.DateField(_("date"))
    said = models.TextField(_("what was said"), max_length=SAID_MAX)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(condition=Q(way__in=Way.values), name="mobility_contact_way"),
        ]
        indexes = [
            # the quarter's duty and the half-year's report: a pairing's contacts in a range
            models.Index(fields=["pairing", "on"], name="mobility_contact_pairing"),
            # the ledgers' last contact: a member's latest contact
            models.Index(fields=["member", "-on"], name="mobility_contact_member"),
        ]

    def __str__(self) -> str:
        return f"{self.pairing_id} {self.on} {self.way}"


class ContactReport(models.Model):
    """The outflow committee's half-yearly report on contacts (联络情况汇报), generated from the
    log and signed: its figures and lines kept as signed. One per organisation and half-year (a
    constraint), so a second signature fails in the database, whatever races."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    half = models.PositiveSmallIntegerField()
    pairings = models.PositiveIntegerField()
    members = models.PositiveIntegerField()
    contacts = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()
    # the report's lines as signed: one per pairing, with each quarter's contacts
    lines = models.JSONField(default=list)
    remarks = models.TextField(_("remarks"), blank=True)
    signer_name = models.CharField(_("signed by"), max_length=50)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("report on contacts")
        verbose_name_plural = _("reports on contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year", "half"], name="mobility_contact_report_once"
            ),
            models.CheckConstraint(
                condition=Q(half__in=(1, 2)), name="mobility_contact_report_half"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year}H{self.half}"
