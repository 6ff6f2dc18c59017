"""The target catalogue drafted on a page: "将7项重点任务逐项分解为20项具体目标" (004 Sanmenxia).
The county's staff write a year's key tasks and targets, add rows by HTMX (or by posting the
form back without script), remove rows, see the service's refusals in Chinese beside the rows
as typed, save a draft and publish it; a published version is frozen and starts the next
version. A township's secretary, not managing the tree, is shown none of it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.targets.models import TargetCatalogue
from zhengxing.testing import Cast, client_for

from .conftest import D, tom


def form(**more: Any) -> dict[str, Any]:
    """A year's catalogue as the page posts it: K1 with K1.1 (done, 10, evidence, villages) and
    K1.2 (a count of 12), and K2 with K2.1 (judged, 20)."""
    data: dict[str, Any] = {
        "owner": "", "year": "2027", "name": "2027年党建目标", "onsite_weight": "40",
        "task": ["a", "b"], "task-a-code": "K1", "task-a-name": "落实组织生活制度",
        "task-b-code": "K2", "task-b-name": "抓党建责任落实",
        "target": ["x", "y", "z"],
        "target-x-task": "a", "target-x-code": "K1.1", "target-x-name": "按期召开党员大会",
        "target-x-points": "10", "target-x-measure": "done", "target-x-evidence": "1",
        "target-x-kinds": ["village"],
        "target-y-task": "a", "target-y-code": "K1.2", "target-y-name": "全年讲党课",
        "target-y-points": "12", "target-y-measure": "count", "target-y-goal": "12",
        "target-z-task": "b", "target-z-code": "K2.1", "target-z-name": "班子建设",
        "target-z-points": "20", "target-z-measure": "judged",
    }  # fmt: skip
    data.update(more)
    return data


def test_the_county_drafts_a_catalogue_on_the_page_and_publishes_it(people: Cast) -> None:
    alice = client_for(people.alice)
    index = alice.get(reverse("targets:index")).content.decode()
    assert reverse("targets:catalogue_new") in index
    new = alice.get(reverse("targets:catalogue_new"))
    assert new.status_code == 200 and 'name="task"' in new.content.decode()
    saved = alice.post(reverse("targets:catalogue_new"), form(owner=people.root.pk))
    draft = TargetCatalogue.objects.get()
    assert saved.status_code == 302 and saved["Location"] == reverse(
        "targets:catalogue", args=[draft.pk]
    )
    assert (draft.year, draft.status, draft.onsite_weight) == (2027, "draft", 40)
    targets = {t.code: t for t in draft.targets.select_related("task")}
    assert (targets["K1.1"].task.code, targets["K1.1"].points) == ("K1", D(10))
    assert targets["K1.1"].evidence_required and targets["K1.1"].kinds == ["village"]
    assert (targets["K1.2"].measure, targets["K1.2"].goal) == ("count", D(12))
    assert targets["K2.1"].task.code == "K2"
    assert AuditEvent.objects.filter(action="targets.catalogue.draft").count() == 1
    # the draft's page edits it; the edit removes K1.2 and saves the same draft again
    page = alice.get(reverse("targets:catalogue", args=[draft.pk])).content.decode()
    assert reverse("targets:catalogue_edit", args=[draft.pk]) in page
    edit = alice.get(reverse("targets:catalogue_edit", args=[draft.pk])).content.decode()
    assert 'value="全年讲党课"' in edit
    alice.post(reverse("targets:catalogue_edit", args=[draft.pk]), form(**{"target-y-remove": "1"}))
    assert TargetCatalogue.objects.count() == 1
    assert sorted(draft.targets.values_list("code", flat=True)) == ["K1.1", "K2.1"]
    # published behind its confirmation: frozen, and "new version" starts the next from it
    alice.post(reverse("targets:publish", args=[draft.pk]), {"confirm": "yes"})
    frozen = alice.get(reverse("targets:catalogue", args=[draft.pk])).content.decode()
    assert "confirm-publish" not in frozen
    assert reverse("targets:catalogue_edit", args=[draft.pk]) in frozen  # new version
    start = alice.get(reverse("targets:catalogue_edit", args=[draft.pk])).content.decode()
    assert 'value="班子建设"' in start
    alice.post(
        reverse("targets:catalogue_edit", args=[draft.pk]),
        form(**{"target-z-points": "25", "target-y-remove": "1"}),
    )
    second = TargetCatalogue.objects.get(version=2)
    assert (second.status, second.targets.get(code="K2.1").points) == ("draft", D(25))
    draft.refresh_from_db()
    assert draft.is_current and draft.targets.get(code="K2.1").points == D(20)  # untouched


def test_errors_come_back_in_chinese_beside_their_rows_and_nothing_is_written(
    people: Cast,
) -> None:
    alice = client_for(people.alice)
    before = AuditEvent.objects.count()
    bad = form(owner=people.root.pk, **{"target-z-points": "120", "target-y-goal": ""})
    page = alice.post(reverse("targets:catalogue_new"), bad).content.decode()
    assert "具体目标“K2.1 班子建设”的分值须在0.5到100分之间" in page
    assert "具体目标“K1.2 全年讲党课”按数量计分，须填写大于0的目标数" in page
    rows = re.findall(
        r'<fieldset class="target-row" id="target-(\w+)">(.*?)</fieldset>', page, re.S
    )
    errors = {key: "errorlist" in body for key, body in rows}
    assert errors == {"x": False, "y": True, "z": True}  # beside the rows they are about
    assert 'value="120"' in page  # the rows as typed
    letters = alice.post(reverse("targets:catalogue_new"), form(**{"target-x-points": "十"}))
    assert "分值须是数字" in letters.content.decode()
    assert not TargetCatalogue.objects.exists() and AuditEvent.objects.count() == before


def test_rows_are_added_by_htmx_or_by_posting_the_form_back(people: Cast) -> None:
    alice = client_for(people.alice)
    task = alice.get(reverse("targets:catalogue_row"), HTTP_HX_REQUEST="true").content.decode()
    assert 'name="task"' in task and 'name="target"' in task and "<html" not in task
    target = alice.get(reverse("targets:catalogue_row"), {"task": "a"}).content.decode()
    assert 'name="target-' in target and 'value="a"' in target and 'name="task"' not in target
    more = alice.post(reverse("targets:catalogue_new"), form(add="target:b")).content.decode()
    assert more.count('class="target-row"') == 4 and not TargetCatalogue.objects.exists()
    more = alice.post(reverse("targets:catalogue_new"), form(add="task")).content.decode()
    assert more.count('class="card task-block"') == 3


@pytest.mark.parametrize("page", ["targets:catalogue_new", "targets:catalogue_row"])
def test_who_does_not_set_targets_is_shown_no_editor(people: Cast, page: str) -> None:
    assert client_for(tom()).get(reverse(page)).status_code == 404  # a township's secretary
    assert (
        reverse("targets:catalogue_new")
        not in client_for(tom()).get(reverse("targets:index")).content.decode()
    )
