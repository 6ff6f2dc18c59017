"""The demo county's lost member and moved member (issue 21, "6"): a member of a village branch
who went away in December 2025 and was not heard from is flagged lost contact on 5 July 2026,
searched for by phone and through the family, found when he reports where he is from 包头, and
the case closed; a mobile member's membership is sent to a branch of the neighbouring county in
September and received there, the history kept on both sides. All through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import County, Member, Org
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.services import county_create, county_root, member_set_status, org_create

from .services import registration_code_issue, whereabouts_report
from .services.lost import lost_case_close, lost_flag, lost_reason_set, search_step_record
from .services.transfers import transfer_out, transfer_receive


@dataclass(frozen=True)
class DemoLostResult:
    lost: int
    found: int
    transfers: int


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())


def _as(day: dt.date) -> Actor:
    return Actor(user=None, label="示范数据", now=_at(day))


def _neighbour(county: County) -> Org:
    """The neighbouring county's branch a member moves to (one neighbour per demo county)."""
    code = f"NB{county.pk}"
    existing = County.objects.filter(code=code).first()
    if existing is not None:
        return Org.objects.get(county=existing, code="NB-1B")
    neighbour = county_create(
        actor=_as(dt.date(2026, 1, 1)), code=code, name="邻旗", region_code=""
    )
    system = _as(dt.date(2026, 1, 1))
    town = org_create(
        actor=system,
        parent=county_root(neighbour),
        code="NB",
        name="邻旗新城镇党委",
        kind="township",
    )
    village = org_create(actor=system, parent=town, code="NB-1", name="新城村", kind="village")
    return org_create(
        actor=system, parent=village, code="NB-1B", name="中共邻旗新城村支部委员会", kind="branch"
    )


def demo_lost_and_moved(county: County) -> DemoLostResult:
    """One member lost and found, one membership moved out and received (see the module)."""
    lost = (
        Member.objects.filter(county=county, status=MemberStatus.ACTIVE, branch__kind="branch")
        .select_related("branch")
        .order_by("pk")
        .first()
    )
    if lost is None:
        return DemoLostResult(0, 0, 0)
    member_set_status(
        actor=_as(dt.date(2026, 7, 1)),
        member=lost,
        status=MemberStatus.MOBILE,
        on=dt.date(2025, 12, 20),
        note="外出务工，去向不明",
    )
    cases = lost_flag(actor=_as(dt.date(2026, 7, 5)), org=lost.branch)
    case = next(c for c in cases if c.member_id == lost.pk)
    search_step_record(
        actor=_as(dt.date(2026, 7, 8)),
        case=case,
        on=dt.date(2026, 7, 8),
        way="phone",
        what="拨打登记电话，已停机",
    )
    search_step_record(
        actor=_as(dt.date(2026, 7, 12)),
        case=case,
        on=dt.date(2026, 7, 12),
        way="family",
        what="走访其父母，称在包头市建筑工地务工，留下新号码",
    )
    lost_reason_set(actor=_as(dt.date(2026, 7, 12)), case=case, reason="work")
    code, _found = registration_code_issue(actor=_as(dt.date(2026, 7, 13)), member=lost)
    whereabouts_report(
        actor=Actor(user=None, label="public", now=_at(dt.date(2026, 7, 14)), anonymous=True),
        org=lost.branch,
        name=lost.name,
        id_card=lost.id_card,
        code=code,
        city="包头市",
        address="包头市昆都仑区钢铁大街88号工地",
        employer="建筑工地（钢筋工）",
        phone="13904721234",
        since=dt.date(2025, 12, 20),
        expected_months=12,
        reason="work",
    )
    lost_case_close(
        actor=_as(dt.date(2026, 7, 14)),
        case=case,
        outcome="found",
        note="已取得联系，本人通过码上行动报备去向，纳入流动党员管理",
    )
    moving = (
        Member.objects.filter(county=county, status=MemberStatus.MOBILE)
        .exclude(pk=lost.pk)
        .order_by("-pk")
        .first()
    )
    transfers = 0
    if moving is not None:
        to = _neighbour(county)
        sent = transfer_out(
            actor=_as(dt.date(2026, 9, 10)),
            member=moving,
            to_county_code=to.county.code,
            to_org_code=to.code,
            on=dt.date(2026, 9, 10),
            note="在邻旗定居，组织关系随迁",
        )
        transfer_receive(actor=_as(dt.date(2026, 9, 20)), transfer=sent, on=dt.date(2026, 9, 20))
        transfers = 1
    return DemoLostResult(lost=len(cases), found=1, transfers=transfers)
