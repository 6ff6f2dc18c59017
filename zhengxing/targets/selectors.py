"""Reads of the target catalogues and the units' target ledgers, always scoped (the system reads
for `zhengxing verify-ledger` say so). The scores live in `scores.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet

from zhengxing.ledger.chain import ChainProblem, verify_chain
from zhengxing.ledger.selectors import chains_problems
from zhengxing.orgs.models import PATH_SEGMENT, Member, Org, RoleAssignment
from zhengxing.orgs.rules import ROLE_MANAGES_TREE
from zhengxing.orgs.selectors import Scope, scope_for

from .models import (
    OnsiteAssessor,
    OnsiteScore,
    OnsiteVisit,
    Target,
    TargetCatalogue,
    TargetChainHead,
    TargetEntry,
    TargetYearResult,
)
from .rules import (
    OWNER_KINDS,
    TARGET_CONTENT_FIELDS,
    EntryKind,
    Grant,
    applies_to,
    assessor_problem,
)

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def may_assess(scope: Scope, unit: Org) -> str | None:
    """Why the scope may not assess the unit, in Chinese (`rules.assessor_problem`); None when
    it may. A command on the server (the demo, an import) may."""
    if scope.everything:
        return None
    branch_path = None
    if scope.member_id is not None:
        branch_path = (
            Member.objects.filter(pk=scope.member_id).values_list("branch__path", flat=True).first()
        )
    grants = [Grant(role=g.role, path=g.path) for g in scope.grants]
    return assessor_problem(grants=grants, own_branch_path=branch_path, unit_path=unit.path)


def catalogue_for_unit(unit: Org, year: int) -> TargetCatalogue | None:
    """The current published catalogue that applies to the unit in a year: the nearest owner
    above it (a township's over the county's), or None."""
    found = [
        c
        for c in TargetCatalogue.objects.filter(
            county_id=unit.county_id, year=year, is_current=True
        ).select_related("owner")
        if unit.path.startswith(c.owner.path)
    ]
    return max(found, key=lambda c: len(c.owner.path)) if found else None


def targets_for_unit(unit: Org, catalogue: TargetCatalogue | None) -> list[Target]:
    """The catalogue's targets that apply to the unit's kind and category, in order."""
    if catalogue is None:
        return []
    return [
        t
        for t in catalogue.targets.select_related("task").order_by("position", "pk")
        if applies_to(
            kinds=t.kinds, categories=t.categories, kind=unit.kind, category=unit.category
        )
    ]


def catalogues_visible_to(user: AnyUser) -> QuerySet[TargetCatalogue]:
    """The catalogues set by owners the user sees, newest first."""
    return (
        TargetCatalogue.objects.filter(scope_for(user).org_q("owner__"))
        .select_related("owner")
        .order_by("-year", "owner__path", "-version")
    )


def catalogue_owners(user: AnyUser) -> list[Org]:
    """The units the user may set targets for (`services.target_catalogue_draft` lets them):
    their county, or the townships and street working committees they manage."""
    scope = scope_for(user)
    found = Org.objects.filter(kind__in=OWNER_KINDS, county_id__in=scope.county_ids())
    return [o for o in found.order_by("path")[:200] if scope.can_manage_tree(o)]


def catalogue_for_user(user: AnyUser, pk: int) -> TargetCatalogue | None:
    return catalogues_visible_to(user).filter(pk=pk).first()


def units_staffed_by(user: AnyUser) -> QuerySet[Org]:
    """The units whose target ledger the user keeps: where they hold a managing role."""
    scope = scope_for(user)
    ids = [g.org_id for g in scope.grants if g.role not in ("member", "grid_worker")]
    return Org.objects.filter(pk__in=ids).order_by("path")


def entries_of_unit(user: AnyUser, unit: Org, year: int) -> QuerySet[TargetEntry]:
    """The unit's ledger for the year, newest first, if the user sees the unit."""
    if not scope_for(user).can_see_org(unit):
        return TargetEntry.objects.none()
    return (
        TargetEntry.objects.filter(unit=unit, year=year)
        .select_related("target", "assessor", "recorded_by")
        .order_by("-seq")
    )


