"""Reads of the mobile members' practice, always scoped: the branch's (township's, county's)
mobile members with their latest whereabouts, one member's reports and codes, and the
organisation a public QR code names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.selectors import members_visible_to, scope_for

from ..models import Agreement, Difference, InflowOrg, Reconciliation, RegistrationCode, Whereabouts

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser

# The organisations whose QR code opens the phone form: the county's root and the branches.
QR_KINDS = frozenset({"county", "general_branch", "branch", "grid_branch", "mobile"})


def registration_org_public(*, ref: str) -> Org:
    """The county or branch a public QR code names, by its random public reference."""
    org = Org.objects.filter(public_ref=ref, kind__in=QR_KINDS, is_active=True).first()
    if org is None:
        raise Http404
    return org


def mobile_members_visible_to(user: AnyUser) -> QuerySet[Member]:
    """Members in the user's scope who are mobile on the roster or have ever reported where
    they are, each with their latest report's city, employer and date (one query, however many
    members: the latest report per member is a correlated subquery on its index)."""
    latest = Whereabouts.objects.filter(member=OuterRef("pk")).order_by("-reported_at", "-pk")
    return (
        members_visible_to(user)
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .annotate(
            latest_city=Subquery(latest.values("city")[:1]),
            latest_employer=Subquery(latest.values("employer")[:1]),
            latest_at=Subquery(latest.values("reported_at")[:1]),
        )
        .filter(Q(status=MemberStatus.MOBILE) | Q(latest_at__isnull=False))
        .select_related("branch")
        .order_by("branch__path", "name", "pk")
    )


def member_whereabouts(*, member: Member) -> QuerySet[Whereabouts]:
    """A member's reports, newest first (the caller has fetched the member through its scope)."""
    return Whereabouts.objects.filter(member=member).order_by("-reported_at", "-pk")


def member_codes(*, member: Member) -> QuerySet[RegistrationCode]:
    return RegistrationCode.objects.filter(member=member).order_by("-issued_at", "-pk")


def qr_orgs_visible_to(user: AnyUser) -> QuerySet[Org]:
    """The organisations in the user's scope that have a registration QR code to print."""
    return (
        Org.objects.filter(scope_for(user).org_q(), kind__in=QR_KINDS, is_active=True)
        .only("pk", "name", "kind", "path", "public_ref")
        .order_by("path")
    )


# --- "2": agreements and reconciliations ----------------------------------------------------


def agreements_visible_to(user: AnyUser) -> QuerySet[Agreement]:
    """The co-management agreements of outflow organisations in the user's scope."""
    return (
        Agreement.objects.filter(scope_for(user).org_q("outflow__"))
        .select_related("outflow", "inflow")
        .order_by("outflow__path", "inflow__name", "-starts_on")
    )


def agreement_for_user(user: AnyUser, pk: int) -> Agreement:
    found = agreements_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def agreement_newer(*, agreement: Agreement) -> Agreement | None:
    """The version that replaced a superseded agreement (none for the version in force)."""
    if agreement.superseded_at is None:
        return None
    return Agreement.objects.filter(supersedes=agreement).first()


def inflow_orgs_visible_to(user: AnyUser) -> QuerySet[InflowOrg]:
    """The inflow organisations registered in the user's counties."""
    scope = scope_for(user)
    found = InflowOrg.objects.order_by("city", "name")
    return found if scope.everything else found.filter(county_id__in=scope.county_ids())


def inflow_org_for_user(user: AnyUser, pk: int) -> InflowOrg:
    found = inflow_orgs_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def reconciliations_of(*, agreement: Agreement) -> QuerySet[Reconciliation]:
    """An agreement's reconciliations, newest quarter first, with their open differences
    counted and whether each is closed (one query)."""
    return (
        agreement.reconciliations.annotate(
            open_count=Count("differences", filter=Q(differences__resolved_at__isnull=True)),
            all_count=Count("differences"),
        )
        .select_related("close")
        .order_by("-year", "-quarter")
    )


def reconciliation_for_user(user: AnyUser, pk: int) -> Reconciliation:
    found = (
        Reconciliation.objects.filter(scope_for(user).org_q("agreement__outflow__"), pk=pk)
        .select_related("agreement__outflow", "agreement__inflow")
        .first()
    )
    if found is None:
        raise Http404
    return found


def is_closed(recon: Reconciliation) -> bool:
    return hasattr(recon, "close")


def reconciliation_differences(*, recon: Reconciliation) -> QuerySet[Difference]:
    """A reconciliation's differences, the unresolved first, then by kind and name."""
    return (
        Difference.objects.filter(reconciliation=recon)
        .select_related("resolved_by")
        .order_by(F("resolved_at").desc(nulls_first=True), "kind", "name", "pk")
    )


def difference_for_user(user: AnyUser, pk: int) -> Difference:
    found = (
        Difference.objects.filter(
            scope_for(user).org_q("reconciliation__agreement__outflow__"), pk=pk
        )
        .select_related("reconciliation")
        .first()
    )
    if found is None:
        raise Http404
    return found


# The organisations that may sign a co-management agreement as the outflow side.
OUTFLOW_KINDS = frozenset(
    {"county", "township", "street_committee", "village", "general_branch", "branch", "grid_branch"}
)


def outflow_orgs_managed(user: AnyUser, *, county_id: int) -> list[Org]:
    """The organisations of a county the user manages that may sign a co-management agreement
    as the outflow side: the county's root, townships, villages, branches (not groups); at
    most 200, in tree order."""
    scope = scope_for(user)
    found = Org.objects.filter(
        scope.org_q(), county_id=county_id, is_active=True, kind__in=OUTFLOW_KINDS
    ).order_by("path")[:200]
    return [o for o in found if scope.can_manage_org(o)]
