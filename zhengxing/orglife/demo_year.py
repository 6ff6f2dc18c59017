"""A year of organisation life in the demo county (`zhengxing demo`), built only through the
services, after the points and the stars: each branch's 三会一课 and theme days of 2026 —
planned, signed in (the demo member by scanning the printed sheet, the rest ticked by the
secretary), some members on leave, mobile members at their inflow organisation's meeting — and
their minutes closed; two branches fall behind (the township's page flags them); meetings still
to come in December; the county's learning menu, lessons picked, recorded, confirmed and
delivered (送学上门, 红色包裹 to mobile members).

The demo's catalogue (Sanmenxia) has no item for attending, only the deduction for absence
without leave (无故不参加组织生活, SMX-K01): the first three quarters are signed by the ledger's
demo already, so their meetings have no one absent without leave; in the fourth quarter, still
open, a few are, and the deduction follows when the minutes close."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import County, Member, Org, RoleAssignment
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus, Role

from . import services
from .models import Attendee, Course, Lesson, Meeting, MeetingKind

YEAR = 2026
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 11, 23)  # as the ledger's demo: Q4 open
PLACES = ("党群服务中心", "村委会会议室", "村文化广场", "党员活动室")
AGENDA: dict[str, str] = {
    MeetingKind.MEMBERS: "传达上级会议精神；讨论本季度党员积分；研究村级重要事项",
    MeetingKind.COMMITTEE: "研究本月工作安排；审核党员积分申报",
    MeetingKind.LECTURE: "书记讲党课：发挥党员先锋模范作用",
    MeetingKind.THEME_DAY: "重温入党誓词；集中学习；志愿服务",
}
LEAVE = ("外出务工", "生病住院", "照顾家中老人", "农忙")
COURSES = (
    ("学习贯彻党的二十大精神（视频）", "video", Decimal("1.5"), "https://www.12371.cn/"),
    ("《中国共产党章程》导读", "text", Decimal("2.0"), ""),
    ("乡村振兴政策解读（线下课）", "offline", Decimal("2.0"), ""),
    ("科学种田与农机补贴（送学上门）", "delivery", Decimal("1.0"), ""),
    ("红色包裹：党员学习读本", "parcel", Decimal("3.0"), ""),
)


@dataclass(frozen=True)
class DemoLifeResult:
    meetings: int
    lessons: int


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def _schedule(behind: bool) -> list[tuple[str, dt.date]]:
    """The year's meetings up to today: the committee and the theme day monthly, the members'
    meeting and the Party lecture quarterly; a branch behind skips some."""
    found: list[tuple[str, dt.date]] = []
    for month in range(1, TODAY.month + 1):
        if not (behind and month in (4, 5, 8)):
            found.append((MeetingKind.COMMITTEE, dt.date(YEAR, month, 5)))
        if not (behind and month in (2, 6)):
            day = dt.date(YEAR, month, 15)  # the theme day on a fixed date
            if day <= TODAY:
                found.append((MeetingKind.THEME_DAY, day))
        if month % 3 == 0:
            found.append((MeetingKind.MEMBERS, dt.date(YEAR, month, 20)))
            if not behind:
                found.append((MeetingKind.LECTURE, dt.date(YEAR, month, 22)))
    return found


class _Life:
    def __init__(self, county: County, seed: int, progress: Callable[[str], None] | None) -> None:
        self.county = county
        self.rng = random.Random(seed + 20)
        self.progress = progress or (lambda step: None)
        self.secretaries: dict[int, Any] = {}
        for a in RoleAssignment.objects.filter(county=county, role=Role.SECRETARY).select_related(
            "user"
        ):
            self.secretaries.setdefault(a.org_id, a.user)

    def actor(self, branch: Org, day: dt.date, hour: int = 10) -> Actor:
        user = self.secretaries.get(branch.pk)
        if user is None:
            return Actor(user=None, label="示范数据", now=_at(day, hour))
        return Actor(user=user, label=user.get_username(), now=_at(day, hour))

    def build(self) -> DemoLifeResult:
        branches = list(
            Org.objects.filter(county=self.county, kind__in=MEMBER_HOLDING_KINDS).order_by("path")
        )
        for n, branch in enumerate(branches, start=1):
            self.meetings(branch, behind=n in (3, 7))
            if n % 5 == 0:
                self.progress(f"organisation life: {n}/{len(branches)} branches")
        self.learning(branches)
        return DemoLifeResult(
            meetings=Meeting.objects.filter(county=self.county).count(),
            lessons=Lesson.objects.filter(county=self.county).count(),
        )

    def meetings(self, branch: Org, *, behind: bool) -> None:
        rng = self.rng
        for kind, day in _schedule(behind):
            meeting = services.meeting_plan(
                actor=self.actor(branch, day - dt.timedelta(days=7)),
                branch=branch,
                kind=kind,
                held_on=day,
                place=rng.choice(PLACES),
                agenda=AGENDA[kind],
            )
            self.hold(branch, meeting, open_quarter=day.month >= 10)
        for kind, day in ((MeetingKind.THEME_DAY, dt.date(YEAR, 12, 15)),
                          (MeetingKind.MEMBERS, dt.date(YEAR, 12, 20))):  # fmt: skip
            services.meeting_plan(
                actor=self.actor(branch, TODAY),
                branch=branch,
                kind=kind,
                held_on=day,
                place=PLACES[0],
                agenda=AGENDA.get(kind, "年度组织生活会"),
            )

    def hold(self, branch: Org, meeting: Meeting, *, open_quarter: bool) -> None:
        rng = self.rng
        day = meeting.held_on
        roll = list(
            Member.objects.filter(
                pk__in=Attendee.objects.filter(meeting=meeting).values("member_id")
            ).order_by("pk")
        )
        present: list[Member] = []
        for member in roll:
            if member.status == MemberStatus.MOBILE:
                services.attendee_excuse(
                    actor=self.actor(branch, day - dt.timedelta(days=1)), meeting=meeting,
                    member=member, excuse="elsewhere", reason="在流入地党组织参加",
                )  # fmt: skip
                continue
            roll_dice = rng.random()
            if roll_dice < 0.08:
                services.attendee_excuse(
                    actor=self.actor(branch, day - dt.timedelta(days=1)), meeting=meeting,
                    member=member, excuse="leave", reason=rng.choice(LEAVE),
                )  # fmt: skip
            elif roll_dice < 0.11 and open_quarter:
                continue  # absent without leave: the deduction follows at the close
            elif member.user_id is not None and member.user is not None:
                # a member with a login scans the printed sheet on the day
                services.meeting_sign_in(
                    actor=Actor(user=member.user, label=member.user.get_username(),
                                now=_at(day, 9)),
                    code=meeting.sheet_code,
                )  # fmt: skip
            else:
                present.append(member)
        if present:
            services.meeting_tick(actor=self.actor(branch, day, 11), meeting=meeting,
                                  members=present)  # fmt: skip
        services.meeting_close(
            actor=self.actor(branch, day, 17),
            meeting=meeting,
            minutes=f"{meeting.get_kind_display()}按议程进行：{meeting.agenda}。",
        )

    def learning(self, branches: list[Org]) -> None:
        rng = self.rng
        root = Org.objects.get(county=self.county, parent__isnull=True)
        county_actor = Actor(user=None, label="示范数据", now=_at(dt.date(YEAR, 2, 1)))
        courses = [
            Course.objects.filter(county=self.county, title=title).first()
            or services.course_create(
                actor=county_actor,
                county_root=root,
                title=title,
                kind=kind,
                hours=hours,
                link=link,
                body="第一章 党员。第二章 党的组织制度。" if kind == "text" else "",
            )
            for title, kind, hours, link in COURSES
        ]
        video, text, offline, delivery, parcel = courses
        for branch in branches:
            members = list(
                Member.objects.filter(branch=branch, status__in=(MemberStatus.ACTIVE,
                                                                 MemberStatus.MOBILE))
                .select_related("user")
                .order_by("pk")
            )  # fmt: skip
            if not members:
                continue
            here = [m for m in members if m.status == MemberStatus.ACTIVE]
            far = [m for m in members if m.status == MemberStatus.MOBILE]
            secretary = self.actor(branch, dt.date(YEAR, 6, 28), 15)
            services.lessons_deliver(
                actor=secretary, branch=branch, course=offline,
                members=[m for m in here if rng.random() < 0.7],
                completed_on=dt.date(YEAR, 6, 28), note="村党群服务中心集中授课",
            )  # fmt: skip
            elderly = [m for m in here if m.category == "elderly"]
            if elderly:
                services.lessons_deliver(
                    actor=self.actor(branch, dt.date(YEAR, 9, 10), 15), branch=branch,
                    course=delivery, members=elderly, completed_on=dt.date(YEAR, 9, 10),
                    note="入户为年老体弱党员送学",
                )  # fmt: skip
            if far:
                services.lessons_deliver(
                    actor=self.actor(branch, dt.date(YEAR, 10, 8), 15), branch=branch,
                    course=parcel, members=far, completed_on=dt.date(YEAR, 10, 8),
                    note="邮寄红色包裹到流入地",
                )  # fmt: skip
            # members with a login pick from the menu and record the video done: the branch's
            # confirmation waits on the secretary's page
            for member in members:
                user = member.user
                if user is None:
                    continue
                own = Actor(user=user, label=user.get_username(), now=_at(dt.date(YEAR, 11, 2)))
                for course in (video, text):
                    lesson = services.course_pick(actor=own, course=course)
                    if course is video:
                        services.lesson_report(
                            actor=Actor(user=user, label=own.label,
                                        now=_at(dt.date(YEAR, 11, 10))),
                            lesson=lesson, completed_on=dt.date(YEAR, 11, 9),
                            note="观看了视频，体会到要在乡村振兴中发挥先锋作用",
                        )  # fmt: skip


def demo_life(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> DemoLifeResult:
    """The demo county's 2026 organisation life (call once, after its points and stars)."""
    return _Life(county, seed, progress).build()
