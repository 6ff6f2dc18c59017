"""Reads, always scoped to what the user may see. Pages, API and exports all come through here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from zhengxing.audit.models import AuditEvent
from zhengxing.core.paging import KeyPages

from .models import PATH_SEGMENT, County, Member, MemberEvent, Org, RoleAssignment, subtree_q
from .rules import ROLE_MANAGES, ROLE_MANAGES_TREE, ROLE_REVEALS_PII, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from zhengxing.core.actor import Actor

    AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class Grant:
    role: str
    org_id: int
    path: str
    county_id: int


NOTHING = Q(pk__in=[])


class Scope:
    """What one user may see and do: the subtrees under their role assignments, and their own
    member record. Built once per request from one query."""

    def __init__(
        self, *, grants: tuple[Grant, ...], member_id: int | None, everything: bool = False
    ) -> None:
        self.grants = grants
        self.member_id = member_id
        self.everything = everything

    @property
    def is_anonymous(self) -> bool:
        return not self.grants and self.member_id is None and not self.everything

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def _tree_grants(self) -> list[Grant]:
        # a member's own role gives their record, not their branch's subtree
        return [g for g in self.grants if g.role != Role.MEMBER]

    def _covering(self, path: str, roles: frozenset[str] | None = None) -> bool:
        if self.everything:
            return True
        return any(
            path.startswith(g.path) for g in self._tree_grants() if roles is None or g.role in roles
        )

    def org_q(self, prefix: str = "") -> Q:
        if self.everything:
            return Q()
        q = NOTHING
        for g in self._tree_grants():
            q |= subtree_q(g.path, prefix)
        return q

    def member_q(self) -> Q:
        if self.everything:
            return Q()
        q = NOTHING
        for g in self._tree_grants():
            # a whole county needs no join to the tree: its members carry its id
            is_root = len(g.path) == PATH_SEGMENT
            q |= Q(county_id=g.county_id) if is_root else subtree_q(g.path, "branch__")
        if self.member_id is not None:
            q |= Q(pk=self.member_id)
        return q

    def reveal_q(self, prefix: str = "") -> Q:
        """Members whose full numbers this scope may see: subtrees under its revealing roles,
        and its own record (`prefix` leads to the member: "" for Member rows)."""
        if self.everything:
            return Q()
        q = NOTHING
        for g in self.grants:
            if g.role in ROLE_REVEALS_PII:
                q |= subtree_q(g.path, f"{prefix}branch__")
        if self.member_id is not None:
            q |= Q(**{f"{prefix}pk": self.member_id})
        return q

    def county_ids(self) -> set[int]:
        return {g.county_id for g in self.grants}

    def can_see_org(self, org: Org) -> bool:
        return self._covering(org.path)

    def can_manage_org(self, org: Org) -> bool:
        """May register and change members held by this org."""
        return self._covering(org.path, ROLE_MANAGES)

    def can_manage_tree(self, org: Org) -> bool:
        """May add, rename and move organisations under this one."""
        return self._covering(org.path, ROLE_MANAGES_TREE)

    def can_see_member(self, member: Member) -> bool:
        return member.pk == self.member_id or self._covering(member.branch.path)

    def can_manage_member(self, member: Member) -> bool:
        return self._covering(member.branch.path, ROLE_MANAGES)

    def can_reveal_member(self, member: Member) -> bool:
        """May see the full ID number and phone (each view is logged)."""
        return member.pk == self.member_id or self.can_reveal_org(member.branch)

    def can_reveal_org(self, org: Org) -> bool:
        """May see the full numbers of the members this org holds (`can_reveal_member` for
        every member of it, whoever they are)."""
        return self._covering(org.path, ROLE_REVEALS_PII)


def scope_for(user: AnyUser) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    cached: Scope | None = getattr(user, "_zhengxing_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        scope = Scope(grants=(), member_id=None)
    elif getattr(user, "is_superuser", False):
        scope = Scope(grants=(), member_id=None, everything=True)
    else:
        rows = RoleAssignment.objects.filter(user=user).values_list(
            "role", "org_id", "org__path", "county_id"
        )
        grants = tuple(Grant(*row) for row in rows)
        member_id = Member.objects.filter(user=user).values_list("pk", flat=True).first()
        scope = Scope(grants=grants, member_id=member_id)
    user._zhengxing_scope = scope  # type: ignore[union-attr]
    return scope


class Directory:
    """Who holds which role, and where, for the floors below (`core.directory`)."""

    def county_of(self, user: Any) -> int | None:
        counties = scope_for(user).county_ids()
        return min(counties) if counties else None

    def holds_any_role(self, user: Any, roles: frozenset[str]) -> bool:
        scope = scope_for(user)
        return scope.everything or bool(scope.roles() & roles)


def scope_for_actor(actor: Actor) -> Scope:
    """What an actor may touch: a server command everything, an anonymous visitor nothing."""
    if actor.is_system:
        return Scope(grants=(), member_id=None, everything=True)
    if actor.user is None:
        return Scope(grants=(), member_id=None)
    return scope_for(actor.user)


def county_for_roles(user: AnyUser, roles: frozenset[str]) -> County:
    """The county a user imports into or exports from: the one where they hold one of `roles`
    (an administrator: the first county); PermissionDenied when none."""
    scope = scope_for(user)
    county_ids = sorted({g.county_id for g in scope.grants if g.role in roles})
    if not county_ids and scope.everything:
        county_ids = list(County.objects.order_by("pk").values_list("pk", flat=True)[:1])
    if not county_ids:
        raise PermissionDenied
    return County.objects.get(pk=county_ids[0])


def forget_scope(user: AnyUser) -> None:
    if hasattr(user, "_zhengxing_scope"):
        del user._zhengxing_scope  # type: ignore[union-attr]


def orgs_visible_to(user: AnyUser) -> QuerySet[Org]:
    return Org.objects.filter(scope_for(user).org_q())


def members_visible_to(user: AnyUser) -> QuerySet[Member]:
    return Member.objects.filter(scope_for(user).member_q())


def org_for_user(user: AnyUser, pk: int) -> Org:
    """The org, if the user may see it; 404 otherwise (no hint that it exists)."""
    org = orgs_visible_to(user).select_related("parent").filter(pk=pk).first()
    if org is None:
        raise Http404
    return org


def org_by_code(user: AnyUser, county_id: int, code: str) -> Org | None:
    return orgs_visible_to(user).filter(county_id=county_id, code=code).first()


def member_for_user(user: AnyUser, pk: int) -> Member:
    member = (
        members_visible_to(user)
        .select_related("branch", "branch__parent", "group", "county")
        .filter(pk=pk)
        .first()
    )
    if member is None:
        raise Http404
    return member


def own_member_id(user: AnyUser) -> int:
    """The id of the signed-in user's own member record; a 404 for a login that is no member."""
    member_id = scope_for(user).member_id
    if member_id is None:
        raise Http404
    return member_id


