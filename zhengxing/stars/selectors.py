"""Reads of star ratings, always scoped: outside the user's scope an object is a 404. A rating
explained, component by component, is in `explained.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404

from zhengxing.orgs.models import PATH_SEGMENT, Member, Org, subtree_q
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, ROLE_MANAGES_TREE, MemberStatus, Role
from zhengxing.orgs.selectors import scope_for

from .models import (
    Ballot,
    BallotTally,
    Consequence,
    CriteriaAward,
    EvaluationRound,
    ModelBranch,
    ModelSelection,
    PlanStatus,
    Rating,
    ReserveMember,
    RoundKind,
    StarPlan,
    StarScheme,
    Subject,
)
from .rules import (
    half_up,
)


def board(*, user: Any, org: Org, year: int, period: str) -> QuerySet[Rating]:
    """The ratings of the members under `org` (scoped), most stars first."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    return (
        Rating.objects.filter(
            subtree_q(org.path, "branch__"), year=year, period=period, member__isnull=False
        )
        .select_related("member", "branch")
        .order_by("-stars", "-score", "member__name", "pk")
    )


def distribution(ratings: QuerySet[Rating]) -> list[tuple[int, int]]:
    """(stars, how many) for every star count present, most stars first."""
    rows = ratings.order_by().values("stars").annotate(n=Count("pk")).order_by("-stars")
    return [(r["stars"], r["n"]) for r in rows]


def consequences_for(*, user: Any, org: Org) -> QuerySet[Consequence]:
    """The to-dos of the organisations under `org` (open first, by due date)."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    return (
        Consequence.objects.filter(subtree_q(org.path, "owner_org__"))
        .select_related("rating__member", "rating__org", "owner_org")
        .order_by("done_at", "due_on", "pk")
    )


@dataclass(frozen=True)
class ChildDistribution:
    """For each organisation directly under `org` (a county's townships, a township's
    villages…), how many of its members have each number of stars: the chart's data."""

    stars: list[int]  # the star counts present, fewest first
    children: list[tuple[Org, dict[int, int]]]  # each child and its {stars: members}


def distribution_by_child(*, user: Any, org: Org, year: int, period: str) -> ChildDistribution:
    """One GROUP BY over the ratings of `org`'s subtree, by the child whose subtree holds the
    member's branch (its path prefix) and by stars."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    width = len(org.path) + PATH_SEGMENT
    rows = (
        Rating.objects.filter(
            subtree_q(org.path, "branch__"), year=year, period=period, member__isnull=False
        )
        .annotate(child=Substr("branch__path", 1, width))
        .values("child", "stars")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, dict[int, int]] = {}
    for row in rows:
        counts.setdefault(row["child"], {})[row["stars"]] = row["n"]
    children = Org.objects.filter(path__in=list(counts)).order_by("path")
    stars = sorted({s for c in counts.values() for s in c})
    return ChildDistribution(stars=stars, children=[(c, counts[c.path]) for c in children])


def org_ratings(*, user: Any, org: Org, year: int, period: str) -> QuerySet[Rating]:
    """The ratings of the organisations under `org` (scoped), most stars first."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    return (
        Rating.objects.filter(
            subtree_q(org.path, "branch__"), year=year, period=period, org__isnull=False
        )
        .select_related("org", "scheme")
        .order_by("-stars", "-score", "org__path")
    )


def criteria_of(*, subject: Member | Org, year: int) -> dict[str, bool]:
    """The named stars assessed for a member or an organisation in a year: {code: met}."""
    who = {"member": subject} if isinstance(subject, Member) else {"org": subject}
    return dict(
        CriteriaAward.objects.filter(year=year, **who).values_list("code", "met")  # type: ignore[arg-type]
    )


