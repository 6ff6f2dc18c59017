"""Pages of star plans (报星), self-chosen stars (自选星) and named-star assessments (达标星).

A plan's page serves everyone who touches it: the committee drafts and submits, the township
approves or returns it with a reason, and once approved it links to its public posting. Each
view parses, calls the service, and shows the service's Chinese message on the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import NOT_CONFIRMED, confirmed
from zhengxing.ledger.selectors import default_org_for, org_or_default
from zhengxing.orgs import selectors as org_selectors
from zhengxing.orgs.models import Member, Org, subtree_q

from .. import plans as plan_services
from .. import public_selectors, selectors, services
from ..forms import AssessForm, ChoiceForm, PlanForm, ReviewForm, SchemeForm
from ..models import PlanStatus, StarChoice, StarPlan, Subject
from ..presets import PRESETS
from .ratings import PER_PAGE, _year


def _named(names: dict[str, str], prefix: str) -> list[tuple[str, str]]:
    return [(code, name) for code, name in names.items() if code.startswith(prefix)]


@login_required
@never_cache
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    org = org_selectors.org_for_user(user, pk)
    year = _year(request)
    scope = org_selectors.scope_for(user)
    plan = StarPlan.objects.filter(org=org, year=year).first()
    names = plan_services.names_for(
        county_id=org.county_id, year=year, subject=Subject.ORG, path=org.path
    )
    member_names = plan_services.names_for(
        county_id=org.county_id, year=year, subject=Subject.MEMBER, path=org.path
    )
    editable = plan is None or plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)
    may_edit = scope.can_manage_org(org) and editable
    may_review = scope.can_manage_tree(org) and plan is not None
    form = PlanForm(
        request.POST if request.POST.get("action") == "save" else None,
        duty=_named(names, plan_services.DUTY),
        own=_named(names, plan_services.SELF),
        initial=(
            {
                "duty_stars": plan.duty_stars,
                "self_stars": plan.self_stars,
                "measures": plan.measures,
                "consultation": plan.consultation,
            }
            if plan
            else None
        ),
    )
    review = ReviewForm(
        request.POST if request.POST.get("action") in ("approve", "return") else None
    )
    if request.method == "POST":
        actor = Actor.from_request(request)
        action = request.POST.get("action")
        try:
            if action == "save" and form.is_valid():
                plan_services.plan_save(actor=actor, org=org, year=year, **form.cleaned_data)
                messages.success(request, _("The star plan was saved."))
            elif action == "submit" and plan is not None:
                plan_services.plan_submit(actor=actor, plan=plan)
                messages.success(request, _("The star plan was submitted to the township."))
            elif action == "approve" and not confirmed(request.POST):  # posted for good
                raise ServiceError(NOT_CONFIRMED)
            elif action in ("approve", "return") and plan is not None and review.is_valid():
                plan_services.plan_review(
                    actor=actor,
                    plan=plan,
                    approve=action == "approve",
                    reason=review.cleaned_data["reason"],
                )
                messages.success(request, _("Your decision was recorded."))
            else:
                raise ServiceError(_("Please check the form."))
        except ServiceError as e:
            if action == "submit":  # nothing typed to show again: the reason, on the plan
                messages.error(request, str(e))
                return redirect(f"{reverse('stars:plan', args=[org.pk])}?year={year}")
            (review if action in ("approve", "return") else form).add_error(None, str(e))
        else:
            return redirect(f"{reverse('stars:plan', args=[org.pk])}?year={year}")
    return TemplateResponse(
        request,
        "stars/plan.html",
        {
            "org": org,
            "year": year,
            "plan": plan,
            "names": names,
            "duty": [names.get(c, c) for c in plan.duty_stars] if plan else [],
            "own": [names.get(c, c) for c in plan.self_stars] if plan else [],
            "form": form if may_edit else None,
            "review": review
            if may_review and plan and plan.status == PlanStatus.SUBMITTED
            else None,
            "may_submit": scope.can_manage_org(org) and plan is not None and editable,
            "choices": [
                (name, [member_names.get(c, c) for c in codes])
                for name, codes in public_selectors.choices_public(plan=plan)
            ]
            if plan
            else [],
            # back to the plans of the organisation above, where the user sees it (a branch's
            # secretary does not see the village's: the plans page of their own then)
            "plans_of": org.parent_id
            if org.parent is not None and scope.can_see_org(org.parent)
            else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
@never_cache
def plans_list(request: HttpRequest) -> HttpResponse:
    """The plans of the organisations under the user's (a township: its queue, submitted first)."""
    org = org_or_default(user=request.user, raw=request.GET.get("org", ""))
    year = _year(request)
    found: Any = (
        StarPlan.objects.filter(subtree_q(org.path, "org__"), year=year)
        .select_related("org")
        .order_by("-status", "org__path")  # submitted, returned, draft, approved
    )
    return TemplateResponse(
        request,
        "stars/plans.html",
        {
            "org": org,
            "year": year,
            "page": Paginator(found, PER_PAGE).get_page(request.GET.get("page")),
            "statuses": dict(PlanStatus.choices),
        },
    )


