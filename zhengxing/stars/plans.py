"""Star plans (报星) and members' self-chosen stars (自选星).

A branch-level organisation's committee drafts the year's plan: which duty stars (职责星) and
self-chosen stars (自选星) of the county's organisation scheme it pursues, its measures, and how
its members were consulted. It submits the plan to the township, which approves it or returns it
with a reason; a returned plan is edited and submitted again. An approved plan is posted at a
public address with the members' own self-chosen stars.

Each write checks the actor's scope, refuses bad input in Chinese before writing anything, and
writes its audit row in the same transaction. A plan is one row per organisation and year (a
database constraint); its status moves under a row lock, so two clicks cannot approve twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
from zhengxing.orgs.selectors import scope_for_actor

from .models import PlanStatus, StarChoice, StarPlan, StarScheme, Subject
from .rules import MENUS, Scheme
from .scheme_spec import scheme_from_dict

DUTY, SELF = "duty-", "self-"
MEASURES_MAX, CONSULTATION_MAX, REASON_MAX = 4000, 2000, 500


def scheme_for(*, county_id: int, year: int, subject: str, path: str = "") -> Scheme | None:
    """The current scheme of the year for `subject` that applies at the organisation `path`:
    its township's, where the township narrowed the county's, else the county's; or None."""
    found = StarScheme.objects.filter(
        county_id=county_id, year=year, subject=subject, is_current=True
    ).values_list("owner__path", "owner__parent_id", "spec")
    best: tuple[int, Any] | None = None
    for owner_path, parent_id, spec in found:
        applies = parent_id is None or (path and path.startswith(owner_path))
        if applies and (best is None or len(owner_path) > best[0]):
            best = (len(owner_path), spec)
    return scheme_from_dict(best[1]) if best else None


def star_names(scheme: Scheme | None) -> dict[str, str]:
    return dict(scheme.criteria) if scheme else {}


def names_for(*, county_id: int, year: int, subject: str, path: str = "") -> dict[str, str]:
    """The named stars (code → name) of the scheme that applies at `path`."""
    return star_names(scheme_for(county_id=county_id, year=year, subject=subject, path=path))


def _named(scheme: Scheme, prefix: str) -> list[str]:
    return [code for code, _ in scheme.criteria if code.startswith(prefix)]


def _clean_stars(raw: Sequence[str], allowed: list[str], label: str) -> list[str]:
    chosen = list(dict.fromkeys(str(code).strip() for code in raw if str(code).strip()))
    unknown = [code for code in chosen if code not in allowed]
    if unknown:
        raise ServiceError(f"{label}中有本方案没有的星目：{'、'.join(unknown)}")
    return [code for code in allowed if code in chosen]  # the scheme's order


def _at_most(scheme: Scheme, kind: str, chosen: Sequence[str]) -> None:
    """The "532" split: no more of a menu than the scheme's picks (3 duty, 2 self-chosen)."""
    most = scheme.picks.get(kind)
    if most is not None and len(chosen) > most:
        raise ServiceError(f"{MENUS[kind]}最多选{most}颗，现选了{len(chosen)}颗")


def _org_scheme(org: Org, year: int) -> Scheme:
    scheme = scheme_for(county_id=org.county_id, year=year, subject=Subject.ORG, path=org.path)
    if scheme is None or not (_named(scheme, DUTY) or _named(scheme, SELF)):
        raise ServiceError(
            f"{year}年还没有列出职责星和自选星的党组织星级方案，请先由旗县区设定方案"
        )
    return scheme


def _plan_snapshot(plan: StarPlan) -> dict[str, object]:
    return {
        "status": plan.status,
        "duty_stars": plan.duty_stars,
        "self_stars": plan.self_stars,
        "measures": plan.measures,
        "consultation": plan.consultation,
    }


@transaction.atomic
def plan_save(
    *,
    actor: Actor,
    org: Org,
    year: int,
    duty_stars: Sequence[str],
    self_stars: Sequence[str],
    measures: str,
    consultation: str,
) -> StarPlan:
    """Draft (or edit a draft or returned plan of) the organisation's plan for the year."""
    require(scope_for_actor(actor).can_manage_org(org))
    if org.kind not in MEMBER_HOLDING_KINDS:
        raise ServiceError("报星计划由村（社区）党组织制定")
    if not 2000 <= year <= 2100:
        raise ServiceError("年份应在2000至2100之间")
    scheme = _org_scheme(org, year)
    duty = _clean_stars(duty_stars, _named(scheme, DUTY), "职责星")
    own = _clean_stars(self_stars, _named(scheme, SELF), "自选星")
    _at_most(scheme, "duty", duty)
    _at_most(scheme, "self", own)
    if not duty and not own:
        raise ServiceError("请至少选择一颗职责星或自选星")
    measures = clean_text(measures, label="措施", limit=MEASURES_MAX, required=False)
    consultation = clean_text(
        consultation, label="征求意见情况", limit=CONSULTATION_MAX, required=False
    )
    plan = StarPlan.objects.select_for_update().filter(org=org, year=year).first()
    before = _plan_snapshot(plan) if plan else None
    if plan is None:
        try:
            with transaction.atomic():
                plan = StarPlan.objects.create(
                    county_id=org.county_id,
                    org=org,
                    year=year,
                    drafted_at=actor.now,
                    slug=secrets.token_urlsafe(12),
                )
        except IntegrityError:
            raise ServiceError("报星计划正在被他人编辑，请刷新后重试") from None
    elif plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise ServiceError("报星计划已提交乡镇党委，不能再修改", code="conflict")
    plan.duty_stars, plan.self_stars = duty, own
    plan.measures, plan.consultation = measures, consultation
    plan.status = PlanStatus.DRAFT
    plan.drafted_at = actor.now
    plan.save()
    audit_record(
        actor=actor,
        action="stars.plan.save",
        object_type="star_plan",
        object_id=plan.pk,
        county_id=org.county_id,
        summary=f"{org.name}{year}年报星计划：职责星{len(duty)}颗，自选星{len(own)}颗",
        before=before,
        after=_plan_snapshot(plan),
    )
    return plan


