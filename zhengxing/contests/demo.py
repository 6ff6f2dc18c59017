"""The demo county's contests (issue 23): 乡村振兴大比武 finished — eight branches entered, the
public voted with printed codes, three judges scored, the results published with 优胜 and 获胜
and the last two listed for a talk — and 双晒 in its public voting now, its counts hidden.
Dates are set around the day the demo is built, so the second one is open when it is served.
And 比武争星 level by level: the first township's street contest, published, its two 优胜 gone up
to the banner's, whose showcase is open now (their secretaries may still mend their entries);
work performance there weighs points, meetings held and needs answered in time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.contrib.auth.models import User
from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import County, Org
from zhengxing.orgs.rules import OrgKind

from .rules import Dates
from .services import (
    contest_create,
    entry_submit,
    judge_add,
    results_publish,
    score_submit,
    vote_cast,
    voter_codes_issue,
    votes_flag,
)

RUBRIC = [
    {"name": "思路举措", "max": 30},
    {"name": "工作成效", "max": 50},
    {"name": "现场讲述", "max": 20},
]
WORDS = (
    "党支部领办合作社，带动村集体经济增收",
    "“五人小组”三轮议事、两级审定、全程公开",
    "网格员敲门行动，不漏一户、不落一人",
    "发展设施农业，建成果蔬种植园区",
)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _short(branch: Org) -> str:
    return branch.name.removeprefix("中共").removesuffix("支部委员会")


def demo_contests(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> int:
    """Two contests on the county's branches (see the module); returns how many votes."""
    if progress:
        progress("大比武：一场已公布结果，一场正在投票")
    today = timezone.localdate()
    root = Org.objects.get(county=county, parent=None)
    branches = list(Org.objects.filter(county=county, kind=OrgKind.BRANCH).order_by("path")[:14])
    judges = [
        User.objects.get_or_create(username=f"demo-judge-{n}", defaults={"first_name": name})[0]
        for n, name in enumerate(("张评委", "李评委", "王评委"), start=1)
    ]
    votes = 0

    def actor(day: dt.date, user: User | None = None, ip: str | None = None, s: int = 0) -> Actor:
        a = Actor(user=user, label="示范数据", now=_at(day) + dt.timedelta(seconds=s))
        return dataclasses.replace(a, ip=ip, anonymous=True, label="anonymous") if ip else a

    # finished: voting closed 80 days ago, results published 59 days ago
    start = today - dt.timedelta(days=120)
    dates = Dates(
        start,
        start + dt.timedelta(days=10),
        start + dt.timedelta(days=40),
        start + dt.timedelta(days=60),
    )
    done = contest_create(
        actor=actor(start - dt.timedelta(days=5)),
        organiser=root,
        title=f"{start.year}年村党组织书记乡村振兴大比武",
        series="乡村振兴大比武",
        year=start.year,
        level="banner",
        entrant_kind="branch",
        dates=dates,
        weights=(30, 30, 40),
        rubric=RUBRIC,
        description="日常考核+擂台比武，不比基础比干劲、不比总量比增量。",
    )
    entries = [
        entry_submit(
            actor=actor(start),
            contest=done,
            org=b,
            title=f"{_short(b)}：{WORDS[n % len(WORDS)][:12]}",
            text=WORDS[n % len(WORDS)],
            video_url=f"https://video.example.cn/shuangshai/{n + 1}",
        )
        for n, b in enumerate(branches[:8])
    ]
    for judge in judges:
        judge_add(actor=actor(start), contest=done, user=judge)
    _batch, codes = voter_codes_issue(
        actor=actor(start), contest=done, count=60, label="各村网格员发放"
    )
    for n, code in enumerate(codes):
        for k, e in enumerate(entries):
            if (n + k * seed) % (k + 2) == 0:
                day = dates.voting_from + dt.timedelta(days=n % 20)
                vote_cast(
                    actor=actor(day, ip=f"10.{k}.{n}.1", s=n * 97 + k * 13),
                    contest=done,
                    entry_ref=e.public_ref,
                    code=code,
                )
                votes += 1
    votes_flag(actor=actor(dates.voting_until + dt.timedelta(days=1)), contest=done)
    judging = dates.voting_until + dt.timedelta(days=5)
    for j, judge in enumerate(judges):
        for k, e in enumerate(entries):
            work = 25 + (k * 7 + j * 5 + seed) % 25
            score_submit(
                actor=actor(judging, judge),
                entry=e,
                marks={
                    "思路举措": 18 + (k + j) % 12,
                    "工作成效": work,
                    "现场讲述": 10 + (k * j) % 10,
                },
            )
    results_publish(actor=actor(dates.judging_until - dt.timedelta(days=1)), contest=done)

    # in voting now: opened five days ago, closes in twenty
    start = today - dt.timedelta(days=10)
    live = contest_create(
        actor=actor(start - dt.timedelta(days=1)),
        organiser=root,
        title=f"{today.year}年党组织书记“晒党建、晒成绩”双晒",
        series="双晒",
        year=today.year,
        level="banner",
        entrant_kind="branch",
        dates=Dates(
            start,
            start + dt.timedelta(days=5),
            today + dt.timedelta(days=20),
            today + dt.timedelta(days=40),
        ),
        weights=(40, 30, 30),
        rubric=RUBRIC,
        description="书记们录制视频晒党建、晒成绩，群众凭投票码线上投票，再请专业评委评比。",
    )
    shown = [
        entry_submit(
            actor=actor(start),
            contest=live,
            org=b,
            title=f"{_short(b)}书记晒党建",
            text=WORDS[(n + 1) % len(WORDS)],
            video_url=f"https://video.example.cn/live/{n + 1}",
        )
        for n, b in enumerate(branches[6:12])
    ]
    for judge in judges:
        judge_add(actor=actor(start), contest=live, user=judge)
    _batch, codes = voter_codes_issue(
        actor=actor(start), contest=live, count=40, label="纸条（乡镇党委发放）"
    )
    for n, code in enumerate(codes[:30]):
        e = shown[n % len(shown)]
        vote_cast(
            actor=actor(today - dt.timedelta(days=n % 4), ip=f"10.9.{n}.1", s=n * 31),
            contest=live,
            entry_ref=e.public_ref,
            code=code,
        )
        votes += 1
    _level_by_level(county, actor, judges, today)
    return votes


