"""A matter of the group: put forward, deliberated in three rounds, then decided by the village
Party organisation and then the township, each step posted for the villagers.

临河区: "通过 三轮议事、两级审定、全程公开 的运行程序，对组内重大事项进行民主协商议定"。
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import IntegrityError, transaction

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Decision, Matter, Round, RoundVote, VillageGroup
from ..rules import (
    LEVEL_WORDS,
    ROUNDS,
    VOTE_WORDS,
    Level,
    MatterKind,
    Stage,
    Step,
    Vote,
    after_decision,
    decision_refusal,
    quorum,
    round_refusal,
)
from ..selectors import hold_of, may_decide, may_keep, people_of
from ._common import person_name, post_step, record, today_of

TITLE_MAX, TEXT_MAX, MINUTES_MAX, REASON_MAX = 100, 2000, 5000, 1000


@transaction.atomic
def matter_propose(
    *,
    actor: Actor,
    group: VillageGroup,
    kind: str,
    title: str,
    description: str,
    proposer: str,
) -> Matter:
    """A major matter of the group put forward for deliberation, and posted at once."""
    require(may_keep(scope_for_actor(actor), actor.user, group))
    if kind not in MatterKind.values:
        raise ServiceError("请选择事项类别：土地问题、集体项目、矛盾纠纷或其他")
    title = clean_text(title, label="事项名称", limit=TITLE_MAX)
    description = clean_text(description, label="事项内容", limit=TEXT_MAX)
    proposer = person_name(proposer, "提出人")
    matter = Matter.objects.create(
        county_id=group.county_id,
        group=group,
        kind=kind,
        title=title,
        description=description,
        proposer=proposer,
        stage=Stage.DELIBERATING,
        created_at=actor.now,
    )
    post_step(actor, matter, Step.PROPOSED)
    record(actor, "matter.propose", matter, f"{group.name}：{title}", kind=kind, group_id=group.pk)
    return matter


def _locked(matter: Matter) -> Matter:
    return Matter.objects.select_for_update().select_related("group__branch").get(pk=matter.pk)


@transaction.atomic
def round_record(
    *,
    actor: Actor,
    matter: Matter,
    held_on: dt.date,
    minutes: str,
    votes: Mapping[int, str],
) -> Round:
    """One of the three rounds: its date, the minutes, and the vote of each participant (`votes`
    maps a group member's id to for, against or abstain; those not named were absent). Only the
    group's members whose term covers the day vote, more than half of them take part; a fourth
    round is refused (and two phones recording the third at once record it once)."""
    matter = _locked(matter)
    group = matter.group
    require(may_keep(scope_for_actor(actor), actor.user, group))
    done = matter.rounds.filter(cycle=matter.cycle).count()
    if (refusal := round_refusal(matter.stage, done)) is not None:
        raise ServiceError(refusal, code="conflict")
    if held_on > today_of(actor):
        raise ServiceError("议事日期不能晚于今天")
    last = matter.rounds.filter(cycle=matter.cycle).order_by("-number").first()
    if last is not None and held_on < last.held_on:
        raise ServiceError(f"第{done + 1}轮议事的日期不能早于第{done}轮（{last.held_on}）")
    minutes = clean_text(minutes, label="议事记录", limit=MINUTES_MAX)
    current = {p.pk: p for p in people_of(group, on=held_on)}
    everyone = {p.pk: p for p in group.people.all()}
    for pk, vote in votes.items():
        if pk not in current:
            who = everyone.get(pk)
            name = f"“{who.name}”" if who is not None else "该人员"
            raise ServiceError(f"{name}不是{group.name}五人小组{held_on}在任的成员，不能参加表决")
        if vote not in Vote.values:
            raise ServiceError("表决意见应为赞成、反对或弃权")
    needed = quorum(len(current))
    if len(votes) < needed:
        raise ServiceError(f"参加议事的成员应过半数：至少{needed}人，现为{len(votes)}人")
    try:
        with transaction.atomic():
            made = Round.objects.create(
                county_id=matter.county_id,
                matter=matter,
                cycle=matter.cycle,
                number=done + 1,
                held_on=held_on,
                minutes=minutes,
                recorded_at=actor.now,
                recorded_by=actor.user,
            )
    except IntegrityError:
        raise ServiceError("这一轮议事已经记录，请刷新后查看", code="conflict") from None
    RoundVote.objects.bulk_create(
        RoundVote(county_id=matter.county_id, round=made, person_id=pk, vote=vote)
        for pk, vote in sorted(votes.items())
    )
    if made.number == ROUNDS:
        matter.stage = Stage.VILLAGE
        matter.save(update_fields=["stage"])
    post_step(actor, matter, Step.ROUND, round=made)
    tally = "，".join(
        f"{VOTE_WORDS[v]}{n}" for v in Vote.values if (n := list(votes.values()).count(v))
    )
    record(
        actor,
        "matter.round",
        matter,
        f"{matter.title}第{made.number}轮议事：{tally}",
        cycle=made.cycle,
        number=made.number,
        held_on=held_on.isoformat(),
        votes={str(k): v for k, v in votes.items()},
    )
    return made


@transaction.atomic
def matter_decide(
    *, actor: Actor, matter: Matter, level: str, approve: bool, reason: str = ""
) -> Decision:
    """The village Party organisation's decision, then the township's: approved, or returned
    with its reasons back to deliberation (three rounds anew). Never before the three rounds,
    never the township before the village, each level once per deliberation (under the
    matter's row lock, and a unique constraint besides). An approval waits while the latest
    posted step is open to objection or an objection is unanswered ("全程公开":
    `rules.approval_hold`)."""
    matter = _locked(matter)
    if level not in Level.values:
        raise ServiceError("请选择审定层级：村党组织或乡镇党委")
    require(may_decide(scope_for_actor(actor), level, matter.group))
    done = matter.rounds.filter(cycle=matter.cycle).count()
    if (refusal := decision_refusal(matter.stage, level, done)) is not None:
        raise ServiceError(refusal, code="conflict")
    reason = clean_text(reason, label="理由", limit=REASON_MAX, required=False)
    if not approve and not reason:
        raise ServiceError("退回请说明理由")
    if approve and (held := hold_of(matter, today=today_of(actor))) is not None:
        raise ServiceError(held, code="conflict")
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                county_id=matter.county_id,
                matter=matter,
                cycle=matter.cycle,
                level=level,
                approved=approve,
                reason=reason,
                decided_at=actor.now,
                decided_by=actor.user,
            )
    except IntegrityError:
        raise ServiceError(
            f"{LEVEL_WORDS[level]}已审定本次议事，不能重复审定", code="conflict"
        ) from None
    before = {"stage": matter.stage, "cycle": matter.cycle}
    matter.stage = after_decision(level, approve)
    if not approve:
        matter.cycle += 1
    matter.save(update_fields=["stage", "cycle"])
    post_step(actor, matter, Step.DECISION, decision=decision)
    words = "审定通过" if approve else f"退回重新议事：{reason}"
    record(
        actor,
        "matter.decide",
        matter,
        f"{LEVEL_WORDS[level]}{words}（{matter.title}）",
        before=before,
        level=level,
        approved=approve,
        reason=reason,
        stage=matter.stage,
        cycle=matter.cycle,
    )
    return decision
