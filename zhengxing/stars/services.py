"""Writes of star schemes: each checks the actor's scope, refuses a bad scheme with every
problem in Chinese before writing, and writes the scheme and its audit row in one transaction.
An edit makes a new version; ratings keep the version they were computed under."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.ledger.services import may_sign_off, reminder_talk_record
from zhengxing.orgs.models import PATH_SEGMENT, County, Member, Org, path_upper_bound
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, Role
from zhengxing.orgs.selectors import scope_for_actor
from zhengxing.orgs.services import county_root

from .models import (
    Consequence,
    CriteriaAward,
    ModelBranch,
    ModelSelection,
    Rating,
    ReserveMember,
    StarScheme,
    Subject,
)
from .presets import PRESETS
from .rectify import rectify_done_problem
from .rules import ConsequenceSpec, SchemeInvalid, period_name, tier_of
from .scheme_spec import scheme_from_dict, scheme_to_dict


@transaction.atomic
def scheme_save(
    *, actor: Actor, county: County, owner: Org | None, year: int, spec: dict[str, Any]
) -> StarScheme:
    """A county's (owner None: its root), a township's or, narrowed by the township, a branch's
    scheme for a year: a new version when the owner has one for the year and subject."""
    owner = owner or county_root(county)
    if owner.county_id != county.pk:
        raise ServiceError("该组织不属于本旗县区")
    if not scope_for_actor(actor).can_manage_tree(owner):
        raise PermissionDenied("无权操作该对象")
    if owner.depth > 1 and owner.kind not in MEMBER_HOLDING_KINDS:
        # a township narrows the county's scheme for itself, or for one of its branches (003:
        # the "341" method is run "以党支部为单位")
        raise ServiceError(
            "星级方案由旗县区制定，乡镇（苏木、街道）可以细化本乡镇或所属党支部的方案"
        )
    if not 2000 <= year <= 2100:
        raise ServiceError("年份应在2000至2100之间")
    try:
        scheme = scheme_from_dict(spec)
    except SchemeInvalid as e:
        raise ServiceError("星级方案有误：" + "；".join(e.problems)) from None
    current = (
        StarScheme.objects.select_for_update()
        .filter(owner=owner, year=year, subject=scheme.subject, is_current=True)
        .first()
    )
    version = 1
    if current is not None:
        version = current.version + 1
        current.is_current = False
        current.save(update_fields=["is_current"])
    try:
        with transaction.atomic():
            stored = StarScheme.objects.create(
                county=county,
                owner=owner,
                year=year,
                subject=scheme.subject,
                version=version,
                name=scheme.name,
                preset=scheme.key if scheme.key in PRESETS else "",
                spec=scheme_to_dict(scheme),
                created_at=actor.now,
                created_by=actor.user,
            )
    except IntegrityError:
        raise ServiceError("方案正在被他人修改，请刷新后重试") from None
    audit_record(
        actor=actor,
        action="stars.scheme.save",
        object_type="star_scheme",
        object_id=stored.pk,
        county_id=county.pk,
        summary=f"{owner.name}{year}年星级方案：{scheme.name}（第{version}版）",
        after={"key": scheme.key, "subject": scheme.subject, "version": version},
    )
    return stored


def scheme_from_preset(
    *, actor: Actor, county: County, owner: Org | None, year: int, preset: str
) -> StarScheme:
    if preset not in PRESETS:
        raise ServiceError(f"没有名为“{preset}”的预置方案（可用：{'、'.join(PRESETS)}）")
    return scheme_save(
        actor=actor, county=county, owner=owner, year=year, spec=scheme_to_dict(PRESETS[preset])
    )


OWNER_LEVELS = {"county": 1, "township": 2}  # path segments of the owning organisation


@dataclass(frozen=True)
class FinaliseResult:
    ratings: int
    consequences: int
    incomplete: int = 0  # left pending: a component still missing
    adjusted: int = 0  # moved by a star, with the reason posted


@dataclass(frozen=True)
class Adjustment:
    """The body that sets the stars moves a computed rating by one star, and says why."""

    rating_id: int
    stars: int
    reason: str


MOVE_AT_MOST = 1
# consequences that are a talk with the member: done, they are recorded as reminder talks
TALK_CODES = frozenset({"warning-talk"})
# a consequence that brings the member into the township's reserve pool (后备力量) when done
RESERVE_CODES = frozenset({"reserve-pool"})  # stars the setting body may move a computed rating by


def _finalisable(actor: Actor, org: Org) -> tuple[str, Any]:
    """(subject, filter) of the ratings `actor` may set at `org`. 000: members' stars are set by
    their village organisation ("由嘎查村党组织根据年度总分和综合表现为党员定星"), the branch
    secretary signing for the committee; organisations' by the township ("苏木乡镇党委根据积分,
    计算年度得分并授星"), or the county above it."""
    if org.kind in MEMBER_HOLDING_KINDS:
        if not may_sign_off(actor=actor, branch=org):
            raise PermissionDenied("党员星级由所在党支部（嘎查村党组织）评定，由支部书记确认")
        return Subject.MEMBER, {"branch_id": org.pk, "member__isnull": False}
    if not scope_for_actor(actor).can_manage_tree(org):
        raise PermissionDenied("无权操作该对象")
    return Subject.ORG, {"org__isnull": False, **_subtree(org)}


