"""Reads of the five-person group, always scoped: a user sees the groups of the branches their
roles cover, and a group head with a login sees their own group. Who may keep a group's record
(its branch's secretary and committee, or its head's login) and who decides at each level (the
branch's secretary, the township) is asked here, by pages, API and services alike. The public
reads a group and a matter by their random references."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from zhengxing.orgs.models import Org, subtree_q
from zhengxing.orgs.rules import ROLE_MANAGES, Role
from zhengxing.orgs.selectors import Scope, scope_for

from .models import GroupMember, Matter, Notice, Objection, VillageGroup
from .rules import Level, Seat, Stage, approval_hold

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser

KEEPERS = frozenset({Role.SECRETARY, Role.COMMITTEE})
# who answers the villagers' objections, as which level: the village Party organisation (its
# secretary and committee), the township's committee
ANSWERERS: dict[str, frozenset[str]] = {
    Level.VILLAGE: frozenset({Role.SECRETARY, Role.COMMITTEE}),
    Level.TOWNSHIP: frozenset({Role.TOWNSHIP}),
}
DECIDERS: dict[str, frozenset[str]] = {
    Level.VILLAGE: frozenset({Role.SECRETARY}),
    Level.TOWNSHIP: frozenset({Role.TOWNSHIP}),
}


def _covers(scope: Scope, org: Org, roles: frozenset[str]) -> bool:
    return scope.everything or any(
        org.path.startswith(g.path) for g in scope.grants if g.role in roles
    )


def may_set_up(scope: Scope, branch: Org) -> bool:
    """Whether the scope sets up the branch's groups and records their elections: a managing
    role over the branch (its secretary or committee, the township, the county)."""
    return _covers(scope, branch, ROLE_MANAGES)


def heads_group(user: AnyUser | None, group: VillageGroup) -> bool:
    """Whether the user is the group's head (by the head's login)."""
    if user is None or not user.is_authenticated:
        return False
    return GroupMember.objects.filter(group=group, seat=Seat.HEAD, user_id=user.pk).exists()


def may_keep(scope: Scope, user: AnyUser | None, group: VillageGroup) -> bool:
    """Whether the user records the group's matters and rounds: the branch's secretary or a
    committee member, or the group head on their own phone."""
    return _covers(scope, group.branch, KEEPERS) or heads_group(user, group)


def may_decide(scope: Scope, level: str, group: VillageGroup) -> bool:
    """Whether the scope decides at `level`: the village's branch secretary, the township."""
    return _covers(scope, group.branch, DECIDERS.get(level, frozenset()))


def answers_as(scope: Scope, group: VillageGroup) -> str | None:
    """The level as which the scope answers objections to the group's matters (the village's
    own first), or None when it does not."""
    for level in (Level.VILLAGE, Level.TOWNSHIP):
        if _covers(scope, group.branch, ANSWERERS[level]):
            return level
    return None


def groups_visible_to(user: AnyUser) -> QuerySet[VillageGroup]:
    q = scope_for(user).org_q("branch__")
    if user.is_authenticated:
        q |= Q(pk__in=GroupMember.objects.filter(user_id=user.pk).values("group_id"))
    return VillageGroup.objects.filter(q)


def group_rows(user: AnyUser) -> QuerySet[VillageGroup]:
    """The groups the user sees, with their matters counted, by branch and name."""
    return (
        groups_visible_to(user)
        .select_related("branch")
        .annotate(
            n_matters=Count("matters", distinct=True),
            n_approved=Count("matters", filter=Q(matters__stage=Stage.APPROVED), distinct=True),
        )
        .order_by("branch__path", "name")
    )


def group_for_user(user: AnyUser, pk: int) -> VillageGroup:
    found = groups_visible_to(user).select_related("branch").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def matter_for_user(user: AnyUser, pk: int) -> Matter:
    visible = groups_visible_to(user).values("pk")
    found = (
        Matter.objects.filter(group_id__in=visible, pk=pk)
        .select_related("group", "group__branch")
        .first()
    )
    if found is None:
        raise Http404
    return found


