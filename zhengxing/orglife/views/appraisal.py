"""Democratic appraisal's pages: the member's ballot on a phone (a grade for every other member,
a row each, with 优秀 counted against the cap as the voter goes) and the posted result; the
branch's page (open the round, see how many voted, post the result behind a second look, record
each step of a 不合格's follow-up); the county's policy (the cap on 优秀, the follow-up's steps);
the steps past their deadline for the township."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import NOT_CONFIRMED, DateInput, Form, confirmed
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.orgs import selectors as org_selectors
from zhengxing.orgs.services import county_root

from .. import selectors, services
from ..appraisal_rules import (
    EXCELLENT,
    GRADE_LABELS,
    MAX_STEPS,
    OUTCOME_LABELS,
    excellent_allowed,
)
from ..models import AppraisalRound
from ..services.appraisal import appraised_members


@dataclass(frozen=True)
class BallotRow:
    """A member to grade on the ballot: the grade chosen so far ("" for none yet)."""

    pk: int
    name: str
    grade: str


def _ballot(
    found: AppraisalRound, members: dict[int, str], others: dict[int, str], chosen: dict[int, str]
) -> dict[str, object]:
    """What the open ballot shows: a row per member to grade, and the counts the voter watches
    (graded so far, 优秀 against the cap, the first still to grade)."""
    rows = [BallotRow(pk, name, chosen.get(pk, "")) for pk, name in others.items()]
    todo = [r.pk for r in rows if not r.grade]
    return {
        "rows": rows,
        "graded": len(rows) - len(todo),
        "first_todo": todo[0] if todo else None,
        "excellent": sum(1 for r in rows if r.grade == EXCELLENT),
        "allowed": excellent_allowed(len(members), found.excellent_cap),
        "members": len(members),
        "voters": selectors.appraisal_voters(appraisal=found),
    }


@login_required
@never_cache
def my_appraisal(request: HttpRequest) -> HttpResponse:
    """The member's ballot of the year's appraisal (their own grades shown back to change them
    until the result is posted; the choices kept when a ballot is refused), or its posted
    result."""
    member = org_selectors.own_member(request.user)
    year = timezone.localdate().year
    found = selectors.appraisal_of(user=request.user, branch=member.branch, year=year)
    members = appraised_members(member.branch)
    others = {pk: name for pk, name in members.items() if pk != member.pk}
    refused = False
    chosen: dict[int, str] = {}
    if request.method == "POST" and found is not None:
        grades = {pk: request.POST.get(f"grade-{pk}", "") for pk in others}
        try:
            services.appraisal_vote(
                actor=Actor.from_request(request),
                appraisal=found,
                voter=member,
                grades={pk: g for pk, g in grades.items() if g},
            )
        except ServiceError as e:
            messages.error(request, str(e))
            refused = True  # the page again, with the voter's choices as they were
            chosen = {pk: g for pk, g in grades.items() if g in GRADE_LABELS}
            found.refresh_from_db(fields=["posted_at"])  # posted meanwhile: the result
        else:
            voters = selectors.appraisal_voters(appraisal=found)
            messages.success(
                request,
                _("Your ballot was counted: %(voters)s of %(members)s members have voted.")
                % {"voters": voters, "members": len(members)},
            )
            return redirect("orglife:my_appraisal")
    open_round = found if found is not None and found.posted_at is None else None
    cast = (
        selectors.appraisal_own_ballot(appraisal=open_round, voter_id=member.pk)
        if open_round
        else {}
    )
    return TemplateResponse(
        request,
        "orglife/appraisal/mine.html",
        {
            "member": member,
            "year": year,
            "appraisal": found,
            "grades": list(GRADE_LABELS.items()),
            "voted": bool(cast),
            "refused": refused,
            "ballot": _ballot(open_round, members, others, chosen if refused else cast)
            if open_round
            else None,
            "results": selectors.appraisal_results(appraisal=found)
            if found and found.posted_at
            else None,
        },
    )


class FollowUpForm(Form):
    step = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=pgettext_lazy("a follow-up step", "Outcome"), choices=list(OUTCOME_LABELS.items())
    )
    on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput(), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


class PolicyForm(Form):
    excellent_cap = forms.IntegerField(
        label=gettext_lazy("优秀 at most (percent of the members)"), min_value=0, max_value=100
    )
    follow_up = forms.CharField(label=gettext_lazy("What 不合格 means"), max_length=300)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for n in range(MAX_STEPS):
            self.fields[f"name_{n}"] = forms.CharField(
                label=gettext_lazy("Step"), max_length=30, required=False
            )
            self.fields[f"days_{n}"] = forms.IntegerField(
                label=gettext_lazy("Days"), min_value=1, max_value=365, required=False
            )

    def steps(self) -> list[tuple[str, int]]:
        """The rows filled in, in order (a name without days counts 0 days, which the rules
        refuse)."""
        data = self.cleaned_data
        return [
            (data[f"name_{n}"], data[f"days_{n}"] or 0)
            for n in range(MAX_STEPS)
            if data.get(f"name_{n}")
        ]

    def step_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"name_{n}"], self[f"days_{n}"]) for n in range(MAX_STEPS)]


def _record(request: HttpRequest) -> None:
    """A follow-up step recorded from the branch's page."""
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return
    data = form.cleaned_data
    step = selectors.follow_up_for_manager(user=request.user, pk=data["step"])
    services.follow_up_record(
        actor=Actor.from_request(request),
        step=step,
        outcome=data["outcome"],
        note=data["note"],
        on=data["on"],
    )
    messages.success(request, _("The step was recorded."))


