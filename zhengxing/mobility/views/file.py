"""A mobile member's joint file (/mobile/members/<id>/file/): both sides' records of the member
in date order, for the outflow branch, its township and county, the inflow organisation's
secretary and the member. Views parse and render; the records are `selectors.file`'s."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_GET

from ..selectors.file import member_file, member_file_for_user


@login_required
@require_GET
def member_file_page(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_file_for_user(request.user, pk)
    return TemplateResponse(
        request,
        "mobility/file.html",
        {"member": member, "entries": member_file(member=member)},
    )


urlpatterns = [
    path("members/<int:pk>/file/", member_file_page, name="member_file"),
]
