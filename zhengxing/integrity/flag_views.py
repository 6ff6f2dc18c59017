"""The township's integrity page at /integrity/ (signed in; township and county roles only):
the flags the detectors stored for the organisations in its scope, by kind, each with its
evidence laid out (who scored whom), and the township's decision on each — confirmed or
dismissed, with a note; a button to scan now. 003: "上级党委要组织专人定期开展督导检查，对工作落实
不力、弄虚作假、评选过程不公正和结果不及时公开的情况给予通报". Never shown to the public: a branch's
secretary, committee or members are refused (403), a flag outside the scope is not found
(404)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import DateInput, Form
from zhengxing.orgs.models import County
from zhengxing.orgs.selectors import scope_for

from . import findings, flag_selectors, flags, ratings
from .models import Flag, FlagStatus

FLAGS_SHOWN = 200
EVIDENCE = {
    ratings.RING: "integrity/flags/_ring.html",
    ratings.OUTLIER: "integrity/flags/_rater.html",
    ratings.EXTREME: "integrity/flags/_rater.html",
    ratings.IDENTICAL: "integrity/flags/_rater.html",
}
OTHER_EVIDENCE = "integrity/flags/_other.html"


class ScanForm(Form):
    since = forms.DateField(label=pgettext_lazy("a date range", "From"), widget=DateInput())
    until = forms.DateField(label=pgettext_lazy("a date range", "To"), widget=DateInput())


class DecideForm(Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (FlagStatus.CONFIRMED, gettext_lazy("Confirmed: deal with it")),
            (FlagStatus.DISMISSED, gettext_lazy("Dismissed: nothing wrong")),
            (FlagStatus.OPEN, gettext_lazy("Open again")),
        ],
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=flags.NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _township_or_county(request: HttpRequest) -> None:
    if not flag_selectors.may_see_flags(scope_for(request.user)):
        raise PermissionDenied


def _shown(flag: Flag, form: DecideForm | None = None) -> dict[str, Any]:
    return {
        "flag": flag,
        "evidence_template": EVIDENCE.get(flag.kind, OTHER_EVIDENCE),
        "form": form or DecideForm(prefix=f"f{flag.pk}", initial={"note": flag.note}),
    }


def _by_kind(found: Iterable[Flag]) -> list[tuple[str, list[dict[str, Any]]]]:
    kinds: dict[str, list[dict[str, Any]]] = {}
    for flag in found:
        kinds.setdefault(flag.kind, []).append(_shown(flag))
    # in the order the detectors registered them (the ratings' first); unknown kinds last
    order = findings.kind_order()
    ranked = sorted(kinds.items(), key=lambda k: (order.index(k[0]) if k[0] in order else 99, k[0]))
    return [(str(findings.kind_label(kind)), shown) for kind, shown in ranked]


def _county(request: HttpRequest) -> County | None:
    """The county a township or county user scans: the first of their roles'."""
    scope = scope_for(request.user)
    ids = sorted(scope.county_ids()) or (
        list(County.objects.order_by("pk").values_list("pk", flat=True)[:1])
        if scope.everything
        else []
    )
    return County.objects.filter(pk=ids[0]).first() if ids else None


@login_required
@never_cache
def flags_page(request: HttpRequest) -> HttpResponse:
    """The flags in the user's scope, open first by default (`?status=` to choose)."""
    _township_or_county(request)
    status = request.GET.get("status", FlagStatus.OPEN)
    if status not in FlagStatus.values:
        status = ""
    found = list(flag_selectors.flags_visible_to(request.user, status=status)[: FLAGS_SHOWN + 1])
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "integrity/flags/index.html",
        {
            "kinds": _by_kind(found[:FLAGS_SHOWN]),
            "more": len(found) > FLAGS_SHOWN,
            "shown_limit": FLAGS_SHOWN,
            "status": status,
            "statuses": [("", _("All")), *FlagStatus.choices],
            "scan_form": ScanForm(initial={"since": today.replace(month=1, day=1), "until": today}),
        },
    )


@login_required
@require_POST
def scan(request: HttpRequest) -> HttpResponse:
    """Run every detector now over the user's county, for the organisations in their scope."""
    _township_or_county(request)
    form = ScanForm(request.POST)
    county = _county(request)
    if not form.is_valid() or county is None:
        messages.error(request, _("Choose the dates to scan."))
        return redirect("integrity:flags")
    try:
        scanned = flags.findings_scan(
            actor=Actor.from_request(request),
            county=county,
            since=form.cleaned_data["since"],
            until=form.cleaned_data["until"],
        )
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("Scanned: %(found)s found, %(new)s of them new.")
            % {"found": scanned.found, "new": scanned.new},
        )
    return redirect("integrity:flags")


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The township's decision on one flag; HTMX swaps the flag's card in place."""
    _township_or_county(request)
    flag = flag_selectors.flag_for_user(request.user, pk)
    form = DecideForm(request.POST, prefix=f"f{flag.pk}")
    if form.is_valid():
        try:
            flag = flags.flag_decide(
                actor=Actor.from_request(request),
                flag=flag,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            form = DecideForm(prefix=f"f{flag.pk}", initial={"note": flag.note})
    if not request.htmx:  # type: ignore[attr-defined]
        if form.errors:
            for error in form.non_field_errors() or [_("The decision was not recorded.")]:
                messages.error(request, str(error))
        else:
            messages.success(request, _("The decision was recorded."))
        return redirect(f"{reverse('integrity:flags')}#flag-{flag.pk}")
    return TemplateResponse(request, "integrity/flags/_flag.html", _shown(flag, form))


app_name = "integrity"
urlpatterns = [
    path("", flags_page, name="flags"),
    path("scan", scan, name="scan"),
    path("flags/<int:pk>/status", decide, name="decide"),
]
