"""REST endpoints of the points ledger, under /api/v1/points.

Each endpoint parses, makes one domain call (`selectors` to read, `services` to write, the same
ones the pages use) and renders. Errors are mapped in `zhengxing/api.py`: ServiceError → 400 with
the service's Chinese message, PermissionDenied → 403, Http404 → 404.

404 or 403, as in the roster API: an object named by id (in the path or the body) that lies
outside the user's scope is a 404, as if it did not exist — township B's committee asking for a
township-A claim. A 403 means the object is visible but the role may not do this: a committee
member signing the quarter (only the secretary signs), a member reviewing a claim.

Writes carry an idempotency key, from the `Idempotency-Key` header or the body: the same key
twice makes one claim, and the second answer is the first claim with 200 instead of 201.

The public's endpoints (reports, notices, objections) are `api_public.py`'s.
"""

from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import File, Header, P, PathEx, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhengxing.accounts.reauth import require_recent_api
from zhengxing.core.actor import Actor
from zhengxing.core.schemas import LimitOffset, ObjectId, key_from, responses
from zhengxing.orgs.models import Member
from zhengxing.orgs.selectors import member_for_user, members_visible_to, org_for_user, scope_for

from . import selectors, services
from .models import (
    Claim,
    EvidenceFile,
    LedgerEntry,
    QuarterClose,
    RuleCatalogue,
    RuleItem,
)
from .presets import PRESETS
from .rules import ClaimSource, Quarter
from .schemas import (
    ApprovalOut,
    ApproveAllIn,
    BranchTableOut,
    CatalogueCreateIn,
    CatalogueDetailOut,
    CatalogueFilterIn,
    CatalogueOut,
    CatalogueReviseIn,
    ClaimBatchIn,
    ClaimDetailOut,
    ClaimFilterIn,
    ClaimIn,
    ClaimOut,
    DeductionIn,
    EntryFilterIn,
    EntryOut,
    MemberTotalsOut,
    PresetOut,
    QuarterCloseOut,
    ReverseIn,
    ReviewBatchIn,
    ReviewIn,
    SpamBatchIn,
    YearFilterIn,
    YearIn,
)

router = Router(tags=["ledger"])

YearPath = PathEx[int, P(ge=2000, le=2100)]
QuarterPath = PathEx[int, P(ge=1, le=4)]


def replayable(ok: Any) -> dict[int, Any]:
    """A write made once per idempotency key: 201 when made, 200 when the key was seen."""
    return {**responses(ok, 400, 403, 404, status=201), 200: ok}


# --- scoped fetchers ----------------------------------------------------------------------
# Everything below builds on orgs.selectors.scope_for, the one place that says who sees what.


def _catalogues_visible(request: HttpRequest) -> QuerySet[RuleCatalogue]:
    """Catalogues set inside the user's subtrees, and those set above them that govern them
    (a branch secretary, or a member, sees the county's and the township's rules)."""
    scope = scope_for(request.user)
    if scope.everything:
        return RuleCatalogue.objects.all()
    paths = {p for g in scope.grants for p in selectors.ancestor_paths(g.path)}
    if scope.member_id is not None:
        own = Member.objects.filter(pk=scope.member_id).values_list("branch__path", flat=True)
        paths.update(p for path in own for p in selectors.ancestor_paths(path))
    return RuleCatalogue.objects.filter(scope.org_q("owner__") | Q(owner__path__in=paths))


def _catalogue(request: HttpRequest, pk: int) -> RuleCatalogue:
    catalogue = _catalogues_visible(request).select_related("owner").filter(pk=pk).first()
    if catalogue is None:
        raise Http404
    return catalogue


def _item(request: HttpRequest, pk: int) -> RuleItem:
    item = RuleItem.objects.filter(
        pk=pk, catalogue__in=_catalogues_visible(request).values("pk")
    ).first()
    if item is None:
        raise Http404
    return item


def _claims_visible(request: HttpRequest) -> QuerySet[Claim]:
    """Claims of branches in the user's subtrees, and the member's own (but never a public
    report about them: the reporter is not to be exposed to the one reported)."""
    scope = scope_for(request.user)
    if scope.everything:
        return Claim.objects.all()
    q = scope.org_q("branch__")
    if scope.member_id is not None:
        q |= Q(member_id=scope.member_id) & ~Q(source=ClaimSource.PUBLIC)
    return Claim.objects.filter(q)