def reserve_pool(*, user: Any, org: Org, year: int) -> QuerySet[ReserveMember]:
    """The reserve pool (后备力量) the townships at or under `org` keep for the year (scoped)."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    return (
        ReserveMember.objects.filter(subtree_q(org.path, "member__branch__"), year=year)
        .select_related("member", "member__branch", "township")
        .order_by("township__path", "-stars", "member__name", "pk")
    )


FIVE_STAR_TARGET = Decimal("0.8")  # 004: "通过三年努力,使80%的村党支部达到“五星级”标准"


@dataclass(frozen=True)
class TopShare:
    year: int
    top: int  # organisations awarded the scheme's top stars (finalised)
    rated: int  # organisations with a finalised rating
    share: Decimal | None


def top_star_share(*, user: Any, org: Org, years: Sequence[int]) -> list[TopShare]:
    """Year by year, the share of the organisations under `org` awarded their scheme's top stars
    (Sanmenxia: five-star branches, against the target of 80% in three years)."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    rows = list(
        Rating.objects.filter(
            subtree_q(org.path, "branch__"),
            org__isnull=False,
            period="Y",
            year__in=list(years),
            finalised_at__isnull=False,
        )
        .values("year", "stars", "scheme_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    tops = {
        pk: int(spec.get("max_stars", 10))
        for pk, spec in StarScheme.objects.filter(
            pk__in={r["scheme_id"] for r in rows}
        ).values_list("pk", "spec")
    }
    counts: dict[int, list[int]] = {y: [0, 0] for y in years}
    for r in rows:
        counts[r["year"]][1] += r["n"]
        counts[r["year"]][0] += r["n"] if r["stars"] == tops[r["scheme_id"]] else 0
    return [
        TopShare(
            y, top, rated, (Decimal(top) / rated).quantize(Decimal("0.001")) if rated else None
        )
        for y, (top, rated) in sorted(counts.items())
    ]


def model_selection(*, user: Any, org: Org, year: int) -> tuple[ModelSelection | None, list[Any]]:
    """The county's selection of model five-star branches (五星标兵) for the year, and those
    chosen (names, reasons), within what `user` sees."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    selection = ModelSelection.objects.filter(county_id=org.county_id, year=year).first()
    if selection is None:
        return None, []
    chosen = (
        ModelBranch.objects.filter(selection=selection)
        .filter(subtree_q(org.path, "org__"))
        .select_related("org")
        .order_by("org__path")
    )
    return selection, list(chosen)


def consequence_for_user(*, user: Any, pk: int) -> Consequence:
    """A follow-up task of an organisation the user sees; otherwise a 404."""
    task = Consequence.objects.select_related("owner_org", "rating").filter(pk=pk).first()
    if task is None or not scope_for(user).can_see_org(task.owner_org):
        raise Http404
    return task


# --- evaluation rounds: who sees one, whom it rates, what it may show --------------------------


def rounds_for(*, user: Any, org: Org, year: int) -> QuerySet[EvaluationRound]:
    """The rounds held at `org` or below it in the year, newest first (scoped)."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    return (
        EvaluationRound.objects.filter(subtree_q(org.path, "org__"), year=year)
        .select_related("org")
        .order_by("-opens_at", "-pk")
    )


def rounds_of_own_branch(*, user: Any, year: int) -> tuple[Member, QuerySet[EvaluationRound]]:
    """A member's rounds of the year: those held by their own branch or an organisation above
    it (the rounds `round_for_user` opens to them), newest first; a 404 for a login that is no
    member."""
    member_id = scope_for(user).member_id
    me = Member.objects.filter(pk=member_id).select_related("branch").first() if member_id else None
    if me is None:
        raise Http404
    path = me.branch.path
    above = [path[:end] for end in range(PATH_SEGMENT, len(path) + 1, PATH_SEGMENT)]
    return me, (
        EvaluationRound.objects.filter(org__path__in=above, year=year)
        .select_related("org")
        .order_by("-opens_at", "-pk")
    )


def round_for_user(user: Any, pk: int) -> EvaluationRound:
    """A round the user may open: one at or under an organisation they see, or one held by the
    branch (or the organisation above it) of their own member record. Otherwise a 404."""
    round_ = EvaluationRound.objects.select_related("org").filter(pk=pk).first()
    if round_ is None:
        raise Http404
    scope = scope_for(user)
    if scope.can_see_org(round_.org):
        return round_
    me = (
        Member.objects.filter(pk=scope.member_id).select_related("branch").first()
        if scope.member_id is not None
        else None
    )
    if me is not None and me.branch.path.startswith(round_.org.path):
        return round_
    raise Http404


def round_ratees(round_: EvaluationRound) -> list[Member | Org]:
    """Whom the round rates: the branch's members on the roll, or the member-holding
    organisations at or under the round's organisation."""
    if round_.subject == Subject.MEMBER:
        return list(
            Member.objects.filter(branch_id=round_.org_id)
            .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
            .order_by("name", "pk")
        )
    return list(
        Org.objects.filter(subtree_q(round_.org.path), kind__in=MEMBER_HOLDING_KINDS).order_by(
            "path"
        )
    )


