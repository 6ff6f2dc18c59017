"""The county's search of its audit log (`/audit/`): who did what, when, from where, newest first,
filtered by person, action, object and dates. Only the county's organisation department reads
it, and only its own county's events."""

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
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.core.forms import DateInput, Form
from zhengxing.orgs.rules import Role
from zhengxing.orgs.selectors import scope_for

from .models import AuditEvent

PER_PAGE = 50


class SearchForm(Form):
    who = forms.CharField(label=_("Who"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    text = forms.CharField(label=_("Text"), required=False, max_length=100)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput)
    until = forms.DateField(label=_("To"), required=False, widget=DateInput)


def counties_audited_by(user: Any) -> set[int] | None:
    """The counties whose log the user may search (None: every county, for a superuser)."""
    scope = scope_for(user)
    if scope.everything:
        return None
    return {g.county_id for g in scope.grants if g.role == Role.COUNTY}


def audit_search(*, user: Any, data: dict[str, Any]) -> QuerySet[AuditEvent]:
    counties = counties_audited_by(user)
    if counties is not None and not counties:
        raise Http404
    found = AuditEvent.objects.all()
    if counties is not None:
        found = found.filter(county_id__in=counties)
    if data.get("who"):
        found = found.filter(actor_label=data["who"])
    if data.get("action"):
        found = found.filter(action__startswith=data["action"])
    if data.get("object_type"):
        found = found.filter(object_type=data["object_type"])
    if data.get("object_id"):
        found = found.filter(object_id=data["object_id"])
    if data.get("text"):
        found = found.filter(summary__contains=data["text"])
    if data.get("since"):
        found = found.filter(at__date__gte=data["since"])
    if data.get("until"):
        found = found.filter(at__date__lte=data["until"])
    return found.order_by("-at", "-pk")


@login_required
@require_GET
@never_cache
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    events = audit_search(user=request.user, data=data)
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "audit/search.html",
        {
            "form": form,
            "page": Paginator(events, PER_PAGE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
        },
    )


app_name = "audit"
urlpatterns = [path("", search, name="search")]
