"""The roster pages: tree browser, member list and record, registration, Excel import and export.

Each view parses, makes one domain call (`selectors` to read, `services` to write) and renders.
HTMX requests get a partial of the same template, from the same view (`for_htmx`).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhengxing.accounts.reauth import is_recent, reauth_redirect, recent_auth
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.htmx import for_htmx

from . import excel, imports, selectors, services
from .forms import MemberFilterForm, MemberForm, StatusForm, TransferForm
from .models import Member, Org
from .rules import ETHNICITIES, GROUP_KINDS, MEMBER_HOLDING_KINDS, ROLE_MANAGES, ROLE_REVEALS_PII

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today() -> dt.date:
    return timezone.localdate()


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _may_manage_somewhere(user: Any) -> bool:
    scope = selectors.scope_for(user)
    return scope.everything or bool(scope.roles() & ROLE_MANAGES)


def _may_export(user: Any) -> bool:
    """The export carries full ID numbers and phones: only roles entitled to reveal them."""
    scope = selectors.scope_for(user)
    return scope.everything or bool(scope.roles() & ROLE_REVEALS_PII)


def _branches(user: Any) -> QuerySet[Org]:
    """Visible organisations that hold members, for placement and transfer choices."""
    return selectors.orgs_visible_to(user).filter(kind__in=MEMBER_HOLDING_KINDS).order_by("path")


def _groups(user: Any) -> QuerySet[Org]:
    return selectors.orgs_visible_to(user).filter(kind__in=GROUP_KINDS).order_by("path")


# --- the tree -----------------------------------------------------------------------------


@login_required
@require_GET
@for_htmx(use_template="orgs/_tree_nodes.html")
def org_tree(request: HttpRequest) -> HttpResponse:
    """The user's top organisations; `?parent=<id>` lists one node's children (the HTMX
    partial that expands a node, or a page of its own without JavaScript)."""
    parent_id = _int(request.GET.get("parent"))
    parent = selectors.org_for_user(request.user, parent_id) if parent_id else None
    nodes = selectors.org_children(request.user, parent)
    # the crumb one level up only when the user may open it (a village's grid worker may not
    # open the township); looked up only by the whole page, never by the HTMX partial
    up = SimpleLazyObject(
        lambda: (
            selectors.orgs_visible_to(request.user).filter(pk=parent.parent_id).first()
            if parent is not None and parent.parent_id
            else None
        )
    )
    return TemplateResponse(request, "orgs/tree.html", {"parent": parent, "up": up, "nodes": nodes})


# --- the member list ----------------------------------------------------------------------


@login_required
@require_GET
@for_htmx(use_template="orgs/_member_table.html", if_hx_target="member-table")
def member_list(request: HttpRequest) -> HttpResponse:
    form = MemberFilterForm(request.GET)
    member_filter = form.member_filter()
    members = selectors.member_search(request.user, member_filter)
    # MemberPages is sliced only, which is all Paginator does; the stubs want int indexing too.
    pages: Paginator[Member] = Paginator(
        selectors.MemberPages(members),  # type: ignore[arg-type]
        form.per_page_value(),
    )
    page = pages.get_page(request.GET.get("page"))
    org = (
        selectors.org_for_user(request.user, member_filter.org_id) if member_filter.org_id else None
    )
    return TemplateResponse(
        request,
        "orgs/member_list.html",
        {
            "form": form,
            "page": page,
            "org": org,
            "may_register": _may_manage_somewhere(request.user),
            "may_export": _may_export(request.user),
        },
    )


# --- one member ---------------------------------------------------------------------------


def _member_page(
    request: HttpRequest,
    member: Member,
    *,
    revealed: dict[str, str] | None = None,
    transfer_form: TransferForm | None = None,
    status_form: StatusForm | None = None,
) -> TemplateResponse:
    scope = selectors.scope_for(request.user)
    may_manage = scope.can_manage_member(member)
    if may_manage:
        transfer_form = transfer_form or TransferForm(
            branches=_branches(request.user).exclude(pk=member.branch_id), today=_today()
        )
        status_form = status_form or StatusForm(today=_today())
    return TemplateResponse(
        request,
        "orgs/member_detail.html",
        {
            "member": member,
            "revealed": revealed,
            "may_reveal": scope.can_reveal_member(member),
            "may_manage": may_manage,
            "history": selectors.member_history(member),
            "reveals": selectors.member_reveals(request.user, member)[:100],
            "transfer_form": transfer_form,
            "status_form": status_form,
        },
    )


@login_required
@require_GET
@never_cache
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_page(request, selectors.member_for_user(request.user, pk))


@login_required
@require_POST
@never_cache
@recent_auth
@for_htmx(use_template="orgs/_member_pii.html")
def member_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full ID number and phone, for an entitled viewer; the service logs who looked."""
    member = selectors.member_for_user(request.user, pk)
    numbers = services.member_reveal(actor=Actor.from_request(request), member=member)
    return _member_page(request, member, revealed=numbers)


