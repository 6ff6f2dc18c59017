"""The contests' demo builder on the test cast, with twelve more branches: one contest finished
(results published, 优胜 and 获胜, the last two for a talk) and one in its public voting now;
and a street contest whose winners went up to the banner's."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zhengxing.contests.demo import demo_contests
from zhengxing.contests.models import Contest, Entry, Result, Vote
from zhengxing.orgs.services import org_create
from zhengxing.testing import SYSTEM, Cast

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_finished_contest_and_one_in_voting(cast: Cast) -> None:
    for n in range(12):
        village = org_create(
            actor=SYSTEM, parent=cast.town_a, code=f"D{n}", name=f"示范{n}村", kind="village"
        )
        org_create(
            actor=SYSTEM,
            parent=village,
            code=f"D{n}B",
            name=f"中共示范{n}村支部委员会",
            kind="branch",
        )
    votes = demo_contests(cast.county, seed=2026)
    assert votes == Vote.objects.count() > 30
    done, live, banner, street = Contest.objects.order_by("pk")
    assert done.published_at is not None and live.phase(timezone.localdate()) == "voting"
    awards = list(Result.objects.filter(contest=done).values_list("award", "talk"))
    assert [a for a, _t in awards] == ["best", "best", "winning", "winning", "winning", "", "", ""]
    assert [t for _a, t in awards] == [False] * 6 + [True, True]
    assert not Vote.objects.filter(status="held").exists()
    # 比武争星 level by level: the street's two 优胜 went up to the banner's, in its showcase now
    assert street.next_level_id == banner.pk and banner.phase(timezone.localdate()) == "showcase"
    went = Entry.objects.filter(contest=banner)
    came = [e.came_from for e in went if e.came_from is not None]
    assert sorted(e.contest_id for e in came) == [street.pk, street.pk]
    assert {e.result.award for e in came} == {"best"}
    assert all("points" in r.growth for r in Result.objects.filter(contest=street))