def _claim(request: HttpRequest, pk: int) -> Claim:
    claim = (
        _claims_visible(request).select_related("branch", "member", "item").filter(pk=pk).first()
    )
    if claim is None:
        raise Http404
    return claim


def _entries(request: HttpRequest) -> QuerySet[LedgerEntry]:
    """Entries of branches in the user's subtrees and the member's own, preloaded, each marked
    counted or not."""
    scope = scope_for(request.user)
    q = scope.org_q("branch__")
    if scope.member_id is not None and not scope.everything:
        q |= Q(member_id=scope.member_id)
    signed = QuarterClose.objects.filter(
        branch_id=OuterRef("branch_id"), year=OuterRef("year"), quarter=OuterRef("quarter")
    )
    return (
        LedgerEntry.objects.filter(q)
        .select_related("member", "item")
        .annotate(counted=Exists(signed))
    )


def _members(request: HttpRequest, ids: list[int]) -> list[Member]:
    """The members named, in the order named; one outside the scope is a 404."""
    found = members_visible_to(request.user).in_bulk(set(ids))
    if len(found) != len(set(ids)):
        raise Http404
    return [found[pk] for pk in dict.fromkeys(ids)]


# --- rule catalogues ----------------------------------------------------------------------


@router.get("/presets", response=responses(list[PresetOut]))
def preset_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The rule sets built from the articles, to start a catalogue from."""
    return [
        {
            "key": p.key,
            "name": p.name,
            "source": p.source,
            "items": [
                {
                    "code": i.code,
                    "name": i.name,
                    "part": i.part,
                    "points": i.points,
                    "min_points": i.low,
                    "max_points": i.high,
                    "cap_quarter": i.cap_quarter,
                    "cap_year": i.cap_year,
                    "recorder": i.recorder,
                    "evidence_required": i.evidence_required,
                    "block": i.block,
                }
                for i in p.items
            ],
            "base_points": p.base_points,
        }
        for p in PRESETS.values()
    ]


@router.get("/catalogues", response=responses(list[CatalogueOut]))
@paginate(LimitOffset)
def catalogue_list(request: HttpRequest, filters: Query[CatalogueFilterIn]) -> Any:
    qs = _catalogues_visible(request).select_related("owner")
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.owner is not None:
        # no 404 for an owner outside the subtree: the rules set above it are visible too
        qs = qs.filter(owner_id=filters.owner)
    if filters.current is not None:
        qs = qs.filter(is_current=filters.current)
    return qs.order_by("-year", "owner__path", "-version")


@router.get("/catalogues/{catalogue_id}", response=responses(CatalogueDetailOut, 404))
def catalogue_detail(request: HttpRequest, catalogue_id: ObjectId) -> RuleCatalogue:
    return _catalogue(request, catalogue_id)


@router.post("/catalogues", response=responses(CatalogueOut, 400, 403, 404, status=201))
def catalogue_create(request: HttpRequest, payload: CatalogueCreateIn) -> tuple[int, Any]:
    owner = org_for_user(request.user, payload.owner_id)
    catalogue = services.catalogue_from_preset(
        actor=Actor.from_request(request),
        county=owner.county,
        owner=owner,
        year=payload.year,
        preset=payload.preset,
    )
    return 201, catalogue


@router.post(
    "/catalogues/{catalogue_id}/revise",
    response=responses(CatalogueOut, 400, 403, 404, status=201),
)
def catalogue_revise(
    request: HttpRequest, catalogue_id: ObjectId, payload: CatalogueReviseIn
) -> tuple[int, Any]:
    """The next version: the old one stays, with the entries scored under it."""
    catalogue = _catalogue(request, catalogue_id)
    revised = services.catalogue_revise(
        actor=Actor.from_request(request),
        catalogue=catalogue,
        items=[item.spec() for item in payload.items],
        base_points=payload.base_point_values(),
        name=payload.name,
    )
    return 201, revised


# --- claims -------------------------------------------------------------------------------


@router.get("/claims", response=responses(list[ClaimOut], 404))
@paginate(LimitOffset)
def claim_list(request: HttpRequest, filters: Query[ClaimFilterIn]) -> Any:
    """Visible claims, newest first; the same number of queries for any page size."""
    qs = _claims_visible(request)
    if filters.branch_id is not None:
        qs = qs.filter(branch=org_for_user(request.user, filters.branch_id))
    if filters.member_id is not None:
        qs = qs.filter(member_id=filters.member_id)
    for field in ("year", "quarter", "status", "source"):
        value = getattr(filters, field)
        if value is not None:
            qs = qs.filter(**{field: value})
    return qs.select_related("branch", "member", "item").order_by("-occurred_on", "-pk")


class EvidenceOut(Schema):
    ref: str
    content_type: str
    size: int


@router.post("/evidence", response=responses(EvidenceOut, 400, 403, status=201))
def evidence_upload(request: HttpRequest, file: File[UploadedFile]) -> tuple[int, EvidenceFile]:
    """Upload a file of evidence (multipart/form-data, field `file`): a photo (JPEG, PNG, WebP)
    or a PDF, known by its content, of at most ZHENGXING_MAX_UPLOAD_MB. The answer's `ref` goes
    in a claim's `evidence`; only the uploader may name it."""
    row = services.evidence_upload(actor=Actor.from_request(request), upload=file)
    return 201, row