@login_required
@never_cache
def my_choices(request: HttpRequest) -> HttpResponse:
    return _choices(request, org_selectors.own_member(request.user))


@login_required
@never_cache
def member_choices(request: HttpRequest, pk: int) -> HttpResponse:
    return _choices(request, org_selectors.member_for_user(request.user, pk))


def _choices(request: HttpRequest, member: Member) -> HttpResponse:
    year = _year(request)
    names = plan_services.names_for(
        county_id=member.county_id, year=year, subject=Subject.MEMBER, path=member.branch.path
    )
    own = _named(names, plan_services.SELF)
    chosen = StarChoice.objects.filter(member=member, year=year).first()
    form = ChoiceForm(
        request.POST or None, own=own, initial={"stars": chosen.stars if chosen else []}
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.choice_save(
                actor=Actor.from_request(request),
                member=member,
                year=year,
                stars=form.cleaned_data["stars"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Your self-chosen stars were saved and will be posted."))
            return redirect(request.get_full_path())
    return TemplateResponse(
        request,
        "stars/choices.html",
        {"member": member, "year": year, "form": form, "has_choices": bool(own)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@never_cache
def assess_member(request: HttpRequest, pk: int) -> HttpResponse:
    return _assess(request, org_selectors.member_for_user(request.user, pk))


@login_required
@never_cache
def assess_org(request: HttpRequest, pk: int) -> HttpResponse:
    return _assess(request, org_selectors.org_for_user(request.user, pk))


def _assess(request: HttpRequest, subject: Member | Org) -> HttpResponse:
    """The named stars of a member (by the branch committee) or of an organisation (by the
    township), ticked when met."""
    year = _year(request)
    kind = Subject.MEMBER if isinstance(subject, Member) else Subject.ORG
    path = subject.branch.path if isinstance(subject, Member) else subject.path
    names = plan_services.names_for(county_id=subject.county_id, year=year, subject=kind, path=path)
    criteria = list(names.items())
    current = selectors.criteria_of(subject=subject, year=year)
    form = AssessForm(
        request.POST or None,
        criteria=criteria,
        initial={"met": [code for code, met in current.items() if met]},
    )
    if request.method == "POST" and form.is_valid():
        ticked = set(form.cleaned_data["met"])
        try:
            done = services.criteria_assess(
                actor=Actor.from_request(request),
                subject=subject,
                year=year,
                met={code: code in ticked for code, _ in criteria},
                note=form.cleaned_data["note"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("%(n)s named stars changed.") % {"n": done.changed})
            return redirect(request.get_full_path())
    return TemplateResponse(
        request,
        "stars/assess.html",
        {"subject": subject, "year": year, "form": form, "criteria": criteria, "current": current},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@never_cache
def schemes_page(request: HttpRequest) -> HttpResponse:
    """The schemes in force for a year at the user's county or township, and the form to adopt
    one (a preset or a pasted scheme): a new version; a township's narrows the county's."""
    org = default_org_for(user=request.user)
    if org is None or not org_selectors.scope_for(request.user).can_manage_tree(org):
        raise Http404
    year = _year(request)
    presets = [(key, scheme.name) for key, scheme in PRESETS.items()]
    form = SchemeForm(request.POST or None, presets=presets)
    if request.method == "POST" and form.is_valid():
        actor = Actor.from_request(request)
        county = org.county
        try:
            owner = org if org.parent_id is not None else None
            if form.cleaned_data["preset"]:
                stored = services.scheme_from_preset(
                    actor=actor, county=county, owner=owner, year=year,
                    preset=form.cleaned_data["preset"],
                )  # fmt: skip
            else:
                stored = services.scheme_save(
                    actor=actor, county=county, owner=owner, year=year,
                    spec=form.cleaned_data["spec_data"],
                )  # fmt: skip
        except ServiceError as e:
            form.add_error(None if form.cleaned_data["preset"] else "spec", str(e))
        else:
            messages.success(
                request,
                _("%(name)s adopted (version %(v)s).") % {"name": stored.name, "v": stored.version},
            )
            return redirect(f"{reverse('stars:schemes')}?year={year}")
    in_force = selectors.schemes_in_force(org=org, year=year)
    return TemplateResponse(
        request,
        "stars/schemes.html",
        {"org": org, "year": year, "form": form, "schemes": in_force},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("plans/", plans_list, name="plans"),
    path("orgs/<int:pk>/plan/", plan_page, name="plan"),
    path("orgs/<int:pk>/assess/", assess_org, name="assess_org"),
    path("me/choices/", my_choices, name="my_choices"),
    path("members/<int:pk>/choices/", member_choices, name="member_choices"),
    path("members/<int:pk>/assess/", assess_member, name="assess_member"),
    path("schemes/", schemes_page, name="schemes"),
]
