"""The home page: what the signed-in user may do, by the roles they hold."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhengxing.orgs import selectors
from zhengxing.orgs.rules import ROLE_MANAGES, ROLE_REVEALS_PII, Role

# How many of a grid worker's members the home page lists before linking to the full list.
GRID_PREVIEW = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = selectors.scope_for(user)
    roles = scope.roles()
    manages = scope.everything or bool(roles & ROLE_MANAGES)
    context = {
        "roles": [(Role(role).label, org) for role, org in selectors.roles_held(user)],
        "everything": scope.everything,
        "manages": manages,
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
    return render(request, "web/home.html", context)
