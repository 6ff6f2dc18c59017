"""三亮 commitments' pages: the member's own (propose, see the branch's answer, report
progress), the branch's (approve or return, the half-yearly review) and the public board at
/p/life/commitments/<branch's public ref>/ (no login; approved promises, names only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import DateInput, Form
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.orgs import selectors as org_selectors

from .. import selectors, services
from ..models import CommitmentField, CommitmentStatus


class ProposeForm(Form):
    field = forms.ChoiceField(label=gettext_lazy("Field"), choices=CommitmentField.choices)
    promise = forms.CharField(
        label=gettext_lazy("What I promise"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Specific and checkable, e.g. how many, by when."),
    )
    measure = forms.CharField(label=gettext_lazy("How it can be checked"), max_length=300)


class ProgressForm(Form):
    commitment = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=gettext_lazy("What I did"), max_length=1000)
    reported_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput(), required=False)


class DecideForm(Form):
    commitment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)


class ReviewForm(Form):
    commitment = forms.IntegerField(widget=forms.HiddenInput)
    half = forms.TypedChoiceField(
        label=gettext_lazy("Half-year"),
        coerce=int,
        choices=[(1, gettext_lazy("First half")), (2, gettext_lazy("Second half"))],
    )
    score = forms.IntegerField(label=gettext_lazy("Score (0-100)"), min_value=0, max_value=100)
    comment = forms.CharField(label=gettext_lazy("Comment"), max_length=300, required=False)


def _year(request: HttpRequest) -> int:
    year = request.GET.get("year", "")
    return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year


def _outcome(request: HttpRequest, form: forms.Form, call: Any, done: str) -> None:
    """Run the service call when the form is valid; say what happened."""
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return
    try:
        call(form.cleaned_data)
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, done)


@login_required
@never_cache
def my_commitments(request: HttpRequest) -> HttpResponse:
    """The member's promises of the year: propose one, see the branch's answer, report."""
    member = org_selectors.own_member(request.user)
    actor = Actor.from_request(request)
    if request.method == "POST":
        if request.POST.get("action") == "progress":
            form: forms.Form = ProgressForm(request.POST)
            _outcome(
                request,
                form,
                lambda d: services.commitment_progress_report(
                    actor=actor,
                    commitment=selectors.commitment_for_user(user=request.user, pk=d["commitment"]),
                    text=d["text"],
                    reported_on=d["reported_on"],
                ),
                _("Your progress was recorded."),
            )
        else:
            form = ProposeForm(request.POST)
            _outcome(
                request,
                form,
                lambda d: services.commitment_propose(actor=actor, member=member, **d),
                _("Your commitment was sent to the branch."),
            )
        return redirect("orglife:my_commitments")
    year = timezone.localdate().year
    return TemplateResponse(
        request,
        "orglife/commitments/mine.html",
        {
            "member": member,
            "year": year,
            "commitments": selectors.member_commitments(
                user=request.user, member=member, year=year
            ),
            "form": ProposeForm(),
            "approved": CommitmentStatus.APPROVED,
            "returned": CommitmentStatus.RETURNED,
        },
    )


@login_required
@never_cache
def branch_commitments(request: HttpRequest, branch_id: int) -> HttpResponse:
    """The branch's promises of the year: approve or return those waiting, review the others."""
    branch = ledger_selectors.branch_for_manager(user=request.user, pk=branch_id)
    actor = Actor.from_request(request)
    if request.method == "POST":
        action = request.POST.get("action")

        def commitment(pk: int) -> Any:
            c = selectors.commitment_for_user(user=request.user, pk=pk)
            if c.branch_id != branch.pk:
                raise Http404
            return c

        if action == "review":
            form: forms.Form = ReviewForm(request.POST)
            _outcome(
                request,
                form,
                lambda d: services.commitment_review(
                    actor=actor,
                    commitment=commitment(d["commitment"]),
                    half=d["half"],
                    score=d["score"],
                    comment=d["comment"],
                ),
                _("The review was saved."),
            )
        else:
            form = DecideForm(request.POST)
            _outcome(
                request,
                form,
                lambda d: services.commitment_decide(
                    actor=actor,
                    commitment=commitment(d["commitment"]),
                    approve=action == "approve",
                    reason=d["reason"],
                ),
                _("Saved."),
            )
        return redirect("orglife:branch_commitments", branch.pk)
    year = _year(request)
    return TemplateResponse(
        request,
        "orglife/commitments/branch.html",
        {
            "branch": branch,
            "year": year,
            "commitments": selectors.branch_commitments(
                user=request.user, branch=branch, year=year
            ),
            "proposed": CommitmentStatus.PROPOSED,
            "approved": CommitmentStatus.APPROVED,
            "half": 1 if timezone.localdate().month <= 6 else 2,
        },
    )


@require_GET
def public_board(request: HttpRequest, ref: str) -> HttpResponse:
    """The public board (党务公开栏) of a branch's approved commitments, no login."""
    branch = selectors.public_branch(ref)
    year = _year(request)
    return TemplateResponse(
        request,
        "orglife/commitments/public.html",
        {
            "branch": branch,
            "year": year,
            "commitments": selectors.public_commitments(branch=branch, year=year),
        },
    )


urlpatterns = [
    path("commitments/", my_commitments, name="my_commitments"),
    path("commitments/<int:branch_id>/", branch_commitments, name="branch_commitments"),
]
public_urlpatterns = [
    path("commitments/<str:ref>/", public_board, name="commitments"),
]
