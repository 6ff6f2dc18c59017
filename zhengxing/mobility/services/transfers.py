"""Moving a member's membership to another county (组织关系转接, PRACTICES §4: "one organisation
holds the membership while the member joins organisation life in both"): sent out by the
member's branch to an organisation of another county named by its county's and its own code,
received there once. The first county's row stays, marked transferred out with its history;
the receiving county registers its own row (the roster's `member_register`), and the transfer
joins the two. A destination that does not exist is refused in Chinese, nothing written."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.roster import MemberData
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus
from zhengxing.orgs.selectors import scope_for_actor
from zhengxing.orgs.services import member_register, member_set_status

from ..models import Transfer

ON_THE_ROLL = (MemberStatus.ACTIVE, MemberStatus.MOBILE)
NO_SUCH_ORG = "接收党组织“{code}”不存在，请核对旗县区代码和党组织代码"


def _today(actor: Actor) -> dt.date:
    return timezone.localdate(actor.now)


def transfer_destination(*, county_code: str, org_code: str) -> Org:
    """The organisation a transfer goes to: a branch (one that holds members) of another county,
    by the county's code and its own; ServiceError when there is none."""
    county_code, org_code = (county_code or "").strip(), (org_code or "").strip()
    found = (
        Org.objects.select_related("county")
        .filter(county__code=county_code, code=org_code, is_active=True)
        .first()
        if county_code and org_code
        else None
    )
    if found is None:
        raise ServiceError(NO_SUCH_ORG.format(code=f"{county_code}/{org_code}"))
    if found.kind not in MEMBER_HOLDING_KINDS:
        raise ServiceError(f"“{found.name}”不是党支部，组织关系应转入党支部")
    return found


@transaction.atomic
def transfer_out(
    *,
    actor: Actor,
    member: Member,
    to_county_code: str,
    to_org_code: str,
    on: dt.date,
    note: str = "",
) -> Transfer:
    """The member's branch sends their membership to an organisation of another county: the
    destination checked first (it must exist and hold members), then the member marked
    transferred out on the roster (its history kept: `member_set_status`) and the transfer
    written, waiting to be received. One transfer under way per member (a partial unique
    index); within the county a transfer is the roster's move between branches."""
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    require(scope_for_actor(actor).can_manage_member(member))
    to_org = transfer_destination(county_code=to_county_code, org_code=to_org_code)
    if to_org.county_id == member.county_id:
        raise ServiceError("本旗县区内的转接，请在党员名册中调整所在支部")
    if member.status not in ON_THE_ROLL:
        raise ServiceError(f"“{member.name}”已不在本支部党员名册中，不能转出")
    if on > _today(actor):
        raise ServiceError("转出日期不能晚于今天")
    note = clean_text(note, label="说明", limit=300, required=False)
    from_branch = member.branch
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                county_id=member.county_id,
                member=member,
                from_branch=from_branch,
                to_county_id=to_org.county_id,
                to_org=to_org,
                sent_on=on,
                note=note,
                sent_by=actor.user,
                sent_at=actor.now,
            )
    except IntegrityError:
        raise ServiceError(f"“{member.name}”的组织关系正在转接中", code="conflict") from None
    where = f"{to_org.county.name} {to_org.name}"
    member_set_status(
        actor=actor,
        member=member,
        status=MemberStatus.TRANSFERRED_OUT,
        on=on,
        note=f"组织关系转往{where}"[:300],
    )
    audit_record(
        actor=actor,
        action="mobility.transfer.out",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=f"{member.name}：组织关系转出至{where}"[:300],
        after={"transfer_id": transfer.pk, "to_org_id": to_org.pk, "on": on.isoformat()},
    )
    return transfer


@transaction.atomic
def transfer_receive(*, actor: Actor, transfer: Transfer, on: dt.date) -> Member:
    """The receiving organisation takes the member in, once: a row on its county's roster with
    the member's record as the first county kept it (the ID number and phone carried over),
    active from `on`; the transfer joins the two rows, so the history on either side stays."""
    transfer = (
        Transfer.objects.select_for_update()
        .select_related("member", "to_org", "county", "from_branch")
        .get(pk=transfer.pk)
    )
    require(scope_for_actor(actor).can_manage_org(transfer.to_org))
    if transfer.received_on is not None:
        raise ServiceError("该党员的组织关系已经转入", code="conflict")
    if on < transfer.sent_on:
        raise ServiceError("转入日期不能早于转出日期")
    if on > _today(actor):
        raise ServiceError("转入日期不能晚于今天")
    old = transfer.member
    data = MemberData(
        name=old.name,
        gender=old.gender,
        ethnicity=old.ethnicity,
        birth_date=old.birth_date,
        id_card=old.id_card,
        phone=old.phone if old.phone_enc else "",
        address=old.address,
        education=old.education,
        joined_on=old.joined_on,
        full_on=old.full_on,
        standing=old.standing,
        category=old.category,
        post=old.post,
        branch_code=transfer.to_org.code,
        group_code="",
        status=MemberStatus.ACTIVE,
        mobile_whereabouts="",
        mobile_reason="",
    )
    member = member_register(actor=actor, county_id=transfer.to_county_id, data=data, on=on)
    transfer.received_on, transfer.received_member, transfer.received_by = on, member, actor.user
    transfer.save(update_fields=["received_on", "received_member", "received_by"])
    audit_record(
        actor=actor,
        action="mobility.transfer.in",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=f"{member.name}：组织关系自{transfer.county.name} {transfer.from_branch.name}转入"[
            :300
        ],
        after={"transfer_id": transfer.pk, "from_member_id": old.pk, "on": on.isoformat()},
    )
    return member