def _level_by_level(
    county: County, actor: Callable[..., Actor], judges: list[User], today: dt.date
) -> None:
    """比武争星: "在街道比、旗区推" (article 002)."""
    root = Org.objects.get(county=county, parent=None)
    town = Org.objects.filter(county=county, kind=OrgKind.TOWNSHIP).order_by("path").first()
    if town is None:
        return
    branches = list(
        Org.objects.filter(county=county, kind=OrgKind.BRANCH, path__startswith=town.path).order_by(
            "path"
        )[:4]
    )
    banner = contest_create(
        actor=actor(today - dt.timedelta(days=50)),
        organiser=root,
        title=f"{today.year}年全旗党组织书记比武争星",
        series="比武争星（旗区）",
        year=today.year,
        level="banner",
        entrant_kind="branch",
        dates=Dates(
            today - dt.timedelta(days=10),
            today + dt.timedelta(days=10),
            today + dt.timedelta(days=25),
            today + dt.timedelta(days=40),
        ),
        weights=(30, 40, 30),
        rubric=RUBRIC,
        sources=[
            {"name": "points", "weight": 40},
            {"name": "meetings_held", "weight": 30},
            {"name": "needs_in_time", "weight": 30},
        ],
        description="各街道（乡镇）比武的优胜者晋级参加。",
    )
    start = today - dt.timedelta(days=45)
    street = contest_create(
        actor=actor(start - dt.timedelta(days=1)),
        organiser=town,
        title=f"{today.year}年{town.name.removesuffix('党委')}党组织书记比武争星",
        series=f"比武争星（{town.name}）",
        year=today.year,
        level="street",
        entrant_kind="branch",
        dates=Dates(
            start,
            start + dt.timedelta(days=10),
            start + dt.timedelta(days=20),
            today - dt.timedelta(days=8),
        ),
        weights=(0, 40, 60),
        rubric=RUBRIC,
        sources=[
            {"name": "points", "weight": 50},
            {"name": "meetings_held", "weight": 25},
            {"name": "needs_in_time", "weight": 25},
        ],
        next_level=banner,
        description="街道比、旗区推：前两名晋级全旗比武争星。",
    )
    entries = [
        entry_submit(
            actor=actor(start),
            contest=street,
            org=b,
            title=f"{_short(b)}书记比武争星",
            text=WORDS[n % len(WORDS)],
            video_url=f"https://video.example.cn/bwzx/{n + 1}",
        )
        for n, b in enumerate(branches)
    ]
    for judge in judges:
        judge_add(actor=actor(start), contest=street, user=judge)
    judging = start + dt.timedelta(days=25)
    for j, judge in enumerate(judges):
        for k, e in enumerate(entries):
            score_submit(
                actor=actor(judging, judge),
                entry=e,
                marks={"思路举措": 28 - k * 3, "工作成效": 45 - k * 5 - j, "现场讲述": 18 - k},
            )
    # published six days ago: the two 优胜 went up to the banner's contest, then in its showcase
    results_publish(actor=actor(today - dt.timedelta(days=6)), contest=street)
