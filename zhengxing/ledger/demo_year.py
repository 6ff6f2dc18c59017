"""A year of points in the demo county (`zhengxing demo`): 2026 under the county's Sanmenxia
rules, built only through the services — so every claim, review, entry, signature, notice,
objection and talk has its audit row and the chains verify.

Each branch: base points in January; in each of Q1-Q3 collective work recorded for many at once
(snow clearing, volunteering), members' own reports (mediation, helping families, haircuts for
the elderly), the committee's review (most approved, some adjusted, a few rejected with a
reason), a deduction or two, and the secretary's signature, which posts the quarter's notice.
Q4 (open on 23 November) has claims waiting in the review queue. On top: a public report that
became a deduction, objections to a notice with their answers, a reversal, and reminder talks
with members whose points stay low. Activity is uneven (a few very active members, a long
tail), deterministic from the seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.orgs.models import County, Member, Org, RoleAssignment
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus, Role

from . import services
from .models import Claim, LedgerEntry, Objection, Posting, RuleCatalogue, RuleItem
from .rules import Quarter

YEAR = 2026
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 11, 23)  # Q4 open: its claims wait for review

PLACES = ("村委会", "村文化广场", "主街道", "村卫生室", "敬老院", "村小学", "党群服务中心")
COLLECTIVE = {
    1: ("SMX-G02", "清扫村内主干道积雪", dt.date(2026, 1, 20)),
    2: ("SMX-G06", "参加植树造林志愿服务", dt.date(2026, 4, 12)),
    3: ("SMX-G06", "参加汛期巡河志愿服务", dt.date(2026, 7, 28)),
    4: ("SMX-G02", "清扫村内主干道积雪", dt.date(2026, 11, 18)),
}
OWN = (
    ("SMX-G04", "调解邻里宅基地纠纷，双方达成和解"),
    ("SMX-G05", "帮扶困难户秋收，送去米面油"),
    ("SMX-G03", "为敬老院老人义务理发"),
    ("SMX-G06", "在党群服务中心值班，帮群众代办事项"),
    ("SMX-G04", "劝和一起家庭矛盾"),
)
REJECTIONS = ("未提供活动证明，经核实未参加", "与本季度已记录事项重复")


@dataclass(frozen=True)
class DemoYearResult:
    claims: int
    entries: int
    postings: int


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


class _Year:
    def __init__(self, county: County, seed: int, progress: Callable[[str], None] | None) -> None:
        self.county = county
        self.rng = random.Random(seed)
        self.progress = progress or (lambda step: None)
        self.keys = 0
        # the demo's secretary and committee member act in their own branch; elsewhere the
        # county's data entry acts as the server (a system actor), as an import would
        self.roles: dict[tuple[int, str], Any] = {}
        for a in RoleAssignment.objects.filter(
            county=county, role__in=(Role.SECRETARY, Role.COMMITTEE)
        ).select_related("user"):
            self.roles.setdefault((a.org_id, a.role), a.user)

    def key(self) -> str:
        self.keys += 1
        return f"demo-{YEAR}-{self.keys}"

    def actor(self, branch: Org, role: str, day: dt.date, hour: int = 10) -> Actor:
        user = self.roles.get((branch.pk, role))
        if user is None:
            return Actor(user=None, label="示范数据", now=_at(day, hour))
        return Actor(user=user, label=user.get_username(), now=_at(day, hour))

    def build(self) -> DemoYearResult:
        system = Actor(user=None, label="示范数据", now=_at(dt.date(2026, 1, 5)))
        catalogue = RuleCatalogue.objects.filter(
            county=self.county, year=YEAR, owner__parent__isnull=True, is_current=True
        ).first() or services.catalogue_from_preset(
            actor=system, county=self.county, owner=None, year=YEAR, preset="sanmenxia"
        )
        items = {i.code: i for i in catalogue.items.all()}
        branches = list(
            Org.objects.filter(county=self.county, kind__in=MEMBER_HOLDING_KINDS).order_by("path")
        )
        for n, branch in enumerate(branches, start=1):
            members = list(
                Member.objects.filter(branch=branch)
                .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
                .order_by("pk")
            )
            if members:
                self.branch(branch, members, items)
            if n % 5 == 0:
                self.progress(f"points: {n}/{len(branches)} branches")
        self.extras(branches, items)
        return DemoYearResult(
            claims=Claim.objects.filter(county=self.county).count(),
            entries=LedgerEntry.objects.filter(county=self.county).count(),
            postings=Posting.objects.filter(county=self.county).count(),
        )

    def branch(self, branch: Org, members: list[Member], items: dict[str, RuleItem]) -> None:
        rng = self.rng
        # how active each member is: a few very, most a little, some hardly at all
        activity = {m.pk: min(1.0, (rng.paretovariate(1.6) - 1) / 3) for m in members}
        services.base_points_record(
            actor=self.actor(branch, Role.SECRETARY, dt.date(2026, 1, 8)), branch=branch, year=YEAR
        )
        for number in (1, 2, 3, 4):
            quarter = Quarter(YEAR, number)
            claims: list[Claim] = []
            code, text, day = COLLECTIVE[number]
            joined = [m for m in members if rng.random() < 0.3 + activity[m.pk]]
            if joined:
                claims += services.claim_record_many(
                    actor=self.actor(branch, Role.COMMITTEE, day, 16),
                    branch=branch,
                    item=items[code],
                    members=joined,
                    occurred_on=day,
                    place=rng.choice(PLACES),
                    description=f"{len(joined)}名党员{text}",
                    idempotency_key=self.key(),
                )
            for member in members:
                for _ in range(int(activity[member.pk] * 4)):
                    code, text = rng.choice(OWN)
                    day = quarter.first_day + dt.timedelta(days=rng.randint(3, 80))
                    if day >= TODAY:
                        continue
                    item = items[code]
                    points = item.min_points + Decimal(
                        rng.randint(0, int(item.max_points - item.min_points))
                    )
                    try:
                        claims += services.claim_record_many(
                            actor=self.actor(branch, Role.COMMITTEE, day, 17),
                            branch=branch,
                            item=item,
                            members=[member],
                            occurred_on=day,
                            place=rng.choice(PLACES),
                            description=text,
                            points=points,
                            idempotency_key=self.key(),
                        )
                    except ServiceError:
                        continue  # past the item's cap for the quarter: a clerk would not enter it
            if number == 4:
                return  # Q4 is open: its claims wait for the committee
            review_day = quarter.last_day + dt.timedelta(days=3)
            reviewer = self.actor(branch, Role.COMMITTEE, review_day, 9)
            rejected = [c for c in claims if rng.random() < 0.04]
            for claim in rejected:
                services.claim_review(
                    actor=reviewer, claim=claim, decision="reject", reason=rng.choice(REJECTIONS)
                )
            approved = [c for c in claims if c not in rejected]
            if approved:
                services.claim_review_many(
                    actor=reviewer, branch=branch, claims=approved, decision="approve"
                )
            lazy = [m for m in members if activity[m.pk] < 0.12]
            if lazy and rng.random() < 0.5:
                services.deduction_record(
                    actor=reviewer,
                    branch=branch,
                    member=rng.choice(lazy),
                    item=items["SMX-K01"],
                    reason="无故不参加本季度主题党日活动",
                    occurred_on=quarter.last_day - dt.timedelta(days=20),
                    idempotency_key=self.key(),
                )
            services.quarter_sign_off(
                actor=self.actor(branch, Role.SECRETARY, review_day, 15),
                branch=branch,
                quarter=quarter,
            )

    def extras(self, branches: list[Org], items: dict[str, RuleItem]) -> None:
        """A public report, objections with answers, a reversal and reminder talks, in the
        branch of the demo's secretary (the first branch otherwise)."""
        secretary_branch = next(
            (b for b in branches if (b.pk, Role.SECRETARY) in self.roles), branches[0]
        )
        branch = secretary_branch
        members = list(Member.objects.filter(branch=branch).order_by("pk"))
        if len(members) < 3:
            return
        committee = self.actor(branch, Role.COMMITTEE, dt.date(2026, 11, 20), 11)
        report = services.public_report_submit(
            actor=Actor(user=None, label="public", now=_at(dt.date(2026, 10, 9)), anonymous=True),
            branch=branch,
            member=members[1],
            occurred_on=dt.date(2026, 10, 8),
            place="村口",
            description="在村口道路上长期堆放柴草，影响通行",
            reporter_name="村民张大姐",
            reporter_contact="13947100000",
            idempotency_key=self.key(),
        )
        services.deduction_record(
            actor=committee,
            branch=branch,
            member=members[1],
            item=items["SMX-K04"],
            reason="经支委会核实，群众反映属实",
            occurred_on=dt.date(2026, 10, 8),
            report=report,
            idempotency_key=self.key(),
        )
        posting = Posting.objects.filter(branch=branch, year=YEAR, quarter=3).first()
        if posting is not None:
            public = Actor(
                user=None, label="public", now=_at(posting.objections_until, 9), anonymous=True
            )
            objection = services.objection_submit(
                actor=public,
                posting=posting,
                text=f"{members[0].name}第三季度的志愿服务次数是否记多了？",
                contact_name="王先生",
                contact="13847100001",
                member=members[0],
                idempotency_key=self.key(),
            )
            services.objection_answer(
                actor=self.actor(branch, Role.COMMITTEE, posting.objections_until, 16),
                objection=objection,
                answer="经核对活动签到表，该党员第三季度参加志愿服务5次，记分无误。",
            )
        entry = (
            LedgerEntry.objects.filter(branch=branch, year=YEAR, quarter=3, points__gt=0)
            .exclude(item__code="SMX-J01")
            .order_by("seq")
            .first()
        )
        if entry is not None and not Objection.objects.filter(member=entry.member).exists():
            services.entry_reverse(
                actor=committee, entry=entry, reason="经核实该次活动重复登记，予以冲正"
            )
        low = LedgerEntry.objects.filter(branch=branch, year=YEAR).values("member_id").order_by()
        totals: dict[int, Decimal] = {}
        for row in low.values_list("member_id", "points"):
            totals[row[0]] = totals.get(row[0], Decimal(0)) + row[1]
        for member in sorted(members, key=lambda m: (totals.get(m.pk, Decimal(0)), m.pk))[:2]:
            services.reminder_talk_record(
                actor=self.actor(branch, Role.SECRETARY, dt.date(2026, 10, 15), 15),
                member=member,
                held_on=dt.date(2026, 10, 15),
                notes="指出前三季度积分偏低，要求积极参加志愿服务和组织生活，下季度再谈。",
            )


def demo_year(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> DemoYearResult:
    """The demo county's 2026 ledger (call once, right after the county is built)."""
    return _Year(county, seed, progress).build()
