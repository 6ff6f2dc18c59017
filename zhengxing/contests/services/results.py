"""The blend and the published results: public opinion, work performance judged on growth, the
judges' overall evaluation, with the organiser's weights; the awards and the follow-up.

通过“日常考核+擂台比武”的方式，每年评选“乡村振兴大比武”优胜单位2个、获胜单位3个……对“乡村振兴大比武”
排名后2位的乡镇农场，第一年对党政主要领导进行约谈，连续两年排名后2位的，党政主要领导予以组织调整
(article 001)
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require

from .. import selectors
from ..models import Contest, Result, Vote
from ..rules import (
    HUNDRED,
    TWO_PLACES,
    Phase,
    Standing,
    performance_scores,
    public_scores,
    ranked,
    trimmed_mean,
)
from .contests import may_organise
from .levels import advance_open, winners_advance


def _overall(contest: Contest) -> dict[int, Decimal]:
    """Each entry's judges' mean (highest and lowest dropped as the organiser set), on 100."""
    top = Decimal(contest.rubric_max or 1)
    totals: dict[int, list[Decimal]] = {}
    for entry_id, total in contest.entries.values_list("scores__entry_id", "scores__total"):
        if entry_id is not None:
            totals.setdefault(entry_id, []).append(total)
    out = {}
    for e in contest.entries.values_list("pk", flat=True):
        mean = trimmed_mean(totals.get(e, []), drop=contest.drop_extremes)
        out[e] = (mean * HUNDRED / top).quantize(TWO_PLACES) if mean is not None else Decimal(0)
    return out


def _talked_last_year(contest: Contest) -> set[int]:
    """The organisations listed for a talk in last year's contest of the same series."""
    return set(
        Result.objects.filter(
            contest__county_id=contest.county_id,
            contest__series=contest.series,
            contest__year=contest.year - 1,
            contest__published_at__isnull=False,
            talk=True,
        ).values_list("entry__org_id", flat=True)
    )


@transaction.atomic
def results_publish(*, actor: Actor, contest: Contest) -> list[Result]:
    """Blend, rank and publish, once voting has closed and either every judge has scored
    every entry they may or judging has ended, and no held vote waits for review. Public
    opinion is the counted votes against the most-voted; work performance the growth, this
    year against last, of the figures the organiser chose from what the system holds (points,
    stars, meetings, needs answered: `orgs.yearly`), weighed as they set (不比总量比增量); overall
    the judges' trimmed mean. Ties by
    `rules.TIE_RULE`. The top 2 优胜, the next 3 获胜; the last 2 listed for a talk, flagged for
    reassignment when last year's contest of the series listed them too.

    对排名后2位的乡镇农场，第一年对党政主要领导进行约谈，连续两年排名后2位的，党政主要领导予以组织调整
    (article 001)"""
    require(may_organise(actor, contest))
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    today = timezone.localdate(actor.now)
    if contest.published_at is not None:
        raise ServiceError("结果已经公布", code="conflict")
    if contest.phase(today) != Phase.JUDGING:
        raise ServiceError("投票结束后才能公布结果", code="conflict")
    given, expected = selectors.judging_progress(contest)
    if given < expected and today <= contest.judging_until:
        raise ServiceError(f"评委尚未全部打分（{given}/{expected}），评审结束前不能公布结果")
    held = Vote.objects.filter(contest=contest, status=Vote.Status.HELD).count()
    if held:
        raise ServiceError(f"还有{held}票异常投票待审核，审核后才能公布结果", code="conflict")
    entries = list(selectors.entries_of(contest))
    if not entries:
        raise ServiceError("本次比武没有参赛作品")
    votes = selectors.tally(contest)
    votes_all = {e.pk: votes.get(e.pk, 0) for e in entries}
    public = public_scores(votes_all)
    weights = {str(s["name"]): int(str(s["weight"])) for s in contest.sources}
    performance, growth = performance_scores(selectors.figures_years(contest, entries), weights)
    overall = _overall(contest)
    standings = ranked(
        [
            Standing(
                entry_id=e.pk,
                entrant_key=str(e.org_id),
                public=public[e.pk],
                performance=performance.get(e.pk, Decimal(0)),
                overall=overall[e.pk],
            )
            for e in entries
        ],
        public=contest.weight_public,
        performance=contest.weight_performance,
        overall=contest.weight_overall,
    )
    talked = _talked_last_year(contest)
    org_of = {e.pk: e.org_id for e in entries}
    rows = Result.objects.bulk_create(
        Result(
            county_id=contest.county_id,
            contest=contest,
            entry_id=s.entry_id,
            votes=votes_all[s.entry_id],
            public=s.public,
            performance=s.performance,
            overall=s.overall,
            total=s.total,
            rank=s.rank,
            award=s.award,
            talk=s.talk,
            reassign=s.talk and org_of[s.entry_id] in talked,
            growth={
                name: {"this": str(g.this), "last": str(g.last), "score": str(g.score)}
                for name, g in growth.get(s.entry_id, {}).items()
            },
        )
        for s in standings
    )
    contest.published_at = actor.now
    contest.save(update_fields=["published_at"])
    audit_record(
        actor=actor,
        action="contests.results.publish",
        object_type="contest",
        object_id=contest.pk,
        county_id=contest.county_id,
        summary=f"{contest.title}：公布结果（{len(rows)}个参赛作品）",
        after={"ranking": [s.entry_id for s in standings], "votes": sum(votes_all.values())},
    )
    if contest.next_level_id is not None and advance_open(contest, today):
        winners_advance(actor=actor, contest=contest)
    return rows
