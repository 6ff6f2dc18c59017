"""The points supermarket's pages (支部开超市、党员攒积分): the member's shop on a phone (the
balance, the shelf, a redemption behind a second look, the receipts); the committee's shelf
(stock it, restock, take off, record a redemption at the counter); the monthly report with its
Excel, for the branch and the township above it.

Each view parses, makes one domain call and renders; branches come through the ledger's
`branch_for_manager` (404 outside the user's scope)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
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
from zhengxing.core.forms import NOT_CONFIRMED, Form, confirmed
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.orgs import selectors as org_selectors
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MemberStatus

from .. import selectors, services
from ..excel_shop import XLSX, shop_month_bytes
from ..models import ShopItem
from ..shop_rules import MAX_QUANTITY

BRANCHES_PER_PAGE = 50
RECEIPTS_SHOWN = 20


class RedeemForm(Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=gettext_lazy("How many"), min_value=1, max_value=MAX_QUANTITY, initial=1
    )


class ItemForm(Form):
    name = forms.CharField(label=gettext_lazy("Goods or service"), max_length=100)
    price = forms.DecimalField(
        label=gettext_lazy("Price in points"), min_value=0, max_digits=7, decimal_places=1
    )
    stock = forms.IntegerField(label=gettext_lazy("In stock"), min_value=0, initial=0)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=500, required=False)


class RestockForm(Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=gettext_lazy("Add"), min_value=1)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class CounterForm(Form):
    member: forms.ModelChoiceField[Member] = forms.ModelChoiceField(
        label=gettext_lazy("Member"), queryset=Member.objects.none()
    )
    item: forms.ModelChoiceField[ShopItem] = forms.ModelChoiceField(
        label=gettext_lazy("Goods or service"), queryset=ShopItem.objects.none()
    )
    quantity = forms.IntegerField(
        label=gettext_lazy("How many"), min_value=1, max_value=MAX_QUANTITY, initial=1
    )

    def __init__(self, *args: Any, members: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
        self.fields["item"].queryset = items  # type: ignore[attr-defined]


def _errors(request: HttpRequest, form: forms.Form) -> None:
    for errors in form.errors.values():
        messages.error(request, " ".join(str(e) for e in errors))


def _receipt_words(entry: Any) -> str:
    return _("Redeemed %(name)s × %(n)s for %(points)s points. Receipt no. %(seq)s.") % {
        "name": entry.item.name,
        "n": entry.quantity,
        "points": f"{entry.points.normalize():f}",
        "seq": entry.seq,
    }


# --- the member's shop --------------------------------------------------------------------


@login_required
@never_cache
def shop(request: HttpRequest) -> HttpResponse:
    """The member's shop: what they may spend, what the branch offers, what they took."""
    member = org_selectors.own_member(request.user)
    if request.method == "POST":
        form = RedeemForm(request.POST)
        if not confirmed(request.POST):
            messages.error(request, NOT_CONFIRMED)
        elif form.is_valid():
            item = selectors.shop_item_for_user(user=request.user, pk=form.cleaned_data["item"])
            try:
                entry = services.shop_redeem(
                    actor=Actor.from_request(request),
                    item=item,
                    member=member,
                    quantity=form.cleaned_data["quantity"],
                )
            except ServiceError as e:
                messages.error(request, str(e))
            else:
                messages.success(request, _receipt_words(entry))
        else:
            _errors(request, form)
        return redirect("orglife:shop")
    return TemplateResponse(
        request,
        "orglife/shop/shop.html",
        {
            "member": member,
            "balance": selectors.shop_balance(user=request.user, member=member),
            "items": selectors.shop_items(
                user=request.user, branch=member.branch, on_shelf_only=True
            ),
            "receipts": selectors.member_receipts(
                user=request.user, member=member, limit=RECEIPTS_SHOWN
            ),
            "max_quantity": MAX_QUANTITY,
        },
    )


# --- the committee's shelf ----------------------------------------------------------------


@login_required
@require_GET
def shop_branches(request: HttpRequest) -> HttpResponse:
    """The branches whose shop the user keeps or oversees."""
    branches = ledger_selectors.branches_managed(user=request.user)
    page = Paginator(branches, BRANCHES_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "orglife/shop/branches.html", {"page": page, "month": _month(request)}
    )


def _members(request: HttpRequest, branch: Org) -> Any:
    return (
        org_selectors.members_visible_to(request.user)
        .filter(branch=branch)
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .order_by("name", "pk")
    )


