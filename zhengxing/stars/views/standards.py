"""Pages of the named stars as standards: a village organisation's named stars lit or not and
why (a member's are on the member's stars page), and the branch's page of posts and duties
(设岗定责), one row per member, each saved on its own (HTMX swaps the row)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.orgs import selectors as org_selectors
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS

from .. import explained, posts
from ..forms import PostForm
from ..standards import org_standards
from .ratings import _year


@login_required
@require_GET
@never_cache
def org_named(request: HttpRequest, pk: int) -> HttpResponse:
    org = org_selectors.org_for_user(request.user, pk)
    if org.kind not in MEMBER_HOLDING_KINDS:
        raise Http404
    year = _year(request)
    return TemplateResponse(
        request,
        "stars/org_standards.html",
        {
            "org": org,
            "year": year,
            "standards": org_standards(org=org, year=year, now=timezone.now()),
            "explained": explained.org_ratings_explained(user=request.user, org=org),
            "assess_url": f"{reverse('stars:assess_org', args=[org.pk])}?year={year}"
            if org_selectors.scope_for(request.user).can_manage_tree(org)
            else "",
        },
    )


def _row_form(row: posts.PostRow, data: object = None) -> PostForm:
    initial = {"title": row.post.title, "duties": row.post.duties} if row.post else {}
    return PostForm(data, initial=initial, prefix=f"m{row.member.pk}")  # type: ignore[arg-type]


@login_required
@require_GET
@never_cache
def branch_posts(request: HttpRequest, pk: int) -> HttpResponse:
    branch = org_selectors.org_for_user(request.user, pk)
    year = _year(request)
    rows = posts.posts_of_branch(user=request.user, branch=branch, year=year)
    may_set = posts.may_set_posts(actor=Actor.from_request(request), branch=branch)
    return TemplateResponse(
        request,
        "stars/posts.html",
        {
            "branch": branch,
            "year": year,
            "rows": [(row, _row_form(row) if may_set else None) for row in rows],
            "may_set": may_set,
            "set_count": sum(1 for row in rows if row.post),
        },
    )


@login_required
@require_POST
def branch_post_set(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """One member's post: saved through the service; HTMX swaps the row (the form with the
    service's message when refused), a plain form returns to the page."""
    branch = org_selectors.org_for_user(request.user, pk)
    year = _year(request)
    rows = posts.posts_of_branch(user=request.user, branch=branch, year=year)
    row = next((r for r in rows if r.member.pk == member_pk), None)
    if row is None:
        raise Http404
    form = _row_form(row, request.POST)
    saved = None
    if form.is_valid():
        try:
            saved = posts.post_set(
                actor=Actor.from_request(request), member=row.member, year=year,
                title=form.cleaned_data["title"], duties=form.cleaned_data["duties"],
            )  # fmt: skip
        except ServiceError as e:
            form.add_error(None, str(e))
    if not request.htmx:  # type: ignore[attr-defined]
        if saved is not None:
            messages.success(request, _("The post was saved."))
        else:
            for error in form.non_field_errors() or [_("The post was not saved.")]:
                messages.error(request, str(error))
        return redirect(f"{reverse('stars:posts', args=[branch.pk])}?year={year}")
    if saved is not None:
        row = posts.PostRow(row.member, row.expectation, saved)
        form = _row_form(row)
    return TemplateResponse(
        request,
        "stars/_post_row.html",
        {"branch": branch, "year": year, "row": row, "form": form, "saved": saved is not None},
    )  # 200 either way: htmx swaps only a success, and the row carries the refusal


urlpatterns = [
    path("orgs/<int:pk>/named/", org_named, name="org_named"),
    path("orgs/<int:pk>/posts/", branch_posts, name="posts"),
    path("orgs/<int:pk>/posts/<int:member_pk>/", branch_post_set, name="post_set"),
]
