"""The review workflow (login): a member's self-report from a phone, the committee's
registration for many members, the quarterly review queue, deductions, the secretary's
sign-off, and the inbox of objections to posted notices.

Each view parses, makes one domain call (`selectors` to read, `services` to write) and renders.
Branches come through `selectors.branch_for_manager`: outside the user's scope a page is 404.
HTMX requests get a partial of the same template (one claim, one objection).
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhengxing.accounts.reauth import recent_auth
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import NOT_CONFIRMED, answer_posted_for_good, confirmed
from zhengxing.orgs import selectors as org_selectors
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MemberStatus

from .. import selectors, services
from ..forms import (
    AnswerForm,
    ClaimForm,
    DeductionForm,
    QuarterForm,
    RecordManyForm,
    ReviewAllForm,
    ReviewForm,
    SpamForm,
    evidence_discard,
    evidence_storage,
    evidence_store,
)
from ..models import Claim, Objection, RuleItem
from ..rules import ClaimSource, Part, Quarter, Recorder, sign_off_problem

# How many managed branches the branch picker lists on one page.
BRANCHES_PER_PAGE = 50


def _today() -> Any:
    return timezone.localdate()


def _branch(request: HttpRequest, branch_id: int) -> Org:
    return selectors.branch_for_manager(user=request.user, pk=branch_id)


def _quarter(request: HttpRequest) -> Quarter:
    return QuarterForm(request.GET).quarter_or(Quarter.of(_today()))


def _items(branch: Org, year: int) -> Any:
    catalogue = selectors.catalogue_applying(branch=branch, year=year)
    if catalogue is None:
        return RuleItem.objects.none()
    return selectors.catalogue_items(catalogue=catalogue)


def _members(request: HttpRequest, branch: Org) -> Any:
    return (
        org_selectors.members_visible_to(request.user)
        .filter(branch=branch)
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .order_by("name", "pk")
    )


def _with_masked_contact(objection: Objection) -> Objection:
    """The committee sees the objector's contact masked, like every phone on every page."""
    objection.contact_masked = pii.mask_phone(pii.decrypt(objection.contact_enc))  # type: ignore[attr-defined]
    return objection


def _store_or_none(form: Any) -> str:
    upload = form.cleaned_data.get("evidence")
    return evidence_store(upload, today=_today()) if upload else ""


# --- a member's self-report ---------------------------------------------------------------


