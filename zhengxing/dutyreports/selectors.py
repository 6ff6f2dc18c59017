"""Reads of the secretaries' annual review, always scoped: the rounds a user may see (those
held in their subtree, those whose panel they sit on, those their unit reports in), a report
(its round's managers, its panel, its unit's secretary), the scores — each panel member's own,
and everyone's of a report only once every panel member who may score it has (hidden until
then from all, the other panel members and the unit among them) — and the public's view of a
county's closed rounds, by the county's public reference. The yearly figure `duty_review`
(`orgs/yearly.py`) reads the closed rounds' scores."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from zhengxing.orgs.models import Member, Org, RoleAssignment
from zhengxing.orgs.rules import OrgKind, Role
from zhengxing.orgs.selectors import Scope, scope_for
from zhengxing.orgs.yearly import Row, Span

from .models import PanelMember, Report, ReviewRound, ReviewUnit, Rubric, Score
from .rules import State

AnyUser = User | AnonymousUser

# the organisations that hold a review of the units under them
HOLDING_KINDS = frozenset({OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.STREET_COMMITTEE})


def may_manage(scope: Scope, rnd: ReviewRound | Org) -> bool:
    """Sets up, opens and closes a round: the county or the township at (or above) its
    organisation."""
    org = rnd.org if isinstance(rnd, ReviewRound) else rnd
    return scope.can_manage_tree(org)


def may_set_rubric(scope: Scope, county_id: int) -> bool:
    """The county's organisation department sets the county's rubric."""
    return scope.everything or any(
        g.role == Role.COUNTY and g.county_id == county_id for g in scope.grants
    )


def secretary_of(user: AnyUser, org: Org) -> bool:
    """Only the unit's own Party secretary (a secretary's role at the unit itself) reports."""
    return user.is_authenticated and (
        RoleAssignment.objects.filter(user_id=user.pk, org_id=org.pk, role=Role.SECRETARY).exists()
    )


def belongs_to(user_id: int, org: Org) -> bool:
    """Whether the user is of the unit: a role anywhere in its subtree, or a member held by it."""
    return (
        RoleAssignment.objects.filter(user_id=user_id, org__path__startswith=org.path).exists()
        or Member.objects.filter(user_id=user_id, branch__path__startswith=org.path).exists()
    )


def panel_candidates(rnd: ReviewRound) -> QuerySet[User]:
    """Who may sit on the panel: the users holding a role at the round's organisation."""
    return (
        User.objects.filter(roles__org_id=rnd.org_id, is_active=True)
        .exclude(pk__in=rnd.panel.values("user_id"))
        .distinct()
        .order_by("username")
    )


def unit_candidates(rnd: ReviewRound, limit: int = 300) -> QuerySet[Org]:
    """The organisations under the round's one that may report, not yet in it: the tree's
    next levels (townships, villages, branches), in tree order."""
    return (
        Org.objects.filter(
            county_id=rnd.county_id,
            path__startswith=rnd.org.path,
            depth__gt=rnd.org.depth,
            is_active=True,
        )
        .exclude(pk__in=rnd.units.values("org_id"))
        .order_by("path")[:limit]
    )


def rounds_visible_to(user: AnyUser) -> QuerySet[ReviewRound]:
    """Rounds held in the user's subtrees, those they sit on the panel of, those one of their
    units reports in; newest first."""
    if not user.is_authenticated:
        return ReviewRound.objects.none()
    scope = scope_for(user)
    q = scope.org_q("org__") | Q(panel__user_id=user.pk)
    units = RoleAssignment.objects.filter(user_id=user.pk, role=Role.SECRETARY).values("org_id")
    q |= Q(units__org_id__in=units)
    ids = ReviewRound.objects.filter(q).values("pk")
    return (
        ReviewRound.objects.filter(pk__in=ids).select_related("org").order_by("-year", "org__path")
    )


def round_for_user(user: AnyUser, pk: int) -> ReviewRound:
    rnd = rounds_visible_to(user).select_related("org", "rubric").filter(pk=pk).first()
    if rnd is None:
        raise Http404
    return rnd


def panelist_of(user: AnyUser, rnd: ReviewRound) -> PanelMember | None:
    if not user.is_authenticated:
        return None
    return PanelMember.objects.filter(round=rnd, user_id=user.pk).first()


def may_read_report(user: AnyUser, report: Report) -> bool:
    """The round's managers, its panel, the unit's secretary."""
    rnd = report.round
    return (
        may_manage(scope_for(user), rnd)
        or panelist_of(user, rnd) is not None
        or secretary_of(user, report.unit.org)
    )


