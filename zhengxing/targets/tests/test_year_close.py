"""The year closed, its ranking kept (年终评定): "对目标完成情况进行评审，结果实时公示并有效运用"
(004 Sanmenxia) — the results are used, so the assessing body closes the year once it has ended
and its units' scores and places are kept as they were, with the chain head each was computed
at; no entry of that year is written afterwards. The public page and the Excel of a closed year
read the kept rows and say "已于…年终评定"; an open year keeps the live scores."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.tests.conftest import pages_at
from zhengxing.targets.models import (
    TargetCatalogue,
    TargetChainHead,
    TargetEntry,
    TargetYearClose,
    TargetYearResult,
)
from zhengxing.targets.scores import county_target_scores, target_standing, unit_target_scores
from zhengxing.targets.selectors import target_chains_problems
from zhengxing.targets.services import (
    target_deduction_record,
    target_progress_submit,
    target_submission_assess,
    target_visit_close,
    target_visit_open,
    target_visit_score,
    target_year_close,
)
from zhengxing.testing import Cast, client_for

from .conftest import SHANGHAI, D, as_, key, snapshot, vera

AFTER = dt.datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI)  # 2026 has ended
CLOSED = "已于2027年1月5日年终评定"


def close(people: Cast) -> TargetYearClose:
    return target_year_close(actor=as_(people.alice, AFTER), owner=people.root, year=2026)


def test_closing_keeps_each_units_scores_and_place_with_its_chain_head(
    year_of_work: None, people: Cast
) -> None:
    live = {u.unit_id: u for u in county_target_scores(county_id=people.county.pk, year=2026)}
    closed = close(people)
    rows = {r.unit_id: r for r in TargetYearResult.objects.filter(close=closed)}
    assert set(rows) == set(live)  # every assessed unit of the county's catalogue, one row each
    village = rows[people.village_a1.pk]
    assert (village.rank, village.total, village.deduction) == (1, D("28.9"), D(-3))
    assert village.county_id == people.county.pk and village.year == 2026
    assert village.tasks == {"K1": "18.4", "K2": "13.5"}
    assert village.targets["K1.1"] == {
        "name": "按期召开党员大会", "task": "K1", "points": "10.0", "measure": "done",
        "daily": "9", "onsite": "7.5", "deduction": "0", "figure": None, "score": "8.4",
    }  # fmt: skip
    head = TargetChainHead.objects.get(unit=people.village_a1)
    assert (village.head_seq, village.head_hash) == (head.seq, head.hash)
    assert (rows[people.town_a.pk].rank, rows[people.town_a.pk].total) == (2, D(5))
    event = AuditEvent.objects.get(action="targets.year.close")
    assert event.after is not None
    assert event.after["results"][people.village_a1.public_ref]["rank"] == 1
    # what is read from now on is what was kept: the same as the live scores at the close
    kept = target_standing(county_id=people.county.pk, year=2026)
    assert kept.closed_at == AFTER
    assert [(u.unit_id, u.rank, u.total, u.tasks) for u in kept.units] == [
        (u.unit_id, u.rank, u.total, u.tasks)
        for u in sorted(live.values(), key=lambda u: (u.rank, u.path))
    ]
    assert unit_target_scores(people.village_a1, 2026).targets["K2.1"].score == D("13.5")  # type: ignore[union-attr]


def test_no_entry_of_a_closed_year_is_written(year_of_work: None, people: Cast) -> None:
    waiting = target_progress_submit(
        actor=as_(vera()), unit=people.village_a1, code="K2.1", text="班子会", idempotency_key=key()
    )
    # a visit opened before the close, scored by one of its two assessors: after the close
    # neither its other assessor's score nor its closing enters the closed year
    visit = target_visit_open(
        actor=as_(people.alice, AFTER - dt.timedelta(days=30)), unit=people.village_a1,
        visited_on=dt.date(2026, 12, 1), assessors=[people.bob], idempotency_key=key(),
    )  # fmt: skip
    target_visit_score(actor=as_(people.alice), visit=visit, scores={"K2.1": 11})
    close(people)
    before = snapshot()
    refused = f"{people.village_a1.name}2026年的目标考评{CLOSED}，不能再记录"
    attempts = [
        lambda: target_submission_assess(
            actor=as_(people.bob, AFTER), submission=waiting, points=15
        ),
        lambda: target_deduction_record(
            actor=as_(people.bob, AFTER), unit=people.village_a1, points=1, source="late",
            reason="迟报", year=2026,
        ),
        lambda: target_visit_open(
            actor=as_(people.bob, AFTER), unit=people.village_a1,
            visited_on=dt.date(2026, 12, 20), assessors=[], idempotency_key=key(),
        ),
        lambda: target_visit_score(actor=as_(people.bob, AFTER), visit=visit, scores={"K2.1": 12}),
        lambda: target_visit_close(actor=as_(people.alice, AFTER), visit=visit),
        lambda: target_progress_submit(
            actor=as_(vera()), unit=people.village_a1, code="K1.1", text="补报",
            evidence="e.jpg", idempotency_key=key(),
        ),  # the year's clock (30 June 2026): still 2026
    ]  # fmt: skip
    for attempt in attempts:
        with pytest.raises(ServiceError) as refusal:
            attempt()
        assert str(refusal.value) == refused
        assert refusal.value.code == "conflict"
        assert snapshot() == before
    # the next year is open
    target_deduction_record(
        actor=as_(people.bob, AFTER), unit=people.village_a1, points=1, source="late",
        reason="迟报", year=2027,
    )  # fmt: skip
    assert TargetEntry.objects.filter(year=2027).count() == 1


def test_closing_refuses_a_year_not_ended_twice_or_out_of_scope(
    year_of_work: None, people: Cast
) -> None:
    before = snapshot()
    with pytest.raises(ServiceError, match=r"^2026年尚未结束，年终评定须在次年进行$"):
        target_year_close(
            actor=as_(people.alice, dt.datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI)),
            owner=people.root,
            year=2026,
        )
    with pytest.raises(PermissionDenied):  # bob assesses township A's villages, not the county
        target_year_close(actor=as_(people.bob, AFTER), owner=people.root, year=2026)
    with pytest.raises(ServiceError, match=r"2025年没有已发布的目标清单$"):
        target_year_close(actor=as_(people.alice, AFTER), owner=people.root, year=2025)
    assert snapshot() == before and not TargetYearClose.objects.exists()
    close(people)
    kept = TargetYearResult.objects.count()
    with pytest.raises(ServiceError) as twice:
        close(people)
    assert str(twice.value) == f"{people.root.name}2026年的目标考评{CLOSED}，不能重复评定"
    assert TargetYearResult.objects.count() == kept
    assert AuditEvent.objects.filter(action="targets.year.close").count() == 1


def page(people: Cast, year: int) -> str:
    url = reverse("targets_public:results", args=[people.county.code])
    response = Client().get(url, {"year": year})
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_page_of_a_closed_year_reads_the_kept_rows(
    year_of_work: None, people: Cast
) -> None:
    assert CLOSED not in page(people, 2026)  # open: live
    close(people)
    TargetYearResult.objects.filter(unit=people.village_a1).update(total=D("88.8"))  # kept ≠ live
    html = page(people, 2026)
    assert CLOSED in html and "88.8" in html and "28.9" not in html
    assert CLOSED not in page(people, 2027)


def test_the_results_workbook_of_a_closed_year_says_so(year_of_work: None, people: Cast) -> None:
    client = client_for(people.alice)
    open_rows = _rows(client.get("/api/v1/targets/results.xlsx", {"year": 2026}).content)
    assert not any(CLOSED in str(r[0]) for r in open_rows)
    close(people)
    got = _rows(client.get("/api/v1/targets/results.xlsx", {"year": 2026}).content)
    assert str(got[1][0]).startswith(CLOSED)
    header = got[3]
    lines = {r[1]: dict(zip(header, r, strict=True)) for r in got[4:]}
    assert (lines[people.village_a1.name]["名次"], lines[people.village_a1.name]["总分"]) == (
        1,
        28.9,
    )


def _rows(content: bytes) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(r) for r in book["考评结果"].iter_rows(values_only=True)]


def test_the_api_closes_a_year_and_serves_its_kept_ranking(
    year_of_work: None, people: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages_at(monkeypatch, AFTER)
    alice = client_for(people.alice, password_minutes_ago=0)
    assert alice.get("/api/v1/targets/years/2026/ranking").status_code == 404  # still open
    bob = client_for(people.bob, password_minutes_ago=0)
    assert bob.post("/api/v1/targets/years/2026/close").status_code == 403
    # kept for good: the password entered in the last few minutes, as a sign-off asks
    stale = client_for(people.alice, password_minutes_ago=30)
    refused = stale.post("/api/v1/targets/years/2026/close")
    assert refused.status_code == 403 and "重新验证身份" in refused.json()["detail"]
    assert not TargetYearClose.objects.exists()
    response = alice.post("/api/v1/targets/years/2026/close")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["year"] == 2026 and body["units"][0]["unit_id"] == people.village_a1.pk
    assert (body["units"][0]["rank"], body["units"][0]["total"]) == (1, "28.9")
    again = alice.post("/api/v1/targets/years/2026/close")
    assert again.status_code == 400 and CLOSED in again.json()["detail"]
    kept = alice.get("/api/v1/targets/years/2026/ranking").json()
    assert [u["unit_id"] for u in kept["units"]] == [u["unit_id"] for u in body["units"]]
    # bob sees township A's units only, at the county's places
    bobs = client_for(people.bob).get("/api/v1/targets/years/2026/ranking").json()["units"]
    assert {u["unit_id"] for u in bobs} == {people.town_a.pk, people.village_a1.pk}
    assert [u["rank"] for u in bobs if u["unit_id"] == people.village_a1.pk] == [1]


def test_the_county_closes_the_year_on_its_page_behind_a_confirmation(
    year_of_work: None, people: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages_at(monkeypatch, AFTER)
    alice = client_for(people.alice)
    index = alice.get(reverse("targets:index"), {"year": 2026}).content.decode()
    url = reverse("targets:year_close", args=[2026])
    assert f'action="{url}"' in index and 'id="confirm-year-close"' in index
    assert (
        url
        not in client_for(people.bob).get(reverse("targets:index"), {"year": 2026}).content.decode()
    )
    # the password not entered again lately: to the page that asks it, nothing closed
    asked = client_for(people.alice, password_minutes_ago=30).post(url, {"confirm": "yes"})
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("reauth"))
    assert not TargetYearClose.objects.exists()
    alice = client_for(people.alice, password_minutes_ago=0)
    alice.post(url)  # not confirmed: nothing
    assert not TargetYearClose.objects.exists()
    response = alice.post(url, {"confirm": "yes"}, follow=True)
    assert TargetYearClose.objects.filter(owner=people.root, year=2026).exists()
    html = response.content.decode()
    assert CLOSED in html and url not in html


def test_the_units_page_offers_the_progress_form_only_for_an_open_current_year(
    year_of_work: None, people: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Progress is recorded for the year it is reported in (the service's), so a past year's
    page, or a closed year's, shows why there is no form instead of one that files elsewhere
    or is refused."""
    unit_url = reverse("targets:unit", args=[people.village_a1.pk])
    pages_at(monkeypatch, dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI))
    html = client_for(vera()).get(unit_url, {"year": 2026}).content.decode()
    assert 'name="idempotency_key"' in html and 'id="no-progress-form"' not in html
    pages_at(monkeypatch, AFTER)  # 2027: 2026 has ended, not yet closed
    secretary = client_for(vera())
    html = secretary.get(unit_url, {"year": 2026}).content.decode()
    assert 'name="idempotency_key"' not in html and "只能填报本年度" in html
    close(people)
    html = secretary.get(unit_url, {"year": 2026}).content.decode()
    assert 'name="idempotency_key"' not in html and "2027-01-05年终评定" in html


def test_the_page_keeps_the_button_off_until_the_year_has_ended(
    targets: TargetCatalogue, people: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages_at(monkeypatch, dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI))
    index = client_for(people.alice).get(reverse("targets:index"), {"year": 2026})
    html = index.content.decode()
    assert 'id="confirm-year-close-why"' in html and 'confirm-year-close"' not in html


def commands_at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    """Server commands act at this moment (`Actor.system`)."""
    system = Actor.system.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        Actor,
        "system",
        classmethod(lambda cls, *a, **k: dataclasses.replace(system(cls, *a, **k), now=moment)),
    )


def test_the_command_closes_a_year(
    year_of_work: None, people: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.StringIO()
    commands_at(monkeypatch, dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI))
    with pytest.raises(CommandError, match="尚未结束"):
        call_command("targets-close-year", county=people.county.code, year=2026, stdout=out)
    commands_at(monkeypatch, AFTER)
    call_command("targets-close-year", county=people.county.code, year=2026, stdout=out)
    assert f"{people.root.name}2026年目标考评已年终评定：" in out.getvalue()
    assert TargetYearResult.objects.get(unit=people.village_a1).total == D("28.9")
    assert target_chains_problems(people.county.pk)[1] == []
