"""REST endpoints of the mobile members' practice, under /api/v1/mobile: the public's report of
where a mobile member is (no login, throttled per address with the public's pages), the scope's
mobile members, a member's reports, and a one-time code issued. The same services and
selectors as the pages; outside the scope a 404, a refused writer a 403."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from zhengxing.audit.throttles import PUBLIC_THROTTLE
from zhengxing.core.actor import Actor
from zhengxing.core.schemas import LimitOffset, ObjectId, responses
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.schemas import public_responses
from zhengxing.orgs.selectors import member_for_user, org_for_user

from . import selectors, services
from .models import Agreement, Difference, InflowOrg, Reconciliation, Whereabouts
from .schemas import (
    AgreementIn,
    AgreementOut,
    CloseIn,
    CodeOut,
    DifferenceOut,
    InflowOrgIn,
    InflowOrgOut,
    MobileMemberOut,
    ReceivedOut,
    ReconciliationIn,
    ReconciliationOut,
    ResolveIn,
    WhereaboutsIn,
    WhereaboutsOut,
)

router = Router(tags=["mobile members"])


@router.post(
    "/reports",
    auth=None,
    throttle=PUBLIC_THROTTLE,
    response=public_responses(ReceivedOut, 400, 404, status=201),
)
def report(request: HttpRequest, payload: WhereaboutsIn) -> tuple[int, dict[str, Any]]:
    """A mobile member reports where they are (码上行动), proving who they are by name, ID number
    and the one-time code their outflow branch issued; `org` is the public reference the QR
    code carries. Only a reference number comes back."""
    org = selectors.registration_org_public(ref=payload.org)
    data = payload.dict(exclude={"org"})
    data["reason"] = str(payload.reason.value)
    found = services.whereabouts_report(actor=Actor.from_request(request), org=org, **data)
    return 201, {"reference": found.pk, "message": "报备成功，流出地党支部已收到您的去向"}


@router.get("/members", response=responses(list[MobileMemberOut]))
@paginate(LimitOffset)
def members(request: HttpRequest) -> Any:
    """The mobile members in the caller's scope, each with their latest report."""
    return selectors.mobile_members_visible_to(request.user)


def _report_out(r: Whereabouts) -> dict[str, Any]:
    return {
        "id": r.pk,
        "reported_at": r.reported_at,
        "city": r.city,
        "address": r.address,
        "employer": r.employer,
        "phone": r.phone_masked,
        "since": r.since,
        "expected_months": r.expected_months,
        "reason": r.reason,
        "source": r.source,
    }


@router.get("/members/{member_id}/reports", response=responses(list[WhereaboutsOut], 404))
def member_reports(request: HttpRequest, member_id: ObjectId) -> list[dict[str, Any]]:
    """A member's reports of where they are, newest first (the phone masked)."""
    member = member_for_user(request.user, member_id)
    return [_report_out(r) for r in selectors.member_whereabouts(member=member)]


@router.post("/members/{member_id}/codes", response=responses(CodeOut, 400, 403, 404, status=201))
def issue_code(request: HttpRequest, member_id: ObjectId) -> tuple[int, dict[str, Any]]:
    """A one-time registration code for the member, returned once (only its hash is kept)."""
    member = member_for_user(request.user, member_id)
    code, found = services.registration_code_issue(actor=Actor.from_request(request), member=member)
    return 201, {"code": code, "expires_at": found.expires_at}


# --- "2": inflow organisations, agreements, reconciliations ---------------------------------


# beside the POST: one path's methods live in one router (a second router's same path is never
# reached)
@router.get("/inflow-orgs", response=responses(list[InflowOrgOut]))
@paginate(LimitOffset)
def inflow_orgs(request: HttpRequest) -> Any:
    """The inflow organisations registered in the caller's counties."""
    return selectors.inflow_orgs_visible_to(request.user)


@router.post("/inflow-orgs", response=responses(InflowOrgOut, 400, 403, 404, status=201))
def inflow_org_create(request: HttpRequest, payload: InflowOrgIn) -> tuple[int, InflowOrg]:
    """An inflow organisation: an external party with a contact (never a login), or the tree's
    mobile members' organisation it stands for (`org_id`)."""
    org = org_for_user(request.user, payload.org_id) if payload.org_id else None
    found = services.inflow_org_create(
        actor=Actor.from_request(request),
        county_id=payload.county_id,
        name=payload.name,
        kind=payload.kind,
        city=payload.city,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        org=org,
    )
    return 201, found


