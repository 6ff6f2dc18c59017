"""Ballots of evaluation rounds (writes; the rounds themselves are `rounds.py`'s): each function
checks the actor's scope, refuses bad input with a Chinese `ServiceError` before writing
anything, and writes the change and its audit row in one transaction. Ballots are secret: the
audit log records that a ballot was cast in a round, never whom it rated or with what scores.

One ballot per rater, ratee and round is a database constraint; a second submission before the
round closes replaces the first (the same row). Public ballots use single-use codes: only their
hashes are kept, and a code's ballot is a one-to-one link, so a code cannot vote twice even when
two phones race.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus, Role
from zhengxing.orgs.selectors import scope_for_actor

from .models import Ballot, EvaluationRound, PublicCode, RoundKind, Subject
from .rounds import ONE_DECIMAL, may_run_round, round_indicators
from .tallies import tally_add, tenths

# A public code: 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), typed from
# a paper slip by a committee member as easily as scanned.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MAX_CODES = 5000


SELF_TEXT_MIN = 10


def _self_text(round_: EvaluationRound, text: str) -> str:
    """A self-evaluation is a written account, not just a number (003: "就个人履职尽责情况进行
    自评,既总结成绩也谈不足"); other kinds carry none."""
    text = (text or "").strip()
    if round_.kind != RoundKind.SELF:
        return ""
    if not SELF_TEXT_MIN <= len(text) <= 2000:
        raise ServiceError(
            f"自评请对照承诺写明履职尽责情况，既总结成绩也谈不足（{SELF_TEXT_MIN}至2000字）"
        )
    return text


def _round_open(round_: EvaluationRound, now: dt.datetime) -> None:
    if now < round_.opens_at:
        raise ServiceError(f"“{round_.name}”尚未开始")
    if now >= round_.closes_at:
        raise ServiceError(f"“{round_.name}”已结束，不能再投票或修改", code="round_closed")


def score_problem(name: str, top: Decimal, raw: Any) -> str | None:
    """Why a score typed for an indicator (its name, its full marks) is refused, or None: it is
    a number from 0 to the full marks, with at most one decimal. The ballot pages check each
    row with it before the ballots are submitted, to show the refusal beside the row."""
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return f"“{name}”的分数不是数字"
    if not value.is_finite() or not (0 <= value <= top) or value != value.quantize(ONE_DECIMAL):
        return f"“{name}”的分数应在0至{top.normalize():f}分之间，最多一位小数"
    return None


def scores_clean(
    round_: EvaluationRound, scores: Mapping[str, Any]
) -> tuple[dict[str, str], Decimal]:
    """Each indicator scored 0..max with at most one decimal; the total out of 100."""
    clean: dict[str, str] = {}
    total = Decimal(0)
    for indicator in round_indicators(round_):
        raw = scores.get(indicator.code)
        if raw is None or str(raw).strip() == "":
            raise ServiceError(f"请为“{indicator.name}”打分")
        problem = score_problem(indicator.name, indicator.max, raw)
        if problem:
            raise ServiceError(problem)
        value = Decimal(str(raw).strip())
        clean[indicator.code] = f"{value.quantize(ONE_DECIMAL)}"
        total += value
    unknown = set(scores) - set(clean)
    if unknown:
        raise ServiceError(f"没有评议指标“{sorted(unknown)[0]}”")
    return clean, total.quantize(ONE_DECIMAL)


def _ratee_in_round(round_: EvaluationRound, ratee: Member | Org) -> None:
    if round_.subject == Subject.MEMBER:
        if not isinstance(ratee, Member) or ratee.branch_id != round_.org_id:
            raise ServiceError("被评议人不在本次评议范围内")
        if ratee.status in (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED):
            raise ServiceError(f"“{ratee.name}”已不在本支部党员名册中")
        return
    if not isinstance(ratee, Org):
        raise ServiceError("本次评议的对象是党组织")
    inside = ratee.pk == round_.org_id or ratee.path.startswith(round_.org.path)
    if not inside or ratee.kind not in MEMBER_HOLDING_KINDS:
        raise ServiceError("被评议的党组织不在本次评议范围内")


def _rater_allowed(actor: Actor, round_: EvaluationRound, ratee: Member | Org) -> Member | None:
    """Who may cast a ballot in the round, by its kind; returns the rater's own member record
    (None for committee and township raters without one)."""
    scope = scope_for_actor(actor)
    me = Member.objects.filter(pk=scope.member_id).first() if scope.member_id else None
    kind = round_.kind
    if kind == RoundKind.SELF:
        if me is None or not isinstance(ratee, Member) or me.pk != ratee.pk:
            raise ServiceError("自评只能为自己打分")
        return me
    if kind in (RoundKind.PEER, RoundKind.GENERAL):
        in_branch = me is not None and (
            me.branch_id == round_.org_id or me.branch.path.startswith(round_.org.path)
        )
        if not in_branch or me is None:
            raise ServiceError("只有本次评议范围内的党员可以参加互评")
        if isinstance(ratee, Org) and not me.branch.path.startswith(ratee.path):
            raise ServiceError("党员评议本人所在的党组织")
        if isinstance(ratee, Member) and ratee.pk == me.pk:
            raise ServiceError("互评不能给自己打分，自评请参加自评")
        return me
    if kind in (RoundKind.COMMITTEE, RoundKind.ASSESSMENT):
        roles = {Role.SECRETARY, Role.COMMITTEE, Role.TOWNSHIP, Role.COUNTY}
        allowed = scope.everything or any(
            g.role in roles and round_.org.path.startswith(g.path) for g in scope.grants
        )
        if not allowed:
            raise ServiceError("只有支部委员会或上级党委可以参加本次评议")
        return me if isinstance(ratee, Member) and me and me.pk != ratee.pk else None
    raise ServiceError("群众评议请使用评议码")


def _ballot_write(
    *,
    actor: Actor,
    round_: EvaluationRound,
    rater: str,
    rater_member: Member | None,
    ratee: Member | Org,
    scores: dict[str, str],
    total: Decimal,
    code: PublicCode | None = None,
    paper: bool = False,
    text: str = "",
) -> Ballot:
    ratee_field = "ratee_member" if isinstance(ratee, Member) else "ratee_org"
    mine = Ballot.objects.filter(round=round_, rater=rater, **{ratee_field: ratee})

    def replace(ballot: Ballot) -> Ballot:
        moved = tenths(total) - tenths(ballot.total)
        ballot.scores, ballot.total, ballot.updated_at = scores, total, actor.now
        ballot.text = text
        ballot.save(update_fields=["scores", "total", "text", "updated_at"])
        tally_add(round_=round_, ratee=ratee, sum10=moved, n=0)
        return ballot

    existing = mine.select_for_update().first()
    if existing is not None:
        ballot, action = replace(existing), "stars.ballot.update"
    else:
        action = "stars.ballot.cast"
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    county_id=round_.county_id,
                    round=round_,
                    kind=round_.kind,
                    rater=rater,
                    rater_user=actor.user if code is None else None,
                    rater_member=rater_member,
                    code=code,
                    scores=scores,
                    total=total,
                    paper=paper,
                    text=text,
                    submitted_at=actor.now,
                    updated_at=actor.now,
                    **{ratee_field: ratee},
                )
                tally_add(round_=round_, ratee=ratee, sum10=tenths(total), n=1)
        except IntegrityError:
            # the same rater's other tap won the race: this one replaces it
            ballot = replace(mine.select_for_update().get())
    audit_record(
        actor=actor,
        action=action,
        object_type="evaluation_round",
        object_id=round_.pk,
        county_id=round_.county_id,
        summary=f"{round_.name}：{'纸质选票录入' if paper else '投票'}",  # never whom, never scores
        after={"round_id": round_.pk},
    )
    return ballot