EVIDENCE_REFUSED = "证明材料须填写本人通过 POST /api/v1/points/evidence 上传文件所得的编号（ref）"


def _evidence_path(request: HttpRequest, ref: str) -> str:
    """Where the evidence a claim names lies: a file this user uploaded, else a 422."""
    if not ref:
        return ""
    row = selectors.evidence_owned(user=request.user, ref=ref.strip())
    if row is None:
        error = {
            "loc": ["body", "payload", "evidence"],
            "msg": EVIDENCE_REFUSED,
            "type": "value_error",
        }
        raise ValidationError([error])
    return row.path


@router.post("/claims", response=replayable(ClaimOut))
def claim_submit(
    request: HttpRequest,
    payload: ClaimIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64),
) -> tuple[int, Claim]:
    """A member's self-report of their own activity. 201 when made; 200 with the same claim
    when the key was seen before (a double tap)."""
    member_id = scope_for(request.user).member_id
    if member_id is None:
        raise PermissionDenied
    member = member_for_user(request.user, member_id)
    item = _item(request, payload.item_id)
    evidence = _evidence_path(request, payload.evidence)
    key = key_from(idempotency_key, payload.idempotency_key)
    seen = Claim.objects.filter(member=member, idempotency_key=key).exists()
    claim = services.claim_submit(
        actor=Actor.from_request(request),
        branch=member.branch,
        member=member,
        item=item,
        occurred_on=payload.occurred_on,
        place=payload.place,
        description=payload.description,
        points=payload.points,
        evidence=evidence,
        idempotency_key=key,
    )
    return (200 if seen else 201), _claim(request, claim.pk)


@router.post("/claims/batch", response=replayable(list[ClaimOut]))
def claim_record_many(
    request: HttpRequest,
    payload: ClaimBatchIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64),
) -> tuple[int, QuerySet[Claim]]:
    """The committee records one item for many members ("twelve members cleared snow"). All or
    nothing; the same key again returns the same claims with 200."""
    branch = org_for_user(request.user, payload.branch_id)
    members = _members(request, payload.member_ids)
    item = _item(request, payload.item_id)
    evidence = _evidence_path(request, payload.evidence)
    key = key_from(idempotency_key, payload.idempotency_key)
    seen = Claim.objects.filter(member__in=members, idempotency_key=key).count() == len(members)
    claims = services.claim_record_many(
        actor=Actor.from_request(request),
        branch=branch,
        item=item,
        members=members,
        occurred_on=payload.occurred_on,
        place=payload.place,
        description=payload.description,
        points=payload.points,
        evidence=evidence,
        idempotency_key=key,
    )
    rows = (
        Claim.objects.filter(pk__in=[c.pk for c in claims])
        .select_related("branch", "member", "item")
        .order_by("member__name", "pk")
    )
    return (200 if seen else 201), rows