def own_member(user: AnyUser) -> Member:
    """The signed-in user's own member record; a 404 for a login that is no member."""
    return member_for_user(user, own_member_id(user))


@dataclass(frozen=True)
class MemberFilter:
    q: str = ""
    org_id: int | None = None
    category: str = ""
    status: str = ""
    standing: str = ""
    gender: str = ""


def member_search(user: AnyUser, f: MemberFilter) -> QuerySet[Member]:
    """The member list: visible members matching the filter, preloaded for a page of rows."""
    qs = members_visible_to(user)
    if f.org_id is not None:
        org = org_for_user(user, f.org_id)
        qs = qs.filter(subtree_q(org.path, "branch__"))
    if f.q:
        from zhengxing.core import pii

        needle = f.q.strip()
        # An exact ID number finds its member through the blind index; anything else is a name.
        # Only among members the user may reveal: to anyone else a search that finds "王甲" for
        # one number and nobody for the next would tell 王甲's number (masked number, birth date
        # and gender leave a few hundred candidates to try).
        by_number = Q(id_card_hash=pii.blind_index(needle)) & scope_for(user).reveal_q()
        qs = qs.filter(Q(name__contains=needle) | by_number)
    for field in ("category", "status", "standing", "gender"):
        value = getattr(f, field)
        if value:
            qs = qs.filter(**{field: value})
    # branch, then name: walks the member_branch_name index (rowid last) without a sort
    return qs.select_related("branch", "group").order_by("branch_id", "name", "pk")