@transaction.atomic
def ballot_submit(
    *,
    actor: Actor,
    round_: EvaluationRound,
    ratee: Member | Org,
    scores: Mapping[str, Any],
    text: str = "",
) -> Ballot:
    """A signed-in rater's ballot (self, peer, committee, general, assessment): one per rater,
    ratee and round; a second before the round closes replaces the first. A self-evaluation
    carries its written account (`text`)."""
    round_ = EvaluationRound.objects.select_for_update().get(pk=round_.pk)
    _round_open(round_, actor.now)
    if round_.kind == RoundKind.PUBLIC:
        raise ServiceError("群众评议请使用评议码")
    _ratee_in_round(round_, ratee)
    rater_member = _rater_allowed(actor, round_, ratee)
    if actor.user is None:
        raise ServiceError("请先登录")
    clean, total = scores_clean(round_, scores)
    return _ballot_write(
        actor=actor,
        round_=round_,
        rater=f"u{actor.user.pk}",
        rater_member=rater_member,
        ratee=ratee,
        scores=clean,
        total=total,
        text=_self_text(round_, text),
    )


def member_rater(member: Member) -> str:
    """A member's rater key: her account's when she has one (so a ballot typed from her paper
    form and one she casts herself are the same ballot, one row by the database's constraint),
    else her member record's."""
    return f"u{member.user_id}" if member.user_id else f"m{member.pk}"


