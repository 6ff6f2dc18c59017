"""Reads of the contests, always scoped: the contests a user may see (the organiser's subtree,
and the contests their organisation entered or they judge), the public's view by random
reference, the tally (hidden until voting closes), the held votes for review, the judges'
scores (each judge's own, the others' only once all have scored), and work performance read
from the points ledger as this year's change against last year's."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from zhengxing.ledger.models import QuarterPoints
from zhengxing.orgs.models import PATH_SEGMENT
from zhengxing.orgs.rules import Role
from zhengxing.orgs.selectors import scope_for

from .models import Contest, Entry, Judge, Result, Score, Vote
from .rules import Flag, Phase

AnyUser = User | AnonymousUser


def contests_visible_to(user: AnyUser) -> QuerySet[Contest]:
    """Contests organised in the user's subtrees or above their organisations (which they may
    enter), those their organisations entered, those they judge; newest first."""
    scope = scope_for(user)
    q = scope.org_q("organiser__")
    above = {
        g.path[:end]
        for g in scope.grants
        if g.role != Role.MEMBER
        for end in range(PATH_SEGMENT, len(g.path), PATH_SEGMENT)
    }
    if above:
        q |= Q(organiser__path__in=above)
    if user.is_authenticated:
        q |= Q(pk__in=Judge.objects.filter(user=user).values("contest_id"))
        q |= Q(pk__in=Entry.objects.filter(scope.org_q("org__")).values("contest_id"))
    return Contest.objects.filter(q).select_related("organiser").order_by("-year", "-voting_from")


def contest_for_user(user: AnyUser, pk: int) -> Contest:
    found = contests_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def entry_for_user(user: AnyUser, pk: int) -> Entry:
    found = (
        Entry.objects.filter(pk=pk, contest__in=contests_visible_to(user))
        .select_related("contest", "contest__organiser", "org", "member")
        .first()
    )
    if found is None:
        raise Http404
    return found


def contest_public(ref: str) -> Contest:
    """A contest by its public reference, from the day its showcase opens."""
    found = Contest.objects.filter(public_ref=ref[:16]).select_related("organiser").first()
    if found is None:
        raise Http404
    return found


def entries_of(contest: Contest) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(contest=contest)
        .select_related("org", "member")
        .prefetch_related("photos")
        .order_by("pk")
    )


def tally(contest: Contest) -> dict[int, int]:
    """Counted votes per entry: one grouped query on the tally index (`contest_vote_tally`)."""
    rows = (
        Vote.objects.filter(contest=contest, status=Vote.Status.COUNTED)
        .values_list("entry_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    return dict(rows)


def votes_visible(contest: Contest, today: dt.date) -> dict[int, int] | None:
    """The tally, or None while voting is open (or not yet begun): counts hidden until then."""
    if contest.phase(today) in (Phase.DRAFT, Phase.SHOWCASE, Phase.VOTING):
        return None
    return tally(contest)


@dataclass(frozen=True)
class HeldGroup:
    flag: str
    key: str
    votes: int

    @property
    def label(self) -> str:
        return str(Flag(self.flag).label)


def held_groups(contest: Contest) -> list[HeldGroup]:
    """The held votes by reason and by the address, network or batch behind it."""
    held = Vote.objects.filter(contest=contest, status=Vote.Status.HELD)
    out: list[HeldGroup] = []
    for flag, field in (
        (Flag.ADDRESS, "ip"),
        (Flag.NETWORK, "network"),
        (Flag.BATCH, "batch_id_copy"),
    ):
        rows = held.filter(flag=flag).values_list(field).annotate(n=Count("*")).order_by("-n")
        out += [HeldGroup(str(flag), str(k), n) for k, n in rows]
    intervals = held.filter(flag=Flag.INTERVAL).count()
    if intervals:
        out.append(HeldGroup(str(Flag.INTERVAL), "", intervals))
    return out


def vote_summary(contest: Contest) -> dict[str, int]:
    """How many votes in all, and by status: the organiser's view while counts stay hidden."""
    rows = dict(
        Vote.objects.filter(contest=contest).values_list("status").annotate(n=Count("*")).order_by()
    )
    return {s: rows.get(s, 0) for s in Vote.Status.values}


def judge_of(user: AnyUser, contest: Contest) -> Judge | None:
    if not user.is_authenticated:
        return None
    return Judge.objects.filter(contest=contest, user=user).first()


def scores_shown(contest: Contest, judge: Judge | None) -> dict[int, list[Score]]:
    """The scores a judge (or the organiser, `judge` None) may see, per entry: their own, and
    everyone's of an entry every judge has scored — hidden from the others until then."""
    judges = contest.judges.count()
    by_entry: dict[int, list[Score]] = defaultdict(list)
    for s in Score.objects.filter(entry__contest=contest).select_related("judge__user"):
        by_entry[s.entry_id].append(s)
    return {
        e: (
            scores
            if len(scores) >= judges
            else [s for s in scores if judge and s.judge_id == judge.pk]
        )
        for e, scores in by_entry.items()
    }


def judging_progress(contest: Contest) -> tuple[int, int]:
    """(scores given, scores expected): every judge, every entry."""
    given = Score.objects.filter(entry__contest=contest).count()
    return given, contest.judges.count() * contest.entries.count()


def points_years(contest: Contest, entries: list[Entry]) -> dict[int, tuple[Decimal, Decimal]]:
    """Work performance's figures for each entry: the counted points per member of the
    organisation entered (its whole subtree), in the contest's year and the year before,
    from the signed quarters (`ledger.QuarterPoints`). One grouped query for the county."""
    rows = (
        QuarterPoints.objects.filter(
            county_id=contest.county_id, year__in=(contest.year - 1, contest.year)
        )
        .values_list("branch__path", "year")
        .annotate(total=Sum("total"), members=Count("member_id", distinct=True))
        .order_by()
    )
    sums: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for path, year, total, members in rows:
        for e in entries:
            if path.startswith(e.org.path):
                sums[(e.pk, year)][0] += total or 0
                sums[(e.pk, year)][1] += members

    def per_member(e: Entry, year: int) -> Decimal:
        total, members = sums[(e.pk, year)]
        return (total / members).quantize(Decimal("0.01")) if members else Decimal(0)

    return {e.pk: (per_member(e, contest.year), per_member(e, contest.year - 1)) for e in entries}


def results_of(contest: Contest) -> QuerySet[Result]:
    return Result.objects.filter(contest=contest).select_related(
        "entry", "entry__org", "entry__member"
    )


def published_public(contest: Contest) -> QuerySet[Result] | None:
    """The results the public sees, once published."""
    return results_of(contest) if contest.published_at is not None else None


# What a vote reads of its contest: its dates, whether its results are out, its voting limits.
_FOR_VOTE = (
    "id",
    "showcase_from",
    "voting_from",
    "voting_until",
    "judging_until",
    "published_at",
    "vote_period",
    "device_daily_limit",
)


def contest_for_vote(ref: str) -> Contest:
    """A contest by its public reference with only what a vote reads, in one short query (the
    public's vote is the app's hottest request: no join, no query to compile); any other
    field loads if touched."""
    query = f"SELECT {', '.join(_FOR_VOTE)} FROM {Contest._meta.db_table} WHERE public_ref = %s"
    found = next(iter(Contest.objects.raw(query, [ref[:16]])), None)
    if found is None:
        raise Http404
    return found