def report_for_user(user: AnyUser, pk: int) -> Report:
    report = (
        Report.objects.select_related("round__org", "round__rubric", "unit__org")
        .filter(pk=pk)
        .first()
    )
    if report is None or not may_read_report(user, report):
        raise Http404
    return report


def unit_for_user(user: AnyUser, pk: int) -> ReviewUnit:
    """A unit of a round, for the round's managers and the unit's own secretary."""
    unit = ReviewUnit.objects.select_related("org", "round__org").filter(pk=pk).first()
    if unit is None or not (
        may_manage(scope_for(user), unit.round) or secretary_of(user, unit.org)
    ):
        raise Http404
    return unit


def units_to_report(user: AnyUser) -> QuerySet[ReviewUnit]:
    """The units of rounds still being set up whose secretary the user is: reports to write."""
    if not user.is_authenticated:
        return ReviewUnit.objects.none()
    orgs = RoleAssignment.objects.filter(user_id=user.pk, role=Role.SECRETARY).values("org_id")
    return (
        ReviewUnit.objects.filter(org_id__in=orgs, round__state=State.SETUP)
        .select_related("org", "round")
        .order_by("-round__year", "org__path")
    )


def reports_to_score(user: AnyUser) -> int:
    """How many reports of open meetings wait for this panel member's score."""
    if not user.is_authenticated:
        return 0
    return (
        Report.objects.filter(
            round__state=State.MEETING, round__panel__user_id=user.pk, score__isnull=True
        )
        .exclude(scores__panelist__user_id=user.pk)
        .count()
    )


def rubric_current(county_id: int) -> Rubric | None:
    return (
        Rubric.objects.filter(county_id=county_id, is_current=True)
        .prefetch_related("items")
        .first()
    )


@dataclass(frozen=True)
class UnitRow:
    """A unit of a round with its report's progress: scores given of those expected, and the
    result once every panel member has scored."""

    unit: ReviewUnit
    report: Report | None
    given: int


def unit_rows(rnd: ReviewRound) -> list[UnitRow]:
    """Every unit of the round, in tree order, with its report and how many scores it has (two
    queries: the units with their reports, the counts)."""
    units = list(
        ReviewUnit.objects.filter(round=rnd).select_related("org", "report").order_by("org__path")
    )
    counts = dict(
        Report.objects.filter(round=rnd).annotate(n=Count("scores")).values_list("pk", "n")
    )
    rows = []
    for u in units:
        report = getattr(u, "report", None)
        rows.append(UnitRow(u, report, counts.get(report.pk, 0) if report else 0))
    return rows


def scores_shown(report: Report, panelist: PanelMember | None) -> list[Score]:
    """The scores of a report this reader may see: every one once the report is scored by all
    who may score it (its `score` is then set); before that only the reader's own, if they are
    on the panel — hidden from the others, the unit and the managers alike."""
    scores = report.scores.select_related("panelist").order_by("panelist__name")
    if report.score is not None:
        return list(scores)
    if panelist is None:
        return []
    return list(scores.filter(panelist=panelist))


def panel_of(rnd: ReviewRound) -> QuerySet[PanelMember]:
    return PanelMember.objects.filter(round=rnd).order_by("name")


# --- the public's view ------------------------------------------------------------------


def county_org_public(ref: str) -> Org:
    """The county (its root organisation) by its public reference; 404 otherwise."""
    org = Org.objects.filter(public_ref=ref, parent__isnull=True).select_related("county").first()
    if org is None:
        raise Http404
    return org


def rounds_public(county_id: int) -> list[ReviewRound]:
    """A county's closed rounds, newest year first, each with its scored reports and their
    comments (three queries in all): what is posted. Rounds still open show nothing."""
    reports = (
        Report.objects.filter(score__isnull=False)
        .select_related("unit__org")
        .prefetch_related(
            Prefetch("scores", queryset=Score.objects.exclude(comment="").order_by("pk"))
        )
        .order_by("-score", "unit__org__path")
    )
    return list(
        ReviewRound.objects.filter(county_id=county_id, state=State.CLOSED)
        .select_related("org")
        .prefetch_related(Prefetch("reports", queryset=reports))
        .order_by("-year", "org__path")
    )


# --- the yearly figure ----------------------------------------------------------------


def duty_review_rows(span: Span) -> Iterable[Row]:
    """`duty_review`: each reviewed unit's score (0–100) in the closed rounds of the county's
    two years, as (unit path, year, score, None). One query."""
    rows = Report.objects.filter(
        county_id=span.county_id,
        round__state=State.CLOSED,
        round__year__in=(span.year, span.year - 1),
        score__isnull=False,
    ).values_list("unit__org__path", "round__year", "score")
    return [(path, year, score, None) for path, year, score in rows]
