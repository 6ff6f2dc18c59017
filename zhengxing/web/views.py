"""The home page: what the signed-in user may do, by the roles they hold."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.orgs import selectors
from zhengxing.orgs.models import Org
from zhengxing.orgs.rules import (
    MEMBER_HOLDING_KINDS,
    ROLE_MANAGES,
    ROLE_MANAGES_TREE,
    ROLE_REVEALS_PII,
    Role,
)

# How many of a grid worker's members the home page lists before linking to the full list.
GRID_PREVIEW = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = selectors.scope_for(user)
    roles = scope.roles()
    manages = scope.everything or bool(roles & ROLE_MANAGES)
    held = selectors.roles_held(user)
    context = {
        "roles": [(Role(role).label, org) for role, org in held],
        "everything": scope.everything,
        "manages": manages,
        "manages_tree": scope.everything or bool(roles & ROLE_MANAGES_TREE),
        "audits": scope.everything or Role.COUNTY in roles,
        "may_export": scope.everything or bool(roles & ROLE_REVEALS_PII),
        "own_member_id": scope.member_id,
        "org_count": selectors.orgs_visible_to(user).count() if manages else None,
        "member_count": selectors.members_visible_to(user).count() if manages else None,
        "grid_members": (
            selectors.member_search(user, selectors.MemberFilter())[:GRID_PREVIEW]
            if Role.GRID_WORKER in roles and not manages
            else None
        ),
    }
    # the highest organisation the user's roles cover (as ledger_selectors.default_org_for)
    tops = sorted((org for role, org in held if role != Role.MEMBER), key=lambda o: len(o.path))
    if scope.everything:
        context["points_report"] = _points_report(ledger_selectors.default_org_for(user=user))
    else:
        context["points_report"] = _points_report(tops[0] if tops else None)
    return render(request, "web/home.html", context)


def _points_report(org: Org | None) -> str | None:
    """The points report of the user's own level: the county view, a township's book (一册) or
    a branch's table (一张表)."""
    if org is None:
        return None
    if org.parent_id is None:
        return reverse("ledger:county")
    if org.kind in MEMBER_HOLDING_KINDS:
        return reverse("ledger:branch_table", args=[org.pk])
    return reverse("ledger:township_book", args=[org.pk])
