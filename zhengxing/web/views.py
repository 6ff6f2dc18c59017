"""The home page: what is waiting for the signed-in user, and what they may do, by the roles
they hold."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxing.contests import selectors as contests_selectors
from zhengxing.deliberation import selectors as deliberation_selectors
from zhengxing.dutyreports import selectors as dutyreports_selectors
from zhengxing.grid import selectors as grid_selectors
from zhengxing.integrity import flag_selectors as integrity_selectors
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.orglife import selectors as orglife_selectors
from zhengxing.orgs import selectors
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import (
    MEMBER_HOLDING_KINDS,
    ROLE_MANAGES,
    ROLE_MANAGES_TREE,
    ROLE_REVEALS_PII,
    MemberStatus,
    Role,
)
from zhengxing.stars import selectors as stars_selectors

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser

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
        # each county's signed tree heads, for the township and the county to keep (issue 24)
        "counties": list({org.county_id: org.county for _role, org in held}.values()),
        "everything": scope.everything,
        "manages": manages,
        # the contests: every manager's, and a judge's or an entrant's when they have one
        "contests": manages or contests_selectors.contests_visible_to(user).exists(),
        "manages_tree": scope.everything or bool(roles & ROLE_MANAGES_TREE),
        # the higher committee's findings: the township's and the county's, a secretary's own
        "supervision": scope.everything or bool(roles & (ROLE_MANAGES_TREE | {Role.SECRETARY})),
        # the secretaries' annual review (述职评议): who holds one, who reports, the panel
        "duty_reviews": scope.everything
        or bool(roles & DUTY_REVIEWERS)
        or dutyreports_selectors.rounds_visible_to(user).exists(),
        "audits": scope.everything or Role.COUNTY in roles,
        "may_export": scope.everything or bool(roles & ROLE_REVEALS_PII),
        "own_member_id": scope.member_id,
        # a mobile member reads their joint file (流动党员档案) from here
        "own_mobile": scope.member_id is not None
        and Member.objects.filter(pk=scope.member_id, status=MemberStatus.MOBILE).exists(),
        # the member's coming meetings (三会一课, 主题党日): one query on their roll rows
        "upcoming": (
            orglife_selectors.upcoming_for_member(
                member_id=scope.member_id, today=timezone.localdate()
            )
            if scope.member_id is not None
            else None
        ),
        "org_count": selectors.orgs_visible_to(user).count() if manages else None,
        "member_count": selectors.members_visible_to(user).count() if manages else None,
        "waiting": waiting_for(
            user,
            roles=roles,
            member=scope.member_id is not None,
            now=timezone.now(),
            today=timezone.localdate(),
        ),
        "grid_worker": Role.GRID_WORKER in roles,
        "group_head": not manages and deliberation_selectors.heads_any(user),
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


@dataclass(frozen=True)
class Waiting:
    """Something waiting for the user: how many, in words, and the page where it is done."""

    count: int
    label: str
    url: str


BRANCH_DUTIES = frozenset({Role.SECRETARY, Role.COMMITTEE})
TASK_OWNERS = frozenset({Role.SECRETARY, Role.TOWNSHIP, Role.COUNTY})
DECIDERS = frozenset({Role.SECRETARY, Role.TOWNSHIP})
RATERS = frozenset({Role.SECRETARY, Role.COMMITTEE, Role.TOWNSHIP, Role.COUNTY})
DUTY_REVIEWERS = frozenset({Role.SECRETARY, Role.TOWNSHIP, Role.COUNTY})


def waiting_for(
    user: AnyUser, *, roles: set[str], member: bool, now: dt.datetime, today: dt.date
) -> list[Waiting]:
    """What is waiting for the user, each with its count and the page where it is done: claims
    to review, quarters to sign, objections to answer, evaluations to take part in, follow-up
    tasks, star plans to approve. Only what their roles do is counted (one query each); what
    is at zero is left out."""
    found: list[Waiting] = []
    if roles & BRANCH_DUTIES:
        claims = ledger_selectors.claims_to_review(user=user)
        url = (
            reverse("ledger:review", args=[next(iter(claims))])
            if len(claims) == 1
            else reverse("ledger:workflow")
        )
        found.append(Waiting(sum(claims.values()), _("claims to review"), url))
    if Role.SECRETARY in roles:
        quarters = ledger_selectors.quarters_to_sign(user=user, today=today)
        branches = {branch_id for branch_id, _quarter in quarters}
        url = (
            reverse("ledger:sign_off", args=[next(iter(branches))])
            if len(branches) == 1
            else reverse("ledger:workflow")
        )
        found.append(Waiting(len(quarters), _("quarters to sign off"), url))
    if roles & BRANCH_DUTIES:
        found.append(
            Waiting(
                ledger_selectors.objections_to_answer(user=user),
                _("objections to answer"),
                reverse("ledger:objections"),
            )
        )
    if member or roles & RATERS:
        found.append(
            Waiting(
                stars_selectors.ballots_to_cast(user=user, now=now),
                _("evaluations to take part in"),
                reverse("stars:rounds"),
            )
        )
    if roles & TASK_OWNERS:
        found.append(
            Waiting(
                stars_selectors.tasks_open(user=user),
                _("follow-up tasks to do"),
                reverse("stars:todos"),
            )
        )
    if roles & ROLE_MANAGES_TREE:
        found.append(
            Waiting(
                stars_selectors.plans_to_review(user=user),
                _("star plans to approve"),
                reverse("stars:plans"),
            )
        )
        # what the integrity checks found in ballots and claims, for the township to look into
        found.append(
            Waiting(
                integrity_selectors.flags_visible_to(user, status="open").count(),
                _("integrity flags to look into"),
                reverse("integrity:flags"),
            )
        )
    if roles & DECIDERS:
        found.append(
            Waiting(
                deliberation_selectors.waiting_count(user),
                _("matters of five-person groups to decide"),
                reverse("deliberation:index"),
            )
        )
    found.append(
        Waiting(
            dutyreports_selectors.reports_to_score(user),
            _("annual reports of secretaries to score"),
            reverse("dutyreports:index"),
        )
    )
    if Role.GRID_WORKER in roles:
        found.append(
            Waiting(
                grid_selectors.needs_routed_to(user=user),
                _("residents' needs to answer"),
                reverse("grid:needs"),
            )
        )
    return [w for w in found if w.count]