PAPER_KINDS = (RoundKind.SELF, RoundKind.PEER, RoundKind.GENERAL)


@transaction.atomic
def paper_ballots_submit(
    *,
    actor: Actor,
    round_: EvaluationRound,
    rater: Member,
    ratings: Sequence[tuple[Member | Org, Mapping[str, Any]]],
    text: str = "",
    amend: bool = False,
) -> list[Ballot]:
    """A member's ballots from the paper form she filled at the evaluation meeting, typed by
    the branch committee (members without a phone, or the elderly): the same rules as her own
    ballots (a peer round never rates herself, a self round only herself), every score checked
    before anything is written, all or none. A form is typed once: a second one for the same
    member is refused as a duplicate unless the committee amends the one it typed (`amend`: a
    typo, a page it missed), each ballot then replacing hers for that ratee; a member who
    scored online herself has no paper form to type. The round's row is locked, so two
    committee members typing the same form cannot both enter it."""
    require(may_run_round(actor, round_.org, round_.kind))
    round_ = EvaluationRound.objects.select_for_update().get(pk=round_.pk)
    _round_open(round_, actor.now)
    if round_.kind not in PAPER_KINDS:
        raise ServiceError("纸质评议表只用于党员自评、互评和总评")
    in_branch = rater.branch_id == round_.org_id or rater.branch.path.startswith(round_.org.path)
    if not in_branch or rater.status in (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED):
        raise ServiceError(f"“{rater.name}”不在本次评议范围内")
    if not ratings:
        raise ServiceError("请至少为一位评议对象打分")
    cleaned = []
    seen: set[tuple[str, int]] = set()
    for ratee, scores in ratings:
        _ratee_in_round(round_, ratee)
        if (type(ratee).__name__, ratee.pk) in seen:
            raise ServiceError(f"同一张评议表中“{ratee.name}”只能打一次分")
        seen.add((type(ratee).__name__, ratee.pk))
        if round_.kind == RoundKind.SELF and ratee != rater:
            raise ServiceError("自评只能为自己打分")
        if round_.kind != RoundKind.SELF and ratee == rater:
            raise ServiceError("互评不能给自己打分，自评请参加自评")
        try:
            cleaned.append((ratee, *scores_clean(round_, scores)))
        except ServiceError as e:
            raise ServiceError(f"“{ratee.name}”：{e}") from None
    text = _self_text(round_, text)
    key = member_rater(rater)
    before = set(Ballot.objects.filter(round=round_, rater=key).values_list("paper", flat=True))
    if False in before:
        raise ServiceError(f"“{rater.name}”已本人在线评议，不再录入纸质评议表")
    if True in before and not amend:
        raise ServiceError(
            f"“{rater.name}”的纸质评议表已经录入过；如需更正，请勾选“更正已录入的评议表”"
        )
    return [
        _ballot_write(
            actor=actor,
            round_=round_,
            rater=key,
            rater_member=rater,
            ratee=ratee,
            scores=clean,
            total=total,
            paper=True,
            text=text,
        )
        for ratee, clean, total in cleaned
    ]


def code_hash(code: str) -> str:
    """The kept form of a public code: an HMAC under the server's secret key, so a copied
    database does not reveal which slips are still unused."""
    normal = "".join(code.split()).upper()
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"ballot-code:{normal}".encode(), hashlib.sha256).hexdigest()


def public_code_open(round_: EvaluationRound, code: str) -> bool:
    """Whether `code` is an unused code of this round: the public vote page shows whom the
    round rates only then, so counting through round ids lists nobody."""
    code = (code or "").strip()
    if not code:
        return False
    return PublicCode.objects.filter(
        round=round_, code_hash=code_hash(code), used_at__isnull=True
    ).exists()


