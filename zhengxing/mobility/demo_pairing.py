"""The demo county's pairings and contacts (issue 21, the "4"): each mobile member paired with a
committee member over their branch — the demo branch's committee member and secretary taking
theirs one-to-many, the townships' committees the rest — from January 2026, with a contact
logged each quarter (by phone, video or a home visit, what was said), some quarters missed (Q3's
missed ones are overdue now), and 海流图镇's report on the first half-year's contacts heard and
signed in July; the second half-year's waits for its end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import County, Member, Org, RoleAssignment
from zhengxing.orgs.rules import MemberStatus, Role

from .duty import Half
from .services import contact_log, contact_report_sign, pairing_create

SINCE = dt.date(2026, 1, 8)
# a contact's day in each quarter, and what was said
CONTACTS = (
    (dt.date(2026, 2, 12), "phone", "春节前电话随访：务工稳定，提醒按时交党费、参加流入地组织生活"),
    (dt.date(2026, 5, 20), "video", "视频约访：介绍近期工作，学了“菜单式”点学课程，家中老人安好"),
    (dt.date(2026, 8, 18), "visit", "上门走访家属，转达支部关心，了解其返乡创业的想法"),
    (dt.date(2026, 10, 22), "phone", "电话随访：已参加流入地党支部主题党日，近期暂无返乡计划"),
)  # fmt: skip
PAIRER_ROLES = (Role.SECRETARY, Role.COMMITTEE, Role.TOWNSHIP)


@dataclass(frozen=True)
class DemoPairingResult:
    pairings: int
    contacts: int
    reports: int


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(16), tzinfo=timezone.get_current_timezone())


def demo_pairing(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> DemoPairingResult:
    """The pairings and contacts on the county's mobile members (see the module)."""
    if progress:
        progress("流动党员：结对联络、季度联络、半年联络情况汇报")
    grants = sorted(
        RoleAssignment.objects.filter(county=county, role__in=PAIRER_ROLES).select_related(
            "user", "org"
        ),
        key=lambda a: (-len(a.org.path), a.role != Role.COMMITTEE, a.pk),
    )
    mobile = list(
        Member.objects.filter(county=county, status=MemberStatus.MOBILE)
        .select_related("branch")
        .order_by("pk")
    )
    pairings = contacts = 0
    township_of: dict[int, Org] = {}
    for n, member in enumerate(mobile):
        covering = [a for a in grants if member.branch.path.startswith(a.org.path)]
        if not covering:
            continue
        # the nearest committee; its members take turns (one-to-many)
        nearest = [a for a in covering if a.org_id == covering[0].org_id]
        grant = nearest[(n + seed) % len(nearest)]
        pairer = grant.user
        setup = Actor(user=None, label="示范数据", now=_at(SINCE))
        pairing_create(actor=setup, member=member, pairer=pairer, side="outflow", since=SINCE)
        pairings += 1
        for q, (day, way, said) in enumerate(CONTACTS):
            missed = (q == 1 and n % 7 == 3) or (q == 2 and n % 4 == 1) or (q == 3 and n % 2)
            if missed:
                continue
            on = day + dt.timedelta(days=n % 20)
            contact_log(
                actor=Actor(user=pairer, label=pairer.username, now=_at(on)),
                member=member,
                way=way,
                on=on,
                said=said,
            )
            contacts += 1
        town = next((a.org for a in covering if a.role == Role.TOWNSHIP), None)
        if town is not None:
            township_of.setdefault(town.pk, town)
    reports = 0
    signer = next((a for a in grants if a.role == Role.TOWNSHIP), None)
    if signer is not None and signer.org_id in township_of:
        contact_report_sign(
            actor=Actor(user=signer.user, label=signer.user.username, now=_at(dt.date(2026, 7, 8))),
            org=signer.org,
            half=Half(2026, 1),
            signer_name=signer.user.first_name or signer.user.username,
            remarks="结对联络总体到位；个别党员第二季度未联络，责成结对班子成员补联并说明情况",
        )
        reports += 1
    return DemoPairingResult(pairings=pairings, contacts=contacts, reports=reports)