@login_required
@never_cache
def claim_new(request: HttpRequest) -> HttpResponse:
    """A member reports an activity from their phone (个人申报)."""
    member_id = org_selectors.scope_for(request.user).member_id
    if member_id is None:
        raise PermissionDenied
    member: Member = org_selectors.member_for_user(request.user, member_id)
    today = _today()
    items = (
        _items(member.branch, today.year)
        .filter(recorder=Recorder.SELF_REPORT)
        .exclude(part=Part.DEDUCTION)
    )
    form = ClaimForm(request.POST or None, request.FILES or None, items=items, today=today)
    if request.method == "POST" and form.is_valid():
        evidence = _store_or_none(form)
        try:
            claim = services.claim_submit(
                actor=Actor.from_request(request),
                branch=member.branch,
                member=member,
                item=form.cleaned_data["item"],
                occurred_on=form.cleaned_data["occurred_on"],
                place=form.cleaned_data["place"],
                description=form.cleaned_data["description"],
                points=form.cleaned_data["points"],
                evidence=evidence,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ServiceError as e:
            evidence_discard(evidence)
            form.add_error(None, str(e))
        else:
            if claim.evidence != evidence:  # a second tap: the first claim kept its own photo
                evidence_discard(evidence)
            messages.success(
                request, _("Your report was submitted. The branch committee will review it.")
            )
            return redirect("ledger:claim_new")
    return TemplateResponse(
        request,
        "ledger/workflow/claim_form.html",
        {"form": form, "member": member, "no_items": not items.exists()},
    )


@login_required
@require_GET
def claim_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """A claim's photo, for the member who made it and those who may see its branch."""
    claim = selectors.claim_for_user(user=request.user, pk=pk)
    if not claim.evidence:
        raise Http404
    storage = evidence_storage()
    if not storage.exists(claim.evidence):
        raise Http404
    content_type = mimetypes.guess_type(claim.evidence)[0] or "application/octet-stream"
    response = FileResponse(storage.open(claim.evidence, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- choosing a branch --------------------------------------------------------------------


@login_required
@require_GET
def workflow(request: HttpRequest) -> HttpResponse:
    """The branches the user manages, each with its workflow pages."""
    branches = selectors.branches_managed(user=request.user)
    page = Paginator(branches, BRANCHES_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "ledger/workflow/branches.html", {"page": page, "quarter": _quarter(request)}
    )


# --- the committee registers for many -----------------------------------------------------


@login_required
@never_cache
def claim_record(request: HttpRequest, branch_id: int) -> HttpResponse:
    """One item for many members in one form (登记建账); the claims wait for the review."""
    branch = _branch(request, branch_id)
    today = _today()
    items = _items(branch, today.year).exclude(part=Part.DEDUCTION)
    form = RecordManyForm(
        request.POST or None,
        request.FILES or None,
        items=items,
        members=_members(request, branch),
        today=today,
        pick=request.GET.get("pick", "")[:40],
    )
    if request.method == "POST" and form.is_valid():
        evidence = _store_or_none(form)
        try:
            claims = services.claim_record_many(
                actor=Actor.from_request(request),
                branch=branch,
                item=form.cleaned_data["item"],
                members=list(form.cleaned_data["members"]),
                occurred_on=form.cleaned_data["occurred_on"],
                place=form.cleaned_data["place"],
                description=form.cleaned_data["description"],
                points=form.cleaned_data["points"],
                evidence=evidence,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ServiceError as e:
            evidence_discard(evidence)
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                _("%(n)s claims were registered and wait for the review.") % {"n": len(claims)},
            )
            return redirect("ledger:claim_record", branch_id=branch.pk)
    return TemplateResponse(
        request, "ledger/workflow/record_form.html", {"form": form, "branch": branch}
    )


# --- the quarterly review -----------------------------------------------------------------


def _review_items(branch: Org, claim: Claim) -> Any:
    """A public report needs the item it falls under; other claims keep theirs."""
    return _items(branch, claim.year) if claim.source == ClaimSource.PUBLIC else None


def _picked(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_GET
@never_cache
def review(request: HttpRequest, branch_id: int) -> HttpResponse:
    """The committee's review queue for a quarter (支委会每季度审核), a line per claim to read on
    a phone — member, item, points, date, the photo's thumbnail — opened to decide, filtered by
    item or member; "approve all shown" approves the claims the filter leaves."""
    branch = _branch(request, branch_id)
    quarter = _quarter(request)
    queue = list(selectors.claims_pending(user=request.user, branch=branch, quarter=quarter))
    item_id, member_id = _picked(request, "item"), _picked(request, "member")
    claims = [
        c
        for c in queue
        if (item_id is None or c.item_id == item_id)
        and (member_id is None or c.member_id == member_id)
    ]
    items = _items(branch, quarter.year)
    rows = [
        (c, ReviewForm(items=items if c.source == ClaimSource.PUBLIC else None, prefix=f"c{c.pk}"))
        for c in claims
    ]
    return TemplateResponse(
        request,
        "ledger/workflow/review.html",
        {
            "branch": branch,
            "quarter": quarter,
            "rows": rows,
            "pending": len(queue),
            "filtered": item_id is not None or member_id is not None,
            # the filter's choices: what the queue holds
            "item_choices": sorted(
                {(c.item.pk, c.item.name) for c in queue if c.item}, key=_second
            ),
            "member_choices": sorted({(c.member.pk, c.member.name) for c in queue}, key=_second),
            "item_id": item_id,
            "member_id": member_id,
            "batchable": [c for c in claims if c.source != ClaimSource.PUBLIC],
            "public_reports": [c for c in claims if c.source == ClaimSource.PUBLIC],
        },
    )


def _second(pair: tuple[int, str]) -> str:
    return pair[1]


@login_required
@require_POST
def review_claim(request: HttpRequest, branch_id: int, claim_id: int) -> HttpResponse:
    """One decision: approve, adjust within the item's range, or reject with a reason. HTMX
    swaps the claim's line for its outcome (or the form with the refusal), and the queue's
    count beside it (out of band)."""
    branch = _branch(request, branch_id)
    claim = selectors.claim_for_manager(user=request.user, pk=claim_id)
    if claim.branch_id != branch.pk:
        raise Http404
    form = ReviewForm(request.POST, items=_review_items(branch, claim), prefix=f"c{claim.pk}")
    decided = None
    if form.is_valid():
        try:
            decided = services.claim_review(
                actor=Actor.from_request(request),
                claim=claim,
                decision=form.cleaned_data["decision"],
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
                item=form.cleaned_data.get("item"),
            )
        except ServiceError as e:
            form.add_error(None, str(e))
    quarter = Quarter(claim.year, claim.quarter)
    if not request.htmx:  # type: ignore[attr-defined]
        if decided is not None:
            messages.success(request, _("The claim was decided."))
        else:
            for error in form.non_field_errors() or [_("The decision was not recorded.")]:
                messages.error(request, str(error))
        url = reverse("ledger:review", args=[branch.pk])
        return redirect(f"{url}?quarter={quarter}")
    return TemplateResponse(
        request,
        "ledger/workflow/_review_claim.html",
        {
            "branch": branch,
            "claim": decided or claim,
            "form": form,
            "decided": decided,
            "quarter": quarter,
            "oob_pending": selectors.claims_pending(
                user=request.user, branch=branch, quarter=quarter
            ).count(),
        },
    )


@login_required
@require_POST
def review_all(request: HttpRequest, branch_id: int) -> HttpResponse:
    """ "Approve all shown", once confirmed: the claims the page listed that may be approved
    are, and those left (the reviewer's own, one decided meanwhile...) are listed with why."""
    branch = _branch(request, branch_id)
    quarter = _quarter(request)
    form = ReviewAllForm(request.POST, claims=Claim.objects.filter(branch=branch))
    if not confirmed(request.POST):
        messages.error(request, NOT_CONFIRMED)
    elif form.is_valid():
        try:
            done = services.claim_approve_all(
                actor=Actor.from_request(request),
                branch=branch,
                claims=list(form.cleaned_data["claims"]),
            )
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            _approval_messages(request, done)
    else:
        messages.error(request, _("The list was out of date; it was refreshed."))
    return redirect(f"{reverse('ledger:review', args=[branch.pk])}?quarter={quarter}")


def _approval_messages(request: HttpRequest, done: services.Approval) -> None:
    messages.success(request, _("%(n)s claims were approved.") % {"n": len(done.approved)})
    for s in done.skipped:
        messages.warning(
            request,
            _("Not approved: %(member)s · %(item)s: %(reason)s")
            % {"member": s.member, "item": s.item, "reason": s.reason},
        )


@login_required
@require_POST
def review_spam(request: HttpRequest, branch_id: int) -> HttpResponse:
    """Public reports set aside as spam: the ones ticked, or all the page showed."""
    branch = _branch(request, branch_id)
    quarter = _quarter(request)
    pending = selectors.claims_pending(user=request.user, branch=branch, quarter=quarter)
    form = SpamForm(request.POST, claims=pending.filter(source=ClaimSource.PUBLIC))
    if not confirmed(request.POST):  # set aside for good
        messages.error(request, NOT_CONFIRMED)
    elif form.is_valid():
        try:
            marked = services.public_reports_mark_spam(
                actor=Actor.from_request(request),
                branch=branch,
                claims=list(form.cleaned_data["claims"]),
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            messages.success(
                request, _("%(n)s public reports were marked as spam.") % {"n": len(marked)}
            )
    else:
        messages.error(
            request,
            _("Choose the public reports to mark as spam; some may have been decided meanwhile."),
        )
    return redirect(f"{reverse('ledger:review', args=[branch.pk])}?quarter={quarter}")


# --- deductions ---------------------------------------------------------------------------


@login_required
@never_cache
def deduction_new(request: HttpRequest, branch_id: int) -> HttpResponse:
    """A deduction with its reason; its source is the committee's finding or a public report."""
    branch = _branch(request, branch_id)
    today = _today()
    reports = selectors.public_reports_pending(user=request.user, branch=branch)
    form = DeductionForm(
        request.POST or None,
        members=_members(request, branch),
        items=_items(branch, today.year).filter(part=Part.DEDUCTION),
        reports=reports,
        today=today,
        initial={"report": request.GET.get("report")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.deduction_record(
                actor=Actor.from_request(request),
                branch=branch,
                member=data["member"],
                item=data["item"],
                reason=data["reason"],
                occurred_on=data["occurred_on"],
                points=data["points"],
                place=data["place"],
                report=data["report"],
                idempotency_key=data["idempotency_key"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                _("%(points)s points were deducted from %(name)s.")
                % {"points": entry.points, "name": data["member"].name},
            )
            return redirect("ledger:deduction_new", branch_id=branch.pk)
    return TemplateResponse(
        request,
        "ledger/workflow/deduction_form.html",
        {"form": form, "branch": branch, "reports": reports},
    )


# --- the secretary's sign-off -------------------------------------------------------------


@login_required
@never_cache
@recent_auth
def sign_off(request: HttpRequest, branch_id: int) -> HttpResponse:
    """The quarter's pending count and totals, then the secretary's signature (书记签字确认).
    Signing posts the public notice; the page then links to it."""
    branch = _branch(request, branch_id)
    # a quarter is signed once it has ended: by default the one just behind us
    quarter = QuarterForm(request.GET).quarter_or(Quarter.of(_today()).previous())
    actor = Actor.from_request(request)
    if request.method == "POST":
        if not services.may_sign_off(actor=actor, branch=branch):
            raise PermissionDenied
        try:
            if not confirmed(request.POST):  # signing closes the quarter for good
                raise ServiceError(NOT_CONFIRMED)
            services.quarter_sign_off(actor=actor, branch=branch, quarter=quarter)
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("The quarter was signed off and its notice posted."))
        return redirect(f"{reverse('ledger:sign_off', args=[branch.pk])}?quarter={quarter}")
    table = selectors.branch_quarter_table(
        user=request.user, branch=branch, quarter=quarter, counted_only=False
    )
    totals = {
        part: sum((row[part] for row in table), start=0)
        for part in ("base", "bonus", "deduction", "total")
    }
    pending = selectors.claims_pending(user=request.user, branch=branch, quarter=quarter).count()
    return TemplateResponse(
        request,
        "ledger/workflow/sign_off.html",
        {
            "branch": branch,
            "quarter": quarter,
            "pending": pending,
            # why the button is off, when it is: the rule the service will apply
            "why_not": sign_off_problem(
                quarter,
                today=timezone.localdate(actor.now),
                closed=selectors.closed_quarters(branch_id=branch.pk, years={quarter.year}),
                pending=pending,
            ),
            "table": table,
            "totals": totals,
            "posting": selectors.posting_of(user=request.user, branch=branch, quarter=quarter),
            "may_sign": services.may_sign_off(actor=actor, branch=branch),
        },
    )


# --- objections to the notices ------------------------------------------------------------


@login_required
@require_GET
@never_cache
def objections(request: HttpRequest) -> HttpResponse:
    """Objections to the notices of the branches the user manages, open ones first."""
    branch_id = request.GET.get("branch")
    branch = _branch(request, int(branch_id)) if branch_id and branch_id.isdigit() else None
    inbox = selectors.objections_inbox(user=request.user, branch=branch)
    page = Paginator(inbox, 50).get_page(request.GET.get("page"))
    rows = [(_with_masked_contact(o), AnswerForm(prefix=f"o{o.pk}")) for o in page.object_list]
    return TemplateResponse(
        request,
        "ledger/workflow/objections.html",
        {"branch": branch, "page": page, "rows": rows},
    )


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee's answer, posted beside the objection on the notice."""
    objection: Objection = selectors.objection_for_manager(user=request.user, pk=pk)
    form = AnswerForm(request.POST, prefix=f"o{objection.pk}")
    actor = Actor.from_request(request)
    answered = answer_posted_for_good(
        request.POST,
        form,
        lambda text: services.objection_answer(actor=actor, objection=objection, answer=text),
    )
    objection = answered or objection
    if not request.htmx:  # type: ignore[attr-defined]
        if objection.status == Objection.Status.ANSWERED and not form.errors:
            messages.success(request, _("The answer was posted on the notice."))
        else:
            for error in form.non_field_errors() or [_("The answer was not recorded.")]:
                messages.error(request, str(error))
        return redirect("ledger:objections")
    return TemplateResponse(
        request,
        "ledger/workflow/_objection.html",
        {"o": _with_masked_contact(objection), "form": form},
    )


@login_required
@require_POST
def objection_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """The objector's full contact for the committee answering, to call back (audited); HTMX
    swaps it in place of the masked one."""
    objection: Objection = selectors.objection_for_manager(user=request.user, pk=pk)
    contact = services.objection_contact_reveal(
        actor=Actor.from_request(request), objection=objection
    )
    if request.htmx:  # type: ignore[attr-defined]
        return TemplateResponse(
            request, "ledger/workflow/_objection_contact.html", {"contact": contact}
        )
    messages.info(request, _("Contact of the objector: %(contact)s") % {"contact": contact})
    return redirect(f"{reverse('ledger:objections')}#objection-{objection.pk}")


urlpatterns = [
    path("claim/new/", claim_new, name="claim_new"),
    path("claim/<int:pk>/evidence/", claim_evidence, name="claim_evidence"),
    path("workflow/", workflow, name="workflow"),
    path("workflow/<int:branch_id>/record/", claim_record, name="claim_record"),
    path("workflow/<int:branch_id>/review/", review, name="review"),
    path("workflow/<int:branch_id>/review/all/", review_all, name="review_all"),
    path("workflow/<int:branch_id>/review/spam/", review_spam, name="review_spam"),
    path("workflow/<int:branch_id>/review/<int:claim_id>/", review_claim, name="review_claim"),
    path("workflow/<int:branch_id>/deduct/", deduction_new, name="deduction_new"),
    path("workflow/<int:branch_id>/sign-off/", sign_off, name="sign_off"),
    path("objections/", objections, name="objections"),
    path("objections/<int:pk>/answer/", objection_answer, name="objection_answer"),
    path("objections/<int:pk>/contact/", objection_contact, name="objection_contact"),
]