def public_ratee_key(round_: EvaluationRound) -> Callable[[Member | Org], str]:
    """How the public vote page names each ratee in its fields: a keyed hash of the round and
    the ratee, never a database id."""

    def key(ratee: Member | Org) -> str:
        value = f"{round_.pk}:{type(ratee).__name__}:{ratee.pk}"
        return salted_hmac("zhengxing.ballot-ratee", value, algorithm="sha256").hexdigest()[:12]

    return key


@transaction.atomic
def codes_issue(*, actor: Actor, round_: EvaluationRound, count: int) -> list[str]:
    """Single-use codes for a public round, returned once (to print as QR slips for
    households); only their hashes are kept."""
    require(may_run_round(actor, round_.org, round_.kind))
    if round_.kind != RoundKind.PUBLIC:
        raise ServiceError("只有群众评议使用评议码")
    if not 1 <= count <= MAX_CODES:
        raise ServiceError(f"一次可生成1至{MAX_CODES}个评议码")
    if actor.now >= round_.closes_at:
        raise ServiceError(f"“{round_.name}”已结束", code="round_closed")
    codes = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)
    ]
    PublicCode.objects.bulk_create(
        PublicCode(
            county_id=round_.county_id, round=round_, code_hash=code_hash(c), issued_at=actor.now
        )
        for c in codes
    )
    audit_record(
        actor=actor,
        action="stars.codes.issue",
        object_type="evaluation_round",
        object_id=round_.pk,
        county_id=round_.county_id,
        summary=f"{round_.name}：生成群众评议码{count}个",
        after={"count": count},
    )
    return codes


@transaction.atomic
def public_ballots_submit(
    *,
    actor: Actor,
    round_: EvaluationRound,
    code: str,
    ratings: Sequence[tuple[Member | Org, Mapping[str, Any]]],
    paper: bool = False,
) -> list[Ballot]:
    """A household's ballots with its single-use code, every ratee it scores in one submission:
    from a phone (anyone), or typed by the committee from a paper slip (`paper`). A used,
    unknown or other round's code is refused; the code's row is locked, so two phones racing
    with one slip cast one set of ballots."""
    if paper:
        require(may_run_round(actor, round_.org, round_.kind))
    round_ = EvaluationRound.objects.select_for_update().get(pk=round_.pk)
    if round_.kind != RoundKind.PUBLIC:
        raise ServiceError("本次评议不是群众评议")
    _round_open(round_, actor.now)
    found = PublicCode.objects.select_for_update().filter(code_hash=code_hash(code or "")).first()
    if found is None or found.round_id != round_.pk:
        raise ServiceError("评议码无效，请核对后重新输入")
    if found.used_at is not None:
        raise ServiceError("该评议码已经使用过", code="conflict")
    if not ratings:
        raise ServiceError("请至少为一位评议对象打分")
    cleaned = []
    seen: set[int] = set()
    for ratee, scores in ratings:
        _ratee_in_round(round_, ratee)
        if ratee.pk in seen:
            raise ServiceError("同一评议对象只能打一次分")
        seen.add(ratee.pk)
        cleaned.append((ratee, *scores_clean(round_, scores)))
    found.used_at = actor.now
    found.save(update_fields=["used_at"])
    return [
        _ballot_write(
            actor=actor,
            round_=round_,
            rater=f"c{found.pk}",
            rater_member=None,
            ratee=ratee,
            scores=clean,
            total=total,
            code=found,
            paper=paper,
        )
        for ratee, clean, total in cleaned
    ]


@transaction.atomic
def ballots_submit_many(
    *,
    actor: Actor,
    round_: EvaluationRound,
    ballots: Sequence[tuple[Member | Org, Mapping[str, Any]]],
    text: str = "",
) -> list[Ballot]:
    """A rater's ballots for several ratees of one round, from one form: all of them, or none
    (the first refused score refuses the form). `text`: a self-evaluation's written account."""
    if not ballots:
        raise ServiceError("请至少为一位评议对象打分")
    return [
        ballot_submit(actor=actor, round_=round_, ratee=ratee, scores=scores, text=text)
        for ratee, scores in ballots
    ]
