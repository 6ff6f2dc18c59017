"""Writes to the tree, the roster and role assignments. Each runs in one transaction with its
audit row, checks the actor's scope itself, and raises `ServiceError` with a Chinese message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr

from zhengxing.audit.services import audit_record
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require

from .models import (
    County,
    Member,
    MemberEvent,
    Org,
    RoleAssignment,
    path_segment,
    subtree_q,
)
from .roster import MEMBER_DATA_FIELDS, MemberData
from .rules import (
    GROUP_KINDS,
    MEMBER_HOLDING_KINDS,
    MemberStatus,
    OrgKind,
    kind_may_sit_under,
    name_problem,
)
from .selectors import Scope, forget_scope, scope_for_actor


class ReauthRequired(PermissionDenied):
    """The change needs the password (and code) entered in the last few minutes: a page sends
    the user to re-authenticate, the API answers 403 (see `accounts.reauth`)."""


REAUTH_FOR_NUMBERS = "修改公民身份号码或联系电话前，请重新验证身份（输入密码及动态验证码）"
# What anyone is told when a number they typed is already on the roster somewhere they may not
# reveal: the same words whether it is in their branch, elsewhere in the county, or nowhere
# they could know of, so no one learns from it who exists where. The attempt is audited.
NUMBER_REFUSED = "无法使用该公民身份号码：请核对号码；如确认无误，请联系旗县区党委组织部"


class _NumberTaken(Exception):
    """The county's unique index on the ID number's blind index refused the row."""


# An organisation's fields that hold names, with the word a message uses for each.
ORG_NAME_FIELDS = {"name": "组织名称", "secretary_name": "书记姓名", "contact_name": "联系人姓名"}


def check_org_names(values: dict[str, Any]) -> None:
    """ServiceError if a name among `values` hides invisible characters (`rules.name_problem`)."""
    for key, label in ORG_NAME_FIELDS.items():
        value = values.get(key)
        if isinstance(value, str) and (problem := name_problem(value, label)) is not None:
            raise ServiceError(problem)


def org_snapshot(org: Org) -> dict[str, Any]:
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "parent_id": org.parent_id,
        "category": org.category,
        "unit_relation": org.unit_relation,
        "secretary_name": org.secretary_name,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "is_active": org.is_active,
    }


def member_snapshot(member: Member) -> dict[str, Any]:
    """What the audit log keeps of a member: personal numbers only as their blind index."""
    return {
        "name": member.name,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "birth_date": member.birth_date.isoformat() if member.birth_date else None,
        "id_card_hash": member.id_card_hash,
        "address": member.address,
        "education": member.education,
        "joined_on": member.joined_on.isoformat() if member.joined_on else None,
        "full_on": member.full_on.isoformat() if member.full_on else None,
        "standing": member.standing,
        "category": member.category,
        "post": member.post,
        "branch_id": member.branch_id,
        "group_id": member.group_id,
        "status": member.status,
        "mobile_whereabouts": member.mobile_whereabouts,
        "mobile_reason": member.mobile_reason,
    }


# --- the tree -----------------------------------------------------------------------------


@transaction.atomic
def county_create(*, actor: Actor, code: str, name: str, region_code: str = "") -> County:
    """A county and the root of its tree (its organisation department's node)."""
    if County.objects.filter(code=code).exists():
        raise ServiceError(f"旗县区代码“{code}”已存在", code="duplicate")
    county = County.objects.create(code=code, name=name, region_code=region_code)
    root = Org(county=county, code=code, name=name, kind=OrgKind.COUNTY)
    _insert_org(root, parent=None)
    audit_record(
        actor=actor,
        action="county.create",
        object_type="county",
        object_id=county.pk,
        county_id=county.pk,
        after={"code": code, "name": name},
    )
    return county


def county_root(county: County) -> Org:
    return Org.objects.get(county=county, parent__isnull=True)


def _insert_org(org: Org, *, parent: Org | None) -> None:
    org.parent = parent
    org.depth = 0 if parent is None else parent.depth + 1
    org.path = ""
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:
        raise ServiceError(f"组织代码“{org.code}”在本旗县区已存在", code="duplicate") from None
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    Org.objects.filter(pk=org.pk).update(path=org.path)


@transaction.atomic
def org_create(
    *, actor: Actor, parent: Org, code: str, name: str, kind: str, **details: Any
) -> Org:
    require(scope_for_actor(actor).can_manage_tree(parent))
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ServiceError("组织代码和名称不能为空")
    if kind not in OrgKind.values:
        raise ServiceError(f"未知的组织类型“{kind}”")
    check_org_names({"name": name, **details})
    if not kind_may_sit_under(kind, parent.kind):
        raise ServiceError(f"“{OrgKind(kind).label}”不能设在“{OrgKind(parent.kind).label}”之下")
    org = Org(county_id=parent.county_id, code=code, name=name, kind=kind, **details)
    _insert_org(org, parent=parent)
    audit_record(
        actor=actor,
        action="org.create",
        object_type="org",
        object_id=org.pk,
        county_id=org.county_id,
        summary=name,
        after=org_snapshot(org),
    )
    return org


ORG_EDITABLE = (
    "code",
    "name",
    "category",
    "unit_relation",
    "secretary_name",
    "contact_name",
    "contact_phone",
    "is_active",
)


@transaction.atomic
def org_update(*, actor: Actor, org: Org, **changes: Any) -> Org:
    org = Org.objects.select_for_update().get(pk=org.pk)
    scope = scope_for_actor(actor)
    require(scope.can_manage_tree(org) or (scope.can_manage_org(org) and "code" not in changes))
    unknown = set(changes) - set(ORG_EDITABLE)
    if unknown:
        raise ServiceError(f"不能修改字段：{', '.join(sorted(unknown))}")
    check_org_names(changes)
    before = org_snapshot(org)
    for key, value in changes.items():
        setattr(org, key, value.strip() if isinstance(value, str) else value)
    if not org.code or not org.name:
        raise ServiceError("组织代码和名称不能为空")
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:
        raise ServiceError(f"组织代码“{org.code}”在本旗县区已存在", code="duplicate") from None
    audit_record(
        actor=actor,
        action="org.update",
        object_type="org",
        object_id=org.pk,
        county_id=org.county_id,
        summary=org.name,
        before=before,
        after=org_snapshot(org),
    )
    return org


@transaction.atomic
def org_move(*, actor: Actor, org: Org, parent: Org) -> Org:
    """Move a subtree under a new parent: one set-based path rewrite, with a cycle check."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    scope = scope_for_actor(actor)
    require(scope.can_manage_tree(org) and scope.can_manage_tree(parent))
    if org.parent_id is None:
        raise ServiceError("旗县区根节点不能移动")
    if parent.county_id != org.county_id:
        raise ServiceError("不能移动到其他旗县区")
    if parent.path.startswith(org.path):
        raise ServiceError("不能把组织移到它自己或它的下级之下")
    if not kind_may_sit_under(org.kind, parent.kind):
        raise ServiceError(f"“{OrgKind(org.kind).label}”不能设在“{OrgKind(parent.kind).label}”之下")
    before = org_snapshot(org)
    old_path, new_path = org.path, parent.path + path_segment(org.pk)
    depth_shift = parent.depth + 1 - org.depth
    Org.objects.filter(subtree_q(old_path)).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_shift,
    )
    Org.objects.filter(pk=org.pk).update(parent=parent)
    org.refresh_from_db()
    audit_record(
        actor=actor,
        action="org.move",
        object_type="org",
        object_id=org.pk,
        county_id=org.county_id,
        summary=org.name,
        before=before,
        after=org_snapshot(org),
    )
    return org


# --- the roster ---------------------------------------------------------------------------


def resolve_placement(
    county_id: int, data: MemberData, scope: Scope | None = None
) -> tuple[Org, Org | None]:
    """The branch and Party group that a member's codes name, or ServiceError. An org outside
    the scope is reported as not existing, so its name does not leak."""
    branch = Org.objects.filter(county_id=county_id, code=data.branch_code).first()
    if branch is None or (scope is not None and not scope.can_see_org(branch)):
        raise ServiceError(f"所在党组织代码“{data.branch_code}”不存在")
    if branch.kind not in MEMBER_HOLDING_KINDS:
        raise ServiceError(f"“{branch.name}”不是党支部，党员应编入党支部")
    group = None
    if data.group_code:
        group = Org.objects.filter(county_id=county_id, code=data.group_code).first()
        if group is None or group.kind not in GROUP_KINDS or not group.path.startswith(branch.path):
            raise ServiceError(f"党小组代码“{data.group_code}”不属于“{branch.name}”")
    return branch, group


def apply_member_data(
    member: Member,
    data: MemberData,
    branch: Org,
    group: Org | None,
    *,
    sealer: pii.Sealer | None = None,
) -> None:
    """Copy cleaned values onto a member row (no save): shared by the service and bulk import,
    which passes the one `pii.Sealer` it encrypts with."""
    sealer = sealer or pii.Sealer()
    member.county_id = branch.county_id
    member.branch = branch
    member.group = group
    for key in MEMBER_DATA_FIELDS:
        setattr(member, key, getattr(data, key))
    hash_ = sealer.blind_index(data.id_card)
    if not member.id_card_enc or member.id_card_hash != hash_:
        member.id_card_enc = sealer.encrypt(data.id_card)
        member.id_card_hash = hash_
    if data.phone != (sealer.decrypt(member.phone_enc) if member.phone_enc else ""):
        member.phone_enc = sealer.encrypt(data.phone)


def refuse_number(*, actor: Actor, county_id: int, number: str, attempt: str) -> ServiceError:
    """Audit an attempt to use an ID number already on the county's roster, in a transaction of
    its own (the attempt's was rolled back), and the error to raise: the member's name only to
    a viewer who may reveal that member's numbers anyway, else `NUMBER_REFUSED`."""
    number_hash = pii.blind_index(number)
    existing = (
        Member.objects.select_related("branch")
        .filter(county_id=county_id, id_card_hash=number_hash)
        .first()
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="member.number_refused",
            object_type="member",
            object_id=existing.pk if existing else "",
            county_id=county_id,
            summary=f"{attempt}：公民身份号码已登记，未予{attempt}",
            after={"id_card_hash": number_hash, "attempt": attempt},
        )
    if existing is not None and scope_for_actor(actor).can_reveal_member(existing):
        return ServiceError(
            f"该公民身份号码已登记：{existing.name}（{existing.branch.name}）", code="duplicate"
        )
    return ServiceError(NUMBER_REFUSED, code="duplicate")


def member_register(*, actor: Actor, county_id: int, data: MemberData, on: dt.date) -> Member:
    """Register a member. A number already on the county's roster is refused in neutral words
    (`refuse_number`), and the attempt is audited."""
    try:
        return _member_register(actor=actor, county_id=county_id, data=data, on=on)
    except _NumberTaken:
        raise refuse_number(
            actor=actor, county_id=county_id, number=data.id_card, attempt="登记"
        ) from None


@transaction.atomic
def _member_register(*, actor: Actor, county_id: int, data: MemberData, on: dt.date) -> Member:
    scope = scope_for_actor(actor)
    branch, group = resolve_placement(county_id, data, scope)
    require(scope.can_manage_org(branch))
    member = Member(status=data.status, status_since=on)
    apply_member_data(member, data, branch, group)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise _NumberTaken from None
    MemberEvent.objects.create(
        county_id=county_id,
        member=member,
        kind=MemberEvent.Kind.REGISTERED,
        on=on,
        status_to=member.status,
        branch_to=branch,
        recorded_at=actor.now,
    )
    audit_record(
        actor=actor,
        action="member.create",
        object_type="member",
        object_id=member.pk,
        county_id=county_id,
        summary=member.name,
        after=member_snapshot(member),
    )
    return member


def member_update(
    *,
    actor: Actor,
    member: Member,
    data: MemberData,
    on: dt.date,
    numbers_confirmed: bool = False,
) -> Member:
    """Change a member's record. A change of branch or status goes through the dated history.

    The ID number and the phone change only by a role that may reveal them, with the password
    entered in the last few minutes (`numbers_confirmed`, which the page and the API take from
    the session or the token; a command on the server needs none): else PermissionDenied, or
    ReauthRequired. A number already on the roster is refused as at registration."""
    try:
        return _member_update(
            actor=actor, member=member, data=data, on=on, numbers_confirmed=numbers_confirmed
        )
    except _NumberTaken:
        raise refuse_number(
            actor=actor, county_id=member.county_id, number=data.id_card, attempt="修改"
        ) from None


def numbers_change(member: Member, data: MemberData) -> bool:
    """Whether `data` would change the member's ID number or phone."""
    if member.id_card_hash != pii.blind_index(data.id_card):
        return True
    return data.phone != (pii.decrypt(member.phone_enc) if member.phone_enc else "")


@transaction.atomic
def _member_update(
    *, actor: Actor, member: Member, data: MemberData, on: dt.date, numbers_confirmed: bool
) -> Member:
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    scope = scope_for_actor(actor)
    require(scope.can_manage_member(member))
    if numbers_change(member, data):
        require(scope.can_reveal_member(member))
        if not (actor.is_system or numbers_confirmed):
            raise ReauthRequired(REAUTH_FOR_NUMBERS)
    branch, group = resolve_placement(member.county_id, data, scope)
    require(scope.can_manage_org(branch))
    before = member_snapshot(member)
    old_branch, old_status = member.branch, member.status
    apply_member_data(member, data, branch, group)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise _NumberTaken from None
    if branch.pk != old_branch.pk:
        _history(actor, member, MemberEvent.Kind.TRANSFER, on, branch_from=old_branch)
    if data.status != old_status:
        _set_status(actor, member, data.status, on, "")
    audit_record(
        actor=actor,
        action="member.update",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=member.name,
        before=before,
        after=member_snapshot(member),
    )
    return member


def _history(
    actor: Actor,
    member: Member,
    kind: str,
    on: dt.date,
    *,
    branch_from: Org | None = None,
    status_from: str = "",
    note: str = "",
) -> None:
    MemberEvent.objects.create(
        county_id=member.county_id,
        member=member,
        kind=kind,
        on=on,
        branch_from=branch_from,
        branch_to=member.branch if kind == MemberEvent.Kind.TRANSFER else None,
        status_from=status_from,
        status_to=member.status if kind == MemberEvent.Kind.STATUS else "",
        note=note,
        recorded_at=actor.now,
    )


def _set_status(actor: Actor, member: Member, status: str, on: dt.date, note: str) -> None:
    old = Member.objects.filter(pk=member.pk).values_list("status", flat=True).get()
    Member.objects.filter(pk=member.pk).update(status=status, status_since=on)
    member.status, member.status_since = status, on
    _history(actor, member, MemberEvent.Kind.STATUS, on, status_from=old, note=note)


@transaction.atomic
def member_transfer(
    *, actor: Actor, member: Member, to_branch: Org, on: dt.date, note: str = ""
) -> Member:
    """Move a member's membership to another branch of the county, keeping the history."""
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    scope = scope_for_actor(actor)
    require(scope.can_manage_member(member) and scope.can_manage_org(to_branch))
    if to_branch.county_id != member.county_id:
        raise ServiceError("跨旗县区转接组织关系请先转出")
    if to_branch.kind not in MEMBER_HOLDING_KINDS:
        raise ServiceError(f"“{to_branch.name}”不是党支部，党员应编入党支部")
    if to_branch.pk == member.branch_id:
        raise ServiceError("党员已在该支部")
    before = member_snapshot(member)
    old_branch = member.branch
    member.branch, member.group = to_branch, None
    member.save(update_fields=["branch", "group", "updated_at"])
    _history(actor, member, MemberEvent.Kind.TRANSFER, on, branch_from=old_branch, note=note)
    audit_record(
        actor=actor,
        action="member.transfer",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=f"{member.name}：{old_branch.name} → {to_branch.name}",
        before=before,
        after=member_snapshot(member),
    )
    return member


@transaction.atomic
def member_set_status(
    *, actor: Actor, member: Member, status: str, on: dt.date, note: str = ""
) -> Member:
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    require(scope_for_actor(actor).can_manage_member(member))
    if status not in MemberStatus.values:
        raise ServiceError(f"未知的状态“{status}”")
    if status == member.status:
        raise ServiceError("状态没有变化")
    before = member_snapshot(member)
    _set_status(actor, member, status, on, note)
    audit_record(
        actor=actor,
        action="member.status",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=f"{member.name}：{before['status']} → {status}",
        before=before,
        after=member_snapshot(member),
    )
    return member


def member_reveal(*, actor: Actor, member: Member) -> dict[str, str]:
    """The full ID number and phone, for an entitled viewer; every reveal is logged."""
    require(scope_for_actor(actor).can_reveal_member(member))
    audit_record(
        actor=actor,
        action="member.reveal",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=member.name,
    )
    return {"id_card": member.id_card, "phone": member.phone}


# --- users and roles ----------------------------------------------------------------------


# a role in the audit log's Chinese words (the log is Chinese whatever the page's language)
ROLE_WORDS = {
    "county": "组织部管理员",
    "township": "党委管理员",
    "secretary": "党支部书记",
    "committee": "支委会委员",
    "grid_worker": "网格员",
    "member": "党员",
}


@transaction.atomic
def role_grant(*, actor: Actor, user: User, org: Org, role: str) -> RoleAssignment:
    require(scope_for_actor(actor).can_manage_tree(org) or actor.is_system)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, org=org, role=role, defaults={"county_id": org.county_id}
    )
    if created:
        audit_record(
            actor=actor,
            action="role.grant",
            object_type="user",
            object_id=user.pk,
            county_id=org.county_id,
            summary=f"{user.get_username()}任{org.name}{ROLE_WORDS.get(role, role)}",
            after={"role": role, "org_id": org.pk},
        )
    forget_scope(user)
    return assignment


@transaction.atomic
def user_create(*, actor: Actor, username: str, password: str, name: str = "") -> Any:
    User = get_user_model()
    for value in (username, name):
        if (problem := name_problem(value)) is not None:
            raise ServiceError(problem)
    if User.objects.filter(username=username).exists():
        raise ServiceError(f"用户名“{username}”已存在", code="duplicate")
    user = User.objects.create_user(username=username, password=password, first_name=name)
    audit_record(
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.pk,
        county_id=None,
        summary=username,
    )
    return user