def _locked(plan: StarPlan) -> StarPlan:
    return StarPlan.objects.select_for_update().select_related("org").get(pk=plan.pk)


@transaction.atomic
def plan_submit(*, actor: Actor, plan: StarPlan) -> StarPlan:
    """The committee submits its plan to the township, once members have been consulted."""
    plan = _locked(plan)
    require(scope_for_actor(actor).can_manage_org(plan.org))
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise ServiceError("报星计划已提交，请等待乡镇党委审核", code="conflict")
    if not plan.consultation:
        raise ServiceError("请先填写征求党员意见的情况，再提交乡镇党委")
    scheme = _org_scheme(plan.org, plan.year)
    for kind, chosen in (("duty", plan.duty_stars), ("self", plan.self_stars)):
        wanted = scheme.picks.get(kind)
        if wanted is not None and len(chosen) != wanted:
            raise ServiceError(
                f"报星计划应选定{wanted}颗{MENUS[kind]}，现为{len(chosen)}颗"
                f"（{'、'.join(f'{n}颗{MENUS[k]}' for k, n in scheme.picks.items())}）"
            )
    plan.status, plan.submitted_at = PlanStatus.SUBMITTED, actor.now
    plan.save(update_fields=["status", "submitted_at"])
    audit_record(
        actor=actor,
        action="stars.plan.submit",
        object_type="star_plan",
        object_id=plan.pk,
        county_id=plan.county_id,
        summary=f"{plan.org.name}提交{plan.year}年报星计划",
        after={"status": plan.status},
    )
    return plan


@transaction.atomic
def plan_review(*, actor: Actor, plan: StarPlan, approve: bool, reason: str = "") -> StarPlan:
    """The township approves the plan (it is then posted) or returns it with a reason."""
    plan = _locked(plan)
    scope = scope_for_actor(actor)
    require(scope.can_manage_tree(plan.org))
    if plan.status != PlanStatus.SUBMITTED:
        raise ServiceError("只能审核已提交的报星计划", code="conflict")
    reason = clean_text(reason, label="理由", limit=REASON_MAX, required=False)
    if not approve and not reason:
        raise ServiceError("退回报星计划请说明理由")
    plan.status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    plan.reviewed_at, plan.reviewed_by, plan.review_reason = actor.now, actor.user, reason
    plan.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_reason"])
    audit_record(
        actor=actor,
        action="stars.plan.approve" if approve else "stars.plan.return",
        object_type="star_plan",
        object_id=plan.pk,
        county_id=plan.county_id,
        summary=f"{'批准' if approve else '退回'}{plan.org.name}{plan.year}年报星计划"
        + (f"：{reason}" if reason else ""),
        after={"status": plan.status, "reason": reason},
    )
    return plan


@transaction.atomic
def choice_save(*, actor: Actor, member: Member, year: int, stars: Sequence[str]) -> StarChoice:
    """A member's self-chosen stars for the year (the member, or the branch's committee for
    them), from the self-chosen stars of the county's member scheme; posted with the plan."""
    scope = scope_for_actor(actor)
    require(scope.member_id == member.pk or scope.can_manage_member(member))
    if not 2000 <= year <= 2100:
        raise ServiceError("年份应在2000至2100之间")
    scheme = scheme_for(
        county_id=member.county_id, year=year, subject=Subject.MEMBER, path=member.branch.path
    )
    allowed = _named(scheme, SELF) if scheme else []
    if not allowed:
        raise ServiceError(f"{year}年的党员星级方案没有自选星")
    chosen = _clean_stars(stars, allowed, "自选星")
    if not chosen:
        raise ServiceError("请至少选择一颗自选星")
    if scheme is not None:
        _at_most(scheme, "self", chosen)
    choice, made = StarChoice.objects.select_for_update().get_or_create(
        member=member,
        year=year,
        defaults={"county_id": member.county_id, "stars": chosen, "chosen_at": actor.now},
    )
    before = None if made else {"stars": choice.stars}
    if not made:
        choice.stars, choice.chosen_at = chosen, actor.now
        choice.save(update_fields=["stars", "chosen_at"])
    audit_record(
        actor=actor,
        action="stars.choice.save",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=f"{member.name}{year}年自选星{len(chosen)}颗",
        before=before,
        after={"stars": chosen},
    )
    return choice