def paper_raters(round_: EvaluationRound) -> list[Member]:
    """Whose paper forms the committee may type in the round: the members on the roll at or
    under the round's organisation, by name."""
    return list(
        Member.objects.filter(subtree_q(round_.org.path, "branch__"))
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .order_by("name", "pk")[:2000]
    )


def my_ballots(round_: EvaluationRound, user: Any) -> dict[int, dict[str, str]]:
    """The signed-in rater's own ballots in the round: ratee id → scores (their own only)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    column = "ratee_member_id" if round_.subject == Subject.MEMBER else "ratee_org_id"
    return {
        ratee: scores
        for ratee, scores in Ballot.objects.filter(round=round_, rater=f"u{user.pk}").values_list(
            column, "scores"
        )
    }


@dataclass(frozen=True)
class RoundResult:
    ratee_id: int
    average: Decimal | None  # None: too few ballots to show without showing one rater's score
    ballots: int


# the kinds whose ballots are secret, one rater among many: an average of fewer than
# ZHENGXING_MIN_BALLOTS of them would show a rater's own score. (A committee's or a township's
# score is a body's decision, and a self-evaluation the member's own.)
SECRET_KINDS = frozenset({RoundKind.PEER, RoundKind.PUBLIC, RoundKind.GENERAL})


def shows_average(kind: str, ballots: int) -> bool:
    return kind not in SECRET_KINDS or ballots >= settings.ZHENGXING_MIN_BALLOTS


def round_results(round_: EvaluationRound, now: Any) -> list[RoundResult] | None:
    """Each ratee's average and ballot count once the round has closed (None before): from
    the round's tallies, never a single ballot; a secret kind's average only from at least
    ZHENGXING_MIN_BALLOTS ballots ("票数不足" otherwise)."""
    if now < round_.closes_at:
        return None
    column = "ratee_member_id" if round_.subject == Subject.MEMBER else "ratee_org_id"
    return [
        RoundResult(
            ratee,
            half_up(Decimal(total) / 10 / n) if shows_average(round_.kind, n) else None,
            n,
        )
        for ratee, total, n in BallotTally.objects.filter(round=round_, n__gt=0)
        .order_by(column)
        .values_list(column, "sum10", "n")
    ]


def my_self_text(round_: EvaluationRound, user: Any) -> str:
    """The signed-in member's own self-assessment in a self round (to edit it)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    found = Ballot.objects.filter(round=round_, rater=f"u{user.pk}").values_list("text", flat=True)
    return next(iter(found), "")


@dataclass(frozen=True)
class BeforeCommittee:
    member: Member
    peer_average: Decimal | None  # None: no peer ballot, or too few to show (票数不足)
    peer_ballots: int
    points: Decimal
    self_text: str = ""  # the member's own account in the period's self-evaluation

    @property
    def too_few(self) -> bool:
        """Peer ballots cast, but fewer than an average may be shown from."""
        return self.peer_average is None and self.peer_ballots > 0


def committee_context(round_: EvaluationRound) -> list[BeforeCommittee]:
    """What the committee scores 商评 from (003: "村“两委”班子根据党员互评情况和党员履行义务及
    参加组织生活、支持村级公益事业等情况对党员进行商议量化打分"): each member's peer evaluation of
    the period (the closed peer rounds' average, from ZHENGXING_MIN_BALLOTS ballots like every
    secret kind, and their count), the points counted in its quarters, and her own account in
    the period's self-evaluation (自评, "既总结成绩也谈不足"). Four queries, whatever the
    branch's size."""
    from zhengxing.ledger.models import QuarterPoints

    from .compute_sql import PERIOD_QUARTERS

    members = [r for r in round_ratees(round_) if isinstance(r, Member)]
    ids = [m.pk for m in members]
    period = {"round__org": round_.org, "round__year": round_.year,
              "round__period": round_.period}  # fmt: skip
    peer: dict[int, list[int]] = {}
    for ratee, total, n in BallotTally.objects.filter(
        ratee_member_id__in=ids,
        round__kind=RoundKind.PEER,
        round__closes_at__lte=round_.opens_at,
        **period,
    ).values_list("ratee_member_id", "sum10", "n"):
        found = peer.setdefault(ratee, [0, 0])
        found[0] += total
        found[1] += n
    points = dict(
        QuarterPoints.objects.filter(
            member_id__in=ids,
            year=round_.year,
            quarter__in=PERIOD_QUARTERS.get(round_.period, (1, 2, 3, 4)),
        )
        .values("member_id")
        .annotate(total=Sum("total"))
        .values_list("member_id", "total")
    )
    texts = dict(
        Ballot.objects.filter(ratee_member_id__in=ids, kind=RoundKind.SELF, **period)
        .exclude(text="")
        .order_by("updated_at")
        .values_list("ratee_member_id", "text")
    )

    def average(member_id: int) -> Decimal | None:
        total, n = peer.get(member_id, (0, 0))
        return half_up(Decimal(total) / 10 / n) if n and shows_average(RoundKind.PEER, n) else None

    return [
        BeforeCommittee(
            member=m,
            peer_average=average(m.pk),
            peer_ballots=peer.get(m.pk, [0, 0])[1],
            points=points.get(m.pk) or Decimal(0),
            self_text=texts.get(m.pk, ""),
        )
        for m in members
    ]