def may_finalise(*, actor: Actor, org: Org) -> bool:
    """Whether the page offers `actor` the setting of the stars at `org`."""
    try:
        _finalisable(actor, org)
    except PermissionDenied:
        return False
    return True


def _subtree(org: Org) -> dict[str, Any]:
    return {"branch__path__gte": org.path, "branch__path__lt": path_upper_bound(org.path)}


@transaction.atomic
def ratings_finalise(
    *,
    actor: Actor,
    org: Org,
    year: int,
    period: str,
    adjustments: Sequence[Adjustment] = (),
) -> FinaliseResult:
    """The body that sets the stars confirms the computed ones, which are its proposal: a branch
    its members' (the secretary for the committee), a township (or the county) its
    organisations'. It may move a rating by one star with a written reason, posted beside the
    result. Finalised ratings are kept from any recompute and posted, and each tier's
    consequences become to-dos with an owner and a due date (set-based). A rating still missing
    a component is not final until it is there: it stays pending, and is counted."""
    subject, where = _finalisable(actor, org)
    ratings = Rating.objects.filter(county_id=org.county_id, year=year, period=period, **where)
    pending = ratings.filter(finalised_at__isnull=True)
    incomplete = pending.filter(score__isnull=True, missing__gt=0)
    complete = pending.exclude(score__isnull=True, missing__gt=0)
    moved = _adjust(actor, complete, adjustments)
    n = complete.update(finalised_at=actor.now)
    who = "党员" if subject == Subject.MEMBER else "党组织"
    if n == 0:
        waiting = incomplete.count()
        if waiting:
            raise ServiceError(
                f"{org.name}{year}年{period}的{waiting}条{who}星级评定缺少评议，补齐后才能确定"
            )
        raise ServiceError(f"{org.name}{year}年{period}没有待确定的{who}星级评定结果，请先计算")
    today = timezone.localdate(actor.now)
    for scheme_id, spec in StarScheme.objects.filter(
        pk__in=ratings.filter(finalised_at=actor.now).values("scheme_id")
    ).values_list("pk", "spec"):
        for tier in scheme_from_dict(spec).tiers:
            for c in tier.consequences:
                _consequences_insert(
                    org=org, year=year, period=period, at=actor.now, scheme_id=scheme_id,
                    tier=tier.code, spec=c, due_on=today + dt.timedelta(days=c.due_days),
                )  # fmt: skip
    made = Consequence.objects.filter(rating__in=ratings.filter(finalised_at=actor.now)).count()
    left = incomplete.count()
    audit_record(
        actor=actor,
        action="stars.ratings.finalise",
        object_type="org",
        object_id=org.pk,
        county_id=org.county_id,
        summary=f"{org.name}确定{year}年{period}{who}星级{n}条（调整{len(moved)}条），"
        f"生成结果运用事项{made}项" + (f"，{left}条缺少评议待补齐" if left else ""),
        after={
            "year": year,
            "period": period,
            "ratings": n,
            "consequences": made,
            "incomplete": left,
            "adjusted": moved,
        },
    )
    return FinaliseResult(ratings=n, consequences=made, incomplete=left, adjusted=len(moved))


