"""Democratic appraisal of members (民主评议党员), written: at the year's organisation-life
meeting the branch opens a round, every member grades every other — 优秀、合格、基本合格、不合格 —
and the branch posts the result: each member's grade from the ballots (`appraisal_rules`), 优秀
within the share the county allows, and a 不合格 carrying the follow-up the county defines.
Gaotai's 341 method ends the year so: "总评…年底民主评议党员大会" (003); the commitments'
evaluation feeds it ("将评价结果运用于民主评议党员当中")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import County, Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus
from zhengxing.orgs.selectors import scope_for_actor
from zhengxing.orgs.services import county_root

from ..appraisal_rules import (
    GRADE_LABELS,
    GRADES,
    UNQUALIFIED,
    ballot_problem,
    excellent_allowed,
    outcome,
    steps_problems,
)
from ..models import AppraisalBallot, AppraisalPolicy, AppraisalResult, AppraisalRound
from .follow_up import follow_ups_open

GONE = (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED)


def appraised_members(branch: Org) -> dict[int, str]:
    """The members a branch's round appraises (id -> name): those on its roll."""
    rows = Member.objects.filter(branch=branch).exclude(status__in=GONE).values_list("pk", "name")
    return dict(rows.order_by("name", "pk"))


@transaction.atomic
def appraisal_policy_set(
    *,
    actor: Actor,
    county: County,
    excellent_cap: int,
    follow_up: str,
    steps: Sequence[tuple[str, int]] | None = None,
) -> AppraisalPolicy:
    """The county's organisation department sets the cap on 优秀's share (0-100 %), what a
    不合格 means for the member (`follow_up`, a sentence) and its steps in order, each with the
    days the branch has to record it (限期改正, then 劝其退党, then 除名 by default: 党章第九条);
    `steps` left out keeps the county's. Rounds opened afterwards take them."""
    require(scope_for_actor(actor).can_manage_tree(county_root(county)))
    if not isinstance(excellent_cap, int) or not 0 <= excellent_cap <= 100:
        raise ServiceError("优秀比例上限须在0到100之间")
    follow_up = clean_text(follow_up, label="不合格的后续处理", limit=300)
    if steps is not None:
        problems = steps_problems(steps)
        if problems:
            raise ServiceError("；".join(problems))
    existing = AppraisalPolicy.objects.select_for_update().filter(county=county).first()
    before = (
        {"excellent_cap": existing.excellent_cap, "follow_up": existing.follow_up,
         "steps": existing.steps}
        if existing else None
    )  # fmt: skip
    defaults: dict[str, object] = {
        "excellent_cap": excellent_cap, "follow_up": follow_up, "updated_at": actor.now
    }  # fmt: skip
    if steps is not None:
        defaults["steps"] = [[name.strip(), days] for name, days in steps]
    policy, _created = AppraisalPolicy.objects.update_or_create(county=county, defaults=defaults)
    named = "、".join(f"{name}（{days}天）" for name, days in policy.steps)
    audit_record(
        actor=actor,
        action="orglife.appraisal.policy",
        object_type="county",
        object_id=county.pk,
        county_id=county.pk,
        summary=f"民主评议：优秀比例不超过{excellent_cap}%；不合格：{follow_up}；步骤：{named}",
        before=before,
        after={"excellent_cap": excellent_cap, "follow_up": follow_up, "steps": policy.steps},
    )
    return policy


@transaction.atomic
def appraisal_open(*, actor: Actor, branch: Org, year: int) -> AppraisalRound:
    """The branch opens the year's appraisal, under the county's policy as it stands now."""
    require(scope_for_actor(actor).can_manage_org(branch))
    if branch.kind not in MEMBER_HOLDING_KINDS:
        raise ServiceError(f"“{branch.name}”不是党支部")
    policy = AppraisalPolicy.objects.filter(county_id=branch.county_id).first()
    defaults = AppraisalPolicy(county_id=branch.county_id)
    try:
        with transaction.atomic():
            found = AppraisalRound.objects.create(
                county_id=branch.county_id,
                branch=branch,
                year=year,
                excellent_cap=(policy or defaults).excellent_cap,
                follow_up=(policy or defaults).follow_up,
                steps=(policy or defaults).steps,
                opened_at=actor.now,
                opened_by=actor.user,
            )
    except IntegrityError:
        raise ServiceError(f"{year}年的民主评议已经开始", code="duplicate") from None
    audit_record(
        actor=actor,
        action="orglife.appraisal.open",
        object_type="appraisal",
        object_id=found.pk,
        county_id=found.county_id,
        summary=f"{branch.name}开始{year}年民主评议党员（优秀不超过{found.excellent_cap}%）",
    )
    return found


