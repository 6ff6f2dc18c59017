"""REST endpoints of the points ledger that face the public, under /api/v1/points: a member's
conduct reported by anyone (群众反映), the quarterly notices (公示) and their check, objections to a
notice — and the committee's side of those objections, listing and answering them.

The public (no login) writes a little, per address: enough for a village sharing one mobile
network's address, too little for a script (`audit.throttles.PUBLIC_THROTTLE`, one count per
address shared with the public's pages and by all workers). Nothing the public reads names an ID
number, a phone or a contact; organisations are named by their public reference, never an id.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Header, Query, Router
from ninja.pagination import paginate

from zhengxing.audit.throttles import PUBLIC_THROTTLE
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.schemas import LimitOffset, ObjectId, SlugPath, key_from, responses
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.selectors import org_for_user

from . import selectors, services
from .models import Objection, Posting
from .schemas import (
    AnswerIn,
    NoticeCheckOut,
    NoticeObjectionOut,
    NoticeOut,
    ObjectionFilterIn,
    ObjectionIn,
    ObjectionOut,
    PublicReportIn,
    ReceivedOut,
    public_responses,
)

router = Router(tags=["ledger"])


def _public_member(branch_ref: str, name: str) -> tuple[Org, Member]:
    """The branch and the member the public names, as on the branch's notice (names only)."""
    branch = selectors.branch_public(ref=branch_ref)
    name = name.strip()
    found = list(selectors.branch_members_public(branch=branch).filter(name=name)[:2])
    if not found:
        raise ServiceError(f"“{branch.name}”没有名为“{name}”的党员")
    if len(found) > 1:
        raise ServiceError(f"“{branch.name}”有多名党员名为“{name}”，请直接向支部反映")
    return branch, found[0]


@router.post(
    "/public-reports",
    auth=None,
    throttle=PUBLIC_THROTTLE,
    response=public_responses(ReceivedOut, 400, 404, status=201),
)
def public_report(
    request: HttpRequest,
    payload: PublicReportIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64),
) -> tuple[int, dict[str, Any]]:
    """Anyone reports a member's conduct (群众反映), leaving a contact so the committee can
    check; the committee decides whether it leads to a deduction. Nothing about the member or
    the review is returned, only a reference number."""
    branch, member = _public_member(payload.branch, payload.member_name)
    claim = services.public_report_submit(
        actor=Actor.from_request(request),
        branch=branch,
        member=member,
        occurred_on=payload.occurred_on,
        place=payload.place,
        description=payload.description,
        reporter_name=payload.reporter_name,
        reporter_contact=payload.reporter_contact,
        idempotency_key=key_from(idempotency_key, payload.idempotency_key),
    )
    return 201, {"reference": claim.pk, "message": "已收到您的反映，支部委员会将核实处理"}


def _notice_objection(objection: Objection, names: dict[int | None, str]) -> dict[str, Any]:
    return {
        "id": objection.pk,
        "member_name": names.get(objection.member_id, ""),
        "text": objection.text,
        "status": objection.status,
        "answer": objection.answer,
        "submitted_at": objection.submitted_at,
        "answered_at": objection.answered_at,
    }


def _names(posting: Posting) -> dict[int | None, str]:
    return {line.get("member_id"): line["name"] for line in posting.lines}


@router.get("/notices/{slug}", auth=None, response=public_responses(NoticeOut, 404))
def notice_detail(request: HttpRequest, slug: SlugPath) -> dict[str, Any]:
    """A branch's quarterly notice (公示), for anyone: names and points, never an ID number or
    a phone; the objections beside it with the committee's answers, never their contacts."""
    posting = selectors.posting_public(slug=slug)
    names = _names(posting)
    return {
        "slug": posting.slug,
        "branch_name": posting.branch.name,
        "parent_name": posting.branch.parent.name if posting.branch.parent else "",
        "year": posting.year,
        "quarter": posting.quarter,
        "published_at": posting.published_at,
        "objections_until": posting.objections_until,
        "head_seq": posting.head_seq,
        "head_hash": posting.head_hash,
        "lines": [
            {**{k: v for k, v in line.items() if k != "member_id"}, "line": n}
            for n, line in enumerate(posting.lines, start=1)
        ],
        "objections": [
            _notice_objection(o, names)
            for o in selectors.posting_objections_public(posting=posting)
        ],
    }


@router.get("/notices/{slug}/check", auth=None, response=public_responses(NoticeCheckOut, 404))
def notice_check(request: HttpRequest, slug: SlugPath) -> Any:
    """Whether the ledger still matches the notice: anyone can ask, at any time."""
    return selectors.posting_check(posting=selectors.posting_public(slug=slug))


@router.post(
    "/notices/{slug}/objections",
    auth=None,
    throttle=PUBLIC_THROTTLE,
    response={
        **public_responses(NoticeObjectionOut, 400, 404, status=201),
        200: NoticeObjectionOut,
    },
)
def objection_submit(
    request: HttpRequest,
    slug: SlugPath,
    payload: ObjectionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64),
) -> tuple[int, dict[str, Any]]:
    """Anyone objects to a notice within its window (异议), with a contact for the committee's
    reply; the answer is posted on the notice. The same key twice is one objection (200)."""
    posting = selectors.posting_public(slug=slug)
    names = _names(posting)
    member = None
    if payload.line is not None:
        # a line of this notice, as the page's form names it: no database id goes either way
        if payload.line > len(posting.lines):
            raise ServiceError("本次公示没有该行")
        member_id = posting.lines[payload.line - 1].get("member_id")
        member = Member.objects.filter(pk=member_id).first() if member_id else None
    key = key_from(idempotency_key, payload.idempotency_key)
    seen = Objection.objects.filter(posting=posting, idempotency_key=key).exists()
    objection = services.objection_submit(
        actor=Actor.from_request(request),
        posting=posting,
        text=payload.text,
        contact_name=payload.contact_name,
        contact=payload.contact,
        member=member,
        idempotency_key=key,
    )
    return (200 if seen else 201), _notice_objection(objection, names)


@router.get("/objections", response=responses(list[ObjectionOut], 404))
@paginate(LimitOffset)
def objection_list(request: HttpRequest, filters: Query[ObjectionFilterIn]) -> Any:
    """Objections to the notices of branches the user manages, open ones first."""
    branch = None
    if filters.branch_id is not None:
        branch = org_for_user(request.user, filters.branch_id)
    qs = selectors.objections_inbox(user=request.user, branch=branch)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    return qs


@router.post("/objections/{objection_id}/answer", response=responses(ObjectionOut, 400, 403, 404))
def objection_answer(request: HttpRequest, objection_id: ObjectId, payload: AnswerIn) -> Any:
    """The committee answers an objection; the answer is posted beside it, and never changes."""
    objection = selectors.objection_for_manager(user=request.user, pk=objection_id)
    services.objection_answer(
        actor=Actor.from_request(request), objection=objection, answer=payload.answer
    )
    return selectors.objection_for_manager(user=request.user, pk=objection_id)