def _adjust(
    actor: Actor, complete: Any, adjustments: Sequence[Adjustment]
) -> dict[str, dict[str, Any]]:
    """Apply each adjustment to a rating about to be finalised, or refuse them all."""
    if not adjustments:
        return {}
    by_id = {r.pk: r for r in complete.select_related("scheme", "member", "org")}
    problems, moved = [], {}
    for a in adjustments:
        rating = by_id.get(a.rating_id)
        if rating is None:
            problems.append(f"第{a.rating_id}条评定不在本次确定的范围内")
            continue
        name = rating.member.name if rating.member else rating.org.name if rating.org else ""
        scheme = scheme_from_dict(rating.scheme.spec)
        reason = a.reason.strip()
        if a.stars == rating.stars:
            continue
        if abs(a.stars - rating.stars) > MOVE_AT_MOST or not 0 <= a.stars <= scheme.max_stars:
            problems.append(f"{name}：计算结果为{rating.stars}星，最多调整{MOVE_AT_MOST}星")
        elif not 4 <= len(reason) <= 200:
            problems.append(f"{name}：调整星级须写明理由（4至200字），理由将随结果公示")
        else:
            tier = tier_of(scheme, a.stars)
            rating.proposed_stars, rating.stars = rating.stars, a.stars
            if not scheme.bands and scheme.red_bands:
                rating.red_stars = a.stars  # the stars are the red stars
            rating.tier, rating.set_reason = (tier.code if tier else ""), reason
            moved[str(rating.pk)] = {"name": name, "from": rating.proposed_stars,
                                     "to": a.stars, "reason": reason}  # fmt: skip
    if problems:
        raise ServiceError("；".join(problems))
    Rating.objects.bulk_update(
        [by_id[int(pk)] for pk in moved],
        ["proposed_stars", "stars", "red_stars", "tier", "set_reason"],
    )
    return moved