@transaction.atomic
def appraisal_vote(
    *, actor: Actor, appraisal: AppraisalRound, voter: Member, grades: Mapping[int, str]
) -> int:
    """A member's ballot: a grade for every other member of the branch (all of them, so no one
    is left out by a hurried tap), 优秀 no more than the round's cap allows (`ballot_problem`:
    refused whole, nothing written). Cast again before the result is posted, it replaces the
    first. Returns how many grades were cast. Only the member casts their own, but for a
    command run on the server (the demo; the paper ballots counted at the meeting, typed in).
    """
    require(voter.pk == scope_for_actor(actor).member_id or actor.is_system)
    locked = AppraisalRound.objects.select_for_update().get(pk=appraisal.pk)
    if locked.posted_at is not None:
        raise ServiceError("民主评议结果已公布，不能再投票", code="round_closed")
    members = appraised_members(locked.branch)
    if voter.pk not in members:
        raise ServiceError("只有本支部党员可以参加民主评议")
    others = set(members) - {voter.pk}
    if set(grades) != others:
        missing = [members[pk] for pk in sorted(others - set(grades))]
        raise ServiceError(
            f"请为每位党员评定等次（还缺：{'、'.join(missing)}）"
            if missing
            else "只能评议本支部的其他党员"
        )
    if any(g not in GRADES for g in grades.values()):
        raise ServiceError("等次只能是优秀、合格、基本合格或不合格")
    over = ballot_problem(grades, members=len(members), cap_percent=locked.excellent_cap)
    if over:
        raise ServiceError(over)
    AppraisalBallot.objects.filter(round=locked, voter=voter).delete()
    AppraisalBallot.objects.bulk_create(
        AppraisalBallot(
            round=locked, voter=voter, ratee_id=pk, county_id=locked.county_id, grade=g,
            cast_at=actor.now,
        )
        for pk, g in grades.items()
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="orglife.appraisal.vote",
        object_type="appraisal",
        object_id=locked.pk,
        county_id=locked.county_id,
        summary=f"{voter.name}参加{locked.year}年民主评议",  # the grades stay secret
    )
    return len(grades)


@transaction.atomic
def appraisal_post(*, actor: Actor, appraisal: AppraisalRound) -> list[AppraisalResult]:
    """Close the round and post each member's grade: from the ballots, 优秀 within the round's
    cap, and a 不合格 carrying the county's follow-up. Once."""
    require(scope_for_actor(actor).can_manage_org(appraisal.branch))
    locked = (
        AppraisalRound.objects.select_for_update().select_related("branch").get(pk=appraisal.pk)
    )
    if locked.posted_at is not None:
        raise ServiceError("民主评议结果已公布", code="conflict")
    if not locked.ballots.exists():
        raise ServiceError("还没有人投票，不能公布结果")
    members = appraised_members(locked.branch)
    tallies: dict[int, Counter[str]] = {}
    for ratee, grade in locked.ballots.values_list("ratee_id", "grade"):
        tallies.setdefault(ratee, Counter())[grade] += 1
    grades = outcome(tallies, members=members, cap_percent=locked.excellent_cap)
    results = AppraisalResult.objects.bulk_create(
        AppraisalResult(
            round=locked,
            member_id=pk,
            county_id=locked.county_id,
            grade=grade,
            ballots=sum(tallies.get(pk, Counter()).values()),
            excellent_votes=tallies.get(pk, Counter())["excellent"],
            follow_up=locked.follow_up if grade == UNQUALIFIED else "",
        )
        for pk, grade in grades.items()
    )
    locked.posted_at = actor.now
    locked.save(update_fields=["posted_at"])
    follow_ups_open(
        appraisal=locked, results=[r for r in results if r.grade == UNQUALIFIED], now=actor.now
    )
    counts = Counter(grades.values())
    audit_record(
        actor=actor,
        action="orglife.appraisal.post",
        object_type="appraisal",
        object_id=locked.pk,
        county_id=locked.county_id,
        summary=f"{locked.branch.name}{locked.year}年民主评议结果："
        + "、".join(f"{GRADE_LABELS[g]}{counts[g]}人" for g in GRADES)
        + f"（优秀上限{excellent_allowed(len(members), locked.excellent_cap)}人）",
        after={"grades": {str(pk): g for pk, g in grades.items()}},
    )
    return results
