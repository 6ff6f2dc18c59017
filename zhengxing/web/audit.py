"""The county's search of its audit log (`/audit/`): who did what, when, from where, newest first,
filtered by person, action, object and dates. Only the county's organisation department reads
it, and only its own county's events: the counties come from orgs' scopes, the query is audit's
(`audit.selectors.audit_events_search`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.audit.models import AuditEvent
from zhengxing.audit.selectors import audit_events_search
from zhengxing.core.forms import DateInput, Form
from zhengxing.orgs.rules import Role
from zhengxing.orgs.selectors import member_change_audits, scope_for

from .audit_words import ACTION_LABELS, events_in_words

PER_PAGE = 50


class SearchForm(Form):
    who = forms.CharField(
        label=pgettext_lazy("the person who acted", "Who"), required=False, max_length=150
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", "—"), *sorted(ACTION_LABELS.items(), key=lambda kv: kv[0])],
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    text = forms.CharField(label=_("Text"), required=False, max_length=100)
    since = forms.DateField(
        label=pgettext_lazy("a date range", "From"), required=False, widget=DateInput
    )
    until = forms.DateField(
        label=pgettext_lazy("a date range", "To"), required=False, widget=DateInput
    )


def counties_audited_by(user: Any) -> set[int] | None:
    """The counties whose log the user may search (None: every county, for a superuser)."""
    scope = scope_for(user)
    if scope.everything:
        return None
    return {g.county_id for g in scope.grants if g.role == Role.COUNTY}


def audit_search(*, user: Any, data: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The user's counties' events (404 for anybody below the county)."""
    counties = counties_audited_by(user)
    if counties is not None and not counties:
        raise Http404
    also = None
    if data.get("object_type") == "member" and str(data.get("object_id") or "").isdigit():
        # a member registered or changed by a roster import: the import's one audit row
        also = member_change_audits(int(data["object_id"]))
    return audit_events_search(counties=counties, data=data, also_on_object=also)


@login_required
@require_GET
@never_cache
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    events = audit_search(user=request.user, data=data)
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "web/audit_search.html",
        {
            "form": form,
            "page": page,
            "rows": events_in_words(page.object_list),
            "query": query.urlencode(),
        },
    )


app_name = "audit"
urlpatterns = [path("", search, name="search")]