def assessing_q(user: AnyUser) -> Q:
    """Units under the user's county or township roles, strictly below the role's node."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    q = Q(pk__in=[])
    for g in scope.grants:
        if g.role in ROLE_MANAGES_TREE:
            q |= Q(unit__path__startswith=g.path) & ~Q(unit_id=g.org_id)
    return q


def submissions_to_assess(user: AnyUser, year: int) -> QuerySet[TargetEntry]:
    """The assessor's queue (日常考评): progress submissions in their units not yet scored,
    oldest first (the partial index on kind serves the NOT EXISTS)."""
    scored = TargetEntry.objects.filter(submission=OuterRef("pk"), kind=EntryKind.DAILY)
    return (
        TargetEntry.objects.filter(assessing_q(user), year=year, kind=EntryKind.PROGRESS)
        .filter(~Exists(scored))
        .select_related("unit", "target", "recorded_by")
        .order_by("seq", "pk")
    )


def units_to_assess(user: AnyUser) -> QuerySet[Org]:
    """The units the user may assess on site: strictly below their county or township roles."""
    scope = scope_for(user)
    q = Q(pk__in=[])
    for g in scope.grants:
        if g.role in ROLE_MANAGES_TREE:
            q |= Q(path__startswith=g.path) & ~Q(pk=g.org_id)
    return Org.objects.filter(q, is_active=True).order_by("path")


def visits_of_unit(unit: Org, year: int) -> QuerySet[OnsiteVisit]:
    return OnsiteVisit.objects.filter(unit=unit, year=year).select_related("led_by")


def visits_visible_to(user: AnyUser) -> QuerySet[OnsiteVisit]:
    """The on-site visits the user sits on, and those of units they assess."""
    if not user.is_authenticated:
        return OnsiteVisit.objects.none()
    mine = OnsiteAssessor.objects.filter(visit=OuterRef("pk"), user_id=user.pk)
    return (
        OnsiteVisit.objects.filter(Q(Exists(mine)) | Q(assessing_q(user)))
        .select_related("unit", "led_by")
        .order_by("-visited_on", "-pk")
    )


def visits_to_score(user: AnyUser, year: int) -> QuerySet[OnsiteVisit]:
    """Open visits the user sits on (their phone's list on site), newest first."""
    mine = OnsiteAssessor.objects.filter(visit=OuterRef("pk"), user_id=user.pk or 0)
    return (
        OnsiteVisit.objects.filter(Exists(mine), year=year, status=OnsiteVisit.Status.OPEN)
        .select_related("unit", "led_by")
        .order_by("-visited_on", "-pk")
    )


def visit_for_user(user: AnyUser, pk: int) -> OnsiteVisit | None:
    return visits_visible_to(user).select_related("catalogue").filter(pk=pk).first()


@dataclass
class PanelSeat:
    """One named assessor of a visit and the scores they gave ({code: points})."""

    user: User
    scores: dict[str, Decimal]


def visit_panel(visit: OnsiteVisit) -> list[PanelSeat]:
    """The visit's named assessors, the leader first, each with their scores (two queries)."""
    seats = {
        a.user_id: PanelSeat(user=a.user, scores={})
        for a in visit.panel.select_related("user").order_by("user__username")
    }
    for assessor_id, code, points in visit.sheet.values_list("assessor_id", "code", "points"):
        if assessor_id in seats:
            seats[assessor_id].scores[code] = points
    return sorted(seats.values(), key=lambda s: s.user.pk != visit.led_by_id)


def visits_panels(visit_ids: Iterable[int]) -> dict[int, list[PanelSeat]]:
    """The panels of several visits (the ledger's Excel names each visit's assessors): two
    queries whatever their number."""
    panels: dict[int, dict[int, PanelSeat]] = {}
    for a in OnsiteAssessor.objects.filter(visit_id__in=list(visit_ids)).select_related("user"):
        panels.setdefault(a.visit_id, {})[a.user_id] = PanelSeat(user=a.user, scores={})
    for visit_id, assessor_id, code, points in OnsiteScore.objects.filter(
        visit_id__in=list(panels)
    ).values_list("visit_id", "assessor_id", "code", "points"):
        seat = panels.get(visit_id, {}).get(assessor_id)
        if seat is not None:
            seat.scores[code] = points
    return {v: sorted(seats.values(), key=lambda s: s.user.pk) for v, seats in panels.items()}


def assessor_candidates(unit: Org) -> list[User]:
    """Who may sit on a panel visiting the unit: the active holders of a county or township
    role strictly above it, less anyone who belongs to it (`services.may_assess` decides)."""
    above = [unit.path[:n] for n in range(PATH_SEGMENT, len(unit.path), PATH_SEGMENT)]
    ids = set(
        RoleAssignment.objects.filter(
            county_id=unit.county_id, role__in=ROLE_MANAGES_TREE, org__path__in=above
        ).values_list("user_id", flat=True)
    )
    users = User.objects.filter(pk__in=ids, is_active=True).order_by("username")
    return [u for u in users if may_assess(scope_for(u), unit) is None]


def unit_chain_problem(*, unit: Org) -> ChainProblem | None:
    """The first place the unit's target chain stops being what the application wrote (the
    points ledger's walk over the target ledger's columns); None if intact."""
    head = TargetChainHead.objects.filter(unit=unit).values_list("seq", "hash").first()
    rows = (
        TargetEntry.objects.filter(unit=unit)
        .order_by("seq")
        .values("id", "prev_hash", "hash", *TARGET_CONTENT_FIELDS)
    )
    return verify_chain(unit.pk, rows.iterator(), head=head, fields=TARGET_CONTENT_FIELDS)


def target_chains_problems(county_id: int | None = None) -> tuple[int, list[ChainProblem]]:
    """Every unit's target chain walked (a system read for `zhengxing verify-ledger`, not
    scoped; registered in `apps.TargetsConfig.ready`)."""
    entries = TargetEntry.objects.all()
    heads_qs: QuerySet[Any] = TargetChainHead.objects.all()
    if county_id is not None:
        entries, heads_qs = (
            entries.filter(county_id=county_id),
            heads_qs.filter(county_id=county_id),
        )
    heads = {u: (s, h) for u, s, h in heads_qs.values_list("unit_id", "seq", "hash")}
    return chains_problems(entries, heads, fields=TARGET_CONTENT_FIELDS, chain="unit_id")


@dataclass
class VisitDetail:
    """A visit as one of its people sees it: the checklist, the panel (each assessor's scores
    shown to themself, and to everyone once the visit is closed), the visit's decided score
    per target (once closed), and whether the viewer may score or close it."""

    visit: OnsiteVisit
    checklist: list[Target]
    seats: list[PanelSeat]
    decided: dict[str, Decimal]
    mine: dict[str, Decimal] | None  # the viewer's own scores; None: not on the panel
    may_close: bool

    @property
    def to_score(self) -> list[Target]:
        """What the viewer still has to score."""
        if self.mine is None or self.visit.status != OnsiteVisit.Status.OPEN:
            return []
        return [t for t in self.checklist if t.code not in self.mine]

    def shown(self, seat: PanelSeat) -> dict[str, Decimal] | None:
        if self.visit.status == OnsiteVisit.Status.CLOSED or self.mine is seat.scores:
            return seat.scores
        return None


def visit_detail(user: AnyUser, visit: OnsiteVisit) -> VisitDetail:
    unit = visit.unit
    checklist = [t for t in targets_for_unit(unit, visit.catalogue) if t.measure != "figure"]
    seats = visit_panel(visit)
    own = next((s for s in seats if s.user.pk == user.pk), None)
    decided = dict(
        TargetEntry.objects.filter(visit=visit, kind=EntryKind.ONSITE)
        .order_by("seq")
        .values_list("code", "points")
    )
    is_open = visit.status == OnsiteVisit.Status.OPEN
    return VisitDetail(
        visit=visit,
        checklist=checklist,
        seats=seats,
        decided={c: p for c, p in decided.items() if p is not None},
        mine=own.scores if own is not None else None,
        may_close=is_open and user.pk == visit.led_by_id,
    )


def year_closed_at(unit: Org, year: int) -> dt.datetime | None:
    """When the unit's year was closed (年终评定), or None while it is open: one query."""
    return (
        TargetYearResult.objects.filter(unit_id=unit.pk, year=year)
        .values_list("close__closed_at", flat=True)
        .first()
    )