@login_required
@never_cache
def branch_appraisal(request: HttpRequest, branch_id: int) -> HttpResponse:
    """The branch's appraisal of the year: open it, post the result, record the follow-ups."""
    branch = ledger_selectors.branch_for_manager(user=request.user, pk=branch_id)
    year = timezone.localdate().year
    found = selectors.appraisal_of(user=request.user, branch=branch, year=year)
    if request.method == "POST":
        actor = Actor.from_request(request)
        try:
            if request.POST.get("action") == "record":
                _record(request)
            elif found is None:
                services.appraisal_open(actor=actor, branch=branch, year=year)
                messages.success(request, _("The appraisal is open: members can vote."))
            elif not confirmed(request.POST):
                messages.error(request, NOT_CONFIRMED)
            else:
                services.appraisal_post(actor=actor, appraisal=found)
                messages.success(request, _("The result was posted."))
        except ServiceError as e:
            messages.error(request, str(e))
        return redirect("orglife:branch_appraisal", branch.pk)
    return TemplateResponse(
        request,
        "orglife/appraisal/branch.html",
        {
            "branch": branch,
            "year": year,
            "appraisal": found,
            "members": len(appraised_members(branch)),
            "voters": selectors.appraisal_voters(appraisal=found) if found else 0,
            "results": selectors.appraisal_results(appraisal=found)
            if found and found.posted_at
            else None,
            "follow_ups": selectors.appraisal_follow_ups(appraisal=found) if found else [],
            "outcomes": list(OUTCOME_LABELS.items()),
        },
    )


@login_required
@never_cache
def appraisal_policy(request: HttpRequest) -> HttpResponse:
    """The county's policy: anyone in the county reads it; its organisation department edits."""
    county = selectors.appraisal_county(user=request.user)
    policy = selectors.appraisal_policy(county_id=county.pk)
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                services.appraisal_policy_set(
                    actor=Actor.from_request(request),
                    county=county,
                    excellent_cap=form.cleaned_data["excellent_cap"],
                    follow_up=form.cleaned_data["follow_up"],
                    steps=form.steps(),
                )
            except ServiceError as e:
                messages.error(request, str(e))
            else:
                messages.success(request, _("The policy was saved."))
                return redirect("orglife:appraisal_policy")
    else:
        initial: dict[str, object] = {
            "excellent_cap": policy.excellent_cap, "follow_up": policy.follow_up
        }  # fmt: skip
        for n, (name, days) in enumerate(policy.steps):
            initial[f"name_{n}"], initial[f"days_{n}"] = name, days
        form = PolicyForm(initial=initial)
    root = ledger_selectors.default_org_for(user=request.user)
    return TemplateResponse(
        request,
        "orglife/appraisal/policy.html",
        {
            "county": county,
            "policy": policy,
            "form": form,
            "may_edit": org_selectors.scope_for(request.user).can_manage_tree(county_root(county)),
            "sees_overdue": root is not None,
        },
    )


@login_required
@never_cache
def follow_ups_overdue(request: HttpRequest) -> HttpResponse:
    """The 不合格 follow-up steps past their deadline under the user's organisation (a
    township's, the county's), the longest overdue first, each linked to its branch's page."""
    org = ledger_selectors.org_or_default(user=request.user, raw=request.GET.get("org", ""))
    today = timezone.localdate()
    steps = selectors.follow_ups_overdue(user=request.user, org=org, today=today)[:200]
    return TemplateResponse(
        request,
        "orglife/appraisal/overdue.html",
        {
            "org": org,
            "rows": [(s, (today - s.due_on).days) for s in steps],
            "today": today,
        },
    )


urlpatterns = [
    path("appraisal/policy/", appraisal_policy, name="appraisal_policy"),
    path("appraisal/overdue/", follow_ups_overdue, name="appraisal_overdue"),
    path("appraisal/", my_appraisal, name="my_appraisal"),
    path("appraisal/<int:branch_id>/", branch_appraisal, name="branch_appraisal"),
]