@login_required
@never_cache
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_for_user(request.user, pk)
    scope = selectors.scope_for(request.user)
    if not scope.can_manage_member(member):
        raise PermissionDenied
    today = _today()
    form = MemberForm(
        request.POST or None,
        member=member,
        branches=_branches(request.user),
        groups=_groups(request.user),
        today=today,
        may_change_numbers=scope.can_reveal_member(member),
    )
    if request.method == "POST" and form.is_valid():
        assert form.cleaned_member is not None
        try:
            services.member_update(
                actor=Actor.from_request(request),
                member=member,
                data=form.cleaned_member,
                on=today,
                numbers_confirmed=is_recent(request),
            )
        except services.ReauthRequired:
            # the numbers typed are not kept: type them again after the password
            messages.warning(request, services.REAUTH_FOR_NUMBERS)
            return reauth_redirect(request, request.get_full_path())
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The record of %(name)s was saved.") % {"name": member})
            return redirect("orgs:member_detail", pk=member.pk)
    return _form_page(request, form, member)


@login_required
@never_cache
def member_new(request: HttpRequest) -> HttpResponse:
    if not _may_manage_somewhere(request.user):
        raise PermissionDenied
    today = _today()
    form = MemberForm(
        request.POST or None,
        initial={"branch": _int(request.GET.get("branch")), "status": "active"},
        branches=_branches(request.user),
        groups=_groups(request.user),
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        assert form.cleaned_member is not None
        try:
            member = services.member_register(
                actor=Actor.from_request(request),
                county_id=form.county_id,
                data=form.cleaned_member,
                on=today,
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": member})
            return redirect("orgs:member_detail", pk=member.pk)
    return _form_page(request, form, None)


def _form_page(request: HttpRequest, form: MemberForm, member: Member | None) -> TemplateResponse:
    return TemplateResponse(
        request,
        "orgs/member_form.html",
        {"form": form, "member": member, "ethnicities": ETHNICITIES},
    )


@login_required
@require_POST
def member_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_for_user(request.user, pk)
    form = TransferForm(
        request.POST,
        branches=_branches(request.user).exclude(pk=member.branch_id),
        today=_today(),
    )
    if form.is_valid():
        try:
            services.member_transfer(
                actor=Actor.from_request(request),
                member=member,
                to_branch=form.cleaned_data["to_branch"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The transfer was recorded."))
            return redirect("orgs:member_detail", pk=member.pk)
    return _member_page(request, member, transfer_form=form)


@login_required
@require_POST
def member_status(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_for_user(request.user, pk)
    form = StatusForm(request.POST, today=_today())
    if form.is_valid():
        try:
            services.member_set_status(
                actor=Actor.from_request(request),
                member=member,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The status change was recorded."))
            return redirect("orgs:member_detail", pk=member.pk)
    return _member_page(request, member, status_form=form)


# --- Excel: import, template, export ------------------------------------------------------


@login_required
@require_GET
def roster_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(excel.roster_template_bytes(), "党员信息导入模板.xlsx")


@login_required
@require_GET
@never_cache
def roster_export(request: HttpRequest) -> HttpResponse:
    """What the user may see, with full ID numbers (so it re-imports): for roles entitled to
    reveal them only, with the password (and, where the role has one, the code) entered in the
    last few minutes, as for revealing one member; the export is logged."""
    if not _may_export(request.user):
        raise PermissionDenied
    if not is_recent(request):
        return reauth_redirect(request, request.get_full_path())
    county = selectors.county_for_roles(request.user, ROLE_REVEALS_PII)
    buffer = io.BytesIO()
    imports.roster_export(user_or_actor=Actor.from_request(request), county=county, out=buffer)
    return _xlsx(buffer.getvalue(), f"党员名册-{county.code}-{_today():%Y%m%d}.xlsx")


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
