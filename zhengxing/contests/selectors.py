"""Reads of the contests, always scoped: the contests a user may see (the organiser's subtree,
and the contests their organisation entered or they judge), the public's view by random
reference, the tally (hidden until voting closes), the held votes for review, the judges'
scores (each judge's own, the others' only once all have scored), and work performance read
from what the system holds (`orgs.yearly`) as this year's change against last year's."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from weakref import WeakKeyDictionary

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from zhengxing.orgs import yearly
from zhengxing.orgs.models import PATH_SEGMENT
from zhengxing.orgs.rules import Role
from zhengxing.orgs.selectors import scope_for
from zhengxing.orgs.yearly import Span

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
        .select_related("contest", "contest__organiser", "org", "member", "came_from__contest")
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
        .select_related("org", "member", "came_from__contest")
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


def span_of(contest: Contest) -> Span:
    """The span the daily assessment reads: 1 January to the last day of voting (at most the
    year's end), and the same span last year."""
    until = min(contest.voting_until, dt.date(contest.year, 12, 31))
    return Span(county_id=contest.county_id, year=contest.year, until=until)


def figures_years(
    contest: Contest, entries: list[Entry]
) -> dict[str, dict[int, tuple[Decimal, Decimal]]]:
    """The daily assessment's figures the organiser chose (`Contest.sources`) for each entry:
    (this year, last year) of the organisation entered, its whole subtree. One query per
    figure, whatever the number of entries (`orgs.yearly`)."""
    span = span_of(contest)
    paths = [e.org.path for e in entries]
    out: dict[str, dict[int, tuple[Decimal, Decimal]]] = {}
    for source in contest.sources:
        name = str(source["name"])
        if yearly.figure(name) is None:  # its app is gone: nothing to read
            continue
        by_path = yearly.yearly(name, span, paths)
        out[name] = {e.pk: by_path[e.org.path] for e in entries}
    return out


@dataclass(frozen=True)
class FigureChoice:
    name: str
    label: str
    unit: str
    weight: int


def figures_chosen(contest: Contest) -> list[FigureChoice]:
    """The figures 工作表现 weighs in this contest, with their labels and weights."""
    out = []
    for source in contest.sources:
        found = yearly.figure(str(source["name"]))
        if found is not None:
            out.append(
                FigureChoice(
                    found.name, str(found.label), str(found.unit), int(str(source["weight"]))
                )
            )
    return out


@dataclass(frozen=True)
class GrowthLine:
    """One figure of one entrant's work performance, as the results page explains it."""

    label: str
    unit: str
    weight: int
    this: Decimal
    last: Decimal
    score: Decimal

    @property
    def change(self) -> Decimal:
        return self.this - self.last


def growth_explained(contest: Contest, results: list[Result]) -> list[Result]:
    """Each result with `growth_lines`: its figures (labels, weights) this year and last, the
    change and the score the change earned among the entrants."""
    chosen = figures_chosen(contest)
    for r in results:
        r.growth_lines = [  # type: ignore[attr-defined]
            GrowthLine(
                f.label,
                f.unit,
                f.weight,
                Decimal(r.growth[f.name]["this"]),
                Decimal(r.growth[f.name]["last"]),
                Decimal(r.growth[f.name]["score"]),
            )
            for f in chosen
            if f.name in r.growth
        ]
    return results


def went_up(contest: Contest) -> dict[int, Entry]:
    """The entries of the contest one level up that came from this contest's, by the entry
    they came from."""
    if contest.next_level_id is None:
        return {}
    found = Entry.objects.filter(contest_id=contest.next_level_id, came_from__contest=contest)
    return {e.came_from_id: e for e in found if e.came_from_id is not None}


def results_of(contest: Contest) -> QuerySet[Result]:
    return Result.objects.filter(contest=contest).select_related(
        "entry", "entry__org", "entry__member"
    )


def published_public(contest: Contest) -> QuerySet[Result] | None:
    """The results the public sees, once published."""
    return results_of(contest) if contest.published_at is not None else None


# What a vote reads of its contest: its county (on every row it writes), its dates, whether
# its results are out, its voting limits.
_FOR_VOTE = (
    "id",
    "county_id",
    "showcase_from",
    "voting_from",
    "voting_until",
    "judging_until",
    "published_at",
    "vote_period",
    "device_daily_limit",
)


def _converters() -> list[tuple[Any, list[Any]]]:
    """Each column of `_FOR_VOTE` with its converters on this thread's connection (what the ORM
    applies to what the driver returns: SQLite's datetimes made aware, …), found once each."""
    ops = connection.ops
    found = _CONVERTERS.get(ops)
    if found is None:
        table = Contest._meta.db_table
        fields = [f for f in Contest._meta.concrete_fields if f.attname in _FOR_VOTE]
        columns = [f.get_col(table) for f in fields]
        found = [
            (c, connection.ops.get_db_converters(c) + c.get_db_converters(connection))
            for c in columns
        ]
        _CONVERTERS[ops] = found
    return found


_CONVERTERS: WeakKeyDictionary[Any, list[tuple[Any, list[Any]]]] = WeakKeyDictionary()
# in the model's order, as `Model.from_db` takes them
_FOR_VOTE_ORDERED = [f.attname for f in Contest._meta.concrete_fields if f.attname in _FOR_VOTE]
_CONTEST_FOR_VOTE = (
    f"SELECT {', '.join(_FOR_VOTE_ORDERED)} FROM {Contest._meta.db_table} WHERE public_ref = %s"
)


def contest_for_vote(ref: str) -> Contest:
    """A contest by its public reference with only what a vote reads, in one short query (the
    public's vote is the app's hottest request: no join, no query to compile, no queryset: the
    row made into the model as the ORM would, `Model.from_db` with the columns' converters);
    any other field loads if touched."""
    with connection.cursor() as cursor:
        cursor.execute(_CONTEST_FOR_VOTE, [ref[:16]])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    values = []
    for value, (column, converters) in zip(row, _converters(), strict=True):
        for convert in converters:
            value = convert(value, column, connection)
        values.append(value)
    return Contest.from_db(connection.alias, _FOR_VOTE_ORDERED, values)
