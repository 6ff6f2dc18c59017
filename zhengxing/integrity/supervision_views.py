"""The supervision's pages under /integrity/supervision/ (signed in): the findings against
branches and their deductions — the township's and the county's in their reach, a branch's
secretary's against their own branch (the finding and its deduction, not the flags' evidence);
the township's form "记录督查结论" for a branch, prefilled from a flag of the integrity page; and
the withdrawal of a finding. The same services as the API (`supervision.py`).

003: "上級黨委要組織專人定期開展督導檢查,對工作落實不力、弄虛作假、評選過程不公正和結果不及時公開
的情況給予通報,要酌情扣去該黨支部本年度黨建責任書相應分數。"
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import Form
from zhengxing.ledger.services import evidence_upload
from zhengxing.orgs.models import Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
from zhengxing.orgs.selectors import scope_for

from . import supervision, supervision_selectors
from .flag_selectors import flags_q, may_see_flags
from .models import Flag, SupervisionKind

SHOWN = 200
BRANCHES_LISTED = 1000


class SupervisionForm(Form):
    org = forms.ModelChoiceField(label=gettext_lazy("Branch"), queryset=Org.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("What was found"), choices=SupervisionKind.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    facts = forms.CharField(
        label=gettext_lazy("The facts"),
        max_length=supervision.FACTS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    points = forms.DecimalField(
        label=gettext_lazy("Points deducted from the branch's annual score"),
        help_text=gettext_lazy("From 0.5 to 20: the article leaves the figure to the committee."),
        min_value=supervision.POINTS_LOW,
        max_value=supervision.POINTS_HIGH,
        decimal_places=1,
    )
    flags = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Evidence: the branch's integrity flags"),
        queryset=Flag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file = forms.FileField(label=gettext_lazy("Evidence file (photo or PDF)"), required=False)

    def __init__(self, *args: Any, branches: QuerySet[Org], branch: Org | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = branches  # type: ignore[attr-defined]
        flags = Flag.objects.filter(org=branch) if branch else Flag.objects.none()
        self.fields["flags"].queryset = flags.order_by("-found_at")  # type: ignore[attr-defined]
        self.fields["flags"].label_from_instance = lambda f: f.summary  # type: ignore[attr-defined]
        if branch is not None:
            self.fields["org"].widget = forms.HiddenInput()


class WithdrawForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is withdrawn"),
        max_length=supervision.FACTS_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _township_or_county(request: HttpRequest) -> None:
    if not may_see_flags(scope_for(request.user)):
        raise PermissionDenied


def _branches(request: HttpRequest) -> QuerySet[Org]:
    """The branches the user's township or county roles reach."""
    return Org.objects.filter(
        flags_q(scope_for(request.user), prefix=""), kind__in=MEMBER_HOLDING_KINDS, is_active=True
    ).order_by("path")


@login_required
@never_cache
def supervision_page(request: HttpRequest) -> HttpResponse:
    """The findings the user may see, newest first (`?org=` for one branch)."""
    scope = scope_for(request.user)
    if not supervision_selectors.may_see_supervision(scope):
        raise PermissionDenied
    org = request.GET.get("org", "")
    found = supervision_selectors.supervision_visible_to(
        request.user, org_id=int(org) if org.isdigit() else None
    )
    township = may_see_flags(scope)
    if township:
        found = found.prefetch_related("flags")
    shown = list(found[: SHOWN + 1])
    return TemplateResponse(
        request,
        "integrity/supervision/index.html",
        {
            "findings": shown[:SHOWN],
            "more": len(shown) > SHOWN,
            "township": township,
            "withdraw_form": WithdrawForm(),
        },
    )


@login_required
@never_cache
def supervision_new(request: HttpRequest) -> HttpResponse:
    """The township's form: a finding against a branch and its deduction. `?flag=` prefills
    the branch, the kind, the facts and the evidence from a flag; `?org=` names the branch."""
    _township_or_county(request)
    branches = _branches(request)
    source = request.POST if request.method == "POST" else request.GET
    flag = None
    if source.get("flag", "").isdigit():
        flag = Flag.objects.filter(flags_q(scope_for(request.user)), pk=source["flag"]).first()
        if flag is None:
            raise Http404
    org_id = flag.org_id if flag else source.get("org", "")
    branch = branches.filter(pk=org_id).first() if str(org_id).isdigit() else None
    if org_id and branch is None:
        raise Http404
    if request.method == "POST":
        form = SupervisionForm(request.POST, request.FILES, branches=branches, branch=branch)
        if form.is_valid():
            data = form.cleaned_data
            actor = Actor.from_request(request)
            try:
                refs = (
                    [evidence_upload(actor=actor, upload=data["file"]).ref] if data["file"] else []
                )
                finding = supervision.supervision_record(
                    actor=actor,
                    branch=data["org"],
                    kind=data["kind"],
                    year=data["year"],
                    facts=data["facts"],
                    points=data["points"],
                    flag_ids=[f.pk for f in data["flags"]],
                    file_refs=refs,
                )
            except ServiceError as e:
                form.add_error(None, str(e))
            else:
                messages.success(
                    request,
                    _("Finding %(ref)s recorded; the deduction is in the branch's target ledger.")
                    % {"ref": finding.ref},
                )
                return redirect(f"{reverse('integrity:supervision')}?org={finding.org_id}")
    else:
        initial: dict[str, Any] = {"year": timezone.localdate().year}
        if branch is not None:
            initial["org"] = branch.pk
        if flag is not None:
            initial |= {
                "kind": supervision.suggested_kind(flag.kind),
                "facts": flag.summary,
                "flags": [flag.pk],
            }
        form = SupervisionForm(initial=initial, branches=branches, branch=branch)
    return TemplateResponse(
        request,
        "integrity/supervision/new.html",
        {"form": form, "branch": branch, "flag": flag},
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a finding: its deduction given back by a reversal entry."""
    _township_or_county(request)
    finding = supervision_selectors.supervision_for_user(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the finding is withdrawn."))
    else:
        try:
            supervision.supervision_withdraw(
                actor=Actor.from_request(request),
                finding=finding,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("The finding was withdrawn and its points given back."))
    return redirect(f"{reverse('integrity:supervision')}#finding-{finding.pk}")


urlpatterns = [
    path("supervision/", supervision_page, name="supervision"),
    path("supervision/new", supervision_new, name="supervision_new"),
    path("supervision/<int:pk>/withdraw", withdraw, name="supervision_withdraw"),
]
