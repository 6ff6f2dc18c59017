"""The rectification ledger through its page (reached from the township's follow-up tasks and
from the organisation's star board) and the API: the same services, the same refusals."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from zhengxing.stars.models import Consequence, RectifyProblem, RectifyProgress
from zhengxing.testing import Cast, client_for

from .test_rectify import weak_task

JSON = "application/json"


@pytest.fixture
def task(scored: Cast) -> Consequence:
    return weak_task(scored)


def problem_post(due: dt.date, **changes: str) -> dict[str, str]:
    values = {
        "op": "problem",
        "new-problem": "班子战斗力不强，议事不规范",
        "new-source": "乡镇党委专项督查",
        "new-measure": "修订议事规则，重大事项“四议两公开”",
        "new-responsible": "支部书记",
        "new-due_on": due.isoformat(),
    }
    values.update(changes)
    return values


def test_the_township_reaches_the_ledger_from_its_tasks_and_keeps_it(
    scored: Cast, task: Consequence
) -> None:
    bob = client_for(scored.bob)
    url = reverse("stars:rectify", args=[task.pk])
    todos = bob.get(reverse("stars:todos")).content.decode()
    assert f'href="{url}"' in todos
    page = bob.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "中共甲一村支部委员会" in html and "4 ★" in html
    assert 'name="new-problem"' in html and 'name="viewport"' in html  # phones
    today = timezone.localdate()
    late = bob.post(url, problem_post(today - dt.timedelta(days=1)))
    assert late.status_code == 400 and "整改时限不能早于今天" in late.content.decode()
    assert "修订议事规则" in late.content.decode()  # what was typed, kept
    assert not RectifyProblem.objects.exists()
    assert bob.post(url, problem_post(today + dt.timedelta(days=30))).status_code == 302
    found = RectifyProblem.objects.get()
    g = f"g{found.pk}"
    step = {"op": "progress", "problem": str(found.pk), f"{g}-done_on": today.isoformat(),
            f"{g}-action": "修订议事规则并上墙", f"{g}-done_by": "支部书记"}  # fmt: skip
    assert bob.post(url, step).status_code == 302
    done = bob.post(reverse("stars:todo_done", args=[task.pk]), {"note": "已整顿"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.done_at is None  # a problem still open
    close = {"op": "close", "problem": str(found.pk), f"c{found.pk}-reason": "议事规则已执行"}
    assert bob.post(url, close).status_code == 302
    found.refresh_from_db()
    assert found.closed_at is not None and "议事规则已执行" in bob.get(url).content.decode()
    bob.post(reverse("stars:todo_done", args=[task.pk]), {"note": "问题均已销号"})
    task.refresh_from_db()
    assert task.done_at is not None


def test_the_secretary_reaches_it_from_her_board_and_records_progress_not_closing(
    scored: Cast, task: Consequence
) -> None:
    carol = client_for(scored.carol)
    url = reverse("stars:rectify", args=[task.pk])
    board = carol.get(reverse("stars:board", args=[scored.branch_a1.pk]), {"year": "2026"})
    assert f'href="{url}"' in board.content.decode()
    today = timezone.localdate()
    assert carol.post(url, problem_post(today + dt.timedelta(days=20))).status_code == 302
    found = RectifyProblem.objects.get()
    page = carol.get(url).content.decode()
    assert f'name="g{found.pk}-action"' in page and f'name="c{found.pk}-reason"' not in page
    # her button says what it does: 记录 (not the member record's heading 基本信息)
    assert '<button class="primary">记录</button>' in page and "基本信息" not in page
    refused = carol.post(
        url, {"op": "close", "problem": str(found.pk), f"c{found.pk}-reason": "我说已整改"},
        follow=True,
    )  # fmt: skip
    assert "问题销号由负责整顿的乡镇党委确认" in refused.content.decode()
    found.refresh_from_db()
    assert found.closed_at is None


def test_others_see_nothing_or_cannot_write(scored: Cast, task: Consequence) -> None:
    url = reverse("stars:rectify", args=[task.pk])
    assert client_for(scored.dave).get(url).status_code == 404  # another township
    assert client_for(scored.erin).get(url).status_code == 404  # a member
    cathy = client_for(scored.cathy)  # the committee member: sees, does not write
    page = cathy.get(url)
    assert page.status_code == 200 and 'name="new-problem"' not in page.content.decode()
    refused = cathy.post(url, problem_post(timezone.localdate()), follow=True)
    assert "由负责整顿的乡镇党委和该党组织书记记录" in refused.content.decode()
    assert not RectifyProblem.objects.exists()


def test_the_api_lists_reads_and_writes_the_ledger(scored: Cast, task: Consequence) -> None:
    bob, carol = client_for(scored.bob), client_for(scored.carol)
    today = timezone.localdate()
    due = (today + dt.timedelta(days=60)).isoformat()
    problem = {"problem": "发展党员工作滞后", "source": "年度考评", "measure": "确定积极分子",
               "responsible": "组织委员", "due_on": due}  # fmt: skip
    url = f"/api/v1/stars/rectify/{task.pk}/problems"
    cathy = client_for(scored.cathy).post(url, problem, content_type=JSON)
    assert cathy.status_code == 403
    assert client_for(scored.dave).post(url, problem, content_type=JSON).status_code == 404
    bad = carol.post(url, {**problem, "measure": " "}, content_type=JSON)
    assert bad.status_code == 400 and bad.json()["detail"] == "请填写整改措施"
    made = carol.post(url, problem, content_type=JSON)
    assert made.status_code == 201 and made.json()["closed"] is False
    pid = made.json()["id"]
    step = {"done_on": today.isoformat(), "action": "两名积极分子已确定", "done_by": "组织委员"}
    added = carol.post(f"/api/v1/stars/rectify/problems/{pid}/progress", step, content_type=JSON)
    assert added.status_code == 201 and RectifyProgress.objects.count() == 1
    done = bob.post(f"/api/v1/stars/tasks/{task.pk}/done", json.dumps({"note": "已整顿"}),
                    content_type=JSON)  # fmt: skip
    assert done.status_code == 400 and "还有1个整顿问题未销号" in done.json()["detail"]
    close = f"/api/v1/stars/rectify/problems/{pid}/close"
    assert carol.post(close, {"reason": "已整改"}, content_type=JSON).status_code == 403
    closed = bob.post(close, {"reason": "已确定培养对象"}, content_type=JSON)
    assert closed.status_code == 200 and closed.json()["closed"] is True
    ledger = bob.get(f"/api/v1/stars/rectify/{task.pk}").json()
    assert (ledger["problems"], ledger["open"], ledger["may_close"]) == (1, 0, True)
    assert ledger["items"][0]["progress"][0]["action"] == "两名积极分子已确定"
    assert carol.get(f"/api/v1/stars/rectify/{task.pk}").json()["may_close"] is False
    [line] = bob.get(f"/api/v1/stars/orgs/{scored.town_a.pk}/rectify").json()
    assert (line["task_id"], line["stars"], line["org"]["name"]) == (
        task.pk,
        4,
        "中共甲一村支部委员会",
    )
    assert client_for(scored.dave).get(f"/api/v1/stars/rectify/{task.pk}").status_code == 404


def test_the_ledger_page_costs_the_same_queries_for_one_problem_or_many(
    scored: Cast, task: Consequence
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhengxing.core.actor import Actor
    from zhengxing.stars.rectify import rectify_problem_add, rectify_progress_add

    bob, url, today = (
        client_for(scored.bob),
        reverse("stars:rectify", args=[task.pk]),
        timezone.localdate(),
    )

    def grow(n: int) -> int:
        for i in range(n):
            found = rectify_problem_add(
                actor=Actor(user=scored.bob, label="bob"), consequence=task, problem=f"问题{i}",
                source="督查", measure="整改", responsible="书记", due_on=today,
            )  # fmt: skip
            rectify_progress_add(actor=Actor(user=scored.carol, label="carol"), problem=found,
                                 done_on=today, action="已整改", done_by="书记")  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            assert bob.get(url).status_code == 200
        return len(queries)

    assert grow(1) == grow(5)
