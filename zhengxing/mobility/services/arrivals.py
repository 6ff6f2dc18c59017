"""A member arriving from a county outside the system (组织关系转接, in): the sending county and
organisation are an external party, named with a contact, never a login; the branch records
the arrival on the sending organisation's letter of introduction (its number and date), and the
member joins the county's roster (the roster's `member_register`) with their history starting
on the day they arrive. Refused in Chinese, nothing written: no letter number, a letter already
received, an ID number already on the county's roster, dates out of order.

明确流动党员组织关系一方隶属、参加多重组织生活的要求 (article 002)"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.text import clean_text
from zhengxing.orgs.roster import MemberData
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.services import member_register

from ..models import Arrival
from ..rules import check_phone

LETTER_MAX = 50


@transaction.atomic
def arrival_record(
    *,
    actor: Actor,
    county_id: int,
    data: MemberData,
    from_county: str,
    from_org: str,
    contact_name: str,
    contact_phone: str,
    letter_no: str,
    letter_on: dt.date,
    arrived_on: dt.date,
) -> Arrival:
    """The member received on the letter: the sending side and the letter checked first, then
    the member registered active in their branch from `arrived_on` (the branch's scope checked
    there, an ID number already on the county's roster refused there), then the arrival kept
    beside the roster row. One letter of a sending county is received once (a constraint)."""
    letter_no = clean_text(letter_no, label="组织关系介绍信编号", limit=LETTER_MAX, required=False)
    if not letter_no:
        raise ServiceError("请填写组织关系介绍信编号")
    from_county = clean_text(from_county, label="转出地旗县区（或省市县）", limit=100)
    from_org = clean_text(from_org, label="转出党组织", limit=200)
    contact_name = clean_text(contact_name, label="转出地联系人", limit=50)
    phone = check_phone(contact_phone)
    today = timezone.localdate(actor.now)
    if arrived_on > today:
        raise ServiceError("转入日期不能晚于今天")
    if letter_on > arrived_on:
        raise ServiceError("介绍信日期不能晚于转入日期")
    if Arrival.objects.filter(
        county_id=county_id, from_county=from_county, letter_no=letter_no
    ).exists():
        raise ServiceError(f"介绍信“{letter_no}”已经办理转入", code="duplicate")
    data = dataclasses.replace(
        data, status=MemberStatus.ACTIVE, mobile_whereabouts="", mobile_reason=""
    )
    member = member_register(actor=actor, county_id=county_id, data=data, on=arrived_on)
    try:
        with transaction.atomic():
            found = Arrival.objects.create(
                county_id=county_id,
                member=member,
                branch_id=member.branch_id,
                from_county=from_county,
                from_org=from_org,
                contact_name=contact_name,
                phone_enc=pii.encrypt(phone),
                letter_no=letter_no,
                letter_on=letter_on,
                arrived_on=arrived_on,
                recorded_by=actor.user,
                recorded_by_label=actor.label,
                recorded_at=actor.now,
            )
    except IntegrityError:
        raise ServiceError(f"介绍信“{letter_no}”已经办理转入", code="duplicate") from None
    audit_record(
        actor=actor,
        action="mobility.arrival.record",
        object_type="member",
        object_id=member.pk,
        county_id=county_id,
        summary=f"{member.name}：组织关系自{from_county} {from_org}转入（介绍信{letter_no}）"[:300],
        after={
            "arrival_id": found.pk,
            "letter_no": letter_no,
            "letter_on": letter_on.isoformat(),
            "on": arrived_on.isoformat(),
        },
    )
    return found
