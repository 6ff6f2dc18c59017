"""The board of chances to serve: the member's (sign up on a phone), the branch's (post one),
and a chance's own page (who signed up; the organiser records who came, and the points follow).
The points pages link an entry earned here to the chance's page (`ledger.origins`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import DateInput, Form
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.ledger.models import RuleItem
from zhengxing.ledger.rules import Part
from zhengxing.orgs import selectors as org_selectors
from zhengxing.orgs.models import Member
from zhengxing.orgs.rules import MemberStatus

from .. import selectors, services
from ..models import ChanceKind


class ChanceForm(Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ChanceKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    happens_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    place = forms.CharField(label=gettext_lazy("Place"), max_length=100, required=False)
    slots = forms.IntegerField(
        label=gettext_lazy("Places (empty: no limit)"), min_value=1, required=False
    )
    item: forms.ModelChoiceField[RuleItem] = forms.ModelChoiceField(
        label=gettext_lazy("Points item"),
        queryset=RuleItem.objects.none(),
        required=False,
        empty_label=gettext_lazy("None: no points"),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]


def _bonus_items(branch: Any) -> Any:
    catalogue = ledger_selectors.catalogue_applying(branch=branch, year=timezone.localdate().year)
    if catalogue is None:
        return RuleItem.objects.none()
    return ledger_selectors.catalogue_items(catalogue=catalogue).filter(part=Part.BONUS)


def _say(request: HttpRequest, call: Any, done: str) -> bool:
    try:
        call()
    except ServiceError as e:
        messages.error(request, str(e))
        return False
    messages.success(request, done)
    return True


@login_required
@never_cache
def board(request: HttpRequest) -> HttpResponse:
    """The member's board: the branch's chances to serve; sign up with one tap."""
    member = org_selectors.own_member(request.user)
    if request.method == "POST":
        chance = selectors.chance_for_user(
            user=request.user, pk=int(request.POST.get("chance", "0") or 0)
        )
        _say(
            request,
            lambda: services.chance_sign_up(
                actor=Actor.from_request(request), chance=chance, member=member
            ),
            _("You signed up."),
        )
        return redirect("orglife:board")
    return TemplateResponse(
        request,
        "orglife/chances/board.html",
        {
            "member": member,
            "chances": selectors.branch_chances(
                user=request.user, branch=member.branch, member_id=member.pk
            )[:50],
            "today": timezone.localdate(),
        },
    )


@login_required
@never_cache
def branch_board(request: HttpRequest, branch_id: int) -> HttpResponse:
    """The branch's board: post a chance to serve; each links to its page."""
    branch = ledger_selectors.branch_for_manager(user=request.user, pk=branch_id)
    items = _bonus_items(branch)
    form = ChanceForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        posted = _say(
            request,
            lambda: services.chance_post(
                actor=Actor.from_request(request), branch=branch, **form.cleaned_data
            ),
            _("The chance to serve was posted."),
        )
        if posted:
            return redirect("orglife:branch_board", branch.pk)
    return TemplateResponse(
        request,
        "orglife/chances/branch.html",
        {
            "branch": branch,
            "form": form,
            "chances": selectors.branch_chances(user=request.user, branch=branch)[:100],
        },
    )


@login_required
@never_cache
def chance(request: HttpRequest, pk: int) -> HttpResponse:
    """A chance's page: what, when, who signed up and who came; the organiser records who came."""
    found = selectors.chance_for_user(user=request.user, pk=pk)
    may_record = org_selectors.scope_for(request.user).can_manage_org(found.branch)
    members = (
        org_selectors.members_visible_to(request.user)
        .filter(branch=found.branch)
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .order_by("name", "pk")
    )
    if request.method == "POST" and may_record:
        ids = {int(v) for v in request.POST.getlist("came") if v.isdigit()}
        came: list[Member] = list(members.filter(pk__in=ids))
        _say(
            request,
            lambda: services.chance_record(
                actor=Actor.from_request(request), chance=found, came=came
            ),
            _("Who came was recorded."),
        )
        return redirect("orglife:chance", found.pk)
    signups = list(selectors.chance_signups(chance=found))
    signed = {s.member_id for s in signups}
    return TemplateResponse(
        request,
        "orglife/chances/chance.html",
        {
            "chance": found,
            "signups": signups,
            "may_record": may_record and found.recorded_at is None,
            "members": [(m, m.pk in signed) for m in members] if may_record else [],
        },
    )


urlpatterns = [
    path("serve/", board, name="board"),
    path("serve/<int:branch_id>/", branch_board, name="branch_board"),
    path("serve/chance/<int:pk>/", chance, name="chance"),
]
