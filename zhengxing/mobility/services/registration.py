"""Writes of the mobile members' practice, each checking the actor's scope, refusing bad input in
Chinese before anything is written, and recording its audit row in the same transaction.

“1”即利用“全市流动党员码上行动”在线报备登记平台，发挥数据优势，弥补缺工作盲区短板，便于流入流出地
党组织及时掌握流动党员情况，有效强化联系。 (article 002)
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs import idcard
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.selectors import scope_for_actor

from ..models import RegistrationCode, Whereabouts
from ..rules import (
    ADDRESS_MAX,
    CITY_MAX,
    EMPLOYER_MAX,
    ROSTER_REASON,
    Reason,
    check_phone,
    check_stay,
    code_expires,
    code_hash,
    new_code,
)

# Members a code may be issued to: on the roster, not moved away or deceased.
ON_THE_ROLL = (MemberStatus.ACTIVE, MemberStatus.MOBILE)
CODE_REFUSED = "报备码无效，请核对后重新输入，或向流出地党支部重新领取"
IDENTITY_REFUSED = "姓名、身份证号与报备码不符，请核对后重新填写"


@transaction.atomic
def registration_code_issue(*, actor: Actor, member: Member) -> tuple[str, RegistrationCode]:
    """A one-time code for a mobile member to report where they are (码上行动 在线报备登记):
    issued by the member's outflow branch (its secretary or committee, the township, the
    county), returned once to be shown, printed or read out on the phone; only its hash is
    kept. It expires after settings.ZHENGXING_MOBILE_CODE_DAYS days and is spent by one report.

    “1”即利用“全市流动党员码上行动”在线报备登记平台 (article 002)
    """
    member = Member.objects.select_related("branch").get(pk=member.pk)
    require(scope_for_actor(actor).can_manage_member(member))
    if member.status not in ON_THE_ROLL:
        raise ServiceError(f"“{member.name}”已不在本支部党员名册中，不能生成报备码")
    code = new_code()
    found = RegistrationCode.objects.create(
        county_id=member.county_id,
        member=member,
        code_hash=code_hash(code),
        issued_by=actor.user,
        issued_at=actor.now,
        expires_at=code_expires(actor.now),
    )
    audit_record(
        actor=actor,
        action="mobility.code.issue",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=f"{member.name}：生成流动党员报备码",
        after={"code_id": found.pk, "expires_at": found.expires_at.isoformat()},
    )
    return code, found


def _identity_matches(member: Member, *, name: str, id_card: str) -> bool:
    """Whether the name and ID number typed are the roster's: the number compared by its
    keyed hash, as the roster finds members, never decrypted or echoed."""
    number = idcard.normalise(id_card or "")
    return member.name == name.strip() and pii.blind_index(number) == member.id_card_hash


@transaction.atomic
def whereabouts_report(
    *,
    actor: Actor,
    org: Org,
    name: str,
    id_card: str,
    code: str,
    city: str,
    address: str,
    employer: str,
    phone: str,
    since: dt.date,
    expected_months: int,
    reason: str,
) -> Whereabouts:
    """A mobile member reports where they are, from the phone form the county's or their
    branch's QR code opens (`org`), proving who they are by name, ID number and the one-time
    code their outflow branch gave them. The report is a new dated record (the earlier ones
    kept) and becomes the roster's destination and reason. A code unknown here, of a member
    outside `org`, not matching the name and ID number, spent or expired is refused, nothing
    written; the code's row is locked, so two phones racing with one code make one report (and
    a constraint holds one report per code).

    “1”即利用“全市流动党员码上行动”在线报备登记平台，发挥数据优势，弥补缺工作盲区短板 (article 002)
    """
    city = clean_text(city, label="所在城市", limit=CITY_MAX)
    address = clean_text(address, label="详细地址", limit=ADDRESS_MAX)
    employer = clean_text(employer, label="工作单位或从事行业", limit=EMPLOYER_MAX)
    digits = check_phone(phone)
    check_stay(since=since, expected_months=expected_months, today=timezone.localdate(actor.now))
    if reason not in Reason.values:
        raise ServiceError("请选择外出原因")
    found = (
        RegistrationCode.objects.select_for_update()
        .filter(code_hash=code_hash(code), county_id=org.county_id)
        .first()
    )
    member = (
        Member.objects.select_related("branch").filter(pk=found.member_id).first()
        if found is not None
        else None
    )
    if found is None or member is None or not member.branch.path.startswith(org.path):
        raise ServiceError(CODE_REFUSED)
    if not _identity_matches(member, name=name, id_card=id_card):
        raise ServiceError(IDENTITY_REFUSED)
    if found.used_at is not None:
        raise ServiceError("该报备码已经使用过，请向流出地党支部重新领取", code="conflict")
    if found.expires_at <= actor.now:
        raise ServiceError("该报备码已过期，请向流出地党支部重新领取")
    # the member's row locked: two reports of one member (two codes) queue, one stays current
    Member.objects.select_for_update().filter(pk=member.pk).values_list("pk").get()
    Whereabouts.objects.filter(member=member, current=True).update(current=False)
    try:
        with transaction.atomic():
            report = Whereabouts.objects.create(
                county_id=member.county_id,
                member=member,
                reported_at=actor.now,
                city=city,
                address=address,
                employer=employer,
                phone_enc=pii.encrypt(digits),
                since=since,
                expected_months=expected_months,
                reason=reason,
                source=Whereabouts.Source.SELF,
                current=True,
                code=found,
            )
    except IntegrityError:
        raise ServiceError(
            "该报备码已经使用过，请向流出地党支部重新领取", code="conflict"
        ) from None
    found.used_at = actor.now
    found.save(update_fields=["used_at"])
    Member.objects.filter(pk=member.pk).update(
        mobile_whereabouts=f"{city} {address}"[:200],
        mobile_reason=ROSTER_REASON[Reason(reason)],
    )
    audit_record(
        actor=actor,
        action="mobility.whereabouts.report",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=f"{member.name}：报备去向 {city}",
        after={
            "report_id": report.pk,
            "city": city,
            "employer": employer,
            "since": since.isoformat(),
            "expected_months": expected_months,
            "reason": reason,
        },
    )
    return report
