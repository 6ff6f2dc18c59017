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
from zhengxing.ledger.schemas import public_responses
from zhengxing.orgs.selectors import member_for_user

from . import selectors, services
from .models import Whereabouts
from .schemas import CodeOut, MobileMemberOut, ReceivedOut, WhereaboutsIn, WhereaboutsOut

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
