"""The target points' workbooks: a unit's ledger (submissions, scores, deductions, evidence
references) and the county's results (units × tasks and targets, ranked), from the pages and
the API, scoped. "结果实时公示并有效运用" (004)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from zhengxing.targets.models import TargetCatalogue
from zhengxing.targets.services import (
    target_deduction_record,
    target_progress_submit,
    target_submission_assess,
)
from zhengxing.testing import Cast, client_for

from .conftest import as_, key, onsite, tom, vera


@pytest.fixture
def assessed(targets: TargetCatalogue, people: Cast) -> None:
    """甲一村: K1.1 reported with a photo, scored 9 by bob; 2 off for a late evaluation.
    甲镇: K1.1 scored 7 by alice."""
    submission = target_progress_submit(
        actor=as_(vera()), unit=people.village_a1, code="K1.1", text="已召开党员大会",
        evidence="evidence/2026/meeting.jpg", idempotency_key=key(),
    )  # fmt: skip
    target_submission_assess(actor=as_(people.bob), submission=submission, points=9)
    target_deduction_record(
        actor=as_(people.bob), unit=people.village_a1, points=2, source="late", reason="迟报"
    )
    town = target_progress_submit(
        actor=as_(tom()), unit=people.town_a, code="K1.1", text="已召开", evidence="e.jpg",
        idempotency_key=key(),
    )  # fmt: skip
    target_submission_assess(actor=as_(people.alice), submission=town, points=7)


def rows(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def test_the_units_ledger_workbook(assessed: None, people: Cast) -> None:
    response = client_for(people.bob).get(
        f"/targets/unit/{people.village_a1.pk}/ledger.xlsx", {"year": 2026}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = rows(response.content)
    ledger = sheets["目标工作台账"]
    assert ledger[1][:4] == ("序号", "记录时间", "类别", "目标编号")
    progress, daily, deduction = ledger[2:5]
    assert (progress[0], progress[3], progress[6], progress[7]) == (
        1, "K1.1", "已召开党员大会", "evidence/2026/meeting.jpg",
    )  # fmt: skip
    assert (daily[0], daily[4], daily[10]) == (2, 9, 1)  # scored 9, on submission no. 1
    assert (deduction[0], deduction[4]) == (3, -2)
    scores = {r[0]: r for r in sheets["目标得分"][1:]}
    assert scores["K1.1"][4] == 9 and scores["K1.1"][7] == 9
    assert sheets["目标得分"][-1][-1] == 7  # 9 less the 2


def test_the_results_workbook_is_ranked_units_by_tasks_and_targets(
    assessed: None, people: Cast
) -> None:
    response = client_for(people.alice).get("/api/v1/targets/results.xlsx", {"year": 2026})
    assert response.status_code == 200
    sheet = rows(response.content)["考评结果"]
    header = sheet[2]
    assert header[:4] == ("名次", "单位", "总分", "未对应目标的扣分")
    assert set(header[4:]) == {"K1", "K2", "K1.1", "K1.2", "K2.1"}
    lines = {r[1]: dict(zip(header, r, strict=True)) for r in sheet[3:]}
    village = lines[people.village_a1.name]
    assert (village["名次"], village["总分"], village["K1.1"], village["K1"]) == (1, 7, 9, 9)
    town = lines[people.town_a.name]
    assert (town["名次"], town["总分"], town["K1.2"]) == (1, 7, None)  # tied; K1.2 is villages'
    assert {r[0] for r in sheet[3:]} >= {1, 3}  # the rest tied third


def test_the_workbooks_are_scoped(assessed: None, people: Cast) -> None:
    dave = client_for(people.dave)  # township B: 甲一村 is not his
    url = f"/api/v1/targets/units/{people.village_a1.pk}/ledger.xlsx"
    assert dave.get(url, {"year": 2026}).status_code == 404
    sheet = rows(dave.get("/api/v1/targets/results.xlsx", {"year": 2026}).content)["考评结果"]
    assert people.village_a1.name not in {r[1] for r in sheet[3:]}
    assert client_for(people.bob).get(url, {"year": 2026}).status_code == 200


def test_the_pages_link_the_downloads(assessed: None, people: Cast) -> None:
    alice = client_for(people.alice)
    index = alice.get("/targets/").content.decode()
    assert "/targets/results.xlsx" in index
    assert alice.get("/targets/results.xlsx").status_code == 200
    unit = alice.get(f"/targets/unit/{people.village_a1.pk}/").content.decode()
    assert f"/targets/unit/{people.village_a1.pk}/ledger.xlsx" in unit


def test_the_ledger_workbook_names_an_onsite_visits_assessors(
    targets: TargetCatalogue, people: Cast
) -> None:
    """A visit's entry names its assessors, the leader first; its sheet lists each one's
    scores beside the ledger line the visit's mean went to."""
    onsite(
        people.village_a1,
        dt.date(2026, 6, 20),
        {people.bob: {"K2.1": 16}, people.alice: {"K2.1": 19}},
    )
    response = client_for(people.bob).get(
        f"/targets/unit/{people.village_a1.pk}/ledger.xlsx", {"year": 2026}
    )
    sheets = rows(response.content)
    (line,) = sheets["目标工作台账"][2:]
    assert (line[2], line[4], line[8]) == ("现场考评", 17.5, "bob（带队）、alice")
    assert sorted(sheets["现场考评"][1:]) == [
        ("2026-06-30", "alice", "K2.1", 19, 1),
        ("2026-06-30", "bob", "K2.1", 16, 1),
    ]
