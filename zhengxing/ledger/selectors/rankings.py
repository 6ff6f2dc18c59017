"""Rankings of members by counted points, and the members whose points stay low (rules.is_low),
under the organisation a page names or the user's own."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Rank
from django.http import Http404

from zhengxing.orgs.models import PATH_SEGMENT, Member, Org, subtree_q
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, Role
from zhengxing.orgs.selectors import org_for_user, orgs_visible_to, scope_for

from ..models import QuarterClose, ReminderTalk
from ..rules import low_patterns, low_points_bar
from ._common import GONE, QUARTERS, _branch_visible, _counted, _sum

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def default_org_for(*, user: AnyUser) -> Org | None:
    """The highest organisation the user's roles cover (a county's root for the organisation
    department, the township for its committee, the branch for its secretary)."""
    scope = scope_for(user)
    if scope.everything:
        return Org.objects.filter(parent__isnull=True).order_by("county_id", "pk").first()
    grants = sorted((g for g in scope.grants if g.role != Role.MEMBER), key=lambda g: len(g.path))
    return Org.objects.filter(pk=grants[0].org_id).first() if grants else None


def org_or_default(*, user: AnyUser, raw: str) -> Org:
    """The organisation a page's `?org=` names (scoped: a 404 outside the user's), else the
    user's own (`default_org_for`); a 404 for a user who holds no role over one."""
    org = org_for_user(user, int(raw)) if raw.isdigit() else default_org_for(user=user)
    if org is None:
        raise Http404
    return org


def _members_of(org: Org) -> QuerySet[Member]:
    """The members on the roll in an organisation's subtree (a county's root: by county)."""
    qs = Member.objects.exclude(status__in=GONE)
    if org.parent_id is None:
        return qs.filter(county_id=org.county_id)
    # the subtree's branches first (a range of the path index), then their members (the
    # branch index): the database does not walk every member of the county
    return qs.filter(branch_id__in=Org.objects.filter(subtree_q(org.path)).values("pk"))


def members_ranked_count(*, org: Org) -> int:
    """How many members `member_ranking` ranks (one per member on the roll): counted without
    the sums, for the pager."""
    return _members_of(org).count()


# What the rankings compare, said on the page and in the Excel: branches that have signed three
# quarters and branches that have signed four are compared like with like.
RANKING_BASIS = "按每个已签字季度的平均积分排名（各支部已签字的季度数不同，总分不可直接比较）"


def member_ranking(*, user: AnyUser, org: Org, year: int) -> QuerySet[Any]:
    """The members on the roll under `org` ranked by their counted points per quarter their
    branch has signed this year — 002: "将线上学习、线下参加组织生活、先锋模范作用发挥等项目进行
    积分量化,年底集中评比晾晒" — (RANKING_BASIS: a branch with four signed quarters and one with
    three compare like with like; a member whose branch signed none has 0), ties sharing a rank
    (RANK: 1, 1, 3), then by name. Rows are dicts: pk, name, branch_id, branch__name, total,
    signed (the branch's signed quarters), per_quarter, rank. One query per page (plus the
    count); members without entries rank with 0."""
    _branch_visible(user, org)
    signed = (
        QuarterClose.objects.filter(branch_id=OuterRef("branch_id"), year=year)
        .order_by()
        .values("branch_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        _members_of(org)
        .annotate(p=_counted(year))
        .values("pk", "name", "branch_id", "branch__name")
        .annotate(total=_sum("total"), signed=Coalesce(Subquery(signed), 0))
        .annotate(
            # a float: SQLite would divide the whole-number sums as integers (152 / 3 = 50)
            per_quarter=Case(
                When(signed=0, then=Value(0.0)),
                default=Cast("total", FloatField()) / F("signed"),
                output_field=FloatField(),
            )
        )
        .annotate(rank=Window(Rank(), order_by=F("per_quarter").desc()))
        .order_by("rank", "name", "pk")
    )


def low_points_threshold() -> Decimal:
    """settings.ZHENGXING_LOW_POINTS_THRESHOLD (the year's points below which a member is
    low; 60 unless the environment says otherwise)."""
    return Decimal(str(settings.ZHENGXING_LOW_POINTS_THRESHOLD))


def low_points_quarters() -> int:
    """settings.ZHENGXING_LOW_POINTS_QUARTERS: how many signed quarters in a row make low
    points long-running (2 unless the environment says otherwise)."""
    return int(settings.ZHENGXING_LOW_POINTS_QUARTERS)


def _low_q(threshold: Decimal, quarters: int) -> Q:
    """rules.is_low as a condition on the annotations s1..s4 (the member's branch signed the
    quarter) and c1..c4 (counted total by the end of the quarter), one OR-branch per case."""
    q = Q(pk__in=[])
    for pattern in low_patterns(quarters):
        case = Q()
        for n in pattern.signed:
            case &= Q(**{f"s{n}": True, f"c{n}__lt": low_points_bar(threshold, n)})
        for n in pattern.unsigned:
            case &= Q(**{f"s{n}": False})
        q |= case
    return q


def low_points(
    *,
    user: AnyUser,
    org: Org,
    year: int,
    threshold: Decimal,
    quarters: int,
) -> QuerySet[Any]:
    """The members on the roll under `org` whose points stay low (rules.is_low): below the
    pro-rated bar at the end of each of their branch's latest `quarters` signed quarters of
    the year. Rows are dicts: pk, name, branch_id, branch__name, c1..c4 (counted totals by the
    end of each quarter), total, talks (reminder talks this year) and last_talk. Lowest first;
    one query per page (plus the count)."""
    _branch_visible(user, org)
    closes = {
        f"s{q}": Exists(
            QuarterClose.objects.filter(branch_id=OuterRef("branch_id"), year=year, quarter=q)
        )
        for q in QUARTERS
    }
    talks = ReminderTalk.objects.filter(member_id=OuterRef("pk"), year=year).order_by()
    return (
        _members_of(org)
        .annotate(p=_counted(year))
        .annotate(**closes)
        .annotate(
            talks=Coalesce(
                Subquery(talks.values("member_id").annotate(n=Count("pk")).values("n")[:1]),
                Value(0),
            ),
            last_talk=Subquery(talks.order_by("-held_on").values("held_on")[:1]),
        )
        .values("pk", "name", "branch_id", "branch__name", "talks", "last_talk", *closes)
        .annotate(
            **{f"c{q}": _sum("total", Q(p__quarter__lte=q)) for q in QUARTERS},
            total=_sum("total"),
        )
        .filter(_low_q(threshold, quarters))
        .order_by("total", "name", "pk")
    )


RANKING_SCOPES = ("branch", "township", "county")


def ranking_org(*, user: AnyUser, scope: str, org_id: int | None) -> Org:
    """The organisation a ranking covers: `org_id` (or the user's own highest organisation)
    taken at the level `scope` names: the branch itself, the township above it (the tree's
    second level) or the county's root; an empty scope takes the organisation as it is.
    404 when the user does not see it, or for a branch ranking of an organisation that holds
    no members."""
    org = org_for_user(user, org_id) if org_id is not None else default_org_for(user=user)
    if org is None:
        raise Http404
    levels = {"county": 1, "township": 2}
    path = org.path[: levels[scope] * PATH_SEGMENT] if scope in levels else org.path
    if path != org.path:
        found = orgs_visible_to(user).filter(path=path).first()
        if found is None:
            raise Http404
        org = found
    if scope == "branch" and org.kind not in MEMBER_HOLDING_KINDS:
        raise Http404
    return org