def people_of(group: VillageGroup, *, on: dt.date | None = None) -> list[GroupMember]:
    """The group's people, the head first; only those whose term covers `on` when given."""
    found = group.people.all()
    if on is not None:
        found = found.filter(term_from__lte=on, term_until__gte=on)
    return sorted(found, key=lambda p: (p.seat != Seat.HEAD, p.pk))


def matters_of(group: VillageGroup) -> QuerySet[Matter]:
    return group.matters.annotate(n_objections=Count("objections")).order_by("-created_at")


def _waiting_q(user: AnyUser, levels: list[str]) -> Q:
    """Matters at one of `levels` under the grants that decide there."""
    scope = scope_for(user)
    if scope.everything:
        return Q(stage__in=levels)
    q = Q(pk__in=[])
    for g in scope.grants:
        for level in levels:
            if g.role in DECIDERS[level]:
                q |= Q(stage=level) & subtree_q(g.path, "group__branch__")
    return q


def matters_waiting(user: AnyUser, level: str) -> QuerySet[Matter]:
    """The matters waiting for the user's decision at `level` (the village's branch secretary's,
    the township's), oldest first, with their objections counted."""
    levels = [level] if level in DECIDERS else []
    return (
        Matter.objects.filter(_waiting_q(user, levels))
        .select_related("group", "group__branch")
        .annotate(n_objections=Count("objections"))
        .order_by("created_at")
    )


def waiting_count(user: AnyUser) -> int:
    """How many matters wait for the user's decision, at either level (the home page): one
    query."""
    return Matter.objects.filter(_waiting_q(user, list(Level.values))).count()


def steps_of(matter: Matter) -> list[Notice]:
    """The matter's posted steps in order, each with its round (and votes) or decision."""
    return list(
        matter.notices.select_related("round", "decision")
        .prefetch_related("round__votes__person")
        .annotate(n_objections=Count("objections"))
        .order_by("posted_at", "pk")
    )


def objections_of(matter: Matter) -> QuerySet[Objection]:
    return matter.objections.select_related("notice", "answered_by").order_by("-submitted_at")


def objections_public(matter: Matter) -> QuerySet[Objection]:
    """The objections to a matter with their answers, oldest first, for the public page: the
    text, the step, the answer, the level and the dates — never the objector's name or contact."""
    return matter.objections.only(
        "pk", "notice_id", "text", "submitted_at", "answer", "answered_as", "answered_at"
    ).order_by("submitted_at", "pk")


def objection_for_answerer(user: AnyUser, pk: int) -> Objection:
    """An objection the user answers (the village's secretary or committee, the township over
    its branch); 404 otherwise."""
    found = (
        Objection.objects.select_related("matter__group__branch", "notice", "answered_by")
        .filter(pk=pk)
        .first()
    )
    if found is None or answers_as(scope_for(user), found.matter.group) is None:
        raise Http404
    return found


def hold_of(matter: Matter, *, today: dt.date) -> str | None:
    """Why the matter's approval waits today (`rules.approval_hold`), or None: two queries."""
    latest = matter.notices.order_by("-posted_at", "-pk").only("objections_until").first()
    unanswered = matter.objections.filter(answered_at__isnull=True).count()
    return approval_hold(
        today=today,
        window_until=latest.objections_until if latest is not None else None,
        unanswered=unanswered,
    )


def group_public(*, ref: str) -> VillageGroup:
    found = VillageGroup.objects.select_related("branch").filter(public_ref=ref).first()
    if found is None:
        raise Http404
    return found


def matter_public(*, ref: str) -> Matter:
    found = Matter.objects.select_related("group").filter(ref=ref).first()
    if found is None:
        raise Http404
    return found


def heads_any(user: AnyUser) -> bool:
    """Whether the user is a group head with a login (their home page links their group)."""
    return user.is_authenticated and GroupMember.objects.filter(user_id=user.pk).exists()