def _consequences_insert(
    *,
    org: Org,
    year: int,
    period: str,
    at: dt.datetime,
    scheme_id: int,
    tier: str,
    spec: ConsequenceSpec,
    due_on: dt.date,
) -> None:
    level = OWNER_LEVELS.get(spec.owner)
    if level is None:  # the branch's secretary
        owner, role = "b.id", Role.SECRETARY
    else:
        width = level * PATH_SEGMENT
        owner = f"(SELECT o.id FROM orgs_org o WHERE o.path = SUBSTR(b.path, 1, {width}))"
        role = Role.COUNTY if spec.owner == "county" else Role.TOWNSHIP
    sql = f"""
INSERT INTO stars_consequence
    (county_id, rating_id, code, label, owner_org_id, owner_role, due_on, done_at, done_by_id,
     note)
SELECT r.county_id, r.id, %s, %s, {owner}, %s, %s, NULL, NULL, ''
FROM stars_rating r JOIN orgs_org b ON b.id = r.branch_id
WHERE r.county_id = %s AND r.year = %s AND r.period = %s AND r.scheme_id = %s AND r.tier = %s
  AND r.finalised_at = %s AND b.path >= %s AND b.path < %s
ON CONFLICT (rating_id, code) DO NOTHING
"""
    params: list[Any] = [
        spec.code, spec.label, role, due_on, org.county_id, year, period, scheme_id, tier,
        connection.ops.adapt_datetimefield_value(at), org.path, path_upper_bound(org.path),
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@dataclass(frozen=True)
class Assessed:
    changed: int  # stars whose "met" was set or changed


@transaction.atomic
def criteria_assess(
    *,
    actor: Actor,
    subject: Member | Org,
    year: int,
    met: Mapping[str, bool],
    note: str = "",
) -> Assessed:
    """Record which named stars of the county's scheme `subject` has met in `year`: the branch
    committee for a member, the township (or county) for an organisation. Stars not in `met`
    are left as they were; an unknown star refuses the whole form."""
    from .plans import scheme_for

    scope = scope_for_actor(actor)
    who: dict[str, Any]
    if isinstance(subject, Member):
        require(scope.can_manage_member(subject))
        kind, branch_id, who = Subject.MEMBER, subject.branch_id, {"member": subject}
        path = subject.branch.path
    else:
        require(scope.can_manage_tree(subject))
        if subject.kind not in MEMBER_HOLDING_KINDS:
            raise ServiceError("达标星按村（社区）党组织评定")
        kind, branch_id, who = Subject.ORG, subject.pk, {"org": subject}
        path = subject.path
    scheme = scheme_for(county_id=subject.county_id, year=year, subject=kind, path=path)
    names = dict(scheme.criteria) if scheme else {}
    if not names:
        raise ServiceError(f"{year}年的星级方案没有列出达标星")
    unknown = [code for code in met if code not in names]
    if unknown:
        raise ServiceError(f"本方案没有这些星目：{'、'.join(unknown)}")
    if len(note) > 200:
        raise ServiceError("说明不超过200字")
    existing = {
        a.code: a for a in CriteriaAward.objects.select_for_update().filter(year=year, **who)
    }
    changed = []
    for code, value in met.items():
        award = existing.get(code)
        if award is not None and award.met == bool(value):
            continue
        changed.append((code, None if award is None else award.met, bool(value)))
        CriteriaAward.objects.update_or_create(
            year=year,
            code=code,
            **who,
            defaults={
                "county_id": subject.county_id,
                "subject": kind,
                "branch_id": branch_id,
                "met": bool(value),
                "note": note.strip(),
                "assessed_at": actor.now,
                "assessed_by": actor.user,
            },
        )
    if changed:
        audit_record(
            actor=actor,
            action="stars.criteria.assess",
            object_type="member" if kind == Subject.MEMBER else "org",
            object_id=subject.pk,
            county_id=subject.county_id,
            summary=f"{subject.name}{year}年达标星评定："
            + "、".join(f"{names[c]}{'达标' if new else '未达标'}" for c, _, new in changed),
            before={c: old for c, old, _ in changed},
            after={c: new for c, _, new in changed},
        )
    return Assessed(changed=len(changed))


@transaction.atomic
def consequence_done(*, actor: Actor, consequence: Consequence, note: str) -> Consequence:
    """Mark a follow-up task done with what was done (the talk held, the plan filed…): by the
    organisation that owns it, or one above it. Once done it stays done. A talk with a member
    (诫勉谈话) is recorded among the ledger's reminder talks (约谈), in the same transaction,
    so the branch keeps one list of the talks it held, whatever led to them."""
    task = (
        Consequence.objects.select_for_update(of=("self",))  # not the outer-joined member
        .select_related("owner_org", "rating__member")
        .get(pk=consequence.pk)
    )
    require(scope_for_actor(actor).can_manage_org(task.owner_org))
    note = note.strip()
    if not note:
        raise ServiceError("请简要写明办理情况")
    if len(note) > 500:
        raise ServiceError("办理情况不超过500字")
    if task.done_at is not None:
        raise ServiceError("该事项已办结")
    unsettled = rectify_done_problem(task)  # a rectification: its problems all closed (销号)
    if unsettled:
        raise ServiceError(unsettled)
    task.done_at, task.done_by, task.note = actor.now, actor.user, note
    task.save(update_fields=["done_at", "done_by", "note"])
    member = task.rating.member
    if task.code in RESERVE_CODES and member is not None:
        _reserve_add(actor=actor, task=task, member=member, note=note)
    if task.code in TALK_CODES and member is not None:
        rating = task.rating
        reminder_talk_record(
            actor=actor,
            member=member,
            held_on=timezone.localdate(actor.now),
            notes=f"{period_name(rating.year, rating.period)}星级评定{rating.stars}星，"
            f"{task.label}：{note}",
        )
    audit_record(
        actor=actor,
        action="stars.consequence.done",
        object_type="consequence",
        object_id=task.pk,
        county_id=task.county_id,
        summary=f"{task.label}：已办结",
        before={"done": False},
        after={"done": True, "note": note},
    )
    return task


def _reserve_add(*, actor: Actor, task: Consequence, member: Member, note: str) -> None:
    """Enter the member in the township's reserve pool: once a year (a constraint); the
    township is the one above the member's branch."""
    township = Org.objects.get(path=member.branch.path[: 2 * PATH_SEGMENT])
    rating = task.rating
    try:
        with transaction.atomic():
            ReserveMember.objects.create(
                county_id=member.county_id, township=township, member=member, year=rating.year,
                stars=rating.stars, consequence=task, note=note, added_at=actor.now,
                added_by=actor.user,
            )  # fmt: skip
    except IntegrityError:
        raise ServiceError(f"{member.name}已在{rating.year}年的后备力量中") from None
    audit_record(
        actor=actor,
        action="stars.reserve.add",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=f"{member.name}纳入{township.name}{rating.year}年后备力量（{rating.stars}星）",
        after={"year": rating.year, "stars": rating.stars, "township": township.pk},
    )


@transaction.atomic
def model_selection_open(
    *, actor: Actor, county: County, year: int, quota: int, award_yuan: int
) -> ModelSelection:
    """The county opens the year's selection of model five-star branches (五星标兵) with its
    quota and award (004: "每年选树100个“五星标兵”村党支部,每村奖励1万元")."""
    require(may_select_models(actor=actor, county=county))
    if not 1 <= quota <= 100_000:
        raise ServiceError("标兵名额应为正整数")
    if not 0 <= award_yuan <= 100_000_000:
        raise ServiceError("奖励金额应为不小于0的整数（元）")
    try:
        with transaction.atomic():
            selection = ModelSelection.objects.create(
                county=county, year=year, quota=quota, award_yuan=award_yuan,
                created_at=actor.now, created_by=actor.user,
            )  # fmt: skip
    except IntegrityError:
        refusal = f"{county.name}{year}年的五星标兵遴选已经开始"
        raise ServiceError(refusal, code="conflict") from None
    audit_record(
        actor=actor,
        action="stars.model.open",
        object_type="model_selection",
        object_id=selection.pk,
        county_id=county.pk,
        summary=f"{county.name}{year}年五星标兵遴选：名额{quota}个，每个奖励{award_yuan}元",
        after={"year": year, "quota": quota, "award_yuan": award_yuan},
    )
    return selection


def may_select_models(*, actor: Actor, county: County) -> bool:
    """Whether `actor` opens the county's selection of model five-star branches and chooses."""
    return scope_for_actor(actor).can_manage_tree(county_root(county))


@transaction.atomic
def model_branch_select(
    *, actor: Actor, county: County, year: int, org: Org, reason: str
) -> ModelBranch:
    """Select a branch a model five-star branch in the county's selection of the year: it must
    have been awarded the scheme's top stars for the year (finalised), and the quota must not be
    full. The selection's row is locked, so two selections racing for the last place cannot both
    have it."""
    selection = ModelSelection.objects.select_for_update().filter(county=county, year=year).first()
    if selection is None:
        raise ServiceError(f"{year}年的五星标兵遴选尚未开始")
    require(may_select_models(actor=actor, county=county))
    if org.county_id != selection.county_id:
        raise ServiceError("该组织不属于本旗县区")
    reason = reason.strip()
    if not 4 <= len(reason) <= 500:
        raise ServiceError("请写明入选理由（4至500字）")
    rating = (
        Rating.objects.filter(org=org, year=selection.year, period="Y", finalised_at__isnull=False)
        .select_related("scheme")
        .first()
    )
    top = scheme_from_dict(rating.scheme.spec).max_stars if rating else None
    if rating is None or rating.stars != top:
        raise ServiceError(f"{org.name}{selection.year}年未评定为五星级，不能入选五星标兵")
    if selection.chosen.count() >= selection.quota:
        raise ServiceError(f"{selection.year}年五星标兵名额已满（{selection.quota}个）")
    try:
        with transaction.atomic():
            chosen = ModelBranch.objects.create(
                county_id=org.county_id, selection=selection, org=org, reason=reason,
                selected_at=actor.now, selected_by=actor.user,
            )  # fmt: skip
    except IntegrityError:
        raise ServiceError(f"{org.name}已入选{selection.year}年五星标兵") from None
    audit_record(
        actor=actor,
        action="stars.model.select",
        object_type="org",
        object_id=org.pk,
        county_id=org.county_id,
        summary=f"{org.name}入选{selection.year}年五星标兵，奖励{selection.award_yuan}元",
        after={"year": selection.year, "reason": reason},
    )
    return chosen