@router.get("/agreements", response=responses(list[AgreementOut]))
@paginate(LimitOffset)
def agreements(request: HttpRequest) -> Any:
    """The co-management agreements of the outflow organisations in the caller's scope."""
    return selectors.agreements_visible_to(request.user)


@router.post("/agreements", response=responses(AgreementOut, 400, 403, 404, status=201))
def agreement_sign(request: HttpRequest, payload: AgreementIn) -> tuple[int, Agreement]:
    """The co-management agreement of an outflow and an inflow organisation, signed by both."""
    found = services.agreement_sign(
        actor=Actor.from_request(request),
        outflow=org_for_user(request.user, payload.outflow_id),
        inflow=selectors.inflow_org_for_user(request.user, payload.inflow_id),
        duties=payload.duties,
        starts_on=payload.starts_on,
        outflow_signer=payload.outflow_signer,
        inflow_signer=payload.inflow_signer,
        inflow_signed_on=payload.inflow_signed_on,
    )
    return 201, found


def _reconciliation_out(recon: Reconciliation) -> dict[str, Any]:
    return {
        "id": recon.pk,
        "agreement_id": recon.agreement_id,
        "year": recon.year,
        "quarter": recon.quarter,
        "closed": selectors.is_closed(recon),
        "differences": list(selectors.reconciliation_differences(recon=recon)),
    }


@router.post(
    "/agreements/{agreement_id}/reconciliations",
    response=responses(ReconciliationOut, 400, 403, 404, status=201),
)
def reconciliation_open(
    request: HttpRequest, agreement_id: ObjectId, payload: ReconciliationIn
) -> tuple[int, dict[str, Any]]:
    """The quarter's reconciliation: the inflow side's list sent, the differences computed."""
    recon = services.reconciliation_open(
        actor=Actor.from_request(request),
        agreement=selectors.agreement_for_user(request.user, agreement_id),
        quarter=Quarter(payload.year, payload.quarter),
        rows=[row.dict() for row in payload.rows],
    )
    return 201, _reconciliation_out(recon)


@router.get("/reconciliations/{recon_id}", response=responses(ReconciliationOut, 404))
def reconciliation(request: HttpRequest, recon_id: ObjectId) -> dict[str, Any]:
    return _reconciliation_out(selectors.reconciliation_for_user(request.user, recon_id))


@router.post(
    "/differences/{difference_id}/resolve", response=responses(DifferenceOut, 400, 403, 404)
)
def difference_resolve(
    request: HttpRequest, difference_id: ObjectId, payload: ResolveIn
) -> Difference:
    """A difference resolved with its outcome (who resolved it is the caller)."""
    return services.difference_resolve(
        actor=Actor.from_request(request),
        difference=selectors.difference_for_user(request.user, difference_id),
        outcome=payload.outcome,
    )


@router.post(
    "/reconciliations/{recon_id}/close", response=responses(ReconciliationOut, 400, 403, 404)
)
def reconciliation_close(
    request: HttpRequest, recon_id: ObjectId, payload: CloseIn
) -> dict[str, Any]:
    """Closed and signed by both sides, once; refused while a difference is unresolved."""
    recon = selectors.reconciliation_for_user(request.user, recon_id)
    services.reconciliation_close(
        actor=Actor.from_request(request),
        reconciliation=recon,
        outflow_signer=payload.outflow_signer,
        inflow_signer=payload.inflow_signer,
    )
    return _reconciliation_out(selectors.reconciliation_for_user(request.user, recon_id))


# --- the "3" and the pairing of the "4": their own module, on this router ---------------------

from .api_arrivals import router as arrivals_router  # noqa: E402
from .api_file import router as file_router  # noqa: E402
from .api_pairing import router as pairing_router  # noqa: E402

router.add_router("", pairing_router)
router.add_router("", file_router)
router.add_router("", arrivals_router)
