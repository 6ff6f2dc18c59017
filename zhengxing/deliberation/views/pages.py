"""The pages of those who keep the group's record and decide its matters: the list of groups
and of matters waiting (the village's secretary, the township), a group (its people, its
matters, a new matter), a matter (its steps, a round recorded on a phone, the decision)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import answer_posted_for_good
from zhengxing.orgs.models import Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, OrgKind
from zhengxing.orgs.selectors import scope_for

from .. import selectors, services
from ..forms import AnswerForm, DecisionForm, GroupForm, MatterForm, PersonForm, RoundForm
from ..models import Objection, VillageGroup
from ..rules import ROUNDS, Level, Stage

BRANCHES_SHOWN = 300


def _branches(request: HttpRequest) -> list[tuple[int, str]]:
    """The village branches whose groups the user may set up."""
    scope = scope_for(request.user)
    found = Org.objects.filter(
        scope.org_q(), kind__in=MEMBER_HOLDING_KINDS, parent__kind=OrgKind.VILLAGE
    ).order_by("path")[:BRANCHES_SHOWN]
    return [(o.pk, o.name) for o in found if selectors.may_set_up(scope, o)]


@login_required
@never_cache
def index(request: HttpRequest) -> HttpResponse:
    """The groups the user sees, the matters waiting for their decision, a new group."""
    branches = _branches(request)
    form = GroupForm(request.POST or None, branches=branches) if branches else None
    if request.method == "POST" and form is not None and form.is_valid():
        branch = Org.objects.get(pk=form.cleaned_data["branch"])
        try:
            group = services.group_create(
                actor=Actor.from_request(request), branch=branch, name=form.cleaned_data["name"]
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("deliberation:group", group.pk)
    return TemplateResponse(
        request,
        "deliberation/index.html",
        {
            "groups": selectors.group_rows(request.user),
            "waiting": [
                (Level(level).label, list(selectors.matters_waiting(request.user, level)[:100]))
                for level in Level.values
            ],
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@never_cache
def group_page(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_for_user(request.user, pk)
    scope = scope_for(request.user)
    sets_up = selectors.may_set_up(scope, group.branch)
    keeps = selectors.may_keep(scope, request.user, group)
    action = request.POST.get("action", "")
    person_form = PersonForm(request.POST if action == "person" else None) if sets_up else None
    matter_form = MatterForm(request.POST if action == "matter" else None) if keeps else None
    actor = Actor.from_request(request)
    if request.method == "POST":
        try:
            if action == "person" and person_form is not None and person_form.is_valid():
                services.group_member_add(actor=actor, group=group, **person_form.cleaned_data)
                messages.success(request, _("The group's member was recorded."))
                return redirect("deliberation:group", group.pk)
            if action == "matter" and matter_form is not None and matter_form.is_valid():
                matter = services.matter_propose(
                    actor=actor, group=group, **matter_form.cleaned_data
                )
                return redirect("deliberation:matter", matter.pk)
        except ServiceError as e:
            (person_form if action == "person" else matter_form).add_error(None, str(e))  # type: ignore[union-attr]
    return TemplateResponse(
        request,
        "deliberation/group.html",
        {
            "group": group,
            "people": selectors.people_of(group),
            "current": {p.pk for p in selectors.people_of(group, on=timezone.localdate())},
            "matters": selectors.matters_of(group),
            "person_form": person_form,
            "matter_form": matter_form,
            "public_url": reverse("public_deliberation:group", args=[group.public_ref]),
        },
        status=400 if request.method == "POST" else 200,
    )


def _decides(request: HttpRequest, group: VillageGroup, stage: str) -> str | None:
    """The level the user decides now, if the matter waits for it."""
    if stage in (Stage.VILLAGE, Stage.TOWNSHIP) and selectors.may_decide(
        scope_for(request.user), stage, group
    ):
        return stage
    return None


@login_required
@never_cache
def matter_page(request: HttpRequest, pk: int) -> HttpResponse:
    matter = selectors.matter_for_user(request.user, pk)
    group = matter.group
    today = timezone.localdate()
    keeps = selectors.may_keep(scope_for(request.user), request.user, group)
    done = matter.rounds.filter(cycle=matter.cycle).count()
    may_round = keeps and matter.stage == Stage.DELIBERATING and done < ROUNDS
    level = _decides(request, group, matter.stage)
    action = request.POST.get("action", "")
    round_form = (
        RoundForm(
            request.POST if action == "round" else None,
            people=selectors.people_of(group, on=today),
            initial={"held_on": today},
        )
        if may_round
        else None
    )
    decision_form = DecisionForm(request.POST if action == "decide" else None) if level else None
    actor = Actor.from_request(request)
    if request.method == "POST":
        try:
            if action == "round" and round_form is not None and round_form.is_valid():
                services.round_record(
                    actor=actor,
                    matter=matter,
                    held_on=round_form.cleaned_data["held_on"],
                    minutes=round_form.cleaned_data["minutes"],
                    votes=round_form.votes(),
                )
                messages.success(request, _("The round was recorded and posted."))
                return redirect("deliberation:matter", matter.pk)
            if action == "decide" and decision_form is not None and decision_form.is_valid():
                services.matter_decide(
                    actor=actor,
                    matter=matter,
                    level=level or "",
                    approve=decision_form.cleaned_data["approve"],
                    reason=decision_form.cleaned_data["reason"],
                )
                messages.success(request, _("The decision was recorded and posted."))
                return redirect("deliberation:matter", matter.pk)
        except ServiceError as e:
            (round_form if action == "round" else decision_form).add_error(None, str(e))  # type: ignore[union-attr]
    answerer = selectors.answers_as(scope_for(request.user), group) is not None
    return TemplateResponse(
        request,
        "deliberation/matter.html",
        {
            "matter": matter,
            "group": group,
            "steps": selectors.steps_of(matter),
            "objections": [
                (o, AnswerForm(prefix=f"o{o.pk}") if answerer and o.answered_at is None else None)
                for o in selectors.objections_of(matter)
            ],
            "hold": selectors.hold_of(matter, today=today) if level else None,
            "round_form": round_form,
            "next_round": done + 1,
            "decision_form": decision_form,
            "level": Level(level).label if level else "",
            "public_url": reverse("public_deliberation:matter", args=[matter.ref]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The village Party organisation's or the township's answer to an objection, once confirmed
    (it is posted for good); HTMX swaps the objection in place."""
    objection: Objection = selectors.objection_for_answerer(request.user, pk)
    form = AnswerForm(request.POST, prefix=f"o{objection.pk}")
    actor = Actor.from_request(request)
    answered = answer_posted_for_good(
        request.POST,
        form,
        lambda text: services.objection_answer(actor=actor, objection=objection, answer=text),
    )
    objection = answered or objection
    if not request.htmx:  # type: ignore[attr-defined]
        if objection.answered_at is not None and not form.errors:
            messages.success(request, _("The answer was posted on the matter's public page."))
        else:
            for error in form.non_field_errors() or [_("The answer was not recorded.")]:
                messages.error(request, str(error))
        return redirect("deliberation:matter", objection.matter_id)
    return TemplateResponse(
        request,
        "deliberation/_objection.html",
        {"o": objection, "form": None if objection.answered_at else form},
    )


urlpatterns = [
    path("", index, name="index"),
    path("groups/<int:pk>/", group_page, name="group"),
    path("matters/<int:pk>/", matter_page, name="matter"),
    path("objections/<int:pk>/answer/", objection_answer, name="objection_answer"),
]
