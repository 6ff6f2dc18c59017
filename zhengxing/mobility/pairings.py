"""Reads of the pairings, always scoped: a pairer's own pairings (the phone page where a contact
is logged), a scope's pairings with where each stands in a quarter (the overdue list of the
branch and the township), and the half-year's report on contacts generated from the log. Each
list is one query, however many pairings: the contacts are counted in the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from zhengxing.ledger.rules import Quarter
from zhengxing.orgs.models import Org, subtree_q
from zhengxing.orgs.selectors import scope_for

from .duty import Half, Standing, standing
from .models import Contact, ContactReport, Pairing

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def active_in(first: dt.date, last: dt.date, prefix: str = "") -> Q:
    """Pairings that ran at some point between `first` and `last`."""
    return Q(**{f"{prefix}since__lte": last}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": first})
    )


def pairings_visible_to(user: AnyUser) -> QuerySet[Pairing]:
    """The pairings of members in the user's scope, and the user's own as a pairer."""
    q = scope_for(user).org_q("member__branch__")
    if user.is_authenticated:
        q |= Q(pairer=user)
    return Pairing.objects.filter(q).select_related("member__branch", "org")


def pairing_for_user(user: AnyUser, pk: int) -> Pairing:
    found = pairings_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def my_pairings(user: AnyUser, *, quarter: Quarter) -> QuerySet[Pairing]:
    """The user's current pairings, each with its contacts this quarter and its last contact
    (one query): the phone page's list, those without a contact this quarter first."""
    if not user.is_authenticated:
        return Pairing.objects.none()
    return (
        Pairing.objects.filter(pairer=user, ended_on__isnull=True)
        .select_related("member__branch", "org")
        .annotate(
            in_quarter=Count(
                "contacts",
                filter=Q(contacts__on__gte=quarter.first_day, contacts__on__lte=quarter.last_day),
            ),
            last_on=Max("contacts__on"),
        )
        .order_by("in_quarter", "member__name", "pk")
    )


def pairing_contacts(*, pairing: Pairing) -> QuerySet[Contact]:
    return Contact.objects.filter(pairing=pairing).order_by("-on", "-pk")


@dataclass(frozen=True)
class DutyRow:
    pairing_id: int
    member_id: int
    member: str
    branch: str
    pairer: str
    side: str
    contacts: int
    last_on: dt.date | None
    standing: Standing


def duty_rows(*, org: Org, quarter: Quarter, today: dt.date) -> list[DutyRow]:
    """Every pairing of the members held under `org` that ran in the quarter, with its contacts
    in the quarter and where it stands (done, due, overdue), the not-done first (one query).

    每季度开展一次电话随访、视频约访、上门走访 (article 002)"""
    found = (
        Pairing.objects.filter(
            subtree_q(org.path, "member__branch__"),
            active_in(quarter.first_day, quarter.last_day),
        )
        .annotate(
            in_quarter=Count(
                "contacts",
                filter=Q(contacts__on__gte=quarter.first_day, contacts__on__lte=quarter.last_day),
            ),
            last_on=Max("contacts__on", filter=Q(contacts__on__lte=quarter.last_day)),
        )
        .values_list(
            "pk",
            "member_id",
            "member__name",
            "member__branch__name",
            "pairer_name",
            "side",
            "in_quarter",
            "last_on",
        )
        .order_by("in_quarter", "member__branch__path", "member__name", "pk")
    )
    return [
        DutyRow(*row, standing=standing(contacts_in_quarter=row[6], quarter=quarter, today=today))
        for row in found
    ]


def overdue_rows(*, org: Org, quarter: Quarter, today: dt.date) -> list[DutyRow]:
    """The pairings without a contact in the quarter: overdue once it has ended, due before."""
    return [r for r in duty_rows(org=org, quarter=quarter, today=today) if r.standing != "done"]


@dataclass(frozen=True)
class ReportLine:
    member: str
    branch: str
    pairer: str
    side: str
    first_quarter: int
    second_quarter: int
    last_on: dt.date | None
    overdue_quarters: int

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_on"] = self.last_on.isoformat() if self.last_on else None
        return data


@dataclass(frozen=True)
class ContactsReport:
    """The half-year's report on contacts, as generated from the log."""

    org: Org
    half: Half
    lines: list[ReportLine]
    members: int
    contacts: int
    overdue: int
    ways: dict[str, int]


def report_on_contacts(*, org: Org, half: Half, today: dt.date) -> ContactsReport:
    """Each pairing of the members held under `org` that ran in the half-year: its contacts in
    each of the two quarters, its last contact, and how many of the quarters it missed (two
    queries: the pairings with their counts, the contacts by way).

    流出地基层党委每半年专门听取一次联络情况汇报 (article 002)"""
    qa, qb = half.quarters

    def within(q: Quarter) -> Q:
        return Q(contacts__on__gte=q.first_day, contacts__on__lte=q.last_day)

    found = (
        Pairing.objects.filter(
            subtree_q(org.path, "member__branch__"), active_in(half.first_day, half.last_day)
        )
        .annotate(
            a=Count("contacts", filter=within(qa)),
            b=Count("contacts", filter=within(qb)),
            last_on=Max("contacts__on", filter=Q(contacts__on__lte=half.last_day)),
        )
        .values_list(
            "member_id",
            "member__name",
            "member__branch__name",
            "pairer_name",
            "side",
            "a",
            "b",
            "last_on",
            "since",
            "ended_on",
        )
        .order_by("member__branch__path", "member__name", "pk")
    )
    lines, members = [], set()
    overdue = 0
    for member_id, name, branch, pairer, side, a, b, last_on, since, ended in found:
        members.add(member_id)
        missed = 0
        for q, n in ((qa, a), (qb, b)):
            ran = since <= q.last_day and (ended is None or ended >= q.first_day)
            if ran and standing(contacts_in_quarter=n, quarter=q, today=today) == "overdue":
                missed += 1
        overdue += bool(missed)
        lines.append(ReportLine(name, branch, pairer, side, a, b, last_on, missed))
    ways = dict(
        Contact.objects.filter(
            subtree_q(org.path, "member__branch__"), on__gte=half.first_day, on__lte=half.last_day
        )
        .values_list("way")
        .annotate(n=Count("pk"))
        .values_list("way", "n")
    )
    return ContactsReport(
        org=org,
        half=half,
        lines=lines,
        members=len(members),
        contacts=sum(ways.values()),
        overdue=overdue,
        ways=ways,
    )


def signed_report(*, org: Org, half: Half) -> ContactReport | None:
    return ContactReport.objects.filter(org=org, year=half.year, half=half.number).first()


def contact_reports_of(*, org: Org) -> QuerySet[ContactReport]:
    return ContactReport.objects.filter(org=org).order_by("-year", "-half")