@router.post("/claims/review-batch", response=responses(list[ClaimOut], 400, 403, 404))
def claim_review_many(request: HttpRequest, payload: ReviewBatchIn) -> QuerySet[Claim]:
    """The quarterly review of many claims: approve as requested, or reject with one reason."""
    branch = org_for_user(request.user, payload.branch_id)
    claims = list(_claims_visible(request).filter(pk__in=payload.claim_ids))
    if len(claims) != len(set(payload.claim_ids)):
        raise Http404
    decided = services.claim_review_many(
        actor=Actor.from_request(request),
        branch=branch,
        claims=claims,
        decision=payload.decision,
        reason=payload.reason,
    )
    return (
        Claim.objects.filter(pk__in=[c.pk for c in decided])
        .select_related("branch", "member", "item")
        .order_by("occurred_on", "pk")
    )


@router.post("/claims/approve-all", response=responses(ApprovalOut, 400, 403, 404))
def claim_approve_all(request: HttpRequest, payload: ApproveAllIn) -> dict[str, Any]:
    """Approve, as requested, every listed claim that may be approved; the others are left
    pending and listed under `skipped` with the reason (a reviewer's own claim, a report from
    the public, one decided meanwhile, one of a signed quarter)."""
    branch = org_for_user(request.user, payload.branch_id)
    claims = list(_claims_visible(request).filter(pk__in=payload.claim_ids))
    if len(claims) != len(set(payload.claim_ids)):
        raise Http404
    done = services.claim_approve_all(
        actor=Actor.from_request(request), branch=branch, claims=claims
    )
    approved = (
        Claim.objects.filter(pk__in=[c.pk for c in done.approved])
        .select_related("branch", "member", "item")
        .order_by("occurred_on", "pk")
    )
    return {"approved": list(approved), "skipped": [asdict(s) for s in done.skipped]}


@router.post("/public-reports/spam", response=responses(list[ClaimOut], 400, 403, 404))
def public_reports_mark_spam(request: HttpRequest, payload: SpamBatchIn) -> QuerySet[Claim]:
    """The committee sets pending reports from the public aside as spam, in bulk: kept and
    audited, never reviewed, and no longer holding up the quarter's sign-off."""
    branch = org_for_user(request.user, payload.branch_id)
    claims = list(_claims_visible(request).filter(pk__in=payload.claim_ids))
    if len(claims) != len(set(payload.claim_ids)):
        raise Http404
    marked = services.public_reports_mark_spam(
        actor=Actor.from_request(request), branch=branch, claims=claims, reason=payload.reason
    )
    return (
        Claim.objects.filter(pk__in=[c.pk for c in marked])
        .select_related("branch", "member", "item")
        .order_by("occurred_on", "pk")
    )


@router.get("/claims/{claim_id}", response=responses(ClaimDetailOut, 404))
def claim_detail(request: HttpRequest, claim_id: ObjectId) -> dict[str, Any]:
    # declared after /claims/batch and /claims/review-batch, which it would otherwise shadow
    claim = _claim(request, claim_id)
    show = scope_for(request.user).can_manage_org(claim.branch)
    return ClaimDetailOut.of(claim, show_reporter=show)


@router.post("/claims/{claim_id}/review", response=responses(ClaimOut, 400, 403, 404))
def claim_review(request: HttpRequest, claim_id: ObjectId, payload: ReviewIn) -> Claim:
    """Approve, adjust within the item's range, or reject with a reason. A public report is
    approved (or adjusted) under the item it falls under (`item_id`)."""
    claim = _claim(request, claim_id)
    item = _item(request, payload.item_id) if payload.item_id is not None else None
    services.claim_review(
        actor=Actor.from_request(request),
        claim=claim,
        decision=payload.decision,
        points=payload.points,
        reason=payload.reason,
        item=item,
    )
    return _claim(request, claim.pk)


# --- deductions, sign-off, reversal -------------------------------------------------------


@router.post("/deductions", response=responses(EntryOut, 400, 403, 404, status=201))
def deduction_record(
    request: HttpRequest,
    payload: DeductionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64),
) -> tuple[int, LedgerEntry]:
    """The committee deducts points with its reason, in the member's own branch."""
    member = member_for_user(request.user, payload.member_id)
    item = _item(request, payload.item_id)
    report = _claim(request, payload.report_id) if payload.report_id is not None else None
    entry = services.deduction_record(
        actor=Actor.from_request(request),
        branch=member.branch,
        member=member,
        item=item,
        reason=payload.reason,
        occurred_on=payload.occurred_on,
        points=payload.points,
        place=payload.place,
        report=report,
        idempotency_key=key_from(idempotency_key, payload.idempotency_key),
    )
    return 201, _entries(request).get(pk=entry.pk)


