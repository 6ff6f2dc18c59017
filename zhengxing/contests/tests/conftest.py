"""The contests' cast: alice (the county's organisation department) runs 2026's 乡村振兴大比武
over the branches; 甲一村党支部 (A1B, carol its secretary) and 乙一村党支部 (B1B) enter. Voting runs
20 June – 10 July, judging to 31 July; everyone acts on 30 June 2026 (voting open) unless a test
says otherwise. Three judges, ann, ben and cy, hold no role in the county."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User

from zhengxing.contests import services
from zhengxing.contests.models import Contest, Entry, Judge
from zhengxing.contests.rules import Dates
from zhengxing.ledger.tests.conftest import NOW, SHANGHAI, api_clock, as_, on_30_june
from zhengxing.testing import Cast

__all__ = ["NOW", "api_clock", "as_", "on_30_june"]

MAY = dt.datetime(2026, 5, 20, 10, 0, tzinfo=SHANGHAI)
JUDGING = dt.datetime(2026, 7, 15, 10, 0, tzinfo=SHANGHAI)
AFTER_JUDGING = dt.datetime(2026, 8, 2, 10, 0, tzinfo=SHANGHAI)
RUBRIC = [
    {"name": "思路举措", "max": 40},
    {"name": "工作成效", "max": 40},
    {"name": "现场讲述", "max": 20},
]
DATES = Dates(dt.date(2026, 6, 1), dt.date(2026, 6, 20), dt.date(2026, 7, 10), dt.date(2026, 7, 31))


def make_contest(cast: Cast, **overrides: Any) -> Contest:
    values: dict[str, Any] = {
        "organiser": cast.root,
        "title": "2026年乡村振兴大比武",
        "series": "乡村振兴大比武",
        "year": 2026,
        "level": "banner",
        "entrant_kind": "branch",
        "dates": DATES,
        "weights": (30, 30, 40),
        "rubric": RUBRIC,
    }
    values.update(overrides)
    return services.contest_create(actor=as_(cast.alice, MAY), **values)


@dataclass
class Arena:
    contest: Contest
    a1: Entry
    b1: Entry
    judges: list[Judge]
    codes: list[str]


@pytest.fixture
def arena(cast: Cast) -> Arena:
    contest = make_contest(cast)
    early = dt.datetime(2026, 6, 5, 9, 0, tzinfo=SHANGHAI)
    a1 = services.entry_submit(
        actor=as_(cast.carol, early),
        contest=contest,
        org=cast.branch_a1,
        title="产业兴村",
        text="党支部领办合作社，发展葡萄种植",
        video_url="https://video.example.cn/a1",
    )
    b1 = services.entry_submit(
        actor=as_(cast.alice, early),
        contest=contest,
        org=cast.branch_b1,
        title="五人小组议事",
        text="三轮议事、两级审定、全程公开",
    )
    judges = [
        services.judge_add(
            actor=as_(cast.alice, early), contest=contest, user=User.objects.create_user(name)
        )
        for name in ("ann", "ben", "cy")
    ]
    _batch, codes = services.voter_codes_issue(
        actor=as_(cast.alice, early), contest=contest, count=20, label="甲一村网格员发放"
    )
    return Arena(contest, a1, b1, judges, codes)