def _manage_post(request: HttpRequest, branch: Org) -> None:
    """One of the shelf's forms, by its `action`: one service call, its outcome as a message."""
    actor = Actor.from_request(request)
    action = request.POST.get("action")
    items = selectors.shop_items(user=request.user, branch=branch)
    try:
        if action == "create":
            form: forms.Form = ItemForm(request.POST)
            if form.is_valid():
                item = services.shop_item_create(actor=actor, branch=branch, **form.cleaned_data)
                messages.success(request, _("%(name)s is on the shelf.") % {"name": item.name})
        elif action == "restock":
            form = RestockForm(request.POST)
            if form.is_valid():
                item = items.get(pk=form.cleaned_data["item"])
                services.shop_item_restock(
                    actor=actor,
                    item=item,
                    quantity=form.cleaned_data["quantity"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("%(name)s restocked.") % {"name": item.name})
        elif action in ("shelve", "unshelve"):
            form = RestockForm({"item": request.POST.get("item"), "quantity": 1})
            if form.is_valid():
                item = items.get(pk=form.cleaned_data["item"])
                services.shop_item_shelve(actor=actor, item=item, active=action == "unshelve")
                messages.success(request, _("Saved."))
        else:
            form = CounterForm(
                request.POST, members=_members(request, branch), items=items.filter(active=True)
            )
            if form.is_valid():
                entry = services.shop_redeem(actor=actor, **form.cleaned_data)
                who = form.cleaned_data["member"].name
                messages.success(request, f"{who}：{_receipt_words(entry)}")
    except ServiceError as e:
        messages.error(request, str(e))
    except items.model.DoesNotExist:
        messages.error(request, _("No such item in this branch's shop."))
    else:
        if not form.is_valid():
            _errors(request, form)


@login_required
@never_cache
def shop_manage(request: HttpRequest, branch_id: int) -> HttpResponse:
    """The branch's shelf: what it offers, at what price, how many are left; stock it."""
    branch = ledger_selectors.branch_for_manager(user=request.user, pk=branch_id)
    if request.method == "POST":
        _manage_post(request, branch)
        return redirect("orglife:shop_manage", branch.pk)
    items = selectors.shop_items(user=request.user, branch=branch)
    return TemplateResponse(
        request,
        "orglife/shop/manage.html",
        {
            "branch": branch,
            "items": items,
            "item_form": ItemForm(),
            "counter_form": CounterForm(
                members=_members(request, branch), items=items.filter(active=True)
            ),
            "month": _month(request),
        },
    )


# --- the monthly report -------------------------------------------------------------------

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(request: HttpRequest) -> tuple[int, int]:
    """`?month=YYYY-MM`, or this month when absent or not a month."""
    found = MONTH.match(request.GET.get("month", ""))
    if found and 2000 <= int(found[1]) <= 2100 and 1 <= int(found[2]) <= 12:
        return int(found[1]), int(found[2])
    today = timezone.localdate()
    return today.year, today.month


def _neighbours(year: int, month: int) -> tuple[str, str]:
    first = dt.date(year, month, 1)
    before = first - dt.timedelta(days=1)
    after = first + dt.timedelta(days=32)
    return f"{before:%Y-%m}", f"{after:%Y-%m}"


def _report(request: HttpRequest, branch_id: int) -> selectors.MonthReport:
    branch = org_selectors.org_for_user(request.user, branch_id)
    year, month = _month(request)
    return selectors.shop_month_report(user=request.user, branch=branch, year=year, month=month)


@login_required
@require_GET
def shop_report(request: HttpRequest, branch_id: int) -> HttpResponse:
    """The shop's month: per item, per member, every line of its ledger, the chain checked."""
    report = _report(request, branch_id)
    previous, following = _neighbours(report.year, report.month)
    return TemplateResponse(
        request,
        "orglife/shop/report.html",
        {
            "report": report,
            "month": f"{report.year}-{report.month:02d}",
            "previous": previous,
            "following": following,
        },
    )


@login_required
@require_GET
def shop_report_xlsx(request: HttpRequest, branch_id: int) -> HttpResponse:
    report = _report(request, branch_id)
    name = f"积分超市月报-{report.branch.name}-{report.year}年{report.month}月.xlsx"
    response = HttpResponse(shop_month_bytes(report), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


urlpatterns = [
    path("shop/", shop, name="shop"),
    path("shop/branches/", shop_branches, name="shop_branches"),
    path("shop/<int:branch_id>/", shop_manage, name="shop_manage"),
    path("shop/<int:branch_id>/report/", shop_report, name="shop_report"),
    path("shop/<int:branch_id>/report.xlsx", shop_report_xlsx, name="shop_report_xlsx"),
]
