"""Pages of the county's rules of organisation life: what each kind of meeting (and learning)
earns and how many a branch must hold a year, seen by everyone in the county, kept by its
organisation department (`services.life_rule_set`, audited).

"持续规范“三会一课”制度,坚持每月党员活动一次" (000: Bayannur)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import Form
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import scope_for

from .. import selectors, services
from ..models import MeetingKind
from ..services.meetings import ACTIVITIES


class RuleForm(Form):
    attend_code = forms.CharField(
        label=gettext_lazy("Item code for attending"), max_length=32, required=False
    )
    absence_code = forms.CharField(
        label=gettext_lazy("Item code for absence without leave"), max_length=32, required=False
    )
    per_year = forms.IntegerField(
        label=gettext_lazy("How many a year"),
        min_value=0,
        max_value=366,
        required=False,
        help_text=gettext_lazy("Leave empty for the default count."),
    )
    theme_day = forms.IntegerField(
        label=gettext_lazy("Fixed day of the month"),
        min_value=1,
        max_value=28,
        required=False,
        help_text=gettext_lazy(
            "The theme day is held on this day each month (1-28); leave empty for no fixed day."
        ),
    )

    def __init__(self, *args: Any, activity: str, **kwargs: Any) -> None:
        super().__init__(*args, prefix=activity, **kwargs)
        if activity != MeetingKind.THEME_DAY:
            del self.fields["theme_day"]


def _initial(row: selectors.LifeRuleRow) -> dict[str, Any]:
    """The form shows what holds: the county's codes, or the default's first."""
    return {
        "attend_code": row.attend_codes[0] if row.attend_codes else "",
        "absence_code": row.absence_codes[0] if row.absence_codes else "",
        "per_year": row.per_year if row.set_by_county else None,
        "theme_day": row.theme_day,
    }


def _may_edit(request: HttpRequest, root: Org) -> bool:
    return scope_for(request.user).can_manage_tree(root)


def _page(request: HttpRequest, root: Org, errors: dict[str, Any] | None = None) -> HttpResponse:
    rows = selectors.life_rules(county_id=root.county_id)
    may_edit = _may_edit(request, root)
    return TemplateResponse(
        request,
        "orglife/rules.html",
        {
            "root": root,
            "rules": [
                (
                    r,
                    (errors or {}).get(r.activity)
                    or RuleForm(activity=r.activity, initial=_initial(r))
                    if may_edit
                    else None,
                )
                for r in rows
            ],
            "may_edit": may_edit,
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
@never_cache
def rules(request: HttpRequest) -> HttpResponse:
    """The county's rules of organisation life, for everyone in the county."""
    return _page(request, selectors.rules_root_for(user=request.user))


@login_required
@require_POST
def rule_set(request: HttpRequest, activity: str) -> HttpResponse:
    """The organisation department sets one kind's rule."""
    root = selectors.rules_root_for(user=request.user)
    if activity not in ACTIVITIES:
        raise Http404
    form = RuleForm(request.POST, activity=activity)
    if form.is_valid():
        try:
            services.life_rule_set(
                actor=Actor.from_request(request),
                county_root=root,
                activity=activity,
                **form.cleaned_data,
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("orglife:rules")
    return _page(request, root, errors={activity: form})


urlpatterns: list[URLPattern] = [
    path("rules/", rules, name="rules"),
    path("rules/<slug:activity>/", rule_set, name="rule_set"),
]