@router.post(
    "/branches/{branch_id}/base-points",
    response=responses(list[EntryOut], 400, 403, 404, status=201),
)
def base_points_record(
    request: HttpRequest, branch_id: ObjectId, payload: YearIn
) -> tuple[int, QuerySet[LedgerEntry]]:
    """Credit each active member the year's base points for their category (once a year; a
    second call credits only members added since)."""
    branch = org_for_user(request.user, branch_id)
    entries = services.base_points_record(
        actor=Actor.from_request(request), branch=branch, year=payload.year
    )
    return 201, _entries(request).filter(pk__in=[e.pk for e in entries]).order_by("seq")


@router.post(
    "/branches/{branch_id}/quarters/{year}/{quarter}/sign-off",
    response=responses(QuarterCloseOut, 400, 403, 404, status=201),
)
def quarter_sign_off(
    request: HttpRequest, branch_id: ObjectId, year: YearPath, quarter: QuarterPath
) -> tuple[int, QuarterClose]:
    """The branch secretary signs the quarter (书记签字确认): only the secretary may, with the
    password entered in the last few minutes (POST /api/v1/auth/reauth), and only once the
    quarter has ended (400 with the date it may be signed from, before)."""
    branch = org_for_user(request.user, branch_id)
    require_recent_api(request)
    close = services.quarter_sign_off(
        actor=Actor.from_request(request), branch=branch, quarter=Quarter(year, quarter)
    )
    return 201, close


@router.post("/entries/{entry_id}/reverse", response=responses(EntryOut, 400, 403, 404, status=201))
def entry_reverse(
    request: HttpRequest, entry_id: ObjectId, payload: ReverseIn
) -> tuple[int, LedgerEntry]:
    """Correct an entry (冲正) with a new, opposite entry in the current quarter."""
    entry = _entries(request).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    reversal = services.entry_reverse(
        actor=Actor.from_request(request), entry=entry, reason=payload.reason
    )
    return 201, _entries(request).get(pk=reversal.pk)


# --- ledger reads -------------------------------------------------------------------------


@router.get("/branches/{branch_id}/entries", response=responses(list[EntryOut], 404))
@paginate(LimitOffset)
def branch_entries(request: HttpRequest, branch_id: ObjectId, filters: Query[EntryFilterIn]) -> Any:
    """A branch's ledger in chain order, each entry marked counted once its quarter is signed."""
    branch = org_for_user(request.user, branch_id)
    qs = _entries(request).filter(branch=branch)
    for field in ("year", "quarter", "member_id"):
        value = getattr(filters, field)
        if value is not None:
            qs = qs.filter(**{field: value})
    return qs.order_by("seq")


@router.get(
    "/branches/{branch_id}/quarters/{year}/{quarter}/table",
    response=responses(BranchTableOut, 404),
)
def branch_table(
    request: HttpRequest, branch_id: ObjectId, year: YearPath, quarter: QuarterPath
) -> dict[str, Any]:
    """The branch's quarter as posted (一张表): counted points only."""
    branch = org_for_user(request.user, branch_id)
    rows = selectors.branch_quarter_table(
        user=request.user, branch=branch, quarter=Quarter(year, quarter)
    )
    return {
        "branch": branch,
        "year": year,
        "quarter": quarter,
        "rows": [{**row, "member_name": row["member__name"]} for row in rows],
    }


@router.get("/members/{member_id}/entries", response=responses(list[EntryOut], 404))
@paginate(LimitOffset)
def member_entries(request: HttpRequest, member_id: ObjectId, filters: Query[YearFilterIn]) -> Any:
    """A member's history: their entries, newest first, each marked counted or not."""
    member = member_for_user(request.user, member_id)
    qs = _entries(request).filter(member=member)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    return qs.order_by("-recorded_at", "-pk")


@router.get("/members/{member_id}/totals", response=responses(MemberTotalsOut, 404))
def member_totals(
    request: HttpRequest, member_id: ObjectId, filters: Query[YearIn]
) -> dict[str, Any]:
    """A member's counted points for the year, by part."""
    member = member_for_user(request.user, member_id)
    totals = selectors.member_year_totals(user=request.user, member=member, year=filters.year)
    return {"member": member, "year": filters.year, **asdict(totals)}
