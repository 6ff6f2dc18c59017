"""Writes of star schemes: each checks the actor's scope, refuses a bad scheme with every
problem in Chinese before writing, and writes the scheme and its audit row in one transaction.
An edit makes a new version; ratings keep the version they were computed under."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from zhengxing.audit.services import Actor, audit_record
from zhengxing.orgs.models import PATH_SEGMENT, County, Member, Org, path_upper_bound, subtree_q
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, Role
from zhengxing.orgs.selectors import scope_for_actor
from zhengxing.orgs.services import ServiceError, county_root, require

from .models import Consequence, CriteriaAward, Rating, StarScheme, Subject
from .presets import PRESETS
from .rules import ConsequenceSpec, SchemeInvalid, scheme_from_dict, scheme_to_dict


@transaction.atomic
def scheme_save(
    *, actor: Actor, county: County, owner: Org | None, year: int, spec: dict[str, Any]
) -> StarScheme:
    """A county's (owner None: its root) or a township's scheme for a year: a new version when
    the owner has one for the year and subject."""
    owner = owner or county_root(county)
    if owner.county_id != county.pk:
        raise ServiceError("该组织不属于本旗县区")
    if not scope_for_actor(actor).can_manage_tree(owner):
        raise PermissionDenied("无权操作该对象")
    if owner.depth > 1:
        raise ServiceError("星级方案由旗县区制定，乡镇（苏木、街道）可以细化本乡镇的方案")
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


@transaction.atomic
def ratings_finalise(*, actor: Actor, org: Org, year: int, period: str) -> FinaliseResult:
    """The township (or county) finalises the year's (or period's) ratings of its subtree: they
    are kept from any recompute, posted, and each tier's consequences become to-dos with an
    owner and a due date (one per rating and consequence; set-based)."""
    if not scope_for_actor(actor).can_manage_tree(org):
        raise PermissionDenied("无权操作该对象")
    if org.kind in MEMBER_HOLDING_KINDS and org.parent_id is not None:
        raise ServiceError("星级评定结果由乡镇党委（或旗县区委组织部）审定")
    ratings = Rating.objects.filter(
        subtree_q(org.path, "branch__"), county_id=org.county_id, year=year, period=period
    )
    pending = ratings.filter(finalised_at__isnull=True)
    n = pending.update(finalised_at=actor.now)
    if n == 0:
        raise ServiceError(f"{org.name}{year}年{period}没有待审定的星级评定结果，请先计算")
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
    audit_record(
        actor=actor,
        action="stars.ratings.finalise",
        object_type="org",
        object_id=org.pk,
        county_id=org.county_id,
        summary=f"{org.name}审定{year}年{period}星级评定结果{n}条，生成结果运用事项{made}项",
        after={"year": year, "period": period, "ratings": n, "consequences": made},
    )
    return FinaliseResult(ratings=n, consequences=made)


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
    organisation that owns it, or one above it. Once done it stays done."""
    task = (
        Consequence.objects.select_for_update().select_related("owner_org").get(pk=consequence.pk)
    )
    require(scope_for_actor(actor).can_manage_org(task.owner_org))
    note = note.strip()
    if not note:
        raise ServiceError("请简要写明办理情况")
    if len(note) > 500:
        raise ServiceError("办理情况不超过500字")
    if task.done_at is not None:
        raise ServiceError("该事项已办结")
    task.done_at, task.done_by, task.note = actor.now, actor.user, note
    task.save(update_fields=["done_at", "done_by", "note"])
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
