"""The weak-and-lax rectification ledger of an organisation rated four stars or fewer (000: "对
4星级及以下的党组织,结合软弱涣散党组织整顿工作,集中抓好整改提高"): the township and the
organisation's secretary record the problems found (查摆问题) with their measures (开出药方) and
the progress (建账促改); the township closes each (销号) with a reason; the task is done only
once a problem was recorded and every problem is closed.

Cast: 甲一村党支部 (A1B) rated 4 stars in 2026; bob (甲镇, the township) owns its "rectify"
task; carol is its secretary; cathy its committee member; erin a member; dave another
township; gina a grid worker of the village."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.stars.models import Consequence, Rating, RectifyProblem, RectifyProgress
from zhengxing.stars.rectify import (
    rectify_done_problem,
    rectify_problem_add,
    rectify_problem_close,
    rectify_progress_add,
)
from zhengxing.stars.services import consequence_done, ratings_finalise, scheme_from_preset
from zhengxing.testing import SYSTEM, Cast

from .conftest import act, run

DUE = dt.date(2026, 9, 30)


def weak_task(cast: Cast, stars: int = 4) -> Consequence:
    """甲一村党支部's 2026 rating finalised at `stars` by the township: its "rectify" task."""
    scheme_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="bayannur-532-org"
    )
    run(cast)
    tier = "rectify" if stars >= 3 else "warn"
    Rating.objects.filter(org=cast.branch_a1).update(
        score=60 + stars, missing=0, stars=stars, tier=tier
    )
    ratings_finalise(actor=act(cast.bob, 7, 12), org=cast.town_a, year=2026, period="Y")
    return Consequence.objects.get(code="rectify", rating__org=cast.branch_a1)


@pytest.fixture
def task(scored: Cast) -> Consequence:
    return weak_task(scored)


def add(cast: Cast, task: Consequence, user=None, **changes) -> RectifyProblem:  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "problem": "组织生活不经常，三会一课记录不全",
        "source": "乡镇党委督查查阅会议记录",
        "measure": "每月固定主题党日，书记每季度讲党课，记录当场签字",
        "responsible": "支部书记",
        "due_on": DUE,
    }
    values.update(changes)
    return rectify_problem_add(actor=act(user or cast.bob, 7, 15), consequence=task, **values)


def progress(cast: Cast, problem: RectifyProblem, user=None, **changes) -> RectifyProgress:  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "done_on": dt.date(2026, 8, 1),
        "action": "召开7月主题党日，全体党员参加",
        "done_by": "支部书记",
        "evidence": "会议记录第12页、照片3张",
    }
    values.update(changes)
    return rectify_progress_add(actor=act(user or cast.carol, 8, 2), problem=problem, **values)