def _schemes_seen_by(org: Org) -> QuerySet[StarScheme]:
    """The schemes in force where `org` (a county's root or a township) sets them: the county's,
    and those of `org` and the organisations under it."""
    return StarScheme.objects.filter(
        subtree_q(org.path, "owner__") | Q(owner__parent__isnull=True),
        county_id=org.county_id,
        is_current=True,
    ).select_related("owner")


def schemes_in_force(*, org: Org, year: int) -> QuerySet[StarScheme]:
    """The year's schemes `org` sees in force (`_schemes_seen_by`), by owner and subject."""
    return _schemes_seen_by(org).filter(year=year).order_by("owner__path", "subject")


def scheme_in_force(*, org: Org, pk: int) -> StarScheme:
    """One of the schemes `org` sees in force (any year); 404 otherwise."""
    found = _schemes_seen_by(org).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- what is waiting for the user (the home page) ------------------------------------------
# who casts a signed-in ballot in a round of each kind (as `ballots._rater_allowed`)
MEMBERS_RATE = (RoundKind.SELF, RoundKind.PEER, RoundKind.GENERAL)
BODIES_RATE = (RoundKind.COMMITTEE, RoundKind.ASSESSMENT)
BODY_ROLES = frozenset({Role.SECRETARY, Role.COMMITTEE, Role.TOWNSHIP, Role.COUNTY})


def ballots_to_cast(*, user: Any, now: dt.datetime) -> int:
    """Rounds open now in which the user may rate and has cast no ballot yet: their own branch's
    (or an organisation's above it) self, peer and general rounds, and the committee and
    assessment rounds at or under the organisations they rate for. One query (two for a
    member: their branch)."""
    scope = scope_for(user)
    q = Q(pk__in=[])
    if scope.member_id is not None:
        branch_path = (
            Member.objects.filter(pk=scope.member_id).values_list("branch__path", flat=True).first()
        )
        if branch_path:
            above = [
                branch_path[:end] for end in range(PATH_SEGMENT, len(branch_path) + 1, PATH_SEGMENT)
            ]
            q |= Q(org__path__in=above, kind__in=MEMBERS_RATE)
    for grant in scope.grants:
        if grant.role in BODY_ROLES:
            q |= Q(subtree_q(grant.path, "org__"), kind__in=BODIES_RATE)
    cast = Ballot.objects.filter(round=OuterRef("pk"), rater=f"u{user.pk}")
    return (
        EvaluationRound.objects.filter(q, opens_at__lte=now, closes_at__gt=now)
        .exclude(Exists(cast))
        .count()
    )


def tasks_open(*, user: Any) -> int:
    """Follow-up tasks not yet done whose owner is the user: the organisation and the role a
    task names are one of the user's grants."""
    q = Q(pk__in=[])
    for grant in scope_for(user).grants:
        q |= Q(owner_org_id=grant.org_id, owner_role=grant.role)
    return Consequence.objects.filter(q, done_at__isnull=True).count()


def plans_to_review(*, user: Any) -> int:
    """Star plans submitted to a township (or the county) the user approves for."""
    q = Q(pk__in=[])
    for grant in scope_for(user).grants:
        if grant.role in ROLE_MANAGES_TREE:
            q |= subtree_q(grant.path, "org__")
    return StarPlan.objects.filter(q, status=PlanStatus.SUBMITTED).count()