class MemberPages(KeyPages[Member]):
    """A member search that Django's Paginator can page cheaply at any depth (core.paging):
    the page's members found by their keys, then joined to their branch and group."""

    def __init__(self, members: QuerySet[Member]) -> None:
        super().__init__(members, Member.objects.select_related("branch", "group"))


def org_children(user: AnyUser, org: Org | None) -> QuerySet[Org]:
    """The visible children of `org` (the user's top nodes when None), with counts for the tree
    browser, in one query."""
    scope = scope_for(user)
    if org is None:
        if scope.everything:
            qs = Org.objects.filter(parent__isnull=True)
        else:
            top_ids = [g.org_id for g in scope.grants if g.role != Role.MEMBER]
            qs = Org.objects.filter(pk__in=top_ids)
    else:
        qs = orgs_visible_to(user).filter(parent=org)
    return qs.annotate(
        n_children=Count("children", distinct=True),
        n_members=Count("members", distinct=True),
    ).order_by("code")


# --- for the pages (added with the roster pages) -------------------------------------------


def roles_held(user: AnyUser) -> list[tuple[str, Org]]:
    """The user's role assignments with their organisations, in one query, for the home page."""
    grants = scope_for(user).grants
    orgs = Org.objects.select_related("county").in_bulk([g.org_id for g in grants])
    return [(g.role, orgs[g.org_id]) for g in grants if g.org_id in orgs]


def member_history(member: Member) -> QuerySet[MemberEvent]:
    """A member's dated history (pass a member from `member_for_user`), branches preloaded, and
    the audit row of the change that wrote an event where it is not the member's own (a roster
    import's one row: who imported which file, when)."""
    return (
        MemberEvent.objects.filter(member=member)
        .select_related("branch_from", "branch_to", "audit")
        .order_by("on", "id")
    )


def member_change_audits(member_id: int) -> list[int]:
    """The ids of the audit rows that wrote a member's history without being the member's own
    (a roster import's), for the audit search; the search scopes them to the viewer's counties.
    A list, not a subquery: a member has a few imports, and `pk IN (1, 2)` beside the object's
    own filter keeps the search on its indexes where an OR with a subquery may not."""
    events = MemberEvent.objects.filter(member_id=member_id, audit__isnull=False)
    return list(events.values_list("audit_id", flat=True).distinct())


def member_reveals(user: AnyUser, member: Member) -> QuerySet[AuditEvent]:
    """Who viewed the member's full ID number and phone, newest first. Shown to the member
    themselves and to viewers entitled to reveal; nobody else learns who looked."""
    if not scope_for(user).can_reveal_member(member):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        object_type="member", object_id=str(member.pk), action="member.reveal"
    ).order_by("-at")


# --- for the REST API (added with the API) -------------------------------------------------


@dataclass(frozen=True)
class OrgFilter:
    parent_id: int | None = None
    kind: str = ""
    q: str = ""


def org_search(user: AnyUser, f: OrgFilter) -> QuerySet[Org]:
    """Visible organisations matching the filter, in tree order (a parent before its children).
    An invisible `parent_id` is a 404, as if it did not exist."""
    qs = orgs_visible_to(user)
    if f.parent_id is not None:
        qs = qs.filter(parent=org_for_user(user, f.parent_id))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q:
        needle = f.q.strip()
        qs = qs.filter(Q(name__contains=needle) | Q(code__iexact=needle))
    return qs.order_by("path")