def test_the_township_and_the_secretary_keep_the_ledger_the_township_closes(
    scored: Cast, task: Consequence
) -> None:
    assert (task.owner_org, task.owner_role, task.rating.stars) == (scored.town_a, "township", 4)
    found = add(scored, task)  # the township (查摆问题, 开出药方)
    own = add(scored, task, scored.carol, problem="党员联系群众不够", source="支部自查")
    assert (own.org, own.county) == (scored.branch_a1, scored.county)
    entry = progress(scored, found)  # the secretary (建账促改)
    assert (entry.done_by, entry.evidence) == ("支部书记", "会议记录第12页、照片3张")
    with pytest.raises(PermissionDenied, match="问题销号由负责整顿的乡镇党委确认"):
        rectify_problem_close(actor=act(scored.carol, 8, 3), problem=found, reason="已整改")
    closed = rectify_problem_close(
        actor=act(scored.bob, 8, 3), problem=found, reason="经查阅记录，组织生活已正常"
    )
    assert closed.closed_by == scored.bob and closed.close_reason == "经查阅记录，组织生活已正常"
    actions = list(
        AuditEvent.objects.filter(action__startswith="stars.rectify.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "stars.rectify.close",
        "stars.rectify.problem",
        "stars.rectify.problem",
        "stars.rectify.progress",
    ]
    assert not RectifyProblem.objects.filter(pk=own.pk, closed_at__isnull=False).exists()


def test_the_task_is_not_done_before_a_problem_is_recorded_nor_while_one_is_open(
    scored: Cast, task: Consequence
) -> None:
    with pytest.raises(ServiceError, match="须先查摆问题、开出整改措施"):
        consequence_done(actor=act(scored.bob, 7, 20), consequence=task, note="已整顿")
    first, second = add(scored, task), add(scored, task, problem="村务公开不及时")
    progress(scored, first)
    rectify_problem_close(actor=act(scored.bob, 8, 3), problem=first, reason="已整改到位")
    with pytest.raises(ServiceError, match="还有1个整顿问题未销号"):
        consequence_done(actor=act(scored.bob, 8, 4), consequence=task, note="已整顿")
    task.refresh_from_db()
    assert task.done_at is None
    progress(scored, second, action="村务公开栏按月更新")
    rectify_problem_close(actor=act(scored.bob, 8, 5), problem=second, reason="公开栏已按月更新")
    assert rectify_done_problem(task) == ""
    done = consequence_done(actor=act(scored.bob, 8, 6), consequence=task, note="两个问题均已销号")
    assert done.done_at is not None
    # a done task's ledger is kept as it stands
    with pytest.raises(ServiceError, match="整顿事项已办结"):
        add(scored, task, problem="又发现的问题")
    assert RectifyProblem.objects.count() == 2


@pytest.mark.parametrize("who", ["cathy", "erin", "dave", "gina"])
def test_anyone_but_the_township_and_the_secretary_is_refused(
    scored: Cast, task: Consequence, who: str
) -> None:
    """cathy sits on the branch committee but is not its secretary; erin a member; dave another
    township; gina the village's grid worker."""
    found = add(scored, task)
    user = getattr(scored, who)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match="由负责整顿的乡镇党委和该党组织书记记录"):
        add(scored, task, user)
    with pytest.raises(PermissionDenied, match="由负责整顿的乡镇党委和该党组织书记记录"):
        progress(scored, found, user)
    with pytest.raises(PermissionDenied):
        rectify_problem_close(actor=act(user, 8, 3), problem=found, reason="已整改")
    assert RectifyProblem.objects.count() == 1 and not RectifyProgress.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"problem": "  "}, "请填写查摆出的问题"),
        ({"source": ""}, "请填写问题来源"),
        ({"measure": ""}, "请填写整改措施"),
        ({"responsible": ""}, "请填写整改责任人"),
        ({"problem": "问" * 501}, "查摆出的问题不能超过500个字"),
        ({"due_on": dt.date(2026, 7, 14)}, "整改时限不能早于今天"),
        ({"due_on": dt.date(2027, 8, 1)}, "整改时限不超过一年"),
    ],
)
def test_a_problem_without_what_where_measure_who_or_a_due_date_is_refused(
    scored: Cast, task: Consequence, changes: dict, message: str
) -> None:
    with pytest.raises(ServiceError, match=message):
        add(scored, task, **changes)
    assert not RectifyProblem.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"action": ""}, "请填写整改情况"),
        ({"done_by": ""}, "请填写整改人"),
        ({"done_on": dt.date(2026, 8, 3)}, "整改日期不能晚于今天"),
        ({"done_on": dt.date(2026, 7, 14)}, "整改日期不能早于问题查摆的日期"),
    ],
)
def test_progress_says_what_was_done_by_whom_and_when(
    scored: Cast, task: Consequence, changes: dict, message: str
) -> None:
    found = add(scored, task)
    with pytest.raises(ServiceError, match=message):
        progress(scored, found, **changes)
    assert not RectifyProgress.objects.exists()


def test_a_problem_is_closed_once_with_a_reason_and_after_some_progress(
    scored: Cast, task: Consequence
) -> None:
    found = add(scored, task)
    close = act(scored.bob, 8, 3)
    with pytest.raises(ServiceError, match="还没有整改进展记录，不能销号"):
        rectify_problem_close(actor=close, problem=found, reason="已整改")
    progress(scored, found)
    with pytest.raises(ServiceError, match="请填写销号理由"):
        rectify_problem_close(actor=close, problem=found, reason=" ")
    rectify_problem_close(actor=close, problem=found, reason="已整改到位")
    with pytest.raises(ServiceError, match="该问题已销号"):
        rectify_problem_close(actor=close, problem=found, reason="再次销号")
    with pytest.raises(ServiceError, match="该问题已销号"):
        progress(scored, found)


def test_a_task_that_is_no_rectification_has_no_ledger(scored: Cast) -> None:
    """A member's "精准制定整改措施" is the branch's talk with her, not the organisations'
    weak-and-lax rectification."""
    run(scored)
    Rating.objects.filter(member=scored.member_a1).update(stars=3, tier="warn")
    ratings_finalise(actor=act(scored.carol, 7, 12), org=scored.branch_a1, year=2026, period="Y")
    plan = Consequence.objects.get(code="rectify-plan")
    with pytest.raises(ServiceError, match="不是软弱涣散党组织整顿"):
        add(scored, plan, scored.carol)
    assert rectify_done_problem(plan) == ""


def test_under_three_stars_the_secretary_is_also_talked_to(scored: Cast) -> None:
    """000: "对3星级以下的党组织,对党组织书记进行批评教育和诫勉谈话" beside the rectification."""
    task = weak_task(scored, stars=2)
    codes = set(Consequence.objects.filter(rating=task.rating).values_list("code", flat=True))
    assert codes == {"rectify", "warn-secretary"}
